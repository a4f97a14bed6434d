"""Reading spreadsheets (CSV or XLSX) for bulk imports, and the village import.

The reading half is shared with the household roster import
(`households.importers`): both formats come in as a header and numbered rows,
and every problem is reported as (row, column, value, reason).
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import charset_normalizer
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import Action, audit_record, diff, snapshot

from .models import VILLAGE_ITEMS, Division, Level, VillageYear
from .scope import in_scope

if TYPE_CHECKING:
    from accounts.models import User

# An XLSX is a zip of XML: refuse archives that inflate beyond this, or by more than this ratio.
XLSX_MAX_UNPACKED = 400 * 1024 * 1024
XLSX_MAX_RATIO = 200
FIRST_YEAR = 2000
# Cells that a spreadsheet program would run as a formula.
FORMULA_START = ("=", "+", "-", "@")


class FileRefused(Exception):
    """The file as a whole cannot be read (size, encoding, format, no rows)."""


@dataclass
class Problem:
    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = _("第 %(n)d 行") % {"n": self.row} if self.row else _("文件")
        parts = [where]
        if self.column:
            parts.append(self.column)
        if self.value:
            parts.append(f"“{self.value}”")
        return " ".join(parts) + "：" + self.reason


@dataclass
class Report:
    """What an import did, or would do (dry run)."""

    file_name: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    applied: bool = False
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> int:
        return sum(v for k, v in self.counts.items() if not k.endswith("unchanged"))

    def error(self, row: int | None, column: str, value: Any, reason: str) -> None:
        self.errors.append(Problem(row, column, _display(value), reason))

    def warn(self, row: int | None, column: str, value: Any, reason: str) -> None:
        self.warnings.append(Problem(row, column, _display(value), reason))

    def lines(self, labels: Mapping[str, str | Promise]) -> list[str]:
        """The report as text lines (the command line prints these)."""
        out = [_("文件：%(name)s，数据行：%(rows)d") % {"name": self.file_name, "rows": self.rows}]
        out += [f"{labels.get(k, k)}：{v}" for k, v in self.counts.items()]
        out += [_("错误：%(p)s") % {"p": p} for p in self.errors]
        out += [_("提示：%(p)s") % {"p": p} for p in self.warnings]
        if self.errors:
            out.append(_("共 %(n)d 个错误，未导入任何数据。") % {"n": len(self.errors)})
        elif self.applied:
            out.append(_("导入完成。"))
        else:
            out.append(_("预览（未写入数据库）。"))
        return out


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)[:100]


# --- reading ---------------------------------------------------------------------------


def check_size(size: int) -> None:
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise FileRefused(
            _("文件大小 %(size).1f MB，超过导入上限 %(limit).1f MB。请拆分成几个文件分别导入。")
            % {"size": size / 1024 / 1024, "limit": limit / 1024 / 1024}
        )


BINARY_MAGIC = [b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"Rar!", b"\x1f\x8b", b"7z\xbc\xaf"]


def read_table(data: bytes, name: str) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """The header and the (row number, cells) of the first sheet of a CSV or XLSX file.

    Row numbers are the spreadsheet's own (the header is row 1). Raises
    FileRefused with the reason when the file cannot be read at all.
    """
    check_size(len(data))
    if not data.strip():
        raise FileRefused(_("文件是空的。"))
    if data[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRefused(_("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV（UTF-8）后再导入。"))
    elif any(data.startswith(m) for m in BINARY_MAGIC):
        raise FileRefused(_("这不是电子表格文件。请上传 .xlsx 或 .csv 文件。"))
    else:
        rows = _csv_rows(_decode(data))
    for _number, cells in rows:
        if any(c not in (None, "") for c in cells):
            header = [normalize_header(c) for c in cells]
            break
    else:
        raise FileRefused(_("文件是空的。"))
    body = ((n, cells) for n, cells in rows if any(c not in (None, "") and str(c).strip() for c in cells))
    return header, _first_or_empty(body)


def _first_or_empty(rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    first = next(rows, None)
    if first is None:
        raise FileRefused(_("文件只有表头，没有数据行。"))

    def chain() -> Iterator[tuple[int, list[Any]]]:
        yield first
        yield from rows

    return chain()


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or the GB family, detected; anything else is refused."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FileRefused(_("文件编码是 UTF-16，无法识别。请另存为“CSV UTF-8（逗号分隔）”或 GBK 编码的 CSV。"))
    if b"\x00" in data[:4096]:
        raise FileRefused(_("这不是电子表格文件。请上传 .xlsx 或 .csv 文件。"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    guess = charset_normalizer.from_bytes(data[:200_000]).best()
    encoding = (guess.encoding if guess else "") or ""
    # charset-normalizer often names a GB text "gb2312", "gbk" or "big5" on short samples: GB18030 decodes all of GB.
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRefused(
            _("无法识别文件编码（检测结果：%(enc)s）。请另存为“CSV UTF-8（逗号分隔）”或 GBK 编码的 CSV。")
            % {"enc": encoding or _("未知")}
        ) from None
    if any(unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\r\n\t" for ch in text[:20_000]):
        raise FileRefused(
            _("无法识别文件编码（检测结果：%(enc)s）。请另存为“CSV UTF-8（逗号分隔）”或 GBK 编码的 CSV。")
            % {"enc": encoding or _("未知")}
        )
    return text


def _csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    yield from enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise FileRefused(_("这不是电子表格文件。请上传 .xlsx 或 .csv 文件。")) from None
    if unpacked > XLSX_MAX_UNPACKED or unpacked > XLSX_MAX_RATIO * max(len(data), 1):
        raise FileRefused(_("XLSX 文件解压后过大（%(mb)d MB），已拒绝。请检查文件或改用 CSV。") % {"mb": unpacked // 1024 // 1024})
    if "xl/workbook.xml" not in archive.namelist():
        raise FileRefused(_("这不是电子表格文件。请上传 .xlsx 或 .csv 文件。"))
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise FileRefused(_("XLSX 文件已损坏，无法读取。")) from None
    sheet = workbook.worksheets[0]
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, list(cells)
    workbook.close()


def normalize_header(value: Any) -> str:
    """Headers compare after NFKC (full-width brackets), without spaces, required-marks or case."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip().strip("*").strip()
    return re.sub(r"\s+", "", text).lower()


