"""The metric-tables workbook: a sheet per dashboard table, Chinese titles and units, the API's numbers, scope."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from villages.models import Division

from .conftest import register


def workbook(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def api(user, endpoint, **params):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(f"/api/metrics/{endpoint}/", params).json()


def table(sheet) -> tuple[str, list, list[list]]:
    """Title, header and data rows of a sheet (the 六有六通 sheet has a note row under its title)."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_at = 2 if sheet.title == "六有六通" else 1
    return rows[0][0], rows[header_at], rows[header_at + 1 :]


def column(header: list, name: str) -> int:
    return next(i for i, h in enumerate(header) if h == name or (h or "").startswith(name + "（"))


def test_the_county_workbook_has_a_sheet_per_table_with_titles_and_units(client, lintan_official, metrics_cast):
    book = workbook(client, lintan_official, "/region/623021/export.xlsx?year=2015")
    assert book.sheetnames[:8] == [
        "历年指标",
        "各下级区划",
        "按主要致贫原因",
        "按贫困户属性",
        "脱贫人口与计划",
        "贫困人口增减",
        "两不愁三保障",
        "六有六通",
    ]
    assert book.sheetnames[-1] == "指标说明"  # the funds section's tables come between
    title, header, rows = table(book["历年指标"])
    assert title.startswith("临潭县历年主要指标")
    assert header[:3] == ["年度", "贫困户数（户）", "贫困人口（人）"]
    assert "贫困发生率（%）" in header
    assert table(book["各下级区划"])[0] == "临潭县各下级区划主要指标（2015年末）"
    assert table(book["两不愁三保障"])[1][1] == "未达标户数（户）"
    assert book["六有六通"]["A2"].value.startswith("1 = 达标")


def test_the_workbook_numbers_are_the_apis_numbers_as_numeric_cells(client, pref_official, metrics_cast):
    book = workbook(client, pref_official, "/region/623000/export.xlsx?year=2015")
    summary = api(pref_official, "summary", region="623000", year=2015)
    _title, header, rows = table(book["历年指标"])
    row_2015 = next(r for r in rows if r[0] == 2015)
    for label, key in [
        ("贫困人口", "poor_population"),
        ("贫困户数", "poor_households"),
        ("贫困发生率", "poverty_incidence"),
        ("脱贫人口", "exited_population"),
        ("农业户籍人口", "rural_population"),
        ("贫困村", "poor_villages"),
    ]:
        cell = row_2015[column(header, label)]
        assert cell == summary[key] and isinstance(cell, int | float), label
    breakdown = api(pref_official, "breakdown", region="623000", year=2015)
    _title, header, rows = table(book["各下级区划"])
    by_code = {r[0]: r for r in rows}
    assert set(by_code) == {c["region"]["code"] for c in breakdown["children"]}
    for child in breakdown["children"]:
        row = by_code[child["region"]["code"]]
        assert row[1] == child["region"]["name"]
        for label, key in [
            ("贫困人口", "poor_population"),
            ("脱贫人口", "exited_population"),
            ("返贫人口", "returned_population"),
        ]:
            assert row[column(header, label)] == child[key]
    _title, header, rows = table(book["按主要致贫原因"])
    assert {str(r[0]): r[2] for r in rows} == summary["by_cause"]
    assert all(isinstance(r[2], int) for r in rows)


def test_the_waterfall_sheet_balances_with_negative_numbers_as_numbers(client, lintan_official, metrics_cast):
    _title, header, rows = table(
        workbook(client, lintan_official, "/region/623021/export.xlsx?year=2015")["贫困人口增减"]
    )
    assert header == ["项目", "人数（人）"]
    values = [r[1] for r in rows]
    assert all(isinstance(v, int) for v in values)
    assert min(values) < 0 and sum(values[:-1]) == values[-1]


def test_text_that_looks_like_a_formula_stays_text(client, lintan_official, metrics_cast):
    Division.objects.filter(code="623021100").update(name='=HYPERLINK("http://x")')
    book = workbook(client, lintan_official, "/region/623021/export.xlsx?year=2015")
    names = [r[1] for r in table(book["各下级区划"])[2]]
    assert '\'=HYPERLINK("http://x")' in names


def test_the_overview_links_to_the_workbook_of_its_region_and_year(client, lintan_clerk, metrics_cast):
    client.force_login(lintan_clerk)
    html = client.get("/region/623021100/?year=2016").content.decode()
    assert 'href="/region/623021100/export.xlsx?year=2016"' in html and "导出报表 XLSX" in html


@pytest.mark.parametrize("user", ["lintan_clerk", "admin"])
def test_clerks_and_admins_export_their_region_too(client, user, request, metrics_cast):
    book = workbook(client, request.getfixturevalue(user), "/region/623021/export.xlsx?year=2015")
    assert "历年指标" in book.sheetnames


def test_a_village_workbook_has_no_sub_region_sheet(client, lintan_official, metrics_cast):
    book = workbook(client, lintan_official, "/region/623021100201/export.xlsx?year=2015")
    assert "各下级区划" not in book.sheetnames and "历年指标" in book.sheetnames


def test_a_region_outside_the_users_scope_is_404(client, lintan_official, zhuoni_clerk, metrics_cast):
    client.force_login(lintan_official)
    assert client.get("/region/623022/export.xlsx?year=2015").status_code == 404
    assert client.get("/region/623000/export.xlsx?year=2015").status_code == 404
    client.force_login(zhuoni_clerk)
    assert client.get("/region/623021100201/export.xlsx").status_code == 404


def test_a_bad_year_is_refused(client, lintan_official):
    client.force_login(lintan_official)
    assert client.get("/region/623021/export.xlsx?year=1999").status_code == 400


def test_the_workbook_is_read_with_a_fixed_number_of_queries(client, pref_official, admin, metrics_cast):
    client.force_login(pref_official)
    url = "/region/623000/export.xlsx?year=2015"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for i in range(3):  # more households and villages, same queries
        register(admin, "623022100201", f"X{i}", identified_on=date(2015, 5, 1))
        register(admin, "623021101201", f"Y{i}", identified_on=date(2015, 5, 1))
    assert queries() == before
    with CaptureQueriesContext(connection) as page:
        client.get("/region/623000/?year=2015")
    assert before <= len(page)  # the workbook reads no more than the overview it exports
