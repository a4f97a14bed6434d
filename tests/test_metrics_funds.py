"""The funds figures in the indicator registry, on the overview and in the metrics API (issue 5)."""

import csv
import io
from datetime import date
from decimal import Decimal as D

import pytest
from rest_framework.test import APIClient

from funds.selectors import funds_summary
from households.models import Household
from metrics import registry
from metrics.compute import SCALAR_KEYS, SPLIT_KEYS

from .conftest import record_year, register
from .funds_cast import CHENGGUAN_VILLAGE, HONGBAOZI_VILLAGE, XIJIE_VILLAGE, allocate, division, pay, project
from .test_funds_figures import cast  # noqa: F401 -- the hand-built funds cast, a fixture
from .test_metrics_pages import kpi, page, table_rows

KPIS = [
    "to_household_share",
    "support_per_exited_household",
    "loan_coverage",
    "mutual_aid_coverage",
    "cost_per_exited_person",
    "cause_measure_gap_households",
]
CHARTS = [
    "sources_by_year",
    "to_household_share",
    "loan_coverage",
    "cause_measure_gaps",
    "allocated_vs_disbursed",
    "by_programme",
]


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_registry_lists_the_funds_figures_with_chinese_labels_and_units():
    share = registry.get("to_household_share")
    assert (str(share.label), str(share.unit), share.source) == ("到户资金占比", "%", "funds")
    assert str(registry.get("support_per_exited_household").unit) == "元"
    assert str(registry.get("loan_coverage").label) == "应贷尽贷覆盖率"
    funds_keys = {i.key for i in registry.by_source("funds")}
    assert {"cost_per_exited_person", "mutual_aid_coverage", "cause_measure_gap_households"} <= funds_keys
    # The two figures metrics already names keep their one entry.
    assert registry.get("exited_population").source == "metrics"


def test_the_overview_shows_the_funds_figures_of_the_selectors(client, lintan_official, cast):  # noqa: F811
    html = page(client, lintan_official, "/?year=2015").content.decode()
    expected = funds_summary(region=division("623021"), year=2015)
    for key in KPIS:
        assert kpi(html, f"funds.{key}") == str(expected[key]), key
    # Worked out by hand in test_funds_figures.
    assert [kpi(html, f"funds.{key}") for key in KPIS] == ["88.89", "20000.00", "50.00", "33.33", "7857.14", "2"]
    assert "88.9%" in html and "2万元" in html and "7,857.14元" in html


def test_the_overview_has_the_funds_charts_and_the_gap_list_one_click_away(client, lintan_official, cast):  # noqa: F811
    html = page(client, lintan_official, "/?year=2015").content.decode()
    for key in CHARTS:
        assert f'data-chart="{key}"' in html and f'<table data-table="{key}">' in html
    assert 'href="/funds/region/623021/gaps/?year=2015"' in html
    assert 'href="/funds/region/623021/gaps/?year=2015&amp;cause=1"' in html  # the gaps chart's row
    assert 'href="/region/623021100/?year=2015"' in html  # drill-down from a sub-region's bar
    assert client.get("/funds/region/623021/gaps/?year=2015").status_code == 200


@pytest.mark.parametrize("key", CHARTS)
def test_each_funds_charts_csv_equals_its_table(client, lintan_official, cast, key):  # noqa: F811
    html = page(client, lintan_official, "/?year=2015").content.decode()
    response = client.get(f"/region/623021/chart/{key}.csv?year=2015")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == table_rows(html, key)


def test_the_share_chart_draws_each_sub_region_against_the_70_percent_line(client, lintan_official, cast):  # noqa: F811
    page(client, lintan_official, "/")
    rows = list(
        csv.reader(
            io.StringIO(client.get("/region/623021/chart/to_household_share.csv?year=2015").content.decode("utf-8-sig"))
        )
    )
    assert rows[0] == ["区划代码", "名称", "专项资金拨付（万元）", "其中到户（万元）", "到户占比（%）"]
    assert rows[1] == ["623021100", "城关镇", "4.50", "4.00", "88.89"]
    assert all(row[2:] == ["0.00", "0.00", ""] for row in rows[2:])  # no special funds paid out: no share
    figure = client.get("/?year=2015").context["chart_data"]["to_household_share"]
    assert figure["layout"]["shapes"][0]["y0"] == 70.0


