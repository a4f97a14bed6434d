import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from funds.models import Allocation, Disbursement, Loan
from funds.services import loan_create, measure_create

from .conftest import register
from .funds_cast import CHENGGUAN_VILLAGE, HONGBAOZI_VILLAGE, XIJIE_VILLAGE, allocate, pay, project


@pytest.fixture
def money(lintan_clerk):
    """One county project: 30,000 allocated; 20,000 to household H1 and 5,000 to 西街村."""
    h = register(lintan_clerk, CHENGGUAN_VILLAGE, "H1", main_cause=1)
    p = project(lintan_clerk)
    allocate(lintan_clerk, p, "30000")
    pay(lintan_clerk, p, "20000", household=h)
    pay(lintan_clerk, p, "5000", village=XIJIE_VILLAGE)
    return h


def test_the_funds_page_shows_the_counties_share_and_the_gap_link(client, pref_official, money):
    client.force_login(pref_official)
    page = client.get("/funds/?year=2015")
    assert page.status_code == 200
    html = page.content.decode()
    assert "80.0%" in html  # 20,000 of 25,000 special funds reached a household
    assert "临潭县" in html and "/funds/region/623021/?year=2015" in html
    # Drawn by the dashboards' one chart pipeline: the chart card, charts.js, no second script.
    assert 'id="chart-data"' in html and "js/charts.js" in html and "js/funds.js" not in html
    assert 'data-chart="to_household_share"' in html and 'class="card chartcard"' in html
    assert "/funds/region/623000/gaps/?year=2015" in html


def test_a_county_page_drills_down_to_townships(client, lintan_official, money):
    client.force_login(lintan_official)
    html = client.get("/funds/region/623021/?year=2015").content.decode()
    assert "城关镇" in html and "/funds/region/623021100/?year=2015" in html
    assert "产业到户项目" in html and "3万元" in html and "2.5万元" in html


def test_each_chart_has_a_csv_of_exactly_its_numbers(client, pref_official, money):
    client.force_login(pref_official)
    response = client.get("/region/623000/chart/to_household_share.csv?year=2015")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["区划代码", "名称", "专项资金拨付（万元）", "其中到户（万元）", "到户占比（%）"]
    lintan = next(r for r in rows if r[0] == "623021")
    assert lintan[2:] == ["2.50", "2.00", "80.00"]
    sources = list(
        csv.reader(
            io.StringIO(client.get("/region/623000/chart/sources_by_year.csv?year=2015").content.decode("utf-8-sig"))
        )
    )
    assert sources == [["年度", "中央财政专项扶贫资金"], ["2015", "3.00"]]


def test_the_gap_list_is_one_click_away(client, lintan_clerk, money):
    other = register(lintan_clerk, HONGBAOZI_VILLAGE, "H2", main_cause=3)
    measure_create(user=lintan_clerk, household=other, programme="education", content="雨露计划", year=2015)
    client.force_login(lintan_clerk)
    html = client.get("/funds/region/623021/gaps/?year=2015").content.decode()
    listed = html[html.index("<table") :]  # not the header's CSRF tokens, in which "H2" may well occur
    assert "H1" in listed and "H2" not in listed and "因病" in listed


def test_a_bad_year_is_a_bad_request_and_a_bad_chart_is_not_found(client, pref_official):
    client.force_login(pref_official)
    response = client.get("/funds/?year=1990")
    assert response.status_code == 400  # as on every page (gannan.lib.calendar)
    assert "参数 year 必须是 2011 至" in response.content.decode()
    assert client.get("/region/623000/chart/nonsense.csv").status_code == 404


def test_a_clerk_adds_a_disbursement_and_is_told_when_it_exceeds_the_allocation(client, lintan_clerk, money):
    client.force_login(lintan_clerk)
    p = Allocation.objects.get().project
    form = {
        "project": p.pk,
        "source": Allocation.objects.get().source_id,
        "household": "H1",
        "amount": "6000",
        "on": "2015-07-01",
        "purpose": "牛棚",
    }
    response = client.post("/funds/add/disbursement/", form)
    assert response.status_code == 200
    assert "超出已到位资金 1,000.00 元" in response.content.decode()
    assert Disbursement.objects.count() == 2
    form["amount"] = "5000"
    assert client.post("/funds/add/disbursement/", form).status_code == 302
    assert Disbursement.objects.count() == 3


def test_a_clerk_adds_a_loan_through_the_form(client, lintan_clerk, money):
    client.force_login(lintan_clerk)
    head = money.members.get(relation="head")
    form = {
        "household": "H1",
        "borrower": head.id_number,
        "bank": "农村信用社",
        "amount": "60000",
        "issued_on": "2015-12-01",
        "term_months": "36",
        "status": "current",
        "interest_subsidy": "0",
    }
    response = client.post("/funds/add/loan/", form)
    assert "每户最多 5 万元" in response.content.decode() and not Loan.objects.exists()
    form["amount"] = "50000"
    assert client.post("/funds/add/loan/", form).status_code == 302
    assert Loan.objects.get().amount == Decimal("50000")


def test_an_official_cannot_open_the_forms(client, lintan_official):
    client.force_login(lintan_official)
    assert client.get("/funds/add/loan/").status_code == 403


def test_the_household_snippet_lists_measures_and_loans(lintan_clerk, money):
    from django.template.loader import render_to_string

    from funds.selectors import household_funds

    measure_create(
        user=lintan_clerk, household=money, programme="medical", content="大病救助", year=2015, amount=Decimal("3000")
    )
    loan_create(
        user=lintan_clerk,
        household=money,
        borrower=money.members.get(relation="head"),
        bank="农村信用社",
        amount=Decimal("50000"),
        issued_on=date(2015, 12, 1),
        term_months=36,
    )
    html = render_to_string(
        "funds/_household_funds.html", {"funds": household_funds(household=money), "household": money, "can_edit": True}
    )
    assert "大病救助" in html and "50,000.00" in html and "20,000.00" in html
    assert "/funds/add/measure/?household=H1" in html


def _grow(clerk, n: int, start: int) -> None:
    p = project(clerk, name=f"项目{start}")
    allocate(clerk, p, str(100000 * n))
    for i in range(n):
        h = register(clerk, CHENGGUAN_VILLAGE if i % 2 else HONGBAOZI_VILLAGE, f"G{start + i}", main_cause=1 + i % 9)
        pay(clerk, p, "1000", household=h)
        loan_create(
            user=clerk,
            household=h,
            borrower=h.members.get(relation="head"),
            bank="农村信用社",
            amount=Decimal("50000"),
            issued_on=date(2015, 12, 1),
            term_months=36,
        )


def test_the_funds_page_makes_the_same_number_of_queries_at_two_sizes(
    client, lintan_clerk, pref_official, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(pref_official)
    _grow(lintan_clerk, 2, 0)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/funds/region/623021/?year=2015").status_code == 200
    assert len(small.captured_queries) <= 30
    _grow(lintan_clerk, 12, 100)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/funds/region/623021/?year=2015").status_code == 200
