"""Small things a county user trips over: which member a search found, grouped counts, dates assumed, the header."""

from django.core.files.uploadedfile import SimpleUploadedFile

from households.models import Household

from .conftest import register
from .test_import_households import household, roster


def test_a_member_name_search_shows_which_member_matched(client, lintan_clerk):
    register(lintan_clerk, "623021100201", "H1", size=3)  # 户主 H1户主, members H1成员1 and H1成员2
    client.force_login(lintan_clerk)
    html = client.get("/households/?q=成员2").content.decode()
    assert "H1" in html and "匹配成员：H1成员2" in html
    assert "匹配成员" not in client.get("/households/?q=H1户主").content.decode()  # the head is already on the row


def test_list_totals_have_thousands_separators(client, lintan_clerk):
    register(lintan_clerk, "623021100201", "H1")
    Household.objects.filter(code="H1").update(member_count=17457)
    client.force_login(lintan_clerk)
    assert "<strong>17,457</strong> 人" in client.get("/households/").content.decode()


def test_the_preview_says_which_date_it_assumes_for_a_year(client, lintan_clerk):
    client.force_login(lintan_clerk)
    page = client.post("/data/import/households/", {"file": SimpleUploadedFile("r.csv", roster(*household("W1")))})
    assert "1 户的状态日期按当年 12 月 31 日记录" in page.content.decode()


def test_the_header_names_the_role_once(client, lintan_official):
    lintan_official.first_name = "李明"
    lintan_official.save()
    client.force_login(lintan_official)
    html = client.get("/households/").content.decode()
    who = html.split('class="whoami"')[1].split("</span></span>")[0]
    assert who.count("领导干部") == 1 and "李明" in who and "临潭县" in who


def test_switching_language_warns_before_losing_input(client, lintan_clerk):
    client.force_login(lintan_clerk)
    html = client.get("/households/new/").content.decode()
    assert 'data-unsaved-message="切换语言会重新载入本页' in html and "js/unsaved.js" in html
    assert "<script>" not in html  # static files only: a CSP is coming


def test_a_new_household_gets_the_villages_next_number_when_left_empty(client, lintan_clerk):
    from django.urls import reverse

    from .conftest import make_id
    from .test_household_pages import new_household_payload

    register(lintan_clerk, "623021100201", "6230211002010007")
    client.force_login(lintan_clerk)
    form = client.get(reverse("households:create")).content.decode()
    assert "留空则按本村下一个顺序号自动编号" in form
    data = new_household_payload(
        client, "", "623021100201", [{"name": "甲", "id_number": make_id(), "relation": "head"}]
    )
    assert client.post(reverse("households:create"), data).status_code == 302
    assert Household.objects.filter(code="6230211002010008", head_name="甲").exists()


def test_a_household_number_outside_the_format_is_refused_saying_the_format(client, lintan_clerk):
    from django.urls import reverse

    from .conftest import make_id
    from .test_household_pages import new_household_payload

    client.force_login(lintan_clerk)
    data = new_household_payload(
        client, "6230211002029999", "623021100201", [{"name": "甲", "id_number": make_id(), "relation": "head"}]
    )
    response = client.post(reverse("households:create"), data)
    assert "户编号由所在村的 12 位区划代码加 4 位顺序号组成（如 6230211002010001）" in response.content.decode()
    assert not Household.objects.filter(head_name="甲").exists()


def test_the_api_numbers_a_new_household_and_checks_the_number_like_the_form(lintan_clerk):
    from rest_framework.test import APIClient

    from .conftest import member

    register(lintan_clerk, "623021100201", "6230211002010007")
    api = APIClient()
    api.force_login(lintan_clerk)
    body = {"village": "623021100201", "main_cause": 1, "identified_year": 2015, "members": [member("甲")]}
    numbered = api.post("/api/households/", {**body, "code": ""}, format="json")
    assert numbered.status_code == 201 and numbered.json()["code"] == "6230211002010008"
    refused = api.post(
        "/api/households/", {**body, "code": "6230211002029999", "members": [member("乙")]}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == [
        "户编号由所在村的 12 位区划代码加 4 位顺序号组成（如 6230211002010001），收到的是“6230211002029999”。"
    ]


def test_an_import_keeps_the_numbers_households_already_have_in_the_national_system(lintan_clerk):
    from households.importers import households_import

    report = households_import(data=roster(*household("H300")), file_name="roster.csv", user=lintan_clerk)
    assert not report.errors and Household.objects.filter(code="H300").exists()
