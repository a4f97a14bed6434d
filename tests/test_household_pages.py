"""The clerk's pages: list, 一户一档, create and edit with members, yearly record."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from stdnum.cn import ric

from audit.models import AuditEntry
from households.models import Household, Status

from .conftest import change_status, make_id, record_year, register
from .webforms import edit_payload, form_payload

CHENGGUAN = "623021100201"
XIJIE = "623021100202"
HONGBAOZI = "623021101201"


def html(response) -> str:
    return response.content.decode()


# --- list ----------------------------------------------------------------------------------


def test_the_list_shows_totals_badges_and_masked_ids(client, lintan_clerk):
    a = register(lintan_clerk, CHENGGUAN, "H101", size=3)
    register(lintan_clerk, XIJIE, "H102", size=5)
    client.force_login(lintan_clerk)
    page = html(client.get(reverse("households:list")))
    assert "<strong>2</strong> 户、<strong>8</strong> 人" in page
    assert 'class="status status-identified"' in page
    head_id = a.members.get(relation="head").id_number
    assert head_id not in page
    assert head_id[:6] + "********" + head_id[-4:] in page


def test_the_list_searches_by_name_household_number_and_id_number(client, lintan_clerk):
    a = register(lintan_clerk, CHENGGUAN, "H111")
    register(lintan_clerk, CHENGGUAN, "H112")
    client.force_login(lintan_clerk)
    son = a.members.filter(relation="son").first()
    for q in ["H111", son.name, son.id_number, son.id_number[-8:]]:
        page = html(client.get(reverse("households:list"), {"q": q}))
        assert "H111" in page and "H112" not in page, q


def test_the_list_filters_by_division_status_attribute_and_cause(client, lintan_clerk):
    register(lintan_clerk, CHENGGUAN, "H121", main_cause=1, attribute=1)
    b = register(lintan_clerk, HONGBAOZI, "H122", main_cause=7, attribute=2)
    record_year(lintan_clerk, b, 2015)
    change_status(lintan_clerk, b, Status.EXITED_STABLE, date(2015, 12, 1))
    client.force_login(lintan_clerk)
    url = reverse("households:list")
    for params, shown, hidden in [
        ({"division": "623021101"}, "H122", "H121"),  # township 新城镇
        ({"division": CHENGGUAN}, "H121", "H122"),  # village 城关村
        ({"status": "exited_stable"}, "H122", "H121"),
        ({"attribute": "2"}, "H122", "H121"),
        ({"main_cause": "1"}, "H121", "H122"),
    ]:
        page = html(client.get(url, params))
        assert shown in page and hidden not in page, params
        assert "<strong>1</strong> 户" in page


def test_the_division_filter_offers_only_the_users_region(client, chengguan_clerk):
    client.force_login(chengguan_clerk)
    choices = dict(client.get(reverse("households:list")).context["form"].fields["division"].choices)
    assert CHENGGUAN in choices and XIJIE in choices
    assert HONGBAOZI not in choices and "623022100201" not in choices


def test_the_list_paginates_by_fifty(client, lintan_clerk):
    for i in range(51):
        register(lintan_clerk, CHENGGUAN, f"P{i:03d}", size=1)
    client.force_login(lintan_clerk)
    first = html(client.get(reverse("households:list")))
    assert "P049" in first and "P050" not in first and "第 1 / 2 页" in first
    assert "<strong>51</strong> 户" in first
    second = html(client.get(reverse("households:list"), {"page": 2}))
    assert "P050" in second and "P049" not in second


@pytest.mark.parametrize("rows", [2, 12])
def test_the_list_query_count_does_not_grow_with_rows(client, lintan_clerk, django_assert_max_num_queries, rows):
    for i in range(rows):
        register(lintan_clerk, CHENGGUAN if i % 2 else HONGBAOZI, f"Q{i:03d}", size=2)
    client.force_login(lintan_clerk)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("households:list"), {"q": "Q"})
    assert f"<strong>{rows}</strong> 户" in html(response)


@pytest.mark.parametrize("size", [2, 8])
def test_the_household_page_query_count_does_not_grow_with_members(
    client, lintan_clerk, admin, django_assert_max_num_queries, size
):
    h = register(lintan_clerk, CHENGGUAN, "Q100", size=size)
    for year in (2014, 2015):
        record_year(lintan_clerk, h, year)
    client.force_login(admin)
    # 13: the page lists the household's cases (procedures) too
    with django_assert_max_num_queries(13):
        client.get(reverse("households:detail", args=[h.pk]))


# --- the household page ----------------------------------------------------------------------


def test_the_household_page_shows_members_years_and_coloured_history(client, lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN, "H131", size=2, year=2013)
    record_year(lintan_clerk, h, 2015, income="3200")
    change_status(lintan_clerk, h, Status.EXITED_STABLE, date(2015, 11, 30), reason="收入稳定")
    change_status(lintan_clerk, h, Status.RETURNED, date(2017, 3, 1), reason="因病返贫")
    client.force_login(lintan_clerk)
    page = html(client.get(reverse("households:detail", args=[h.pk])))
    assert "H131户主" in page and "H131成员1" in page
    assert "3200.00" in page and "2855.00" in page  # the income and 2015's poverty line
    assert page.count('class="yes"') >= 5
    for status in ("identified", "exited_stable", "returned"):
        assert f"status status-{status}" in page
    assert "因病返贫" in page and "lintan_clerk" in page
    # Breadcrumb: county › township › village.
    assert page.index("临潭县") < page.index("城关镇") < page.index("城关村")


def test_full_ids_and_buttons_only_for_those_who_may_edit(client, lintan_clerk, lintan_official):
    h = register(lintan_clerk, CHENGGUAN, "H141")
    head_id = h.members.get(relation="head").id_number
    edit_url = reverse("households:edit", args=[h.pk])
    client.force_login(lintan_clerk)
    page = html(client.get(reverse("households:detail", args=[h.pk])))
    assert head_id in page and edit_url in page
    client.force_login(lintan_official)
    page = html(client.get(reverse("households:detail", args=[h.pk])))
    assert head_id not in page and head_id[:6] + "********" + head_id[-4:] in page
    assert edit_url not in page and reverse("procedures:open", args=[h.pk]) not in page


def test_admins_see_the_households_audit_trail_and_others_do_not(client, lintan_clerk, admin):
    h = register(lintan_clerk, CHENGGUAN, "H151")
    client.force_login(admin)
    assert 'id="audit"' in html(client.get(reverse("households:detail", args=[h.pk])))
    client.force_login(lintan_clerk)
    assert 'id="audit"' not in html(client.get(reverse("households:detail", args=[h.pk])))


# --- create and edit -------------------------------------------------------------------------


def new_household_payload(client, code: str, village: str, people: list[dict]) -> dict:
    data = edit_payload(client.get(reverse("households:create")))
    data.update(
        {
            "code": code,
            "village": village,
            "main_cause": "1",
            "identified_year": "2015",
            "members-TOTAL_FORMS": str(len(people)),
        }
    )
    for i, person in enumerate(people):
        data.update({f"members-{i}-{k}": v for k, v in person.items()})
        data.setdefault(f"members-{i}-ethnicity", "tibetan")
        data.setdefault(f"members-{i}-student_status", "not_school_age")
        data.setdefault(f"members-{i}-health", "healthy")
        data.setdefault(f"members-{i}-labour", "ordinary")
        data.setdefault(f"members-{i}-migrant_months", "0")
    return data


def test_a_clerk_registers_a_household_with_its_members_in_one_form(client, lintan_clerk):
    client.force_login(lintan_clerk)
    head_id = make_id(born=date(1975, 5, 1)).lower()
    data = new_household_payload(
        client,
        CHENGGUAN + "0161",
        CHENGGUAN,
        [
            {"name": "扎西", "id_number": head_id.replace("6", "６"), "relation": "head"},
            {"name": "卓玛", "id_number": make_id(born=date(1978, 2, 2), male=False), "relation": "spouse"},
        ],
    )
    data["secondary_causes"] = ["7", "9"]
    response = client.post(reverse("households:create"), data)
    h = Household.objects.get(code=CHENGGUAN + "0161")
    assert response.status_code == 302 and response.url == reverse("households:detail", args=[h.pk])
    # An applicant: poor only from the announcement of its identification case.
    assert h.member_count == 2 and h.head_name == "扎西" and h.status == ""
    assert h.cases.get().get_kind_display() == "新识别" and not h.status_changes.exists()
    assert h.secondary_causes == [7, 9]
    head = h.members.get(relation="head")
    assert (
        head.id_number == head_id.upper() and head.sex == "M" and head.birth_date == ric.get_birth_date(head.id_number)
    )
    assert h.members.get(relation="spouse").sex == "F"


def test_a_members_errors_are_shown_on_its_fields(client, lintan_clerk):
    client.force_login(lintan_clerk)
    good = make_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    data = new_household_payload(
        client,
        CHENGGUAN + "0171",
        CHENGGUAN,
        [
            {"name": "扎西", "id_number": make_id(), "relation": "head"},
            {"name": "卓玛", "id_number": bad, "relation": "spouse"},
            {"name": "拉姆", "id_number": make_id(male=True), "relation": "daughter", "sex": "F"},
        ],
    )
    response = client.post(reverse("households:create"), data)
    assert response.status_code == 200 and not Household.objects.filter(code=CHENGGUAN + "0171").exists()
    forms = response.context["members"].forms
    assert forms[0].errors == {}
    assert f"最后一位应为 {good[-1]}" in forms[1].errors["id_number"][0]
    assert "性别与证件号码不符" in forms[2].errors["sex"][0]
    page = html(response)
    assert "未保存" in page and "最后一位应为" in page


def test_a_household_without_a_head_is_refused_naming_the_rule(client, lintan_clerk):
    client.force_login(lintan_clerk)
    data = new_household_payload(
        client,
        CHENGGUAN + "0181",
        CHENGGUAN,
        [
            {"name": "卓玛", "id_number": make_id(male=False), "relation": "spouse"},
        ],
    )
    response = client.post(reverse("households:create"), data)
    assert "每户必须有且只有一位户主，现在有 0 位" in html(response)
    assert not Household.objects.filter(code=CHENGGUAN + "0181").exists()


def test_a_duplicate_household_number_is_named_on_its_field(client, lintan_clerk):
    register(lintan_clerk, CHENGGUAN, CHENGGUAN + "0182")
    client.force_login(lintan_clerk)
    data = new_household_payload(
        client, CHENGGUAN + "0182", CHENGGUAN, [{"name": "甲", "id_number": make_id(), "relation": "head"}]
    )
    response = client.post(reverse("households:create"), data)
    assert response.context["form"].errors["code"]


def test_editing_changes_the_household_adds_and_removes_members(client, lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN, "H191", size=3)
    client.force_login(lintan_clerk)
    url = reverse("households:edit", args=[h.pk])
    data = edit_payload(client.get(url))
    data["phone"] = "13800000000"
    data["members-1-DELETE"] = "on"
    data.update(
        {
            "members-3-name": "新生儿",
            "members-3-id_number": make_id(born=date(2016, 6, 1), male=False),
            "members-3-relation": "grandchild",
            "members-TOTAL_FORMS": "4",
        }
    )
    refused = client.post(url, data)
    assert "只用于更正录入错误，须填写更正原因" in html(refused)
    h.refresh_from_db()
    assert h.version == 1 and h.member_count == 3 and h.members.count() == 3
    data["correction"] = "重复录入"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    h.refresh_from_db()
    assert h.phone == "13800000000" and h.version == 2 and h.member_count == 3
    assert h.members.filter(name="新生儿", sex="F").exists()
    correction = AuditEntry.objects.get(action="correction", household_code="H191")
    assert "重复录入" in correction.summary


def test_a_departure_keeps_the_member_in_the_file_with_its_day_and_reason(client, lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN, "H192", size=3, identified_on=date(2014, 6, 1))
    client.force_login(lintan_clerk)
    url = reverse("households:edit", args=[h.pk])
    data = edit_payload(client.get(url))
    data.update({"members-2-left_on": "2016-03-01"})
    refused = client.post(url, data)
    assert "记录成员离开须填写离开原因" in html(refused)
    data.update({"members-2-leave_reason": "death", "members-2-left_on": "2014-01-01"})
    assert "不能在加入前离开" in html(client.post(url, data))
    data["members-2-left_on"] = "2016-03-01"
    assert client.post(url, data).status_code == 302
    h.refresh_from_db()
    assert h.member_count == 2 and h.members.count() == 3
    gone = h.members.get(left_on__isnull=False)
    assert (gone.left_on, gone.leave_reason) == (date(2016, 3, 1), "death")


def test_a_move_to_a_village_outside_the_clerks_region_is_refused(client, chengguan_clerk):
    h = register(chengguan_clerk, CHENGGUAN, "H201")
    client.force_login(chengguan_clerk)
    url = reverse("households:edit", args=[h.pk])
    data = edit_payload(client.get(url))
    data["village"] = HONGBAOZI
    response = client.post(url, data)
    assert response.status_code == 200
    assert "不在您的管辖范围内" in response.context["form"].errors["village"][0]
    h.refresh_from_db()
    assert h.village_id == CHENGGUAN


# --- yearly record and status ---------------------------------------------------------------


def test_the_year_form_saves_a_year_and_names_a_wrong_sum(client, lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN, "H211")
    client.force_login(lintan_clerk)
    url = reverse("households:year_add", args=[h.pk])
    data = {
        "year": "2015",
        "income_per_capita": "3000",
        "income_wages": "1000",
        "income_production": "500",
        "income_property": "0",
        "income_transfer": "200",
        "enough_food": "on",
    }
    response = client.post(url, data)
    assert "四项收入之和为 1700 元" in response.context["form"].errors["income_per_capita"][0]
    data["income_transfer"] = "1500"
    assert client.post(url, data).status_code == 302
    record = h.years.get(year=2015)
    assert record.income_per_capita == Decimal("3000") and record.enough_food and not record.housing_secured
    # Adding the same year again is refused; editing it works.
    assert "已存在" in client.post(url, data).context["form"].errors["year"][0]
    data["housing_secured"] = "on"
    data["version"] = str(record.version)  # the hidden field the edit page carries
    assert client.post(reverse("households:year_edit", args=[h.pk, 2015]), data).status_code == 302
    assert h.years.get(year=2015).housing_secured


def test_a_form_payload_round_trips(client, lintan_clerk):
    """The helper the tests post with sends back what the page shows."""
    h = register(lintan_clerk, CHENGGUAN, "H251", size=2)
    client.force_login(lintan_clerk)
    response = client.get(reverse("households:edit", args=[h.pk]))
    data = form_payload(response.context["form"])
    assert data["village"] == CHENGGUAN and data["version"] == "1"
