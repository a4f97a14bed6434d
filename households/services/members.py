"""Members: one member's fields checked alone, the rules across a household's members, and their writes.

A member who leaves keeps their row with a departure date; deleting one is a
correction with a reason.
"""

from datetime import date
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import Action, audit_record, diff, snapshot
from villages.scope import in_scope

from ..ids import sex_from_id, validate_id_with_birth_date
from ..models import CLOSED_STATUSES, Household, Member, Relation
from .common import MEMBER_FIELDS, SPAN_FIELDS, _closed_year_guard, _plainly_valid


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
            errors["sex"] = [
                _("性别与证件号码不符：证件号码第17位表示%(sex)s。") % {"sex": _("男") if sex == "M" else _("女")}
            ]
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
            probe.full_clean(
                exclude=["household", *([] if data.get("joined_on") else ["joined_on"])], validate_constraints=False
            )
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


def members_check(*, user: User, members: list[dict[str, Any]], household: Household | None) -> None:
    """Rules across members: exactly one head, no ID twice, no ID already on the register elsewhere.

    A clerk is told an ID is registered elsewhere without being shown the
    other household when it lies outside their region.
    """
    errors = _members_rules(members)
    present = [m["id_number"] for m in members if not m.get("left_on")]
    elsewhere = Member.objects.filter(id_number__in=present, left_on__isnull=True, household_closed=False)
    if household is not None and household.pk:
        elsewhere = elsewhere.exclude(household=household)
    errors += [_registered_elsewhere_message(user, other) for other in elsewhere.select_related("household")]
    if errors:
        raise ValidationError({"members": errors})


def _members_rules(members: list[dict[str, Any]]) -> list[str]:
    """What is wrong within one household's members, without a query: the number of heads, an ID given twice."""
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
            errors.append(
                _("证件号码 %(id)s 在本户中重复（%(a)s、%(b)s）。") % {"id": number, "a": seen[number], "b": m["name"]}
            )
        seen[number] = m["name"]
    return errors


def _registered_elsewhere_message(user: User, other: Member) -> str:
    """The refusal for a person already present in `other`'s household, naming it only inside the user's region."""
    if in_scope(user, other.household.village_id):
        return _("证件号码 %(id)s 已登记在贫困户 %(code)s（户主 %(head)s）中，一人只能属于一户。") % {
            "id": other.id_number,
            "code": other.household.code,
            "head": other.household.head_name,
        }
    return _("证件号码 %(id)s 已登记在其他地区的贫困户中，一人只能属于一户。") % {"id": other.id_number}


