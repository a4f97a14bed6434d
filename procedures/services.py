"""Every write to a case: open it, take its steps in order, record and resolve objections.

The register's status changes only at a case's announcement (公告), which
calls households.services.household_status_change; forms and the API open
and advance cases through these functions. Each write is audited.
"""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Action, audit_record
from gannan.lib.bulk import insert_select
from households.models import EXITED_STATUSES, Household, Status, StatusChange
from households.services import household_register, household_status_change
from villages.models import Division
from villages.scope import decides_for, in_scope

from .exit_test import exit_test_failures
from .models import Case, CaseStep, CountyEvaluation, Kind, Objection, Outcome, ReasonCode, State, StepCode
from .readiness import village_readiness
from .steps import (
    ACTOR,
    COUNTY,
    DECISIONS,
    KIND_OF_STATUS,
    NOTICE_DAYS,
    NOTICES,
    OPENS_FROM,
    PATHS,
    RESULT,
    TOWNSHIP,
    VILLAGE,
    next_step,
)

BULK_BATCH = 2000


# --- who may do what ---------------------------------------------------------------------


def may_take(user, case: Case, step: str) -> bool:
    """Whether `user` may take `step` on `case`: clerks (and admins) the village's, reviewers and approvers theirs."""
    actor = ACTOR[step]
    if actor == VILLAGE:
        return user.can_edit_households and in_scope(user, case.village_id)
    if actor == TOWNSHIP:
        return user.is_township_reviewer and decides_for(user, case.village_id)
    return user.is_county_approver and decides_for(user, case.village_id)


def _check_may_take(user, case: Case, step: str) -> None:
    if not may_take(user, case, step):
        who = {VILLAGE: _("本村录入员"), TOWNSHIP: _("本乡镇审核员"), COUNTY: _("本县审定人")}[ACTOR[step]]
        raise PermissionDenied(_("“%(step)s”只能由%(who)s办理。") % {"step": StepCode(step).label, "who": who})


def _audit(user, case: Case, summary: str, changes: dict[str, Any], action: str = Action.UPDATE) -> None:
    audit_record(
        user=user,
        action=action,
        obj=case,
        changes=changes,
        household_code=case.household.code if case.household is not None else "",
        region_code=case.village_id,
        summary=f"{case.subject} {summary}",
    )


# --- opening -----------------------------------------------------------------------------


def case_open(
    *,
    user,
    household: Household,
    kind: str,
    on: date,
    reason_code: str = "",
    reason: str = "",
) -> Case:
    """Open a case of `kind` for `household` on `on`: an application (新识别) or the start of an assessment.

    Refused when the household already has an open case, or its status does
    not allow the procedure (an exit of a household not poor, say).
    """
    village = household.village
    if not (user.can_edit_households and in_scope(user, village.code)):
        raise PermissionDenied(_("只有本村录入员可以启动办理程序。"))
    if household.status not in OPENS_FROM[kind]:
        current = Status(household.status).label if household.status else _("未建档")
        raise ValidationError(
            {"kind": [_("当前状态为“%(s)s”，不能启动“%(k)s”程序。") % {"s": current, "k": Kind(kind).label}]}
        )
    if kind in (Kind.RETURN, Kind.REMOVE, Kind.DISSOLVE) and not reason_code:
        raise ValidationError({"reason_code": [_("%(k)s必须选择原因类别。") % {"k": Kind(kind).label}]})
    if reason_code and reason_code not in ReasonCode.values:
        raise ValidationError({"reason_code": [_("原因类别无效。")]})
    if reason_code == ReasonCode.OTHER and not reason.strip():
        raise ValidationError({"reason": [_("原因类别为“其他”时必须填写说明。")]})
    _check_date(on, after=None)
    if Case.objects.filter(household=household, state=State.OPEN).exists():
        raise ValidationError({"kind": [_("该户已有办理中的案卷，请先办完或撤销。")]})
    path = PATHS[kind]
    with transaction.atomic():
        case = Case(
            household=household,
            village=village,
            kind=kind,
            step=path[0],
            step_since=on,
            reason_code=reason_code,
            reason=reason.strip(),
            opened_on=on,
            opened_by=user,
        )
        case.save()
        _audit(
            user,
            case,
            str(Kind(kind).label),
            {"kind": [None, kind], "opened_on": [None, str(on)]},
            action=Action.CREATE,
        )
        if path[0] == StepCode.APPLY:
            _record(user=user, case=case, step=StepCode.APPLY, outcome=Outcome.DONE, on=on, remarks=reason, data={})
    return case


