"""The status history: which status may follow which, the chain of spans, and a change appended to it."""

from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import Action, audit_record
from metrics.closing import closed_year_refusal
from metrics.rollups import rollups_touch
from villages.scope import in_scope

from ..models import CLOSED_STATUSES, Household, Member, Status, StatusChange
from .common import _closed_year_guard, check_can_edit
from .members import _registered_elsewhere

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


def status_may_follow(previous: str | None, status: str) -> bool:
    """Whether `status` may follow `previous` (None or "": a household not yet on the register)."""
    return status in TRANSITIONS.get(previous or None, set())


class StatusLink(NamedTuple):
    """A change's place in its household's chain: the columns every writer keeps on StatusChange."""

    sequence: int
    previous_status: str  # "" for the first change
    ended_on: date | None  # the next change's date; None for the current one


def status_chain(changes: Sequence[tuple[str, date]]) -> list[StatusLink]:
    """The links of a household's changes, given as (status, date) in date order.

    The one computation of the spans (`ended_on`) and of what came before:
    the services, the bulk registration and the demo all write these.
    """
    last = len(changes) - 1
    return [
        StatusLink(
            sequence=i, previous_status=changes[i - 1][0] if i else "", ended_on=changes[i + 1][1] if i < last else None
        )
        for i in range(len(changes))
    ]


def status_change_check(
    *, last: tuple[str, date] | None, status: str, on: date, reason: str, today: date | None = None
) -> None:
    """Refuse `status` on `on` after the household's last change `last` (status, date), or as its first one.

    The one rule for a change recorded alone and for each change of the
    history a bulk registration brings (which gives `today` once for all of them).
    """
    current, since = last if last else (None, None)
    if not status_may_follow(current, status):
        raise ValidationError(
            {
                "status": [
                    _("不能从“%(a)s”变更为“%(b)s”。")
                    % {"a": Status(current).label if current else _("未建档"), "b": Status(status).label}
                ]
            }
        )
    if since and on < since:
        raise ValidationError({"date": [_("日期不能早于上一次状态变更（%(d)s）。") % {"d": since.isoformat()}]})
    if on > (today or timezone.localdate()):
        raise ValidationError({"date": [_("日期不能晚于今天。")]})
    if status == Status.REMOVED and not reason.strip():
        raise ValidationError({"reason": [_("清退必须填写原因。")]})
    if status == Status.DISSOLVED and not reason.strip():
        raise ValidationError({"reason": [_("自然减少必须填写原因（如成员全部死亡、整户迁出、并入他户）。")]})


def _rechain(household: Household) -> None:
    """Recompute ended_on, previous_status and sequence of the household's history, and its current status."""
    changes = list(household.status_changes.order_by("date", "id"))
    for change, link in zip(changes, status_chain([(c.status, c.date) for c in changes]), strict=True):
        change.sequence, change.previous_status, change.ended_on = link
    StatusChange.objects.bulk_update(changes, ["sequence", "previous_status", "ended_on"])
    household.status = changes[-1].status if changes else ""
    Household.objects.filter(pk=household.pk).update(status=household.status)
    Member.objects.filter(household=household).update(household_closed=household.status in CLOSED_STATUSES)


def _append_status(*, user: User, household: Household, status: str, on: date, reason: str, batch: str) -> StatusChange:
    change = StatusChange.objects.create(
        household=household, village_id=household.village_id, status=status, date=on, reason=reason, by=user
    )
    previous = household.status or None
    _rechain(household)
    audit_record(
        user=user,
        action=Action.STATUS,
        obj=change,
        changes={"status": [previous, status], "date": [None, on.isoformat()], "reason": [None, reason]},
        household_code=household.code,
        region_code=household.village_id,
        summary=f"{household.code} {Status(status).label}",
        batch=batch,
    )
    return change


def household_status_change(
    *,
    user: User,
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
        return _status_change_locked(
            user=user, household=household, status=status, on=on, reason=reason, correction=correction, batch=batch
        )


def _status_change_locked(
    *, user: User, household: Household, status: str, on: date, reason: str, correction: str, batch: str
) -> StatusChange:
    last = household.status_changes.order_by("-date", "-id").values_list("status", "date").first()
    status_change_check(last=last, status=status, on=on, reason=reason)
    closed_year_refusal(user=user, day=on, correction=correction)
    try:
        with transaction.atomic():
            _closed_year_guard(
                user=user, household=household, day=on, correction=correction, what=str(Status(status).label)
            )
            Household.objects.filter(pk=household.pk).update(version=F("version") + 1)
            household.version += 1
            change = _append_status(user=user, household=household, status=status, on=on, reason=reason, batch=batch)
            rollups_touch(household.village_id)
            return change
    except IntegrityError:
        # Re-identifying a removed household whose member was registered elsewhere since.
        household.version -= 1
        present: list[dict[str, Any]] = [
            dict(m) for m in household.members.filter(left_on__isnull=True).values("id_number", "name", "relation")
        ]
        raise _registered_elsewhere(user=user, members=present, household=household) from None


def household_history_date(
    *,
    user: User,
    household: Household,
    history: list[tuple[str, date, str]],
    correction: str = "",
    batch: str = "",
) -> list[StatusChange]:
    """Replace a history known by years only (the roster's: each change on 31 December) by its dated changes.

    Called by the events import (households.events), which has matched the
    two: `history` is the same history with its days (and the changes the
    roster's four columns cannot carry). Each change is checked by the one
    rule (`status_change_check`); a closed year is guarded from the earliest
    day that moves. Rows keep their ids position by position, so a case
    recorded for a change stays with it.
    """
    check_can_edit(user, household.village)
    last: tuple[str, date] | None = None
    for status, on, reason in history:
        status_change_check(last=last, status=status, on=on, reason=reason)
        last = (status, on)
    with transaction.atomic():
        Household.objects.select_for_update().filter(pk=household.pk).update(version=F("version") + 1)
        old = list(household.status_changes.order_by("date", "id"))
        before = [(c.status, c.date) for c in old]
        after = [(status, on) for status, on, _r in history]
        moved = [on for i, (_s, on) in enumerate(before) if i >= len(after) or after[i] != before[i]]
        moved += [on for i, (_s, on) in enumerate(after) if i >= len(before) or after[i] != before[i]]
        if not moved:
            return old
        _closed_year_guard(user=user, household=household, day=min(moved), correction=correction, what=_("状态记录"))
        for change, (status, on, reason) in zip(old, history, strict=False):
            change.status, change.date, change.reason = status, on, reason
        StatusChange.objects.bulk_update(old[: len(history)], ["status", "date", "reason"])
        StatusChange.objects.filter(pk__in=[c.pk for c in old[len(history) :]]).delete()
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    household=household, village_id=household.village_id, status=status, date=on, reason=reason, by=user
                )
                for status, on, reason in history[len(old) :]
            ]
        )
        _rechain(household)
        household.version += 1
        audit_record(
            user=user,
            action=Action.STATUS,
            object_type="household",
            object_id=str(household.pk),
            changes={
                "status_changes": [
                    [[st, on.isoformat()] for st, on in before],
                    [[st, on.isoformat(), r] for st, on, r in history],
                ]
            },
            household_code=household.code,
            region_code=household.village_id,
            summary=_("%(code)s 状态记录补全日期") % {"code": household.code},
            batch=batch,
        )
        rollups_touch(household.village_id)
        return list(household.status_changes.order_by("date", "id"))
