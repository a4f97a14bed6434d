"""The funds API: read for everyone in the region, write for its clerks (and admins), through the services."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api_permissions import ReadOrEditRegion
from accounts.scope import scope_filter
from gannan.filters import YearFilter
from gannan.lib.calendar import EARLIEST_RECORD_YEAR, FIRST_YEAR

from . import selectors, services
from . import serializers as s
from .models import Allocation, Disbursement, FundSource, Loan, Measure, MutualAidFund, Project


def _call(service, **kwargs):
    try:
        return service(**kwargs)
    except DjangoValidationError as e:
        raise serializers.ValidationError(e.message_dict if hasattr(e, "error_dict") else e.messages) from None


class RegionFilter(django_filters.FilterSet):
    """`region`: a division code; rows under it."""

    region = django_filters.CharFilter(method="filter_region", label="区划代码")
    region_path = ""

    def filter_region(self, queryset, name, value):
        return queryset.filter(**{f"{self.region_path}__startswith": value})

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        """Years are checked against the calendar; a project is looked up in the caller's region only,
        so another region's project answers like one that does not exist."""
        if field_name.endswith("year"):
            first = EARLIEST_RECORD_YEAR if field_name == "founded_year" else FIRST_YEAR
            return YearFilter(param=field_name, field_name=field_name, first=first, label=field.verbose_name)
        if field_name == "project":
            return django_filters.ModelChoiceFilter(field_name="project", queryset=_projects_in_scope,
                                                    label=field.verbose_name)
        return super().filter_for_field(field, field_name, lookup_expr)


def _projects_in_scope(request):
    if request is None:  # schema generation
        return Project.objects.none()
    return scope_filter(Project.objects.all(), request.user, "division__code")


class ProjectFilter(RegionFilter):
    region_path = "division__code"

    class Meta:
        model = Project
        fields = ["year", "programme", "status"]


class AllocationFilter(RegionFilter):
    region_path = "project__division__code"
    source = django_filters.CharFilter(field_name="source__code")

    class Meta:
        model = Allocation
        fields = ["year", "project", "source"]


class DisbursementFilter(RegionFilter):
    region_path = "village__code"
    source = django_filters.CharFilter(field_name="source__code")
    household = django_filters.CharFilter(field_name="household__code")
    year = YearFilter(param="year", field_name="date", lookup_expr="year")
    to_household = django_filters.BooleanFilter(field_name="household", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Disbursement
        fields = ["project", "source", "household", "year"]


class MeasureFilter(RegionFilter):
    region_path = "household__village__code"
    household = django_filters.CharFilter(field_name="household__code")

    class Meta:
        model = Measure
        fields = ["household", "programme", "year", "project"]


class LoanFilter(RegionFilter):
    region_path = "household__village__code"
    household = django_filters.CharFilter(field_name="household__code")
    issued_year = YearFilter(param="issued_year", field_name="issued_on", lookup_expr="year")

    class Meta:
        model = Loan
        fields = ["household", "status", "bank"]


class MutualAidFundFilter(RegionFilter):
    region_path = "village__code"

    class Meta:
        model = MutualAidFund
        fields = ["founded_year"]


class FundsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [ReadOrEditRegion]
    model: type
    selector = None
    service = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return self.model.objects.none()
        return type(self).selector(user=self.request.user).order_by("pk")

    def perform_create(self, serializer):
        serializer.instance = _call(type(self).service, user=self.request.user, **self.service_kwargs(serializer.validated_data))

    def service_kwargs(self, data):
        return data


class FundSourceViewSet(FundsViewSet):
    """Fund sources (资金来源); admins add them."""

    serializer_class = s.FundSourceSerializer
    queryset = FundSource.objects.order_by("code")
    filterset_fields = ["kind"]
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
