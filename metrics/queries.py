"""Database aggregation: each function is one GROUP BY query returning a small DataFrame.

Every frame is a set of *spans*: a row counts at the end of year Y when
`start <= Y` and (`end` is missing or `end > Y`). Status changes, village
rural-population figures and poor-village listings all fit that shape, so one
query per source serves a single year and a whole time series alike, and the
number of queries never depends on the number of households or villages.

`child_len` groups rows by the first `child_len` characters of the village
code (the direct children of a region); None returns the region's totals.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd
from django.db.models import Aggregate, Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, ExtractYear, Greatest, Least

from households.models import EXITED_STATUSES, POOR_STATUSES, HouseholdYear, Status, StatusChange
from villages.models import Division, Level, VillageYear

from .models import ExitTarget

# The direct child of a region, read from a village through the tree: village, its township or its county.
# Grouping by a plain column (not a substring of the code) lets PostgreSQL estimate the few groups and hash them.
CHILD_FIELD = {12: "code", 9: "parent__code", 6: "parent__parent__code"}


def _child(village: str, child_len: int | None) -> F | Value:
    """The code of the child of `village`: the first `child_len` characters of its code ("" = the row itself)."""
    return F(village + CHILD_FIELD[child_len]) if child_len else Value("")


def _frame(rows: Iterable[Any], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(list(rows), columns=columns)
    return df


def register_spans(
    *, prefix: str, first: int, last: int, child_len: int | None = None, split: bool = False
) -> pd.DataFrame:
    """The status history as spans, for the years first..last, in one scan of the register.

    Columns: child, status, prev_poor (the change left a poor status), start, end,
    main_cause, attribute, households, population. A change dated in year Y is a
    flow of Y (start == Y); spans starting before `first` are clipped to
    first − 1 and open or later ends to last + 1, so rows that behave alike in
    first..last group together. With `split`, poor spans carry the household's
    main cause and attribute; otherwise those columns are empty.
    """
    qs: QuerySet[Any, Any] = StatusChange.objects.filter(household__village__code__startswith=prefix, date__lte=date(last, 12, 31))
    qs = qs.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=date(first, 1, 1)))
    poor = Q(status__in=POOR_STATUSES)
    qs = qs.annotate(
        child=_child("household__village__", child_len),
        prev_poor=Case(When(previous_status__in=POOR_STATUSES, then=Value(True)), default=Value(False)),
        start=Greatest(Cast(ExtractYear("date"), IntegerField()), Value(first - 1)),
        end=Coalesce(Least(Cast(ExtractYear("ended_on"), IntegerField()), Value(last + 1)), Value(last + 1)),
        main_cause=Case(When(poor, then=F("household__main_cause"))) if split else Value(None, IntegerField()),
        attribute=Case(When(poor, then=F("household__attribute"))) if split else Value(None, IntegerField()),
    )
    qs = qs.values("child", "status", "prev_poor", "start", "end", "main_cause", "attribute")
    qs = qs.annotate(households=Count("id"), population=Coalesce(Sum("household__member_count"), 0)).order_by()
    columns = ["child", "status", "prev_poor", "start", "end", "main_cause", "attribute", "households", "population"]
    return _frame(qs.values_list(*columns), columns)


def register_year(*, prefix: str, year: int, child_len: int | None = None, split: bool = False) -> pd.DataFrame:
    """The register's figures for one year, as conditional sums in one scan (cheaper than spans for one year).

    Columns: child, main_cause, attribute (empty without `split`), then the
    stock sums at the end of `year` and the flow sums of the changes dated in it,
    named like the metrics keys (see `REGISTER_YEAR_KEYS`).
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    qs: QuerySet[Any, Any] = StatusChange.objects.filter(household__village__code__startswith=prefix, date__lte=end)
    qs = qs.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    qs = qs.annotate(
        child=_child("household__village__", child_len),
        main_cause=F("household__main_cause") if split else Value(None, IntegerField()),
        attribute=F("household__attribute") if split else Value(None, IntegerField()),
    )
    at_end = Q(ended_on__isnull=True) | Q(ended_on__gt=end)
    in_year, from_poor = Q(date__gte=start), Q(previous_status__in=POOR_STATUSES)
    exited = in_year & from_poor & Q(status__in=EXITED_STATUSES)
    conditions = {
        "poor": at_end & Q(status__in=POOR_STATUSES),
        "supported": at_end & Q(status__in=[*POOR_STATUSES, Status.EXITED_CONSOLIDATING]),
        "registered": at_end & ~Q(status=Status.REMOVED),
        "new_identified": in_year & Q(status=Status.IDENTIFIED),
        "exited_stable": exited & Q(status=Status.EXITED_STABLE),
        "exited_consolidating": exited & Q(status=Status.EXITED_CONSOLIDATING),
        "returned": in_year & Q(status=Status.RETURNED),
        "removed": in_year & Q(status=Status.REMOVED),
        "removed_while_poor": in_year & from_poor & Q(status=Status.REMOVED),
    }
    aggregates: dict[str, Aggregate] = {}
    for kind, condition in conditions.items():
        aggregates[f"{kind}_population"] = Sum("household__member_count", filter=condition)
        if kind not in ("supported", "registered"):
            aggregates[f"{kind}_households"] = Count("id", filter=condition)
    qs = qs.values("child", "main_cause", "attribute").annotate(**aggregates).order_by()
    columns = ["child", "main_cause", "attribute", *aggregates]
    frame = _frame(qs.values_list(*columns), columns).fillna({k: 0 for k in aggregates})
    return frame.assign(
        exited_population=frame["exited_stable_population"] + frame["exited_consolidating_population"],
        exited_households=frame["exited_stable_households"] + frame["exited_consolidating_households"],
    )


