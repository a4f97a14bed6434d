from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from funds.models import Disbursement, Loan, MutualAidLoan, MutualAidRepayment
from funds.services import (
    fund_source_create,
    loan_create,
    mutual_aid_capital_add,
    mutual_aid_fund_create,
    mutual_aid_loan_create,
    mutual_aid_member_add,
    mutual_aid_repayment_add,
)
from households.services import household_register

from .conftest import member, register
from .funds_cast import CHENGGUAN_VILLAGE, allocate, division, pay, project, source


def test_a_project_cannot_pay_out_more_than_it_received(lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN_VILLAGE, "H001")
    p = project(lintan_clerk)
    allocate(lintan_clerk, p, "30000")
    pay(lintan_clerk, p, "20000", household=h)
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as e:
        pay(lintan_clerk, p, "15000", household=h)
    assert "超出已到位资金 5,000.00 元" in str(e.value)
    assert Disbursement.objects.count() == 1
    assert AuditEntry.objects.count() == audits


def test_a_project_with_no_allocation_pays_nothing(lintan_clerk):
    p = project(lintan_clerk)
    with pytest.raises(ValidationError) as e:
        pay(lintan_clerk, p, "100", village=CHENGGUAN_VILLAGE)
    assert "超出已到位资金 100.00 元" in str(e.value)
    assert not Disbursement.objects.exists()


def test_every_funds_write_is_audited(lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN_VILLAGE, "H001")
    before = AuditEntry.objects.count()
    p = project(lintan_clerk)
    allocate(lintan_clerk, p, "30000")
    pay(lintan_clerk, p, "20000", household=h)
    entries = AuditEntry.objects.order_by("id")[before:]
    assert [e.object_type for e in entries] == ["project", "allocation", "disbursement"]
    assert entries[2].household_code == "H001" and entries[2].region_code == CHENGGUAN_VILLAGE


def _loan(user, household, borrower, **over):
    kw = {
        "bank": "甘肃省农村信用社",
        "amount": Decimal("50000"),
        "issued_on": date(2015, 12, 1),
        "term_months": 36,
        "purpose": "养殖",
        "interest_subsidy": Decimal("6000"),
    }
    kw.update(over)
    return loan_create(user=user, household=household, borrower=borrower, **kw)


def test_a_loan_of_more_than_fifty_thousand_yuan_is_refused(lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN_VILLAGE, "H001")
    head = h.members.get(relation="head")
    with pytest.raises(ValidationError) as e:
        _loan(lintan_clerk, h, head, amount=Decimal("50000.01"))
    assert "每户最多 5 万元" in str(e.value)
    assert not Loan.objects.exists()
    _loan(lintan_clerk, h, head)
    assert Loan.objects.count() == 1


def test_a_loan_longer_than_three_years_is_refused(lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN_VILLAGE, "H001")
    with pytest.raises(ValidationError) as e:
        _loan(lintan_clerk, h, h.members.get(relation="head"), term_months=37)
    assert "最长 3 年（36 个月），本笔为 37 个月" in str(e.value)
    assert not Loan.objects.exists()


def test_a_borrower_must_be_between_eighteen_and_sixty_five(lintan_clerk):
    people = [
        member("户主甲"),
        member("儿子", "son", born=date(2000, 6, 1)),
        member("父亲", "parent", born=date(1949, 11, 1)),
    ]
    h = household_register(
        user=lintan_clerk,
        data={"code": "H001", "village": division(CHENGGUAN_VILLAGE), "main_cause": 9, "identified_year": 2014},
        members=people,
    )
    son, father = h.members.get(name="儿子"), h.members.get(name="父亲")
    with pytest.raises(ValidationError) as e:
        _loan(lintan_clerk, h, son)
    assert "年满 18 周岁" in str(e.value) and "15 岁" in str(e.value)
    with pytest.raises(ValidationError) as e:
        _loan(lintan_clerk, h, father)
    assert "66 岁" in str(e.value)
    # On 31 Oct 2015 the father is still 65.
    _loan(lintan_clerk, h, father, issued_on=date(2015, 10, 31))
    assert Loan.objects.count() == 1


def test_a_clerk_cannot_write_funds_of_another_county(lintan_clerk, zhuoni_clerk, lintan_official):
    h = register(lintan_clerk, CHENGGUAN_VILLAGE, "H001")
    p = project(lintan_clerk)
    for user in (zhuoni_clerk, lintan_official):
        with pytest.raises(PermissionDenied):
            allocate(user, p, "1000")
        with pytest.raises(PermissionDenied):
            _loan(user, h, h.members.get(relation="head"))
    assert not Loan.objects.exists()


def test_only_admins_add_fund_sources(lintan_clerk, admin):
    with pytest.raises(PermissionDenied):
        fund_source_create(user=lintan_clerk, code="gansu-bank", name="甘肃银行", kind="credit")
    assert fund_source_create(user=admin, code="gansu-bank", name="甘肃银行", kind="credit").pk


def test_a_mutual_aid_fund_lends_no_more_than_it_holds_and_repayments_no_more_than_owed(lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN_VILLAGE, "H001")
    fund = mutual_aid_fund_create(
        user=lintan_clerk, village=division(CHENGGUAN_VILLAGE), name="城关村互助资金协会", founded_year=2014
    )
    mutual_aid_capital_add(
        user=lintan_clerk, fund=fund, source=source("shuanglian"), amount=Decimal("10000"), year=2014
    )
    m = mutual_aid_member_add(user=lintan_clerk, fund=fund, household=h, joined_on=date(2014, 5, 1))
    with pytest.raises(ValidationError) as e:
        mutual_aid_loan_create(
            user=lintan_clerk, member=m, amount=Decimal("12000"), issued_on=date(2015, 1, 1), due_on=date(2016, 1, 1)
        )
    assert "超出互助资金可借余额 2,000.00 元" in str(e.value)
    assert not MutualAidLoan.objects.exists()
    loan = mutual_aid_loan_create(
        user=lintan_clerk, member=m, amount=Decimal("8000"), issued_on=date(2015, 1, 1), due_on=date(2016, 1, 1)
    )
    with pytest.raises(ValidationError) as e:
        mutual_aid_repayment_add(user=lintan_clerk, loan=loan, amount=Decimal("9000"), on=date(2015, 6, 1))
    assert "还款超出未还余额 8,000.00 元" in str(e.value)
    assert not MutualAidRepayment.objects.exists()