def map_columns(header: list[str], columns: list[tuple[str, str, str, bool]], report: Report) -> dict[str, int]:
    """{key: index} for the header, from (key, Chinese header, English alias, required) specs.

    Missing required columns and duplicates go to the report.
    """
    index: dict[str, int] = {}
    lookup = {}
    for key, zh, alias, _required in columns:
        lookup[normalize_header(zh)] = key
        lookup[normalize_header(alias)] = key
    for i, name in enumerate(header):
        if name not in lookup:
            continue
        key = lookup[name]
        if key in index:
            report.error(1, name, name, _("列重复。"))
        index[key] = i
    missing = [f"{zh}（{alias}）" for key, zh, alias, required in columns if required and key not in index]
    if missing:
        report.error(1, "", "", _("缺少必填列：%(cols)s。") % {"cols": "、".join(missing)})
    return index


# --- cell values -----------------------------------------------------------------------


class CellError(ValueError):
    pass


def text(value: Any) -> str:
    """A cell as stripped text; a leading ' that neutralised a formula (our exports) is dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    s = unicodedata.normalize("NFKC", str(value)).strip() if not isinstance(value, str) else value.strip()
    if len(s) > 1 and s[0] == "'" and s[1] in FORMULA_START:
        s = s[1:]
    return s


def year(value: Any) -> int:
    s = text(value)
    if not re.fullmatch(r"\d{4}", s):
        raise CellError(_("年度应为四位数字。"))
    y = int(s)
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= y <= this_year:
        raise CellError(_("年度应在 %(a)d 到 %(b)d 之间。") % {"a": FIRST_YEAR, "b": this_year})
    return y


def decimal(value: Any) -> Decimal:
    s = text(value).replace(",", "").replace("，", "")
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise CellError(_("不是有效的数字。")) from None
    if not d.is_finite():
        raise CellError(_("不是有效的数字。"))
    return d.quantize(Decimal("0.01"))


def integer(value: Any) -> int:
    s = text(value)
    if not re.fullmatch(r"-?\d+", s):
        raise CellError(_("应为整数。"))
    return int(s)


TRUE_WORDS = {"是", "有", "1", "true", "yes", "y", "√", "✓", "t"}
FALSE_WORDS = {"否", "无", "0", "false", "no", "n", "×", "f"}


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    s = text(value).lower()
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    raise CellError(_("应填“是”或“否”。"))


def choice_parser(choices: Any) -> Callable[[Any], Any]:
    """A parser accepting a choice's code or its Chinese label (1 or 因病; head or 户主)."""
    with translation.override("zh-hans"):
        by_label = {normalize_header(str(label)): v for v, label in choices.choices}
    by_code = {normalize_header(str(v)): v for v in choices.values}
    labels = "、".join(str(label) for label in _zh_labels(choices))

    def parse(value: Any) -> Any:
        key = normalize_header(text(value))
        if key in by_code:
            return by_code[key]
        if key in by_label:
            return by_label[key]
        raise CellError(_("不是可选值之一（%(labels)s）。") % {"labels": labels})

    return parse


