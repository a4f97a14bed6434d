"""The household roster out, in exactly the format the import reads, and the blank templates.

Exports stream: households are read in chunks with their members, yearly
records and status history as plain values per chunk; CSV goes out row by row and
ends with a trailer row (so a download cut short shows it is incomplete), XLSX
is written by rust_xlsxwriter in constant-memory mode (as a background job, see
households/jobs.py). Each column's labels are looked up once, not per cell.

On PostgreSQL the roster CSV comes instead from `COPY (SELECT ...) TO STDOUT`, a chunk of
households per statement (`roster_download`): the same columns, labels and formula guard,
written as SQL expressions built from the same column list, and the same bytes (a test
compares the two on one register). `roster_rows` stays the reference, and SQLite's path.
"""

import csv
import io
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any, BinaryIO

from django.db import connection
from django.db.models import Field, QuerySet
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from rustpy_xlsxwriter import FastExcel

from gannan.lib.tabular import FORMULA_START, choice_pairs, neutralise, neutralise_row
from villages.importers import village_columns

from .importers import TRAILER, Column, history_columns, roster_columns
from .models import EXITED_STATUSES, Household, HouseholdYear, LeaveReason, Member, Status, StatusChange, mask_id

CHUNK = 500
COPY_CHUNK = 5000  # households per COPY statement: memory stays that of one chunk's text


def _formatter(column: Column) -> Callable[[Any], Any]:
    """The cell text of a column's values, with its choice labels resolved once for the whole export."""
    if column.choices == "bool":
        return lambda value: "" if value is None or value == "" else ("是" if value else "否")
    if column.choices is not None:
        labels = dict(choice_pairs(column.choices))
        return lambda value: "" if value is None or value == "" else labels[value]
    return lambda value: "" if value is None else value


HOUSEHOLD_KEYS = (
    "attribute",
    "main_cause",
    "identified_year",
    "standard",
    "phone",
    "housing_grade",
    "safe_water",
    "cadre_name",
    "cadre_unit",
    "cadre_phone",
)


def _batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _grouped(rows: Iterable[Any]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row["household_id"]].append(row)
    return out


def roster_rows(
    households: QuerySet[Household],
    *,
    full_ids: bool,
    progress: Callable[[int, int], None] | None = None,
    with_departed: bool = False,
) -> Iterator[list[Any]]:
    """The header, then one row per member: household columns repeated, history as four columns.

    `with_departed` adds the members who left, with their 离开原因 (empty for the members present): with the
    events file, which dates their joining and leaving, the whole register moves to another database, a
    head who died and the one who took over, a person who moved from one household to another included.

    Plain values, a chunk of households at a time: three queries per chunk (members, the latest
    yearly record, the status history), no model instances. `progress(done, total)` is told after
    each chunk (total: households; one count query).
    """
    with translation.override("zh-hans"):
        columns = roster_columns(with_departed=with_departed)
        yield [c.header for c in columns]
        member_keys = [c.key for c in columns if c.target == "member"]
        # The household's cells are formatted once and shared by its members' rows; each member fills its own.
        shared_formats = [(i, c.key, _formatter(c)) for i, c in enumerate(columns) if c.target != "member"]
        member_formats = [(i, c.key, _formatter(c)) for i, c in enumerate(columns) if c.target == "member"]
        blank: list[Any] = [None] * len(columns)
        year_keys = [c.key for c in columns if c.target == "year" and c.key != "year"]
        causes = dict(choice_pairs(next(c for c in columns if c.key == "main_cause").choices))
        total = households.count() if progress else 0
        done = 0
        rows = households.order_by("code").values("pk", "code", "village_id", "secondary_causes", *HOUSEHOLD_KEYS)
        for batch in _batches(rows.iterator(chunk_size=CHUNK), CHUNK):
            pks = [h["pk"] for h in batch]
            # The members present now (who left stays in the file, not on the roster).
            wanted = Member.objects.filter(household_id__in=pks).order_by("id")
            if not with_departed:
                wanted = wanted.filter(left_on__isnull=True)
            members = _grouped(wanted.values("household_id", *member_keys, "left_on"))
            years = _grouped(
                HouseholdYear.objects.filter(household_id__in=pks)
                .order_by("household_id", "-year")
                .values("household_id", "year", *year_keys)
            )
            changes = _grouped(
                StatusChange.objects.filter(household_id__in=pks)
                .order_by("date", "id")
                .values("household_id", "status", "date")
            )
            for household in batch:
                history = history_columns([(c["status"], c["date"]) for c in changes.get(household["pk"], [])])
                shared: dict[str, Any] = {
                    "household_code": household["code"],
                    "village_code": household["village_id"],
                    **{f: household[f] for f in HOUSEHOLD_KEYS},
                    "secondary_causes": "、".join(causes[c] for c in household["secondary_causes"] if c in causes),
                    "exit_year": history["exit_year"],
                    "exit_type": history["exit_type"],
                    "returned_year": history["returned_year"],
                }
                latest = years.get(household["pk"])
                if latest:
                    shared.update({key: latest[0][key] for key in ("year", *year_keys)})
                row = blank.copy()
                for i, key, fmt in shared_formats:
                    row[i] = fmt(shared.get(key))
                for member in members.get(household["pk"], []):
                    if member["left_on"] and not member.get("leave_reason"):
                        member["leave_reason"] = LeaveReason.OTHER  # the mark of who left (the services ask a reason)
                    if not full_ids:
                        member["id_number"] = mask_id(member["id_number"])
                    for i, key, fmt in member_formats:
                        row[i] = fmt(member.get(key))
                    yield row.copy()
            done += len(batch)
            if progress:
                progress(done, total)


