"""The household roster out, in exactly the format the import reads, and the blank templates.

Exports stream: households are read in chunks with their members, yearly
records and status history prefetched per chunk; CSV goes out row by row,
XLSX through a write-only workbook into a temporary file.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from django.db.models import Prefetch, QuerySet
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from gannan.lib.tabular import choice_pairs, neutralise, zh_label
from villages.importers import village_columns

from .importers import Column, history_columns, roster_columns
from .models import Household, HouseholdYear, Member, StatusChange, mask_id

CHUNK = 500


def _label(column: Column, value: Any) -> Any:
    if value is None or value == "":
        return ""
    if column.choices == "bool":
        return "是" if value else "否"
    if column.choices is not None:
        return zh_label(column.choices, value)
    return value


def roster_queryset(households: QuerySet[Household]) -> QuerySet[Household]:
    return households.prefetch_related(
        Prefetch("members", queryset=Member.objects.order_by("id")),
        Prefetch("years", queryset=HouseholdYear.objects.order_by("-year")),
        Prefetch("status_changes", queryset=StatusChange.objects.order_by("date", "id")),
    ).order_by("code")


def roster_rows(households: QuerySet[Household], *, full_ids: bool) -> Iterator[list[Any]]:
    """The header, then one row per member: household columns repeated, history as four columns."""
    with translation.override("zh-hans"):
        columns = roster_columns()
        yield [c.header for c in columns]
        causes = dict(choice_pairs(next(c for c in columns if c.key == "main_cause").choices))
        for household in roster_queryset(households).iterator(chunk_size=CHUNK):
            history = history_columns([(c.status, c.date) for c in household.status_changes.all()])
            latest = next(iter(household.years.all()), None)
            shared: dict[str, Any] = {
                "household_code": household.code,
                "village_code": household.village_id,
                **{f: getattr(household, f) for f in ("attribute", "main_cause", "identified_year", "standard", "phone",
                                                      "housing_grade", "safe_water", "cadre_name", "cadre_unit", "cadre_phone")},
                "secondary_causes": "、".join(str(causes[c]) for c in household.secondary_causes if c in causes),
                "exit_year": history["exit_year"],
                "exit_type": history["exit_type"],
                "returned_year": history["returned_year"],
            }
            if latest is not None:
                shared["year"] = latest.year
                for c in columns:
                    if c.target == "year" and c.key != "year":
                        shared[c.key] = getattr(latest, c.key)
            for member in household.members.all():
                values = {**shared, **{c.key: getattr(member, c.key) for c in columns if c.target == "member"}}
                if not full_ids:
                    values["id_number"] = mask_id(member.id_number)
                yield [_label(c, values.get(c.key)) for c in columns]


def roster_csv(rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text chunks (UTF-8 with BOM, so Excel opens the Chinese correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for i, row in enumerate(rows):
        writer.writerow([neutralise(v) if not isinstance(v, Decimal | int | float) else v for v in row])
        if i % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def roster_xlsx(rows: Iterable[list[Any]], *, title: str = "贫困户信息采集表") -> IO[bytes]:
    """A write-only workbook in a temporary file (rewound), text cells stored as text, never as formulas."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=neutralise(value) if value != "" else None)
            if isinstance(value, str) and value:
                cell.data_type = "s"  # a leading = stays text
            cells.append(cell)
        sheet.append(cells)
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- handed to FileResponse, which closes it
    workbook.save(out)
    out.seek(0)
    return out


# --- blank templates ------------------------------------------------------------------------

def _example_roster() -> list[Any]:
    example = {
        "household_code": "6230211002010001", "village_code": "623021100201", "name": "扎西", "id_number": "623021198001011235",
        "relation": "户主", "attribute": "一般贫困户", "main_cause": "因病", "identified_year": 2014, "exit_year": 2016,
        "exit_type": "稳定脱贫", "returned_year": "", "income_per_capita": Decimal("4200.00"), "year": 2016,
    }
    return [example.get(c.key, "") for c in roster_columns()]


def template_workbook(kind: str) -> bytes:
    """The XLSX template of a format: headers (required ones marked), one example row, drop-down lists for codes."""
    with translation.override("zh-hans"):
        workbook = Workbook()
        sheet = workbook.active
        if kind == "households":
            sheet.title = "贫困户信息采集表"
            columns = roster_columns()
            headers = [(c.header, c.required) for c in columns]
            example = _example_roster()
            lists = [(i, c) for i, c in enumerate(columns) if c.choices is not None]
        else:
            sheet.title = "村级数据"
            vcols = village_columns()
            headers = [(zh, required) for _k, zh, _a, required in vcols]
            example = ["623021100201", "城关村", 2016, 1850, "是", "", 2011] + [""] * (len(vcols) - 7)
            lists = [(i, "bool") for i, (k, *_rest) in enumerate(vcols) if k not in ("village_code", "name", "year",
                                                                                   "rural_population", "exit_year",
                                                                                   "poor_listed_year")]
        sheet.append([h for h, _r in headers])
        for i, (_h, required) in enumerate(headers, start=1):
            cell = sheet.cell(row=1, column=i)
            cell.font = Font(bold=True)
            if required:
                cell.fill = PatternFill("solid", fgColor="FCE4D6")
            sheet.column_dimensions[cell.column_letter].width = 16
        sheet.append(example)
        id_col = next((i for i, (h, _r) in enumerate(headers, start=1) if h == "证件号码"), None)
        if id_col:
            sheet.cell(row=2, column=id_col).number_format = "@"
            # Text format for the whole column, so Excel keeps all 18 characters of the numbers typed in.
            sheet.column_dimensions[sheet.cell(row=1, column=id_col).column_letter].number_format = "@"
            sheet.column_dimensions[sheet.cell(row=1, column=id_col).column_letter].width = 22
        for i, spec in lists:
            choices = spec if isinstance(spec, str) else spec.choices
            labels = ["是", "否"] if choices == "bool" else [label for _v, label in choice_pairs(choices)]
            validation = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
            validation.error = "请从下拉列表中选择。"
            letter = sheet.cell(row=1, column=i + 1).column_letter
            validation.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
