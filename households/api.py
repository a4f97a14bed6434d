"""The household register over HTTP. Reads are scoped to the caller's region; every write calls a service."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from accounts.models import User
from gannan.api import RegionAPIMixin, StableOrderingFilter, service_errors
from procedures.services import household_apply
from villages.scope import scope_filter

from .filters import HouseholdFilter, HouseholdYearFilter, MemberFilter, StatusChangeFilter
from .models import Household, HouseholdYear, Member, StatusChange
from .selectors import household_list
from .serializers import (
    HouseholdSerializer,
    HouseholdWriteSerializer,
    HouseholdYearSerializer,
    HouseholdYearUpdateSerializer,
    MemberSerializer,
    StatusChangeSerializer,
)
from .services import check_can_edit, household_update, household_year_save

REFUSED = {
    400: OpenApiResponse(description="规则不满足（按字段列出原因）"),
    403: OpenApiResponse(description="无权修改"),
}


def can_edit(user: User, household: Household) -> bool:
    """Whether `user` may edit `household`: the rule that also shows them full ID numbers."""
    try:
        check_can_edit(user, household.village)
    except PermissionDenied:
        return False
    return True


class HouseholdViewSet(
    RegionAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Households with their members. ID numbers are masked, except in one household's detail for its editors.

    A household is never deleted: it leaves the register by a status change (清退).
    """

    queryset = Household.objects.none()
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    filter_backends = [*RegionAPIMixin.filter_backends, StableOrderingFilter]
    ordering_fields = ["code", "identified_year", "member_count", "village"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Household.objects.none()
        qs = household_list(user=self.request.user)
        if self.action in ("list", "retrieve"):
            # Not for writes: the services count and rewrite members, and must not see a stale cache.
            qs = qs.prefetch_related("members")
        return qs

    def retrieve(self, request, *args, **kwargs):
        household = self.get_object()
        return Response(self._detail(household))

    def _detail(self, household: Household) -> dict:
        context = {**self.get_serializer_context(), "full_ids": can_edit(self.request.user, household)}
        return HouseholdSerializer(household, context=context).data

    @extend_schema(request=HouseholdWriteSerializer, responses={201: HouseholdSerializer, **REFUSED})
    def create(self, request, *args, **kwargs):
        serializer = HouseholdWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        members = data.pop("members")
        identified_on = data.pop("identified_on", None)
        data.pop("version", None)
        data.pop("correction", None)
        with service_errors():
            household = household_apply(user=request.user, data=data, members=members, on=identified_on)
        return Response(self._detail(household), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=HouseholdWriteSerializer,
        responses={
            200: HouseholdSerializer,
            **REFUSED,
            409: OpenApiResponse(description="版本已过期：他人已修改，本次未保存"),
        },
    )
    def update(self, request, *args, **kwargs):
        household = self.get_object()
        serializer = HouseholdWriteSerializer(
            household, data=request.data, partial=kwargs.get("partial", False), context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        members = data.pop("members", None)
        version = data.pop("version")
        correction = data.pop("correction", "")
        with service_errors():
            household = household_update(
                user=request.user,
                household=household,
                data=data,
                version=version,
                members=members,
                correction=correction,
            )
        return Response(self._detail(household))

    @extend_schema(
        request=HouseholdWriteSerializer,
        responses={
            200: HouseholdSerializer,
            **REFUSED,
            409: OpenApiResponse(description="版本已过期：他人已修改，本次未保存"),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class MemberViewSet(RegionAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Members, read only: they are written through their household. ID numbers as in households."""

    queryset = Member.objects.none()
    serializer_class = MemberSerializer
    filterset_class = MemberFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Member.objects.none()
        qs = Member.objects.select_related("household__village").order_by("household_id", "id")
        return scope_filter(qs, self.request.user, "household__village_id")

    def retrieve(self, request, *args, **kwargs):
        member = self.get_object()
        context = {**self.get_serializer_context(), "full_ids": can_edit(request.user, member.household)}
        return Response(MemberSerializer(member, context=context).data)


class HouseholdYearViewSet(
    RegionAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """A household's income and 两不愁三保障 per year."""

    queryset = HouseholdYear.objects.none()
    filterset_class = HouseholdYearFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return HouseholdYear.objects.none()
        qs = HouseholdYear.objects.select_related("household__village").order_by("household_id", "year")
        return scope_filter(qs, self.request.user, "household__village_id")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return HouseholdYearUpdateSerializer
        return HouseholdYearSerializer

    @extend_schema(responses={201: HouseholdYearSerializer, **REFUSED})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        with service_errors():
            serializer.instance = household_year_save(
                user=self.request.user, household=data["household"], year=data["year"], data=data
            )

    @extend_schema(responses={200: HouseholdYearSerializer, **REFUSED})
    def update(self, request, *args, **kwargs):
        record = self.get_object()
        serializer = self.get_serializer(record, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        with service_errors():
            data = dict(serializer.validated_data)
            record = household_year_save(
                user=request.user, household=record.household, year=record.year, data=data, version=data.pop("version")
            )
        return Response(HouseholdYearSerializer(record, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: HouseholdYearSerializer, **REFUSED})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class StatusChangeViewSet(RegionAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Status history, read only: a status changes only at a case's announcement (/api/cases/)."""

    queryset = StatusChange.objects.none()
    serializer_class = StatusChangeSerializer
    filterset_class = StatusChangeFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StatusChange.objects.none()
        qs = StatusChange.objects.select_related("household__village", "by").order_by("household_id", "date", "id")
        return scope_filter(qs, self.request.user, "household__village_id")
