"""The 变动记录 (events) file of register.md: one dated event a row, in and out.

`events_import` reads a CSV or XLSX of household events (识别 … 自然减少) and
member events (成员增加, 成员减少), checks every row against the register (each
refusal names the row, the column and why) and applies the events by date
through the services, in one transaction: any error and nothing is written; a
dry run rolls back. A history that came with years only (the roster's: each
change on 31 December) gets its days from the file, and a roster member the
day they joined or left. Importing the same file again changes nothing.
`event_rows` writes a region's events in the same format.
"""

import io
import re
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.models import User
from audit.services import Action, audit_record
from gannan.lib.calendar import year_event_date
from gannan.lib.tabular import (
    CellError,
    Column,
    FileRefused,
    Report,
    choice_pairs,
    choice_parser,
    map_columns,
    read_table,
    text,
)
from metrics.closing import closed_year_refusal
from metrics.models import ClosedYear
from metrics.rollups import rollups_deferred
from procedures.services import cases_record_history, cases_refresh_history
from villages.scope import in_scope

from .importers import TRAILER, history_columns, id_number
from .models import Household, JoinReason, LeaveReason, Member, Status, StatusChange, mask_id
from .services import (
    MEMBER_FIELDS,
    SPAN_FIELDS,
    TRANSITIONS,
    household_history_date,
    household_status_change,
    household_update,
)

CHUNK = 1000
JOIN, LEAVE = "join", "leave"
# The 变动类型 column: the file's words, not the status labels (识别 is the event; 未脱贫 the status it leaves).
HOUSEHOLD_EVENTS = [
    (Status.IDENTIFIED.value, "识别"),
    (Status.EXITED_STABLE.value, "稳定脱贫"),
    (Status.EXITED_CONSOLIDATING.value, "巩固提升"),
    (Status.RETURNED.value, "返贫"),
    (Status.REMOVED.value, "清退"),
    (Status.DISSOLVED.value, "自然减少"),
]
MEMBER_EVENTS = [(JOIN, "成员增加"), (LEAVE, "成员减少")]
EVENT_TYPES = HOUSEHOLD_EVENTS + MEMBER_EVENTS
TYPE_LABELS = dict(EVENT_TYPES)
# Separators a clerk may write between a reason's code and its free text (死亡：2016年病故).
NOTE_SEPARATORS = " \t:：,，;；、-—()（）"

COUNT_LABELS = {
    "histories_dated": gettext_lazy("按年度导入的状态记录补上日期（户）"),
    "status_added": gettext_lazy("新增状态变更"),
    "members_joined": gettext_lazy("成员加入日期变更"),
    "members_left": gettext_lazy("成员离开记录变更"),
    "events_unchanged": gettext_lazy("变动记录未变"),
}


def event_columns() -> list[Column]:
    """The events format of register.md, in its order."""
    return [
        Column("household_code", "户编号", "household", text, True),
        Column("id_number", "证件号码", "member", id_number, False),
        Column("event_type", "变动类型", "event", choice_parser(EVENT_TYPES), True, EVENT_TYPES),
        Column("date", "变动日期", "event", event_date, True),
        Column("reason", "变动原因", "event", text, False),
    ]


