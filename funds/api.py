"""The funds API: read for everyone in the region, write for its clerks (and admins), through the services.

The same plumbing as the register's endpoints (gannan/api.py): strict query parameters, pages, service errors,
and `division` for "rows under this division".
"""

from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import Model, QuerySet
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.http import AuthenticatedAPIRequest
from gannan.api import RegionAPIMixin, service_errors
from gannan.filters import YearFilter
from gannan.lib.calendar import EARLIEST_RECORD_YEAR, FIRST_YEAR
from villages.filters import UnderDivisionFilter
from villages.scope import scope_filter

from . import selectors, services
from . import serializers as s
from .models import Allocation, Disbursement, FundSource, Loan, Measure, MutualAidFund, Project


def _call(service, **kwargs):
    with service_errors():
        return service(**kwargs)


class FundSourceFilter(django_filters.FilterSet):
    class Meta:
        model = FundSource
        fields = ["kind"]

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        """Years are checked against the calendar; a project is looked up in the caller's region only,
        so another region's project answers like one that does not exist."""
        if field_name.endswith("year"):
            first = EARLIEST_RECORD_YEAR if field_name == "founded_year" else FIRST_YEAR
            return YearFilter(param=field_name, field_name=field_name, first=first, label=field.verbose_name)
        if field_name == "project":
            return django_filters.ModelChoiceFilter(
                field_name="project", queryset=_projects_in_scope, label=field.verbose_name
            )
        return super().filter_for_field(field, field_name, lookup_expr)


def _projects_in_scope(request):
    if request is None:  # schema generation
        return Project.objects.none()
    return scope_filter(Project.objects.all(), request.user, "division__code")


class ProjectFilter(django_filters.FilterSet):
    division = UnderDivisionFilter(field_name="division__pk")

    class Meta:
        model = Project
        fields = ["year", "programme", "status"]


class AllocationFilter(django_filters.FilterSet):
    division = UnderDivisionFilter(field_name="project__division__pk")
    source = django_filters.CharFilter(field_name="source__code")

    class Meta:
        model = Allocation
        fields = ["year", "project", "source"]


class DisbursementFilter(django_filters.FilterSet):
    division = UnderDivisionFilter(field_name="village__pk")
    source = django_filters.CharFilter(field_name="source__code")
    household = django_filters.CharFilter(field_name="household__code")
    year = YearFilter(param="year", field_name="date", lookup_expr="year")
    to_household = django_filters.BooleanFilter(field_name="household", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Disbursement
        fields = ["project", "source", "household", "year"]


class MeasureFilter(django_filters.FilterSet):
    division = UnderDivisionFilter(field_name="village__pk")
    household = django_filters.CharFilter(field_name="household__code")

    class Meta:
        model = Measure
        fields = ["household", "programme", "year", "project"]


class LoanFilter(django_filters.FilterSet):
    division = UnderDivisionFilter(field_name="village__pk")
    household = django_filters.CharFilter(field_name="household__code")
    issued_year = YearFilter(param="issued_year", field_name="issued_on", lookup_expr="year")

    class Meta:
        model = Loan
        fields = ["household", "status", "bank"]


class MutualAidFundFilter(django_filters.FilterSet):
    division = UnderDivisionFilter(field_name="village__pk")

    class Meta:
        model = MutualAidFund
        fields = ["founded_year"]


class FundsViewSet(
    RegionAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    request: AuthenticatedAPIRequest  # ReadOrEditRegion lets no anonymous caller this far
    model: type[Model]
    selector: Callable[..., QuerySet[Any]]  # (user=) → the rows the user may see
    service: Callable[..., Any]  # the create service

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return self.model._default_manager.none()
        return type(self).selector(user=self.request.user).order_by("pk")

    def perform_create(self, serializer):
        serializer.instance = _call(
            type(self).service, user=self.request.user, **self.service_kwargs(serializer.validated_data)
        )

    def service_kwargs(self, data):
        return data


class FundSourceViewSet(FundsViewSet):
    """Fund sources (资金来源); admins add them."""

    serializer_class = s.FundSourceSerializer
    queryset = FundSource.objects.order_by("code")
    filterset_class = FundSourceFilter
    service = services.fund_source_create

    def get_queryset(self):
        return self.queryset


class ProjectViewSet(FundsViewSet):
    """Projects with their allocated and disbursed totals."""

    model = Project
    serializer_class = s.ProjectSerializer
    filterset_class = ProjectFilter
    selector = selectors.project_list
    service = services.project_create

    def perform_create(self, serializer):
        project = _call(services.project_create, user=self.request.user, **serializer.validated_data)
        serializer.instance = selectors.project_list(user=self.request.user).get(pk=project.pk)


class AllocationViewSet(FundsViewSet):
    model = Allocation
    serializer_class = s.AllocationSerializer
    filterset_class = AllocationFilter
    selector = selectors.allocation_list
    service = services.allocation_create


class DisbursementViewSet(FundsViewSet):
    model = Disbursement
    serializer_class = s.DisbursementSerializer
    filterset_class = DisbursementFilter
    selector = selectors.disbursement_list
    service = services.disbursement_create

    def service_kwargs(self, data):
        data = dict(data)
        data["on"] = data.pop("date")
        return data


class MeasureViewSet(FundsViewSet):
    model = Measure
    serializer_class = s.MeasureSerializer
    filterset_class = MeasureFilter
    selector = selectors.measure_list
    service = services.measure_create


class LoanViewSet(FundsViewSet):
    model = Loan
    serializer_class = s.LoanSerializer
    filterset_class = LoanFilter
    selector = selectors.loan_list
    service = services.loan_create

    @action(detail=True, methods=["post"], serializer_class=s.LoanStatusSerializer)
    def status(self, request, pk=None):
        """Mark the loan current, repaid or overdue."""
        loan = self.get_object()
        data = s.LoanStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        loan = _call(services.loan_status_set, user=request.user, loan=loan, status=data.validated_data["status"])
        return Response(s.LoanSerializer(loan, context=self.get_serializer_context()).data)


class MutualAidFundViewSet(FundsViewSet):
    """Village mutual-aid funds with capital, member households, money lent and repaid."""

    model = MutualAidFund
    serializer_class = s.MutualAidFundSerializer
    filterset_class = MutualAidFundFilter
    selector = selectors.mutual_aid_fund_list
    service = services.mutual_aid_fund_create

    def perform_create(self, serializer):
        fund = _call(services.mutual_aid_fund_create, user=self.request.user, **serializer.validated_data)
        serializer.instance = selectors.mutual_aid_fund_list(user=self.request.user).get(pk=fund.pk)
