"""The funds rollups (`models.FundsRollup`): the funds section's figures by division × year, kept on write.

The dashboards' funds figures (`selectors.funds_summary`, the sub-regions'
shares and loan coverage, the gaps by cause, the allocation charts) are sums
of these rows, so a page reads a few thousand rows however large the register.
The raw selectors stay the reference. A write refreshes its villages' rows
from a few queries over their households (`yearly_rows`: the selectors'
definitions read as year ranges) and the same filters as the selectors summed
by village and year; `verify_rollups` holds the stored rows to the selectors'
own queries grouped by village and run year by year
(`reference_rows(raw=True)`: `selectors.exited_support_by_village`,
`loan_eligible_grouped`, `cause_measure_gaps_by_village`), and the tests hold
`figures` equal to `raw_figures` after every write path.

How a row's year is read, by figure (`AT_YEAR`, `UP_TO_YEAR`, `ALL_YEARS`):
a stock evaluated at the end of Y (loan coverage, gaps) and a flow of Y
(exits, money paid) are the rows of Y; a book at the end of Y (loans, mutual
aid) is the sum of the rows up to Y, each row holding what entered the book in
its year; the share reaching households is the sum over all years. A
mutual-aid loan becomes overdue in the year after its due day, so its
`mutual_aid_overdue_lent` row is that year's (which may be after this one).

The stocks depend on the year itself (a member turns 18), so a village's rows
are built for every year from the platform's first to this one; a region whose
villages have no row for the year asked (a new year before its first
`rebuild_rollups`) is read raw (`figures`), and that year's rows are queued for
the background worker (`build_later`, `services.funds_rollups_build`).

Kept by the registry of `metrics.rollups` (`TABLES`): `rollups_touch` with the
villages (and the project's division) a write changed, the deferred bulk
paths, `rebuild_rollups` and `verify_rollups`.
"""

import os
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, IntegerField, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import ExtractYear, Substr

from gannan.lib.bulk import bulk_insert
from gannan.lib.calendar import FIRST_YEAR, last_year
from households.models import EXITED_STATUSES, LABOUR_CAPABLE, POOR_STATUSES, Household, Member, StatusChange
from villages.models import Division, Level, code_range

from . import selectors
from .models import (
    CAUSE_PROGRAMMES,
    ROLLUP_COUNTS,
    ROLLUP_MONEY,
    SPECIAL_KINDS,
    Allocation,
    Disbursement,
    FundsRollup,
    Loan,
    LoanStatus,
    Measure,
    MutualAidCapital,
    MutualAidFund,
    MutualAidLoan,
    MutualAidMember,
    MutualAidRepayment,
)

FIGURES = [*ROLLUP_COUNTS, *ROLLUP_MONEY]
COLUMNS = ["division_id", "year", "kind", "code", *FIGURES]
AT_YEAR = [
    "exited_households",
    "exited_households_below_support_line",
    "exited_population",
    "exited_household_support",
    "loan_eligible_households",
    "loan_households",
    "cause_measure_gap_households",
    "funds_disbursed",
]
UP_TO_YEAR = [
    "loans_lent",
    "loans_outstanding",
    "loans_overdue",
    "mutual_aid_villages",
    "mutual_aid_capital",
    "mutual_aid_member_households",
    "mutual_aid_lent",
    "mutual_aid_overdue_lent",
    "mutual_aid_repaid",
    "mutual_aid_overdue_repaid",
]
ALL_YEARS = ["special_disbursed", "special_to_households"]
GAP, ALLOCATION, PROJECT_PAID = "gap_cause", "allocation", "project_paid"

Key = tuple[str, int, str, str]  # division, year, kind, code


def _year(expression: Any) -> Any:
    return ExtractYear(expression, output_field=IntegerField())


def _in(qs: QuerySet, field: str, prefix: str, villages: Collection[str] | None) -> QuerySet:
    qs = qs.filter(code_range(field, prefix))
    return qs if villages is None else qs.filter(**{f"{field}__in": list(villages)})


