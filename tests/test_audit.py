"""The audit trail: who changed what and when, old and new values; only admins read it."""

from datetime import date

from django.urls import reverse

from audit.models import AuditEntry
from households.models import Status
from households.services import household_update

from .conftest import change_status, record_year, register
from .webforms import edit_payload


def test_creating_a_household_records_it_and_each_member_with_their_values(lintan_clerk):
    h = register(lintan_clerk, "623021100201", "A001", size=2)
    rows = AuditEntry.objects.filter(household_code="A001", action="create")
    assert sorted(rows.values_list("object_type", flat=True)) == ["household", "member", "member"]
    household_row = rows.get(object_type="household")
    assert household_row.user == lintan_clerk and household_row.region_code == "623021100201"
    assert household_row.changes["code"] == [None, "A001"]
    head = h.members.get(relation="head")
    member_row = rows.get(object_type="member", object_id=str(head.pk))
    assert member_row.changes["id_number"] == [None, head.id_number]
    status_row = AuditEntry.objects.get(household_code="A001", action="status")
    assert status_row.changes["status"] == [None, "identified"]


def test_a_web_edit_records_old_and_new_values_of_household_and_members(client, lintan_clerk):
    h = register(lintan_clerk, "623021100201", "A002", size=2)
    client.force_login(lintan_clerk)
    url = reverse("households:edit", args=[h.pk])
    data = edit_payload(client.get(url))
    data["phone"] = "13912345678"
    data["members-1-name"] = "新名字"
    data["members-1-DELETE"] = ""
    assert client.post(url, data).status_code == 302
    update = AuditEntry.objects.get(household_code="A002", action="update", object_type="household")
    assert update.changes == {"phone": ["", "13912345678"]}
    member_update = AuditEntry.objects.get(household_code="A002", action="update", object_type="member")
    assert member_update.changes == {"name": ["A002成员1", "新名字"]}


def test_yearly_records_and_status_changes_are_recorded(lintan_clerk):
    h = register(lintan_clerk, "623021100201", "A003")
    record_year(lintan_clerk, h, 2015, income="3000")
    change_status(lintan_clerk, h, Status.EXITED_STABLE, date(2015, 12, 1), reason="达标")
    year_row = AuditEntry.objects.get(household_code="A003", object_type="householdyear")
    assert year_row.changes["income_per_capita"] == [None, "3000"]
    status_row = AuditEntry.objects.filter(household_code="A003", action="status").first()
    assert status_row.changes["status"] == ["identified", "exited_stable"]
    assert status_row.changes["reason"] == [None, "达标"]


def test_admins_read_the_trail_filtered_by_user_and_household(client, admin, lintan_clerk, chengguan_clerk):
    h = register(lintan_clerk, "623021100201", "A004")
    register(chengguan_clerk, "623021100202", "A005")
    h.refresh_from_db()
    household_update(user=lintan_clerk, household=h, data={"phone": "13800000000"}, version=h.version)
    client.force_login(admin)
    url = reverse("audit:index")
    page = client.get(url).content.decode()
    assert "A004" in page and "A005" in page
    # Old → new, with the field's label.
    assert "联系电话" in page and "<del>—</del> → <ins>13800000000</ins>" in page
    by_household = client.get(url, {"household": "A005"}).content.decode()
    assert "A005" in by_household and "A004" not in by_household
    by_user = client.get(url, {"user": chengguan_clerk.pk})
    assert {e.user_id for e in by_user.context["page"]} == {chengguan_clerk.pk}


def test_the_trail_is_paginated(client, admin, lintan_clerk):
    for i in range(12):
        register(lintan_clerk, "623021100201", f"B{i:03d}", size=3)  # 5 rows each
    client.force_login(admin)
    page = client.get(reverse("audit:index")).context["page"]
    assert len(page) == 50 and page.paginator.count == 60 and page.paginator.num_pages == 2


def test_others_get_403_on_the_trail(client, lintan_clerk, pref_official):
    for user in (lintan_clerk, pref_official):
        client.force_login(user)
        assert client.get(reverse("audit:index")).status_code == 403
