"""The village import: villages under their township (from the code), their poor listing and yearly population.

The reading is gannan.lib.tabular's; the writing goes through villages.services.
"""

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import Action, audit_record
from gannan.lib.tabular import CellError, FileRefused, Report, boolean, integer, map_columns, read_table, text, year

from .models import VILLAGE_ITEMS, Division, Level
from .scope import in_scope
from .services import village_upsert, village_year_upsert

if TYPE_CHECKING:
    from accounts.models import User

# --- the village format -----------------------------------------------------------------

VILLAGE_COLUMNS = [
    ("village_code", "行政区划代码", "village_code", True),
    ("name", "村名", "name", True),
    ("year", "年度", "year", True),
    ("rural_population", "农业户籍人口", "rural_population", True),
    ("is_poor_village", "是否贫困村", "is_poor_village", True),
    ("exit_year", "出列年度", "exit_year", True),
    ("poor_listed_year", "列入贫困村年度", "poor_listed_year", False),
    *[(key, str(label), key, False) for key, label in VILLAGE_ITEMS],
]
VILLAGE_COUNT_LABELS = {
    "villages_create": gettext_lazy("新增村"),
    "villages_update": gettext_lazy("修改村"),
    "villages_unchanged": gettext_lazy("村未变"),
    "years_create": gettext_lazy("新增村年度记录"),
    "years_update": gettext_lazy("修改村年度记录"),
    "years_unchanged": gettext_lazy("村年度记录未变"),
}


def village_columns() -> list[tuple[str, str, str, bool]]:
    with translation.override("zh-hans"):
        return [(k, str(zh), alias, req) for k, zh, alias, req in VILLAGE_COLUMNS]


def villages_import(*, data: bytes, file_name: str, user: "User", dry_run: bool = False) -> Report:
    """Import the village format: villages under their township (from the code), poor listing, yearly population.

    All or nothing; re-importing the same file changes nothing.
    """
    report = Report(file_name=file_name)
    report.counts = dict.fromkeys(VILLAGE_COUNT_LABELS, 0)
    if not user.can_edit_households:
        report.error(None, "", "", _("您没有导入数据的权限。"))
        return report
    planned: dict[str, dict[str, Any]] = {}
    years: dict[tuple[str, int], dict[str, Any]] = {}
    first_row: dict[str, int] = {}
    try:
        header, rows = read_table(data, file_name, max_bytes=settings.IMPORT_MAX_BYTES)
        index = map_columns(header, village_columns(), report)
        if report.errors:
            return report
        _read_villages(rows, index, report, planned, years, first_row)
    except FileRefused as e:
        report.error(None, "", "", str(e))
        return report
    codes = list(planned)
    existing = Division.objects.in_bulk(codes + [c[:9] for c in codes])
    for code in planned:
        number = first_row[code]
        township = existing.get(code[:9])
        if not in_scope(user, code):
            report.error(number, "行政区划代码", code, _("该村不在您的管辖范围内。"))
        elif township is None or township.level != Level.TOWNSHIP:
            report.error(number, "行政区划代码", code, _("找不到上级乡镇 %(t)s。") % {"t": code[:9]})
        elif code in existing and existing[code].level != Level.VILLAGE:
            report.error(number, "行政区划代码", code, _("该代码不是村一级。"))
    if report.errors:
        return report
    batch = f"导入 {file_name} by {user.username}"
    with transaction.atomic():
        villages: dict[str, Division] = {}
        for code, row in planned.items():
            villages[code], outcome = village_upsert(user=user, code=code, fields=row, batch=batch)
            report.counts[f"villages_{outcome}"] += 1
        for (code, y), fields in years.items():
            _record, outcome = village_year_upsert(user=user, village=villages[code], year=y, data=fields, batch=batch)
            report.counts[f"years_{outcome}"] += 1
        if report.changed and not dry_run:
            audit_record(
                user=user,
                action=Action.IMPORT,
                object_type="import",
                object_id=file_name[:64],
                changes=report.counts,
                region_code=user.region_code,
                summary=_("导入村级数据 %(name)s") % {"name": file_name},
                batch=batch,
            )
        if dry_run:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


def _read_villages(
    rows: Iterator[tuple[int, list[Any]]],
    index: dict[str, int],
    report: Report,
    planned: dict[str, dict[str, Any]],
    years: dict[tuple[str, int], dict[str, Any]],
    first_row: dict[str, int],
) -> None:
    """Parse every row into `planned` villages and their `years`, checking what the file alone can show."""
    for number, cells in rows:
        report.rows += 1
        row = _village_row(number, cells, index, report)
        if row is None:
            continue
        code = row["code"]
        known = planned.get(code)
        if known is not None:
            # 出列年度 may be left blank on the rows of the years before the exit.
            exits = {known["poor_exit_year"], row["poor_exit_year"]} - {None}
            if (known["name"], known["is_poor_village"]) != (row["name"], row["is_poor_village"]) or len(exits) > 1:
                report.error(
                    number, "村名", row["name"], _("与第 %(n)d 行同一村的信息不一致。") % {"n": first_row[code]}
                )
                continue
            known["poor_exit_year"] = known["poor_exit_year"] or row["poor_exit_year"]
        planned.setdefault(code, row)
        first_row.setdefault(code, number)
        if (code, row["year"]) in years:
            report.error(number, "年度", row["year"], _("同一村同一年度重复。"))
        years[(code, row["year"])] = row["year_fields"]


def _village_row(number: int, cells: list[Any], index: dict[str, int], report: Report) -> dict[str, Any] | None:
    def cell(key: str) -> Any:
        i = index.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    errors_before = len(report.errors)
    columns = {k: zh for k, zh, _alias, _req in village_columns()}
    row: dict[str, Any] = {"year_fields": {}}

    def parse(key: str, parser: Callable[[Any], Any], *, required: bool = False) -> Any:
        raw = cell(key)
        if text(raw) == "":
            if required:
                report.error(number, columns[key], raw, _("不能为空。"))
            return None
        try:
            return parser(raw)
        except CellError as e:
            report.error(number, columns[key], raw, str(e))
            return None

    code = text(cell("village_code"))
    if not re.fullmatch(r"\d{12}", code):
        report.error(number, columns["village_code"], code, _("村级行政区划代码应为12位数字。"))
    row["code"] = code
    row["name"] = text(cell("name"))
    if not row["name"]:
        report.error(number, columns["name"], "", _("不能为空。"))
    row["year"] = parse("year", year, required=True)
    population = parse("rural_population", integer)
    if population is not None and population < 0:
        report.error(number, columns["rural_population"], population, _("不能为负数。"))
    row["year_fields"]["rural_population"] = population
    row["is_poor_village"] = bool(parse("is_poor_village", boolean))
    row["poor_exit_year"] = parse("exit_year", year)
    if index.get("poor_listed_year") is not None:
        row["poor_listed_year"] = parse("poor_listed_year", year)
    if row["poor_exit_year"] and not row["is_poor_village"]:
        report.error(number, columns["exit_year"], row["poor_exit_year"], _("非贫困村不能有出列年度。"))
    for key, _label in VILLAGE_ITEMS:
        if index.get(key) is not None and text(cell(key)) != "":
            row["year_fields"][key] = parse(key, boolean)
    return row if len(report.errors) == errors_before else None