def reference_rows(
    *, prefix: str = "", villages: Collection[str] | None = None, raw: bool = False
) -> dict[Key, dict[str, Any]]:
    """The rollup rows of the divisions under `prefix` (only `villages`, when given), computed from the tables.

    `villages` may hold any division's code: a county's or a township's holds its projects' rows. The yearly
    stocks and exits come from `yearly_rows` (a few queries over the households' spans, what a write pays),
    or with `raw` from the raw selectors run once per year (what `verify_rollups` holds them to).
    """
    rows: dict[Key, dict[str, Any]] = defaultdict(dict)
    first, last = FIRST_YEAR, last_year()
    codes = _in(Division.objects.filter(level=Level.VILLAGE), "code", prefix, villages).values_list("code", flat=True)
    for code in codes:
        for year in range(first, last + 1):
            rows[(code, year, "", "")] = {}

    def add(key: Key, values: dict[str, Any]) -> None:
        row = rows[key]
        for name, value in values.items():
            row[name] = row.get(name, 0) + value

    # Money paid to the villages, by the year it was paid.
    paid = _in(Disbursement.objects.all(), "village_id", prefix, villages).annotate(y=_year("date"))
    for r in paid.values("village_id", "y").annotate(
        special_disbursed=selectors._money_sum(filter=Q(source__kind__in=SPECIAL_KINDS)),
        special_to_households=selectors._money_sum(filter=Q(source__kind__in=SPECIAL_KINDS, household__isnull=False)),
        funds_disbursed=selectors._money_sum(),
    ):
        add((r.pop("village_id"), r.pop("y"), "", ""), r)
    if not raw:
        yearly_rows(prefix=prefix, villages=villages, first=first, last=last, add=add)
    # The reference: the raw selectors' own queries grouped by village, year by year.
    for year in range(first, last + 1) if raw else ():
        for r in selectors.exited_support_by_village(prefix=prefix, year=year, villages=villages):
            add((r.pop("village_id"), year, "", ""), r)
        counts = selectors.loan_eligible_grouped(prefix=prefix, year=year, length=12, villages=villages)
        for code, c in counts.items():
            add((code, year, "", ""), {"loan_eligible_households": c["eligible"], "loan_households": c["with_loan"]})
        for r in selectors.cause_measure_gaps_by_village(prefix=prefix, year=year, villages=villages):
            add((r["village_id"], year, "", ""), {"cause_measure_gap_households": r["n"]})
            add((r["village_id"], year, GAP, str(r["main_cause"])), {"cause_measure_gap_households": r["n"]})
    # The books, each amount in the year it entered them.
    loans = _in(Loan.objects.all(), "village_id", prefix, villages).annotate(y=_year("issued_on"))
    for r in loans.values("village_id", "y").annotate(
        loans_lent=selectors._money_sum(),
        loans_outstanding=selectors._money_sum(filter=Q(status__in=[LoanStatus.CURRENT, LoanStatus.OVERDUE])),
        loans_overdue=selectors._money_sum(filter=Q(status=LoanStatus.OVERDUE)),
    ):
        add((r.pop("village_id"), r.pop("y"), "", ""), r)
    funds = _in(MutualAidFund.objects.all(), "village_id", prefix, villages)
    for r in funds.values("village_id", "founded_year").annotate(n=Count("pk")):
        add((r["village_id"], r["founded_year"], "", ""), {"mutual_aid_villages": r["n"]})
    capital = _in(MutualAidCapital.objects.all(), "fund__village_id", prefix, villages)
    for r in capital.values("fund__village_id", "year").annotate(s=selectors._money_sum()):
        add((r["fund__village_id"], r["year"], "", ""), {"mutual_aid_capital": r["s"]})
    members = _in(MutualAidMember.objects.all(), "fund__village_id", prefix, villages).annotate(y=_year("joined_on"))
    for r in members.values("fund__village_id", "y").annotate(n=Count("pk")):
        add((r["fund__village_id"], r["y"], "", ""), {"mutual_aid_member_households": r["n"]})
    mutual_loans = _in(MutualAidLoan.objects.all(), "fund__village_id", prefix, villages)
    for r in mutual_loans.values("fund__village_id", "issued_on", "due_on").annotate(s=selectors._money_sum()):
        village = r["fund__village_id"]
        add((village, r["issued_on"].year, "", ""), {"mutual_aid_lent": r["s"]})
        add((village, max(r["issued_on"].year, _overdue(r["due_on"])), "", ""), {"mutual_aid_overdue_lent": r["s"]})
    repayments = _in(MutualAidRepayment.objects.all(), "loan__fund__village_id", prefix, villages)
    for r in repayments.values("loan__fund__village_id", "loan__issued_on", "loan__due_on", "date").annotate(
        s=selectors._money_sum()
    ):
        village, issued, repaid = r["loan__fund__village_id"], r["loan__issued_on"].year, r["date"].year
        add((village, max(issued, repaid), "", ""), {"mutual_aid_repaid": r["s"]})
        overdue = max(issued, repaid, _overdue(r["loan__due_on"]))
        add((village, overdue, "", ""), {"mutual_aid_overdue_repaid": r["s"]})
    # The projects' money, under the project's division.
    allocations = _in(Allocation.objects.all(), "project__division_id", prefix, villages)
    for r in allocations.values("project__division_id", "year", "source__kind", "project__programme").annotate(
        s=selectors._money_sum()
    ):
        code = f"{r['source__kind']}:{r['project__programme']}"
        add((r["project__division_id"], r["year"], ALLOCATION, code), {"allocated": r["s"]})
    paid_out = _in(Disbursement.objects.all(), "project__division_id", prefix, villages).annotate(y=_year("date"))
    for r in paid_out.values("project__division_id", "y").annotate(s=selectors._money_sum()):
        add((r["project__division_id"], r["y"], PROJECT_PAID, ""), {"project_disbursed": r["s"]})
    return rows