def event_date(value: Any) -> date:
    """A day as YYYY-MM-DD (an Excel date cell too), not after today."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text(value))
        try:
            value = date(*map(int, m.groups())) if m else None
        except ValueError:
            value = None
    if value is None:
        raise CellError(_("日期格式应为 YYYY-MM-DD。"))
    if value > timezone.localdate():
        raise CellError(_("日期不能晚于今天。"))
    return value


def _reason_codes(kind: str) -> list[tuple[str, str]]:
    """(code, Chinese label) of the reasons a member event may start with, longest label first."""
    pairs = choice_pairs(JoinReason if kind == JOIN else LeaveReason)
    return sorted(pairs, key=lambda p: -len(p[1]))


def member_reason(kind: str, value: str) -> tuple[str, str]:
    """(reason code, free text) of a member event's 变动原因: a code first, free text allowed after it.

    An empty reason of 成员增加 is "in the household when it was identified"; 成员减少 needs one.
    """
    for code, label in _reason_codes(kind):
        if value.startswith(label):
            return code, value[len(label) :].strip(NOTE_SEPARATORS)[:200]
    if kind == JOIN and not value:
        return JoinReason.REGISTERED.value, ""
    labels = "、".join(label for code, label in choice_pairs(JoinReason if kind == JOIN else LeaveReason) if code)
    raise CellError(_("应以原因代码开头（%(labels)s），其后可加说明。") % {"labels": labels})


# --- reading -------------------------------------------------------------------------------


@dataclass
class Event:
    row: int
    household_code: str
    kind: str  # a Status value, JOIN or LEAVE
    on: date
    reason: str = ""  # a household event's reason; a member event's reason code
    id_number: str = ""
    note: str = ""  # a member event's free text after the code


@dataclass
class Plan:
    """What the file changes on one household."""

    household: Household
    history: list[tuple[str, date, str]] | None = None  # the dated history replacing a years-only one
    appended: list[Event] = field(default_factory=list)
    members: list[dict[str, Any]] | None = None  # every member, as household_update takes them
    first_row: int = 0


@dataclass
class EventsReport(Report):
    """The events import's report."""


def _read_rows(rows, columns: list[Column], index: dict[str, int], report: Report) -> list[Event]:
    events = []
    headers = {c.key: c.header for c in columns}
    for number, cells in rows:
        if cells and isinstance(cells[0], str) and cells[0].startswith(TRAILER):
            continue
        report.rows += 1
        values: dict[str, Any] = {}
        bad = False
        for col in columns:
            if col.key not in index:
                continue
            raw = cells[index[col.key]] if index[col.key] < len(cells) else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if col.required:
                    report.error(number, col.header, "", _("不能为空。"))
                    bad = True
                continue
            try:
                values[col.key] = col.parse(raw)
            except CellError as e:
                report.error(number, col.header, raw, str(e))
                bad = True
        if bad:
            continue
        kind, reason = values["event_type"], values.get("reason", "")
        event = Event(row=number, household_code=values["household_code"], kind=kind, on=values["date"])
        if kind in (JOIN, LEAVE):
            if not values.get("id_number"):
                report.error(number, headers["id_number"], "", _("成员变动须填写成员的证件号码。"))
                continue
            try:
                event.reason, event.note = member_reason(kind, reason)
            except CellError as e:
                report.error(number, headers["reason"], reason, str(e))
                continue
            event.id_number = values["id_number"]
        else:
            if values.get("id_number"):
                report.error(
                    number,
                    headers["id_number"],
                    values["id_number"],
                    _("户级变动（%(type)s）不填证件号码。") % {"type": TYPE_LABELS[kind]},
                )
                continue
            if kind in (Status.REMOVED, Status.DISSOLVED) and not reason:
                report.error(number, headers["reason"], "", _("%(type)s必须填写原因。") % {"type": TYPE_LABELS[kind]})
                continue
            event.reason = reason[:200]
        events.append(event)
    return events


# --- planning ------------------------------------------------------------------------------


def _closed_problem(user: User, day: date, correction: str) -> str | None:
    """The closed-year refusal of a change dated `day`, as a message (None: allowed)."""
    if day.year > _latest_closed_year():
        return None  # most rows: no query for each
    try:
        closed_year_refusal(user=user, day=day, correction=correction)
    except ValidationError as e:
        return " ".join(e.messages)
    return None


def _latest_closed_year() -> int:
    """The latest closed year (0 for none), read once per import."""
    if _closed.year is None:
        _closed.year = ClosedYear.objects.filter(closed_at__isnull=False).aggregate(y=Max("year"))["y"] or 0
    return _closed.year


class _ClosedCache(threading.local):
    year: int | None = None


