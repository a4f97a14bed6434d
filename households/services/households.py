"""One household at a time: registration with its members and first status, and edits with optimistic locking."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import Action, audit_record, diff, snapshot
from gannan.lib.calendar import check_year
from metrics.rollups import rollups_touch
from villages.models import Level

from ..models import Household, Status
from ..selectors import household_code_next, household_code_problem
from .common import HOUSEHOLD_FIELDS, StaleVersion, _household_audit_fields, _plainly_valid, check_can_edit
from .members import _clean_all_members, _refresh_member_summary, _registered_elsewhere, _write_members, members_check
from .status import _append_status

# The fields `_plainly_valid` can vouch for (the village is an instance the caller looked up).
_OWN_FIELDS = [name for name in HOUSEHOLD_FIELDS if name != "village"]


def _household_clean(household: Household, *, many: bool = False) -> None:
    """The rules on a household's own fields, for one registration or edit and for a bulk registration (`many`).

    With `many`, `full_clean` runs only when a value is not plainly valid, and
    without its queries: the caller looked the village up and checks the
    numbers of all its households in one query.
    """
    try:
        if not many:
            household.full_clean(exclude=["version", "status", "head_name", "member_count"])
        elif not _plainly_valid(Household, {name: getattr(household, name) for name in _OWN_FIELDS}, _OWN_FIELDS):
            household.full_clean(
                exclude=["version", "status", "head_name", "member_count", "village"], validate_unique=False
            )
    except ValidationError as e:
        raise ValidationError(e.message_dict) from None
    check_year(household.identified_year, name="identified_year")
    if household.village.level != Level.VILLAGE:
        raise ValidationError({"village": [_("贫困户只能登记在村一级。")]})


def _identified_on(household: Household) -> date | None:
    first = household.status_changes.order_by("date", "id").values_list("date", flat=True).first()
    return first


def household_register(
    *,
    user: User,
    data: dict[str, Any],
    members: list[dict[str, Any]],
    identified_on: date | None = None,
    applying: bool = False,
    batch: str = "",
) -> Household:
    """Register a household with its members and its first status (identified).

    `identified_on` defaults to 31 December of the identification year, or
    today for the current year. An applicant (`applying`) gets no status: its
    identification case (procedures) writes it at the announcement.

    A 户编号 left empty is the village's next one. An applicant's number (the
    forms' and the API's new households) must be the village's code and a
    sequence; a household registered with its history keeps the number it
    already has, as imports of the national system's roster do.
    """
    household = Household(**{k: v for k, v in data.items() if k in HOUSEHOLD_FIELDS})
    if not household.code.strip() and household.village_id:
        household.code = household_code_next(village_code=household.village_id)
    _household_clean(household)
    check_can_edit(user, household.village)
    if applying and (problem := household_code_problem(code=household.code, village_code=household.village_id)):
        raise ValidationError({"code": [problem]})
    cleaned = _clean_all_members(members)
    members_check(user=user, members=cleaned, household=None)
    if identified_on is None:
        today = timezone.localdate()
        identified_on = today if household.identified_year >= today.year else date(household.identified_year, 12, 31)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    household.save()
            except IntegrityError:
                # Two registrations of one number at once: the loser gets full_clean's own duplicate message.
                _household_clean(household)
                raise
            audit_record(
                user=user,
                action=Action.CREATE,
                obj=household,
                changes=diff({}, snapshot(household, _household_audit_fields())),
                household_code=household.code,
                region_code=household.village_id,
                summary=household.code,
                batch=batch,
            )
            _write_members(user=user, household=household, members=cleaned, batch=batch, identified_on=identified_on)
            _refresh_member_summary(household)
            if not applying:
                _append_status(
                    user=user,
                    household=household,
                    status=Status.IDENTIFIED,
                    on=identified_on,
                    reason=_("建档立卡"),
                    batch=batch,
                )
                rollups_touch(household.village_id)  # an applicant is on no figure until its announcement
    except IntegrityError:
        household.pk = None
        raise _registered_elsewhere(user=user, members=cleaned, household=None) from None
    return household


def household_update(
    *,
    user: User,
    household: Household,
    data: dict[str, Any],
    version: int,
    members: list[dict[str, Any]] | None = None,
    correction: str = "",
    batch: str = "",
) -> Household:
    """Change a household (and, when given, its members) read at `version`.

    Refused with StaleVersion when someone else saved it since; nothing is
    written then. A move to another village needs the right to edit both.
    Deleting a member is a correction and needs `correction`, its reason.
    """
    check_can_edit(user, household.village)
    before = snapshot(household, _household_audit_fields())
    for k, v in data.items():
        if k in HOUSEHOLD_FIELDS and k != "code" or (k == "code" and v):
            setattr(household, k, v)
    _household_clean(household)
    check_can_edit(user, household.village)
    cleaned = None
    if members is not None:
        cleaned = _clean_all_members(members)
        members_check(user=user, members=cleaned, household=household)
    try:
        _household_save(
            user=user,
            household=household,
            version=version,
            before=before,
            cleaned=cleaned,
            correction=correction,
            batch=batch,
        )
    except IntegrityError:
        household.version = version
        raise _registered_elsewhere(user=user, members=cleaned or [], household=household) from None
    except ValidationError:
        household.version = version  # nothing was saved
        raise
    return household


def _household_save(
    *, user: User, household: Household, version: int, before: dict, cleaned, correction: str, batch: str
) -> None:
    with transaction.atomic():
        claimed = Household.objects.filter(pk=household.pk, version=version).update(version=F("version") + 1)
        if not claimed:
            raise StaleVersion(
                _(
                    "该户信息已被其他人修改（您打开的是第 %(v)d 版）。为避免覆盖他人的修改，本次保存未生效："
                    "请重新打开该户，核对后再录入。"
                )
                % {"v": version},
                code="stale_version",
            )
        household.version = version + 1
        household.save(update_fields=[*HOUSEHOLD_FIELDS, "updated_at"])
        changes = diff(before, snapshot(household, _household_audit_fields()))
        if changes:
            audit_record(
                user=user,
                action=Action.UPDATE,
                obj=household,
                changes=changes,
                household_code=household.code,
                region_code=household.village_id,
                summary=household.code,
                batch=batch,
            )
        counted = False
        if cleaned is not None:
            counted = _write_members(
                user=user,
                household=household,
                members=cleaned,
                batch=batch,
                identified_on=_identified_on(household),
                correction=correction,
            )
            _refresh_member_summary(household)
        if "village_id" in changes:
            # The rows that copy the household's village move with it (funds' measures and loans and the 疑点
            # through their relations: households imports neither funds nor quality).
            for rows in (
                household.members,
                household.years,
                household.status_changes,
                household.measures,
                household.loans,
                household.quality_issues,
            ):
                rows.update(village_id=household.village_id)
        if counted or changes.keys() & {"village_id", "main_cause", "attribute"}:
            # Only what the figures count refreshes them; a move refreshes the village left as well as the one joined.
            rollups_touch(before["village_id"], household.village_id)
