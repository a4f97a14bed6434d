"""The village five charts (村级五张图): five A3-landscape sheets, each naming its chart, with the API's figures."""

from datetime import date

import pytest
from django.urls import reverse

from tests import pdf
from tests.conftest import change_status, record_year, register

# Charts are drawn by kaleido in one chromium per test process: keep these tests on one xdist worker,
# so two workers never start their browsers at once (seen: "kaleido_scopes is not defined").
pytestmark = pytest.mark.xdist_group("kaleido")

CHENGGUAN = "623021100201"
TITLES = ["村情概况图", "贫困户及致贫原因图", "帮扶措施及责任人图", "脱贫计划及进度图", "项目资金图"]


@pytest.fixture
def village(admin):
    from villages.models import VillageYear

    VillageYear.objects.create(village_id=CHENGGUAN, year=2015, rural_population=200, road=True)
    households = [register(admin, CHENGGUAN, f"P{i}", size=i + 2, identified_on=date(2014, 5, 1)) for i in range(3)]
    households[0].cadre_name, households[0].cadre_phone = "扎西才让", "13909410001"
    households[0].save()
    change_status(admin, households[2], "exited_stable", date(2015, 9, 1), reason="达标")
    record_year(admin, households[1], 2015, income="2100", passed=False)
    return households


def test_the_five_charts_are_five_a3_landscape_sheets_each_naming_its_chart(client, lintan_official, village):
    client.force_login(lintan_official)
    response = client.get(reverse("printables:village_charts", args=[CHENGGUAN]) + "?year=2015")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    sizes = pdf.page_sizes(response.content)
    assert sizes == [("A3", "landscape")] * 5
    pages = pdf.pages_text(response.content)
    for n, (title, page) in enumerate(zip(TITLES, pages, strict=True), start=1):
        assert f"村级五张图之{n}：{title}" in page
        assert "甘南藏族自治州 临潭县 城关镇 城关村（623021100201）" in page  # the region on every sheet
        assert "数据截至" in page
        assert f"第 {n} 页，共 5 页" in page


def test_the_sheets_carry_the_figures_the_api_gives(client, lintan_official, village):
    client.force_login(lintan_official)
    api = client.get("/api/metrics/summary/", {"region": CHENGGUAN, "year": 2015}).json()
    content = client.get(reverse("printables:village_charts", args=[CHENGGUAN]) + "?year=2015").content
    first, second, third = pdf.pages_text(content)[:3]
    assert api["poor_population"] == 5 and api["poor_households"] == 2
    assert f"{api['poverty_incidence']:.2f}%" in first  # 2.50%
    assert str(api["poor_population"]) in first
    # the poor households by name (the exited one is not on the list of poor households)
    assert "P0户主" in second and "P1户主" in second and "P2户主" not in second
    # who helps whom
    assert "扎西才让" in third and "13909410001" in third


def test_one_chart_alone_is_one_sheet(client, lintan_official, village):
    client.force_login(lintan_official)
    response = client.get(reverse("printables:village_chart", args=[CHENGGUAN, 4]) + "?year=2015")
    assert pdf.page_sizes(response.content) == [("A3", "landscape")]
    assert "村级五张图之4：脱贫计划及进度图" in pdf.text(response.content)


def test_the_fonts_are_embedded(client, lintan_official, village):
    client.force_login(lintan_official)
    content = client.get(reverse("printables:village_charts", args=[CHENGGUAN]) + "?year=2015").content
    fonts = pdf.fonts(content)
    assert fonts and all(f["emb"] == "yes" for f in fonts)
    assert any("WenQuanYi" in f["name"] for f in fonts)


def test_another_countys_village_answers_404(client, zhuoni_clerk, village):
    client.force_login(zhuoni_clerk)
    assert client.get(reverse("printables:village_charts", args=[CHENGGUAN])).status_code == 404
    assert client.get(reverse("printables:village_charts", args=["623021100299"])).status_code == 404
