"""The overview pages: numbers on the page, drill-down, scope, CSV per chart, query counts."""

import csv
import io

import pytest
from django.urls import reverse

from households.models import Household
from metrics.models import ExitTarget

from .conftest import add_people, record_year, register


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def kpi(html: str, key: str) -> str:
    marker = f'data-kpi="{key}" data-raw="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_the_home_page_is_the_overview_of_the_users_region(client, lintan_official, metrics_cast):
    response = page(client, lintan_official, "/?year=2015")
    assert response.status_code == 200
    html = response.content.decode()
    assert "临潭县" in html
    assert kpi(html, "poor_population") == "6" and kpi(html, "poor_households") == "2"
    assert kpi(html, "exited_population") == "7" and kpi(html, "exited_stable_population") == "4"
    assert kpi(html, "exited_consolidating_population") == "3"
    assert kpi(html, "new_identified_population") == "5" and kpi(html, "poor_villages") == "2"
    assert "3.0%" in html  # incidence, one decimal
    assert "1 个村沿用往年农业户籍人口" in html


def test_the_incidence_change_against_the_previous_year_is_shown(client, lintan_official, metrics_cast):
    html = page(client, lintan_official, "/?year=2015").content.decode()
    assert "−3.7 个百分点" in html  # 6.67 % → 3.00 %


def test_large_counts_read_in_wan(client, pref_official, metrics_cast, admin):
    for code, more in [("D", 30_000 - 5), ("E", 30_000 - 1), ("F", 19_300 - 6)]:
        add_people(metrics_cast[code], more)
    html = page(client, pref_official, "/?year=2015").content.decode()
    assert "7.93万" in html


def test_every_sub_region_links_to_its_own_page(client, lintan_official, metrics_cast):
    html = page(client, lintan_official, "/?year=2015").content.decode()
    assert 'href="/region/623021101/?year=2015"' in html
    township = page(client, lintan_official, "/region/623021101/?year=2015").content.decode()
    assert 'href="/region/623021101201/?year=2015"' in township
    assert 'href="/region/623021/?year=2015"' in township  # breadcrumb back up


def test_breadcrumbs_stop_at_the_users_home(client, chengguan_clerk, metrics_cast):
    html = page(client, chengguan_clerk, "/region/623021100201/").content.decode()
    assert 'href="/region/623021100/' in html
    assert 'href="/region/623021/' not in html and 'href="/region/623000/' not in html


def test_a_village_page_lists_its_households(client, lintan_official, metrics_cast):
    html = page(client, lintan_official, "/region/623021100201/?year=2015").content.decode()
    assert "本村贫困户" in html and "A户主" in html and "B户主" in html
    assert "稳定脱贫" in html
    assert f'href="{reverse("households:detail", args=[metrics_cast["A"].pk])}"' in html


def test_a_region_outside_the_users_is_not_found(client, zhuoni_clerk, metrics_cast):
    assert page(client, zhuoni_clerk, "/region/623021/").status_code == 404
    assert page(client, zhuoni_clerk, "/region/623021100201/").status_code == 404
    assert page(client, zhuoni_clerk, "/region/623021/chart/trend.csv").status_code == 404
    assert page(client, zhuoni_clerk, "/region/623022/").status_code == 200


def test_a_bad_year_is_refused_with_a_message(client, lintan_official):
    response = page(client, lintan_official, "/?year=1999")
    assert response.status_code == 400 and "year" in response.content.decode()


def test_the_page_has_the_charts_data_and_no_inline_script(client, lintan_official, metrics_cast):
    html = page(client, lintan_official, "/?year=2015").content.decode()
    assert '<script id="chart-data" type="application/json">' in html
    for key in [
        "trend",
        "incidence_by_region",
        "by_cause",
        "by_attribute",
        "exits",
        "waterfall",
        "guarantees",
        "checklist",
    ]:
        assert f'data-chart="{key}"' in html
    scripts = [chunk.split(">", 1)[0] for chunk in html.split("<script")[1:]]
    assert all("src=" in s or 'type="application/json"' in s for s in scripts)


def table_rows(html: str, key: str) -> list[list[str]]:
    import re

    start = html.index(f'<table data-table="{key}">')
    body = html[start : html.index("</table>", start)]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        rows.append([re.sub(r"<[^>]+>", "", c) for c in cells])
    return rows


@pytest.mark.parametrize(
    "key", ["trend", "incidence_by_region", "by_cause", "exits", "waterfall", "guarantees", "checklist"]
)
def test_each_charts_csv_equals_its_table(client, lintan_official, metrics_cast, key):
    html = page(client, lintan_official, "/?year=2015").content.decode()
    response = client.get(f"/region/623021/chart/{key}.csv?year=2015")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == table_rows(html, key)