_closed = _ClosedCache()


def years_only(history: list[tuple[str, date]], identified_year: int) -> list[tuple[str, date]]:
    """The history a roster import writes for `history`: its four columns, each change on 31 December."""
    columns = history_columns(history)
    if columns["identified_year"] is None:
        return []
    out = [(Status.IDENTIFIED.value, year_event_date(identified_year))]
    if columns["exit_year"]:
        out.append((columns["exit_type"], year_event_date(columns["exit_year"])))
    if columns["returned_year"]:
        out.append((Status.RETURNED.value, year_event_date(columns["returned_year"])))
    return out


def _plan_history(
    plan: Plan,
    events: list[Event],
    existing: list[StatusChange],
    *,
    user: User,
    correction: str,
    report: Report,
    headers: dict[str, str],
) -> None:
    """Compare the file's household events with the stored history: unchanged, dated, appended, or refused."""
    household = plan.household
    wanted = sorted(events, key=lambda e: (e.on, e.row))
    stored = [(c.status, c.date) for c in existing]
    keys = [(e.kind, e.on) for e in wanted]
    if keys == stored:
        report.counts["events_unchanged"] += len(wanted)
        return
    if stored and stored == years_only(keys, household.identified_year):
        # The roster gave years only: the file's events are the same history with its days.
        if _check_chain(None, wanted, report, headers):
            return
        closed = _closed_problem(user, min([on for _s, on in stored] + [e.on for e in wanted]), correction)
        if closed:
            report.error(wanted[0].row, headers["date"], wanted[0].on, closed)
            return
        plan.history = [(e.kind, e.on, e.reason) for e in wanted]
        report.counts["histories_dated"] += 1
        return
    known = set(stored)
    new = [e for e in wanted if (e.kind, e.on) not in known]
    report.counts["events_unchanged"] += len(wanted) - len(new)
    last = existing[-1] if existing else None
    for e in new:
        if last is not None and e.on < last.date:
            report.error(
                e.row,
                headers["date"],
                e.on,
                _(
                    "与系统中的状态记录不一致：该户最近一次状态变更为 %(d)s %(s)s。导入只能补充其后的变动，"
                    "或为按年度导入的记录补上日期，不能改写历史。"
                )
                % {"d": last.date.isoformat(), "s": Status(last.status).label},
            )
            return
    if _check_chain(last.status if last else None, new, report, headers):
        return
    for e in new:
        closed = _closed_problem(user, e.on, correction)
        if closed:
            report.error(e.row, headers["date"], e.on, closed)
            return
    plan.appended = new
    report.counts["status_added"] += len(new)


def _check_chain(current: str | None, events: list[Event], report: Report, headers: dict[str, str]) -> bool:
    """Refuse the first event that may not follow the one before (the services' transitions); True if refused."""
    for e in events:
        if e.kind not in TRANSITIONS.get(current, set()):
            report.error(
                e.row,
                headers["event_type"],
                TYPE_LABELS[e.kind],
                _("不能从“%(a)s”变更为“%(b)s”。")
                % {"a": Status(current).label if current else _("未建档"), "b": Status(e.kind).label},
            )
            return True
        current = e.kind
    return False


