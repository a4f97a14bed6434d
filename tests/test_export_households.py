"""Roster exports: the import's own format, scoped, masked unless an admin asks, safe to open in Excel."""

import csv
import io
import re

import openpyxl
import pytest
from django.db import connection

from audit.models import AuditEntry
from households.importers import households_import
from households.models import Household, HouseholdYear, Member, Status, StatusChange
from households.services import household_update

from .conftest import change_status, record_year, register


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def exported(client, url: str):
    """The export's file: CSV straight away; XLSX through its background job's download link."""
    response = client.get(url)
    if response.status_code == 302 and "/jobs/" in response["Location"]:
        return client.get(response["Location"].rstrip("/") + "/download")
    return response


def csv_rows(response):
    """The CSV's rows without its trailer ("# 导出完成，共 N 行")."""
    rows = list(csv.reader(io.StringIO(content(response).decode("utf-8-sig"))))
    assert rows[-1][0].startswith("# 导出完成")
    return rows[:-1]


@pytest.fixture
def registry(lintan_clerk, zhuoni_clerk):
    from datetime import date

    a = register(lintan_clerk, "623021100201", "H001", size=3, year=2014)
    record_year(lintan_clerk, a, 2016, income="4500")
    change_status(lintan_clerk, a, Status.EXITED_CONSOLIDATING, date(2016, 12, 31))
    change_status(lintan_clerk, a, Status.EXITED_STABLE, date(2017, 12, 31))
    b = register(lintan_clerk, "623021101201", "H002", size=2, year=2015, main_cause=2)
    record_year(lintan_clerk, b, 2015, income="2000", passed=False)
    change_status(lintan_clerk, b, Status.EXITED_STABLE, date(2015, 12, 31))
    change_status(lintan_clerk, b, Status.RETURNED, date(2017, 6, 1))
    b.refresh_from_db()

    household_update(
        user=lintan_clerk,
        household=b,
        data={"phone": "=1+2", "cadre_name": '=HYPERLINK("http://x")', "cadre_unit": "-县扶贫办"},
        version=b.version,
    )
    register(zhuoni_clerk, "623022100201", "Z001", size=2)
    return a, b


def test_an_admin_export_reimports_as_unchanged(client, admin, registry):
    client.force_login(admin)
    for fmt in ("csv", "xlsx"):
        response = exported(client, f"/data/export/households.{fmt}?full=1")
        assert response.status_code == 200
        before = (
            Household.objects.count(),
            Member.objects.count(),
            StatusChange.objects.count(),
            HouseholdYear.objects.count(),
        )
        audits = AuditEntry.objects.exclude(action="export").count()
        report = households_import(data=content(response), file_name=f"export.{fmt}", user=admin)
        assert report.ok, [str(p) for p in report.errors]
        assert report.counts["households_unchanged"] == 3 and report.counts["members_unchanged"] == 7
        assert report.changed == 0
        assert before == (
            Household.objects.count(),
            Member.objects.count(),
            StatusChange.objects.count(),
            HouseholdYear.objects.count(),
        )
        assert AuditEntry.objects.exclude(action="export").count() == audits
    assert AuditEntry.objects.filter(action="export", user=admin).count() == 2


def test_ids_are_masked_unless_an_admin_asks_for_them(client, lintan_official, admin, registry):
    client.force_login(lintan_official)
    rows = csv_rows(client.get("/data/export/households.csv"))
    ids = [r[3] for r in rows[1:]]
    assert ids and all("********" in i for i in ids)
    assert client.get("/data/export/households.csv?full=1").status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()
    client.force_login(admin)
    rows = csv_rows(client.get("/data/export/households.csv?full=1"))
    assert all("*" not in r[3] for r in rows[1:])


def test_a_masked_export_cannot_be_imported_by_mistake(client, lintan_clerk, registry):
    client.force_login(lintan_clerk)
    report = households_import(
        data=content(client.get("/data/export/households.csv")), file_name="m.csv", user=lintan_clerk
    )
    assert not report.ok and "已部分隐藏" in report.errors[0].reason and report.errors[0].row == 2


