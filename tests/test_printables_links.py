"""The printables are reached from the pages they print: the village page, the household page, the dashboard."""

from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import register

# Charts are drawn by kaleido in one chromium per test process: keep these tests on one xdist worker,
# so two workers never start their browsers at once (seen: "kaleido_scopes is not defined").
pytestmark = pytest.mark.xdist_group("kaleido")


def test_the_village_page_links_to_its_printables_and_they_to_each_sheet(client, lintan_official, admin):
    register(admin, "623021100201", "Q1", size=2, identified_on=date(2014, 5, 1))
    client.force_login(lintan_official)
    page = client.get(reverse("metrics:region", args=["623021100201"]) + "?year=2015").content.decode()
    index = reverse("printables:index", args=["623021100201"]) + "?year=2015"
    assert index in page
    printables = client.get(index).content.decode()
    for url in (
        reverse("printables:village_charts", args=["623021100201"]),
        reverse("printables:village_chart", args=["623021100201", 3]),
        reverse("printables:region_cards", args=["623021100201"]),
        reverse("printables:publicity", args=["623021100201", "identify"]),
        reverse("printables:publicity", args=["623021100201", "return"]),
        reverse("printables:announcement", args=["623021100201"]),
        reverse("printables:year_report", args=["623021100201"]),
    ):
        assert url in printables
    assert reverse("printables:wall_chart", args=["623021100201"]) not in printables  # villages have five charts


def test_the_dashboard_links_to_the_wall_chart_and_the_cards_job(client, lintan_official):
    client.force_login(lintan_official)
    page = client.get(reverse("metrics:region", args=["623021"]) + "?year=2015").content.decode()
    index = reverse("printables:index", args=["623021"]) + "?year=2015"
    assert index in page
    printables = client.get(index).content.decode()
    assert reverse("printables:wall_chart", args=["623021"]) in printables
    assert reverse("printables:region_cards", args=["623021"]) in printables


def test_the_household_page_links_to_its_card(client, lintan_official, admin):
    h = register(admin, "623021100201", "Q2", size=2)
    client.force_login(lintan_official)
    page = client.get(reverse("households:detail", args=[h.pk])).content.decode()
    assert reverse("printables:household_card", args=[h.pk]) in page


def test_another_regions_printables_page_answers_404(client, zhuoni_clerk):
    client.force_login(zhuoni_clerk)
    assert client.get(reverse("printables:index", args=["623021"])).status_code == 404


def test_a_bad_year_is_refused_with_a_message_naming_it(client, lintan_official):
    client.force_login(lintan_official)
    for url in (
        reverse("printables:wall_chart", args=["623021"]),
        reverse("printables:year_report", args=["623021"]),
        reverse("printables:village_charts", args=["623021100201"]),
        reverse("printables:announcement", args=["623021100201"]),
    ):
        response = client.get(url, {"year": "15"})
        assert response.status_code == 400 and "year" in response.content.decode(), url
    response = client.get(reverse("printables:announcement", args=["623021100201"]), {"from": "2015-13-01"})
    assert response.status_code == 400 and "YYYY-MM-DD" in response.content.decode()