def _plan_members(
    plan: Plan,
    events: list[Event],
    members: list[Member],
    *,
    user: User,
    correction: str,
    report: Report,
    headers: dict[str, str],
) -> None:
    """Each member event sets a roster member's day of joining or leaving (and its reason).

    A person who left and came back has a row for each stay, who left first: their k-th 成员增加 and
    k-th 成员减少 in date order are those of their k-th row (the stays follow one another).
    """
    stays: dict[str, list[Member]] = defaultdict(list)
    for m in sorted(members, key=lambda m: (m.left_on is None, m.joined_on, m.pk)):
        stays[m.id_number].append(m)
    spans = {m.pk: {name: getattr(m, name) for name in SPAN_FIELDS} for m in members}
    seen: dict[tuple[str, str], list[int]] = defaultdict(list)
    touched: dict[int, list[Event]] = defaultdict(list)
    for e in sorted(events, key=lambda e: (e.on, e.row)):
        own = stays.get(e.id_number, [])
        member = own[0] if own else None
        if member is None:
            report.error(
                e.row,
                headers["id_number"],
                e.id_number,
                _("该证件号码不是户 %(code)s 的成员：成员须先由贫困户信息采集表导入。") % {"code": e.household_code},
            )
            continue
        earlier = seen[(e.id_number, e.kind)]
        if len(earlier) >= len(own):
            report.error(
                e.row,
                headers["event_type"],
                TYPE_LABELS[e.kind],
                _("与第 %(n)d 行重复：同一成员只能有一条%(type)s。") % {"n": earlier[-1], "type": TYPE_LABELS[e.kind]},
            )
            continue
        member = own[len(earlier)]
        earlier.append(e.row)
        span = spans[member.pk]
        if e.kind == JOIN:
            span.update(joined_on=e.on, join_reason=e.reason)
        else:
            span.update(left_on=e.on, leave_reason=e.reason)
        if e.note:
            span["span_note"] = e.note
        touched[member.pk].append(e)
    changed = []
    for member in members:
        span, rows = spans[member.pk], touched.get(member.pk, [])
        join = next((e for e in rows if e.kind == JOIN), None)
        leave = next((e for e in rows if e.kind == LEAVE), None)
        if join and span["joined_on"] < member.birth_date:
            report.error(
                join.row,
                headers["date"],
                join.on,
                _("加入日期 %(j)s 早于出生日期 %(b)s：不能在出生前加入。")
                % {"j": join.on.isoformat(), "b": member.birth_date.isoformat()},
            )
            continue
        if span["left_on"] and span["left_on"] < span["joined_on"]:
            where = leave or join
            assert where is not None  # the stored span was valid: one of the file's events made it wrong
            report.error(
                where.row,
                headers["date"],
                where.on,
                _("离开日期 %(l)s 早于加入日期 %(j)s：不能在加入前离开。")
                % {"l": span["left_on"].isoformat(), "j": span["joined_on"].isoformat()},
            )
            continue
        before = {name: getattr(member, name) for name in SPAN_FIELDS}
        if span == before:
            report.counts["events_unchanged"] += len(rows)
            continue
        # The days whose figures move: both ends of a changed joining or leaving (a note alone: its event's day).
        days = []
        if (span["joined_on"], span["join_reason"]) != (before["joined_on"], before["join_reason"]):
            days += [before["joined_on"], span["joined_on"]]
        if (span["left_on"], span["leave_reason"]) != (before["left_on"], before["leave_reason"]):
            days += [d for d in (before["left_on"], span["left_on"]) if d]
        closed = _closed_problem(user, min(days or [rows[0].on]), correction)
        if closed:
            report.error(rows[0].row, headers["date"], rows[0].on, closed)
            continue
        if span["joined_on"] != before["joined_on"] or span["join_reason"] != before["join_reason"]:
            report.counts["members_joined"] += 1
        if span["left_on"] != before["left_on"] or span["leave_reason"] != before["leave_reason"]:
            report.counts["members_left"] += 1
        changed.append(member.pk)
    if changed:
        plan.members = [
            {**{name: getattr(m, name) for name in MEMBER_FIELDS}, **spans[m.pk], "id": m.pk} for m in members
        ]


