"""The villages' rollups (`models.RegisterRollup`): built from the register's reference queries, kept on write.

A dashboard sums a region's village × year rows instead of joining status
spans with member spans, so its cost no longer grows with the register.
Modelled on zulip's analytics counts: the figures are declared once
(`compute.REGISTER_KEYS`, one column each) and every fill is idempotent: the
rows of the villages concerned are deleted and inserted again, in one
transaction, from the same query and arithmetic the raw path uses
(`queries.register_spans` grouped by village, `compute.stock_figures`,
`flow_figures`, `splits`), so the two cannot drift.

Writes keep them current: every write of `households.services` calls
`rollups_touch` with the villages it changed, inside its transaction, so a
rolled-back write leaves the rollups as they were. A bulk path wraps itself
in `rollups_deferred()`: the villages touched inside are refreshed once, when
it ends (still inside its transaction), and not at all when it rolls back.
`verify_rollups` compares them with the register; a write outside the
services (raw SQL, a restore, a test's bulk rows; the admin is read-only) is
what it finds, and `rebuild_rollups` repairs.
"""

import os
import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db import connection, transaction
from django.db.models import Count, F, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import ExtractYear

from funds import rollups as funds_rollups
from funds.models import Loan, Measure
from gannan.lib.bulk import bulk_insert
from gannan.lib.calendar import FIRST_YEAR, last_year
from households.models import Household, HouseholdYear, Member, StatusChange
from quality.models import Issue
from villages.models import PREFIX_LENGTH, Division, Level, code_range

from . import compute, guarantees, queries
from .models import RegisterRollup

VILLAGE_LEN = PREFIX_LENGTH[Level.VILLAGE]
SPLITS = ["main_cause", "attribute"]
COLUMNS = ["village_id", "year", "latest", "kind", "code", *compute.REGISTER_KEYS]


def reference_rows(*, prefix: str, villages: Collection[str] | None = None) -> pd.DataFrame:
    """The rollup rows of the villages under `prefix` (only `villages`, when given), computed from the register.

    One query: the register's spans grouped by village for every year from the
    platform's first to this one, turned into figures by the raw path's own
    functions. Columns: `COLUMNS`. A village with no status history has no rows.
    """
    first, last = FIRST_YEAR, last_year()
    years = compute.years_range(first, last)
    spans = queries.register_spans(
        prefix=prefix, first=first, last=last, child_len=VILLAGE_LEN, split=True, villages=villages
    )
    codes = sorted(set(spans["child"]))
    index = pd.MultiIndex.from_product([codes, years], names=["child", "year"])
    table = pd.concat([compute.stock_figures(spans, index, years), compute.flow_figures(spans, index)], axis=1)
    figures = table[compute.REGISTER_KEYS].reset_index().assign(kind="", code=0)
    parts = [figures]
    for field in SPLITS:
        split = compute.split_sums(spans, field=field, years=years).reset_index(name="poor_population")
        others = dict.fromkeys(set(compute.REGISTER_KEYS) - {"poor_population"}, 0)
        parts.append(split.rename(columns={field: "code"}).astype({"code": "int64"}).assign(kind=field, **others))
    rows = pd.concat(parts, ignore_index=True).rename(columns={"child": "village_id"})
    return rows.assign(latest=rows["year"] == last)[COLUMNS]


def rebuild(*, prefix: str = "", villages: Collection[str] | None = None) -> int:
    """Replace the rollups of every village under `prefix` (only `villages`, when given); the number of rows written.

    Idempotent and set-based: one read of the register, one DELETE, one bulk
    insert, in one transaction, whatever the number of villages.
    """
    if villages is not None:
        villages = sorted(set(villages))
        prefix = os.path.commonprefix([prefix, *villages]) if prefix else os.path.commonprefix(villages)
    with transaction.atomic():
        rows = reference_rows(prefix=prefix, villages=villages)
        stale = RegisterRollup.objects.filter(village__code__startswith=prefix)
        if villages is not None:
            stale = stale.filter(village_id__in=villages)
        stale.delete()
        bulk_insert(RegisterRollup, COLUMNS, rows.itertuples(index=False, name=None))
    return len(rows)


class _Dirty(threading.local):
    """The villages touched inside this thread's open `rollups_deferred()`, and how deep it is nested."""

    def __init__(self) -> None:
        self.depth = 0
        self.villages: dict[str, set[str]] = {}  # table name → villages


_dirty = _Dirty()


