"""Without a year, pages and API open on the latest year that has data, not on an empty current year."""

from django.utils import timezone
from rest_framework.test import APIClient

from metrics.params import data_year

from .conftest import change_status


def test_the_default_year_is_the_year_of_the_newest_status_change(metrics_cast):
    assert data_year() == 2018  # household E was removed in February 2018, the cast's last change


def test_without_any_status_change_the_default_is_2011(db):
    assert data_year() == 2011


def test_a_change_this_year_makes_this_year_the_default(admin, metrics_cast):
    change_status(admin, metrics_cast["D"], "exited_stable", timezone.localdate(), reason="核查")
    assert data_year() == timezone.localdate().year


def test_the_overview_opens_on_the_latest_year_with_data(client, lintan_official, metrics_cast):
    client.force_login(lintan_official)
    html = client.get("/").content.decode()
    assert 'href="?year=2018" aria-current="page"' in html
    assert "2018年末" in html


def test_the_api_summary_and_breakdown_default_to_the_latest_year_with_data(lintan_official, metrics_cast):
    client = APIClient()
    client.force_authenticate(lintan_official)
    assert client.get("/api/metrics/summary/").json()["year"] == 2018
    assert client.get("/api/metrics/breakdown/").json()["year"] == 2018


def test_an_explicit_year_still_wins(lintan_official, metrics_cast):
    client = APIClient()
    client.force_authenticate(lintan_official)
    assert client.get("/api/metrics/summary/", {"year": 2026}).json()["year"] == 2026


def test_the_openapi_schema_documents_the_default(client, lintan_official):
    client.force_login(lintan_official)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    year = next(p for p in schema["paths"]["/api/metrics/summary/"]["get"]["parameters"] if p["name"] == "year")
    assert "最新一条状态变更所在的年度" in year["description"]