def test_an_export_holds_only_the_readers_region_and_the_lists_filters(client, chengguan_clerk, zhuoni_clerk, registry):
    client.force_login(chengguan_clerk)
    codes = {r[0] for r in csv_rows(client.get("/data/export/households.csv"))[1:]}
    assert codes == {"H001"}
    client.force_login(zhuoni_clerk)
    codes = {r[0] for r in csv_rows(client.get("/data/export/households.csv"))[1:]}
    assert codes == {"Z001"}
    # Another county answers exactly like a division that does not exist: 400 naming the filter, no rows.
    foreign = client.get("/data/export/households.csv?division=623021")
    unknown = client.get("/data/export/households.csv?division=623029")
    assert foreign.status_code == unknown.status_code == 400
    reasons = [
        re.search(r'<ul class="errorlist">(.*?)</ul>', r.content.decode(), re.S).group(1) for r in (foreign, unknown)
    ]
    assert reasons[0].replace("623021", "X") == reasons[1].replace("623029", "X")
    assert "筛选条件“区划”" in reasons[0]


def test_filters_narrow_the_export(client, pref_official, registry):
    client.force_login(pref_official)
    codes = {r[0] for r in csv_rows(client.get("/data/export/households.csv?status=returned"))[1:]}
    assert codes == {"H002"}
    codes = {r[0] for r in csv_rows(client.get("/data/export/households.csv?main_cause=2"))[1:]}
    assert codes == {"H002"}


def test_the_export_writes_history_as_the_import_reads_it(client, pref_official, registry):
    client.force_login(pref_official)
    rows = csv_rows(client.get("/data/export/households.csv"))
    header, h002 = rows[0], next(r for r in rows if r[0] == "H002")
    row = dict(zip(header, h002, strict=True))
    assert (row["识别年度"], row["脱贫年度"], row["脱贫类型"], row["返贫年度"]) == ("2015", "2015", "稳定脱贫", "2017")
    assert row["人均纯收入"] == "2000.00" and row["主要致贫原因"] == "因残" and row["与户主关系"] in ("户主", "子")


def test_formulas_are_neutralised_and_negative_numbers_stay_numbers(client, pref_official, lintan_clerk, registry):
    from decimal import Decimal

    from households.services import household_year_save

    a = registry[0]
    household_year_save(
        user=lintan_clerk,
        household=a,
        year=2017,
        data={
            "income_per_capita": Decimal("100"),
            "income_wages": Decimal("400"),
            "income_production": Decimal("-300"),
        },
    )
    client.force_login(pref_official)
    rows = csv_rows(client.get("/data/export/households.csv"))
    header = rows[0]
    h002 = dict(zip(header, next(r for r in rows if r[0] == "H002"), strict=True))
    assert h002["联系电话"] == "'=1+2" and h002["帮扶责任人"].startswith("'=HYPERLINK")
    assert h002["帮扶单位"] == "'-县扶贫办"
    h001 = dict(zip(header, next(r for r in rows if r[0] == "H001"), strict=True))
    assert h001["生产经营性收入（人均，元）"] == "-300.00"
    book = openpyxl.load_workbook(io.BytesIO(content(exported(client, "/data/export/households.xlsx"))))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    cells = {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
    phone = cells["H002"]["帮扶责任人"]
    assert phone.data_type == "s" and phone.value.startswith("'=HYPERLINK")  # the one neutraliser, as in the CSV
    production = cells["H001"]["生产经营性收入（人均，元）"]
    assert production.data_type == "n" and production.value == -300


def test_the_export_streams_without_loading_everything(client, pref_official, registry, django_assert_max_num_queries):
    client.force_login(pref_official)
    response = client.get("/data/export/households.csv")
    assert response.streaming
    with django_assert_max_num_queries(8):
        assert len(content(response).splitlines()) == 1 + 7 + 1  # header, members, trailer


def test_templates_have_headers_an_example_and_drop_downs(client, lintan_clerk):
    client.force_login(lintan_clerk)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/data/templates/households.xlsx").content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:12] == [
        "户编号",
        "行政区划代码",
        "姓名",
        "证件号码",
        "与户主关系",
        "贫困户属性",
        "主要致贫原因",
        "识别年度",
        "脱贫年度",
        "脱贫类型",
        "返贫年度",
        "人均纯收入",
    ]
    assert sheet.cell(row=2, column=1).value
    lists = [dv.formula1 for dv in sheet.data_validations.dataValidation]
    assert any("因病" in f for f in lists) and any("户主" in f for f in lists) and any("稳定脱贫" in f for f in lists)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/data/templates/villages.xlsx").content))
    assert [c.value for c in book.active[1]][:6] == [
        "行政区划代码",
        "村名",
        "年度",
        "农业户籍人口",
        "是否贫困村",
        "出列年度",
    ]