def yearly_rows(
    *, prefix: str, villages: Collection[str] | None, first: int, last: int, add: Callable[[Key, dict[str, Any]], None]
) -> None:
    """The exits, loan coverage and gaps of every year first..last, from the households' facts in six queries.

    The same definitions as the raw selectors, read as year ranges: a status span covers the end of Y
    when it starts in or before Y and ends after Y; a member able to work counts for the years from
    the later of turning 18 and joining, to before the earlier of turning 66 and leaving; a household
    has a loan from the year of its first one, an answering measure from the year of its first one.
    """
    households = _in(Household.objects.all(), "village_id", prefix, villages)
    facts = {pk: (village, cause) for pk, village, cause in households.values_list("pk", "village_id", "main_cause")}
    if not facts:
        return
    poor_years: dict[int, set[int]] = defaultdict(set)
    exits: dict[tuple[int, int], date] = {}  # (household, year) → the last exit of the year
    changes = _in(StatusChange.objects.all(), "village_id", prefix, villages).filter(
        Q(status__in=POOR_STATUSES) | Q(status__in=EXITED_STATUSES, previous_status__in=POOR_STATUSES)
    )
    for household, status, day, ended in changes.values_list("household_id", "status", "date", "ended_on"):
        if status in POOR_STATUSES:
            poor_years[household].update(range(max(day.year, first), min(ended.year if ended else last + 1, last + 1)))
        elif first <= day.year <= last:
            exits[(household, day.year)] = max(day, exits.get((household, day.year), day))
    able_years: dict[int, set[int]] = defaultdict(set)
    spans: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    members = Member.objects.filter(household__in=households.values("pk")).values_list(
        "household_id", "labour", "birth_date", "joined_on", "left_on"
    )
    for household, labour, born, joined, left in members:
        spans[household].append((joined, left))
        if labour in LABOUR_CAPABLE and household in poor_years:
            until = min(born.year + 66, left.year if left else last + 1, last + 1)
            able_years[household].update(range(max(born.year + 18, joined.year, first), until))
    first_loan = dict(
        _in(Loan.objects.all(), "village_id", prefix, villages)
        .values("household_id")
        .annotate(y=Min("issued_on"))
        .values_list("household_id", "y")
    )
    answered: dict[tuple[int, str], int] = dict(
        ((h, p), y)
        for h, p, y in _in(Measure.objects.all(), "village_id", prefix, villages)
        .values("household_id", "programme")
        .annotate(y=Min("year"))
        .values_list("household_id", "programme", "y")
    )
    paid: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    to_households = Disbursement.objects.filter(household__in=households.values("pk"))
    for household, day, amount in to_households.values_list("household_id", "date", "amount"):
        paid[household].append((day, amount))
    for household, years in poor_years.items():
        village, cause = facts[household]
        programmes = CAUSE_PROGRAMMES.get(cause, ())
        answers = [answered[(household, p)] for p in programmes if (household, p) in answered]
        answered_from = min(answers) if answers else None
        loan = first_loan.get(household)
        for year in years:
            if year in able_years[household]:
                with_loan = int(loan is not None and loan.year <= year)
                add((village, year, "", ""), {"loan_eligible_households": 1, "loan_households": with_loan})
            if programmes and (answered_from is None or answered_from > year):
                add((village, year, "", ""), {"cause_measure_gap_households": 1})
                add((village, year, GAP, str(cause)), {"cause_measure_gap_households": 1})
    for (household, year), day in exits.items():
        support = sum((a for d, a in paid[household] if d.year <= year), selectors.ZERO)
        present = sum(1 for joined, left in spans[household] if joined <= day and (left is None or left > day))
        add(
            (facts[household][0], year, "", ""),
            {
                "exited_households": 1,
                "exited_household_support": support,
                "exited_households_below_support_line": int(support < selectors.HOUSEHOLD_SUPPORT_LINE),
                "exited_population": present,
            },
        )


