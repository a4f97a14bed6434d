"""Database aggregation: each function is one GROUP BY query returning a small DataFrame.

Every frame is a set of *spans*: a row counts at the end of year Y when
`start <= Y` and (`end` is missing or `end > Y`). Status changes, village
rural-population figures and poor-village listings all fit that shape, so one
query per source serves a single year and a whole time series alike, and the
number of queries never depends on the number of households or villages.
The pages read the register through its villages' rollups instead
(`register_rollups`: village × year sums built from `register_spans`, see
`metrics.rollups`); `register_spans` and `register_year` are the reference.

`child_len` groups rows by the first `child_len` characters of the village
code (the direct children of a region); None returns the region's totals.
"""

from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

import pandas as pd
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, ExtractYear, Greatest, Least

from households.models import CLOSED_STATUSES, EXITED_STATUSES, POOR_STATUSES, Status, StatusChange
from villages.models import Division, Level, VillageYear

from .compute import FLOW_KEYS, REGISTER_KEYS, VILLAGE_COLUMNS
from .models import ExitTarget, RegisterRollup

# The direct child of a region, read from a village through the tree: village, its township or its county.
# Grouping by a plain column (not a substring of the code) lets PostgreSQL estimate the few groups and hash them.
CHILD_FIELD = {12: "code", 9: "parent__code", 6: "parent__parent__code"}


def _child(village: str, child_len: int | None) -> F | Value:
    """The code of the child of `village`: the first `child_len` characters of its code ("" = the row itself)."""
    return F(village + CHILD_FIELD[child_len]) if child_len else Value("")


def _frame(rows: Iterable[Any], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(list(rows), columns=columns)
    return df


# A date after every real one: open spans end there (SQLite's MIN/MAX answer null if any argument is null).
FAR = date(9999, 12, 31)
M = "household__members__"


def _present_on(day: Any) -> Q:
    """The member (through the household) is present on `day` (a date or an expression)."""
    return Q(**{M + "joined_on__lte": day}) & (Q(**{M + "left_on__isnull": True}) | Q(**{M + "left_on__gt": day}))


def _overlapping() -> Q:
    """Pairs of a member and a status span that carry population.

    The member is present on the day of the change, or joins during the span.
    """
    gone = Q(**{M + "left_on__isnull": True})
    return (Q(**{M + "joined_on__lte": F("date")}) & (gone | Q(**{M + "left_on__gt": F("date")}))) | (
        # Joining on the day of the next change still counts as joining under this one (and leaving with the change).
        Q(**{M + "joined_on__gt": F("date"), M + "joined_on__lte": Coalesce(F("ended_on"), Value(FAR))})
        & (gone | Q(**{M + "left_on__gt": F(M + "joined_on")}))
    )


def _year(expression: Any) -> Cast:
    return Cast(ExtractYear(expression), IntegerField())


def register_spans(
    *,
    prefix: str,
    first: int,
    last: int,
    child_len: int | None = None,
    split: bool = False,
    villages: Collection[str] | None = None,
) -> pd.DataFrame:
    """The status history as spans, for the years first..last, in one query (two scans joined by UNION ALL).

    Columns: child, status, prev_poor (the change left a poor status), start, end,
    main_cause, attribute, joined, left, households, population. Household rows
    are status spans (population 0); population rows are the overlaps of a
    member's span with a status span (households 0): `start` is the year the
    member came under the status (on the day of the change, or later when they
    joined: `joined`), `end` the year they stopped (at the next change, or
    earlier when they left: `left`). So a stock is the rows covering the year, a
    flow the rows starting in it with `joined` false, and natural change the
    rows of poor spans starting with `joined` or ending with `left` in it.
    Spans starting before `first` are clipped to first − 1 and open or later
    ends to last + 1, so rows that behave alike in first..last group together.
    With `split`, poor spans carry the household's main cause and attribute.
    `villages` keeps only the households of those villages (a rollup refresh).
    """
    base = StatusChange.objects.filter(household__village__code__startswith=prefix, date__lte=date(last, 12, 31))
    if villages is not None:
        base = base.filter(household__village_id__in=list(villages))
    base = base.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=date(first, 1, 1)))
    poor = Q(status__in=POOR_STATUSES)
    common = {
        "child": _child("household__village__", child_len),
        "prev_poor": Case(When(previous_status__in=POOR_STATUSES, then=Value(True)), default=Value(False)),
        "main_cause": Case(When(poor, then=F("household__main_cause"))) if split else Value(None, IntegerField()),
        "attribute": Case(When(poor, then=F("household__attribute"))) if split else Value(None, IntegerField()),
    }
    columns = [
        "child",
        "status",
        "prev_poor",
        "start",
        "end",
        "main_cause",
        "attribute",
        "joined",
        "left",
        "households",
        "population",
    ]
    households = base.annotate(
        **common,
        start=Greatest(_year("date"), Value(first - 1)),
        end=Coalesce(Least(_year("ended_on"), Value(last + 1)), Value(last + 1)),
        joined=Value(False),
        left=Value(False),
    ).values("child", "status", "prev_poor", "start", "end", "main_cause", "attribute", "joined", "left")
    households = households.annotate(households=Count("id"), population=Value(0)).order_by()
    began = Greatest(F("date"), F(M + "joined_on"))
    ended = Least(Coalesce(F("ended_on"), Value(FAR)), Coalesce(F(M + "left_on"), Value(FAR)))
    pairs: QuerySet[Any, Any] = base.filter(_overlapping()).annotate(
        **common,
        start=Greatest(_year(began), Value(first - 1)),
        end=Least(_year(ended), Value(last + 1)),
        joined=Case(When(**{M + "joined_on__gt": F("date")}, then=Value(True)), default=Value(False)),
        left=Case(
            When(
                Q(**{M + "left_on__isnull": False})
                & (Q(ended_on__isnull=True) | Q(**{M + "left_on__lte": F("ended_on")})),
                then=Value(True),
            ),
            default=Value(False),
        ),
    )
    pairs = pairs.filter(start__lte=last, end__gte=first)
    pairs = pairs.values("child", "status", "prev_poor", "start", "end", "main_cause", "attribute", "joined", "left")
    pairs = pairs.annotate(households=Value(0), population=Count(M + "id")).order_by()
    union = households.values_list(*columns).union(pairs.values_list(*columns), all=True)
    return _frame(union, columns)