def rollups_touch(*villages: str, tables: Collection[str] | None = None) -> None:
    """The services' hook: these villages' figures changed; refresh their rollups now, or at the deferral's end.

    `tables` names the rollup tables the write can change (`TABLES`), all when
    None: a household's write moves both the register's figures and the funds
    section's (which count households by status and cause), a measure or a
    loan only the funds section's, so it does not pay for the register's.
    """
    codes = {code for code in villages if code}
    names = [t.name for t in TABLES] if tables is None else list(tables)
    if _dirty.depth:
        for name in names:
            _dirty.villages.setdefault(name, set()).update(codes)
    elif codes:
        rebuild_all(villages=codes, tables=names)


@contextmanager
def rollups_deferred() -> Iterator[None]:
    """Collect the villages touched inside and refresh them once at the end (bulk paths: imports, the demo).

    Use it inside the bulk path's transaction: the refresh then commits with
    the writes. Nothing is refreshed when the block raises or its
    transaction is marked for rollback (a dry run); nested blocks refresh
    at the outermost one's end.
    """
    outermost = _dirty.depth == 0
    if outermost:
        _dirty.villages = {}
    _dirty.depth += 1
    try:
        yield
    except BaseException:
        if outermost:
            _dirty.villages = {}
        raise
    finally:
        _dirty.depth -= 1
    if outermost:
        touched, _dirty.villages = _dirty.villages, {}
        if not (connection.in_atomic_block and connection.get_rollback()):
            for name, villages in touched.items():
                if villages:
                    rebuild_all(villages=villages, tables=[name])


@dataclass(frozen=True)
class Difference:
    """A figure whose rollup is not what the register says."""

    village: str
    year: int
    figure: str  # a key of compute.REGISTER_KEYS, or "by_cause:<code>" / "by_attribute:<code>"
    rollup: int | Decimal
    raw: int | Decimal


SPLIT_NAMES = {"main_cause": "by_cause", "attribute": "by_attribute"}


def _long(rows: pd.DataFrame) -> pd.Series:
    """Rollup-shaped rows as one value per (village, year, figure), zeros left out."""
    totals = rows[rows["kind"] == ""].melt(
        id_vars=["village", "year"], value_vars=compute.REGISTER_KEYS, var_name="figure"
    )
    split = rows[rows["kind"] != ""]
    split = split.assign(figure=split["kind"].map(SPLIT_NAMES) + ":" + split["code"].astype(str))
    split = split.rename(columns={"poor_population": "value"})[["village", "year", "figure", "value"]]
    values = pd.concat([totals, split], ignore_index=True)
    values = values[values["value"] != 0]
    return values.groupby(["village", "year", "figure"])["value"].sum()


# Rows that carry a copy of their household's village (kept by the services, a move included). The funds
# figures read the copies of the status changes, measures and loans; the members', yearly records' and 疑点'
# are the code a distributed register would shard them by (docs/SCALING.md), checked and repaired the same way.
COPIED_VILLAGE = (StatusChange, Measure, Loan, Member, HouseholdYear, Issue)


def _astray(model: type[Model], prefix: str) -> QuerySet[Any]:
    """`model`'s rows under `prefix` (by their copy or by their household) whose copy is not the household's village."""
    where = code_range("village_id", prefix) | code_range("household__village_id", prefix)
    return model._default_manager.filter(where).exclude(village_id=F("household__village_id"))


def copies_astray(model: type[Model], year: Any, *, prefix: str = "") -> list[Difference]:
    """Rows of `model` whose copy of their household's village is not the household's village, by village and year.

    Status changes, measures and loans carry the household's village so that a
    region's rows are a range of an index; the funds figures read that copy (the
    exits, measures and loans of a village), so a copy astray would move a figure
    in the rollups and in the reference alike, where comparing the two cannot see
    it. Members, yearly records and 疑点 carry it as the code they would be sharded by.
    The services keep the copies (a move updates them); a write past them is
    what this finds: figure `village_copy:<table>`, `rollup` the rows astray,
    `raw` 0. `year` is the rows' year as an expression.
    """
    rows = (
        _astray(model, prefix)
        .values(at=F("household__village_id"), row_year=year)
        .annotate(n=Count("pk"))
        .order_by("at", "row_year")
    )
    name = f"village_copy:{model._meta.model_name}"
    return [Difference(village=r["at"], year=r["row_year"], figure=name, rollup=r["n"], raw=0) for r in rows]


def copies_repair(*, prefix: str = "") -> int:
    """Give every row of COPIED_VILLAGE under `prefix` its household's village again; rows changed.

    What `rebuild_rollups` does first, so that the rollups it rebuilds read the right copies.
    """
    household_village = Household.objects.filter(pk=OuterRef("household_id")).values("village_id")
    return sum(_astray(model, prefix).update(village_id=Subquery(household_village)) for model in COPIED_VILLAGE)