def _overdue(due: Any) -> int:
    """The first year at whose end a loan due on `due` is overdue: `mutual_aid` counts due_on < 31 Dec."""
    return due.year + 1 if (due.month, due.day) == (12, 31) else due.year


def rebuild(*, prefix: str = "", villages: Collection[str] | None = None) -> int:
    """Replace the funds rollups of every division under `prefix` (only `villages`, when given); rows written."""
    if villages is not None:
        villages = sorted(set(villages))
        prefix = os.path.commonprefix([prefix, *villages]) if prefix else os.path.commonprefix(villages)
    with transaction.atomic():
        rows = reference_rows(prefix=prefix, villages=villages)
        _in(FundsRollup.objects.all(), "division_id", prefix, villages).delete()
        bulk_insert(FundsRollup, COLUMNS, (_tuple(key, values) for key, values in rows.items()))
    return len(rows)


def villages_without(year: int) -> list[str]:
    """The villages with no rollup row for `year`: all of them on 1 January, until the year is built."""
    built = FundsRollup.objects.filter(kind="", year=year).values("division_id")
    villages = Division.objects.filter(level=Level.VILLAGE).exclude(code__in=built)
    return list(villages.order_by("code").values_list("code", flat=True))


# A new year is queued at most once in this many seconds (the shared cache: every worker sees the mark).
BUILD_QUEUED_SECONDS = 600


def build_later(year: int) -> None:
    """Queue the year's rows (`services.funds_rollups_build`) for the worker, once, for a year that can have data."""
    from .tasks import funds_rollups_build  # the task module imports this one

    if FIRST_YEAR <= year <= last_year() and cache.add(f"funds-rollups-build:{year}", True, BUILD_QUEUED_SECONDS):
        funds_rollups_build.enqueue(year)


def _tuple(key: Key, values: dict[str, Any]) -> tuple[Any, ...]:
    return (*key, *(values.get(name, 0) for name in FIGURES))


def differences(*, prefix: str = "") -> list[tuple[str, int, str, Any, Any]]:
    """Every (division, year, figure) under `prefix` whose stored rollup is not the reference: (…, stored, raw)."""
    stored: dict[Key, dict[str, Any]] = {}
    for values in _in(FundsRollup.objects.all(), "division_id", prefix, None).values_list(*COLUMNS):
        key: Key = (values[0], values[1], values[2], values[3])
        stored[key] = dict(zip(FIGURES, values[4:], strict=True))
    raw = reference_rows(prefix=prefix, raw=True)
    found = []
    for key in sorted(stored.keys() | raw.keys()):
        mine, theirs = stored.get(key, {}), raw.get(key, {})
        for name in FIGURES:
            a, b = mine.get(name, 0), theirs.get(name, 0)
            if name in ROLLUP_MONEY:
                a, b = _money(a), _money(b)
            if a != b:
                label = name if not key[2] else f"{key[2]}:{key[3]}:{name}"
                found.append((key[0], key[1], label, a, b))
    return found


# --- reading: what the funds section shows ---------------------------------------------------------


