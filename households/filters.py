"""Query parameters of the household list endpoints."""

import django_filters
from django.utils.translation import gettext_lazy as _

from gannan.filters import IdFilter, YearFilter
from villages.filters import UnderDivisionFilter

from .models import Attribute, Cause, Household, HouseholdYear, Member, Relation, Status, StatusChange
from .selectors import household_list, households_as_at


class HouseholdFilter(django_filters.FilterSet):
    division = UnderDivisionFilter(field_name="village__pk")
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("当前状态"))
    attribute = django_filters.ChoiceFilter(choices=Attribute.choices, label=_("贫困户属性"))
    main_cause = django_filters.ChoiceFilter(choices=Cause.choices, label=_("主要致贫原因"))
    identified_year = YearFilter(param="identified_year", label=_("识别年度"))
    q = django_filters.CharFilter(method="filter_q", label=_("户编号、成员姓名或证件号码"))
    year = YearFilter(
        param="year",
        method="filter_year",
        label=_("年度：按该年末的状态与人口列出（status 随之按该年末筛选）"),
    )

    class Meta:
        model = Household
        fields = ["division", "status", "attribute", "main_cause", "identified_year", "q", "year"]

    def filter_queryset(self, queryset):
        year = self.form.cleaned_data.get("year")
        if not year:
            return super().filter_queryset(queryset)
        status = self.form.cleaned_data.pop("status", "")
        queryset = households_as_at(queryset, int(year))
        if status:
            queryset = queryset.filter(status_then=status)
        return super().filter_queryset(queryset)

    def filter_year(self, queryset, name, value):
        return queryset  # applied first, in filter_queryset, so that `status` reads the year's status

    def filter_q(self, queryset, name, value):
        # The list page's search, from the selector, so the API and the page find the same households.
        return queryset & household_list(user=self.request.user, q=value)


class MemberFilter(django_filters.FilterSet):
    household = IdFilter(label=_("贫困户编号"))
    relation = django_filters.ChoiceFilter(choices=Relation.choices, label=_("与户主关系"))
    division = UnderDivisionFilter(field_name="household__village__pk")

    class Meta:
        model = Member
        fields = ["household", "relation", "division"]


class HouseholdYearFilter(django_filters.FilterSet):
    household = IdFilter(label=_("贫困户编号"))
    year = YearFilter(param="year", label=_("年度"))
    division = UnderDivisionFilter(field_name="household__village__pk")

    class Meta:
        model = HouseholdYear
        fields = ["household", "year", "division"]


class StatusChangeFilter(django_filters.FilterSet):
    household = IdFilter(label=_("贫困户编号"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("状态"))
    division = UnderDivisionFilter(field_name="household__village__pk")

    class Meta:
        model = StatusChange
        fields = ["household", "status", "division"]