def household_apply(*, user, data: dict[str, Any], members: list[dict[str, Any]], on: date | None = None) -> Household:
    """Register an applicant household (no status yet) and open its identification case (申请) on `on`.

    The forms and the API register new households this way: the household is
    poor from the announcement of the case, not from its entry.
    """
    with transaction.atomic():
        household = household_register(user=user, data=data, members=members, applying=True)
        case_open(
            user=user, household=household, kind=Kind.IDENTIFY, on=on or timezone.localdate(), reason=_("新识别申请")
        )
    return household


def _check_date(on: date, *, after: date | None) -> None:
    if on > timezone.localdate():
        raise ValidationError({"on": [_("日期不能晚于今天。")]})
    if after is not None and on < after:
        raise ValidationError({"on": [_("日期不能早于上一环节（%(d)s）。") % {"d": after.isoformat()}]})


# --- steps --------------------------------------------------------------------------------


def case_step(
    *,
    user,
    case: Case,
    step: str,
    on: date,
    outcome: str = Outcome.DONE,
    remarks: str = "",
    data: dict[str, Any] | None = None,
) -> Case:
    """Take `step` on `case`, dated `on`. Steps run in the order of the case's kind, none skipped.

    A township or county rejection sends the case back to the village
    assessment with its reason. The announcement writes the household's status.
    """
    data = dict(data or {})
    if case.state != State.OPEN:
        raise ValidationError({"step": [_("案卷已%(s)s，不能再办理。") % {"s": State(case.state).label}]})
    if step not in PATHS[case.kind]:
        raise ValidationError(
            {"step": [_("“%(k)s”程序没有“%(s)s”环节。") % {"k": case.get_kind_display(), "s": StepCode(step).label}]}
        )
    if step != case.step:
        raise ValidationError(
            {
                "step": [
                    _("当前应办理“%(now)s”，不能办理“%(s)s”：环节不能跳过或颠倒。")
                    % {"now": StepCode(case.step).label, "s": StepCode(step).label}
                ]
            }
        )
    _check_may_take(user, case, step)
    _check_date(on, after=case.step_since)
    if step in DECISIONS:
        _check_notice_over(case, on)
        if outcome not in (Outcome.APPROVED, Outcome.REJECTED):
            raise ValidationError({"outcome": [_("请选择“同意”或“退回”。")]})
        if outcome == Outcome.REJECTED and not remarks.strip():
            raise ValidationError({"remarks": [_("退回必须写明原因。")]})
    else:
        outcome = Outcome.DONE
    handlers: dict[str, Callable[..., dict[str, Any]]] = {
        StepCode.ASSESS: _assess,
        StepCode.VERIFY: _verify,
        StepCode.AGREE: _agree,
        StepCode.NOTICE: _notice,
        StepCode.NOTICE2: _notice,
        StepCode.COUNTY: _county,
        StepCode.ANNOUNCE: _announce,
    }
    handler = handlers.get(step)
    with transaction.atomic():
        if handler is not None and outcome != Outcome.REJECTED:
            data = handler(user=user, case=case, on=on, data=data)
        _record(user=user, case=case, step=step, outcome=outcome, on=on, remarks=remarks, data=data)
    return case


def _record(*, user, case: Case, step: str, outcome: str, on: date, remarks: str, data: dict[str, Any]) -> None:
    CaseStep.objects.create(
        case=case, step=step, outcome=outcome, on=on, by=user, remarks=remarks.strip()[:300], data=data
    )
    before = case.step
    if outcome == Outcome.REJECTED:
        case.step = StepCode.ASSESS
        case.rejections += 1
        case.last_rejection = f"{StepCode(step).label}：{remarks.strip()}"[:300]
        case.step_since = on
    elif step == StepCode.ANNOUNCE:
        case.step = ""
        case.state = State.APPROVED
        case.announced_on = on
        case.step_since = on
    else:
        case.step = next_step(case.kind, step)
        # After a notice the case waits from the notice's end, not from its posting.
        case.step_since = case.notice_end if step in NOTICES and case.notice_end else on
    case.save()
    _audit(
        user,
        case,
        f"{StepCode(step).label} {Outcome(outcome).label}",
        {"step": [before, case.step], "outcome": [None, outcome], "on": [None, str(on)], "remarks": [None, remarks]},
    )