def _zh_labels(choices: Any) -> list[str]:
    with translation.override("zh-hans"):
        return [str(label) for label in choices.labels]


def zh_label(choices: Any, value: Any) -> str:
    with translation.override("zh-hans"):
        return str(choices(value).label)


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
    try:
        header, rows = read_table(data, file_name)
    except FileRefused as e:
        report.error(None, "", "", str(e))
        return report
    index = map_columns(header, village_columns(), report)
    if report.errors:
        return report
    planned: dict[str, dict[str, Any]] = {}
    years: dict[tuple[str, int], dict[str, Any]] = {}
    first_row: dict[str, int] = {}
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
                report.error(number, "村名", row["name"], _("与第 %(n)d 行同一村的信息不一致。") % {"n": first_row[code]})
                continue
            known["poor_exit_year"] = known["poor_exit_year"] or row["poor_exit_year"]
        planned.setdefault(code, row)
        first_row.setdefault(code, number)
        if (code, row["year"]) in years:
            report.error(number, "年度", row["year"], _("同一村同一年度重复。"))
        years[(code, row["year"])] = row["year_fields"]
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
        village_fields = ["name", "is_poor_village", "poor_listed_year", "poor_exit_year"]
        for code, row in planned.items():
            village = existing.get(code)
            fields = {k: row[k] for k in village_fields if k in row}
            if village is None:
                village = Division.objects.create(code=code, level=Level.VILLAGE, parent_id=code[:9], **fields)
                audit_record(user=user, action=Action.CREATE, obj=village, changes=diff({}, snapshot(village, village_fields)),
                             region_code=code, summary=village.name, batch=batch)
                report.counts["villages_create"] += 1
                continue
            before = snapshot(village, village_fields)
            for k, v in fields.items():
                setattr(village, k, v)
            after = snapshot(village, village_fields)
            if before == after:
                report.counts["villages_unchanged"] += 1
                continue
            village.save(update_fields=list(fields))
            audit_record(user=user, action=Action.UPDATE, obj=village, changes=diff(before, after),
                         region_code=code, summary=village.name, batch=batch)
            report.counts["villages_update"] += 1
        stored = {(y.village_id, y.year): y for y in VillageYear.objects.filter(village_id__in=codes)}
        for (code, y), fields in years.items():
            record = stored.get((code, y))
            names = list(fields)
            if record is None:
                record = VillageYear.objects.create(village_id=code, year=y, **fields)
                audit_record(user=user, action=Action.CREATE, obj=record, changes=diff({}, snapshot(record, names)),
                             region_code=code, summary=f"{code} {y}", batch=batch)
                report.counts["years_create"] += 1
                continue
            before = snapshot(record, names)
            for k, v in fields.items():
                setattr(record, k, v)
            after = snapshot(record, names)
            if before == after:
                report.counts["years_unchanged"] += 1
                continue
            record.save(update_fields=names)
            audit_record(user=user, action=Action.UPDATE, obj=record, changes=diff(before, after),
                         region_code=code, summary=f"{code} {y}", batch=batch)
            report.counts["years_update"] += 1
        if report.changed and not dry_run:
            audit_record(user=user, action=Action.IMPORT, object_type="import", object_id=file_name[:64],
                         changes=report.counts, region_code=user.region_code,
                         summary=_("导入村级数据 %(name)s") % {"name": file_name}, batch=batch)
        if dry_run:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


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