def test_the_summary_api_carries_the_funds_figures(lintan_official, cast):  # noqa: F811
    body = api(lintan_official).get("/api/metrics/summary/", {"region": "623021", "year": 2015}).json()
    assert set(body) == {"region", "year", *SCALAR_KEYS, *SPLIT_KEYS, "funds"}  # the spec's keys stay at the top
    funds = body["funds"]
    expected = funds_summary(region=division("623021"), year=2015)
    assert set(funds) == set(expected)
    for key, value in expected.items():
        if isinstance(value, D):
            assert D(str(funds[key])) == value, key
        else:
            assert funds[key] == value, key
    assert funds["to_household_share"] == 88.89 and funds["loan_coverage"] == 50.0
    assert funds["support_per_exited_household"] == "20000.00" and funds["cost_per_exited_person"] == "7857.14"
    assert funds["cause_measure_gaps_by_cause"] == {"1": 1, "11": 1}
    assert body["poor_population"] == 9  # C, D, E (2 + 5 + 2 people) stay poor; A and B exited


def test_another_regions_funds_are_not_found(client, zhuoni_clerk, cast):  # noqa: F811
    client_api = api(zhuoni_clerk)
    assert client_api.get("/api/metrics/summary/", {"region": "623021"}).status_code == 404
    own = client_api.get("/api/metrics/summary/", {"region": "623022", "year": 2014}).json()["funds"]
    assert own["special_to_households"] == "8000.00" and own["to_household_share"] == 100.0
    assert page(client, zhuoni_clerk, "/region/623021/chart/to_household_share.csv").status_code == 404
    assert client.get("/region/623021/chart/cause_measure_gaps.csv").status_code == 404
    assert client.get("/region/623022/chart/cause_measure_gaps.csv").status_code == 200


@pytest.mark.parametrize("size", [1, 3])
def test_the_funds_section_keeps_the_query_count_whatever_the_money(
    client, lintan_clerk, lintan_official, size, django_assert_num_queries, django_assert_max_num_queries
):
    for i in range(size):
        for village in (CHENGGUAN_VILLAGE, XIJIE_VILLAGE, HONGBAOZI_VILLAGE):
            h = register(lintan_clerk, village, f"M{village}{i}", size=2)
            record_year(lintan_clerk, h, 2015, passed=False)
            p = project(lintan_clerk, village, name=f"项目{village}{i}")
            allocate(lintan_clerk, p, "10000")
            allocate(lintan_clerk, p, "5000", kind="provincial")
            pay(lintan_clerk, p, "6000", household=Household.objects.get(code=f"M{village}{i}"), on=date(2015, 7, 1))
            pay(lintan_clerk, p, "3000", village=village, on=date(2015, 7, 1))
    client.force_login(lintan_official)
    # One of them asks whether the year is closed (年度数据锁定) and what was reported;
    # as in test_metrics_pages, 2 count the cases at each step (procedures).
    for url, queries in [
        ("/?year=2015", 19),
        ("/region/623021100/?year=2015", 19),
        ("/region/623021100201/?year=2015", 18),
    ]:
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(20):
        assert api(lintan_official).get("/api/metrics/summary/", {"region": "623021"}).status_code == 200


def test_a_village_has_no_sub_region_funds_charts(client, lintan_official, cast):  # noqa: F811
    html = page(client, lintan_official, "/region/623021100201/?year=2015").content.decode()
    assert kpi(html, "funds.to_household_share") == "88.89"  # 城关村: all 45,000 of the county's special funds
    assert 'data-chart="sources_by_year"' in html and 'data-chart="cause_measure_gaps"' in html
    assert 'data-chart="to_household_share"' not in html and 'data-chart="loan_coverage"' not in html


def test_every_chart_of_the_overview_is_a_valid_plotly_figure_in_strict_json(client, lintan_official, cast):  # noqa: F811
    """The figures are plain dicts (no plotly objects on the page's path): plotly must still accept every one,
    and the page's JSON must have no NaN, which the browser's JSON.parse refuses."""
    import json

    import plotly.graph_objects as go

    page(client, lintan_official, "/")
    figures = client.get("/?year=2015").context["chart_data"]
    assert {"trend", "exits", "to_household_share"} <= set(figures)
    for key, figure in figures.items():
        go.Figure(figure)  # raises on an unknown property or a bad value
        json.dumps(figure, allow_nan=False)
        assert all("type" in trace for trace in figure["data"]), key
        assert all(isinstance(a.get("title", {}), dict) for k, a in figure["layout"].items() if k.endswith("axis")), key
