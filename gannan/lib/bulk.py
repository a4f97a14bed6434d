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
    converters = [_copy_converter(f) for f in fields[: len(fields) - len(fixed)]]
    tail = "".join("\t" + _copy_text(value) for value in fixed)
    text = "".join(
        "\t".join([convert(value) for convert, value in zip(converters, row, strict=True)]) + tail + "\n"
        for row in rows
    )
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {_target(model, fields)} FROM STDIN", io.StringIO(text))


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


def _plain_text(value: Any) -> str:
    """`_copy_text` of a text column's value: plain strings skip the type tests (most of what is written)."""
    if type(value) is not str or _COPY_SPECIAL.search(value):
        return _copy_text(value)
    return value


def _int_text(value: Any) -> str:
    """`_copy_text` of an integer column's value (ids and counts): plain ints and NULLs skip the type tests."""
    if type(value) is int:
        return str(value)
    return "\\N" if value is None else _copy_text(value)


def _bool_text(value: Any) -> str:
    if value is True:
        return "t"
    return "f" if value is False else _copy_text(value)


def _date_text(value: Any) -> str:
    if type(value) is date:
        return value.isoformat()
    return "\\N" if value is None else _copy_text(value)


def _copy_converter(field: models.Field) -> Callable[[Any], str]:
    """The text of one column's values; the common types by the column's type, the rest by `_copy_text`."""
    if isinstance(field, models.CharField):
        return _plain_text
    if isinstance(field, (models.IntegerField, models.ForeignKey)):
        return _int_text
    if isinstance(field, models.BooleanField):
        return _bool_text
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return _date_text
    return _copy_text


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
