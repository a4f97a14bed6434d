"""The import preview names what it will do: households and members added, changed, removed (in red), page by page."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from households.models import Household, Member

from .test_import_households import household, roster


def upload(client, data: bytes):
    return client.post("/data/import/households/", {"file": SimpleUploadedFile("roster.csv", data)})


def rows_of(html: str) -> list[str]:
    """The preview's named rows as 'action code head member' text."""
    table = html.split('id="import-changes"')[1].split("</table>")[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", tr).split())
        for tr in re.findall(r"<tr class=\"change-[a-z]+\">(.*?)</tr>", table, re.S)
    ]


def test_the_preview_names_the_households_and_members_it_adds(client, lintan_clerk):
    client.force_login(lintan_clerk)
    html = upload(client, roster(*household("W010", size=2))).content.decode()
    assert rows_of(html) == ["新增 W010 W010-0 （本户） 2", "新增 W010 W010-0 W010-0 2", "新增 W010 W010-0 W010-1 3"]


def test_a_removal_is_red_and_needs_an_explicit_confirmation(client, lintan_clerk):
    client.force_login(lintan_clerk)
    first = household("W011", size=3)
    token = upload(client, roster(*first)).context["token"]
    client.post("/data/import/households/confirm/", {"token": token})
    assert Member.objects.filter(household__code="W011").count() == 3
    # The same household again, without its third member and with a new one.
    again = first[:2] + household("W011", size=4)[3:]
    page = upload(client, roster(*again))
    html = page.content.decode()
    assert '<tr class="change-delete">' in html and "删除 W011 W011-0 W011-2 —" in rows_of(html)
    assert "新增 W011 W011-0 W011-3 4" in rows_of(html)
    assert 'name="confirm_removals"' in html
    token = page.context["token"]
    refused = client.post("/data/import/households/confirm/", {"token": token})
    assert refused.status_code == 400 and "请勾选确认" in refused.content.decode()
    assert Member.objects.filter(household__code="W011", name="W011-2", left_on__isnull=True).exists()
    done = client.post("/data/import/households/confirm/", {"token": token, "confirm_removals": "1"})
    assert "导入完成" in done.content.decode()
    # No longer on the roster: they left today and stay in the file (the past keeps them).
    gone = Member.objects.get(household__code="W011", name="W011-2")
    assert gone.left_on == timezone.localdate() and gone.leave_reason == "other"


def test_the_preview_pages_through_a_long_list(client, lintan_clerk):
    client.force_login(lintan_clerk)
    rows = [r for i in range(30) for r in household(f"W1{i:02d}", size=2)]  # 30 households, 60 members: 90 lines
    page = upload(client, roster(*rows))
    html = page.content.decode()
    assert len(rows_of(html)) == 50 and "第 1 / 2 页（共 90 条）" in html
    token = page.context["token"]
    second = client.get(f"/data/import/households/preview/{token}/?page=2").content.decode()
    assert len(rows_of(second)) == 40 and "W129" in second and 'name="token"' in second


def test_another_user_cannot_page_through_my_preview(client, lintan_clerk, chengguan_clerk):
    client.force_login(lintan_clerk)
    token = upload(client, roster(*household("W020"))).context["token"]
    client.force_login(chengguan_clerk)
    assert client.get(f"/data/import/households/preview/{token}/").status_code == 404


def test_the_result_links_to_the_imported_households(client, lintan_clerk):
    client.force_login(lintan_clerk)
    token = upload(client, roster(*household("W030"))).context["token"]
    html = client.post("/data/import/households/confirm/", {"token": token}).content.decode()
    pk = Household.objects.get(code="W030").pk
    assert f'href="/households/{pk}/"' in html


def test_the_template_does_not_point_at_a_real_household(client, lintan_clerk):
    import io

    import openpyxl

    from .conftest import register

    register(lintan_clerk, "623021100201", "6230211002010001")  # the first household of 城关村
    client.force_login(lintan_clerk)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/data/templates/households.xlsx").content)).active
    example = sheet.cell(row=2, column=1).value
    assert example != "6230211002010001" and not Household.objects.filter(code=example).exists()
