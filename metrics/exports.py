"""Every metric table of a region's dashboard as one XLSX workbook: a sheet per table, Chinese titles and units.

The tables are the overview's own (the same `Dashboard`), so the workbook, the
page, its CSV files and the API show the same numbers. Numbers are numeric
cells; text cells are stored as text and neutralised against formulas.
"""

import re
import tempfile
from typing import IO, Any

import pandas as pd
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from gannan.lib.tabular import neutralise

from . import compute, registry
from .dashboard import Dashboard

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


def _sheet_names() -> dict[str, str]:
    """Chart key → sheet name (31 characters at most, none of []:*?/\\)."""
    return {
        "by_cause": _("按主要致贫原因"),
        "by_attribute": _("按贫困户属性"),
        "exits": _("脱贫人口与计划"),
        "waterfall": _("贫困人口增减"),
        "guarantees": _("两不愁三保障"),
        "checklist": _("六有六通"),
    }


def _units() -> dict[str, str]:
    """Column header → unit, for the columns of the chart tables; registry labels first."""
    units = {str(i.label): str(i.unit) for i in registry.INDICATORS.values()}
    people, households = str(registry.PEOPLE), str(registry.HOUSEHOLDS)
    units.update(
        {
            _("人数"): people,
            _("计划脱贫人口"): people,
            _("未达标户数"): households,
            _("有年度记录的贫困户数"): households,
            _("达标项数"): _("项"),
        }
    )
    return units


def _with_unit(label: str, unit: str | None) -> str:
    if not unit or label.endswith(f"({unit})"):
        return label
    return f"{label}（{unit}）"


def _indicators() -> list[registry.Indicator]:
    """The registry's scalar figures that the region table carries, in registry order."""
    return [i for i in registry.INDICATORS.values() if i.key in compute.SCALAR_KEYS]


def _values(table: pd.DataFrame, child: str, year: int, indicators: list[registry.Indicator]) -> list[Any]:
    row = compute.row_dict(table, child, year)
    return [row[i.key] for i in indicators]


def _value(value: Any) -> Any:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return neutralise(value)
    if hasattr(value, "item"):  # numpy scalar → int / float
        return value.item()
    return value


class _Book:
    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)

    def table(self, name: str, title: str, header: list[str], rows: list[list[Any]], note: str = "") -> None:
        sheet = self.workbook.create_sheet(name)
        sheet.column_dimensions["A"].width = 16
        sheet.column_dimensions["B"].width = 16
        sheet.append([self._cell(sheet, neutralise(title), TITLE)])
        if note:
            sheet.append([self._cell(sheet, neutralise(note))])
        sheet.append([self._cell(sheet, neutralise(h), BOLD) for h in header])
        for row in rows:
            sheet.append([self._cell(sheet, _value(v)) for v in row])

    @staticmethod
    def _cell(sheet: WriteOnlyWorksheet, value: Any, font: Font | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # a leading = stays text
        if font is not None:
            cell.font = font
        return cell

    def save(self) -> IO[bytes]:
        out = tempfile.TemporaryFile()  # noqa: SIM115 -- handed to FileResponse, which closes it
        self.workbook.save(out)
        out.seek(0)
        return out


def metrics_workbook(*, board: Dashboard) -> IO[bytes]:
    """The workbook of `board` (call under the Chinese locale).

    Sheets: the region by year, its sub-regions, every chart's table, the definitions.
    """
    division, year, figures = board.division, board.year, board.figures
    indicators = _indicators()
    headers = [_with_unit(str(i.label), str(i.unit)) for i in indicators]
    book = _Book()
    book.table(
        _("历年指标"),
        _("%(region)s历年主要指标（%(first)d—%(last)d年，各年末）")
        % {"region": division.name, "first": figures.years[0], "last": figures.years[-1]},
        [_("年度"), *headers],
        [[y, *_values(figures.table, "", y, indicators)] for y in figures.years],
    )
    if figures.children:
        book.table(
            _("各下级区划"),
            _("%(region)s各下级区划主要指标（%(year)d年末）") % {"region": division.name, "year": year},
            [_("区划代码"), _("区划"), *headers],
            [[c.code, c.name, *_values(figures.table, c.code, year, indicators)] for c in figures.children],
        )
    units = _units()
    names = _sheet_names()
    # The trend and the sub-regions' incidence are columns of the two tables above; every other chart has its sheet.
    shown = [c for c in board.charts + board.funds.charts if c.key not in ("trend", "incidence_by_region")]
    for chart in sorted(shown, key=lambda c: list(names).index(c.key) if c.key in names else len(names)):
        key = chart.key
        name = names.get(key) or re.sub(r"[][:*?/\\]", "", chart.title)[:31]
        note = _("1 = 达标，0 = 未达标，空白 = 当年无记录") if key == "checklist" else ""
        # Our charts of one year say which; the exits run over every year; other apps' charts carry their period.
        title = chart.title
        if key == "exits":
            title += _("（%(first)d—%(last)d年）") % {"first": figures.years[0], "last": figures.years[-1]}
        elif key in names and str(year) not in title:
            title += _("（%(year)d年）") % {"year": year}
        book.table(
            name,
            f"{division.name}{title}",
            [_with_unit(str(c), units.get(str(c))) for c in chart.table.columns],
            chart.table.astype(object).to_numpy().tolist(),
            note=note,
        )
    book.table(
        _("指标说明"),
        _("指标说明"),
        [_("指标"), _("单位"), _("定义"), _("代码")],
        [
            [str(i.label), str(i.unit), str(i.definition), i.key]
            for i in indicators + [registry.get("by_cause"), registry.get("by_attribute")]
        ],
    )
    return book.save()