def _household(case: Case) -> Household:
    """The household of a household's case (every kind but a village's exit)."""
    assert case.household is not None
    return case.household


def _int(data: dict[str, Any], key: str, label: str) -> int:
    try:
        value = int(data.get(key))  # type: ignore[arg-type]  # None is refused as a TypeError
    except (TypeError, ValueError):
        raise ValidationError({key: [_("请填写%(f)s（整数）。") % {"f": label}]}) from None
    if value < 0:
        raise ValidationError({key: [_("%(f)s不能为负数。") % {"f": label}]})
    return value


def _assess(*, user, case: Case, on: date, data: dict[str, Any]) -> dict[str, Any]:
    """民主评议: who attended and how they voted; more than half of those present must agree."""
    attendance = _int(data, "attendance", _("参会人数"))
    votes_for = _int(data, "votes_for", _("同意票数"))
    votes_against = _int(data, "votes_against", _("反对票数"))
    if attendance == 0:
        raise ValidationError({"attendance": [_("参会人数必须大于零。")]})
    if votes_for + votes_against > attendance:
        raise ValidationError(
            {
                "votes_for": [
                    _("同意与反对票数之和（%(n)d）超过参会人数（%(a)d）。")
                    % {"n": votes_for + votes_against, "a": attendance}
                ]
            }
        )
    if votes_for * 2 <= attendance:
        raise ValidationError(
            {
                "votes_for": [
                    _("同意票（%(f)d）未超过参会人数（%(a)d）的半数：评议未通过，案卷不能继续。")
                    % {"f": votes_for, "a": attendance}
                ]
            }
        )
    return {"attendance": attendance, "votes_for": votes_for, "votes_against": votes_against}


def _verify(*, user, case: Case, on: date, data: dict[str, Any]) -> dict[str, Any]:
    """核实: for an exit, the exit test on the facts; a failing test goes on only with a reason for an override.

    For a village's exit, the year's rule (incidence and 六有六通) on its figures; no override.
    """
    if case.kind == Kind.VILLAGE_EXIT:
        failures = _village_failures(user=user, case=case)
        if failures:
            raise ValidationError({"step": [_("不符合 %(y)d 年贫困村出列标准：") % {"y": case.exit_year}, *failures]})
        return {"year": case.exit_year}
    if case.kind != Kind.EXIT:
        return {}
    failures = exit_test_failures(household=_household(case), on=on)
    override = str(data.get("override_reason") or "").strip()
    if failures and not override:
        raise ValidationError({"step": [_("不符合脱贫标准（一超过、两不愁、三保障）："), *failures]})
    case.override_reason = override if failures else ""
    return {"failures": failures, "override_reason": case.override_reason}


def _agree(*, user, case: Case, on: date, data: dict[str, Any]) -> dict[str, Any]:
    """户签字认可: the household signed on `on`."""
    return {"signed_on": on.isoformat()}


def _notice(*, user, case: Case, on: date, data: dict[str, Any]) -> dict[str, Any]:
    """公示: posted on `on`, for at least NOTICE_DAYS days (the end day included)."""
    ends_on: Any = data.get("ends_on") or on + timedelta(days=NOTICE_DAYS - 1)
    if isinstance(ends_on, str):
        try:
            ends_on = date.fromisoformat(ends_on)
        except ValueError:
            raise ValidationError({"ends_on": [_("公示截止日期无效。")]}) from None
    if (ends_on - on).days + 1 < NOTICE_DAYS:
        raise ValidationError(
            {
                "ends_on": [
                    _("公示期不得少于 %(n)d 天（%(a)s 起，最早 %(b)s 截止）。")
                    % {"n": NOTICE_DAYS, "a": on.isoformat(), "b": (on + timedelta(days=NOTICE_DAYS - 1)).isoformat()}
                ]
            }
        )
    case.notice_start, case.notice_end = on, ends_on
    return {"ends_on": ends_on.isoformat()}