@dataclass
class FundsFigures:
    """The funds section's figures of a region and year, from the rollups (`figures`) or raw (`raw_figures`)."""

    summary: dict[str, Any]  # selectors.funds_summary
    loan_counts: dict[str, dict[str, int]]  # selectors.loan_eligible_counts
    share_sums: dict[str, dict[str, Decimal]]  # per child prefix: special_disbursed, special_to_households
    by_source_year: list[dict[str, Any]]  # selectors.funds_by_source_year
    by_programme: list[dict[str, Any]]  # selectors.funds_by_programme
    allocated_vs_disbursed: list[dict[str, Any]]  # selectors.funds_allocated_vs_disbursed


def raw_figures(*, region: Division, year: int) -> FundsFigures:
    """The reference: every figure from the raw selectors (eleven queries for the summary, six for the charts)."""
    loan_counts = selectors.loan_eligible_counts(region=region, year=year)
    length = selectors._child_length(region)
    share_sums: dict[str, dict[str, Decimal]] = {}
    if length is not None:
        qs: QuerySet[Any, Any] = selectors._special_disbursements(region.prefix, None)
        qs = qs.annotate(child=Substr("village_id", 1, length)).values("child")
        share_sums = {r.pop("child"): r for r in qs.annotate(**selectors._SHARE_SUMS).order_by()}
    return FundsFigures(
        summary=selectors.funds_summary(region=region, year=year, loan_counts=loan_counts),
        loan_counts=loan_counts,
        share_sums=share_sums,
        by_source_year=selectors.funds_by_source_year(region=region),
        by_programme=selectors.funds_by_programme(region=region),
        allocated_vs_disbursed=selectors.funds_allocated_vs_disbursed(region=region),
    )


def figures(*, region: Division, year: int) -> FundsFigures:
    """The funds section from the rollups, in three queries (the rows, the projects' rows, the villages).

    Read raw when the region's villages have no rows for `year` (a year begun since the last rebuild), and the
    year's rows queued to be built (`build_later`), so that only the first pages of a new year pay for it.
    """
    length = selectors._child_length(region)
    child = Substr("division_id", 1, length) if length else Value("")
    # The rows that count for `year`: the village rows up to it (and later ones only for the share, summed over
    # all years), the gaps of the year itself.
    counted = Q(kind="") & (Q(year__lte=year) | ~Q(special_disbursed=0)) | Q(kind=GAP, year=year)
    qs: QuerySet[Any, Any] = FundsRollup.objects.filter(code_range("division_id", region.prefix)).filter(counted)
    qs = qs.annotate(child=child).values("child", "year", "kind", "code").order_by()
    sums = {f"sum_{name}": Sum(name) for name in FIGURES}  # an annotation may not take a field's name
    grouped = list(qs.annotate(rows=Count("pk"), **sums))
    built = sum(r["rows"] for r in grouped if r["kind"] == "" and r["year"] == year)
    if not built or built != sum(r["rows"] for r in grouped if r["kind"] == "" and r["year"] == FIRST_YEAR):
        build_later(year)
        return raw_figures(region=region, year=year)
    zero = dict.fromkeys(FIGURES, 0)
    total: dict[str, Any] = dict(zero)
    by_child: dict[str, dict[str, Any]] = defaultdict(lambda: dict(zero))
    gaps: dict[int, int] = defaultdict(int)
    for r in grouped:
        picked = [n for n in FIGURES if _counts(n, r["year"], year)]
        if r["kind"] == GAP:
            if r["year"] == year and r["sum_cause_measure_gap_households"]:
                gaps[int(r["code"])] += r["sum_cause_measure_gap_households"]
            continue
        for name in picked:
            total[name] += r[f"sum_{name}"]
            by_child[r["child"]][name] += r[f"sum_{name}"]
    summary = _summary(total, year)
    summary["villages"] = Division.objects.filter(code_range("code", region.prefix), level=Level.VILLAGE).count()
    summary["mutual_aid_coverage"] = selectors.percent(summary["mutual_aid_villages"], summary["villages"])
    summary["cause_measure_gaps_by_cause"] = {str(c): gaps[c] for c in sorted(gaps)}
    loan_counts = {
        c: {"eligible": v["loan_eligible_households"], "with_loan": v["loan_households"]}
        for c, v in by_child.items()
        if v["loan_eligible_households"]
    }
    share_sums = {
        c: {
            "special_disbursed": _money(v["special_disbursed"]),
            "special_to_households": _money(v["special_to_households"]),
        }
        for c, v in by_child.items()
        if v["special_disbursed"] and length is not None  # a village has no sub-regions to compare
    }
    charts = _project_charts(region)
    return FundsFigures(summary=summary, loan_counts=loan_counts, share_sums=share_sums, **charts)


