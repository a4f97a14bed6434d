"""Wall charts (作战图) of a county (A0) and a township (A1), a region's year-end report, with the API's figures,
and a village's notices: the 公示 of the cases now in notice, the 公告 of a period's changes."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from procedures.models import StepCode
from procedures.services import case_open
from tests import pdf
from tests.conftest import change_status, register
from tests.procedures_cast import TODAY, day, exit_case_to, exit_ready_household, procedure_users, take

# Charts are drawn by kaleido in one chromium per test process: keep these tests on one xdist worker,
# so two workers never start their browsers at once (seen: "kaleido_scopes is not defined").
pytestmark = pytest.mark.xdist_group("kaleido")

LINTAN, CHENGGUAN = "623021", "623021100201"


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


def return_case(users, code: str, *, posted):
    """A return case of 城关村 whose notice was posted on `posted`."""
    h = register(users["clerk"], CHENGGUAN, code, identified_on=day(-10))
    change_status(users["admin"], h, "exited_stable", day(0))
    h.refresh_from_db()
    case = case_open(user=users["clerk"], household=h, kind="return", on=day(1), reason_code="illness")
    take(users["clerk"], case, StepCode.ASSESS, day(2))
    take(users["clerk"], case, StepCode.NOTICE, posted)
    return case


def test_the_publicity_lists_the_households_now_in_notice_of_its_kind_with_masked_ids(client, db):
    users = procedure_users()
    in_notice = return_case(users, "G1", posted=TODAY - timedelta(days=3))
    return_case(users, "G2", posted=day(5))  # its notice ended: waiting for the township
    exiting = exit_case_to(users, exit_ready_household(users["clerk"], code="G3"), StepCode.AGREE)
    take(users["clerk"], exiting, StepCode.NOTICE, TODAY - timedelta(days=2))  # in notice, but an exit
    client.force_login(users["official"])
    response = client.get(reverse("printables:publicity", args=[CHENGGUAN, "return"]))
    assert pdf.page_sizes(response.content) == [("A4", "portrait")]
    text = pdf.text(response.content)
    head = in_notice.household.members.get(relation="head")
    assert "城关村返贫对象公示" in text and "现予公示" in text
    assert f"1 {in_notice.household.code} G1户主 {head.masked_id} 3 因病" in text
    assert f"{in_notice.notice_start:%Y-%m-%d} — {in_notice.notice_end:%Y-%m-%d}" in text
    assert head.id_number not in text
    assert "G2户主" not in text and "G3户主" not in text
    exits = pdf.text(client.get(reverse("printables:publicity", args=[CHENGGUAN, "exit"])).content)
    assert "城关村脱贫对象公示" in exits and "G3户主" in exits and "G1户主" not in exits
    # Another village of the township has no one in notice.
    empty = pdf.text(client.get(reverse("printables:publicity", args=["623021100202", "return"])).content)
    assert "本村目前没有该类对象在公示" in empty


def test_the_announcement_lists_the_households_entering_and_leaving_in_the_period(client, lintan_official, admin):
    a = register(admin, CHENGGUAN, "N1", size=3, identified_on=date(2015, 3, 1))
    b = register(admin, CHENGGUAN, "N2", size=2, identified_on=date(2013, 3, 1))
    change_status(admin, b, "exited_stable", date(2015, 10, 1), reason="达标")
    register(admin, CHENGGUAN, "N3", size=2, identified_on=date(2016, 3, 1))  # outside the period
    client.force_login(lintan_official)
    url = reverse("printables:announcement", args=[CHENGGUAN])
    response = client.get(url, {"from": "2015-01-01", "to": "2015-12-31"})
    assert pdf.page_sizes(response.content) == [("A4", "portrait")]
    text = pdf.text(response.content)
    assert "城关村贫困户识别退出公告" in text
    entering, leaving = text.split("新识别（含返贫）贫困户")[1].split("退出贫困户（脱贫、清退）")
    assert f"{a.code} {a.head_name} 3" in entering and "2015-03-01" in entering and "N2户主" not in entering
    assert f"{b.code} {b.head_name} 2" in leaving and "稳定脱贫" in leaving
    assert "N3户主" not in text
    for m in a.members.all():
        assert m.id_number not in text
    assert "N1户主" in pdf.text(client.get(url, {"year": 2015}).content)
    assert client.get(url, {"from": "2015-12-31", "to": "2015-01-01"}).status_code == 400


def test_notices_of_another_county_answer_404(client, zhuoni_clerk):
    client.force_login(zhuoni_clerk)
    assert client.get(reverse("printables:publicity", args=[CHENGGUAN, "return"])).status_code == 404
    assert client.get(reverse("printables:announcement", args=[CHENGGUAN])).status_code == 404
