"""The demo's money reproduces the seed (Gannan Daily, 28 Sep 2016), proportionally at a small scale."""

from decimal import Decimal

import pytest
from django.db.models import Count, Max, Min, Sum

from demo import funds as demo_funds
from demo import households as demo_households
from demo import villages as demo_villages
from demo.context import DemoContext
from funds.models import Allocation, Loan, Project
from funds.selectors import household_support, mutual_aid, to_household_share, to_household_share_by_child
from villages.models import Division, Level

from .conftest import built_once_per_module

SCALE = 0.01


def build_demo() -> DemoContext:
    Division.objects.filter(level=Level.VILLAGE).delete()  # the cast's villages make way for the demo's
    ctx = DemoContext(scale=SCALE, seed=2016, out=lambda _s: None)
    for step in (demo_villages, demo_households, demo_funds):
        step.build(ctx)
    return ctx


demo_built = built_once_per_module(build_demo)


@pytest.fixture
def demo(demo_built, db):
    """The villages, households and funds at SCALE, built once for the module; each test's writes are rolled back."""
    return demo_built


def scaled(yuan: int) -> Decimal:
    return Decimal(round(yuan * SCALE))


def allocated(**filters) -> Decimal:
    return Allocation.objects.filter(**filters).aggregate(s=Sum("amount"))["s"]


def test_the_demo_funds_equal_the_seeds(demo):
    prefecture = Division.objects.get(code="623000")
    # 16亿 central and provincial special funds since 2012; 18,150万 prefecture and county over four years.
    assert allocated(source__kind__in=["central", "provincial"], year__gte=2012) == scaled(1_600_000_000)
    assert allocated(source__kind__in=["prefecture", "county"], year__range=(2012, 2015)) == scaled(181_500_000)
    # 28.8亿 涉农整合 over two years; 9.52亿 three-party aid since 2012.
    integrated = Allocation.objects.filter(source__kind="integrated")
    assert integrated.aggregate(s=Sum("amount"), a=Min("year"), b=Max("year")) == {
        "s": scaled(2_880_000_000),
        "a": 2015,
        "b": 2016,
    }
    assert allocated(source__kind__in=["tianjin", "assigned", "shuanglian"], year__gte=2012) == scaled(952_000_000)
    # 25,100 households, 5万元 on average, three years, 12.45亿.
    loans = Loan.objects.aggregate(
        n=Count("household", distinct=True), total=Sum("amount"), most=Max("amount"), longest=Max("term_months")
    )
    assert loans == {
        "n": round(25_100 * SCALE),
        "total": scaled(1_245_000_000),
        "most": Decimal("50000"),
        "longest": 36,
    }
    # A mutual-aid fund in every village: 1.95亿 capital, 25,700 member households, 1.17亿 lent.
    book = mutual_aid(region=prefecture, year=2016)
    assert book["mutual_aid_coverage"] == Decimal("100.00")
    assert book["mutual_aid_capital"] == scaled(195_000_000)
    assert book["mutual_aid_member_households"] == round(25_700 * SCALE)
    assert book["mutual_aid_lent"] == scaled(117_000_000)
    # 162 eco-villages among the poor villages (scaled with them) with 7,615万 of special funds.
    eco = Project.objects.filter(programme="eco_village")
    poor_villages = Division.objects.filter(level=Level.VILLAGE, is_poor_village=True).count()
    assert eco.count() == round(162 * poor_villages / 284)
    assert not eco.exclude(division__is_poor_village=True).exists()
    assert allocated(project__programme="eco_village", source__kind__in=["central", "provincial"]) == scaled(76_150_000)


def test_over_seventy_percent_reaches_households_and_every_exit_gets_twenty_thousand(demo):
    prefecture = Division.objects.get(code="623000")
    assert to_household_share(region=prefecture)["to_household_share"] > 70
    assert all(r["to_household_share"] > 70 for r in to_household_share_by_child(region=prefecture))
    support = household_support(region=prefecture, year=2015)
    assert support["exited_households"] > 0
    assert support["exited_households_below_support_line"] == 0
    assert support["support_per_exited_household"] >= 20_000