def differences(*, prefix: str = "") -> list[Difference]:
    """Every figure of every village under `prefix` and year whose rollup, as the pages read it, is not the raw one.

    First the status changes whose copy of the household's village is astray (`copies_astray`): the register's
    spans read the household's village, the funds section's exits the change's own.
    """
    stored = pd.DataFrame(
        queries.register_rollups(prefix=prefix, first=FIRST_YEAR, last=last_year(), child_len=VILLAGE_LEN, split=True),
        columns=["village", *compute.ROLLUP_COLUMNS[1:]],
    )
    raw = reference_rows(prefix=prefix).rename(columns={"village_id": "village"})
    both = pd.concat([_long(stored).rename("rollup"), _long(raw).rename("raw")], axis=1).fillna(0)
    both = both[both["rollup"] != both["raw"]]
    astray = copies_astray(StatusChange, ExtractYear("date"), prefix=prefix)
    astray += copies_astray(Member, ExtractYear("joined_on"), prefix=prefix)
    astray += copies_astray(Issue, ExtractYear("opened_on"), prefix=prefix)
    return astray + [
        Difference(village=str(village), year=int(year), figure=str(figure), rollup=int(r), raw=int(w))
        for (village, year, figure), r, w in zip(both.index, both["rollup"], both["raw"], strict=True)
    ]


# --- the registry: every rollup table, kept by the same hooks and commands -------------------------


@dataclass(frozen=True)
class RollupTable:
    """A table of village × year rollups: how to rebuild it (prefix=, villages=) and how to check it (prefix=)."""

    name: str
    rebuild: Callable[..., int]
    differences: Callable[..., list[Difference]]


def _funds_differences(*, prefix: str = "") -> list[Difference]:
    astray = copies_astray(Measure, F("year"), prefix=prefix) + copies_astray(
        Loan, ExtractYear("issued_on"), prefix=prefix
    )
    return astray + [
        Difference(village=division, year=year, figure=f"funds:{figure}", rollup=stored, raw=raw)
        for division, year, figure, stored, raw in funds_rollups.differences(prefix=prefix)
    ]


def _guarantee_differences(*, prefix: str = "") -> list[Difference]:
    return copies_astray(HouseholdYear, F("year"), prefix=prefix) + [
        Difference(village=village, year=year, figure=figure, rollup=stored, raw=raw)
        for village, year, figure, stored, raw in guarantees.differences(prefix=prefix)
    ]


# The register's (this module), the funds section's (`funds.rollups`) and the 两不愁三保障's (`guarantees`):
# `rollups_touch`, the deferred paths, `rebuild_rollups` and `verify_rollups` keep them all. A touched code
# may be a county's or a township's (a project's allocations): the register has no rows there and refreshes
# nothing.
TABLES = [
    RollupTable("register", rebuild, differences),
    RollupTable("funds", funds_rollups.rebuild, _funds_differences),
    RollupTable("guarantees", guarantees.rebuild, _guarantee_differences),
]


def rebuild_all(
    *, prefix: str = "", villages: Collection[str] | None = None, tables: Collection[str] | None = None
) -> int:
    """`rebuild` every table of `TABLES` (only those named in `tables`, when given); the number of rows written."""
    chosen = [t for t in TABLES if tables is None or t.name in tables]
    with transaction.atomic(savepoint=False):
        _one_at_a_time(prefix=prefix, villages=villages)
        return sum(table.rebuild(prefix=prefix, villages=villages) for table in chosen)


def _one_at_a_time(*, prefix: str, villages: Collection[str] | None) -> None:
    """Lock the divisions whose rows are rebuilt until the write commits, in code order (no deadlock).

    A rebuild reads the register, then replaces its villages' rows. Two at once in one village (two clerks
    saving there) would each read before the other's commit, and the later one would store rows without the
    earlier one's change. Holding the village's division row makes the second wait, and then read, in a new
    statement of PostgreSQL's read committed, what the first committed. SQLite has one writer at a time and
    no FOR UPDATE, which Django leaves out there.
    """
    if not connection.features.has_select_for_update:
        return
    divisions = Division.objects.filter(code__in=villages) if villages is not None else Division.objects.all()
    # NO KEY UPDATE: it excludes another rebuild of these villages, not the key-share locks of the foreign key
    # checks that other writes referring to these divisions take.
    locked = divisions.filter(code_range("code", prefix)).select_for_update(no_key=True).order_by("code")
    list(locked.values_list("code", flat=True))


def differences_all(*, prefix: str = "") -> list[Difference]:
    """`differences` of every table of `TABLES`."""
    return [d for table in TABLES for d in table.differences(prefix=prefix)]
