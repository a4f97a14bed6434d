"""Every funds figure on a hand-built cast whose answers are worked out by hand below."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model

from funds.models import Loan, LoanStatus
from funds.selectors import (
    cause_measure_gap_list,
    cause_measure_gaps,
    cost_per_exited_person,
    funds_allocated_vs_disbursed,
    funds_by_programme,
    funds_by_source_year,
    funds_summary,
    household_funds,
    household_support,
    loan_coverage,
    loan_coverage_by_child,
    mutual_aid,
    project_list,
    to_household_share,
    to_household_share_by_child,
)
from funds.services import (
    loan_create,
    loan_status_set,
    measure_create,
    mutual_aid_capital_add,
    mutual_aid_fund_create,
    mutual_aid_loan_create,
    mutual_aid_member_add,
    mutual_aid_repayment_add,
)
from households.models import Household
from households.services import household_register

from .conftest import change_status, member, record_year, register
from .funds_cast import (
    CHENGGUAN_VILLAGE,
    HONGBAOZI_VILLAGE,
    LIULIN_VILLAGE,
    XIJIE_VILLAGE,
    allocate,
    division,
    pay,
    project,
    source,
)


@pytest.fixture
def cast(lintan_clerk, zhuoni_clerk):
    """临潭: A (因病, 3 people) and B (因学, 4) exit in 2015; C (缺资金, 2) has an industry measure;
    D (因病, 5) only an education one; E (自身发展动力不足, 3) has no one able to work.
    卓尼: Z (因学, 3) with nothing."""
    c = lintan_clerk
    a = register(c, CHENGGUAN_VILLAGE, "A", size=3, main_cause=1)
    b = register(c, CHENGGUAN_VILLAGE, "B", size=4, main_cause=3)
    hc = register(c, XIJIE_VILLAGE, "C", size=2, main_cause=9)
    hd = register(c, HONGBAOZI_VILLAGE, "D", size=5, main_cause=1)
    he = household_register(
        user=c,
        data={"code": "E", "village": division(HONGBAOZI_VILLAGE), "main_cause": 11, "identified_year": 2014},
        members=[member("E户主", labour="unable"), member("E子", "son", born=date(2005, 1, 1))],
    )
    z = register(zhuoni_clerk, LIULIN_VILLAGE, "Z", size=3, main_cause=3)
    for h, status in ((a, "exited_stable"), (b, "exited_consolidating")):
        record_year(c, h, 2015)
        change_status(c, h, status, date(2015, 11, 1))

    # P1: a county project with two allocations and three disbursements.
    p1 = project(c)
    allocate(c, p1, "30000", kind="central")
    allocate(c, p1, "20000", kind="provincial")
    pay(c, p1, "25000", household=a, kind="central")
    pay(c, p1, "15000", household=b, kind="provincial")
    pay(c, p1, "5000", village=CHENGGUAN_VILLAGE, kind="central")
    p2 = project(c, HONGBAOZI_VILLAGE, name="红堡子村道路", programme="infrastructure")
    allocate(c, p2, "10000", kind="integrated")
    pay(c, p2, "10000", village=HONGBAOZI_VILLAGE, kind="integrated")
    pz = project(zhuoni_clerk, "623022", name="卓尼到户", year=2014)
    allocate(zhuoni_clerk, pz, "8000", year=2014)
    pay(zhuoni_clerk, pz, "8000", household=z, on=date(2014, 6, 1))

    measure_create(user=c, household=hc, programme="industry", content="牦牛养殖", year=2015, amount=D("5000"))
    measure_create(user=c, household=hd, programme="education", content="雨露计划", year=2015)

    def lend(h, amount, on, status=LoanStatus.CURRENT):
        loan = loan_create(
            user=c,
            household=h,
            borrower=h.members.get(relation="head"),
            bank="农村信用社",
            amount=D(amount),
            issued_on=on,
            term_months=36,
        )
        if status != LoanStatus.CURRENT:
            loan_status_set(user=c, loan=loan, status=status)

    lend(a, "50000", date(2015, 12, 1))
    lend(hc, "30000", date(2015, 3, 1), LoanStatus.OVERDUE)
    lend(hd, "50000", date(2016, 1, 10))

    fund = mutual_aid_fund_create(
        user=c, village=division(CHENGGUAN_VILLAGE), name="城关村互助资金协会", founded_year=2014
    )
    mutual_aid_capital_add(user=c, fund=fund, source=source("shuanglian"), amount=D("10000"), year=2014)
    mutual_aid_capital_add(user=c, fund=fund, source=source("integrated"), amount=D("5000"), year=2015)
    ma = mutual_aid_member_add(user=c, fund=fund, household=a, joined_on=date(2014, 5, 1))
    mb = mutual_aid_member_add(user=c, fund=fund, household=b, joined_on=date(2014, 5, 1))
    la = mutual_aid_loan_create(
        user=c, member=ma, amount=D("6000"), issued_on=date(2015, 1, 1), due_on=date(2015, 6, 30)
    )
    mutual_aid_repayment_add(user=c, loan=la, amount=D("2000"), on=date(2015, 5, 1))
    lb = mutual_aid_loan_create(
        user=c, member=mb, amount=D("3000"), issued_on=date(2015, 9, 1), due_on=date(2016, 8, 31)
    )
    mutual_aid_repayment_add(user=c, loan=lb, amount=D("1000"), on=date(2015, 10, 1))
    mutual_aid_repayment_add(user=c, loan=lb, amount=D("500"), on=date(2015, 11, 1))
    return {"A": a, "B": b, "C": hc, "D": hd, "E": he, "Z": z, "p1": p1}


LINTAN = "623021"
PREFECTURE = "623000"


def test_funds_by_source_and_year(cast):
    rows = funds_by_source_year(region=division(LINTAN))
    assert rows == [
        {"year": 2015, "kind": "central", "amount": D("30000")},
        {"year": 2015, "kind": "integrated", "amount": D("10000")},
        {"year": 2015, "kind": "provincial", "amount": D("20000")},
    ]
    assert {(r["year"], r["kind"]) for r in funds_by_source_year(region=division(PREFECTURE))} >= {(2014, "central")}


def test_funds_by_programme(cast):
    assert funds_by_programme(region=division(LINTAN)) == [
        {"programme": "industry", "amount": D("50000")},
        {"programme": "infrastructure", "amount": D("10000")},
    ]


def test_a_project_with_two_allocations_and_three_disbursements_sums_right(cast, lintan_clerk):
    assert funds_allocated_vs_disbursed(region=division(LINTAN)) == [
        {"year": 2015, "allocated": D("60000"), "disbursed": D("55000")}
    ]
    p1 = project_list(user=lintan_clerk).get(pk=cast["p1"].pk)
    assert (p1.allocated, p1.disbursed) == (D("50000"), D("45000"))


def test_the_share_of_special_funds_reaching_households(cast):
    lintan = to_household_share(region=division(LINTAN))
    assert lintan == {
        "special_disbursed": D("45000"),
        "special_to_households": D("40000"),
        "to_household_share": D("88.89"),
    }
    assert to_household_share(region=division(PREFECTURE))["to_household_share"] == D("90.57")
    assert to_household_share(region=division(PREFECTURE), year=2014)["to_household_share"] == D("100.00")
    by_county = {r["code"]: r["to_household_share"] for r in to_household_share_by_child(region=division(PREFECTURE))}
    assert by_county["623021"] == D("88.89") and by_county["623022"] == D("100.00") and by_county["623023"] is None


def test_household_support_per_household_exited(cast):
    assert household_support(region=division(LINTAN), year=2015) == {
        "exited_households": 2,
        "exited_household_support": D("40000"),
        "exited_households_below_support_line": 1,
        "support_per_exited_household": D("20000.00"),
    }


def test_cost_per_exited_person(cast):
    assert cost_per_exited_person(region=division(LINTAN), year=2015) == {
        "funds_disbursed": D("55000"),
        "exited_population": 7,
        "cost_per_exited_person": D("7857.14"),
    }
    assert cost_per_exited_person(region=division(PREFECTURE), year=2014)["cost_per_exited_person"] is None


def test_loan_coverage_counts_poor_households_able_to_work(cast):
    assert loan_coverage(region=division(LINTAN), year=2015) == {
        "loan_eligible_households": 2,
        "loan_households": 1,
        "loan_coverage": D("50.00"),
        "loans_lent": D("80000"),
        "loans_outstanding": D("80000"),
        "loans_overdue": D("30000"),
        "loans_overdue_rate": D("37.50"),
    }
    # Poor at the end of 2015 and able to work: C (a loan in March) and D (a loan in January 2016).
    assert loan_coverage(region=division(LINTAN), year=2016)["loan_coverage"] == D("100.00")
    by_township = {r["code"]: r for r in loan_coverage_by_child(region=division(LINTAN), year=2015)}
    assert by_township["623021100"]["loan_coverage"] == D("100.00")
    assert (by_township["623021101"]["loan_eligible_households"], by_township["623021101"]["loan_households"]) == (1, 0)


def test_repaid_loans_leave_the_outstanding_balance(cast, lintan_clerk):
    loan_status_set(user=lintan_clerk, loan=Loan.objects.get(household=cast["C"]), status=LoanStatus.REPAID)
    row = loan_coverage(region=division(LINTAN), year=2015)
    assert (row["loans_outstanding"], row["loans_overdue_rate"]) == (D("50000"), D("0.00"))


def test_mutual_aid_coverage_and_book(cast):
    assert mutual_aid(region=division(LINTAN), year=2015) == {
        "villages": 3,
        "mutual_aid_villages": 1,
        "mutual_aid_coverage": D("33.33"),
        "mutual_aid_capital": D("15000"),
        "mutual_aid_member_households": 2,
        "mutual_aid_lent": D("9000"),
        "mutual_aid_outstanding": D("5500"),
        "mutual_aid_overdue": D("4000"),
    }
    assert mutual_aid(region=division(LINTAN), year=2014)["mutual_aid_lent"] == D("0")


def test_poor_households_whose_cause_no_measure_answers(cast):
    # E (自身发展动力不足) counts too: a lack of drive is answered by training, and E has none.
    assert cause_measure_gaps(region=division(LINTAN), year=2015) == {
        "cause_measure_gap_households": 2,
        "cause_measure_gaps_by_cause": {"1": 1, "11": 1},
    }
    assert [h.code for h in cause_measure_gap_list(region=division(LINTAN), year=2015)] == ["D", "E"]
    assert [h.code for h in cause_measure_gap_list(region=division(PREFECTURE), year=2015)] == ["D", "E", "Z"]


def test_training_answers_a_lack_of_drive_but_not_a_lack_of_labour(cast):
    c = cast["E"]
    measure_create(
        user=get_user_model().objects.get(username="lintan_clerk"),
        household=c,
        programme="training",
        content="扶志教育与技能培训",
        year=2015,
    )
    assert [h.code for h in cause_measure_gap_list(region=division(LINTAN), year=2015)] == ["D"]
    Household.objects.filter(pk=c.pk).update(main_cause=8)  # 缺劳力: training does not answer it, 低保兜底 does
    assert [h.code for h in cause_measure_gap_list(region=division(LINTAN), year=2015)] == ["D", "E"]


def test_a_disability_is_answered_by_the_disability_subsidies(cast):
    clerk = get_user_model().objects.get(username="lintan_clerk")
    Household.objects.filter(pk=cast["D"].pk).update(main_cause=2)
    measure_create(user=clerk, household=cast["D"], programme="dibao", content="纳入农村低保", year=2015)
    assert "D" in [h.code for h in cause_measure_gap_list(region=division(LINTAN), year=2015)]
    measure_create(user=clerk, household=cast["D"], programme="disability", content="困难残疾人生活补贴", year=2015)
    assert "D" not in [h.code for h in cause_measure_gap_list(region=division(LINTAN), year=2015)]


def test_the_summary_holds_every_key(cast):
    summary = funds_summary(region=division(LINTAN), year=2015)
    assert summary["to_household_share"] == D("88.89")
    assert summary["loan_coverage"] == D("50.00")
    assert summary["cause_measure_gap_households"] == 2
    assert summary["cost_per_exited_person"] == D("7857.14")


def test_a_household_sees_its_measures_loans_and_money(cast):
    funds = household_funds(household=cast["A"])
    assert funds["received"] == D("25000")
    assert [loan.amount for loan in funds["loans"]] == [D("50000")]
    assert [m.content for m in household_funds(household=cast["C"])["measures"]] == ["牦牛养殖"]


def test_every_indicator_row_names_a_key_its_selector_returns(cast):
    from funds import selectors
    from funds.indicators import INDICATORS

    lintan = division(LINTAN)
    for key, _label, _unit, _definition, _kind, selector in INDICATORS:
        fn = getattr(selectors, selector)
        result = fn(region=lintan) if selector == "to_household_share" else fn(region=lintan, year=2015)
        assert key in result, key
    assert {row[0] for row in INDICATORS} == set(funds_summary(region=lintan, year=2015))
