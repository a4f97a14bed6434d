"""The outside test's bad uploads: each is refused with what is wrong (and where), changes nothing, and is not kept."""

import io
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from gannan.lib import tabular

from .test_import_households import HEADER, bad, household, roster


def gbk_lines(*rows) -> bytes:
    return roster(*rows, header=HEADER).split(b"\n", 1)[1].decode("utf-8").encode("gbk")


def xlsx(rows: list[list]) -> bytes:
    """An XLSX as Excel writes it (shared strings); xlsxwriter keeps a control character as _x0007_."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate([HEADER, *rows]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, str(value))
    book.close()
    return out.getvalue()


def test_a_csv_mixing_utf8_and_gbk_names_the_first_row_in_the_other_encoding(lintan_clerk):
    data = roster(*household("M1"), *household("M2")) + gbk_lines(*household("M3", size=1))
    # 扎西卓玛 would come out as 鎵庤タ鍗撶帥: refused instead.
    bad(lintan_clerk, data, column="", reason="第 6 行与前面的行编码不同")


def test_gbk_then_utf8_is_refused_too(lintan_clerk):
    data = roster(*household("M4")).decode("utf-8").encode("gbk") + roster(*household("M5")).split(b"\n", 1)[1]
    bad(lintan_clerk, data, column="", reason="混用了两种编码")


def test_a_whole_gbk_file_still_imports(lintan_clerk):
    from .test_import_households import run

    report = run(lintan_clerk, roster(*household("M6")).decode("utf-8").encode("gbk"))
    assert report.ok, report.errors


def test_a_nul_at_the_start_says_what_is_wrong(lintan_clerk):
    data = roster(*household("N1")).replace(b"N1-0", b"N1\x00-0", 1)
    bad(lintan_clerk, data, column="", reason="第 2 行含有 NUL 字符")


def test_a_nul_after_the_first_4_kb_is_refused_with_its_row(lintan_clerk):
    rows = [r for i in range(60) for r in household(f"N{100 + i}", size=1)]
    data = roster(*rows)
    assert len(data) > 4096
    data = data.replace(b"N159-0", b"N159\x00-0")
    bad(lintan_clerk, data, column="", reason="第 61 行含有 NUL 字符")


def test_a_control_character_in_an_xlsx_cell_names_its_row(lintan_clerk):
    rows = household("C1")
    rows[1][2] = "卓玛\x07"
    bad(lintan_clerk, xlsx(rows), column="", reason="第 3 行第 3 列含有控制字符", name="r.xlsx")


def test_xlsx_shared_strings_beyond_the_limit_are_refused(lintan_clerk, monkeypatch):
    data = xlsx(household("X1"))
    sizes = {i.filename: i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    monkeypatch.setattr(tabular, "XLSX_MAX_SHARED_STRINGS", sizes["xl/sharedStrings.xml"] - 1)
    bad(lintan_clerk, data, column="", reason="xl/sharedStrings.xml 解压后", name="r.xlsx")


def test_an_xlsx_sheet_beyond_the_part_limit_is_refused(lintan_clerk, monkeypatch):
    monkeypatch.setattr(tabular, "XLSX_MAX_PART", 100)
    bad(lintan_clerk, xlsx(household("X2")), column="", reason="超过上限", name="r.xlsx")


@pytest.mark.parametrize(
    "data",
    [
        roster(*household("U1")).replace(b"U1-0", b"U1\x00-0"),
        roster(*household("U2")) + gbk_lines(*household("U3", size=1)),
        b"%PDF-1.4 not a spreadsheet",
    ],
)
def test_a_refused_upload_is_not_kept_on_the_server(client, lintan_clerk, settings, data):
    client.force_login(lintan_clerk)
    page = client.post("/data/import/households/", {"file": SimpleUploadedFile("r.csv", data)})
    assert page.status_code == 422
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "imports"
    assert not folder.exists() or not any(folder.iterdir())


def test_an_accepted_preview_waits_in_private_media_until_the_cleanup(client, lintan_clerk, settings):
    from django.core.management import call_command

    client.force_login(lintan_clerk)
    page = client.post("/data/import/households/", {"file": SimpleUploadedFile("r.csv", roster(*household("P1")))})
    assert page.status_code == 200
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "imports"
    assert len(list(folder.iterdir())) == 1 and (folder.stat().st_mode & 0o077) == 0
    call_command("clear_pending_imports", hours=0)
    assert not any(folder.iterdir())


def test_a_made_up_confirmation_token_is_not_found(client, lintan_clerk):
    client.force_login(lintan_clerk)
    assert client.post("/data/import/households/confirm/", {"token": "../../etc/passwd"}).status_code == 404


def test_a_large_confirmed_import_runs_as_a_background_job_with_its_report(client, lintan_clerk, settings):
    from households.models import Household
    from jobs.models import Job, JobStatus

    settings.IMPORT_BACKGROUND_BYTES = 10
    client.force_login(lintan_clerk)
    checked = client.post("/data/import/households/", {"file": SimpleUploadedFile("big.csv", roster(*household("J1")))})
    check = Job.objects.get(user=lintan_clerk, kind="households.import_check")
    assert checked["Location"] == f"/jobs/{check.pk}/" and not Household.objects.filter(code="J1").exists()
    page = client.get(check.link)  # the preview the worker's check left, with the named changes
    assert "J1" in page.content.decode()
    token = page.context["token"]
    response = client.post("/data/import/households/confirm/", {"token": token})
    job = Job.objects.get(user=lintan_clerk, kind="households.import")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE and job.percent == 100
    assert Household.objects.filter(code="J1").exists()
    report = b"".join(client.get(f"/jobs/{job.pk}/download").streaming_content).decode()
    assert "导入完成" in report and "新增贫困户：1" in report
    assert not any((Path(settings.PRIVATE_MEDIA_ROOT) / "imports").iterdir())