def _check_notice_over(case: Case, on: date) -> None:
    """A decision after a notice waits for its end and for every objection raised in it to be resolved."""
    path = PATHS[case.kind]
    if path[path.index(case.step) - 1] not in NOTICES or case.notice_end is None:
        return
    if on <= case.notice_end:
        raise ValidationError(
            {
                "on": [
                    _("公示期至 %(d)s 截止，截止后才能办理“%(s)s”。")
                    % {"d": case.notice_end.isoformat(), "s": StepCode(case.step).label}
                ]
            }
        )
    open_ = case.objections.filter(resolved_on__isnull=True).count()
    if open_:
        raise ValidationError({"step": [_("公示期间有 %(n)d 条异议尚未处理，处理后才能继续。") % {"n": open_}]})


def _county(*, user, case: Case, on: date, data: dict[str, Any]) -> dict[str, Any]:
    """县级审定: for an exit, stable or consolidating; an overridden exit test needs the approver's explicit consent."""
    if case.kind == Kind.VILLAGE_EXIT:
        return {}
    if case.kind != Kind.EXIT:
        case.target_status = RESULT[case.kind]
        return {}
    target = data.get("target_status")
    if target not in EXITED_STATUSES:
        raise ValidationError({"target_status": [_("请审定为“稳定脱贫”或“巩固提升”。")]})
    failures = exit_test_failures(household=_household(case), on=on)
    if failures and not case.override_reason:
        raise ValidationError({"step": [_("不符合脱贫标准（一超过、两不愁、三保障）："), *failures]})
    if failures and not data.get("override_approved"):
        raise ValidationError(
            {"override_approved": [_("村里以“%(r)s”为由申请破例，须县级明确批准破例。") % {"r": case.override_reason}]}
        )
    case.target_status = target
    return {"target_status": target, "override_approved": bool(failures)}


def _village_failures(*, user, case: Case) -> list[str]:
    assert case.exit_year is not None  # every village exit case has one (village_exit_open)
    rows = village_readiness(user=user, year=case.exit_year, region=case.village)
    if not rows:
        return [_("%(v)s 在 %(y)d 年不是贫困村。") % {"v": case.village.name, "y": case.exit_year}]
    return rows[0]["failures"]


def _announce(*, user, case: Case, on: date, data: dict[str, Any]) -> dict[str, Any]:
    """公告: the household's status changes (or the village leaves the poor villages' list), dated the announcement."""
    if case.kind == Kind.VILLAGE_EXIT:
        failures = _village_failures(user=user, case=case)
        if failures:
            raise ValidationError({"step": [_("不符合 %(y)d 年贫困村出列标准：") % {"y": case.exit_year}, *failures]})
        Division.objects.filter(code=case.village_id).update(poor_exit_year=case.exit_year)
        audit_record(
            user=user,
            action=Action.UPDATE,
            obj=case.village,
            changes={"poor_exit_year": [None, case.exit_year]},
            region_code=case.village_id,
            summary=f"{case.village.name} {_('出列')} {case.exit_year}",
        )
        return {}
    if case.kind == Kind.EXIT and not case.override_reason:
        failures = exit_test_failures(household=_household(case), on=on)
        if failures:
            raise ValidationError({"step": [_("不符合脱贫标准（一超过、两不愁、三保障）："), *failures]})
    household = Household.objects.get(pk=_household(case).pk)
    change = household_status_change(
        user=user,
        household=household,
        status=case.target_status,
        on=on,
        authorised=True,
        reason=_("%(k)s公告") % {"k": case.get_kind_display()} + (f"：{case.reason}" if case.reason else ""),
    )
    case.status_change = change
    return {}


def village_exit_open(*, user, village: Division, year: int, on: date) -> Case:
    """Open a poor village's exit (出列) on the figures of `year`: the same path, ending in the announcement."""
    if not (user.can_edit_households and in_scope(user, village.code)):
        raise PermissionDenied(_("只有本村录入员可以启动办理程序。"))
    if village.level != "village" or not village.is_poor_village or village.poor_exit_year is not None:
        raise ValidationError({"kind": [_("%(v)s 不是未出列的贫困村。") % {"v": village.name}]})
    if not 2011 <= year <= on.year:
        raise ValidationError({"year": [_("出列年度无效。")]})
    _check_date(on, after=None)
    if Case.objects.filter(village=village, kind=Kind.VILLAGE_EXIT, state=State.OPEN).exists():
        raise ValidationError({"kind": [_("该村已有办理中的出列案卷。")]})
    with transaction.atomic():
        case = Case.objects.create(
            village=village,
            kind=Kind.VILLAGE_EXIT,
            step=StepCode.ASSESS,
            step_since=on,
            opened_on=on,
            opened_by=user,
            exit_year=year,
        )
        _audit(user, case, str(Kind.VILLAGE_EXIT.label), {"exit_year": [None, year]}, action=Action.CREATE)
    return case


