"""Yearly records: a household's income and 两不愁三保障 for one year."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import Action, audit_record, diff, snapshot
from gannan.lib.calendar import check_year
from metrics.rollups import rollups_touch

from ..models import Household, HouseholdYear
from .common import YEAR_FIELDS, StaleVersion, check_can_edit


def household_year_save(
    *, user: User, household: Household, year: int, data: dict[str, Any], batch: str = "", version: int | None = None
) -> HouseholdYear:
    """Create or replace the household's income and 两不愁三保障 record for `year`.

    With `version` (a change of a record read at that version), refused with
    StaleVersion when someone else saved the record since. A yearly record is
    on none of the register's figures: of the rollups (`metrics.rollups`) it moves
    only the 两不愁三保障's (`metrics.guarantees`).
    """
    check_can_edit(user, household.village)
    check_year(year, name="year")
    record = HouseholdYear.objects.filter(household=household, year=year).first()
    before = snapshot(record, YEAR_FIELDS) if record else {}
    if record is None:
        record = HouseholdYear(household=household, village_id=household.village_id, year=year)
    for k, v in data.items():
        if k in YEAR_FIELDS:
            setattr(record, k, v)
    try:
        record.full_clean(validate_constraints=False)
    except ValidationError as e:
        raise ValidationError(e.message_dict) from None
    errors: dict[str, list[str]] = {}
    money = ["income_per_capita", "income_wages", "income_production", "income_property", "income_transfer"]
    for name in money:
        if Decimal(getattr(record, name)) < 0 and name != "income_production":
            # Farming and herding can lose money in a bad year; the other parts cannot be negative.
            errors[name] = [_("不能为负数。")]
    parts = sum(Decimal(getattr(record, n)) for n in money[1:])
    if parts and abs(parts - Decimal(record.income_per_capita)) > 1:
        errors["income_per_capita"] = [
            _("四项收入之和为 %(sum)s 元，与人均纯收入 %(total)s 元不一致。")
            % {"sum": parts, "total": record.income_per_capita}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if version is not None:
            claimed = HouseholdYear.objects.filter(pk=record.pk, version=version).update(version=F("version") + 1)
            if not claimed:
                raise StaleVersion(
                    _(
                        "该年度记录已被其他人修改（您打开的是第 %(v)d 版）。"
                        "为避免覆盖他人的修改，本次保存未生效：请重新打开，核对后再录入。"
                    )
                    % {"v": version},
                    code="stale_version",
                )
            record.version = version + 1
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            # The same year created twice at once: the second is told the record exists.
            raise ValidationError({"year": [_("该户该年度的记录已经录入，请修改原记录。")]}) from None
        after = snapshot(record, YEAR_FIELDS)
        if before != after:
            audit_record(
                user=user,
                action=Action.UPDATE if before else Action.CREATE,
                obj=record,
                changes=diff(before, after),
                household_code=household.code,
                region_code=household.village_id,
                summary=f"{household.code} {year}",
                batch=batch,
            )
            rollups_touch(household.village_id, tables=["guarantees"])
    return record