def roster_csv(rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text chunks (UTF-8 with BOM, so Excel opens the Chinese correctly), the header at once.

    The last row says the export is complete and how many rows it has: a download
    cut short (the server failed part-way) lacks it. The import skips it.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")  # as PostgreSQL's COPY ends its lines: one format either way
    yield "\ufeff"
    count = -1  # the header is not counted
    for count, row in enumerate(rows):  # noqa: B007 -- the count is the trailer's
        writer.writerow(neutralise_row(row))
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    writer.writerow([_trailer(max(count, 0))])
    yield buffer.getvalue()


def _trailer(count: int) -> str:
    return neutralise(f"{TRAILER} 导出完成，共 {count} 行")


def roster_download(households: QuerySet[Household], *, full_ids: bool, with_departed: bool = False) -> Iterator[str]:
    """The roster CSV of these households as text chunks: from COPY on PostgreSQL, from `roster_rows` elsewhere.

    Both begin with the BOM and the header before the first household is read, and end with the trailer.
    """
    if connection.vendor != "postgresql":
        yield from roster_csv(roster_rows(households, full_ids=full_ids, with_departed=with_departed))
        return
    with translation.override("zh-hans"):
        columns = roster_columns(with_departed=with_departed)
        yield "\ufeff"
        header = io.StringIO()
        csv.writer(header, lineterminator="\n").writerow([c.header for c in columns])
        yield header.getvalue()
        sql, params = _roster_select(columns, full_ids=full_ids, with_departed=with_departed)
    ids = list(households.order_by("code").values_list("pk", flat=True))
    count = 0
    for start in range(0, len(ids), COPY_CHUNK):
        text, rows = _copied(sql, {**params, "ids": ids[start : start + COPY_CHUNK]})
        count += rows
        yield text
    yield _trailer(count) + "\n"


def _copied(sql: str, params: dict[str, Any]) -> tuple[str, int]:
    """The CSV text of one COPY of `sql` with its parameters bound, and its number of rows."""
    out = io.StringIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's own cursor: COPY and mogrify are not in the DB-API
        raw.copy_expert(f"COPY ({raw.mogrify(sql, params).decode()}) TO STDOUT WITH (FORMAT csv)", out)
        return out.getvalue(), raw.rowcount


def _roster_select(columns: list[Column], *, full_ids: bool, with_departed: bool) -> tuple[str, dict[str, Any]]:
    """The roster's rows as one SELECT over a chunk of households (the parameter `ids`: theirs).

    Each output column is one SQL expression made from its `Column`: choice labels as a CASE over
    `choice_pairs`, 是/否 for booleans, the formula guard over every other text cell and NULL for
    an empty one (as the CSV writer leaves both empty), numbers and dates as PostgreSQL prints them.
    A household's cells are computed once (`hh`) and joined to its members; the history columns are
    `history_columns` over the household's changes in date order, as array subscripts.
    """
    params: dict[str, Any] = {}

    def bind(*values: Any) -> str:
        """Named placeholders for the values (the expressions are built out of the text's order)."""
        names = [f"p{len(params) + n}" for n in range(len(values))]
        params.update(zip(names, values, strict=True))
        return ", ".join(f"%({name})s" for name in names)

    def cell(column: Column, expr: str, kind: str) -> str:
        if column.choices == "bool":
            return f"CASE WHEN {expr} THEN {bind('是')} WHEN NOT {expr} THEN {bind('否')} END"
        if column.choices is not None:
            pairs = choice_pairs(column.choices)
            return f"CASE {expr} " + " ".join(f"WHEN {bind(v)} THEN {bind(label)}" for v, label in pairs) + " END"
        if kind == "text":
            guard = bind(*FORMULA_START)
            return f"CASE WHEN left({expr}, 1) IN ({guard}) THEN {bind(chr(39))} || {expr} ELSE NULLIF({expr}, '') END"
        if kind == "date":
            return f"to_char({expr}, 'YYYY-MM-DD')"
        return expr

    def kind_of(model: type[Household | Member | HouseholdYear], name: str) -> str:
        internal = model._meta.get_field(name).get_internal_type()
        return {"CharField": "text", "ForeignKey": "text", "DateField": "date"}.get(internal, "number")

    exits = bind(*EXITED_STATUSES)
    identified = bind(Status.IDENTIFIED)
    returned = bind(Status.RETURNED)
    history = {
        "exit_year": "CASE WHEN b.j IS NOT NULL THEN hs.y[a.i] END",
        "exit_type": "hs.s[b.j - 1]",
        "returned_year": f"CASE WHEN hs.s[b.j] = {returned} THEN hs.y[b.j] END",
    }
    causes = choice_pairs(next(c for c in columns if c.key == "main_cause").choices)
    household_cells: list[str] = []
    member_cells: list[str] = []
    for i, column in enumerate(columns):
        if column.target == "member":
            expr = f"m.{column.key}"
            if column.key == "id_number" and not full_ids:  # mask_id
                expr = (
                    "CASE WHEN length(m.id_number) < 10 THEN repeat('*', length(m.id_number)) ELSE left(m.id_number, 6)"
                    " || repeat('*', length(m.id_number) - 10) || right(m.id_number, 4) END"
                )
            elif column.key == "leave_reason":  # the mark of who left, as in roster_rows
                other = bind(LeaveReason.OTHER)
                expr = f"CASE WHEN m.left_on IS NOT NULL AND m.leave_reason = '' THEN {other} ELSE m.leave_reason END"
            member_cells.append(cell(column, expr, kind_of(Member, column.key)))
            continue
        member_cells.append(f"hh.c{i}")
        if column.key in history:
            expr = cell(column, history[column.key], "number")
        elif column.key == "secondary_causes":
            labels = " ".join(f"WHEN {bind(str(v))} THEN {bind(label)}" for v, label in causes)
            expr = (
                f"(SELECT string_agg(CASE e.v {labels} END, '、' ORDER BY e.n)"
                " FROM jsonb_array_elements_text(h.secondary_causes) WITH ORDINALITY AS e(v, n))"
            )
        elif column.target == "year":
            expr = cell(column, f"y.{column.key}", kind_of(HouseholdYear, column.key))
        else:
            name = column.field_name or column.key
            field = Household._meta.get_field(name)
            assert isinstance(field, Field)  # a concrete column of the household, never a reverse relation
            expr = cell(column, f"h.{field.column}", kind_of(Household, name))
        household_cells.append(f"{expr} AS c{i}")
    present = "" if with_departed else " AND m.left_on IS NULL"
    sql = f"""
        WITH hh AS MATERIALIZED (
            SELECT h.id, h.code, {", ".join(household_cells)}
            FROM {Household._meta.db_table} h
            LEFT JOIN LATERAL (
                SELECT * FROM {HouseholdYear._meta.db_table} y0
                WHERE y0.household_id = h.id ORDER BY y0.year DESC LIMIT 1
            ) y ON true
            LEFT JOIN LATERAL (
                SELECT array_agg(c.status ORDER BY c.date, c.id) AS s,
                       array_agg(EXTRACT(YEAR FROM c.date)::int ORDER BY c.date, c.id) AS y
                FROM {StatusChange._meta.db_table} c WHERE c.household_id = h.id
            ) hs ON true
            CROSS JOIN LATERAL (SELECT CASE WHEN hs.s[1] = {identified} THEN 2 ELSE 1 END AS i) a
            CROSS JOIN LATERAL (
                SELECT CASE WHEN hs.s[a.i] IN ({exits}) THEN COALESCE(
                    (SELECT min(k) FROM generate_subscripts(hs.s, 1) AS k WHERE k > a.i AND hs.s[k] NOT IN ({exits})),
                    cardinality(hs.s) + 1
                ) END AS j
                OFFSET 0  -- computed once, not inlined into each of the three columns that read it
            ) b
            WHERE h.id = ANY(%(ids)s)
        )
        SELECT {", ".join(member_cells)}
        FROM hh JOIN {Member._meta.db_table} m ON m.household_id = hh.id{present}
        ORDER BY hh.code, m.id
    """
    return sql, params


def roster_xlsx(rows: Iterable[list[Any]], out: BinaryIO, *, title: str = "贫困户信息采集表") -> None:
    """The rows (the header first) as one sheet into the binary file `out`.

    Written by rust_xlsxwriter (the Rust port of xlsxwriter, through rustpy-xlsxwriter) in its
    constant-memory mode: about ten times Python xlsxwriter's speed on the same rows (bench/export.py),
    which a county's roster needs to come out in seconds. Numbers are number cells, everything else a
    text cell, never a formula, and text still goes through the one neutraliser (a leading = stays
    text when the sheet is saved again as CSV); empty cells are left empty.
    """
    iterator = iter(rows)
    header = next(iterator)

    def cell(value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, int | float | Decimal):
            return value
        return neutralise(str(value))

    # The writer takes the columns from each record's keys in order: every record carries every column,
    # and a sheet with no rows gets one empty record, so that it still has its header.
    records = (dict(zip(header, map(cell, row), strict=True)) for row in iterator)
    first = next(records, dict.fromkeys(header))
    FastExcel(out).format(bold_headers=True).sheet(title, itertools.chain([first], records)).save()


# --- blank templates ------------------------------------------------------------------------


def _example_roster() -> list[Any]:
    example = {
        # Sequence 0000 is never given to a household (numbering starts at 0001): the example is nobody's.
        "household_code": "6230211002010000",
        "village_code": "623021100201",
        "name": "扎西",
        "id_number": "623021198001011235",
        "relation": "户主",
        "attribute": "一般贫困户",
        "main_cause": "因病",
        "identified_year": 2014,
        "exit_year": 2016,
        "exit_type": "稳定脱贫",
        "returned_year": "",
        "income_per_capita": Decimal("4200.00"),
        "year": 2016,
    }
    return [example.get(c.key, "") for c in roster_columns(with_departed=False)]


def template_workbook(kind: str) -> bytes:
    """The XLSX template of a format: headers (required ones marked), one example row, drop-down lists for codes."""
    with translation.override("zh-hans"):
        workbook = Workbook()
        sheet = workbook.active
        if kind == "households":
            sheet.title = "贫困户信息采集表"
            columns = roster_columns(with_departed=False)
            headers = [(c.header, c.required) for c in columns]
            example = _example_roster()
            lists: list[tuple[int, Column | str]] = [(i, c) for i, c in enumerate(columns) if c.choices is not None]
        else:
            sheet.title = "村级数据"
            vcols = village_columns()
            headers = [(zh, required) for _k, zh, _a, required in vcols]
            example = ["623021100201", "城关村", 2016, 1850, "是", "", 2011] + [""] * (len(vcols) - 7)
            lists = [
                (i, "bool")
                for i, (k, *_rest) in enumerate(vcols)
                if k not in ("village_code", "name", "year", "rural_population", "exit_year", "poor_listed_year")
            ]
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
