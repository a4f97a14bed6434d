"""Reads for the printed sheets: a fixed handful of queries per sheet, whatever the number of households."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from funds.models import Disbursement, Measure, Programme, Project
from households.models import (
    EXITED_STATUSES,
    GUARANTEE_CHECKS,
    POOR_STATUSES,
    Cause,
    Household,
    HouseholdYear,
    Member,
    PovertyLine,
    Relation,
    Status,
    StatusChange,
    present_on,
)
from metrics import compute, queries
from villages.models import VILLAGE_ITEMS, Division, VillageYear

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Decimal("0")

# What one A4 card holds; the rest is counted in a line ("另有 n 条") so that a household stays on one page.
CARD_MEASURES = 8
CARD_YEARS = 6
CARD_HISTORY = 6
CARD_MEMBERS = 10


def _at_end(year: int) -> Q:
    end = date(year, 12, 31)
    return Q(date__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end))


def _money(model, **filters) -> Coalesce:
    """One correlated sum per household: a subquery, so two sums never multiply each other's rows."""
    qs = model.objects.filter(household=OuterRef("pk"), **filters).order_by().values("household")
    return Coalesce(
        Subquery(qs.annotate(s=Sum("amount")).values("s")[:1], output_field=MONEY), Value(ZERO), output_field=MONEY
    )


def village_households(*, village: Division, year: int) -> QuerySet[Household]:
    """The village's households on the register at the end of `year`, with their status then (`status_then`).

    Also `measures_amount` (their measures of the year, yuan) and `measure_count`.
    """
    spans = StatusChange.objects.filter(household=OuterRef("pk")).filter(_at_end(year)).order_by("-date", "-id")
    measures = Measure.objects.filter(household=OuterRef("pk"), year=year).order_by().values("household")
    qs = Household.objects.filter(village=village)
    qs = qs.annotate(status_then=Subquery(spans.values("status")[:1]))
    qs = qs.filter(status_then__isnull=False).exclude(status_then=Status.REMOVED)
    qs = qs.annotate(
        measures_amount=_money(Measure, year=year),
        measure_count=Coalesce(Subquery(measures.annotate(n=Count("id")).values("n")[:1]), 0),
    )
    return qs.order_by("code")


def village_checklist(*, village: Division, year: int) -> dict[str, bool | None]:
    """六有六通 of the village from its record for `year` (None per item without a record)."""
    fields = [f for f, _label in VILLAGE_ITEMS]
    record = VillageYear.objects.filter(village=village, year=year).values(*fields).first()
    return {f: (record[f] if record else None) for f in fields}


def village_projects(*, village: Division) -> list[dict[str, Any]]:
    """Projects carried out in the village, newest first, each with its disbursed amount (yuan)."""
    paid = Disbursement.objects.filter(project=OuterRef("pk")).order_by().values("project")
    qs = Project.objects.filter(division=village)
    qs = qs.annotate(
        disbursed=Coalesce(
            Subquery(paid.annotate(s=Sum("amount")).values("s")[:1], output_field=MONEY),
            Value(ZERO),
            output_field=MONEY,
        )
    )
    labels = dict(Programme.choices)
    rows = list(qs.order_by("-year", "name").values("name", "programme", "year", "budget", "disbursed"))
    return [r | {"programme": labels.get(r["programme"], r["programme"])} for r in rows]


def village_money(*, village: Division) -> dict[str, Decimal]:
    """Money paid into the village: to its households and to the village itself (yuan, all years)."""
    row = Disbursement.objects.filter(Q(household__village=village) | Q(village=village)).aggregate(
        households=Coalesce(Sum("amount", filter=Q(household__isnull=False)), Value(ZERO), output_field=MONEY),
        total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY),
    )
    return row


def village_incidence(*, division: Division, year: int, limit: int = 10) -> list[dict[str, Any]]:
    """The villages of `division` with the highest poverty incidence at the end of `year` (the laggards).

    Three GROUP BY queries by village (the register's rollups, rural population, poor villages) and two for the names.
    """
    prefix = division.prefix
    frames = {
        "register_rollups": queries.register_rollups(prefix=prefix, first=year, last=year, child_len=12),
        "rural_spans": queries.rural_spans(prefix=prefix, child_len=12, since=year, until=year),
        "village_spans": queries.poor_village_spans(prefix=prefix, child_len=12),
    }
    codes = sorted({row[0] for row in frames["register_rollups"]})
    if not codes:
        return []
    table = compute.figures(**frames, children=codes, years=[year]).reset_index()
    table = table[table["poor_population"] > 0]
    table = table.sort_values(["poverty_incidence", "poor_population"], ascending=False, na_position="last").head(limit)
    names = dict(Division.objects.filter(code__in=list(table["child"])).values_list("code", "name"))
    township = dict(Division.objects.filter(code__in=[c[:9] for c in table["child"]]).values_list("code", "name"))
    return [
        {
            "code": r.child,
            "name": names.get(r.child, r.child),
            "township": township.get(r.child[:9], ""),
            "poor_population": int(r.poor_population),
            "poverty_incidence": compute.plain(r.poverty_incidence),
        }
        for r in table.itertuples()
    ]


