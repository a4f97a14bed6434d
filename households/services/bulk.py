"""Bulk registration (imports): many new households checked with the single path's rules in a few queries."""

from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEntry
from audit.services import Action, snapshot
from gannan.lib.bulk import bulk_insert
from metrics.closing import closed_year_covering, closed_year_refusal
from metrics.rollups import rollups_touch

from ..models import CLOSED_STATUSES, Household, HouseholdYear, Member, Relation, StatusChange
from .common import (
    HOUSEHOLD_FIELDS,
    MEMBER_FIELDS,
    YEAR_FIELDS,
    _household_audit_fields,
    _plain_checks,
    check_can_edit,
)
from .households import _household_clean
from .members import _members_rules, _registered_elsewhere_message
from .status import status_chain, status_change_check


def households_register_bulk(*, user: User, entries: list[dict[str, Any]], batch: str = "") -> list[Household]:
    """Register many new households at once, with the rules of `household_register` checked in a few queries.

    Each entry is {"data": household fields, "members": members that already
    passed `member_clean` (the importer cleans them row by row to report each
    row; a member who left carries `left_on` and `leave_reason`, and is
    neither counted, nor the head, nor held to one person in one household),
    "history": [(status, date, reason)] in order, the first one
    identified, "year": (year, income fields) or None}. An imported exit was
    approved by the national system, so the exit test is not applied. Raises ValidationError
    keyed by household code; writes nothing then.

    The audit trail gets one compact row per household (not one per member,
    status change and year as the forms write): the household's fields with,
    under "members", "status_changes" and "year", the values of what was
    created with it, all as [old, new] and with the import's `batch`. Only the
    values the file set are kept: empty ones and the fields' defaults are left
    out, which the history page shows no differently.
    """
    errors: dict[str, list[str]] = {}

    def refuse(code: str, messages: list[str]) -> None:
        if messages:
            errors.setdefault(code, []).extend(messages)

    households, villages = [], {}
    for entry in entries:
        household = Household(**{k: v for k, v in entry["data"].items() if k in HOUSEHOLD_FIELDS})
        try:
            _household_clean(household, many=True)
        except ValidationError as e:
            refuse(household.code, e.messages)
        villages[household.village.code] = household.village
        households.append(household)
    for village in villages.values():
        check_can_edit(user, village)
    codes = [h.code for h in households]
    for code in Household.objects.filter(code__in=codes).values_list("code", flat=True):
        # The message full_clean gives a single registration.
        refuse(code, Household(code=code).unique_error_message(Household, ("code",)).messages)
    owner: dict[str, str] = {}
    today = timezone.localdate()
    # One query for the whole file: a closed year the earliest change would alter is then asked per household.
    earliest = min((on for entry in entries for _s, on, _r in entry["history"]), default=None)
    any_closed = earliest is not None and closed_year_covering(earliest) is not None
    for household, entry in zip(households, entries, strict=True):
        refuse(household.code, _members_rules(entry["members"]))
        for m in entry["members"]:
            if m.get("left_on"):
                continue  # who left is in the file only; they may be present in another household
            if owner.setdefault(m["id_number"], household.code) != household.code:
                refuse(
                    household.code,
                    [
                        _("证件号码 %(id)s 同时出现在贫困户 %(a)s 和 %(b)s 中。")
                        % {"id": m["id_number"], "a": owner[m["id_number"]], "b": household.code}
                    ],
                )
        history = entry["history"]
        if any_closed:
            try:
                closed_year_refusal(user=user, day=min(on for _s, on, _r in history))
            except ValidationError as e:
                refuse(household.code, e.messages)
        last = None
        for status, on, reason in history:
            try:
                status_change_check(last=last, status=status, on=on, reason=reason, today=today)
            except ValidationError as e:
                refuse(household.code, e.messages)
            last = (status, on)
        for m in entry["members"]:
            joined, left = _joined_on(m, history[0][1]), m.get("left_on")
            if left and left < joined:
                refuse(
                    household.code,
                    [_("离开日期 %(l)s 早于加入日期 %(j)s：不能在加入前离开。") % {"l": left, "j": joined}],
                )
    elsewhere = Member.objects.filter(id_number__in=list(owner), left_on__isnull=True, household_closed=False)
    for other in elsewhere.select_related("household"):
        refuse(owner[other.id_number], [_registered_elsewhere_message(user, other)])
    if errors:
        raise ValidationError(errors)
    by = user.pk
    member_defaults = {name: _plain_checks(Member)[name][1] for name in MEMBER_FIELDS}
    year_defaults = {name: _plain_checks(HouseholdYear)[name][1] for name in YEAR_FIELDS}
    household_defaults = {
        name if name != "village" else "village_id": _plain_checks(Household)[name][1] for name in HOUSEHOLD_FIELDS
    }
    household_fields = _household_audit_fields()
    member_trail = _compact_defaults(member_defaults)
    year_trail = _compact_defaults(year_defaults)
    with transaction.atomic():
        for household, entry in zip(households, entries, strict=True):
            present = [m for m in entry["members"] if not m.get("left_on")]
            # Once everyone has left (a dissolved household's file) there is no head, as the single path keeps it.
            household.head_name = next((m["name"] for m in present if m["relation"] == Relation.HEAD), "")
            household.member_count = len(present)
            household.status = entry["history"][-1][0]
        _insert_households(households)
        members, changes, years, audits = [], [], [], []
        for household, entry in zip(households, entries, strict=True):
            history = entry["history"]
            identified_on, closed = history[0][1], history[-1][0] in CLOSED_STATUSES
            own = [
                {
                    **member_defaults,
                    **{k: v for k, v in m.items() if k in MEMBER_FIELDS},
                    "household_id": household.pk,
                    "village_id": household.village_id,
                    "joined_on": _joined_on(m, identified_on),
                    # A member who left (the roster with departed members) comes with the day and reason.
                    "left_on": m.get("left_on"),
                    "leave_reason": m.get("leave_reason") or "",
                    "household_closed": closed,
                }
                for m in entry["members"]
            ]
            own_changes = [
                {
                    "household_id": household.pk,
                    "village_id": household.village_id,
                    "status": status,
                    "date": on,
                    "reason": reason,
                    "by_id": by,
                    **link._asdict(),
                }
                for (status, on, reason), link in zip(
                    history, status_chain([(s, on) for s, on, _r in history]), strict=True
                )
            ]
            values = snapshot(household, household_fields)
            trail: dict[str, Any] = {
                k: [None, v] for k, v in _compact(values, household_fields, household_defaults).items()
            }
            trail["members"] = [
                None,
                [
                    _compact(m, [*MEMBER_FIELDS, *(["left_on", "leave_reason"] if m["left_on"] else [])], member_trail)
                    for m in own
                ],
            ]
            trail["status_changes"] = [None, [_plain_values(c, ["status", "date", "reason"]) for c in own_changes]]
            if entry["year"] is not None:
                year, fields = entry["year"]
                record = {
                    **year_defaults,
                    **{k: v for k, v in fields.items() if k in YEAR_FIELDS},
                    "household_id": household.pk,
                    "village_id": household.village_id,
                    "year": year,
                }
                years.append(record)
                trail["year"] = [None, _compact(record, ["year", *YEAR_FIELDS], year_trail)]
            members += own
            changes += own_changes
            audits.append(
                {
                    "user_id": by,
                    "action": Action.CREATE,
                    "object_type": "household",
                    "object_id": str(household.pk),
                    "household_code": household.code,
                    "region_code": household.village_id,
                    "summary": household.code[:300],
                    "changes": trail,
                    "batch": batch[:200],
                }
            )
        _insert(Member, members)
        _insert(StatusChange, changes)
        _insert(HouseholdYear, years)
        _insert(AuditEntry, audits)
        rollups_touch(*villages)
    return households


