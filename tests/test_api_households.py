"""Writing the register over the API: the same services and rules as the forms."""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEntry
from households.models import Household, PovertyLine, StatusChange
from tests.conftest import make_id, member, record_year, register
from villages.models import Division, VillageYear


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def household(admin):
    PovertyLine.objects.update_or_create(year=2015, defaults={"amount": Decimal("2855")})
    return register(admin, "623021100201", "L001", identified_on=date(2014, 6, 1))


def test_a_clerk_registers_a_household_and_the_audit_trail_has_it(lintan_clerk):
    number = make_id()
    response = client_for(lintan_clerk).post(
        "/api/households/",
        {
            "code": "6230211002020100",
            "village": "623021100202",
            "main_cause": 3,
            "identified_year": 2014,
            "members": [{"name": "扎西", "id_number": number, "relation": "head"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == ""  # an applicant: its identification case opened (申请)
    assert Household.objects.get(code="6230211002020100").cases.get().step == "assess"
    assert body["head_name"] == "扎西"
    assert body["members"][0]["id_number"] == number
    assert body["members"][0]["sex"] == "M"
    assert (
        AuditEntry.objects.filter(household_code="6230211002020100", user=lintan_clerk, action="create").count() == 3
    )  # household, member, case


def test_a_clerk_cannot_register_a_household_in_another_countys_village(zhuoni_clerk):
    response = client_for(zhuoni_clerk).post(
        "/api/households/",
        {
            "code": "Z100",
            "village": "623021100201",
            "main_cause": 1,
            "identified_year": 2014,
            "members": [member("卓玛", male=False)],
        },
        format="json",
    )
    unknown = client_for(zhuoni_clerk).post(
        "/api/households/",
        {
            "code": "Z101",
            "village": "623021100299",
            "main_cause": 1,
            "identified_year": 2014,
            "members": [member("卓玛", male=False)],
        },
        format="json",
    )
    # Another county's village answers exactly like a village that does not exist: no name, no 403.
    assert response.status_code == unknown.status_code == 400
    assert response.json()["village"] == ["没有区划代码为 623021100201 的村。"]
    assert unknown.json()["village"] == ["没有区划代码为 623021100299 的村。"]
    assert "城关村" not in response.content.decode()
    assert not Household.objects.filter(code="Z100").exists()


def test_a_clerk_cannot_move_a_household_to_another_countys_village(household, lintan_clerk):
    response = client_for(lintan_clerk).patch(
        f"/api/households/{household.pk}/", {"village": "623022100201", "version": household.version}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["village"] == ["没有区划代码为 623022100201 的村。"]
    household.refresh_from_db()
    assert household.village_id == "623021100201"


def test_a_clerk_cannot_write_facts_of_another_countys_village(zhuoni_clerk):
    response = client_for(zhuoni_clerk).post(
        "/api/village-years/", {"village": "623021100201", "year": 2015, "rural_population": 300}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["village"] == ["没有区划代码为 623021100201 的村。"]
    assert "城关村" not in response.content.decode()
    assert not VillageYear.objects.exists()


def test_a_status_is_not_written_directly_but_through_a_case(household, lintan_clerk):
    record_year(lintan_clerk, household, 2015)
    client = client_for(lintan_clerk)
    response = client.post(
        "/api/status-changes/",
        {"household": household.pk, "status": "exited_stable", "date": "2015-12-31"},
        format="json",
    )
    assert response.status_code == 405
    response = client.post(
        "/api/cases/", {"household": household.pk, "kind": "exit", "on": "2016-01-05"}, format="json"
    )
    assert response.status_code == 201, response.json()
    case = response.json()
    assert case["kind"] == "exit" and case["step"] == "assess"
    response = client.post(f"/api/cases/{case['id']}/steps/", {"step": "notice", "on": "2016-01-06"}, format="json")
    assert response.status_code == 400
    assert "当前应办理“民主评议”，不能办理“公示”：环节不能跳过或颠倒。" in response.json()["step"]
    household.refresh_from_db()
    assert household.status == "identified"
    assert StatusChange.objects.filter(household=household).count() == 1


def test_a_stale_version_is_refused_and_nothing_is_written(household, lintan_clerk, chengguan_clerk):
    read_at = household.version
    first = client_for(chengguan_clerk).patch(
        f"/api/households/{household.pk}/", {"phone": "13900000001", "version": read_at}, format="json"
    )
    assert first.status_code == 200
    entries = AuditEntry.objects.count()
    second = client_for(lintan_clerk).patch(
        f"/api/households/{household.pk}/",
        {"phone": "13900000002", "cadre_name": "王伟", "version": read_at},
        format="json",
    )
    assert second.status_code == 409
    assert "已被其他人修改" in second.json()["detail"]
    household.refresh_from_db()
    assert (household.phone, household.cadre_name, household.version) == ("13900000001", "", read_at + 1)
    assert AuditEntry.objects.count() == entries


def test_a_change_without_the_version_it_was_read_at_is_refused(household, lintan_clerk):
    response = client_for(lintan_clerk).patch(f"/api/households/{household.pk}/", {"phone": "139"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()


def test_members_are_rewritten_through_their_household(household, lintan_clerk):
    client = client_for(lintan_clerk)
    detail = client.get(f"/api/households/{household.pk}/").json()
    head = next(
        {k: m[k] for k in ("id", "name", "id_number", "relation")} for m in detail["members"] if m["relation"] == "head"
    )
    members = [
        {**head, "name": "改名户主"},
        {"name": "新生儿", "id_number": make_id(born=date(2020, 5, 1)), "relation": "grandchild"},
    ]
    refused = client.patch(
        f"/api/households/{household.pk}/", {"members": members, "version": detail["version"]}, format="json"
    )
    assert refused.status_code == 400
    assert "须填写更正原因" in refused.json()["members"][0]
    response = client.patch(
        f"/api/households/{household.pk}/",
        {"members": members, "version": detail["version"], "correction": "误录"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["head_name"], body["member_count"]) == ("改名户主", 2)


def test_a_bad_id_number_is_refused_with_its_reason(lintan_clerk):
    number = make_id()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = client_for(lintan_clerk).post(
        "/api/households/",
        {
            "code": "6230211002020101",
            "village": "623021100202",
            "main_cause": 1,
            "identified_year": 2014,
            "members": [{"name": "扎西", "id_number": wrong, "relation": "head"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert f"最后一位应为 {number[-1]}" in response.json()["members"][0]
    assert not Household.objects.filter(code="6230211002020101").exists()


def test_a_yearly_record_is_saved_and_its_parts_must_add_up(household, lintan_clerk):
    client = client_for(lintan_clerk)
    bad = client.post(
        "/api/household-years/",
        {"household": household.pk, "year": 2015, "income_per_capita": "4000", "income_wages": "1000"},
        format="json",
    )
    assert bad.status_code == 400
    assert "不一致" in bad.json()["income_per_capita"][0]
    good = client.post(
        "/api/household-years/", {"household": household.pk, "year": 2015, "income_per_capita": "4000"}, format="json"
    )
    assert good.status_code == 201
    again = client.post(
        "/api/household-years/", {"household": household.pk, "year": 2015, "income_per_capita": "4100"}, format="json"
    )
    assert again.status_code == 400
    assert "请修改原记录" in str(again.json())


def test_village_facts_are_saved_with_an_audit_entry(chengguan_clerk):
    client = client_for(chengguan_clerk)
    response = client.post(
        "/api/village-years/",
        {"village": "623021100201", "year": 2015, "rural_population": 812, "road": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    record_id = response.json()["id"]
    changed = client.patch(f"/api/village-years/{record_id}/", {"water": True}, format="json")
    assert changed.json()["water"] is True
    assert changed.json()["rural_population"] == 812
    entries = AuditEntry.objects.filter(region_code="623021100201", object_type="villageyear", user=chengguan_clerk)
    assert [e.action for e in entries.order_by("id")] == ["create", "update"]


def test_a_clerk_of_a_township_cannot_touch_a_neighbouring_township(admin, chengguan_clerk):
    neighbour = register(admin, "623021101201", "L200")
    client = client_for(chengguan_clerk)
    assert client.get(f"/api/households/{neighbour.pk}/").status_code == 404
    response = client.post(
        "/api/household-years/", {"household": neighbour.pk, "year": 2015, "income_per_capita": "4000"}, format="json"
    )
    assert response.status_code == 400
    assert "不在您的管辖范围内" in response.json()["household"][0]
    assert not Division.objects.get(code="623021101201").households.get().years.exists()
