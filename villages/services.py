"""Writes to the division tree."""

import csv
from pathlib import Path

from django.db import transaction

from .models import Division

DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "gannan_divisions.csv"


def divisions_load(*, path: Path = DIVISIONS_CSV) -> tuple[int, int]:
    """Load the official tree (province, prefecture, counties, townships); idempotent.

    Returns (created, updated). Rows come parent-first in the file.
    """
    created = updated = 0
    with open(path, encoding="utf-8") as f, transaction.atomic():
        for row in csv.DictReader(f):
            _obj, was_created = Division.objects.update_or_create(
                code=row["code"],
                defaults={"name": row["name"], "level": row["level"], "parent_id": row["parent_code"] or None},
            )
            created += was_created
            updated += not was_created
    return created, updated
