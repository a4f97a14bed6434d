"""Reading and writing spreadsheets (CSV or XLSX): the plumbing every import and export shares.

No models, settings or requests here (only gettext for the messages and the
calendar for years): each importer keeps its columns and its plan/apply step,
and gets a header and numbered rows, every problem reported as (row, column,
value, reason). Limits, as measured (bench/import.py): the largest accepted
upload is IMPORT_MAX_BYTES; an XLSX may unpack to at most XLSX_MAX_UNPACKED in
all, XLSX_MAX_PART per sheet (streamed) and XLSX_MAX_SHARED_STRINGS for the
shared strings (held in memory), which keeps a reading process under 300 MB.
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
from typing import Any

import charset_normalizer
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from gannan.lib.calendar import EARLIEST_RECORD_YEAR, last_year

# An XLSX is a zip of XML: refuse archives that inflate beyond these, or by more than this ratio.
XLSX_MAX_UNPACKED = 400 * 1024 * 1024
XLSX_MAX_PART = 256 * 1024 * 1024
XLSX_MAX_SHARED_STRINGS = 48 * 1024 * 1024
XLSX_MAX_RATIO = 200
# Cells that a spreadsheet program would run as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters other than tab, carriage return and line feed (which a CSV cell may hold).
# In an XLSX they come escaped (_x0007_), which the streaming reader leaves as it is.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|_x00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])_")

Choices = Any  # a Django choices class, or a Sequence of (value, label) pairs


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


def check_size(size: int, limit: int) -> None:
    if size > limit:
        raise FileRefused(
            _("文件大小 %(size).1f MB，超过导入上限 %(limit).1f MB。请拆分成几个文件分别导入。")
            % {"size": size / 1024 / 1024, "limit": limit / 1024 / 1024}
        )


BINARY_MAGIC = [b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"Rar!", b"\x1f\x8b", b"7z\xbc\xaf"]


def read_table(data: bytes, name: str, *, max_bytes: int) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """The header and the (row number, cells) of the first sheet of a CSV or XLSX file.

    Row numbers are the spreadsheet's own (the header is row 1). Raises
    FileRefused with the reason when the file cannot be read at all, also
    while the rows are read (a control character in a cell names its row).
    """
    check_size(len(data), max_bytes)
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
    rows = _refuse_control_characters(rows)
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


def _refuse_control_characters(rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    """NUL and other control characters never belong in a name or a number (and PostgreSQL refuses NUL)."""
    for number, cells in rows:
        # One search per row (a line break, which the pattern never matches, keeps the cells apart); the cell
        # is looked for only in a row that has one.
        if not CONTROL.search("\n".join([cell for cell in cells if isinstance(cell, str)])):
            yield number, cells
            continue
        for i, cell in enumerate(cells):
            if isinstance(cell, str) and CONTROL.search(cell):
                raise FileRefused(
                    _("第 %(n)d 行第 %(col)d 列含有控制字符（如 NUL），无法导入。请删除该字符后再导入。")
                    % {"n": number, "col": i + 1}
                )
        yield number, cells


def _line_of(data: bytes, offset: int) -> int:  # 1-based line of a byte offset
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or the GB family, detected; a file mixing both, or anything else, is refused."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FileRefused(_("文件编码是 UTF-16，无法识别。请另存为“CSV UTF-8（逗号分隔）”或 GBK 编码的 CSV。"))
    nul = data.find(b"\x00")
    if nul != -1:
        raise FileRefused(
            _(
                "第 %(n)d 行含有 NUL 字符：这不是纯文本的 CSV 文件。"
                "请在 Excel 中另存为 .xlsx 或“CSV UTF-8（逗号分隔）”后再导入。"
            )
            % {"n": _line_of(data, nul)}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _refuse_mixed(data)
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


def _refuse_mixed(data: bytes) -> None:
    """Refuse a file whose lines are partly UTF-8 Chinese and partly another encoding (GBK).

    Such a file was pasted together from two files: decoding it either way
    turns one half into mojibake (扎西卓玛 → 鎵庤タ鍗撶帥). The first line in
    the other encoding than the file's first Chinese line is named.
    """
    first_kind = None
    for number, line in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            # A GBK line is valid UTF-8 only by rare chance, and then only for a character or two.
            kind = "utf-8" if len(line.decode("utf-8")) <= len(line) - 4 else None
        except UnicodeDecodeError:
            kind = "gbk" if _decodes(line, "gb18030") else None  # neither: refused below as unreadable
        if kind is None:
            continue
        if first_kind is None:
            first_kind = kind
        elif kind != first_kind:
            raise FileRefused(
                _(
                    "文件混用了两种编码：第 %(n)d 行与前面的行编码不同（UTF-8 与 GBK 混在一起）。"
                    "请把整个文件另存为同一种编码（推荐“CSV UTF-8（逗号分隔）”）后再导入。"
                )
                % {"n": number}
            )


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    yield from enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    """Rows of the first sheet, streamed (openpyxl read-only): memory stays bounded by the part limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise FileRefused(_("这不是电子表格文件。请上传 .xlsx 或 .csv 文件。")) from None
    unpacked = sum(info.file_size for info in parts)
    if unpacked > XLSX_MAX_UNPACKED or unpacked > XLSX_MAX_RATIO * max(len(data), 1):
        raise FileRefused(
            _("XLSX 文件解压后过大（%(mb)d MB），已拒绝。请检查文件或改用 CSV。") % {"mb": unpacked // 1024 // 1024}
        )
    for info in parts:
        # Shared strings are held in memory whole; a sheet is streamed but still bounded.
        limit = XLSX_MAX_SHARED_STRINGS if info.filename.endswith("sharedStrings.xml") else XLSX_MAX_PART
        if info.file_size > limit:
            raise FileRefused(
                _(
                    "XLSX 文件中的 %(part)s 解压后有 %(mb)d MB，超过上限 %(limit)d MB，已拒绝。"
                    "请拆分成几个文件，或改用 CSV。"
                )
                % {"part": info.filename, "mb": info.file_size // 1024 // 1024, "limit": limit // 1024 // 1024}
            )
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
    """A year of record (gannan.lib.calendar): four digits, from EARLIEST_RECORD_YEAR to this year."""
    s = text(value)
    if not re.fullmatch(r"\d{4}", s):
        raise CellError(_("年度应为四位数字。"))
    y = int(s)
    this_year = last_year()
    if not EARLIEST_RECORD_YEAR <= y <= this_year:
        raise CellError(_("年度应在 %(a)d 到 %(b)d 之间。") % {"a": EARLIEST_RECORD_YEAR, "b": this_year})
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


def choice_pairs(choices: Choices) -> list[tuple[Any, str]]:
    """(value, Chinese label) pairs of a Django choices class or an explicit list of pairs."""
    pairs = choices.choices if hasattr(choices, "choices") else choices
    with translation.override("zh-hans"):
        return [(v, str(label)) for v, label in pairs]


def choice_parser(choices: Choices) -> Callable[[Any], Any]:
    """A parser accepting a choice's code or its Chinese label (1 or 因病; head or 户主)."""
    pairs = choice_pairs(choices)
    by_label = {normalize_header(label): v for v, label in pairs}
    by_code = {normalize_header(str(v)): v for v, _label in pairs}
    labels = "、".join(label for _v, label in pairs)

    def parse(value: Any) -> Any:
        key = normalize_header(text(value))
        if key in by_code:
            return by_code[key]
        if key in by_label:
            return by_label[key]
        raise CellError(_("不是可选值之一（%(labels)s）。") % {"labels": labels})

    return parse


def zh_label(choices: Choices, value: Any) -> str:
    return dict(choice_pairs(choices))[value]


# --- one column of a format ---------------------------------------------------------------


@dataclass
class Column:
    """One column of an import/export format.

    `choices` are explicit (value, label) pairs or a Django choices class (for
    the template's drop-down lists and the export's labels); "bool" marks a 是/否 column.
    """

    key: str  # the English alias, and the field name where there is one
    header: str  # the Chinese header
    target: str  # what the value belongs to (household, member, year, history, village ...)
    parse: Callable[[Any], Any]
    required: bool = False
    choices: Choices | str | None = None
    field_name: str = ""

    def __post_init__(self):
        self.field_name = self.field_name or self.key


# --- writing ---------------------------------------------------------------------------------


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading '; numbers stay numbers.

    Every CSV and XLSX the platform writes passes its text cells through here
    (rosters, chart tables, funds tables, workbooks); `text` drops the ' again on import.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_row(row: list[Any]) -> list[Any]:
    """`neutralise` over a row's cells, inlined: a county's roster CSV passes a million cells through it."""
    return ["'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in row]
