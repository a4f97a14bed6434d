"""API filter types whose values are checked before they reach the database (no OverflowError, no 500)."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from gannan.lib.calendar import FIRST_YEAR, YearField

BIGGEST_ID = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT)  # also where it filters by a method, with no model field to read
class YearFilter(django_filters.Filter):
    """A year of the platform's calendar; anything else answers 400 naming the parameter."""

    field_class = YearField

    def __init__(self, *args, param: str, first: int = FIRST_YEAR, **kwargs):
        super().__init__(*args, param=param, first=first, **kwargs)


class IdFilter(django_filters.Filter):
    """A record number: a positive whole number that fits the database."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=BIGGEST_ID, **kwargs)
