"""Reads of funds, measures, loans and mutual-aid funds, aggregated in the database.

A region is a Division and means everything whose code starts with its
prefix. A year Y means the state at the end of 31 December Y. Sums over two
child tables are two subqueries (or two queries), never one join.

Figures and their stable keys (for the indicator registry):

- `funds_by_source_year`: allocations by year and source kind (rows year, kind, amount).
- `funds_by_programme`: allocations by project programme (rows programme, amount).
- `funds_allocated_vs_disbursed`: per year, allocated and disbursed (rows year, allocated, disbursed).
- `to_household_share` …: `special_disbursed`, `special_to_households`, `to_household_share` (percent).
- `household_support` …: `exited_households`, `exited_household_support`,
  `support_per_exited_household`, `exited_households_below_support_line`.
- `loan_coverage` …: `loan_eligible_households`, `loan_households`, `loan_coverage` (percent),
  `loans_lent`, `loans_outstanding`, `loans_overdue`, `loans_overdue_rate` (percent).
- `mutual_aid` …: `villages`, `mutual_aid_villages`, `mutual_aid_coverage` (percent), `mutual_aid_capital`,
  `mutual_aid_member_households`, `mutual_aid_lent`, `mutual_aid_outstanding`, `mutual_aid_overdue`.
- `cause_measure_gaps` …: `cause_measure_gap_households`, `cause_measure_gaps_by_cause` ({cause: n}).
- `cost_per_exited_person` …: `funds_disbursed`, `exited_population`, `cost_per_exited_person`.
"""

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Substr

from accounts.models import User
from gannan.lib.calendar import year_end
from households.models import EXITED_STATUSES, LABOUR_CAPABLE, POOR_STATUSES, Household, Member, StatusChange
from villages.models import PREFIX_LENGTH, Division, Level, code_range
from villages.scope import scope_filter

from .models import (
    CAUSE_PROGRAMMES,
    SPECIAL_KINDS,
    Allocation,
    Disbursement,
    Loan,
    LoanStatus,
    Measure,
    MutualAidCapital,
    MutualAidFund,
    MutualAidLoan,
    MutualAidMember,
    MutualAidRepayment,
    Project,
)

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=16, decimal_places=2)
HOUSEHOLD_SUPPORT_LINE = Decimal("20000")  # 2万元 per household exiting (seed)
TO_HOUSEHOLD_LINE = Decimal("70")  # percent of special funds reaching households (seed)


def _money_sum(field: str = "amount", **kw) -> Coalesce:
    return Coalesce(Sum(field, **kw), Value(ZERO), output_field=MONEY)


def percent(part, whole) -> Decimal | None:
    """part / whole × 100, two decimals; None without a denominator."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


def ratio(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.01"))


def _child_length(region: Division) -> int | None:
    child = region.child_level
    return PREFIX_LENGTH[child] if child else None


def _spans(year: int, statuses) -> QuerySet[StatusChange]:
    """Status-history spans covering the end of `year` with one of `statuses`: one per household."""
    end = year_end(year)
    return StatusChange.objects.filter(date__lte=end, status__in=statuses).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=end)
    )


def _households_in(year: int, statuses, prefix: str) -> QuerySet[Household]:
    # An uncorrelated IN: the database finds the region's spans once through their (village, status, date) index.
    spans = _spans(year, statuses).filter(code_range("village_id", prefix)).values("household_id")
    return Household.objects.filter(village__code__startswith=prefix, pk__in=spans)


def _exited_in(year: int, prefix: str) -> QuerySet[Household]:
    """Households of the region that left poverty during `year` (a change from poor to exited dated in Y)."""
    exits = StatusChange.objects.filter(
        code_range("village_id", prefix), status__in=EXITED_STATUSES, previous_status__in=POOR_STATUSES, date__year=year
    ).values("household_id")
    return Household.objects.filter(village__code__startswith=prefix, pk__in=exits)


def _with_exit_population(households: QuerySet[Household], year: int) -> QuerySet[Household]:
    """`exit_population`: the members present on the day of the household's exit in `year` (register.md)."""
    day = (
        StatusChange.objects.filter(
            household=OuterRef("pk"), status__in=EXITED_STATUSES, previous_status__in=POOR_STATUSES, date__year=year
        )
        .order_by("-date")
        .values("date")[:1]
    )
    present = (
        Member.objects.filter(household=OuterRef("pk"), joined_on__lte=OuterRef("exit_day"))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=OuterRef("exit_day")))
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    households = households.annotate(exit_day=Subquery(day))
    return households.annotate(exit_population=Coalesce(Subquery(present, output_field=IntegerField()), 0))


