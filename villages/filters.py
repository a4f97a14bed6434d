"""Query parameters of the division and village-fact lists. Divisions are looked up in the caller's region only."""

from typing import TYPE_CHECKING, Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from gannan.filters import YearFilter

from .models import Division, Level, VillageYear
from .scope import scope_filter

if TYPE_CHECKING:  # for the annotations only: villages never imports accounts at run time
    from accounts.http import AuthenticatedAPIRequest


def divisions_in_scope(request: "AuthenticatedAPIRequest | None") -> QuerySet[Division]:
    if request is None:  # schema generation
        return Division.objects.none()
    return scope_filter(Division.objects.all(), request.user, "code")


def villages_in_scope(request: "AuthenticatedAPIRequest | None") -> QuerySet[Division]:
    return divisions_in_scope(request).filter(level=Level.VILLAGE)


@extend_schema_field(OpenApiTypes.STR)
class UnderDivisionFilter(django_filters.ModelChoiceFilter):
    """Rows whose division code (`field_name`) lies under the given division, itself included."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", divisions_in_scope)
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", _("区划代码（含下级）"))
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Division | None) -> QuerySet[Any]:
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__startswith": value.prefix})


class DivisionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("级别"))
    parent = django_filters.ModelChoiceFilter(
        queryset=divisions_in_scope, to_field_name="code", label=_("上级区划代码")
    )
    under = django_filters.ModelChoiceFilter(
        queryset=divisions_in_scope,
        to_field_name="code",
        method="filter_under",
        label=_("区划代码（其下级，不含自身）"),
    )

    class Meta:
        model = Division
        fields = ["level", "parent", "under"]

    @extend_schema_field(OpenApiTypes.STR)
    def filter_under(self, queryset: QuerySet[Division], name: str, value: Division) -> QuerySet[Division]:
        return queryset.filter(code__startswith=value.prefix).exclude(code=value.code)


class VillageYearFilter(django_filters.FilterSet):
    village = django_filters.ModelChoiceFilter(queryset=villages_in_scope, to_field_name="code", label=_("村区划代码"))
    year = YearFilter(param="year", label=_("年度"))
    division = UnderDivisionFilter(field_name="village__pk")

    class Meta:
        model = VillageYear
        fields = ["village", "year", "division"]