# --- objections and withdrawal -------------------------------------------------------------


def objection_raise(*, user, case: Case, on: date, text: str) -> Objection:
    """Record an objection raised during the case's notice; the case stops until it is resolved."""
    _check_may_take(user, case, StepCode.NOTICE)
    path = PATHS[case.kind]
    in_notice = (
        case.state == State.OPEN
        and case.step in path
        and path.index(case.step) > 0
        and path[path.index(case.step) - 1] in NOTICES
    )
    if (
        not in_notice
        or case.notice_start is None
        or case.notice_end is None
        or not (case.notice_start <= on <= case.notice_end)
    ):
        raise ValidationError({"on": [_("异议只能在公示期内登记。")]})
    if not text.strip():
        raise ValidationError({"text": [_("请填写异议内容。")]})
    with transaction.atomic():
        objection = Objection.objects.create(case=case, raised_on=on, text=text.strip(), recorded_by=user)
        _audit(user, case, _("公示异议"), {"objection": [None, text.strip()]})
    return objection


def objection_resolve(*, user, objection: Objection, on: date, resolution: str) -> Objection:
    case = objection.case
    _check_may_take(user, case, StepCode.NOTICE)
    if objection.resolved_on is not None:
        raise ValidationError({"resolution": [_("该异议已处理。")]})
    if not resolution.strip():
        raise ValidationError({"resolution": [_("请填写处理结果。")]})
    _check_date(on, after=objection.raised_on)
    with transaction.atomic():
        objection.resolved_on, objection.resolution = on, resolution.strip()
        objection.save()
        _audit(user, case, _("异议已处理"), {"resolution": [None, resolution.strip()]})
    return objection


def case_withdraw(*, user, case: Case, reason: str) -> Case:
    """Close an open case without a status change (the assessment failed, the household moved...)."""
    if not (user.can_edit_households and in_scope(user, case.village_id)):
        raise PermissionDenied(_("只有本村录入员可以撤销案卷。"))
    if case.state != State.OPEN:
        raise ValidationError({"reason": [_("案卷已%(s)s。") % {"s": State(case.state).label}]})
    if not reason.strip():
        raise ValidationError({"reason": [_("撤销必须写明原因。")]})
    with transaction.atomic():
        case.state, case.step, case.last_rejection = State.WITHDRAWN, "", reason.strip()[:300]
        case.save()
        _audit(user, case, _("撤销"), {"state": [State.OPEN, State.WITHDRAWN]})
    return case


# --- history -------------------------------------------------------------------------------


# A historical case's dates, days before the change it ended in: assessed, then in notice from … to.
HISTORY_OPENED_DAYS, HISTORY_NOTICE_FROM_DAYS, HISTORY_NOTICE_TO_DAYS = 40, 30, 24


def cases_record_history(*, changes: QuerySet[StatusChange]) -> int:
    """Record each of `changes` without a case as an approved historical case (the national system's decision).

    The dates are the plausible ones of the procedure ending on the change's
    date: assessment 40 days before, notice from 30 to 24 days before. One
    INSERT … SELECT from the changes (an import or the demo records tens of
    thousands, and no row goes through Python); returns how many.
    """
    quote = connection.ops.quote_name
    chosen, chosen_params = changes.filter(case__isnull=True).values("id").query.sql_with_params()
    expressions = {
        "household_id": "sc.household_id",
        "village_id": "sc.village_id",  # the household's village, kept on its changes
        "kind": f"CASE sc.status {' '.join('WHEN %s THEN %s' for _s in KIND_OF_STATUS)} END",
        "state": "%s",
        "step_since": "sc.date",
        "target_status": "sc.status",
        "opened_on": _days_before("sc.date", HISTORY_OPENED_DAYS),
        "opened_by_id": "sc.by_id",
        "notice_start": _days_before("sc.date", HISTORY_NOTICE_FROM_DAYS),
        "notice_end": _days_before("sc.date", HISTORY_NOTICE_TO_DAYS),
        "announced_on": "sc.date",
        "historical": "%s",
        "status_change_id": "sc.id",
    }
    params = [*(value for pair in KIND_OF_STATUS.items() for value in pair), State.APPROVED, True, *chosen_params]
    source = f"{quote(StatusChange._meta.db_table)} sc WHERE sc.id IN ({chosen}) ORDER BY sc.id"
    return insert_select(Case, expressions, source, params)


