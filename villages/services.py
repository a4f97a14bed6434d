"""Writes to the division tree."""

import csv
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scope import in_scope
from audit.services import Action, audit_record, diff, snapshot

from .models import VILLAGE_ITEMS, Division, Level, VillageYear

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


VILLAGE_YEAR_FIELDS = ["rural_population", *[name for name, _label in VILLAGE_ITEMS]]


def check_can_edit_village(user, village: Division) -> None:
    """PermissionDenied unless `user` may edit the facts of `village` (clerks and admins, in their region)."""
    if not in_scope(user, village.code):
        raise ValidationError({"village": [_("没有区划代码为 %(code)s 的村。") % {"code": village.code}]})
    if not user.can_edit_households:
        raise PermissionDenied(_("您的角色不能修改村情数据。"))


def village_year_save(*, user, village: Division, year: int, data: dict[str, Any], batch: str = "") -> VillageYear:
    """Create or replace a village's rural population and 六有六通 for `year`, with its audit entry."""
    check_can_edit_village(user, village)
    if village.level != Level.VILLAGE:
        raise ValidationError({"village": [_("村情数据只能录入到村一级。")]})
    if not 2000 <= year <= date.today().year:
        raise ValidationError({"year": [_("年度应在 2000 年至今年之间。")]})
    record = VillageYear.objects.filter(village=village, year=year).first()
    before = snapshot(record, VILLAGE_YEAR_FIELDS) if record else {}
    if record is None:
        record = VillageYear(village=village, year=year)
    for k, v in data.items():
        if k in VILLAGE_YEAR_FIELDS:
            setattr(record, k, v)
    try:
        record.full_clean(validate_constraints=False)
    except ValidationError as e:
        raise ValidationError(e.message_dict) from None
    with transaction.atomic():
        record.save()
        after = snapshot(record, VILLAGE_YEAR_FIELDS)
        if before != after:
            audit_record(
                user=user, action=Action.UPDATE if before else Action.CREATE, obj=record,
                changes=diff(before, after), region_code=village.code, summary=f"{village.name} {year}", batch=batch,
            )
    return record
