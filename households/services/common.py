"""What every write of the register shares: the field lists, the region check, the closed-year guard.

Also the cheap test that a row would pass `full_clean`, which lets imports
skip it on tens of thousands of plainly valid rows.
"""

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import Action, audit_record
from metrics.closing import closed_year_covering, closed_year_refusal
from villages.models import Division
from villages.scope import can_edit_region, in_scope

from ..models import GUARANTEE_CHECKS, Household

HOUSEHOLD_FIELDS = [
    "code",
    "village",
    "standard",
    "attribute",
    "main_cause",
    "secondary_causes",
    "identified_year",
    "phone",
    "housing_grade",
    "safe_water",
    "cadre_name",
    "cadre_unit",
    "cadre_phone",
]


MEMBER_FIELDS = [
    "name",
    "id_number",
    "relation",
    "sex",
    "birth_date",
    "ethnicity",
    "education",
    "student_status",
    "health",
    "labour",
    "migrant_months",
    "medical_insurance",
    "pension",
    "dibao",
]


# The member's span on the register (register.md); joined_on defaults to the later of birth and identification.
SPAN_FIELDS = ["joined_on", "join_reason", "left_on", "leave_reason", "span_note"]


YEAR_FIELDS = [
    "income_per_capita",
    "income_wages",
    "income_production",
    "income_property",
    "income_transfer",
    *[name for name, _label in GUARANTEE_CHECKS],
]


class StaleVersion(ValidationError):
    """Raised when a record was changed by someone else since it was read."""


def check_can_edit(user: User, village: Division) -> None:
    """Refused unless `user` may edit households of `village` (the one rule: `can_edit_region`).

    A village outside the user's region is answered exactly like a code that
    does not exist (no name, no 403); inside it, a role without edit rights gets 403.
    """
    if not in_scope(user, village.code):
        raise ValidationError({"village": [_("没有区划代码为 %(code)s 的村。") % {"code": village.code}]})
    if not can_edit_region(user, village.code):
        raise PermissionDenied(_("您的角色不能修改贫困户。"))


def _closed_year_guard(*, user: User, household: Household, day: date | None, correction: str, what: str) -> None:
    """Refuse a change dated in a closed year (clerks), or record it as a correction (admins, with a reason)."""
    closed_year_refusal(user=user, day=day, correction=correction)
    if day is not None and (closed := closed_year_covering(day)) is not None:
        audit_record(
            user=user,
            action=Action.CORRECTION,
            object_type="household",
            object_id=str(household.pk or ""),
            changes={
                "closed_year": [None, closed.year],
                "date": [None, day.isoformat()],
                "correction": [None, correction.strip()],
            },
            household_code=household.code,
            region_code=household.village_id,
            summary=_("更正 %(year)d 年度（已锁定）：%(what)s，%(why)s")
            % {"year": closed.year, "what": what, "why": correction.strip()},
        )


def _plain_check(field: models.Field) -> Callable[[Any], bool]:
    """A cheap test that `field.clean` would accept a value as it is; False means "ask full_clean"."""
    choices = {key for key, _label in field.flatchoices} if field.choices else None
    blank = field.blank

    def empty(v: Any) -> bool:
        return blank and (v is None or v == "" or v == [])

    if isinstance(field, models.CharField):
        longest = field.max_length

        def text(v: Any) -> bool:
            # The usual value (a non-empty string) first: an import checks millions of them.
            if not isinstance(v, str):
                return blank and (v is None or v == [])
            if v == "":
                return blank
            return (longest is None or len(v) <= longest) and (choices is None or v in choices)

        return text
    if isinstance(field, models.PositiveSmallIntegerField):
        return lambda v: type(v) is int and 0 <= v <= 32767 and (choices is None or v in choices)
    if isinstance(field, models.BooleanField):
        return lambda v: type(v) is bool
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return lambda v: type(v) is date
    if isinstance(field, models.JSONField):
        return lambda v: empty(v) or (type(v) is list and bool(v) and all(type(x) is int for x in v))
    return lambda v: False


@cache
def _plain_checks(model: type[models.Model]) -> dict[str, tuple[Callable[[Any], bool], Any]]:
    return {f.name: (_plain_check(f), f.get_default()) for f in model._meta.concrete_fields}


def _plainly_valid(model: type[models.Model], values: dict[str, Any], names: list[str]) -> bool:
    """Whether `full_clean` could only pass on these field values (absent ones take their defaults).

    Imports clean tens of thousands of rows; `full_clean` costs far more than
    these checks, and is still what runs (for its exact messages) whenever a
    value is not plainly valid.
    """
    checks = _plain_checks(model)
    for name in names:
        check, default = checks[name]
        if not check(values.get(name, default)):
            return False
    return True


def _household_audit_fields() -> list[str]:
    return [f if f != "village" else "village_id" for f in HOUSEHOLD_FIELDS]