def poor_year_split(*, prefix: str, year: int) -> pd.DataFrame:
    """The poor population at the end of `year` by main cause and attribute, reading only the poor spans.

    Columns: child (""), main_cause, attribute, poor_population: the shape `compute.year_splits` reads from
    `register_year`, for a fraction of its scan.
    """
    end = date(year, 12, 31)
    qs: QuerySet[Any, Any] = StatusChange.objects.filter(
        household__village__code__startswith=prefix, status__in=POOR_STATUSES, date__lte=end
    )
    qs = qs.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
    qs = qs.annotate(child=Value(""), main_cause=F("household__main_cause"), attribute=F("household__attribute"))
    qs = qs.values("child", "main_cause", "attribute").annotate(poor_population=Sum("household__member_count")).order_by()
    columns = ["child", "main_cause", "attribute", "poor_population"]
    return _frame(qs.values_list(*columns), columns)


def rural_spans(*, prefix: str, child_len: int | None = None, until: int | None = None) -> pd.DataFrame:
    """Villages' rural population figures as spans: a figure holds until the village's next figure.

    child, start (the figure's year), end (the next figure's year), rural_population, villages.
    """
    figures = VillageYear.objects.filter(rural_population__isnull=False)
    next_year = figures.filter(village_id=OuterRef("village_id"), year__gt=OuterRef("year")).order_by("year").values("year")[:1]
    qs: QuerySet[Any, Any] = figures.filter(village__code__startswith=prefix)
    if until is not None:
        qs = qs.filter(year__lte=until)
    qs = qs.annotate(
        child=_child("village__", child_len),
        start=F("year"),
        end=Subquery(next_year, output_field=IntegerField()),
    )
    qs = qs.values("child", "start", "end")
    qs = qs.annotate(rural_population=Sum("rural_population"), villages=Count("id")).order_by()
    columns = ["child", "start", "end", "rural_population", "villages"]
    return _frame(qs.values_list(*columns), columns)


def poor_village_spans(*, prefix: str, child_len: int | None = None) -> pd.DataFrame:
    """Poor-village listings as spans: child, start (listed year, 0 if unknown), end (出列 year), villages."""
    qs: QuerySet[Any, Any] = Division.objects.filter(level=Level.VILLAGE, is_poor_village=True, code__startswith=prefix)
    qs = qs.annotate(child=_child("", child_len), start=Coalesce("poor_listed_year", 0), end=F("poor_exit_year"))
    qs = qs.values("child", "start", "end").annotate(villages=Count("code")).order_by()
    columns = ["child", "start", "end", "villages"]
    return _frame(qs.values_list(*columns), columns)


def _poor_at_end_of(year: int) -> Q:
    end = date(year, 12, 31)
    return Q(
        household__status_changes__status__in=POOR_STATUSES,
        household__status_changes__date__lte=end,
    ) & (Q(household__status_changes__ended_on__isnull=True) | Q(household__status_changes__ended_on__gt=end))


def guarantee_failures(*, prefix: str, year: int, checks: list[str]) -> pd.DataFrame:
    """For households poor at the end of `year` with a record for that year: how many fail each check.

    One row: households, then one column per check field (households failing it).
    A household has exactly one status span covering a date, so the join does not duplicate it.
    """
    qs = HouseholdYear.objects.filter(household__village__code__startswith=prefix, year=year).filter(_poor_at_end_of(year))
    aggregates = {"households": Count("id")}
    aggregates.update({field: Count("id", filter=Q(**{field: False})) for field in checks})
    row = qs.aggregate(**aggregates)
    return pd.DataFrame([row], columns=["households", *checks])


def village_checklist(*, prefix: str, year: int, items: list[str]) -> pd.DataFrame:
    """六有六通 of the villages that are poor villages at the end of `year`, from their record for that year.

    code, name, then one column per item (True/False; missing when the village has no record for the year).
    """
    qs = Division.objects.filter(level=Level.VILLAGE, is_poor_village=True, code__startswith=prefix)
    qs = qs.filter(Q(poor_listed_year__isnull=True) | Q(poor_listed_year__lte=year))
    qs = qs.filter(Q(poor_exit_year__isnull=True) | Q(poor_exit_year__gt=year))
    record = VillageYear.objects.filter(village_id=OuterRef("code"), year=year)
    qs = qs.annotate(**{item: Subquery(record.values(item)[:1]) for item in items})
    columns = ["code", "name", *items]
    return _frame(qs.order_by("code").values_list(*columns), columns)


def exit_targets(*, division_code: str) -> pd.DataFrame:
    """Exit targets of one division: year, target_population."""
    qs = ExitTarget.objects.filter(division_id=division_code).order_by("year")
    columns = ["year", "target_population"]
    return _frame(qs.values_list(*columns), columns)