# --- where the money came from -------------------------------------------------------------


def funds_by_source_year(*, region: Division) -> list[dict[str, Any]]:
    """Allocations to projects in the region, by year and source kind (yuan)."""
    qs: QuerySet[Any, Any] = Allocation.objects.filter(project__division__code__startswith=region.prefix)
    qs = qs.values("year", "source__kind").annotate(amount=_money_sum()).order_by("year", "source__kind")
    return [{"year": r["year"], "kind": r["source__kind"], "amount": r["amount"]} for r in qs]


def funds_by_programme(*, region: Division, year: int | None = None) -> list[dict[str, Any]]:
    """Allocations to projects in the region by programme; all years when `year` is None."""
    qs: QuerySet[Any, Any] = Allocation.objects.filter(project__division__code__startswith=region.prefix)
    if year is not None:
        qs = qs.filter(year=year)
    qs = qs.values("project__programme").annotate(amount=_money_sum()).order_by("-amount")
    return [{"programme": r["project__programme"], "amount": r["amount"]} for r in qs]


def funds_allocated_vs_disbursed(*, region: Division) -> list[dict[str, Any]]:
    """Per year: money allocated to the region's projects and money they paid out."""
    allocated: QuerySet[Any, Any] = Allocation.objects.filter(project__division__code__startswith=region.prefix)
    allocated = allocated.values("year").annotate(amount=_money_sum()).order_by()
    paid: QuerySet[Any, Any] = Disbursement.objects.filter(project__division__code__startswith=region.prefix)
    paid = paid.values("date__year").annotate(amount=_money_sum()).order_by()
    rows: dict[int, dict[str, Any]] = {}
    for r in allocated:
        rows.setdefault(r["year"], {"year": r["year"], "allocated": ZERO, "disbursed": ZERO})["allocated"] = r["amount"]
    for r in paid:
        y = r["date__year"]
        rows.setdefault(y, {"year": y, "allocated": ZERO, "disbursed": ZERO})["disbursed"] = r["amount"]
    return [rows[y] for y in sorted(rows)]


# --- did it reach households ------------------------------------------------------------------


def _special_disbursements(prefix: str, year: int | None) -> QuerySet[Disbursement]:
    qs = Disbursement.objects.filter(village__code__startswith=prefix, source__kind__in=SPECIAL_KINDS)
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs


_SHARE_SUMS = {
    "special_disbursed": _money_sum(),
    "special_to_households": _money_sum(filter=Q(household__isnull=False)),
}


def to_household_share(*, region: Division, year: int | None = None) -> dict[str, Any]:
    """到户资金占比: special funds paid to households / special funds paid out, percent.

    Payments count where they landed (the beneficiary village); `year` None = since records began.
    """
    row = _special_disbursements(region.prefix, year).aggregate(**_SHARE_SUMS)
    row["to_household_share"] = percent(row["special_to_households"], row["special_disbursed"])
    return row


