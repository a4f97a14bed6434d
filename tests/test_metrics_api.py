"""The metrics API, exactly as docs/metrics.md: shapes, scope (404), bad parameters (400)."""

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from metrics.compute import SCALAR_KEYS, SPLIT_KEYS

SPEC_KEYS = {
    "poor_households",
    "poor_population",
    "supported_population",
    "registered_population",
    "rural_population",
    "poverty_incidence",
    "poor_villages",
    "by_cause",
    "by_attribute",
    "new_identified_population",
    "exited_population",
    "exited_stable_population",
    "exited_consolidating_population",
    "returned_population",
    "removed_population",
    "new_identified_households",
    "exited_households",
    "exited_stable_households",
    "exited_consolidating_households",
    "returned_households",
    "removed_households",
}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_summary_has_the_region_the_year_and_every_key(lintan_official, metrics_cast):
    body = api(lintan_official).get("/api/metrics/summary/", {"region": "623021", "year": 2015}).json()
    assert body["region"] == {"code": "623021", "name": "临潭县", "level": "county"}
    assert body["year"] == 2015
    assert set(body) >= SPEC_KEYS
    assert set(body) == {"region", "year", *SCALAR_KEYS, *SPLIT_KEYS, "funds"}
    assert body["poor_population"] == 6 and isinstance(body["poor_population"], int)
    assert body["poverty_incidence"] == 3.0
    assert body["by_cause"] == {"1": 1, "2": 5}
    assert body["rural_population"] == 200 and body["rural_population_carried_forward"] == 1


def test_the_summary_defaults_to_the_callers_region_and_the_latest_year_with_data(lintan_official, metrics_cast):
    body = api(lintan_official).get("/api/metrics/summary/").json()
    assert body["region"]["code"] == "623021" and body["year"] == 2018  # the cast's last change
    assert body["poor_population"] == 5


def test_the_timeseries_has_one_value_per_year_for_every_key(lintan_official, metrics_cast):
    body = api(lintan_official).get("/api/metrics/timeseries/", {"region": "623021", "from": 2014, "to": 2016}).json()
    assert body["region"]["code"] == "623021"
    assert body["years"] == [2014, 2015, 2016]
    assert set(body["series"]) >= SPEC_KEYS
    assert all(len(v) == 3 for v in body["series"].values())
    assert body["series"]["poor_population"] == [10, 6, 8]
    assert body["series"]["returned_population"] == [0, 0, 3]
    assert body["series"]["by_attribute"][2] == {"1": 3, "2": 5}


def test_the_timeseries_runs_from_2011_to_this_year_by_default(lintan_official, metrics_cast):
    body = api(lintan_official).get("/api/metrics/timeseries/").json()
    assert body["years"] == list(range(2011, timezone.localdate().year + 1))


def test_the_breakdown_lists_every_direct_child(lintan_official, metrics_cast):
    body = api(lintan_official).get("/api/metrics/breakdown/", {"region": "623021100", "year": 2014}).json()
    assert body["region"]["code"] == "623021100" and body["year"] == 2014
    children = body["children"]
    assert [c["region"] for c in children] == [
        {"code": "623021100201", "name": "城关村", "level": "village"},
        {"code": "623021100202", "name": "西街村", "level": "village"},
    ]
    assert all(set(c) >= SPEC_KEYS for c in children)
    assert [c["poor_population"] for c in children] == [7, 2]
    assert [c["poverty_incidence"] for c in children] == [7.0, 4.0]


def test_a_region_outside_the_callers_is_not_found(zhuoni_clerk, metrics_cast):
    client = api(zhuoni_clerk)
    for url in ("/api/metrics/summary/", "/api/metrics/timeseries/", "/api/metrics/breakdown/"):
        assert client.get(url, {"region": "623021"}).status_code == 404
    assert client.get("/api/metrics/summary/", {"region": "623022"}).json()["poor_population"] == 6


def test_an_unknown_region_is_not_found_either(pref_official):
    assert api(pref_official).get("/api/metrics/summary/", {"region": "623099"}).status_code == 404


@pytest.mark.parametrize(
    ("url", "query", "parameter"),
    [
        ("summary", {"region": "62302"}, "region"),
        ("summary", {"region": "lintan"}, "region"),
        ("summary", {"region": "623021", "year": "2010"}, "year"),
        ("summary", {"region": "623021", "year": "15"}, "year"),
        ("breakdown", {"year": str(timezone.localdate().year + 1)}, "year"),
        ("timeseries", {"from": "2009"}, "from"),
        ("timeseries", {"to": "20x6"}, "to"),
        ("timeseries", {"from": "2016", "to": "2015"}, "from"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(lintan_official, url, query, parameter):
    response = api(lintan_official).get(f"/api/metrics/{url}/", query)
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [parameter]
    assert parameter in body[parameter][0]


def test_the_api_needs_a_login(db):
    assert APIClient().get("/api/metrics/summary/").status_code in (401, 403)


def test_a_token_opens_the_api(lintan_official, metrics_cast):
    token = Token.objects.create(user=lintan_official)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/metrics/summary/", {"year": 2014}).json()["poor_population"] == 10


def test_the_endpoints_are_in_the_openapi_schema(admin):
    client = APIClient()
    client.force_authenticate(admin)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for name in ("summary", "timeseries", "breakdown"):
        operation = schema["paths"][f"/api/metrics/{name}/"]["get"]
        assert "region" in {p["name"] for p in operation["parameters"]}


@pytest.mark.parametrize("households", [1, 3])
def test_the_api_makes_the_same_number_of_queries_whatever_the_size(
    lintan_official, admin, households, django_assert_max_num_queries
):
    from .conftest import register

    for i in range(households):
        for village in ("623021100201", "623021100202", "623021101201"):
            register(admin, village, f"P{village}{i}", size=3)
    client = api(lintan_official)
    for url, queries in (("summary", 8 + 12), ("timeseries", 8), ("breakdown", 8)):  # the summary's funds: 12
        with django_assert_max_num_queries(queries):
            assert client.get(f"/api/metrics/{url}/", {"region": "623021"}).status_code == 200
