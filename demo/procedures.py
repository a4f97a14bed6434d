"""Cases: every status change of the history as an approved case, and a set of cases open now in every county.

The history's cases are written straight from the status changes (one row per
change, the steps compressed into the case's dates, like imports of the national
system's history): ~170,000 rows at scale 1, in multi-row INSERTs (COPY on
PostgreSQL). The open cases (returns and removals, their steps as a clerk, a
township reviewer and a county approver took them) are dated back from today,
so the worklists show cases in notice, waiting for the township and rejected once.
"""

from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from gannan.lib.bulk import bulk_insert
from households.models import EXITED_STATUSES, Household, StatusChange
from procedures.models import Case, CaseStep, Kind, Objection, Outcome, ReasonCode, State, StepCode
from procedures.steps import KIND_OF_STATUS, NOTICE_DAYS

from . import figures
from .context import DemoContext

CASE_COLUMNS = ["household_id", "village_id", "kind", "state", "step", "step_since", "reason_code", "reason",
                "target_status", "opened_on", "opened_by_id", "notice_start", "notice_end", "announced_on",
                "rejections", "last_rejection", "override_reason", "historical", "status_change_id"]
CHUNK = 20000
# Open cases per county: (kind, reason, where it stands).
OPEN = [
    (Kind.RETURN, ReasonCode.ILLNESS, "in_notice"),
    (Kind.RETURN, ReasonCode.DISASTER, "in_notice"),
    (Kind.RETURN, ReasonCode.ILLNESS, "township"),
    (Kind.RETURN, ReasonCode.ACCIDENT, "township"),
    (Kind.RETURN, ReasonCode.JOB_LOSS, "rejected"),
    (Kind.REMOVE, ReasonCode.POLICY_ERROR, "county"),
]


def _history(ctx: DemoContext) -> int:
    rows = StatusChange.objects.values_list("id", "household_id", "household__village_id", "status", "date") \
        .order_by("id")
    n, last = 0, 0
    while True:
        chunk = list(rows.filter(id__gt=last)[:CHUNK])
        if not chunk:
            return n
        bulk_insert(Case, CASE_COLUMNS, [
            (household, village, KIND_OF_STATUS[status], State.APPROVED, "", on.isoformat(), "", "", status,
             (on - timedelta(days=40)).isoformat(), None, (on - timedelta(days=30)).isoformat(),
             (on - timedelta(days=24)).isoformat(), on.isoformat(), 0, "", "", True, pk)
            for pk, household, village, status, on in chunk
        ])
        n += len(chunk)
        last = chunk[-1][0]


def _open_cases(ctx: DemoContext, today: date) -> int:
    """OPEN in every county (and twice in 城关镇, where the demo's township reviewer works)."""
    rng = ctx.rng("procedures:open")
    cases: list[Case] = []
    steps: list[list[tuple[str, date, str, str, dict[str, Any]]]] = []
    objections: list[tuple[int, date]] = []
    places = [*figures.COUNTIES, "623021100"]
    for place in places:
        pool = list(Household.objects.filter(village__pk__startswith=place, status__in=EXITED_STATUSES)
                    .order_by("code").values_list("pk", "village_id")[:400])
        taken = {c.household_id for c in cases}
        pool = [p for p in pool if p[0] not in taken]
        for (kind, reason, stands), (pk, village) in zip(OPEN, rng.sample(pool, min(len(pool), len(OPEN))),
                                                         strict=False):
            opened = today - timedelta(days=rng.randint(12, 20) if stands == "in_notice" else rng.randint(25, 40))
            case = Case(household_id=pk, village_id=village, kind=kind, reason_code=reason, opened_on=opened,
                        step_since=opened)
            taken_steps: list[tuple[str, date, str, str, dict[str, Any]]] = [
                (StepCode.ASSESS, opened + timedelta(days=2), Outcome.DONE, "",
                            {"attendance": rng.randint(25, 45), "votes_for": 0, "votes_against": rng.randint(0, 3)})]
            taken_steps[0][4]["votes_for"] = taken_steps[0][4]["attendance"] - taken_steps[0][4]["votes_against"] - 1
            if stands == "in_notice":
                posted = today - timedelta(days=rng.randint(1, 5))
            else:
                posted = opened + timedelta(days=4)
            ends = posted + timedelta(days=NOTICE_DAYS - 1)
            taken_steps.append((StepCode.NOTICE, posted, Outcome.DONE, "", {"ends_on": ends.isoformat()}))
            case.notice_start, case.notice_end = posted, ends
            case.step, case.step_since = StepCode.TOWNSHIP, ends
            if stands == "rejected":
                on = ends + timedelta(days=3)
                taken_steps.append((StepCode.TOWNSHIP, on, Outcome.REJECTED, "患病证明材料不全，请补充县级医院诊断书", {}))
                case.step, case.step_since, case.rejections = StepCode.ASSESS, on, 1
                case.last_rejection = "乡镇审核：患病证明材料不全，请补充县级医院诊断书"
            elif stands == "county":
                on = ends + timedelta(days=2)
                taken_steps.append((StepCode.TOWNSHIP, on, Outcome.APPROVED, "", {}))
                case.step, case.step_since = StepCode.COUNTY, on
            cases.append(case)
            steps.append(taken_steps)
            if stands == "in_notice" and reason == ReasonCode.DISASTER:
                objections.append((len(cases) - 1, posted + timedelta(days=1)))
    Case.objects.bulk_create(cases)
    CaseStep.objects.bulk_create([
        CaseStep(case=case, step=step, on=on, outcome=outcome, remarks=remarks, data=data)
        for case, own in zip(cases, steps, strict=True) for step, on, outcome, remarks, data in own
    ])
    Objection.objects.bulk_create([
        Objection(case=cases[i], raised_on=min(on, today), text="村民反映该户灾损已获保险理赔")
        for i, on in objections
    ])
    return len(cases)


def build(ctx: DemoContext) -> None:
    ctx.counts["cases_history"] = _history(ctx)
    ctx.counts["cases_open"] = _open_cases(ctx, timezone.localdate())


def wipe(ctx: DemoContext) -> None:
    with connection.cursor() as cursor:
        for model in (Objection, CaseStep, Case):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
