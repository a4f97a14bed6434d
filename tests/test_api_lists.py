"""List endpoints: filters, strict query parameters, stable pages, masked ID numbers."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from households.models import PovertyLine
from tests.conftest import change_status, record_year, register


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def registry(admin):
    """Five households in 临潭县 (one exited) and one in 卓尼县."""
    households = {
        "L001": register(admin, "623021100201", "L001", main_cause=1, year=2014),
        "L002": register(admin, "623021100201", "L002", main_cause=2, attribute=2, year=2014),
        "L003": register(admin, "623021100202", "L003", main_cause=1, year=2015),
        "L004": register(admin, "623021101201", "L004", main_cause=5, year=2014),
        "L005": register(admin, "623021101201", "L005", main_cause=1, attribute=2, year=2015),
        "Z001": register(admin, "623022100201", "Z001", main_cause=1, year=2014),
    }
    PovertyLine.objects.update_or_create(year=2015, defaults={"amount": 2855})
    record_year(admin, households["L004"], 2015)
    change_status(admin, households["L004"], "exited_stable", date(2015, 12, 31))
    return households


def codes(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [h["code"] for h in response.json()["results"]]


def test_an_unknown_query_parameter_answers_400_naming_it(lintan_official):
    response = client_for(lintan_official).get("/api/households/", {"stauts": "identified", "village": "x"})
    assert response.status_code == 400
    message = response.json()["unknown_params"][0]
    assert "stauts" in message
    assert "village" in message


@pytest.mark.parametrize(
    "path",
    [
        "/api/divisions/",
        "/api/village-years/",
        "/api/households/",
        "/api/members/",
        "/api/household-years/",
        "/api/status-changes/",
    ],
)
def test_every_list_refuses_unknown_parameters_and_accepts_its_own(lintan_official, path):
    client = client_for(lintan_official)
    assert client.get(path, {"colour": "red"}).status_code == 400
    assert client.get(path, {"page": 1, "page_size": 10, "format": "json"}).status_code == 200


def test_households_filter_like_the_list_page(registry, lintan_official):
    client = client_for(lintan_official)
    assert codes(client.get("/api/households/")) == ["L001", "L002", "L003", "L004", "L005"]
    assert codes(client.get("/api/households/", {"division": "623021101"})) == ["L004", "L005"]
    assert codes(client.get("/api/households/", {"division": "623021100202"})) == ["L003"]
    assert codes(client.get("/api/households/", {"status": "exited_stable"})) == ["L004"]
    assert codes(client.get("/api/households/", {"attribute": 2})) == ["L002", "L005"]
    assert codes(client.get("/api/households/", {"main_cause": 1, "identified_year": 2015})) == ["L003", "L005"]
    assert codes(client.get("/api/households/", {"q": "L002"})) == ["L002"]
    assert codes(client.get("/api/households/", {"q": "L005成员1"})) == ["L005"]


def test_a_bad_filter_value_answers_400(registry, lintan_official):
    client = client_for(lintan_official)
    assert client.get("/api/households/", {"main_cause": 42}).status_code == 400
    # 卓尼县 lies outside 临潭县: not a division this official can name.
    assert client.get("/api/households/", {"division": "623022"}).status_code == 400


def test_a_clerk_cannot_find_another_countys_household_by_searching(registry, zhuoni_clerk):
    client = client_for(zhuoni_clerk)
    assert codes(client.get("/api/households/", {"q": "L00"})) == []
    assert codes(client.get("/api/households/")) == ["Z001"]


def test_pages_are_stable_and_cover_every_household_once(registry, pref_official):
    client = client_for(pref_official)
    for ordering in ("", "-identified_year", "main_cause"):
        query = {"page_size": 4, **({"ordering": ordering} if ordering else {})}
        first = client.get("/api/households/", {**query, "page": 1}).json()
        second = client.get("/api/households/", {**query, "page": 2}).json()
        assert first["count"] == 6
        seen = [h["code"] for h in first["results"] + second["results"]]
        assert sorted(seen) == ["L001", "L002", "L003", "L004", "L005", "Z001"]
        assert seen == [h["code"] for h in client.get("/api/households/", {**query, "page_size": 10}).json()["results"]]


def test_ties_in_an_ordering_are_broken_by_the_primary_key(registry, pref_official):
    response = client_for(pref_official).get("/api/households/", {"ordering": "-identified_year"})
    assert codes(response) == ["L003", "L005", "L001", "L002", "L004", "Z001"]


def test_divisions_filter_by_level_parent_and_under(lintan_official):
    client = client_for(lintan_official)

    def names(query):
        return [d["code"] for d in client.get("/api/divisions/", query).json()["results"]]

    assert names({"parent": "623021100"}) == ["623021100201", "623021100202"]
    assert names({"level": "village"}) == ["623021100201", "623021100202", "623021101201"]
    assert names({"under": "623021100"}) == ["623021100201", "623021100202"]
    assert "623022" not in names({"level": "county"})
    assert client.get("/api/divisions/", {"under": "623022"}).status_code == 400


def test_id_numbers_are_masked_in_lists_and_full_in_detail_only_for_editors(registry, lintan_clerk, lintan_official):
    household = registry["L001"]
    head = household.members.get(relation="head")
    masked = head.id_number[:6] + "********" + head.id_number[-4:]
    clerk, official = client_for(lintan_clerk), client_for(lintan_official)

    listed = clerk.get("/api/households/", {"q": "L001"}).json()["results"][0]
    assert {m["id_number"] for m in listed["members"]} >= {masked}
    assert head.id_number not in str(clerk.get("/api/members/").json())

    assert head.id_number in str(clerk.get(f"/api/households/{household.pk}/").json())
    assert clerk.get(f"/api/members/{head.pk}/").json()["id_number"] == head.id_number

    assert head.id_number not in str(official.get(f"/api/households/{household.pk}/").json())
    assert official.get(f"/api/members/{head.pk}/").json()["id_number"] == masked


def test_the_household_list_takes_a_fixed_number_of_queries(registry, pref_official, django_assert_max_num_queries):
    client = client_for(pref_official)
    client.get("/api/households/")  # warm the session and the user
    with django_assert_max_num_queries(6):
        response = client.get("/api/households/", {"page_size": 100})
    assert len(response.json()["results"]) == 6