def _joined_on(member: dict[str, Any], identified_on: date) -> date:
    """A new household's member joined when it was identified, or at birth if later (register.md)."""
    return max(member["birth_date"], identified_on)


def _compact_defaults(defaults: dict[str, Any]) -> dict[str, Any]:
    """Field defaults as the trail writes values (`_plain_values`)."""
    return _plain_values(defaults, list(defaults))


def _compact(row: dict[str, Any], names: list[str], defaults: dict[str, Any]) -> dict[str, Any]:
    """A created row's values of `names` for the trail (`_plain_values`), without the empty ones and the defaults.

    One pass over the row: an import writes this for each of its hundred thousand members.
    """
    out = {}
    for name in names:
        value = row[name]
        if value in (None, "", []):
            continue
        if isinstance(value, (date, Decimal)):
            value = str(value)
        if value != defaults.get(name):
            out[name] = value
    return out


def _plain_values(row: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """`snapshot` of a row given as a dict (dates and money as strings)."""
    return {name: str(v) if isinstance(v := row[name], (date, Decimal)) else v for name in names}


def _insert_households(households: list[Household]) -> None:
    """Insert new households and give them their ids (found by their unique codes)."""
    # The writer stamps created_at and updated_at, as the ORM would.
    names = [
        f.attname
        for f in Household._meta.concrete_fields
        if not f.primary_key and f.attname not in ("created_at", "updated_at")
    ]
    bulk_insert(Household, names, [tuple(getattr(h, name) for name in names) for h in households])
    ids = dict(Household.objects.filter(code__in=[h.code for h in households]).values_list("code", "pk"))
    for household in households:
        household.pk = ids[household.code]
        household._state.adding = False
        household._state.db = connection.alias


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """`bulk_insert` of rows given as {attname: value}, all with the same keys; absent fields take their defaults.

    The values have passed the same checks as on the forms' path
    (`member_clean`, `_plainly_valid`, `full_clean`).
    """
    if rows:
        columns = list(rows[0])
        # itemgetter of one name gives the value, not a 1-tuple: ask for the columns as a tuple each time.
        values = itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
        bulk_insert(model, columns, list(map(values, rows)))
