"""Wall charts (作战图) of a county (A0) and a township (A1), and a region's year-end report, with the API's figures."""

from datetime import date

import pytest
from django.urls import reverse

from tests import pdf
from tests.conftest import change_status, register

# Charts are drawn by kaleido in one chromium per test process: keep these tests on one xdist worker,
# so two workers never start their browsers at once (seen: "kaleido_scopes is not defined").
pytestmark = pytest.mark.xdist_group("kaleido")

LINTAN = "623021"


def test_a_countys_wall_chart_is_one_a0_sheet_with_each_townships_figures(client, lintan_official, metrics_cast):
    client.force_login(lintan_official)
    response = client.get(reverse("printables:wall_chart", args=[LINTAN]) + "?year=2015")
    assert response.status_code == 200
    assert set(pdf.page_sizes(response.content)) == {("A0", "landscape")}
    text = pdf.text(response.content)
    assert "临潭县脱贫攻坚作战图" in text and "甘南藏族自治州 临潭县（623021）" in text and "数据截至" in text
    breakdown = client.get("/api/metrics/breakdown/", {"region": LINTAN, "year": 2015}).json()
    rows = {c["region"]["name"]: c for c in breakdown["children"]}
    chengguan = rows["城关镇"]
    assert chengguan["poor_population"] == 0 and rows["新城镇"]["poor_population"] == 6
    # the township's row: poor households, poor population, rural population, incidence
    assert f"新城镇 {rows['新城镇']['poor_households']} 6 40 {rows['新城镇']['poverty_incidence']}" in text
    assert "贫困发生率最高的村" in text and "红堡子村" in text  # the laggard village
    assert "专项扶贫资金到户占比" in text


def test_a_townships_wall_chart_is_a1(client, lintan_official, metrics_cast):
    client.force_login(lintan_official)
    response = client.get(reverse("printables:wall_chart", args=["623021101"]) + "?year=2015")
    assert set(pdf.page_sizes(response.content)) == {("A1", "landscape")}
    assert "新城镇脱贫攻坚作战图" in pdf.text(response.content)


def test_the_year_report_carries_the_summary_and_blank_sign_off_fields(client, lintan_official, metrics_cast):
    client.force_login(lintan_official)
    response = client.get(reverse("printables:year_report", args=[LINTAN]) + "?year=2015")
    assert set(pdf.page_sizes(response.content)) == {("A4", "landscape")}
    text = " ".join(pdf.pages_text(response.content))
    api = client.get("/api/metrics/summary/", {"region": LINTAN, "year": 2015}).json()
    assert "临潭县2015年度脱贫攻坚统计报告" in text
    assert f"贫困发生率 {api['poverty_incidence']:.2f}%" in text
    assert f"当年脱贫人口 {api['exited_population']}" in text
    assert f"贫困户 {api['poor_households']}户 贫困人口 {api['poor_population']}人" in text
    for label in ("填报单位（盖章）", "单位负责人", "统计负责人", "填报人", "报出日期"):
        assert label in text
    assert "指标说明" in text and "贫困人口按主要致贫原因" in text  # definitions, and the charts with their tables
    pages = pdf.pages_text(response.content)
    for n, page in enumerate(pages, start=1):  # every page: its number, the region and the QR code's address
        assert f"第 {n} 页，共 {len(pages)} 页" in page
        assert "甘南藏族自治州 临潭县（623021）" in page and "http://testserver/region/623021/?year=2015" in page


@pytest.mark.parametrize("name", ["wall_chart", "year_report"])
def test_another_region_answers_404(client, zhuoni_clerk, metrics_cast, name):
    client.force_login(zhuoni_clerk)
    assert client.get(reverse(f"printables:{name}", args=[LINTAN])).status_code == 404


def test_notices_list_the_households_entering_and_leaving_in_the_period(client, lintan_official, admin):
    a = register(admin, "623021100201", "N1", size=3, identified_on=date(2015, 3, 1))
    b = register(admin, "623021100201", "N2", size=2, identified_on=date(2013, 3, 1))
    change_status(admin, b, "exited_stable", date(2015, 10, 1), reason="达标")
    register(admin, "623021100201", "N3", size=2, identified_on=date(2016, 3, 1))  # outside the period
    client.force_login(lintan_official)
    url = reverse("printables:notice", args=["623021100201", "publicity"])
    response = client.get(url, {"from": "2015-01-01", "to": "2015-12-31"})
    assert pdf.page_sizes(response.content) == [("A4", "portrait")]
    text = pdf.text(response.content)
    assert "城关村贫困户识别退出公示" in text and "现予公示" in text
    entering, leaving = text.split("新识别（含返贫）贫困户")[1].split("退出贫困户（脱贫、清退）")
    assert f"{a.code} {a.head_name} 3" in entering and "2015-03-01" in entering and "N2户主" not in entering
    assert f"{b.code} {b.head_name} 2" in leaving and "稳定脱贫" in leaving
    assert "N3户主" not in text
    for m in a.members.all():
        assert m.id_number not in text
    announcement = client.get(reverse("printables:notice", args=["623021100201", "announcement"]), {"year": 2015})
    assert "城关村贫困户识别退出公告" in pdf.text(announcement.content)
    assert client.get(url, {"from": "2015-12-31", "to": "2015-01-01"}).status_code == 400


def test_notices_of_another_county_answer_404(client, zhuoni_clerk):
    client.force_login(zhuoni_clerk)
    assert client.get(reverse("printables:notice", args=["623021100201", "publicity"])).status_code == 404
