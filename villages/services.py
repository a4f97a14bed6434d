"""Writes to the division tree."""

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import Action, audit_record, diff, snapshot
from gannan.lib.calendar import EARLIEST_RECORD_YEAR, check_year

from .models import VILLAGE_ITEMS, Division, Level, VillageYear
from .scope import can_edit_region, in_scope

if TYPE_CHECKING:
    from accounts.models import User

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


def check_can_edit_village(user: "User", village: Division) -> None:
    """PermissionDenied unless `user` may edit the facts of `village` (clerks and admins, in their region)."""
    if not in_scope(user, village.code):
        raise ValidationError({"village": [_("没有区划代码为 %(code)s 的村。") % {"code": village.code}]})
    if not can_edit_region(user, village.code):
        raise PermissionDenied(_("您的角色不能修改村情数据。"))


VILLAGE_FIELDS = ["name", "is_poor_village", "poor_listed_year", "poor_exit_year"]


def village_upsert(*, user: "User", code: str, fields: dict[str, Any], batch: str = "") -> tuple[Division, str]:
    """Create the village `code` under its township, or change its name and poor listing; audited.

    Returns the village and what happened: "create", "update" or "unchanged".
    """
    if not in_scope(user, code):
        raise ValidationError({"village": [_("没有区划代码为 %(code)s 的村。") % {"code": code}]})
    if not can_edit_region(user, code):
        raise PermissionDenied(_("您的角色不能修改村情数据。"))
    fields = {k: v for k, v in fields.items() if k in VILLAGE_FIELDS}
    village = Division.objects.filter(code=code).first()
    with transaction.atomic():
        if village is None:
            village = Division(code=code, level=Level.VILLAGE, parent_id=code[:9], **fields)
            village.full_clean(validate_unique=False, validate_constraints=False)
            village.save()
            audit_record(
                user=user,
                action=Action.CREATE,
                obj=village,
                changes=diff({}, snapshot(village, list(fields))),
                region_code=code,
                summary=village.name,
                batch=batch,
            )
            return village, "create"
        if village.level != Level.VILLAGE:
            raise ValidationError({"village": [_("该代码不是村一级。")]})
        before = snapshot(village, list(fields))
        for k, v in fields.items():
            setattr(village, k, v)
        after = snapshot(village, list(fields))
        if before == after:
            return village, "unchanged"
        village.save(update_fields=list(fields))
        audit_record(
            user=user,
            action=Action.UPDATE,
            obj=village,
            changes=diff(before, after),
            region_code=code,
            summary=village.name,
            batch=batch,
        )
        return village, "update"


def village_year_save(
    *, user: "User", village: Division, year: int, data: dict[str, Any], batch: str = ""
) -> VillageYear:
    """Create or replace a village's rural population and 六有六通 for `year`, with its audit entry."""
    return village_year_upsert(user=user, village=village, year=year, data=data, batch=batch)[0]


def village_year_upsert(
    *, user: "User", village: Division, year: int, data: dict[str, Any], batch: str = ""
) -> tuple[VillageYear, str]:
    """village_year_save, also saying what happened: "create", "update" or "unchanged"."""
    check_can_edit_village(user, village)
    if village.level != Level.VILLAGE:
        raise ValidationError({"village": [_("村情数据只能录入到村一级。")]})
    check_year(year, name="year", first=EARLIEST_RECORD_YEAR)
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
    after = snapshot(record, VILLAGE_YEAR_FIELDS)
    if before and before == after:
        return record, "unchanged"
    with transaction.atomic():
        record.save()
        audit_record(
            user=user,
            action=Action.UPDATE if before else Action.CREATE,
            obj=record,
            changes=diff(before, after),
            region_code=village.code,
            summary=f"{village.name} {year}",
            batch=batch,
        )
    return record, "update" if before else "create"
