"""Every write to the household register goes through these functions.

Forms, the admin, imports and the API call them, so the rules (ID numbers,
one head, one person in one household, the exit test, region scope,
optimistic locking) and the audit trail hold everywhere.
"""

import io
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import Action, audit_record, diff, snapshot
from gannan.lib.calendar import check_year
from metrics.closing import closed_year_covering, closed_year_refusal
from villages.models import Division, Level
from villages.scope import can_edit_region, in_scope

from .ids import sex_from_id, validate_id_with_birth_date
from .models import (
    CLOSED_STATUSES,
    GUARANTEE_CHECKS,
    Household,
    HouseholdYear,
    Member,
    Relation,
    Status,
    StatusChange,
)

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

# Which status may follow which. None = a household not yet on the register.
TRANSITIONS: dict[str | None, set[str]] = {
    None: {Status.IDENTIFIED},
    Status.IDENTIFIED: {Status.EXITED_STABLE, Status.EXITED_CONSOLIDATING, Status.REMOVED, Status.DISSOLVED},
    Status.RETURNED: {Status.EXITED_STABLE, Status.EXITED_CONSOLIDATING, Status.REMOVED, Status.DISSOLVED},
    Status.EXITED_CONSOLIDATING: {Status.EXITED_STABLE, Status.RETURNED, Status.REMOVED, Status.DISSOLVED},
    Status.EXITED_STABLE: {Status.RETURNED, Status.REMOVED, Status.DISSOLVED},
    Status.REMOVED: {Status.IDENTIFIED},
    Status.DISSOLVED: set(),
}


class StaleVersion(ValidationError):
    """Raised when a record was changed by someone else since it was read."""


# --- scope ---------------------------------------------------------------------------


def check_can_edit(user, village: Division) -> None:
    """Refused unless `user` may edit households of `village` (the one rule: `can_edit_region`).

    A village outside the user's region is answered exactly like a code that
    does not exist (no name, no 403); inside it, a role without edit rights gets 403.
    """
    if not in_scope(user, village.code):
        raise ValidationError({"village": [_("没有区划代码为 %(code)s 的村。") % {"code": village.code}]})
    if not can_edit_region(user, village.code):
        raise PermissionDenied(_("您的角色不能修改贫困户。"))


# --- closed years ----------------------------------------------------------------------


def _closed_year_guard(*, user, household: Household, day: date | None, correction: str, what: str) -> None:
    """Refuse a change dated in a closed year (clerks), or record it as a correction (admins, with a reason)."""
    closed_year_refusal(user=user, day=day, correction=correction)
    if day is not None and (closed := closed_year_covering(day)) is not None:
        audit_record(
            user=user, action=Action.CORRECTION, object_type="household", object_id=str(household.pk or ""),
            changes={"closed_year": [None, closed.year], "date": [None, day.isoformat()],
                     "correction": [None, correction.strip()]},
            household_code=household.code, region_code=household.village_id,
            summary=_("更正 %(year)d 年度（已锁定）：%(what)s，%(why)s")
            % {"year": closed.year, "what": what, "why": correction.strip()},
        )


def _earliest_member_change(existing: dict[int, Member], members: list[dict[str, Any]], dropped: list[Member],
                            identified_on: date | None) -> date | None:
    """The earliest day whose figures these member edits alter (a closed year before it stays as it was)."""
    days: list[date] = [m.joined_on for m in dropped]
    for data in members:
        joined = data.get("joined_on") or max(filter(None, [data.get("birth_date"), identified_on or timezone.localdate()]))
        old = existing.get(data["id"]) if data.get("id") else None
        if old is None:
            days.append(joined)
            if data.get("left_on"):
                days.append(data["left_on"])
            continue
        if joined != old.joined_on:
            days += [joined, old.joined_on]
        if data.get("left_on") != old.left_on:
            days += [d for d in (data.get("left_on"), old.left_on) if d]
    return min(days) if days else None


# --- members ---------------------------------------------------------------------------