def register_year(*, prefix: str, year: int, child_len: int | None = None, split: bool = False) -> pd.DataFrame:
    """The register's figures for one year, as conditional sums (cheaper than spans for one year).

    Columns: child, main_cause, attribute (empty without `split`), then the
    stock sums at the end of `year` and the flow sums of the changes dated in it,
    named like the metrics keys (see `compute.REGISTER_KEYS`). One query: the
    household counts over the status changes and the population over their
    pairs with the members' spans, joined by UNION ALL (each part's other sums are 0).
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    base = StatusChange.objects.filter(household__village__code__startswith=prefix, date__lte=end)
    base = base.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    groups = {
        "child": _child("household__village__", child_len),
        "main_cause": F("household__main_cause") if split else Value(None, IntegerField()),
        "attribute": F("household__attribute") if split else Value(None, IntegerField()),
    }
    at_end = Q(ended_on__isnull=True) | Q(ended_on__gt=end)
    in_year, from_poor = Q(date__gte=start), Q(previous_status__in=POOR_STATUSES)
    exited = in_year & from_poor & Q(status__in=EXITED_STATUSES)
    poor = Q(status__in=POOR_STATUSES)
    conditions = {
        "poor": at_end & poor,
        "supported": at_end & Q(status__in=[*POOR_STATUSES, Status.EXITED_CONSOLIDATING]),
        "registered": at_end & ~Q(status__in=CLOSED_STATUSES),
        "new_identified": in_year & Q(status=Status.IDENTIFIED),
        "exited_stable": exited & Q(status=Status.EXITED_STABLE),
        "exited_consolidating": exited & Q(status=Status.EXITED_CONSOLIDATING),
        "returned": in_year & Q(status=Status.RETURNED),
        "removed": in_year & Q(status=Status.REMOVED),
        "removed_while_poor": in_year & from_poor & Q(status=Status.REMOVED),
        "dissolved": in_year & Q(status=Status.DISSOLVED),
        "dissolved_while_poor": in_year & from_poor & Q(status=Status.DISSOLVED),
    }
    stocks = {"poor", "supported", "registered"}
    population_keys = [f"{kind}_population" for kind in conditions] + [
        "natural_joined_population",
        "natural_left_population",
    ]
    household_keys = [f"{kind}_households" for kind in conditions if kind not in ("supported", "registered")]
    counted = {key: Count("id", filter=conditions[key.removesuffix("_households")]) for key in household_keys}
    households = (
        base.annotate(**groups)
        .values(*groups)
        .annotate(**counted, **{key: Value(0) for key in population_keys})
        .order_by()
    )
    present_end, present_day = _present_on(end), _present_on(F("date"))
    joined_in = Q(**{M + "joined_on__gte": start, M + "joined_on__lte": end, M + "joined_on__gt": F("date")})
    joined_in &= Q(ended_on__isnull=True) | Q(**{M + "joined_on__lte": F("ended_on")})
    left_in = Q(**{M + "left_on__gte": start, M + "left_on__lte": end, M + "left_on__gt": F("date")})
    left_in &= Q(**{M + "left_on__gt": F(M + "joined_on")})
    left_in &= Q(ended_on__isnull=True) | Q(**{M + "left_on__lte": F("ended_on")})
    people = {}
    for kind, condition in conditions.items():
        people[f"{kind}_population"] = Count(
            M + "id", filter=condition & (present_end if kind in stocks else present_day)
        )
    people["natural_joined_population"] = Count(M + "id", filter=poor & joined_in)
    people["natural_left_population"] = Count(M + "id", filter=poor & left_in)
    pairs = (
        base.filter(_overlapping())
        .annotate(**groups)
        .values(*groups)
        .annotate(**{key: Value(0) for key in household_keys}, **people)
        .order_by()
    )
    columns = ["child", "main_cause", "attribute", *household_keys, *population_keys]
    union = households.values_list(*columns).union(pairs.values_list(*columns), all=True)
    frame = _frame(union, columns).fillna({k: 0 for k in household_keys + population_keys})
    return frame.assign(
        exited_population=frame["exited_stable_population"] + frame["exited_consolidating_population"],
        exited_households=frame["exited_stable_households"] + frame["exited_consolidating_households"],
        natural_change_population=frame["natural_joined_population"] - frame["natural_left_population"],
    )


def _rollup_statement(child_len: int | None, split: bool) -> str:
    """The SQL of `register_rollups` for one shape (the child's length, with or without splits).

    Written by hand, from the model's table and its key columns: the statement
    sums all the register's keys, and building it through the ORM (an
    expression per key, resolved and compiled on every call) cost a quarter of
    the summary's time. Parameters: the prefix pattern, first, last, True (latest), first.
    """
    table = connection.ops.quote_name(RegisterRollup._meta.db_table)
    village = connection.ops.quote_name("village_id")
    child = f"SUBSTR({village}, 1, {int(child_len)})" if child_len else "''"
    sums = ", ".join(f"SUM({connection.ops.quote_name(key)})" for key in REGISTER_KEYS)
    only_figures = "" if split else " AND kind = ''"
    return (
        f"SELECT {child}, year, latest, kind, code, {sums} FROM {table}"
        f" WHERE {village} LIKE %s AND ((year >= %s AND year <= %s) OR (latest = %s AND year < %s)){only_figures}"
        " GROUP BY 1, 2, 3, 4, 5"
    )


def register_rollups(
    *, prefix: str, first: int, last: int, child_len: int | None = None, split: bool = False
) -> list[tuple[Any, ...]]:
    """The register's figures for the years first..last from the villages' rollups, in one GROUP BY.

    Rows of `compute.ROLLUP_COLUMNS`: child, year, kind ("" for the figures,
    "main_cause" or "attribute" for a split), code (the split's code), then the
    keys of `compute.REGISTER_KEYS` summed over the child's villages. Without
    `split` only the figure rows are read. A village's `latest` rows stand for
    every later year (`models.RegisterRollup`): they are carried to the years
    after them with their stocks and no flows. Plain tuples: a region's rows
    are a few hundred, and a frame costs more than the query.
    """
    stocks = len(REGISTER_KEYS) - len(FLOW_KEYS)  # the stocks come first
    no_flows = (0,) * len(FLOW_KEYS)
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        cursor.execute(_rollup_statement(child_len, split), [prefix + "%", first, last, True, first])
        found = cursor.fetchall()
    for child, year, latest, kind, code, *values in found:
        if year >= first:
            rows.append((child, year, kind, code, *values))
        if latest:
            carried = tuple(values[:stocks]) + no_flows
            rows.extend((child, later, kind, code, *carried) for later in range(max(year + 1, first), last + 1))
    return rows


def poor_year_split(*, prefix: str, year: int) -> pd.DataFrame:
    """The poor population at the end of `year` by main cause and attribute, reading only the poor spans.

    Columns: child (""), main_cause, attribute, poor_population: the shape `compute.year_splits` reads from
    `register_year`, for a fraction of its scan.
    """
    end = date(year, 12, 31)
    qs: QuerySet[Any, Any] = StatusChange.objects.filter(
        household__village__code__startswith=prefix, status__in=POOR_STATUSES, date__lte=end
    )
    qs = qs.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end)).filter(_present_on(end))
    qs = qs.annotate(child=Value(""), main_cause=F("household__main_cause"), attribute=F("household__attribute"))
    qs = qs.values("child", "main_cause", "attribute").annotate(poor_population=Count(M + "id")).order_by()
    columns = ["child", "main_cause", "attribute", "poor_population"]
    return _frame(qs.values_list(*columns), columns)


def rural_spans(
    *, prefix: str, child_len: int | None = None, since: int | None = None, until: int | None = None
) -> list[tuple[Any, ...]]:
    """Villages' rural population figures as spans: a figure holds until the village's next figure.

    Rows of `compute.RURAL_COLUMNS`: child, start (the figure's year), end (the next figure's year),
    rural_population, villages. Only the figures in force in some year since..until: none later than
    `until`, and none that a newer figure replaced by `since`. For one year (since = until) that is an
    anti-join, and no figure left can end within the year, so the end is not read at all.
    Hand-written like `register_rollups`: every dashboard sends it.
    """
    table = connection.ops.quote_name(VillageYear._meta.db_table)
    child = f"SUBSTR(v.village_id, 1, {int(child_len)})" if child_len else "''"
    params: list[Any] = [prefix + "%"]
    if since is not None and since == until:
        statement = (
            f"SELECT {child}, v.year, NULL, SUM(v.rural_population), COUNT(*) FROM {table} v"
            " WHERE v.rural_population IS NOT NULL AND v.village_id LIKE %s AND v.year <= %s"
            f" AND NOT EXISTS (SELECT 1 FROM {table} w WHERE w.rural_population IS NOT NULL"
            " AND w.village_id = v.village_id AND w.year > v.year AND w.year <= %s) GROUP BY 1, 2"
        )
        params += [until, since]
    else:
        # Each figure's end is the village's next figure (LEAD, one sort: a subquery per figure cost 2.5 times
        # as much), read before the years are narrowed, so a figure after `until` still ends the one before it.
        where: list[str] = []
        if until is not None:
            where.append("year <= %s")
            params.append(until)
        if since is not None:
            where.append("(next_year IS NULL OR next_year > %s)")
            params.append(since)
        statement = (
            "SELECT child, year, next_year, SUM(rural_population), COUNT(*) FROM ("
            f"SELECT {child} AS child, v.year AS year, v.rural_population AS rural_population,"
            " LEAD(v.year) OVER (PARTITION BY v.village_id ORDER BY v.year) AS next_year"
            f" FROM {table} v WHERE v.rural_population IS NOT NULL AND v.village_id LIKE %s) figures"
            f"{' WHERE ' + ' AND '.join(where) if where else ''} GROUP BY 1, 2, 3"
        )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def poor_village_spans(*, prefix: str, child_len: int | None = None) -> list[tuple[Any, ...]]:
    """Poor-village listings as spans: child, start (listed year, 0 if unknown), end (出列 year), villages."""
    qs: QuerySet[Any, Any] = Division.objects.filter(level=Level.VILLAGE, is_poor_village=True, code__startswith=prefix)
    qs = qs.annotate(child=_child("", child_len), start=Coalesce("poor_listed_year", 0), end=F("poor_exit_year"))
    qs = qs.values("child", "start", "end").annotate(villages=Count("code")).order_by()
    return list(qs.values_list(*VILLAGE_COLUMNS))


def village_checklist(*, prefix: str, year: int, items: list[str]) -> pd.DataFrame:
    """六有六通 of the villages that are poor villages in `year` (those exiting in it included), from their records.

    code, name, then one column per item (True/False; missing when the village has no record for the year).
    """
    qs = Division.objects.filter(level=Level.VILLAGE, is_poor_village=True, code__startswith=prefix)
    qs = qs.filter(Q(poor_listed_year__isnull=True) | Q(poor_listed_year__lte=year))
    qs = qs.filter(Q(poor_exit_year__isnull=True) | Q(poor_exit_year__gte=year))
    record = VillageYear.objects.filter(village_id=OuterRef("code"), year=year)
    qs = qs.annotate(**{item: Subquery(record.values(item)[:1]) for item in items})
    columns = ["code", "name", *items]
    return _frame(qs.order_by("code").values_list(*columns), columns)


def exit_targets(*, division_code: str) -> pd.DataFrame:
    """Exit targets of one division: year, target_population."""
    qs = ExitTarget.objects.filter(division_id=division_code).order_by("year")
    columns = ["year", "target_population"]
    return _frame(qs.values_list(*columns), columns)
