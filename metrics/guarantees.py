"""两不愁三保障 by village and year (`models.GuaranteeRollup`): the dashboard's chart from rollups, kept on write.

Of the households poor at the end of a year with a yearly record for it, how
many fail each check. The pages read a region's sum of its villages' rows
(`failures`); the rows are built by one query over the yearly records
(`reference_rows`), which `verify_rollups` holds them to. A write refreshes its villages' rows through
the registry of `metrics.rollups` (`TABLES`, name "guarantees"): a yearly
record names only this table, a status change or a move every table.
"""

import os
from collections.abc import Collection
from typing import Any

import pandas as pd
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from gannan.lib.bulk import bulk_insert
from households.models import GUARANTEE_CHECKS, POOR_STATUSES, HouseholdYear
from villages.models import code_range

from .models import GuaranteeRollup

CHECKS = [field for field, _label in GUARANTEE_CHECKS]
COLUMNS = ["village_id", "year", "households", *CHECKS]
Row = tuple[Any, ...]


def _poor_at_its_years_end() -> Q:
    """The record's household was poor at the end of the record's year: its status span covering 31 December.

    One Q, so that the three conditions hold for the same status change; a date is
    on or before 31 December of Y exactly when its year is at most Y.
    """
    change = "household__status_changes__"
    return Q(
        Q(**{f"{change}status__in": POOR_STATUSES, f"{change}date__year__lte": F("year")}),
        Q(**{f"{change}ended_on__isnull": True}) | Q(**{f"{change}ended_on__year__gt": F("year")}),
    )


def reference_rows(*, prefix: str = "", villages: Collection[str] | None = None) -> list[Row]:
    """The rollup rows (COLUMNS) of the villages under `prefix` (only `villages`, when given), in one query."""
    records = HouseholdYear.objects.filter(code_range("household__village_id", prefix))
    if villages is not None:
        records = records.filter(household__village_id__in=list(villages))
    counts = {field: Count("id", filter=Q(**{field: False})) for field in CHECKS}
    rows = (
        records.filter(_poor_at_its_years_end())
        .values("household__village_id", "year")
        .annotate(households=Count("id"), **counts)
        .order_by("household__village_id", "year")
        .values_list("household__village_id", "year", "households", *CHECKS)
    )
    return list(rows)


def rebuild(*, prefix: str = "", villages: Collection[str] | None = None) -> int:
    """Replace the rows of every village under `prefix` (only `villages`, when given); the number of rows written."""
    if villages is not None:
        villages = sorted(set(villages))
        prefix = os.path.commonprefix([prefix, *villages]) if prefix else os.path.commonprefix(villages)
    with transaction.atomic():
        rows = reference_rows(prefix=prefix, villages=villages)
        stale = GuaranteeRollup.objects.filter(code_range("village_id", prefix))
        if villages is not None:
            stale = stale.filter(village_id__in=villages)
        stale.delete()
        bulk_insert(GuaranteeRollup, COLUMNS, rows)
    return len(rows)


def differences(*, prefix: str = "") -> list[tuple[str, int, str, int, int]]:
    """Every (village, year, figure) under `prefix` whose stored row is not the reference: (…, stored, raw)."""
    stored = {
        (r[0], r[1]): r[2:]
        for r in GuaranteeRollup.objects.filter(code_range("village_id", prefix)).values_list(*COLUMNS)
    }
    raw = {(r[0], r[1]): r[2:] for r in reference_rows(prefix=prefix)}
    zeros = (0,) * (len(COLUMNS) - 2)
    found = []
    for key in sorted(stored.keys() | raw.keys()):
        mine, theirs = stored.get(key, zeros), raw.get(key, zeros)
        for name, a, b in zip(COLUMNS[2:], mine, theirs, strict=True):
            if a != b:
                found.append((key[0], key[1], f"guarantee:{name}", a, b))
    return found


def failures(*, prefix: str, year: int) -> pd.DataFrame:
    """One row for the region and year: households, then the households failing each check."""
    sums = {name: Coalesce(Sum(name), 0) for name in COLUMNS[2:]}
    row = GuaranteeRollup.objects.filter(code_range("village_id", prefix), year=year).aggregate(**sums)
    return pd.DataFrame([row], columns=COLUMNS[2:])