def test_the_templates_example_row_imports(client, lintan_clerk):
    client.force_login(lintan_clerk)
    data = client.get("/data/templates/households.xlsx").content
    report = households_import(data=data, file_name="模板.xlsx", user=lintan_clerk, dry_run=True)
    assert report.ok, [str(p) for p in report.errors]
    assert report.counts["households_create"] == 1


def test_the_csv_starts_streaming_before_the_register_is_read(
    client, pref_official, registry, django_assert_num_queries
):
    client.force_login(pref_official)
    response = client.get("/data/export/households.csv")
    assert response.streaming
    chunks = iter(response.streaming_content)
    with django_assert_num_queries(0):  # the BOM and the header go out before any household is read
        first = next(chunks) + next(chunks)
    assert first.decode("utf-8-sig").startswith("户编号,行政区划代码,姓名")
    rest = b"".join(chunks).decode()
    assert rest.rstrip().splitlines()[-1] == "# 导出完成，共 7 行"


def test_a_csv_cut_short_has_no_trailer(client, pref_official, registry, monkeypatch):
    """A stream that fails part-way must not look like a complete file: only a finished one ends with the trailer."""
    from households import exports

    if connection.vendor == "postgresql":  # one COPY per household; the second fails
        real_copy = exports._copied
        calls = []

        def failing_copy(sql, params):
            calls.append(1)
            if len(calls) == 2:
                raise ConnectionError("database went away")
            return real_copy(sql, params)

        monkeypatch.setattr(exports, "COPY_CHUNK", 1)
        monkeypatch.setattr(exports, "_copied", failing_copy)
    else:
        real = exports.roster_rows

        def failing(households, **kw):
            for i, row in enumerate(real(households, **kw)):
                if i == 4:
                    raise ConnectionError("database went away")
                yield row

        monkeypatch.setattr(exports, "roster_rows", failing)
    client.force_login(pref_official)
    response = client.get("/data/export/households.csv")
    received = []
    with pytest.raises(ConnectionError):
        for chunk in response.streaming_content:
            received.append(chunk)
    text = b"".join(received).decode()
    assert text.lstrip("\ufeff").startswith("户编号") and "导出完成" not in text


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's (DATABASE_URL=postgres://…)"
)
@pytest.mark.parametrize("full_ids", [False, True])
def test_the_csv_from_copy_is_the_reference_rows_byte_for_byte(registry, lintan_clerk, monkeypatch, full_ids):
    """The same bytes from COPY as from `roster_rows`: labels, masked IDs, guarded formulas, history, a chunk each."""
    from households import exports

    a, b = registry
    b.refresh_from_db()
    household_update(
        user=lintan_clerk, household=b, data={"secondary_causes": [4, 2], "safe_water": False}, version=b.version
    )
    register(lintan_clerk, "623021100201", "H003", size=1)  # no yearly record, never exited
    monkeypatch.setattr(exports, "COPY_CHUNK", 2)
    households = Household.objects.all()
    copied = "".join(exports.roster_download(households, full_ids=full_ids))
    reference = "".join(exports.roster_csv(exports.roster_rows(households, full_ids=full_ids)))
    assert copied == reference
    rows = list(csv.reader(io.StringIO(copied.removeprefix("\ufeff"))))
    assert rows[-1] == ["# 导出完成，共 8 行"]
    h002 = next(r for r in rows if r[0] == "H002")
    assert "'=1+2" in h002 and "返贫" not in h002 and "2017" in h002  # returned in 2017
    assert ("623021" in h002[3]) and (("*" in h002[3]) != full_ids)


def test_the_xlsx_runs_as_a_job_with_progress_and_a_download(client, lintan_clerk, registry):
    from jobs.models import Job, JobStatus

    client.force_login(lintan_clerk)
    response = client.get("/data/export/households.xlsx?division=623021")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE and (job.done, job.total) == (2, 2)  # two households of 临潭县
    download = client.get(f"/jobs/{job.pk}/download")
    assert download["Content-Disposition"].endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content(download))).active
    codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(set(codes)) == ["H001", "H002"] and len(codes) == 5
    assert sheet.cell(row=1, column=1).value == "户编号"


def test_the_csv_trailer_is_skipped_when_the_file_is_imported_again(client, admin, registry):
    client.force_login(admin)
    data = content(client.get("/data/export/households.csv?full=1"))
    assert data.decode("utf-8-sig").rstrip().endswith("# 导出完成，共 7 行")
    report = households_import(data=data, file_name="again.csv", user=admin, dry_run=True)
    assert report.ok and report.rows == 7
