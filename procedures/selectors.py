"""Reads of cases: each scoped to the user's region, each a fixed number of queries."""

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from households.models import mask_id
from villages.models import PREFIX_LENGTH, Division
from villages.scope import scope_filter

from .models import Case, Kind, Outcome, State, StepCode
from .steps import ACTOR, COUNTY, NOTICES, OVERDUE_DAYS, PATHS, TOWNSHIP, VILLAGE


def cases_visible(*, user) -> QuerySet[Case]:
    return scope_filter(Case.objects.all(), user, "village_id")


def case_get(*, user, pk: int) -> Case:
    """The case if it lies in the user's region; Case.DoesNotExist otherwise."""
    return cases_visible(user=user).select_related("household", "village__parent__parent").get(pk=pk)


def _open(user) -> QuerySet[Case]:
    return (
        cases_visible(user=user)
        .filter(state=State.OPEN)
        .select_related("household", "village__parent")
        .order_by("step_since", "id")
    )


def _steps_of(actor: str) -> list[str]:
    return [step for step, who in ACTOR.items() if who == actor]


def _after_notice() -> Q:
    """Cases whose last step taken was a notice (they wait at the step after it)."""
    q = Q(pk__in=[])
    for kind, path in PATHS.items():
        steps = [path[i + 1] for i, step in enumerate(path) if step in NOTICES]
        q |= Q(kind=kind, step__in=steps)
    return q


def cases_waiting_for(*, user, today: date | None = None) -> QuerySet[Case]:
    """The open cases whose next step is this user's to take (none for officials)."""
    today = today or timezone.localdate()
    qs = _open(user)
    if user.is_township_reviewer:
        actor = TOWNSHIP
    elif user.is_county_approver:
        actor = COUNTY
    elif user.can_edit_households:
        actor = VILLAGE
    else:
        return qs.none()
    qs = qs.filter(step__in=_steps_of(actor))
    if actor != VILLAGE:
        # A decision waits for its notice to end.
        qs = qs.exclude(_after_notice() & Q(notice_end__gte=today))
    return qs


def cases_in_notice(*, user, today: date | None = None) -> QuerySet[Case]:
    """The open cases now in public notice, the soonest to end first."""
    today = today or timezone.localdate()
    return _open(user).filter(_after_notice(), notice_end__gte=today).order_by("notice_end", "id")


def cases_overdue(*, user, today: date | None = None) -> QuerySet[Case]:
    """The open cases waiting more than OVERDUE_DAYS at their step (a notice's wait counts from its end)."""
    today = today or timezone.localdate()
    return _open(user).filter(step_since__lt=today - timedelta(days=OVERDUE_DAYS))


def case_timeline(*, case: Case) -> list[dict[str, Any]]:
    """The steps taken, in order; for a historical case, its recorded dates."""
    if case.historical:
        return [
            {
                "step": StepCode.ASSESS.label,
                "on": case.opened_on,
                "outcome": Outcome.DONE.label,
                "by": "",
                "remarks": "",
            },
            {
                "step": StepCode.NOTICE.label,
                "on": case.notice_start,
                "outcome": Outcome.DONE.label,
                "by": "",
                "remarks": f"→ {case.notice_end}",
            },
            {
                "step": StepCode.ANNOUNCE.label,
                "on": case.announced_on,
                "outcome": Outcome.DONE.label,
                "by": "",
                "remarks": "",
            },
        ]
    return [
        {
            "step": s.get_step_display(),
            "on": s.on,
            "outcome": s.get_outcome_display(),
            "rejected": s.outcome == Outcome.REJECTED,
            "by": (s.by.get_full_name() or s.by.username) if s.by else "",
            "remarks": s.remarks,
            "data": s.data,
        }
        for s in case.steps.select_related("by").order_by("id")
    ]


def pipeline(*, user, region: Division) -> dict[str, Any]:
    """Open cases at each step, per child division of `region`: one grouped query."""
    child = region.child_level or region.level
    length = PREFIX_LENGTH[child]
    rows = (
        scope_filter(Case.objects.filter(state=State.OPEN, village__pk__startswith=region.prefix), user, "village_id")
        .annotate(area=Substr("village_id", 1, length))
        .values("area", "step")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = {}
    table: list[dict[str, Any]] = []
    for row in rows:
        counts.setdefault(row["area"], {})[row["step"]] = row["n"]
    steps = list(StepCode.values)
    names = dict(Division.objects.filter(level=child, code__startswith=region.prefix).values_list("code", "name"))
    for code, name in sorted(names.items()):
        area = code[:length]
        per = counts.get(area, {})
        table.append({"code": code, "name": name, "cells": [per.get(s, 0) for s in steps], "total": sum(per.values())})
    return {
        "steps": [StepCode(s).label for s in steps],
        "rows": table,
        "totals": [sum(r["cells"][i] for r in table) for i in range(len(steps))],
    }


def notice_rows(*, user, village: Division, kind: str, today: date | None = None) -> list[dict[str, Any]]:
    """The rows of a village's public notice (公示) of `kind`: households now in notice, with masked IDs.

    The notice page and the printed notice (printables) both render these rows.
    """
    today = today or timezone.localdate()
    qs = (
        cases_in_notice(user=user, today=today)
        .filter(village=village, kind=kind)
        .select_related("household")
        .prefetch_related("household__members")
    )
    rows = []
    for case in qs:
        household = case.household
        assert household is not None  # a household's kind of case
        head = next((m for m in household.members.all() if m.relation == "head" and m.left_on is None), None)
        rows.append(
            {
                "case": case.pk,
                "household_code": household.code,
                "head_name": household.head_name,
                "masked_id": mask_id(head.id_number) if head else "",
                "member_count": household.member_count,
                "reason": case.get_reason_code_display() if case.reason_code else (case.reason or Kind(kind).label),
                "notice_start": case.notice_start,
                "notice_end": case.notice_end,
            }
        )
    return rows
