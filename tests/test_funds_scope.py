"""Who sees and edits which money: every role, with 卓尼's clerk as the one who must see nothing of 临潭."""

from datetime import date
from decimal import Decimal

import pytest

from funds.models import Loan
from funds.services import loan_create, measure_create, mutual_aid_fund_create

from .conftest import register
from .funds_cast import CHENGGUAN_VILLAGE, allocate, division, pay, project


@pytest.fixture
def lintan_money(lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN_VILLAGE, "H1")
    p = project(lintan_clerk, name="临潭产业项目")
    allocation = allocate(lintan_clerk, p, "30000")
    disbursement = pay(lintan_clerk, p, "20000", household=h)
    measure = measure_create(user=lintan_clerk, household=h, programme="industry", content="牦牛", year=2015)
    loan = loan_create(
        user=lintan_clerk,
        household=h,
        borrower=h.members.get(relation="head"),
        bank="农村信用社",
        amount=Decimal("50000"),
        issued_on=date(2015, 12, 1),
        term_months=36,
    )
    fund = mutual_aid_fund_create(
        user=lintan_clerk, village=division(CHENGGUAN_VILLAGE), name="城关村互助资金协会", founded_year=2014
    )
    return {
        "projects": p,
        "allocations": allocation,
        "disbursements": disbursement,
        "measures": measure,
        "loans": loan,
        "mutual-aid-funds": fund,
    }


ENDPOINTS = ["projects", "allocations", "disbursements", "measures", "loans", "mutual-aid-funds"]


def test_a_clerk_of_another_county_sees_none_of_lintans_money(client, zhuoni_clerk, lintan_money):
    client.force_login(zhuoni_clerk)
    for name in ENDPOINTS:
        assert client.get(f"/api/funds/{name}/").json()["count"] == 0, name
        assert client.get(f"/api/funds/{name}/{lintan_money[name].pk}/").status_code == 404, name
    assert client.get("/funds/region/623021/").status_code == 404
    assert client.get("/funds/region/623021/gaps/").status_code == 404
    assert client.get("/funds/region/623021/csv/loan_coverage/").status_code == 404
    assert "临潭产业项目" not in client.get("/funds/").content.decode()


def test_a_clerk_of_another_county_cannot_write_lintans_money(client, zhuoni_clerk, lintan_money):
    client.force_login(zhuoni_clerk)
    response = client.post(
        "/api/funds/allocations/",
        {"project": lintan_money["projects"].pk, "source": "central", "amount": "100", "year": 2015},
        content_type="application/json",
    )
    assert response.status_code == 400 and "project" in response.json()
    response = client.post(
        "/funds/add/allocation/", {"project": lintan_money["projects"].pk, "source": 1, "amount": "100", "year": 2015}
    )
    assert response.status_code == 200 and "project" in response.context["form"].errors
    response = client.post(
        f"/api/funds/loans/{lintan_money['loans'].pk}/status/", {"status": "repaid"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert Loan.objects.get().status == "current"


@pytest.mark.parametrize("who", ["pref_official", "lintan_official", "lintan_clerk", "admin"])
def test_everyone_over_lintan_sees_its_money(client, request, who, lintan_money):
    client.force_login(request.getfixturevalue(who))
    for name in ENDPOINTS:
        assert client.get(f"/api/funds/{name}/{lintan_money[name].pk}/").status_code == 200, name
    assert client.get("/funds/region/623021/").status_code == 200


def test_a_township_clerk_sees_village_money_but_not_the_county_project(client, chengguan_clerk, lintan_money):
    client.force_login(chengguan_clerk)
    assert client.get(f"/api/funds/projects/{lintan_money['projects'].pk}/").status_code == 404
    assert client.get(f"/api/funds/disbursements/{lintan_money['disbursements'].pk}/").status_code == 200
    assert client.get(f"/api/funds/loans/{lintan_money['loans'].pk}/").status_code == 200
    assert client.get("/funds/region/623021/").status_code == 404
    assert client.get("/funds/region/623021100/").status_code == 200


def test_officials_read_but_cannot_write(client, lintan_official, lintan_money):
    client.force_login(lintan_official)
    response = client.post(
        "/api/funds/allocations/",
        {"project": lintan_money["projects"].pk, "source": "central", "amount": "100", "year": 2015},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_admin_writes_anywhere(client, admin, lintan_money):
    client.force_login(admin)
    response = client.post(
        "/api/funds/allocations/",
        {"project": lintan_money["projects"].pk, "source": "central", "amount": "100", "year": 2015},
        content_type="application/json",
    )
    assert response.status_code == 201