def _counts(name: str, row_year: int, year: int) -> bool:
    """Whether a row of `row_year` counts in figure `name` for `year`."""
    if name in AT_YEAR:
        return row_year == year
    if name in UP_TO_YEAR:
        return row_year <= year
    return name in ALL_YEARS


def _money(value: Any) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _summary(t: dict[str, Any], year: int) -> dict[str, Any]:
    """`selectors.funds_summary`'s figures, in its order, from the summed rows `t`."""
    m = {name: _money(t[name]) for name in ROLLUP_MONEY}
    return {
        "special_disbursed": m["special_disbursed"],
        "special_to_households": m["special_to_households"],
        "to_household_share": selectors.percent(m["special_to_households"], m["special_disbursed"]),
        "exited_households": t["exited_households"],
        "exited_household_support": m["exited_household_support"],
        "exited_households_below_support_line": t["exited_households_below_support_line"],
        "support_per_exited_household": selectors.ratio(m["exited_household_support"], t["exited_households"]),
        "loan_eligible_households": t["loan_eligible_households"],
        "loan_households": t["loan_households"],
        "loan_coverage": selectors.percent(t["loan_households"], t["loan_eligible_households"]),
        "loans_lent": m["loans_lent"],
        "loans_outstanding": m["loans_outstanding"],
        "loans_overdue": m["loans_overdue"],
        "loans_overdue_rate": selectors.percent(m["loans_overdue"], m["loans_outstanding"]),
        "villages": 0,
        "mutual_aid_villages": t["mutual_aid_villages"],
        "mutual_aid_coverage": None,
        "mutual_aid_capital": m["mutual_aid_capital"],
        "mutual_aid_member_households": t["mutual_aid_member_households"],
        "mutual_aid_lent": m["mutual_aid_lent"],
        "mutual_aid_outstanding": m["mutual_aid_lent"] - m["mutual_aid_repaid"],
        "mutual_aid_overdue": m["mutual_aid_overdue_lent"] - m["mutual_aid_overdue_repaid"],
        "cause_measure_gap_households": t["cause_measure_gap_households"],
        "cause_measure_gaps_by_cause": {},
        "funds_disbursed": m["funds_disbursed"],
        "exited_population": t["exited_population"],
        "cost_per_exited_person": selectors.ratio(m["funds_disbursed"], t["exited_population"]),
    }


def _project_charts(region: Division) -> dict[str, list[dict[str, Any]]]:
    """The allocation charts' rows (as the raw selectors give them) from the projects' rollup rows, in one query."""
    qs: QuerySet[Any, Any] = FundsRollup.objects.filter(
        code_range("division_id", region.prefix), kind__in=[ALLOCATION, PROJECT_PAID]
    )
    rows = list(
        qs.values("year", "kind", "code")
        .annotate(allocated_sum=Sum("allocated"), paid_sum=Sum("project_disbursed"))
        .order_by()
    )
    by_source: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    by_programme: dict[str, Decimal] = defaultdict(Decimal)
    flows: dict[int, dict[str, Any]] = {}
    for r in rows:
        year = r["year"]
        flow = flows.setdefault(year, {"year": year, "allocated": selectors.ZERO, "disbursed": selectors.ZERO})
        if r["kind"] == ALLOCATION:
            kind, programme = r["code"].split(":")
            amount = _money(r["allocated_sum"])
            by_source[(year, kind)] += amount
            by_programme[programme] += amount
            flow["allocated"] += amount
        else:
            flow["disbursed"] += _money(r["paid_sum"])
    return {
        "by_source_year": [{"year": y, "kind": k, "amount": by_source[(y, k)]} for y, k in sorted(by_source)],
        "by_programme": [
            {"programme": p, "amount": a} for p, a in sorted(by_programme.items(), key=lambda item: (-item[1], item[0]))
        ],
        "allocated_vs_disbursed": [flows[y] for y in sorted(flows)],
    }