def _clean_all_members(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    errors: list[str]
    cleaned, errors = [], []
    for i, m in enumerate(members, start=1):
        try:
            cleaned.append(member_clean(m))
        except ValidationError as e:
            name = m.get("name") or "?"
            for field, msgs in e.message_dict.items():
                label = (
                    cast(models.Field, Member._meta.get_field(field)).verbose_name if field in MEMBER_FIELDS else field
                )
                errors.extend(f"{_('第 %(i)d 位成员') % {'i': i}}（{name}）{label}：{msg}" for msg in msgs)
    if errors:
        raise ValidationError({"members": errors})
    return cleaned


def _earliest_member_change(
    existing: dict[int, Member], members: list[dict[str, Any]], dropped: list[Member], identified_on: date | None
) -> date | None:
    """The earliest day whose figures these member edits alter (a closed year before it stays as it was)."""
    days: list[date] = [m.joined_on for m in dropped]
    for data in members:
        joined = data.get("joined_on") or max(
            filter(None, [data.get("birth_date"), identified_on or timezone.localdate()])
        )
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


# The member fields a figure counts: the spans (the register), and labour and age (loan coverage).
COUNTED_FIELDS = ("joined_on", "left_on", "labour", "birth_date")


def _write_members(
    *,
    user: User,
    household: Household,
    members: list[dict[str, Any]],
    batch: str,
    identified_on: date | None,
    correction: str = "",
) -> bool:
    """Create and update members so the household has exactly `members` (matched by id).

    A member who leaves (death, marriage, a move) gets a departure date and
    reason and stays in the file. A member missing from `members` is deleted
    as if never entered: a correction, refused without `correction` (its
    reason) and audited as one. Returns whether the register's figures may
    have moved: a member added or deleted, or a day of joining or leaving, the
    labour or the birth date changed (a name or a school does not count anyone again).
    """
    existing = {m.pk: m for m in household.members.all()}
    given = {m.get("id") for m in members}
    dropped = [old for pk, old in existing.items() if pk not in given]
    if dropped and not correction.strip():
        raise ValidationError(
            {
                "members": [
                    _(
                        "删除成员（%(names)s）只用于更正录入错误，须填写更正原因；成员死亡、婚出或迁出请填写离开日期和原因。"
                    )
                    % {"names": "、".join(m.name for m in dropped)}
                ]
            }
        )
    counted = bool(dropped)
    day = _earliest_member_change(existing, members, dropped, identified_on)
    _closed_year_guard(user=user, household=household, day=day, correction=correction, what=_("成员变动"))
    for old in dropped:
        audit_record(
            user=user,
            action=Action.CORRECTION,
            obj=old,
            changes={**diff(snapshot(old, MEMBER_FIELDS + SPAN_FIELDS), {}), "correction": [None, correction.strip()]},
            household_code=household.code,
            region_code=household.village_id,
            summary=_("更正：删除成员 %(name)s（%(why)s）") % {"name": old.name, "why": correction.strip()},
            batch=batch,
        )
        try:
            with transaction.atomic():
                old.delete()
        except models.ProtectedError as e:
            raise ValidationError(
                {
                    "members": [
                        _("成员 %(name)s 不能删除：%(what)s 仍登记在该成员名下，请先处理。")
                        % {
                            "name": old.name,
                            "what": "、".join(f"{o._meta.verbose_name}“{o}”" for o in e.protected_objects),
                        }
                    ]
                }
            ) from None
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
                counted = counted or any(before[k] != after[k] for k in COUNTED_FIELDS)
                member.save()
                left = after["left_on"] and not before["left_on"]
                audit_record(
                    user=user,
                    action=Action.UPDATE,
                    obj=member,
                    changes=diff(before, after),
                    household_code=household.code,
                    region_code=household.village_id,
                    summary=(_("成员离开：%(name)s") % {"name": member.name}) if left else member.name,
                    batch=batch,
                )
        else:
            member = Member.objects.create(
                household=household, village_id=household.village_id, household_closed=closed, **fields
            )
            counted = True
            audit_record(
                user=user,
                action=Action.CREATE,
                obj=member,
                changes=diff({}, snapshot(member, MEMBER_FIELDS + SPAN_FIELDS)),
                household_code=household.code,
                region_code=household.village_id,
                summary=member.name,
                batch=batch,
            )
    return counted


def _refresh_member_summary(household: Household) -> None:
    # Query the table, not `household.members`: a prefetched relation would answer from its stale cache.
    members = Member.objects.filter(household=household, left_on__isnull=True)
    head = members.filter(relation=Relation.HEAD).values_list("name", flat=True).first() or ""
    count = members.count()
    Household.objects.filter(pk=household.pk).update(head_name=head, member_count=count)
    household.head_name, household.member_count = head, count


def _registered_elsewhere(*, user: User, members: list[dict[str, Any]], household: Household | None) -> ValidationError:
    """The message for a concurrent registration the database refused (one person, one household).

    Two clerks may pass `members_check` at the same moment; the unique
    constraint lets one of them through and this names the ID for the other.
    """
    try:
        members_check(user=user, members=members, household=household)
    except ValidationError as e:
        return e
    return ValidationError({"members": [_("证件号码已登记在其他贫困户中，一人只能属于一户。")]})
