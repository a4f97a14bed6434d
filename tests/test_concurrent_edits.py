"""Two clerks edit the same household: the second save is refused with a message and nothing is lost."""

from django.test import Client
from django.urls import reverse

from .conftest import register
from .webforms import edit_payload


def test_the_second_of_two_web_edits_is_refused_and_keeps_its_input(lintan_clerk, chengguan_clerk):
    h = register(lintan_clerk, "623021100201", "C001", size=2)
    url = reverse("households:edit", args=[h.pk])
    first, second = Client(), Client()
    first.force_login(lintan_clerk)
    second.force_login(chengguan_clerk)
    first_data = edit_payload(first.get(url))
    second_data = edit_payload(second.get(url))
    assert first_data["version"] == second_data["version"] == "1"

    first_data["phone"] = "13900000001"
    assert first.post(url, first_data).status_code == 302

    second_data["phone"] = "13900000002"
    second_data["cadre_name"] = "李明"
    second_data["members-0-name"] = "改过的名字"
    response = second.post(url, second_data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "该户信息已被其他人修改（您打开的是第 1 版）" in page
    # The clerk's input is still on the page, to compare and save again.
    assert 'value="13900000002"' in page and 'value="李明"' in page and 'value="改过的名字"' in page
    h.refresh_from_db()
    assert h.phone == "13900000001" and h.cadre_name == "" and h.version == 2
    assert not h.members.filter(name="改过的名字").exists()

    # Reopened, the form carries the new version and the save goes through.
    again = edit_payload(second.get(url))
    assert again["version"] == "2" and again["phone"] == "13900000001"
    again["cadre_name"] = "李明"
    assert second.post(url, again).status_code == 302
    h.refresh_from_db()
    assert h.phone == "13900000001" and h.cadre_name == "李明" and h.version == 3