def _days_before(column: str, days: int) -> str:
    """SQL for the date `days` before a date column, on either database."""
    if connection.vendor == "postgresql":
        return f"({column} - {int(days)})"
    return f"date({column}, '-{int(days)} days')"


HISTORY_FIELDS = ["kind", "target_status", "step_since", "opened_on", "notice_start", "notice_end", "announced_on"]


def cases_refresh_history(*, changes: QuerySet[StatusChange]) -> int:
    """Bring the historical cases of `changes` back in line with them (an events import gave a change its day).

    Only cases the national system decided (`historical`) are touched; returns how many changed.
    """
    cases = Case.objects.filter(historical=True, status_change__in=changes).select_related("status_change")
    stale = []
    for case in cases.iterator(chunk_size=BULK_BATCH):
        change = case.status_change
        assert change is not None  # filtered on it
        fresh = historical_case(
            status_change=change.pk,
            household=change.household_id,
            village=case.village_id,
            status=change.status,
            on=change.date,
            by=case.opened_by_id,
        )
        if any(getattr(case, name) != getattr(fresh, name) for name in HISTORY_FIELDS):
            for name in HISTORY_FIELDS:
                setattr(case, name, getattr(fresh, name))
            stale.append(case)
    Case.objects.bulk_update(stale, HISTORY_FIELDS, batch_size=BULK_BATCH)
    return len(stale)


def historical_case(*, status_change: int, household: int, village: str, status: str, on: date, by: int | None) -> Case:
    """The approved case behind one historical status change (unsaved)."""
    return Case(
        **_historical_values(
            status_change=status_change, household=household, village=village, status=status, on=on, by=by
        )
    )


def _historical_values(
    *, status_change: int, household: int, village: str, status: str, on: date, by: int | None
) -> dict[str, Any]:
    """The field values (by attname) of the approved case behind one historical status change."""
    return {
        "household_id": household,
        "village_id": village,
        "kind": KIND_OF_STATUS[status],
        "state": State.APPROVED,
        "step": "",
        "step_since": on,
        "target_status": status,
        "opened_on": on - timedelta(days=HISTORY_OPENED_DAYS),
        "opened_by_id": by,
        "notice_start": on - timedelta(days=HISTORY_NOTICE_FROM_DAYS),
        "notice_end": on - timedelta(days=HISTORY_NOTICE_TO_DAYS),
        "announced_on": on,
        "historical": True,
        "status_change_id": status_change,
    }


# --- county exit -----------------------------------------------------------------------------


def county_evaluation_save(*, user, county: Division, year: int, data: dict[str, Any]) -> CountyEvaluation:
    """Record the third-party evaluation's figures (错退率, 漏评率, 认可度) of a county's exit, as reported."""
    if not (user.is_admin or (user.is_county_approver and decides_for(user, county.code))):
        raise PermissionDenied(_("只有管理员或本县审定人可以录入第三方评估结果。"))
    errors = {}
    for field in ("wrong_exit_rate", "missed_rate", "satisfaction"):
        value = data.get(field)
        if value is None or not (0 <= value <= 100):
            errors[field] = [_("请填写 0–100 之间的百分比。")]
    if errors:
        raise ValidationError(errors)
    fields = {k: data[k] for k in ("wrong_exit_rate", "missed_rate", "satisfaction")} | {
        "note": data.get("note", ""),
        "recorded_by": user,
    }
    with transaction.atomic():
        evaluation, created = CountyEvaluation.objects.update_or_create(county=county, year=year, defaults=fields)
        audit_record(
            user=user,
            action=Action.CREATE if created else Action.UPDATE,
            obj=evaluation,
            changes={k: [None, str(v)] for k, v in fields.items() if k != "recorded_by"},
            region_code=county.code,
            summary=f"{county.name} {year} {_('第三方评估')}",
        )
    return evaluation