def _plan(events: list[Event], *, user: User, correction: str, report: Report, headers: dict[str, str]) -> list[Plan]:
    """One plan per household of the file; a household outside the user's region reads like a missing one."""
    by_code: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        by_code[e.household_code].append(e)
    plans = []
    codes = list(by_code)
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        households = {
            h.code: h
            for h in Household.objects.filter(code__in=chunk).select_related("village")
            if in_scope(user, h.village_id)
        }
        pks = [h.pk for h in households.values()]
        members: dict[int, list[Member]] = defaultdict(list)
        for m in Member.objects.filter(household_id__in=pks).order_by("id"):
            members[m.household_id].append(m)
        changes: dict[int, list[StatusChange]] = defaultdict(list)
        for c in StatusChange.objects.filter(household_id__in=pks).order_by("date", "id"):
            changes[c.household_id].append(c)
        for code in chunk:
            rows = by_code[code]
            household = households.get(code)
            if household is None:
                for e in rows:
                    report.error(e.row, headers["household_code"], code, _("户编号不存在或不在您的管辖范围内。"))
                continue
            plan = Plan(household=household, first_row=min(e.row for e in rows))
            _plan_history(
                plan,
                [e for e in rows if e.kind not in (JOIN, LEAVE)],
                changes[household.pk],
                user=user,
                correction=correction,
                report=report,
                headers=headers,
            )
            _plan_members(
                plan,
                [e for e in rows if e.kind in (JOIN, LEAVE)],
                members[household.pk],
                user=user,
                correction=correction,
                report=report,
                headers=headers,
            )
            if plan.history is not None or plan.appended or plan.members is not None:
                plans.append(plan)
    return plans


# --- applying ------------------------------------------------------------------------------


def _apply(
    plans: list[Plan], *, user: User, correction: str, batch: str, report: Report, headers: dict[str, str]
) -> None:
    """Each household's status events, then its members' spans, through the services."""
    for plan in plans:
        household = plan.household
        try:
            if plan.history is not None:
                household_history_date(
                    user=user, household=household, history=plan.history, correction=correction, batch=batch
                )
            for e in plan.appended:
                household_status_change(
                    user=user,
                    household=household,
                    status=e.kind,
                    on=e.on,
                    reason=e.reason,
                    authorised=True,
                    correction=correction,
                    batch=batch,
                )
            if plan.members is not None:
                household_update(
                    user=user,
                    household=household,
                    data={},
                    version=household.version,
                    members=plan.members,
                    correction=correction,
                    batch=batch,
                )
        except (ValidationError, PermissionDenied) as e:
            messages = e.messages if isinstance(e, ValidationError) else [str(e)]
            for message in messages:
                report.error(plan.first_row, headers["household_code"], household.code, message)


def events_import(*, data: bytes, file_name: str, user: User, dry_run: bool = False) -> EventsReport:
    """Import an events file for `user`; with `dry_run`, report what would change and write nothing."""
    report = EventsReport(file_name=file_name)
    report.counts = dict.fromkeys(COUNT_LABELS, 0)
    if not user.can_edit_households:
        report.error(None, "", "", _("您没有导入数据的权限。"))
        return report
    columns = event_columns()
    headers = {c.key: c.header for c in columns}
    _closed.year = None  # read afresh by this import
    try:
        header, rows = read_table(data, file_name, max_bytes=settings.IMPORT_MAX_BYTES)
        index = map_columns(header, [(c.key, c.header, c.key, c.required) for c in columns], report)
        if report.errors:
            return report
        events = _read_rows(rows, columns, index, report)
    except FileRefused as e:
        report.error(None, "", "", str(e))
        return report
    # An admin's change dated in a closed year is a correction: the import names itself as its reason.
    correction = _("导入变动记录 %(name)s") % {"name": file_name} if user.is_admin else ""
    plans = _plan(events, user=user, correction=correction, report=report, headers=headers)
    if report.errors:
        return report
    batch = f"导入 {file_name} by {user.username}"[:200]
    newest = StatusChange.objects.aggregate(newest=Max("pk"))["newest"] or 0
    with transaction.atomic(), rollups_deferred():
        _apply(plans, user=user, correction=correction, batch=batch, report=report, headers=headers)
        if not report.errors:
            # The file's history was approved in the national system: each status change it wrote or dated is an
            # approved case, and the cases of the dated ones move with them.
            cases_record_history(changes=StatusChange.objects.filter(pk__gt=newest))
            dated = [p.household.pk for p in plans if p.history is not None]
            for start in range(0, len(dated), CHUNK):
                changes = StatusChange.objects.filter(household__in=dated[start : start + CHUNK])
                cases_refresh_history(changes=changes)
                cases_record_history(changes=changes)
        if report.changed and not report.errors and not dry_run:
            audit_record(
                user=user,
                action=Action.IMPORT,
                object_type="import",
                object_id=file_name[:64],
                changes=report.counts,
                region_code=user.region_code,
                summary=_("导入变动记录 %(name)s：%(n)d 行") % {"name": file_name, "n": report.rows},
                batch=batch,
            )
        if dry_run or report.errors:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


