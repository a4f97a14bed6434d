"""The procedures cast: a household of 城关村 (城关镇, 临潭县) and everyone who might touch its case.

`reviewer` reviews 城关镇; `sibling_reviewer` reviews 新城镇 (the next township
of 临潭县); `approver` approves for 临潭县; `foreign_approver` for 卓尼县.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from households.models import PovertyLine
from procedures.models import Kind, Outcome, StepCode
from procedures.services import case_open, case_step

from .conftest import make_user, record_year, register

CHENGGUAN = "623021100201"
TODAY = timezone.localdate()
# A case's steps are back-dated from today, a few days apart, so a whole procedure fits before today.
START = TODAY - timedelta(days=40)


def day(n: int) -> date:
    return START + timedelta(days=n)


def procedure_users() -> dict:
    return {
        "clerk": make_user("p_clerk", Role.CLERK, "623021100"),
        "official": make_user("p_official", Role.OFFICIAL, "623021"),
        "reviewer": make_user("p_reviewer", Role.TOWNSHIP_REVIEWER, "623021100"),
        "sibling_reviewer": make_user("p_sibling", Role.TOWNSHIP_REVIEWER, "623021101"),
        "approver": make_user("p_approver", Role.COUNTY_APPROVER, "623021"),
        "foreign_approver": make_user("p_foreign", Role.COUNTY_APPROVER, "623022"),
        "foreign_clerk": make_user("p_foreign_clerk", Role.CLERK, "623022"),
        "admin": make_user("p_admin", Role.ADMIN, None),
    }


def line_for_this_year(amount: str = "4000") -> None:
    PovertyLine.objects.update_or_create(year=TODAY.year, defaults={"amount": Decimal(amount)})


def exit_ready_household(clerk, code: str = "P001", income: str = "5000"):
    """A poor household, identified two years ago, whose facts pass this year's exit test."""
    line_for_this_year()
    h = register(clerk, CHENGGUAN, code, size=2, year=TODAY.year - 2, identified_on=date(TODAY.year - 2, 6, 1))
    h.members.update(student_status="in_school")
    record = record_year(clerk, h, TODAY.year, income=income)
    # The income was entered before the procedure began (the exit test refuses an exit dated earlier).
    AuditEntry.objects.filter(object_type="householdyear", object_id=str(record.pk)).update(
        at=datetime.combine(START - timedelta(days=1), time(12), tzinfo=UTC)
    )
    h.refresh_from_db()
    return h


STEP_DATA = {
    StepCode.ASSESS: {"attendance": 30, "votes_for": 25, "votes_against": 2},
    StepCode.COUNTY: {"target_status": "exited_stable"},
}


def take(user, case, step, on, outcome=Outcome.DONE, **data):
    payload = {**STEP_DATA.get(step, {}), **data}
    if step in (StepCode.TOWNSHIP, StepCode.COUNTY) and outcome == Outcome.DONE:
        outcome = Outcome.APPROVED
    return case_step(user=user, case=case, step=step, on=on, outcome=outcome, remarks="", data=payload)


def exit_case_to(users, household, last: str):
    """Open an exit case and take its steps up to and including `last`; return the case."""
    case = case_open(user=users["clerk"], household=household, kind=Kind.EXIT, on=day(0))
    plan = [
        (StepCode.ASSESS, "clerk", day(1)),
        (StepCode.VERIFY, "clerk", day(2)),
        (StepCode.AGREE, "clerk", day(3)),
        (StepCode.NOTICE, "clerk", day(4)),  # to day(10)
        (StepCode.TOWNSHIP, "reviewer", day(12)),
        (StepCode.COUNTY, "approver", day(14)),
        (StepCode.ANNOUNCE, "approver", day(15)),
    ]
    for step, who, on in plan:
        if last == "open":
            break
        take(users[who], case, step, on)
        if step == last:
            break
    return case
