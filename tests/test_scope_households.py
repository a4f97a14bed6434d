"""Who sees and edits which household: every role on the list, the household page, edit and create.

Another region's household answers 404 (as if it did not exist); an official's edit answers 403.
"""

import pytest
from django.urls import reverse

from .conftest import register

CHENGGUAN = "623021100201"  # 临潭县 城关镇
HONGBAOZI = "623021101201"  # 临潭县 新城镇
LIULIN = "623022100201"  # 卓尼县 柳林镇

# Which of the three households each user sees, and whether they may edit what they see.
SEES = {
    "pref_official": ({"CG", "HB", "LL"}, False),
    "lintan_official": ({"CG", "HB"}, False),
    "lintan_clerk": ({"CG", "HB"}, True),
    "chengguan_clerk": ({"CG"}, True),
    "zhuoni_clerk": ({"LL"}, True),
    "admin": ({"CG", "HB", "LL"}, True),
}


@pytest.fixture
def households(admin):
    return {
        "CG": register(admin, CHENGGUAN, "CG"),
        "HB": register(admin, HONGBAOZI, "HB"),
        "LL": register(admin, LIULIN, "LL"),
    }


@pytest.mark.parametrize("who", SEES)
def test_the_list_shows_only_the_users_region(client, request, households, who):
    client.force_login(request.getfixturevalue(who))
    rows = {h.code for h in client.get(reverse("households:list")).context["page"]}
    assert rows == SEES[who][0]


@pytest.mark.parametrize("who", SEES)
def test_another_regions_household_is_not_found(client, request, households, who):
    client.force_login(request.getfixturevalue(who))
    visible, can_edit = SEES[who]
    for code, h in households.items():
        for name in ("households:detail", "households:edit", "households:year_add", "procedures:open"):
            status = client.get(reverse(name, args=[h.pk])).status_code
            if code not in visible:
                expected = 404
            elif name == "households:detail" or can_edit:
                expected = 200
            else:
                expected = 403
            assert status == expected, (who, code, name)


@pytest.mark.parametrize("who", SEES)
def test_only_clerks_and_admins_may_open_the_create_form(db, client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("households:create")).status_code == (200 if SEES[who][1] else 403)


def test_an_officials_post_changes_nothing(client, lintan_official, households):
    h = households["CG"]
    client.force_login(lintan_official)
    assert client.post(reverse("households:edit", args=[h.pk]), {"phone": "1"}).status_code == 403
    assert client.post(reverse("procedures:open", args=[h.pk]), {"kind": "remove"}).status_code == 403
    h.refresh_from_db()
    assert h.phone == "" and h.version == 1


def test_a_clerk_of_another_county_cannot_even_post_to_the_household(client, zhuoni_clerk, households):
    h = households["CG"]
    client.force_login(zhuoni_clerk)
    assert client.post(reverse("households:edit", args=[h.pk]), {"phone": "1"}).status_code == 404
    assert client.get(reverse("households:list"), {"q": "CG"}).context["totals"]["households"] == 0


def test_a_clerk_cannot_register_in_a_village_outside_their_region(client, chengguan_clerk):
    client.force_login(chengguan_clerk)
    response = client.post(reverse("households:create"), {"code": "X1", "village": HONGBAOZI})
    assert "不在您的管辖范围内" in response.context["form"].errors["village"][0]


def test_the_pages_need_a_login(client, households):
    for url in [
        reverse("households:list"),
        reverse("households:detail", args=[households["CG"].pk]),
        reverse("households:create"),
        reverse("audit:index"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    assert client.get(reverse("login")).status_code == 200
