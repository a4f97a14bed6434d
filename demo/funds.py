"""Demo step: the money of the seed, on the demo's villages and households, written in bulk.

The seed (Gannan Daily, 28 Sep 2016) gives the totals; at scale s every amount
and count of households is s times the seed's (yuan rounded; loan totals to
10,000 yuan, since each loan is 5万 or 4万):

- 16亿 central and provincial special funds since 2012 (2012-2015, plus the
  7,615万 put into 162 生态文明小康村 that are also poor villages in 2016);
  18,150万 prefecture and county special funds over 2012-2015; 28.8亿 涉农整合
  over 2015-2016; 9.52亿 three-party aid (天津, 定点扶贫, 双联) over 2012-2016.
- Over 70% of the special funds reach households (到户); every household that
  leaves poverty in 2012-2015 gets at least 2万元 in its exit year.
- 25,100 households with a 3-year, fully subsidised loan, 12.45亿 in all.
- A mutual-aid fund in every village: 1.95亿 capital, 25,700 member
  households, 1.17亿 lent by September 2016.

Rows go to the one bulk writer (`gannan.lib.bulk`: COPY on PostgreSQL) as tuples, parents' ids
reserved first so their children need no read-back; no services, no per-row audit (the command
audits the batch). Reads the villages and households already in the database rather than the
other steps' internals.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Min

from funds.models import (
    CAUSE_PROGRAMMES,
    Allocation,
    Disbursement,
    FundSource,
    Loan,
    LoanStatus,
    Measure,
    MutualAidCapital,
    MutualAidFund,
    MutualAidLoan,
    MutualAidMember,
    MutualAidRepayment,
    Programme,
    Project,
    ProjectStatus,
)
from gannan.lib.bulk import bulk_insert, reserve_ids
from households.models import EXITED_STATUSES, LABOUR_CAPABLE, POOR_STATUSES, Household, Member, Status, StatusChange
from villages.models import Division, Level, VillageYear

from .context import DemoContext, apportion

# The seed's figures at scale 1, yuan (or households).
CENTRAL_PROVINCIAL = 1_600_000_000  # 16亿
PREFECTURE_COUNTY = 181_500_000  # 18,150万
INTEGRATED = 2_880_000_000  # 28.8亿
THREE_PARTY = 952_000_000  # 9.52亿
ECO_VILLAGES = 162
ECO_VILLAGE_FUNDS = 76_150_000  # 7,615万
POOR_VILLAGES = 284
WHOLE_VILLAGE_PROJECTS = 508  # 整村推进
LOAN_HOUSEHOLDS = 25_100
LOAN_TOTAL_WAN = 124_500  # 12.45亿 in 万元
MUTUAL_AID_CAPITAL = 195_000_000  # 1.95亿
MUTUAL_AID_MEMBERS = 25_700
MUTUAL_AID_LENT = 117_000_000  # 1.17亿

SPECIAL_YEARS = (2012, 2013, 2014, 2015)
TO_HOUSEHOLD_SHARE = 0.78  # of each year's special funds 2012-2015; 74.7% with the 2016 eco-villages
SUPPORT_FLOOR = 20_000  # yuan per household leaving poverty (seed: 均在2万元以上)
SEED_DAY = date(2016, 9, 28)  # the article: mutual-aid figures are as of this day
INTEREST_RATE = Decimal("0.0435")  # the benchmark rate the budget subsidises

CONTENT: dict[str, list[str]] = {
    Programme.INDUSTRY: ["牦牛养殖到户扶持", "藏羊养殖到户扶持", "中药材种植到户扶持", "乡村旅游农家乐扶持"],
    Programme.TRAINING: ["劳动技能培训", "劳务输转就业", "“两后生”职业技能培训"],
    Programme.RELOCATION: ["易地扶贫搬迁安置", "游牧民定居工程", "危房改造"],
    Programme.ECOLOGY: ["生态护林员岗位", "草原生态保护补助奖励"],
    Programme.EDUCATION: ["雨露计划助学", "教育精准扶贫资助", "“两免一补”"],
    Programme.DIBAO: ["纳入农村低保", "特困人员救助供养"],
    Programme.DISABILITY: ["困难残疾人生活补贴", "重度残疾人护理补贴"],
    Programme.MEDICAL: ["新农合参合资助", "大病保险与医疗救助", "家庭医生签约服务"],
}
UNITS: dict[str, str] = {
    Programme.INDUSTRY: "农牧局",
    Programme.TRAINING: "人力资源和社会保障局",
    Programme.RELOCATION: "发展和改革局",
    Programme.ECOLOGY: "林业局",
    Programme.EDUCATION: "教育局",
    Programme.DIBAO: "民政局",
    Programme.MEDICAL: "卫生局",
    Programme.DISABILITY: "残疾人联合会",
}
BANKS = ["甘肃省农村信用社", "中国农业银行", "甘肃银行", "中国邮政储蓄银行"]
GAP_SHARE = 0.03  # households left without a measure answering their cause, so the gap list is not empty


def _scaled(ctx: DemoContext, yuan: int) -> int:
    return round(yuan * ctx.scale)


def _day(rng, year: int, first: tuple[int, int] = (3, 1), last: tuple[int, int] = (11, 30)) -> date:
    start, end = date(year, *first), date(year, *last)
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _split(payments: list[tuple], buckets: list[tuple[str, int]]) -> list[tuple]:
    """Pay `payments` (key, amount) out of `buckets` (source, amount) in order: (key, source, amount) rows.

    A payment straddling two buckets becomes two rows, so every source's total is exact.
    """
    rows, i, left = [], 0, buckets[0][1]
    for key, amount in payments:
        while amount > 0:
            while left == 0:
                i += 1
                left = buckets[i][1]
            take = min(amount, left)
            rows.append((key, buckets[i][0], take))
            amount -= take
            left -= take
    return rows


class ProjectRow(NamedTuple):
    name: str
    programme: str
    division: str
    year: int


class Paid(NamedTuple):
    """A disbursement as written: what the measures of its household repeat."""

    id: int
    project_id: int
    village_id: str
    amount: Decimal
    year: int


class Writer:
    """Collects projects, allocations and disbursements; writes them in three bulk inserts."""

    def __init__(self, sources: dict[str, FundSource]):
        self.sources = sources
        self.projects: list[ProjectRow] = []
        self.allocations: dict[tuple[int, str, int], int] = defaultdict(int)
        self.payments: list[tuple[int, str, int, str, int | None, date, str]] = []

    def project(self, *, name: str, programme: str, division: str, year: int) -> int:
        self.projects.append(ProjectRow(name, programme, division, year))
        return len(self.projects) - 1

    def allocate(self, project: int, source: str, amount: int) -> None:
        self.allocations[(project, source, self.projects[project].year)] += amount

    def pay(
        self, project: int, source: str, amount: int, village: str, household: int | None, on: date, purpose: str
    ) -> None:
        self.payments.append((project, source, amount, village, household, on, purpose))

    def write(self) -> list[Paid]:
        budgets: dict[int, int] = defaultdict(int)
        for (p, _s, _y), amount in self.allocations.items():
            budgets[p] += amount
        project_ids = reserve_ids(Project, len(self.projects))
        bulk_insert(
            Project,
            ["id", "name", "programme", "division_id", "year", "budget", "status"],
            [
                (pk, *project, Decimal(budgets[p]), ProjectStatus.COMPLETED)
                for p, (pk, project) in enumerate(zip(project_ids, self.projects, strict=True))
            ],
        )
        source_ids = {code: source.pk for code, source in self.sources.items()}
        bulk_insert(
            Allocation,
            ["project_id", "source_id", "amount", "year", "document_number"],
            [
                (project_ids[p], source_ids[s], Decimal(amount), y, f"甘南州扶贫〔{y}〕{p + 1}号")
                for (p, s, y), amount in self.allocations.items()
            ],
        )
        ids = reserve_ids(Disbursement, len(self.payments))
        bulk_insert(
            Disbursement,
            ["id", "project_id", "source_id", "amount", "village_id", "household_id", "date", "purpose"],
            [
                (pk, project_ids[p], source_ids[s], Decimal(amount), village, household, on.isoformat(), purpose)
                for pk, (p, s, amount, village, household, on, purpose) in zip(ids, self.payments, strict=True)
            ],
        )
        return [
            Paid(pk, project_ids[p], village, Decimal(amount), on.year)
            for pk, (p, _s, amount, village, _h, on, _purpose) in zip(ids, self.payments, strict=True)
        ]


def _exits(years) -> dict[int, list[tuple[int, str, date]]]:
    """Households leaving poverty in each year: (household id, village code, exit date)."""
    qs = StatusChange.objects.filter(
        status__in=EXITED_STATUSES, previous_status__in=POOR_STATUSES, date__year__in=years
    )
    out: dict[int, dict[int, tuple]] = defaultdict(dict)
    for hid, village, on in qs.values_list("household_id", "household__village_id", "date").order_by("household_id"):
        out[on.year].setdefault(hid, (hid, village, on))
    return {y: sorted(out[y].values(), key=lambda r: r[1]) for y in years}


def _special_funds(ctx: DemoContext, rng, w: Writer, counties: dict[str, str], villages: list[Division]) -> list:
    """Special funds 2012-2015: households leaving poverty paid ≥ 2万 each, the rest to 整村推进 at poor villages.

    Each county's village money follows its household money, so every county stays above the 70% line.
    """
    exits = _exits(SPECIAL_YEARS)
    weights = [max(len(exits[y]), 1) for y in SPECIAL_YEARS]
    cp = apportion(_scaled(ctx, CENTRAL_PROVINCIAL - ECO_VILLAGE_FUNDS), weights)
    pc = apportion(_scaled(ctx, PREFECTURE_COUNTY), weights)
    poor: dict[str, list[Division]] = defaultdict(list)
    for v in villages:
        if v.is_poor_village:
            poor[v.code[:6]].append(v)
    per_county_year = max(1, round(WHOLE_VILLAGE_PROJECTS / len(SPECIAL_YEARS) / max(len(counties) - 1, 1)))
    paid_households: list[tuple[int, int]] = []  # (payment index, household) for the measures
    for k, year in enumerate(SPECIAL_YEARS):
        total = cp[k] + pc[k]
        leavers = exits[year]
        to_households = round(total * TO_HOUSEHOLD_SHARE) if leavers else 0
        floor = min(SUPPORT_FLOOR, to_households // max(len(leavers), 1))
        extra = apportion(to_households - floor * len(leavers), [rng.uniform(0.5, 1.5) for _x in leavers])
        county_project: dict[str, int] = {}
        county_money: dict[str, int] = defaultdict(int)
        payments: list[tuple[tuple[int, str, int | None, date], int]] = []
        for (hid, village, on), more in zip(leavers, extra, strict=True):
            county = village[:6]
            if county not in county_project:
                county_project[county] = w.project(
                    name=f"{year}年{counties[county]}到户产业扶持项目",
                    programme=Programme.INDUSTRY,
                    division=county,
                    year=year,
                )
            county_money[county] += floor + more
            payments.append(((county_project[county], village, hid, min(on, date(year, 10, 31))), floor + more))
        codes = sorted(county_money) or sorted({v.code[:6] for v in villages})
        village_money = apportion(total - to_households, [county_money.get(c, 1) for c in codes])
        for county, money in zip(codes, village_money, strict=True):
            pool = poor[county] or [v for v in villages if v.code.startswith(county)]
            chosen = rng.sample(pool, min(len(pool), per_county_year))
            for v, amount in zip(chosen, apportion(money, [rng.uniform(0.6, 1.4) for _v in chosen]), strict=True):
                p = w.project(
                    name=f"{year}年{v.name}整村推进项目", programme=Programme.WHOLE_VILLAGE, division=v.code, year=year
                )
                payments.append(((p, v.code, None, _day(rng, year)), amount))
        buckets = [
            ("central", round(cp[k] * 0.7)),
            ("provincial", cp[k] - round(cp[k] * 0.7)),
            ("prefecture", round(pc[k] * 0.3)),
            ("county", pc[k] - round(pc[k] * 0.3)),
        ]
        for (p, village, hid, on), source, amount in _split(payments, buckets):
            if hid is not None:
                paid_households.append((len(w.payments), hid))
            w.allocate(p, source, amount)
            w.pay(p, source, amount, village, hid, on, "到户产业扶持资金" if hid else "整村推进")
    return paid_households


def _eco_villages(ctx: DemoContext, rng, w: Writer, villages: list[Division]) -> int:
    """2016: 162 生态文明小康村 that are also poor villages, 7,615万 of central and provincial special funds."""
    poor = [v for v in villages if v.is_poor_village] or villages
    count = min(len(poor), max(1, round(ECO_VILLAGES * len(poor) / POOR_VILLAGES)))
    chosen = sorted(rng.sample(poor, count), key=lambda v: v.code)
    total = _scaled(ctx, ECO_VILLAGE_FUNDS)
    amounts = apportion(total, [rng.uniform(0.7, 1.3) for _v in chosen])
    payments = []
    for v, amount in zip(chosen, amounts, strict=True):
        p = w.project(
            name=f"2016年{v.name}生态文明小康村建设", programme=Programme.ECO_VILLAGE, division=v.code, year=2016
        )
        payments.append(((p, v.code), amount))
    for (p, village), source, amount in _split(
        payments, [("central", round(total * 0.7)), ("provincial", total - round(total * 0.7))]
    ):
        w.allocate(p, source, amount)
        w.pay(p, source, amount, village, None, _day(rng, 2016, (4, 1), (9, 15)), "生态文明小康村建设")
    return count


def _county_programmes(ctx: DemoContext, rng, w: Writer, counties: dict[str, str], villages: list[Division]) -> None:
    """涉农整合 (2015-2016) and three-party aid (2012-2016): county projects paying villages, 90-100% paid out."""
    by_county: dict[str, list[Division]] = defaultdict(list)
    for v in villages:
        by_county[v.code[:6]].append(v)
    codes = sorted(by_county)
    weights = [len(by_county[c]) for c in codes]
    plans = [
        ("integrated", _scaled(ctx, INTEGRATED), (2015, 2016), Programme.INFRASTRUCTURE, "涉农整合基础设施项目"),
        (
            "tianjin",
            _scaled(ctx, round(THREE_PARTY * 0.35)),
            (2012, 2013, 2014, 2015, 2016),
            Programme.EDUCATION,
            "天津对口援助项目",
        ),
        (
            "assigned",
            _scaled(ctx, round(THREE_PARTY * 0.25)),
            (2012, 2013, 2014, 2015, 2016),
            Programme.MEDICAL,
            "定点扶贫项目",
        ),
    ]
    # 双联 takes what is left of the 9.52亿, so the three parts add up exactly.
    plans.append(
        (
            "shuanglian",
            _scaled(ctx, THREE_PARTY) - plans[1][1] - plans[2][1],
            (2012, 2013, 2014, 2015, 2016),
            Programme.TRAINING,
            "双联帮扶项目",
        )
    )
    for source, total, years, programme, label in plans:
        per_year = apportion(total, [1 + 0.15 * i for i in range(len(years))])
        for year, year_total in zip(years, per_year, strict=True):
            for county, amount in zip(codes, apportion(year_total, weights), strict=True):
                p = w.project(
                    name=f"{year}年{counties[county]}{label}", programme=programme, division=county, year=year
                )
                paid = amount if year < 2016 else round(amount * rng.uniform(0.9, 1.0))
                targets = rng.sample(by_county[county], min(len(by_county[county]), 6))
                parts = apportion(paid, [rng.uniform(0.5, 1.5) for _t in targets])
                w.allocate(p, source, amount)
                for v, part in zip(targets, parts, strict=True):
                    if part:
                        w.pay(p, source, part, v.code, None, _day(rng, year), label)


MEASURE_COLUMNS = [
    "household_id",
    "village_id",
    "programme",
    "content",
    "amount",
    "year",
    "unit",
    "project_id",
    "disbursement_id",
]


def _measures(rng, disbursements: list[Paid], paid_households: list[tuple[int, int]]) -> int:
    """An industry measure for every household payment, and one answering the main cause for most households."""
    rows: list[tuple[int, str, str, str, Decimal, int, str, int | None, int | None]] = []
    paid = set()
    for index, hid in paid_households:
        paid.add(hid)
        d = disbursements[index]
        content = rng.choice(CONTENT[Programme.INDUSTRY])
        rows.append(
            (
                hid,
                d.village_id,
                Programme.INDUSTRY,
                content,
                d.amount,
                d.year,
                "县" + UNITS[Programme.INDUSTRY],
                d.project_id,
                d.id,
            )
        )
    households = Household.objects.exclude(status=Status.REMOVED)
    facts = households.values_list("pk", "village_id", "main_cause", "identified_year")
    for hid, village, cause, identified in facts.order_by("pk").iterator(chunk_size=5000):
        programmes = CAUSE_PROGRAMMES.get(cause)
        if not programmes or rng.random() < GAP_SHARE:
            continue
        programme = programmes[0]
        if programme == Programme.INDUSTRY and hid in paid:
            continue  # its industry payment above answers 缺资金 / 缺土地
        content = rng.choice(CONTENT[programme])
        amount = Decimal(rng.choice([0, 500, 1000, 2000, 3000]))
        rows.append(
            (hid, village, programme, content, amount, max(identified, 2014), "县" + UNITS[programme], None, None)
        )
    bulk_insert(Measure, MEASURE_COLUMNS, rows)
    return len(rows)


LOAN_COLUMNS = [
    "household_id",
    "village_id",
    "borrower_id",
    "bank",
    "amount",
    "issued_on",
    "term_months",
    "purpose",
    "status",
    "interest_subsidy",
]


def _loans(ctx: DemoContext, rng) -> int:
    """25,100 households (scaled): 5万元 (some 4万) for 36 months, issued Nov 2015 - Aug 2016, 12.45亿 in all.

    Households still poor at the end of 2015 and able to borrow come first (应贷尽贷: nine in ten of them),
    then households that had just left poverty.
    """
    n = ctx.people(LOAN_HOUSEHOLDS)
    wan = round(LOAN_TOTAL_WAN * ctx.scale)
    smaller = min(max(5 * n - wan, 0), n)  # loans of 4万 so that the total is exact
    end_2015 = date(2015, 12, 31)
    spans = StatusChange.objects.filter(date__lte=end_2015).exclude(ended_on__lte=end_2015)
    status_2015 = dict(spans.values_list("household_id", "status"))
    borrowers: dict[int, int] = {}
    able = Member.objects.filter(
        labour__in=LABOUR_CAPABLE, birth_date__gte=date(1951, 1, 1), birth_date__lte=date(1997, 10, 1)
    )
    for hid, mid in able.order_by("household_id", "id").values_list("household_id", "id").iterator(chunk_size=10000):
        if status_2015.get(hid, Status.REMOVED) != Status.REMOVED:
            borrowers.setdefault(hid, mid)
    poor = [h for h in sorted(borrowers) if status_2015[h] in POOR_STATUSES]
    exited = [h for h in sorted(borrowers) if status_2015[h] in EXITED_STATUSES]
    first = rng.sample(poor, min(n, round(len(poor) * 0.9)))
    chosen = first + rng.sample(exited, min(n - len(first), len(exited)))
    villages = dict(Household.objects.filter(pk__in=chosen).values_list("pk", "village_id"))
    rows = []
    for i, hid in enumerate(sorted(chosen)):
        amount = Decimal(40_000 if i < smaller else 50_000)
        issued = date(2015, 11, 1) + timedelta(days=rng.randrange(304))
        r = rng.random()
        status = LoanStatus.REPAID if r < 0.95 else LoanStatus.OVERDUE if r < 0.97 else LoanStatus.CURRENT
        bank = rng.choice(BANKS)
        purpose = rng.choice(["牛羊养殖", "种植", "农家乐", "入股合作社"])
        subsidy = (amount * INTEREST_RATE * 3).quantize(Decimal("0.01"))
        rows.append(
            (hid, villages[hid], borrowers[hid], bank, amount, issued.isoformat(), 36, purpose, status, subsidy)
        )
    bulk_insert(Loan, LOAN_COLUMNS, rows)
    return len(rows)


class AidMember(NamedTuple):
    id: int
    fund: int
    joined_on: date


class AidLoan(NamedTuple):
    id: int
    amount: Decimal
    issued_on: date
    due_on: date


def _mutual_aid(ctx: DemoContext, rng, sources: dict[str, FundSource], villages: list[Division]) -> dict[str, int]:
    """A fund in every village (founded when its 六有六通 says so), capital, members, loans and repayments."""
    founded = dict(
        VillageYear.objects.filter(has_mutual_fund=True)
        .values("village_id")
        .annotate(y=Min("year"))
        .values_list("village_id", "y")
    )
    fund_ids = reserve_ids(MutualAidFund, len(villages))
    # (id, village, name, founded year)
    funds = [
        (pk, v.code, f"{v.name}扶贫互助资金协会", min(founded.get(v.code, 2016), 2016))
        for pk, v in zip(fund_ids, villages, strict=True)
    ]
    bulk_insert(MutualAidFund, ["id", "village_id", "name", "founded_year"], funds)

    capital_total = _scaled(ctx, MUTUAL_AID_CAPITAL)
    capital = apportion(capital_total, [rng.uniform(0.6, 1.4) for _f in funds])
    capital_rows = []
    for (pk, _v, _n, year), amount in zip(funds, capital, strict=True):
        shuanglian = round(amount * 0.6)
        capital_rows.append((pk, sources["shuanglian"].pk, Decimal(shuanglian), year))
        capital_rows.append((pk, sources["provincial"].pk, Decimal(amount - shuanglian), year))
    bulk_insert(MutualAidCapital, ["fund_id", "source_id", "amount", "year"], capital_rows)

    in_village: dict[str, list[int]] = defaultdict(list)
    for hid, village in Household.objects.exclude(status=Status.REMOVED).values_list("pk", "village_id").order_by("pk"):
        in_village[village].append(hid)
    wanted = ctx.people(MUTUAL_AID_MEMBERS)
    per_fund = apportion(wanted, [rng.uniform(0.6, 1.4) for _f in funds], [len(in_village[f[1]]) for f in funds])
    joining = [
        (fund, hid, _day(rng, year, (3, 1), (8, 31)))
        for (fund, village, _n, year), k in zip(funds, per_fund, strict=True)
        for hid in rng.sample(in_village[village], k)
    ]
    member_ids = reserve_ids(MutualAidMember, len(joining))
    bulk_insert(
        MutualAidMember,
        ["id", "fund_id", "household_id", "joined_on"],
        [(pk, fund, hid, on.isoformat()) for pk, (fund, hid, on) in zip(member_ids, joining, strict=True)],
    )

    by_fund: dict[int, list[AidMember]] = defaultdict(list)
    for pk, (fund, _hid, on) in zip(member_ids, joining, strict=True):
        by_fund[fund].append(AidMember(pk, fund, on))
    weights = [c if by_fund[f[0]] else 0 for f, c in zip(funds, capital, strict=True)]
    lent = apportion(_scaled(ctx, MUTUAL_AID_LENT), weights)
    lending: list[tuple[int, int, Decimal, date, date]] = []
    for (fund, _v, _n, _y), total in zip(funds, lent, strict=True):
        borrowers = by_fund[fund]
        for m, amount in zip(borrowers, apportion(total, [rng.uniform(0.5, 1.5) for _m in borrowers]), strict=True):
            if amount:
                issued = min(m.joined_on + timedelta(days=rng.randrange(30, 240)), SEED_DAY)
                lending.append((fund, m.id, Decimal(amount), issued, issued + timedelta(days=365)))
    loan_ids = reserve_ids(MutualAidLoan, len(lending))
    bulk_insert(
        MutualAidLoan,
        ["id", "fund_id", "member_id", "amount", "issued_on", "due_on"],
        [
            (pk, fund, member, amount, issued.isoformat(), due.isoformat())
            for pk, (fund, member, amount, issued, due) in zip(loan_ids, lending, strict=True)
        ],
    )
    loans = [
        AidLoan(pk, amount, issued, due) for pk, (_f, _m, amount, issued, due) in zip(loan_ids, lending, strict=True)
    ]

    repayments = []
    for loan in loans:
        r = rng.random()
        if loan.due_on <= SEED_DAY and r < 0.93:
            half = (loan.amount / 2).quantize(Decimal("1"))
            repayments.append((loan.id, half, (loan.due_on - timedelta(days=180)).isoformat()))
            repayments.append((loan.id, loan.amount - half, loan.due_on.isoformat()))
        elif r < 0.5 or loan.due_on <= SEED_DAY:
            part = (loan.amount * Decimal("0.4")).quantize(Decimal("1"))
            on = min(loan.issued_on + timedelta(days=150), SEED_DAY)
            if part:
                repayments.append((loan.id, part, on.isoformat()))
    bulk_insert(MutualAidRepayment, ["loan_id", "amount", "date"], repayments)
    return {
        "mutual_aid_funds": len(funds),
        "mutual_aid_members": len(joining),
        "mutual_aid_loans": len(loans),
        "mutual_aid_repayments": len(repayments),
    }


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("funds")
    sources = {s.code: s for s in FundSource.objects.all()}
    counties = dict(Division.objects.filter(level=Level.COUNTY).values_list("code", "name"))
    villages = list(Division.objects.filter(level=Level.VILLAGE).order_by("code"))
    writer = Writer(sources)
    paid_households = _special_funds(ctx, rng, writer, counties, villages)
    eco = _eco_villages(ctx, rng, writer, villages)
    _county_programmes(ctx, rng, writer, counties, villages)
    disbursements = writer.write()
    ctx.counts.update(
        projects=len(writer.projects),
        allocations=len(writer.allocations),
        disbursements=len(disbursements),
        eco_villages=eco,
    )
    ctx.counts["measures"] = _measures(rng, disbursements, paid_households)
    ctx.counts["loans"] = _loans(ctx, rng)
    ctx.counts.update(_mutual_aid(ctx, rng, sources, villages))


def wipe(ctx: DemoContext) -> None:
    """Every funds row except the sources, one statement per table, children first."""
    with connection.cursor() as cursor:
        for model in (
            MutualAidRepayment,
            MutualAidLoan,
            MutualAidMember,
            MutualAidCapital,
            MutualAidFund,
            Loan,
            Measure,
            Disbursement,
            Allocation,
            Project,
        ):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
