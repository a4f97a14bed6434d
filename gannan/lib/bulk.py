"""The one bulk writer: rows straight to the driver, COPY on PostgreSQL, multi-row INSERTs elsewhere.

An import or the demo writes hundreds of thousands of rows; the ORM's
per-object work (bulk_create builds a model instance per row) would triple the
run, and COPY is several times faster than INSERT (bench/import.py). Nothing
is validated here: the callers' values have passed their own checks.
"""

import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

# Rows per INSERT where there is no COPY: a few hundred rows of at most ~30 columns stay under
# SQLite's 32,766 parameters per statement.
ROWS_PER_INSERT = 500
# Rows per COPY: the text of one stays a few tens of megabytes however many rows the caller writes.
ROWS_PER_COPY = 100_000

_COPY_SPECIAL = re.compile(r"[\\\n\r\t]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def bulk_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert `rows`, each a tuple of values for `columns` (attnames, e.g. "household_id").

    Every other concrete field takes its default, an auto_now field the time
    now; the auto primary key is left to the database unless it is a column.
    Values are what the field holds (a list for a JSON field); a date may also
    come as its ISO text.
    """
    rows = list(rows)
    if not rows:
        return
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    rest = [f for name, f in by_attname.items() if name not in columns and not f.primary_key]
    fields = [by_attname[name] for name in columns] + rest
    now = timezone.now()
    fixed = [now if _is_auto_now(f) else f.get_default() for f in rest]
    if connection.vendor == "postgresql":
        _copy(model, fields, rows, fixed)
    else:
        _insert(model, fields, rows, fixed)


def _is_auto_now(field: models.Field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _target(model: type[models.Model], fields: list[models.Field]) -> str:
    quote = connection.ops.quote_name
    # A concrete field always has a column; the stubs type Field.column as optional.
    return f"{quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"  # type: ignore[arg-type]


def _copy(model: type[models.Model], fields: list[models.Field], rows: list[Sequence[Any]], fixed: list[Any]) -> None:
    width = len(fields) - len(fixed)
    if any(len(row) != width for row in rows):
        raise ValueError(f"every row must have {width} values, one per column")
    fixed_text = [_copy_text(value) for value in fixed]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_COPY):
            batch = rows[start : start + ROWS_PER_COPY]
            columns = [_column_text(column) for column in zip(*batch, strict=True)]
            columns += [[text] * len(batch) for text in fixed_text]
            text = "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"
            cursor.copy_expert(f"COPY {_target(model, fields)} FROM STDIN", io.StringIO(text))


_BOOL_TEXT = {True: "t", False: "f"}
# How a value of one of these exact types is written (a subclass, such as a datetime for date, has its own entry).
_PLAIN_TEXT: dict[type, Callable[[Any], str]] = {
    int: str,
    Decimal: str,
    bool: _BOOL_TEXT.__getitem__,
    date: date.isoformat,
    datetime: datetime.isoformat,
}


def _column_text(column: Sequence[Any]) -> Sequence[str]:
    """`_copy_text` of every value of a column, a column of one plain type (and nulls) at once.

    Converting column by column lets the common columns (text, integers,
    booleans, dates, money, JSON, choices, each with or without nulls) go
    through C loops or one converter per column instead of `_copy_text`'s
    tests per value: 100,000 of the demo's member rows take 1.1 s instead of 3 s.
    """
    types = {_plain_type(kind) for kind in set(map(type, column))}
    nullable = type(None) in types
    types.discard(type(None))
    if not types:
        return ["\\N"] * len(column)
    if types == {int, Decimal}:
        types = {Decimal}  # amounts, some of them whole: both are written by `str`
    if len(types) > 1:
        return list(map(_copy_text, column))
    (kind,) = types
    if kind is str:
        texts = column
    elif kind in _PLAIN_TEXT:
        convert = _PLAIN_TEXT[kind]
        return list(map(convert, column)) if not nullable else ["\\N" if v is None else convert(v) for v in column]
    elif kind in (dict, list):
        texts = [v if v is None else json.dumps(v, ensure_ascii=False) for v in column]
    else:
        return list(map(_copy_text, column))
    if _COPY_SPECIAL.search("".join(filter(None, texts))):
        return list(map(_copy_text, texts))
    return ["\\N" if v is None else v for v in texts] if nullable else texts


def _plain_type(kind: type) -> type:
    """The plain type whose text a value of `kind` is written as: a choice (TextChoices, IntegerChoices) is a str
    or an int, whose `str` is its value."""
    if kind is bool:
        return bool
    return next((base for base in (str, int) if issubclass(kind, base)), kind)


def _copy_text(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(text) else text


def _insert(model: type[models.Model], fields: list[models.Field], rows: list[Sequence[Any]], fixed: list[Any]) -> None:
    width = len(fields) - len(fixed)
    adapters = [_adapter(f) for f in fields]
    # Only JSON and timestamp columns need converting; the driver takes the rest as they are.
    converted = [(i, adapt) for i, adapt in enumerate(adapters[:width]) if adapt is not None]
    tail = [value if adapt is None else adapt(value) for adapt, value in zip(adapters[width:], fixed, strict=True)]
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_INSERT):
            batch = rows[start : start + ROWS_PER_INSERT]
            params: list[Any] = []
            for row in batch:
                if converted:
                    row = list(row)
                    for i, adapt in converted:
                        row[i] = adapt(row[i])
                params.extend(row)
                params.extend(tail)
            cursor.cursor.execute(
                f"INSERT INTO {_target(model, fields)} VALUES " + ", ".join([one] * len(batch)), params
            )


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a value of `field` goes to a driver without COPY; None when it goes as it is."""
    if isinstance(field, models.JSONField):
        return lambda value: connection.ops.adapt_json_value(value, field.encoder)
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    return None


def insert_select(
    model: type[models.Model], expressions: dict[str, str], source: str, params: Sequence[Any] = ()
) -> int:
    """INSERT INTO `model` the rows of one SELECT: `expressions` (attname: SQL) over `source` (FROM … ORDER BY …).

    The set-based sibling of `bulk_insert`, for rows that are a function of rows
    already in the database: nothing travels to Python and back. Every other
    concrete field takes its default, an auto_now field the time now, as in
    `bulk_insert`; rows get their ids in the SELECT's order. `params` are those
    of `expressions` and `source`, in that order. Returns the number of rows.
    """
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    rest = [f for name, f in by_attname.items() if name not in expressions and not f.primary_key]
    # The defaults first, so their parameters come before those of `expressions` and `source`.
    fields = rest + [by_attname[name] for name in expressions]
    now = timezone.now()
    fixed = [now if _is_auto_now(f) else f.get_default() for f in rest]
    adapters = [_adapter(f) for f in rest]
    fixed = [value if adapt is None else adapt(value) for adapt, value in zip(adapters, fixed, strict=True)]
    select = ", ".join(["%s"] * len(fixed) + list(expressions.values()))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_target(model, fields)} SELECT {select} FROM {source}", [*fixed, *params])
        return cursor.rowcount


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """The next `n` ids of `model`'s auto primary key, taken for rows the caller writes with their ids.

    A bulk writer that also writes the rows' children needs the parents' ids
    before it writes them; reading them back after the insert costs a query per
    batch. On PostgreSQL the ids come from the column's sequence (so the
    sequence moves past them); on SQLite they follow the highest id ever given
    (AUTOINCREMENT: the table's `sqlite_sequence` row), and writing the rows
    moves it on. Inside the writer's transaction: on SQLite nothing else writes
    meanwhile.
    """
    if n <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, n],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        given = cursor.fetchone()
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(column)}) FROM {connection.ops.quote_name(table)}")  # type: ignore[arg-type]
        highest = cursor.fetchone()[0]
    start = max(given[0] if given else 0, highest or 0) + 1
    return list(range(start, start + n))


def refresh_statistics(*models_written: type[models.Model]) -> None:
    """Let the query planner see the tables as a bulk write left them (ANALYZE, on both databases).

    Without statistics, both planners guess the shape of tables that were just
    filled in bulk, and the 疑点 rules' anti-joins are then planned as nested
    scans: on SQLite two rules took 20 s each at the demo's scale 0.1 instead of
    0.04 s, and at scale 1 they did not finish in 20 minutes. Runs inside the
    caller's transaction, so a refused import leaves the old statistics too.
    With `models_written`, only their tables (the others' statistics have not
    changed): an import need not pay to analyse the whole database.
    """
    with connection.cursor() as cursor:
        if not models_written:
            cursor.execute("ANALYZE")
        for model in models_written:  # one table per statement: SQLite takes no list
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