# --- writing -------------------------------------------------------------------------------


def _member_reason_text(kind: str, code: str, note: str) -> str:
    label = dict(choice_pairs(JoinReason if kind == JOIN else LeaveReason)).get(code, "")
    if not note:
        return label if code else ""
    return f"{label} {note}"


def event_rows(households: QuerySet[Household], *, full_ids: bool) -> Iterator[list[Any]]:
    """The header, then each household's events in date order: its status changes, each member's joining and leaving.

    Plain values, a chunk of households at a time (two queries per chunk). A
    member's note goes with their leaving if they left, else with their joining.
    """
    with translation.override("zh-hans"):
        yield [c.header for c in event_columns()]
        rows = households.order_by("code").values_list("pk", "code")
        batch: list[tuple[int, str]] = []
        for row in rows.iterator(chunk_size=CHUNK):
            batch.append(row)
            if len(batch) == CHUNK:
                yield from _event_batch(batch, full_ids=full_ids)
                batch = []
        if batch:
            yield from _event_batch(batch, full_ids=full_ids)


def _event_batch(batch: list[tuple[int, str]], *, full_ids: bool) -> Iterator[list[Any]]:
    pks = [pk for pk, _code in batch]
    changes: dict[int, list[tuple[date, list[Any]]]] = defaultdict(list)
    for pk, status, on, reason in (
        StatusChange.objects.filter(household_id__in=pks)
        .order_by("date", "id")
        .values_list("household_id", "status", "date", "reason")
    ):
        changes[pk].append((on, ["", TYPE_LABELS[status], on.isoformat(), reason]))
    members = (
        Member.objects.filter(household_id__in=pks)
        .order_by("id")
        .values_list("household_id", "id_number", "joined_on", "join_reason", "left_on", "leave_reason", "span_note")
    )
    for pk, number, joined, join_reason, left, leave_reason, note in members:
        shown = number if full_ids else mask_id(number)
        changes[pk].append(
            (
                joined,
                [
                    shown,
                    TYPE_LABELS[JOIN],
                    joined.isoformat(),
                    _member_reason_text(JOIN, join_reason, "" if left else note),
                ],
            )
        )
        if left:
            changes[pk].append(
                (left, [shown, TYPE_LABELS[LEAVE], left.isoformat(), _member_reason_text(LEAVE, leave_reason, note)])
            )
    for pk, code in batch:
        for _on, row in sorted(changes.get(pk, []), key=lambda item: item[0]):
            yield [code, *row]


def events_template() -> bytes:
    """The XLSX template of the events file: its headers and an example of each kind of row."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = "变动记录"
    sheet.append([c.header for c in event_columns()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    # Sequence 0000 is never given to a household (numbering starts at 0001): the example is nobody's.
    sheet.append(["6230211002010000", "", "识别", "2014-10-20", "建档立卡"])
    sheet.append(["6230211002010000", "623021201603011234", "成员增加", "2016-03-01", "出生"])
    sheet.append(["6230211002010000", "623021198001011235", "成员减少", "2017-05-12", "死亡 病故"])
    for letter in "ABCDE":
        sheet.column_dimensions[letter].width = 22
    sheet.column_dimensions["B"].number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