def to_household_share_by_child(
    *,
    region: Division,
    year: int | None = None,
    children: list[Division] | None = None,
    sums: dict[str, dict[str, Decimal]] | None = None,
) -> list[dict[str, Any]]:
    """`to_household_share` for each direct child of the region (`children` if already read), one grouped query.

    `sums`: the children's special_disbursed and special_to_households by code prefix, if already read (rollups).
    """
    length = _child_length(region)
    if length is None:
        return []
    if sums is None:
        qs: QuerySet[Any, Any] = _special_disbursements(region.prefix, year)
        qs = qs.annotate(child=Substr("village_id", 1, length)).values("child").annotate(**_SHARE_SUMS).order_by()
        sums = {r["child"]: r for r in qs}
    rows = []
    for child in children if children is not None else children_of(region):
        r = sums.get(child.prefix, {"special_disbursed": ZERO, "special_to_households": ZERO})
        rows.append(
            {
                "code": child.code,
                "name": child.name,
                "special_disbursed": r["special_disbursed"],
                "special_to_households": r["special_to_households"],
                "to_household_share": percent(r["special_to_households"], r["special_disbursed"]),
            }
        )
    return rows


def children_of(region: Division) -> list[Division]:
    return list(Division.objects.filter(parent=region).order_by("code"))