def test_the_waterfall_balances_the_year(client, lintan_official, metrics_cast):
    page(client, lintan_official, "/")
    rows = list(
        csv.reader(io.StringIO(client.get("/region/623021/chart/waterfall.csv?year=2015").content.decode("utf-8-sig")))
    )
    assert [r[1] for r in rows[1:]] == ["10", "5", "-7", "0", "-2", "0", "0", "6"]


def test_the_guarantee_chart_counts_poor_households_failing_each_check(client, pref_official, metrics_cast):
    page(client, pref_official, "/")
    rows = list(
        csv.reader(io.StringIO(client.get("/region/623021/chart/guarantees.csv?year=2015").content.decode("utf-8-sig")))
    )
    # D fails all five, E passes all; F is in 卓尼县.
    assert [r[1:] for r in rows[1:]] == [["1", "2"]] * 5


def test_the_checklist_shows_each_poor_village_item_by_item(client, lintan_official, metrics_cast):
    page(client, lintan_official, "/")
    rows = list(
        csv.reader(io.StringIO(client.get("/region/623021/chart/checklist.csv?year=2015").content.decode("utf-8-sig")))
    )
    header, *villages = rows
    assert header[0] == "村" and header[2] == "有特色富民产业" and header[-1] == "达标项数"
    assert [v[0] for v in villages] == ["城关村", "红堡子村"]
    assert villages[0][2:] == ["0"] * 6 + ["1", "1"] + ["0"] * 4 + ["2"]


def test_exit_targets_are_drawn_against_exits(client, lintan_official, metrics_cast):
    ExitTarget.objects.create(division_id="623021", year=2015, target_population=8)
    page(client, lintan_official, "/")
    rows = list(
        csv.reader(io.StringIO(client.get("/region/623021/chart/exits.csv?year=2015").content.decode("utf-8-sig")))
    )
    assert ["2015", "4", "3", "7", "8"] in rows


@pytest.mark.parametrize("size", [1, 4])
def test_the_overview_makes_the_same_number_of_queries_whatever_the_size(
    client, admin, lintan_official, size, django_assert_num_queries
):
    for i in range(size):
        for village in ("623021100201", "623021100202", "623021101201"):
            register(admin, village, f"S{village}{i}", size=2)
            record_year(admin, Household.objects.get(code=f"S{village}{i}"), 2015, passed=False)
    client.force_login(lintan_official)
    # session, user, divisions, 3 figure queries, the year's split, targets, 两不愁三保障,
    # 六有六通 or households, breadcrumbs;
    # funds: 3 from its rollups (the region's rows, the projects' rows, the villages);
    # one asks whether the year is closed (年度数据锁定) and what was reported;
    # the cases at each step: their counts and the regions' names
    for url, queries in [
        ("/?year=2015", 19),
        ("/region/623021100/?year=2015", 19),
        ("/region/623021100201/?year=2015", 18),
    ]:
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def test_with_the_cache_on_a_write_shows_at_the_next_request(client, settings, lintan_official, admin, metrics_cast):
    from datetime import date

    from django.core.cache import cache

    from .conftest import change_status

    settings.METRICS_CACHE_SECONDS = 60
    cache.clear()
    assert kpi(page(client, lintan_official, "/?year=2018").content.decode(), "poor_population") == "5"
    assert kpi(client.get("/?year=2018").content.decode(), "poor_population") == "5"
    change_status(admin, metrics_cast["D"], "exited_stable", date(2018, 6, 1))
    assert kpi(client.get("/?year=2018").content.decode(), "poor_population") == "0"
    cache.clear()


def test_in_english_large_counts_are_written_out_with_thousands_separators(client, pref_official, metrics_cast):
    for code, more in [("D", 30_000 - 5), ("E", 30_000 - 1), ("F", 19_300 - 6)]:
        add_people(metrics_cast[code], more)
    client.force_login(pref_official)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/?year=2015").content.decode()
    assert "79,300" in html and "7.93万" not in html and "79.3k" not in html


def test_an_admin_edits_exit_targets_in_the_admin(client, admin):
    client.force_login(admin)
    response = client.post(
        "/admin/metrics/exittarget/add/", {"division": "623021", "year": 2016, "target_population": 1200}
    )
    assert response.status_code == 302
    assert ExitTarget.objects.get(division_id="623021", year=2016).target_population == 1200