# --- the household card (明白卡) ----------------------------------------------------------------


@dataclass
class IncomeYear:
    """One year of the income ledger: the record, that year's poverty line and the five checks."""

    record: HouseholdYear
    poverty_line: Decimal | None
    above_line: bool
    checks: list[bool]


@dataclass
class Card:
    household: Household
    members: list[Member]
    more_members: int
    measures: list[Measure]
    more_measures: int
    measures_total: Decimal
    received: Decimal
    years: list[IncomeYear]  # newest first
    history: list[StatusChange]  # newest first
    more_history: int
    secondary_causes: str
    # Set by the printing code: where the card's QR code leads, its page in the batch, its place.
    live_url: str = ""
    qr: str = ""
    number: int = 0
    region_path: str = ""


def _head_first(members: list[Member]) -> list[Member]:
    return sorted(members, key=lambda m: (m.relation != Relation.HEAD, m.pk))


def household_cards(*, households: QuerySet[Household], on: date) -> list[Card]:
    """The cards of `households` (already scoped) as on `on`, its members those present then: six queries for any
    number of households."""
    qs = households.select_related("village__parent__parent__parent")
    qs = qs.annotate(measures_total=_money(Measure), received=_money(Disbursement))
    qs = qs.prefetch_related(
        Prefetch("members", queryset=Member.objects.filter(present_on(on)).order_by("id")),
        Prefetch("measures", queryset=Measure.objects.order_by("-year", "id")),
        Prefetch("years", queryset=HouseholdYear.objects.order_by("-year")),
        Prefetch("status_changes", queryset=StatusChange.objects.order_by("-date", "-id")),
    )
    lines = dict(PovertyLine.objects.values_list("year", "amount"))
    causes = dict(Cause.choices)
    cards = []
    for h in qs:
        members = _head_first(list(h.members.all()))
        measures = list(h.measures.all())
        years = []
        for record in list(h.years.all())[:CARD_YEARS]:
            line = lines.get(record.year)
            years.append(
                IncomeYear(
                    record=record,
                    poverty_line=line,
                    above_line=line is not None and record.income_per_capita > line,
                    checks=[getattr(record, f) for f, _label in GUARANTEE_CHECKS],
                )
            )
        history = list(h.status_changes.all())
        cards.append(
            Card(
                household=h,
                members=members[:CARD_MEMBERS],
                more_members=max(0, len(members) - CARD_MEMBERS),
                measures=measures[:CARD_MEASURES],
                more_measures=max(0, len(measures) - CARD_MEASURES),
                measures_total=h.measures_total,
                received=h.received,
                years=years,
                history=history[:CARD_HISTORY],
                more_history=max(0, len(history) - CARD_HISTORY),
                secondary_causes="、".join(str(causes.get(int(c), c)) for c in h.secondary_causes or []),
            )
        )
    return cards


# --- announcements (公告) ------------------------------------------------------------------------

ENTERING = (Status.IDENTIFIED, Status.RETURNED)


def announcement_rows(*, village: Division, start: date, end: date) -> dict[str, list[dict[str, Any]]]:
    """The rows of a village's announcement (公告): households entering and leaving the poor list between `start`
    and `end`.

    Read from the register's status changes (新识别/返贫 in; 脱贫/清退 out): each is what an announced case
    wrote, and imports of the national system's history have no steps but their change.
    """
    qs = StatusChange.objects.filter(household__village=village, date__gte=start, date__lte=end)
    exits = Q(status__in=EXITED_STATUSES, previous_status__in=POOR_STATUSES)
    qs = qs.filter(Q(status__in=ENTERING) | exits | Q(status=Status.REMOVED))
    qs = qs.select_related("household").order_by("date", "household__code", "id")
    rows: dict[str, list[dict[str, Any]]] = {"entering": [], "leaving": []}
    labels = dict(Status.choices)
    for change in qs:
        h = change.household
        side = "entering" if change.status in ENTERING else "leaving"
        rows[side].append(
            {
                "code": h.code,
                "head_name": h.head_name,
                "member_count": h.member_count,
                "main_cause": h.get_main_cause_display(),
                "status": labels[change.status],
                "date": change.date,
                "reason": change.reason,
            }
        )
    return rows