def _exited_support_qs(prefix: str, year: int, villages: Collection[str] | None = None) -> QuerySet[Household]:
    """The households that exited in `year` with `support` (到户 money by its end) and `exit_population`."""
    paid = (
        Disbursement.objects.filter(household=OuterRef("pk"), date__lte=year_end(year))
        .values("household")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    households = _exited_in(year, prefix)
    if villages is not None:
        households = households.filter(village_id__in=list(villages))
    qs = _with_exit_population(households, year)
    return qs.annotate(support=Coalesce(Subquery(paid), Value(ZERO), output_field=MONEY))


def _exit_sums() -> dict[str, Any]:
    return {
        "exited_households": Count("pk"),
        "exited_household_support": _money_sum("support"),
        "exited_households_below_support_line": Count("pk", filter=Q(support__lt=HOUSEHOLD_SUPPORT_LINE)),
        "exited_population": Coalesce(Sum("exit_population"), 0),
    }


def _exited_support(region: Division, year: int) -> dict[str, Any]:
    """`household_support` and the people of those households (`exited_population`), in one query."""
    row = _exited_support_qs(region.prefix, year).aggregate(**_exit_sums())
    row["support_per_exited_household"] = ratio(row["exited_household_support"], row["exited_households"])
    return row


def exited_support_by_village(*, prefix: str, year: int, villages: Collection[str] | None = None) -> list[dict]:
    """`_exited_support`'s sums per village (`village_id`), in one query: the rollups' reference."""
    qs: QuerySet[Any, Any] = _exited_support_qs(prefix, year, villages)
    return list(qs.values("village_id").annotate(**_exit_sums()).order_by())


def household_support(*, region: Division, year: int) -> dict[str, Any]:
    """到户 money received (up to the end of `year`) by the households that exited in `year`."""
    row = _exited_support(region, year)
    del row["exited_population"]
    return row


def cost_per_exited_person(*, region: Division, year: int, exited_population: int | None = None) -> dict[str, Any]:
    """Money paid out in the region during `year` per person who exited poverty in `year` (yuan).

    `exited_population`: the people of the households that exited in `year`, if the caller already read it.
    """
    spent = Disbursement.objects.filter(village__code__startswith=region.prefix, date__year=year).aggregate(
        funds_disbursed=_money_sum()
    )
    if exited_population is None:
        households = _with_exit_population(_exited_in(year, region.prefix), year)
        exited_population = households.aggregate(n=Coalesce(Sum("exit_population"), 0))["n"]
    return {
        "funds_disbursed": spent["funds_disbursed"],
        "exited_population": exited_population,
        "cost_per_exited_person": ratio(spent["funds_disbursed"], exited_population),
    }


# --- loans ------------------------------------------------------------------------------------


def _loan_eligible(year: int, prefix: str) -> QuerySet[Household]:
    """Poor households (poor or returned at the end of `year`) with a member able to work aged 18-65 then."""
    able = Member.objects.filter(
        household=OuterRef("pk"),
        labour__in=LABOUR_CAPABLE,
        birth_date__lte=date(year - 18, 12, 31),
        birth_date__gt=date(year - 66, 12, 31),
        joined_on__lte=date(year, 12, 31),
    ).filter(Q(left_on__isnull=True) | Q(left_on__gt=date(year, 12, 31)))
    return _households_in(year, POOR_STATUSES, prefix).filter(Exists(able))


_LOAN_SUMS = {
    "loans_lent": _money_sum(),
    "loans_outstanding": _money_sum(filter=Q(status__in=[LoanStatus.CURRENT, LoanStatus.OVERDUE])),
    "loans_overdue": _money_sum(filter=Q(status=LoanStatus.OVERDUE)),
}


def loan_eligible_counts(*, region: Division, year: int) -> dict[str, dict[str, int]]:
    """Eligible households and those with a loan by the end of `year`, per direct child's code prefix, in one query.

    A village's counts are under "". `loan_coverage` sums them and `loan_coverage_by_child` reads them, so a
    page showing both passes this result to each and scans the register once.
    """
    return loan_eligible_grouped(prefix=region.prefix, year=year, length=_child_length(region))


def loan_eligible_grouped(
    *, prefix: str, year: int, length: int | None, villages: Collection[str] | None = None
) -> dict[str, dict[str, int]]:
    """`loan_eligible_counts` grouped by the first `length` characters of the village code (None: one group "")."""
    # Uncorrelated IN (one hashed scan of the loans): a correlated EXISTS is costed per household and pushed
    # PostgreSQL past its JIT threshold, whose compiling cost more than the query.
    has_loan = Q(pk__in=Loan.objects.filter(issued_on__lte=year_end(year)).values("household_id"))
    child = Substr("village_id", 1, length) if length else Value("")
    households = _loan_eligible(year, prefix)
    if villages is not None:
        households = households.filter(village_id__in=list(villages))
    qs: QuerySet[Any, Any] = households.annotate(child=child)
    qs = qs.values("child").annotate(eligible=Count("pk"), with_loan=Count("pk", filter=has_loan)).order_by()
    return {r["child"]: {"eligible": r["eligible"], "with_loan": r["with_loan"]} for r in qs if r["eligible"]}


def loan_coverage(*, region: Division, year: int, counts: dict[str, dict[str, int]] | None = None) -> dict[str, Any]:
    """应贷尽贷: eligible households with a loan issued by the end of `year` / eligible households, percent.

    The book (`loans_lent`, `loans_outstanding`, `loans_overdue`) covers every loan issued in the region by then;
    outstanding and overdue follow each loan's current status. `counts`: `loan_eligible_counts`, if already read.
    """
    end = year_end(year)
    if counts is None:
        counts = loan_eligible_counts(region=region, year=year)
    row: dict[str, Any] = {
        "loan_eligible_households": sum(r["eligible"] for r in counts.values()),
        "loan_households": sum(r["with_loan"] for r in counts.values()),
    }
    row["loan_coverage"] = percent(row["loan_households"], row["loan_eligible_households"])
    book = Loan.objects.filter(code_range("village_id", region.prefix), issued_on__lte=end)
    row |= book.aggregate(**_LOAN_SUMS)
    row["loans_overdue_rate"] = percent(row["loans_overdue"], row["loans_outstanding"])
    return row


def loan_coverage_by_child(
    *,
    region: Division,
    year: int,
    children: list[Division] | None = None,
    counts: dict[str, dict[str, int]] | None = None,
) -> list[dict[str, Any]]:
    """`loan_coverage` (households only) for each direct child, in one grouped query (none given `counts`)."""
    if _child_length(region) is None:
        return []
    if counts is None:
        counts = loan_eligible_counts(region=region, year=year)
    rows = []
    for child in children if children is not None else children_of(region):
        r = counts.get(child.prefix, {"eligible": 0, "with_loan": 0})
        rows.append(
            {
                "code": child.code,
                "name": child.name,
                "loan_eligible_households": r["eligible"],
                "loan_households": r["with_loan"],
                "loan_coverage": percent(r["with_loan"], r["eligible"]),
            }
        )
    return rows


# --- mutual-aid funds --------------------------------------------------------------------------


def mutual_aid(*, region: Division, year: int) -> dict[str, Any]:
    """Mutual-aid coverage and book at the end of `year`: capital, members, lent, outstanding, overdue."""
    end = year_end(year)
    prefix = region.prefix
    villages = Division.objects.filter(level=Level.VILLAGE, code__startswith=prefix)
    row = villages.aggregate(
        villages=Count("code"),
        mutual_aid_villages=Count("code", filter=Q(mutual_aid_fund__founded_year__lte=year)),
    )
    row["mutual_aid_coverage"] = percent(row["mutual_aid_villages"], row["villages"])
    row["mutual_aid_capital"] = MutualAidCapital.objects.filter(
        fund__village__code__startswith=prefix, year__lte=year
    ).aggregate(s=_money_sum())["s"]
    # Memberships: a household that moved and joined its new village's fund too is a member of both.
    row["mutual_aid_member_households"] = MutualAidMember.objects.filter(
        fund__village__code__startswith=prefix, joined_on__lte=end
    ).count()
    # Loans and repayments are summed apart (one query each): a join would repeat a loan once per repayment.
    loans = MutualAidLoan.objects.filter(fund__village__code__startswith=prefix, issued_on__lte=end)
    book = loans.aggregate(mutual_aid_lent=_money_sum(), mutual_aid_overdue_lent=_money_sum(filter=Q(due_on__lt=end)))
    repayments = MutualAidRepayment.objects.filter(
        loan__fund__village__code__startswith=prefix, loan__issued_on__lte=end, date__lte=end
    )
    book |= repayments.aggregate(
        mutual_aid_repaid=_money_sum(), mutual_aid_overdue_repaid=_money_sum(filter=Q(loan__due_on__lt=end))
    )
    row["mutual_aid_lent"] = book["mutual_aid_lent"]
    row["mutual_aid_outstanding"] = book["mutual_aid_lent"] - book["mutual_aid_repaid"]
    row["mutual_aid_overdue"] = book["mutual_aid_overdue_lent"] - book["mutual_aid_overdue_repaid"]
    return row


# --- do the measures answer the causes -----------------------------------------------------------


def cause_measure_gap_filter(year: int) -> Q:
    """Households whose main cause has an answering programme and no measure of it by the end of `year`."""
    by_programmes: dict[tuple[str, ...], list[int]] = {}
    for cause, programmes in CAUSE_PROGRAMMES.items():
        by_programmes.setdefault(tuple(programmes), []).append(int(cause))
    # NOT EXISTS, correlated: PostgreSQL plans it as an anti-join that reads only the measures of the region's
    # households by the (household, programme, year) index. The former uncorrelated NOT IN scanned every
    # measure of the prefecture per programme group, and on a large register fell back to a rescan per household.
    q = Q(pk__in=[])
    for programmes, causes in by_programmes.items():
        answered = Measure.objects.filter(household=OuterRef("pk"), programme__in=programmes, year__lte=year)
        q |= Q(Q(main_cause__in=causes), ~Exists(answered))
    return q


def cause_measure_gap_list(*, region: Division, year: int) -> QuerySet[Household]:
    """Poor households (end of `year`) whose main cause no measure answers: the list behind the figure."""
    qs = _households_in(year, POOR_STATUSES, region.prefix).filter(cause_measure_gap_filter(year))
    return qs.select_related("village").order_by("code")


def cause_measure_gaps(*, region: Division, year: int) -> dict[str, Any]:
    qs = _households_in(year, POOR_STATUSES, region.prefix).filter(cause_measure_gap_filter(year))
    by_cause = {
        str(r["main_cause"]): r["n"] for r in qs.values("main_cause").annotate(n=Count("pk")).order_by("main_cause")
    }
    return {"cause_measure_gap_households": sum(by_cause.values()), "cause_measure_gaps_by_cause": by_cause}


def cause_measure_gaps_by_village(*, prefix: str, year: int, villages: Collection[str] | None = None) -> list[dict]:
    """`cause_measure_gaps` per village and main cause (rows village_id, main_cause, n): the rollups' reference."""
    qs: QuerySet[Any, Any] = _households_in(year, POOR_STATUSES, prefix).filter(cause_measure_gap_filter(year))
    if villages is not None:
        qs = qs.filter(village_id__in=list(villages))
    return list(qs.values("village_id", "main_cause").annotate(n=Count("pk")).order_by())


# --- all of it ------------------------------------------------------------------------------------


def funds_summary(
    *, region: Division, year: int, loan_counts: dict[str, dict[str, int]] | None = None
) -> dict[str, Any]:
    """Every scalar funds figure of the region for `year`, keyed as in this module's docstring.

    `loan_counts`: `loan_eligible_counts(region, year)`, if the caller already read it.
    """
    support = _exited_support(region, year)
    exited_population = support.pop("exited_population")
    return {
        **to_household_share(region=region, year=None),
        **support,
        **loan_coverage(region=region, year=year, counts=loan_counts),
        **mutual_aid(region=region, year=year),
        **cause_measure_gaps(region=region, year=year),
        **cost_per_exited_person(region=region, year=year, exited_population=exited_population),
    }


def household_funds(*, household: Household) -> dict[str, Any]:
    """A household's measures, loans and the money paid to it, for the household page."""
    return {
        "measures": list(household.measures.select_related("project").order_by("-year", "id")),
        "loans": list(household.loans.select_related("borrower").order_by("-issued_on", "id")),
        "disbursements": list(household.disbursements.select_related("project", "source").order_by("-date", "id")),
        "received": household.disbursements.aggregate(s=_money_sum())["s"],
    }


# --- lists for pages and the API ------------------------------------------------------------------


def _sum_of(model, parent: str = "project", **filters) -> Coalesce:
    """One child table's total per parent row, as a correlated subquery (no join, no double counting)."""
    qs = model.objects.filter(**{parent: OuterRef("pk")}, **filters).values(parent).annotate(t=Sum("amount"))
    return Coalesce(Subquery(qs.values("t")), Value(ZERO), output_field=MONEY)


def _count_of(model, parent: str) -> Coalesce:
    qs = model.objects.filter(**{parent: OuterRef("pk")}).values(parent).annotate(n=Count("pk"))
    return Coalesce(Subquery(qs.values("n")), Value(0))


def project_list(*, user: User) -> QuerySet[Project]:
    """Projects in the user's region with `allocated` and `disbursed` totals (yuan)."""
    qs = scope_filter(Project.objects.select_related("division"), user, "division__code")
    return qs.annotate(allocated=_sum_of(Allocation), disbursed=_sum_of(Disbursement))


def allocation_list(*, user: User) -> QuerySet[Allocation]:
    return scope_filter(Allocation.objects.select_related("project", "source"), user, "project__division__code")


def disbursement_list(*, user: User) -> QuerySet[Disbursement]:
    return scope_filter(Disbursement.objects.select_related("project", "source", "household"), user, "village__code")


def measure_list(*, user: User) -> QuerySet[Measure]:
    return scope_filter(Measure.objects.select_related("household"), user, "village__code")


def loan_list(*, user: User) -> QuerySet[Loan]:
    return scope_filter(Loan.objects.select_related("household", "borrower"), user, "village__code")


def mutual_aid_fund_list(*, user: User) -> QuerySet[MutualAidFund]:
    """Mutual-aid funds in the user's region with `total_capital`, `member_households`, `total_lent`, `total_repaid`."""
    qs = scope_filter(MutualAidFund.objects.select_related("village"), user, "village__code")
    return qs.annotate(
        total_capital=_sum_of(MutualAidCapital, "fund"),
        member_households=_count_of(MutualAidMember, "fund"),
        total_lent=_sum_of(MutualAidLoan, "fund"),
        total_repaid=_sum_of(MutualAidRepayment, "loan__fund"),
    )
