"""Cases: every status change of the history as an approved case, and a set of cases open now in every county.

The history's cases are written straight from the status changes (one row per
change, the steps compressed into the case's dates, like imports of the national
system's history): ~170,000 rows at scale 1, in one INSERT … SELECT. The open
cases (identifications, exits, returns and removals, their steps as a clerk, a
township reviewer and a county approver took them) are dated back from today,
so every worklist has work: cases waiting for the village, in notice (one with
an objection), waiting for the township or the county, and rejected once.
"""

from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from households.models import EXITED_STATUSES, Household, Status, StatusChange
from procedures.models import Case, CaseStep, Kind, Objection, Outcome, ReasonCode, StepCode
from procedures.services import cases_record_history
from procedures.steps import NOTICE_DAYS, NOTICES, PATHS, next_step

from . import figures
from .context import DemoContext

# Open cases per county: (kind, reason code, reason, where it stands, an objection raised in its notice).
# Where it stands: the next step to take, "in_notice" (its first notice runs until a few days from now)
# or "rejected" (the township sent it back to the village's assessment).
OPEN = [
    (Kind.RETURN, ReasonCode.ILLNESS, "", "in_notice", ""),
    (Kind.RETURN, ReasonCode.DISASTER, "", "in_notice", "村民反映该户灾损已获保险理赔"),
    (Kind.RETURN, ReasonCode.ILLNESS, "", StepCode.TOWNSHIP, ""),
    (Kind.RETURN, ReasonCode.ACCIDENT, "", StepCode.TOWNSHIP, ""),
    (Kind.RETURN, ReasonCode.JOB_LOSS, "", "rejected", ""),
    (Kind.REMOVE, ReasonCode.POLICY_ERROR, "", StepCode.COUNTY, ""),
    # A household removed earlier applies again (新识别), the few there are: for the county first, then in notice.
    (Kind.IDENTIFY, "", "主要劳动力因伤致残，申请重新识别", StepCode.COUNTY, ""),
    (Kind.IDENTIFY, "", "因灾房屋受损，申请重新识别", "in_notice", "村民反映该户已在县城购房"),
    (Kind.IDENTIFY, "", "家庭成员患大病，收入骤降，申请重新识别", StepCode.VERIFY, ""),
    # A household still 巩固提升 assessed for a stable exit: the village verifies it against this year's
    # facts (the exit test reads this year's record, which the clerk enters first).
    (Kind.EXIT, "", "", StepCode.VERIFY, ""),
]
# The households each kind of open case is drawn from.
OPENS_FOR = {
    Kind.RETURN: EXITED_STATUSES,
    Kind.REMOVE: EXITED_STATUSES,
    Kind.IDENTIFY: (Status.REMOVED,),
    Kind.EXIT: (Status.EXITED_CONSOLIDATING,),
}
REJECTION = "患病证明材料不全，请补充县级医院诊断书"
# Who applies again: a household removed for an income above the line that has since fallen back
# (not one that moved away or bought a flat).
APPLIES_AGAIN = "收入超过识别标准"


Step = tuple[str, date, str, str, dict[str, Any]]


def _walk(rng, case: Case, stands: str, today: date) -> list[Step]:
    """The steps `case` took from its opening to where it `stands`, a few days apart; sets the case's fields."""
    taken: list[Step] = []
    on = case.opened_on
    path = PATHS[case.kind]
    for step in path:
        if step == stands:
            break
        if step == StepCode.APPLY:
            taken.append((step, on, Outcome.DONE, case.reason, {}))
        elif step == StepCode.ASSESS:
            on += timedelta(days=2)
            attendance, against = rng.randint(25, 45), rng.randint(0, 3)
            taken.append(
                (
                    step,
                    on,
                    Outcome.DONE,
                    "",
                    {"attendance": attendance, "votes_for": attendance - against - 1, "votes_against": against},
                )
            )
        elif step in (StepCode.VERIFY, StepCode.AGREE):
            on += timedelta(days=1)
            taken.append((step, on, Outcome.DONE, "", {"signed_on": on.isoformat()} if step == StepCode.AGREE else {}))
        elif step in NOTICES:
            first = step == StepCode.NOTICE
            on = (
                today - timedelta(days=rng.randint(1, 5)) if first and stands == "in_notice" else on + timedelta(days=1)
            )
            ends = on + timedelta(days=NOTICE_DAYS - 1)
            taken.append((step, on, Outcome.DONE, "", {"ends_on": ends.isoformat()}))
            case.notice_start, case.notice_end = on, ends
            on = ends
            if first and stands == "in_notice":
                break
        elif step == StepCode.TOWNSHIP:
            on += timedelta(days=rng.randint(2, 3))
            if stands == "rejected":
                taken.append((step, on, Outcome.REJECTED, REJECTION, {}))
                case.step, case.step_since, case.rejections = StepCode.ASSESS, on, 1
                case.last_rejection = f"{StepCode.TOWNSHIP.label}：{REJECTION}"
                return taken
            taken.append((step, on, Outcome.APPROVED, "", {}))
    case.step = next_step(case.kind, taken[-1][0])
    case.step_since = on  # after a notice: its end
    return taken


def _open_cases(ctx: DemoContext, today: date) -> int:
    """OPEN in every county (and twice in 城关镇, where the demo's township reviewer works)."""
    rng = ctx.rng("procedures:open")
    cases: list[Case] = []
    steps: list[list[Step]] = []
    objections: list[tuple[int, date, str]] = []
    places = [*figures.COUNTIES, "623021100"]
    again = StatusChange.objects.filter(status=Status.REMOVED, reason__contains=APPLIES_AGAIN).values("household")
    taken: set[int] = set()
    for place in places:
        for kind, statuses in OPENS_FOR.items():
            wanted = [entry for entry in OPEN if entry[0] == kind]
            qs = Household.objects.filter(village__pk__startswith=place, status__in=statuses).exclude(pk__in=taken)
            if kind == Kind.IDENTIFY:
                qs = qs.filter(pk__in=again)
            pool = list(qs.order_by("code").values_list("pk", "village_id")[:400])
            for (_kind, reason_code, reason, stands, objection), (pk, village) in zip(
                wanted, rng.sample(pool, min(len(pool), len(wanted))), strict=False
            ):
                in_notice = stands == "in_notice"
                opened = today - timedelta(days=rng.randint(12, 20) if in_notice else rng.randint(30, 40))
                case = Case(
                    household_id=pk,
                    village_id=village,
                    kind=kind,
                    reason_code=reason_code,
                    reason=reason,
                    opened_on=opened,
                    step_since=opened,
                )
                steps.append(_walk(rng, case, stands, today))
                cases.append(case)
                taken.add(pk)
                if objection:
                    assert case.notice_start is not None  # in notice
                    objections.append((len(cases) - 1, min(case.notice_start + timedelta(days=1), today), objection))
    Case.objects.bulk_create(cases)
    CaseStep.objects.bulk_create(
        [
            CaseStep(case=case, step=step, on=on, outcome=outcome, remarks=remarks, data=data)
            for case, own in zip(cases, steps, strict=True)
            for step, on, outcome, remarks, data in own
        ]
    )
    Objection.objects.bulk_create([Objection(case=cases[i], raised_on=on, text=text) for i, on, text in objections])
    return len(cases)


def build(ctx: DemoContext) -> None:
    ctx.counts["cases_history"] = cases_record_history(changes=StatusChange.objects.all())
    ctx.counts["cases_open"] = _open_cases(ctx, timezone.localdate())


def wipe(ctx: DemoContext) -> None:
    with connection.cursor() as cursor:
        for model in (Objection, CaseStep, Case):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
