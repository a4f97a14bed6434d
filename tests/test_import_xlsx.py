"""XLSX rosters: read like CSV; IDs Excel turned into numbers only when exact; decompression bombs refused."""

import io
import zipfile

import openpyxl

from households.importers import households_import
from households.models import Household

from .conftest import make_id
from .test_import_households import HEADER, bad, household


def workbook(*rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_roster_is_imported(lintan_clerk):
    rows = household("X001", size=3, exit_year=2016, exit_type="稳定脱贫", income=4200.5)
    report = households_import(data=workbook(*rows), file_name="roster.xlsx", user=lintan_clerk)
    assert report.ok, [str(p) for p in report.errors]
    assert Household.objects.get(code="X001").member_count == 3


def test_an_id_stored_as_an_exact_integer_is_recovered(lintan_clerk):
    number = make_id()
    while number.endswith("X"):
        number = make_id()
    rows = household("X002", ids=[number, make_id()])
    rows[0][3] = 4242  # openpyxl writes floats; put the exact integer a tool like pandas writes into the XML
    data = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook(*rows))) as src, zipfile.ZipFile(data, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"<v>4242</v>", f"<v>{number}</v>".encode())
            dst.writestr(item, body)
    assert households_import(data=data.getvalue(), file_name="r.xlsx", user=lintan_clerk).ok
    assert Household.objects.get(code="X002").members.filter(id_number=number).exists()


def test_an_id_excel_rounded_to_a_float_is_refused(lintan_clerk):
    rows = household("X003")
    rows[0][3] = 6.23021198001011e17
    report = bad(lintan_clerk, workbook(*rows), column="证件号码", reason="存成了数字", name="r.xlsx")
    assert report.errors[0].row == 2


def test_a_decompression_bomb_is_refused(lintan_clerk):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "0" * (50 * 1024 * 1024))
    bad(lintan_clerk, out.getvalue(), column="", reason="解压后过大", name="bomb.xlsx")


def test_an_old_xls_file_is_refused_with_advice(lintan_clerk):
    bad(lintan_clerk, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, column="", reason="另存为 .xlsx", name="r.xls")