def member_clean(data: dict[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """One member's fields, normalised and checked alone.

    The ID number is validated and normalised; sex and birth date are taken
    from it when missing and must agree with it when given. Raises a
    ValidationError keyed by field.
    """
    data = {k: v for k, v in data.items() if k in MEMBER_FIELDS or k in SPAN_FIELDS or k == "id"}
    errors: dict[str, list[str]] = {}
    try:
        number, born = validate_id_with_birth_date(data.get("id_number", ""), today=today)
    except ValidationError as e:
        errors["id_number"] = e.messages
    else:
        data["id_number"] = number
        sex = sex_from_id(number)
        if not data.get("sex"):
            data["sex"] = sex
        elif data["sex"] != sex:
            errors["sex"] = [_("性别与证件号码不符：证件号码第17位表示%(sex)s。") % {"sex": _("男") if sex == "M" else _("女")}]
        if not data.get("birth_date"):
            data["birth_date"] = born
        elif data["birth_date"] != born:
            errors["birth_date"] = [_("出生日期与证件号码不符：证件号码中为 %(d)s。") % {"d": born.isoformat()}]
    if not str(data.get("name") or "").strip():
        errors["name"] = [_("姓名不能为空。")]
    errors.update(_span_errors(data, today=today or timezone.localdate()))
    if errors:
        raise ValidationError(errors)
    if not _plainly_valid(Member, data, MEMBER_FIELDS):
        probe = Member(**{k: v for k, v in data.items() if k != "id"})
        try:
            probe.full_clean(exclude=["household", *([] if data.get("joined_on") else ["joined_on"])],
                             validate_constraints=False)
        except ValidationError as e:
            raise ValidationError(e.message_dict) from None
    return data


def _span_errors(data: dict[str, Any], *, today: date) -> dict[str, list[str]]:
    """A member's span: not joined before birth, not left before joining, no date after today, a reason to leave."""
    errors: dict[str, list[str]] = {}
    joined, left, born = data.get("joined_on"), data.get("left_on"), data.get("birth_date")
    for key in ("join_reason", "leave_reason", "span_note"):
        data[key] = (data.get(key) or "").strip()
    if joined and born and joined < born:
        errors["joined_on"] = [_("加入日期 %(j)s 早于出生日期 %(b)s：不能在出生前加入。") % {"j": joined, "b": born}]
    if joined and joined > today:
        errors["joined_on"] = [_("日期不能晚于今天。")]
    if left:
        if joined and left < joined:
            errors["left_on"] = [_("离开日期 %(l)s 早于加入日期 %(j)s：不能在加入前离开。") % {"l": left, "j": joined}]
        elif left > today:
            errors["left_on"] = [_("日期不能晚于今天。")]
        if not data["leave_reason"]:
            errors["leave_reason"] = [_("记录成员离开须填写离开原因。")]
    elif data["leave_reason"]:
        errors["left_on"] = [_("填写了离开原因，请同时填写离开日期。")]
    return errors


def _plain_check(field: models.Field) -> Callable[[Any], bool]:
    """A cheap test that `field.clean` would accept a value as it is; False means "ask full_clean"."""
    choices = {key for key, _label in field.flatchoices} if field.choices else None

    def empty(v: Any) -> bool:
        return field.blank and (v is None or v == "" or v == [])

    if isinstance(field, models.CharField):
        return lambda v: empty(v) or (isinstance(v, str) and v != "" and (field.max_length is None or len(v) <= field.max_length)
                                      and (choices is None or v in choices))
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


def members_check(*, user, members: list[dict[str, Any]], household: Household | None) -> None:
    """Rules across members: exactly one head, no ID twice, no ID already on the register elsewhere.

    A clerk is told an ID is registered elsewhere without being shown the
    other household when it lies outside their region.
    """
    errors: list[str] = []
    everyone = members
    members = [m for m in members if not m.get("left_on")]  # who left may be registered anywhere since
    heads = [m for m in members if m.get("relation") == Relation.HEAD]
    # Once everyone has left (the last member died, before 自然减少) there is nobody to be head.
    if (members or not everyone) and len(heads) != 1:
        errors.append(_("每户必须有且只有一位户主，现在有 %(n)d 位。") % {"n": len(heads)})
    seen: dict[str, str] = {}
    for m in members:
        number = m["id_number"]
        if number in seen:
            errors.append(_("证件号码 %(id)s 在本户中重复（%(a)s、%(b)s）。") % {"id": number, "a": seen[number], "b": m["name"]})
        seen[number] = m["name"]
    elsewhere = Member.objects.filter(id_number__in=list(seen), left_on__isnull=True, household_closed=False)
    if household is not None and household.pk:
        elsewhere = elsewhere.exclude(household=household)
    for other in elsewhere.select_related("household"):
        if in_scope(user, other.household.village_id):
            errors.append(
                _("证件号码 %(id)s 已登记在贫困户 %(code)s（户主 %(head)s）中，一人只能属于一户。")
                % {"id": other.id_number, "code": other.household.code, "head": other.household.head_name}
            )
        else:
            errors.append(_("证件号码 %(id)s 已登记在其他地区的贫困户中，一人只能属于一户。") % {"id": other.id_number})
    if errors:
        raise ValidationError({"members": errors})


def _household_clean(household: Household) -> None:
    try:
        household.full_clean(exclude=["version", "status", "head_name", "member_count"])
    except ValidationError as e:
        raise ValidationError(e.message_dict) from None
    check_year(household.identified_year, name="identified_year")
    if household.village.level != Level.VILLAGE:
        raise ValidationError({"village": [_("贫困户只能登记在村一级。")]})


def _identified_on(household: Household) -> date | None:
    first = household.status_changes.order_by("date", "id").values_list("date", flat=True).first()
    return first


def _write_members(
    *, user, household: Household, members: list[dict[str, Any]], batch: str, identified_on: date | None,
    correction: str = "",
) -> None:
    """Create and update members so the household has exactly `members` (matched by id).

    A member who leaves (death, marriage, a move) gets a departure date and
    reason and stays in the file. A member missing from `members` is deleted
    as if never entered: a correction, refused without `correction` (its
    reason) and audited as one.
    """
    existing = {m.pk: m for m in household.members.all()}
    given = {m.get("id") for m in members}
    dropped = [old for pk, old in existing.items() if pk not in given]
    if dropped and not correction.strip():
        raise ValidationError({"members": [
            _("删除成员（%(names)s）只用于更正录入错误，须填写更正原因；成员死亡、婚出或迁出请填写离开日期和原因。")
            % {"names": "、".join(m.name for m in dropped)}
        ]})
    day = _earliest_member_change(existing, members, dropped, identified_on)
    _closed_year_guard(user=user, household=household, day=day, correction=correction, what=_("成员变动"))
    for old in dropped:
        audit_record(
            user=user, action=Action.CORRECTION, obj=old,
            changes={**diff(snapshot(old, MEMBER_FIELDS + SPAN_FIELDS), {}), "correction": [None, correction.strip()]},
            household_code=household.code, region_code=household.village_id,
            summary=_("更正：删除成员 %(name)s（%(why)s）") % {"name": old.name, "why": correction.strip()}, batch=batch,
        )
        try:
            with transaction.atomic():
                old.delete()
        except models.ProtectedError as e:
            raise ValidationError({"members": [_("成员 %(name)s 不能删除：%(what)s 仍登记在该成员名下，请先处理。") % {
                "name": old.name,
                "what": "、".join(f"{o._meta.verbose_name}“{o}”" for o in e.protected_objects)}]}) from None
    closed = household.status in CLOSED_STATUSES
    # Who leaves goes first, heads last, so the one-head constraint never sees two present heads at once.
    ordered = sorted(members, key=lambda m: (not m.get("left_on"), m.get("relation") == Relation.HEAD))
    for data in ordered:
        fields = {k: v for k, v in data.items() if k in MEMBER_FIELDS or k in SPAN_FIELDS}
        if not fields.get("joined_on"):
            fields["joined_on"] = max(filter(None, [fields["birth_date"], identified_on or timezone.localdate()]))
        if data.get("id") in existing:
            member = existing[data["id"]]
            before = snapshot(member, MEMBER_FIELDS + SPAN_FIELDS)
            for k, v in fields.items():
                setattr(member, k, v)
            after = snapshot(member, MEMBER_FIELDS + SPAN_FIELDS)
            if before != after:
                member.save()
                left = after["left_on"] and not before["left_on"]
                audit_record(
                    user=user, action=Action.UPDATE, obj=member, changes=diff(before, after),
                    household_code=household.code, region_code=household.village_id,
                    summary=(_("成员离开：%(name)s") % {"name": member.name}) if left else member.name, batch=batch,
                )
        else:
            member = Member.objects.create(household=household, household_closed=closed, **fields)
            audit_record(
                user=user, action=Action.CREATE, obj=member,
                changes=diff({}, snapshot(member, MEMBER_FIELDS + SPAN_FIELDS)),
                household_code=household.code, region_code=household.village_id, summary=member.name, batch=batch,
            )


def _refresh_member_summary(household: Household) -> None:
    # Query the table, not `household.members`: a prefetched relation would answer from its stale cache.
    members = Member.objects.filter(household=household, left_on__isnull=True)
    head = members.filter(relation=Relation.HEAD).values_list("name", flat=True).first() or ""
    count = members.count()
    Household.objects.filter(pk=household.pk).update(head_name=head, member_count=count)
    household.head_name, household.member_count = head, count


def _registered_elsewhere(*, user, members: list[dict[str, Any]], household: Household | None) -> ValidationError:
    """The message for a concurrent registration the database refused (one person, one household).

    Two clerks may pass `members_check` at the same moment; the unique
    constraint lets one of them through and this names the ID for the other.
    """
    try:
        members_check(user=user, members=members, household=household)
    except ValidationError as e:
        return e
    return ValidationError({"members": [_("证件号码已登记在其他贫困户中，一人只能属于一户。")]})


# --- households ------------------------------------------------------------------------


def household_register(
    *,
    user,
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
    """
    household = Household(**{k: v for k, v in data.items() if k in HOUSEHOLD_FIELDS})
    _household_clean(household)
    check_can_edit(user, household.village)
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
                user=user, action=Action.CREATE, obj=household,
                changes=diff({}, snapshot(household, _household_audit_fields())),
                household_code=household.code, region_code=household.village_id, summary=household.code, batch=batch,
            )
            _write_members(user=user, household=household, members=cleaned, batch=batch, identified_on=identified_on)
            _refresh_member_summary(household)
            if not applying:
                _append_status(
                    user=user, household=household, status=Status.IDENTIFIED, on=identified_on,
                    reason=_("建档立卡"), batch=batch,
                )
    except IntegrityError:
        household.pk = None
        raise _registered_elsewhere(user=user, members=cleaned, household=None) from None
    return household


def _clean_all_members(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    errors: list[str]
    cleaned, errors = [], []
    for i, m in enumerate(members, start=1):
        try:
            cleaned.append(member_clean(m))
        except ValidationError as e:
            name = m.get("name") or "?"
            for field, msgs in e.message_dict.items():
                label = cast(models.Field, Member._meta.get_field(field)).verbose_name if field in MEMBER_FIELDS else field
                errors.extend(f"{_('第 %(i)d 位成员') % {'i': i}}（{name}）{label}：{msg}" for msg in msgs)
    if errors:
        raise ValidationError({"members": errors})
    return cleaned


def _household_audit_fields() -> list[str]:
    return [f if f != "village" else "village_id" for f in HOUSEHOLD_FIELDS]


def household_update(
    *,
    user,
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
        _household_save(user=user, household=household, version=version, before=before, cleaned=cleaned,
                        correction=correction, batch=batch)
    except IntegrityError:
        household.version = version
        raise _registered_elsewhere(user=user, members=cleaned or [], household=household) from None
    except ValidationError:
        household.version = version  # nothing was saved
        raise
    return household


def _household_save(*, user, household: Household, version: int, before: dict, cleaned, correction: str, batch: str) -> None:
    with transaction.atomic():
        claimed = Household.objects.filter(pk=household.pk, version=version).update(version=F("version") + 1)
        if not claimed:
            raise StaleVersion(
                _("该户信息已被其他人修改（您打开的是第 %(v)d 版）。为避免覆盖他人的修改，本次保存未生效："
                  "请重新打开该户，核对后再录入。")
                % {"v": version},
                code="stale_version",
            )
        household.version = version + 1
        household.save(update_fields=[*HOUSEHOLD_FIELDS, "updated_at"])
        changes = diff(before, snapshot(household, _household_audit_fields()))
        if changes:
            audit_record(
                user=user, action=Action.UPDATE, obj=household, changes=changes,
                household_code=household.code, region_code=household.village_id, summary=household.code, batch=batch,
            )
        if cleaned is not None:
            _write_members(user=user, household=household, members=cleaned, batch=batch,
                           identified_on=_identified_on(household), correction=correction)
            _refresh_member_summary(household)


# --- yearly records --------------------------------------------------------------------


def household_year_save(*, user, household: Household, year: int, data: dict[str, Any], batch: str = "",
                        version: int | None = None) -> HouseholdYear:
    """Create or replace the household's income and 两不愁三保障 record for `year`.

    With `version` (a change of a record read at that version), refused with
    StaleVersion when someone else saved the record since.
    """
    check_can_edit(user, household.village)
    check_year(year, name="year")
    record = HouseholdYear.objects.filter(household=household, year=year).first()
    before = snapshot(record, YEAR_FIELDS) if record else {}
    if record is None:
        record = HouseholdYear(household=household, year=year)
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
            _("四项收入之和为 %(sum)s 元，与人均纯收入 %(total)s 元不一致。") % {"sum": parts, "total": record.income_per_capita}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if version is not None:
            claimed = HouseholdYear.objects.filter(pk=record.pk, version=version).update(version=F("version") + 1)
            if not claimed:
                raise StaleVersion(
                    _("该年度记录已被其他人修改（您打开的是第 %(v)d 版）。为避免覆盖他人的修改，本次保存未生效：请重新打开，核对后再录入。")
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
                user=user, action=Action.UPDATE if before else Action.CREATE, obj=record,
                changes=diff(before, after), household_code=household.code, region_code=household.village_id,
                summary=f"{household.code} {year}", batch=batch,
            )
    return record


# --- status ----------------------------------------------------------------------------


def _rechain(household: Household) -> None:
    """Recompute ended_on, previous_status and sequence of the household's history, and its current status."""
    changes = list(household.status_changes.order_by("date", "id"))
    for i, change in enumerate(changes):
        change.sequence = i
        change.previous_status = changes[i - 1].status if i else ""
        change.ended_on = changes[i + 1].date if i + 1 < len(changes) else None
    StatusChange.objects.bulk_update(changes, ["sequence", "previous_status", "ended_on"])
    household.status = changes[-1].status if changes else ""
    Household.objects.filter(pk=household.pk).update(status=household.status)
    Member.objects.filter(household=household).update(household_closed=household.status in CLOSED_STATUSES)


def _append_status(*, user, household: Household, status: str, on: date, reason: str, batch: str) -> StatusChange:
    change = StatusChange.objects.create(household=household, status=status, date=on, reason=reason, by=user if user and user.is_authenticated else None)
    previous = household.status or None
    _rechain(household)
    audit_record(
        user=user, action=Action.STATUS, obj=change,
        changes={"status": [previous, status], "date": [None, on.isoformat()], "reason": [None, reason]},
        household_code=household.code, region_code=household.village_id,
        summary=f"{household.code} {Status(status).label}", batch=batch,
    )
    return change


def household_status_change(
    *,
    user,
    household: Household,
    status: str,
    on: date,
    reason: str = "",
    authorised: bool = False,
    correction: str = "",
    batch: str = "",
) -> StatusChange:
    """Record a status change dated `on` after the household's last one.

    Called by the announcement step of a case (procedures.services), which has
    checked the exit test and that `user` decides the case (`authorised`: a
    county approver, who edits no households), and by imports of history the
    national system already approved.
    A change dated in a closed year is refused, or, from an admin, taken as a
    correction with `correction` as its reason.
    """
    if not (authorised and in_scope(user, household.village_id)):
        check_can_edit(user, household.village)
    with transaction.atomic():
        # The household row is locked, so the same change sent twice at once is checked against the first.
        locked = Household.objects.select_for_update().filter(pk=household.pk).values("status", "version").first()
        if locked:
            household.status, household.version = locked["status"], locked["version"]
        return _status_change_locked(user=user, household=household, status=status, on=on, reason=reason,
                                     correction=correction, batch=batch)


def _status_change_locked(*, user, household: Household, status: str, on: date, reason: str, correction: str,
                          batch: str) -> StatusChange:
    last = household.status_changes.order_by("-date", "-id").first()
    current = last.status if last else None
    if status not in TRANSITIONS.get(current, set()):
        raise ValidationError(
            {"status": [_("不能从“%(a)s”变更为“%(b)s”。") % {"a": Status(current).label if current else _("未建档"), "b": Status(status).label}]}
        )
    if last and on < last.date:
        raise ValidationError({"date": [_("日期不能早于上一次状态变更（%(d)s）。") % {"d": last.date.isoformat()}]})
    if on > timezone.localdate():
        raise ValidationError({"date": [_("日期不能晚于今天。")]})
    if status == Status.REMOVED and not reason.strip():
        raise ValidationError({"reason": [_("清退必须填写原因。")]})
    if status == Status.DISSOLVED and not reason.strip():
        raise ValidationError({"reason": [_("自然减少必须填写原因（如成员全部死亡、整户迁出、并入他户）。")]})
    closed_year_refusal(user=user, day=on, correction=correction)
    try:
        with transaction.atomic():
            _closed_year_guard(user=user, household=household, day=on, correction=correction,
                               what=str(Status(status).label))
            Household.objects.filter(pk=household.pk).update(version=F("version") + 1)
            household.version += 1
            return _append_status(user=user, household=household, status=status, on=on, reason=reason, batch=batch)
    except IntegrityError:
        # Re-identifying a removed household whose member was registered elsewhere since.
        household.version -= 1
        present: list[dict[str, Any]] = [
            dict(m) for m in household.members.filter(left_on__isnull=True).values("id_number", "name", "relation")
        ]
        raise _registered_elsewhere(user=user, members=present, household=household) from None


def household_history_date(
    *, user, household: Household, history: list[tuple[str, date, str]], correction: str = "", batch: str = "",
) -> list[StatusChange]:
    """Replace a history known by years only (the roster's: each change on 31 December) by its dated changes.

    Called by the events import (households.events), which has matched the
    two: `history` is the same history with its days (and the changes the
    roster's four columns cannot carry). Its rules are checked again here; a
    closed year is guarded from the earliest day that moves. Rows keep their
    ids position by position, so a case recorded for a change stays with it.
    """
    if not (in_scope(user, household.village_id) and user.can_edit_households):
        check_can_edit(user, household.village)
    previous: str | None = None
    for status, on, reason in history:
        if status not in TRANSITIONS.get(previous, set()):
            raise ValidationError({"status": [_("不能从“%(a)s”变更为“%(b)s”。") % {
                "a": Status(previous).label if previous else _("未建档"), "b": Status(status).label}]})
        if on > timezone.localdate():
            raise ValidationError({"date": [_("日期不能晚于今天。")]})
        if status in CLOSED_STATUSES and not reason.strip():
            raise ValidationError({"reason": [_("清退或自然减少必须填写原因。")]})
        previous = status
    with transaction.atomic():
        Household.objects.select_for_update().filter(pk=household.pk).update(version=F("version") + 1)
        old = list(household.status_changes.order_by("date", "id"))
        before = [(c.status, c.date) for c in old]
        after = [(status, on) for status, on, _r in history]
        moved = [on for i, (_s, on) in enumerate(before) if i >= len(after) or after[i] != before[i]]
        moved += [on for i, (_s, on) in enumerate(after) if i >= len(before) or after[i] != before[i]]
        if not moved:
            return old
        _closed_year_guard(user=user, household=household, day=min(moved), correction=correction,
                           what=_("状态记录"))
        for change, (status, on, reason) in zip(old, history, strict=False):
            change.status, change.date, change.reason = status, on, reason
        StatusChange.objects.bulk_update(old[:len(history)], ["status", "date", "reason"])
        StatusChange.objects.filter(pk__in=[c.pk for c in old[len(history):]]).delete()
        by = user if user and user.is_authenticated else None
        StatusChange.objects.bulk_create([StatusChange(household=household, status=status, date=on, reason=reason, by=by)
                                          for status, on, reason in history[len(old):]])
        _rechain(household)
        household.version += 1
        audit_record(
            user=user, action=Action.STATUS, object_type="household", object_id=str(household.pk),
            changes={"status_changes": [[[st, on.isoformat()] for st, on in before],
                                        [[st, on.isoformat(), r] for st, on, r in history]]},
            household_code=household.code, region_code=household.village_id,
            summary=_("%(code)s 状态记录补全日期") % {"code": household.code}, batch=batch,
        )
        return list(household.status_changes.order_by("date", "id"))


# --- bulk registration (imports) -------------------------------------------------------------

# Rows per INSERT where there is no COPY (SQLite): fewer round trips, statements of a sensible size.
BULK_BATCH = 2000


def households_register_bulk(*, user, entries: list[dict[str, Any]], batch: str = "") -> list[Household]:
    """Register many new households at once, with the rules of `household_register` checked in a few queries.

    Each entry is {"data": household fields, "members": members that already
    passed `member_clean` (the importer cleans them row by row to report each
    row), "history": [(status, date, reason)] in order, the first one
    identified, "year": (year, income fields) or None}. An imported exit was
    approved by the national system, so the exit test is not applied. Raises ValidationError
    keyed by household code; writes nothing then.

    The audit trail gets one row per household (not one per member, status
    change and year as the forms write): the household's fields with, under
    "members", "status_changes" and "year", the values of what was created
    with it, all as [old, new] and with the import's `batch`.
    """
    errors: dict[str, list[str]] = {}
    households, villages = [], {}
    checked = [name for name in HOUSEHOLD_FIELDS if name != "village"]
    for entry in entries:
        household = Household(**{k: v for k, v in entry["data"].items() if k in HOUSEHOLD_FIELDS})
        try:
            # The village is a Division instance the caller looked up: no query per household to re-check it exists.
            values = {name: getattr(household, name) for name in checked}
            if not _plainly_valid(Household, values, checked):
                household.full_clean(exclude=["version", "status", "head_name", "member_count", "village"],
                                     validate_unique=False)
            if household.village.level != Level.VILLAGE:
                raise ValidationError({"village": [_("贫困户只能登记在村一级。")]})
        except ValidationError as e:
            errors.setdefault(household.code, []).extend(e.messages)
        villages[household.village.code] = household.village
        households.append(household)
    for village in villages.values():
        check_can_edit(user, village)
    codes = [h.code for h in households]
    for code in Household.objects.filter(code__in=codes).values_list("code", flat=True):
        errors.setdefault(code, []).append(_("户编号 %(code)s 已存在。") % {"code": code})
    owner: dict[str, str] = {}
    for household, entry in zip(households, entries, strict=True):
        heads = [m for m in entry["members"] if m["relation"] == Relation.HEAD]
        if len(heads) != 1:
            errors.setdefault(household.code, []).append(_("每户必须有且只有一位户主，现在有 %(n)d 位。") % {"n": len(heads)})
        for m in entry["members"]:
            if m["id_number"] in owner:
                errors.setdefault(household.code, []).append(
                    _("证件号码 %(id)s 同时出现在贫困户 %(a)s 和 %(b)s 中。") % {"id": m["id_number"], "a": owner[m["id_number"]], "b": household.code}
                )
            owner[m["id_number"]] = household.code
        try:
            closed_year_refusal(user=user, day=min(on for _s, on, _r in entry["history"]))
        except ValidationError as e:
            errors.setdefault(household.code, []).extend(e.messages)
        previous = None
        for status, on, _reason in entry["history"]:
            if status not in TRANSITIONS.get(previous, set()) or on > timezone.localdate():
                errors.setdefault(household.code, []).append(_("状态记录无效：%(s)s（%(d)s）。") % {"s": Status(status).label, "d": on})
            previous = status
    elsewhere = Member.objects.filter(id_number__in=list(owner), left_on__isnull=True, household_closed=False)
    for number in elsewhere.values_list("id_number", flat=True):
        errors.setdefault(owner[number], []).append(_("证件号码 %(id)s 已登记在其他贫困户中，一人只能属于一户。") % {"id": number})
    if errors:
        raise ValidationError(errors)
    by = user.pk if user is not None and user.is_authenticated else None
    member_defaults = {name: _plain_checks(Member)[name][1] for name in MEMBER_FIELDS}
    year_defaults = {name: _plain_checks(HouseholdYear)[name][1] for name in YEAR_FIELDS}
    with transaction.atomic():
        for household, entry in zip(households, entries, strict=True):
            household.head_name = next(m["name"] for m in entry["members"] if m["relation"] == Relation.HEAD)
            household.member_count = len(entry["members"])
            household.status = entry["history"][-1][0]
        _insert_households(households)
        members, changes, years, audits = [], [], [], []
        for household, entry in zip(households, entries, strict=True):
            history = entry["history"]
            identified_on, closed = history[0][1], history[-1][0] in CLOSED_STATUSES
            own = [{**member_defaults, **{k: v for k, v in m.items() if k in MEMBER_FIELDS}, "household_id": household.pk,
                    "joined_on": max(m["birth_date"], identified_on), "household_closed": closed}
                   for m in entry["members"]]
            own_changes = [
                {"household_id": household.pk, "status": status, "date": on, "reason": reason, "by_id": by,
                 "sequence": i, "previous_status": history[i - 1][0] if i else "",
                 "ended_on": history[i + 1][1] if i + 1 < len(history) else None}
                for i, (status, on, reason) in enumerate(history)
            ]
            trail = diff({}, snapshot(household, _household_audit_fields()))
            trail["members"] = [None, [_plain_values(m, MEMBER_FIELDS) for m in own]]
            trail["status_changes"] = [None, [_plain_values(c, ["status", "date", "reason"]) for c in own_changes]]
            if entry["year"] is not None:
                year, fields = entry["year"]
                record = {**year_defaults, **{k: v for k, v in fields.items() if k in YEAR_FIELDS},
                          "household_id": household.pk, "year": year}
                years.append(record)
                trail["year"] = [None, _plain_values(record, ["year", *YEAR_FIELDS])]
            members += own
            changes += own_changes
            audits.append({
                "user_id": by, "action": Action.CREATE, "object_type": "household", "object_id": str(household.pk),
                "household_code": household.code, "region_code": household.village_id,
                "summary": household.code[:300], "changes": trail, "batch": batch[:200],
            })
        _insert(Member, members)
        _insert(StatusChange, changes)
        _insert(HouseholdYear, years)
        _insert(AuditEntry, audits)
    return households


def _plain_values(row: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """`snapshot` of a row given as a dict (dates and money as strings)."""
    return {name: str(v) if isinstance(v := row[name], (date, Decimal)) else v for name in names}


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _insert_households(households: list[Household]) -> None:
    """Insert new households and give them their ids."""
    if not _on_postgresql():
        Household.objects.bulk_create(households, batch_size=BULK_BATCH)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [Household._meta.db_table, len(households)])
        for household, (pk,) in zip(households, cursor.fetchall(), strict=True):
            household.pk = pk
            household._state.adding = False
            household._state.db = connection.alias
    names = [f.attname for f in Household._meta.concrete_fields]
    _insert(Household, [{name: getattr(h, name) for name in names} for h in households])


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert rows given as {attname: value}; absent fields take their defaults, auto_now fields the time now.

    On PostgreSQL through COPY: an import writes hundreds of thousands of rows
    and COPY is several times faster than INSERT (bench/import.py). The
    values have passed the same checks as on the forms' path (`member_clean`,
    `_plainly_valid`, `full_clean`).
    """
    if not rows:
        return
    if not _on_postgresql():
        model._default_manager.bulk_create([model(**row) for row in rows], batch_size=BULK_BATCH)
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])]
    columns: list[tuple[str, str, Callable[[Any], str] | None]] = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            columns.append((f.attname, _copy_text(now), None))
        else:
            columns.append((f.attname, _copy_text(f.get_default()), _copy_converter(f)))
    lines = ["\t".join(fixed if convert is None else convert(row[name]) if name in row else fixed
                       for name, fixed, convert in columns)
             for row in rows]
    quote = connection.ops.quote_name
    # A concrete field always has a column; the stubs type Field.column as optional.
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"  # type: ignore[arg-type]
    with connection.cursor() as cursor:
        cursor.copy_expert(sql, io.StringIO("\n".join(lines) + "\n"))


_COPY_SPECIAL = re.compile(r"[\\\n\r\t]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


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


def _copy_converter(field: models.Field) -> Callable[[Any], str]:
    """`_copy_text` for one field: plain text columns skip the type tests (most of what an import writes)."""
    if isinstance(field, models.CharField):
        def convert(value: Any) -> str:
            if type(value) is not str or _COPY_SPECIAL.search(value):
                return _copy_text(value)
            return value

        return convert
    return _copy_text
