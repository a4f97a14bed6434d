"""The import pages: upload → preview (nothing written) → confirm; only clerks and admins."""

from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from households.models import Household

from .test_import_households import household, roster


def upload(client, data: bytes, name="roster.csv", kind="households"):
    return client.post(f"/data/import/{kind}/", {"file": SimpleUploadedFile(name, data)})


def test_a_clerk_previews_then_confirms_an_import(client, lintan_clerk):
    client.force_login(lintan_clerk)
    page = upload(client, roster(*household("W001", size=3)))
    assert page.status_code == 200
    text = page.content.decode()
    assert "导入预览" in text and "新增贫困户" in text and "确认导入" in text
    assert not Household.objects.filter(code="W001").exists()
    token = page.context["token"]
    done = client.post("/data/import/households/confirm/", {"token": token})
    assert "导入完成" in done.content.decode()
    assert Household.objects.get(code="W001").member_count == 3
    assert AuditEntry.objects.filter(action="import", batch="导入 roster.csv by lintan_clerk").count() == 1
    # The token is spent.
    assert client.post("/data/import/households/confirm/", {"token": token}).status_code == 404


def test_the_preview_lists_every_error_with_row_column_value_and_reason(client, lintan_clerk):
    client.force_login(lintan_clerk)
    rows = household("W002", village="623022100201") + household("W003", income="abc")
    page = upload(client, roster(*rows))
    assert page.status_code == 422
    text = page.content.decode()
    assert "未导入" in text and "确认导入" not in text
    assert "623022100201" in text and "不在您的管辖范围内" in text
    assert "abc" in text and "不是有效的数字" in text


def test_a_token_from_another_session_is_refused(client, lintan_clerk, chengguan_clerk):
    client.force_login(lintan_clerk)
    token = upload(client, roster(*household("W004"))).context["token"]
    client.logout()
    client.force_login(chengguan_clerk)
    assert client.post("/data/import/households/confirm/", {"token": token}).status_code == 404
    assert not Household.objects.filter(code="W004").exists()


def test_an_oversized_upload_is_refused_with_a_clear_message(client, lintan_clerk, settings):
    settings.IMPORT_MAX_BYTES = 50
    client.force_login(lintan_clerk)
    page = upload(client, roster(*household("W005")))
    assert page.status_code == 400 and "超过导入上限" in page.content.decode()


def test_officials_cannot_import_but_see_exports(client, lintan_official):
    client.force_login(lintan_official)
    assert client.get("/data/import/households/").status_code == 403
    index = client.get("/data/").content.decode()
    assert "导出 CSV" in index and "导入贫困户信息采集表" not in index


def test_the_index_offers_imports_to_clerks(client, lintan_clerk):
    client.force_login(lintan_clerk)
    index = client.get("/data/").content.decode()
    assert "导入贫困户信息采集表" in index and "导入村级数据" in index and "模板" in index
