from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from gannan.api import RegionAPIMixin, service_errors

from .filters import DivisionFilter, VillageYearFilter
from .models import Division, VillageYear
from .scope import scope_filter
from .serializers import DivisionSerializer, VillageYearSerializer, VillageYearUpdateSerializer
from .services import village_year_save


class DivisionViewSet(RegionAPIMixin, viewsets.ReadOnlyModelViewSet[Division]):
    """Divisions of the caller's region (their own and everything under it), by code."""

    queryset = Division.objects.none()
    serializer_class = DivisionSerializer
    filterset_class = DivisionFilter

    def get_queryset(self) -> QuerySet[Division]:
        if getattr(self, "swagger_fake_view", False):
            return Division.objects.none()
        return scope_filter(Division.objects.order_by("code"), self.request.user, "code")


class VillageYearViewSet(
    RegionAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[VillageYear],
):
    """A village's rural population and 六有六通 per year. Written by clerks and admins of its region."""

    queryset = VillageYear.objects.none()
    filterset_class = VillageYearFilter

    def get_queryset(self) -> QuerySet[VillageYear]:
        if getattr(self, "swagger_fake_view", False):
            return VillageYear.objects.none()
        qs = VillageYear.objects.select_related("village").order_by("village_id", "year")
        return scope_filter(qs, self.request.user, "village_id")

    def get_serializer_class(self) -> type[VillageYearSerializer]:
        if self.action in ("update", "partial_update"):
            return VillageYearUpdateSerializer
        return VillageYearSerializer

    def perform_create(self, serializer: serializers.BaseSerializer[VillageYear]) -> None:
        data = serializer.validated_data
        with service_errors():
            serializer.instance = village_year_save(
                user=self.request.user, village=data["village"], year=data["year"], data=data
            )

    @extend_schema(responses={200: VillageYearSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        serializer = self.get_serializer(record, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        with service_errors():
            record = village_year_save(
                user=self.request.user, village=record.village, year=record.year, data=serializer.validated_data
            )
        return Response(
            VillageYearSerializer(record, context=self.get_serializer_context()).data, status=status.HTTP_200_OK
        )

    @extend_schema(responses={200: VillageYearSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)
