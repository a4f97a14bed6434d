"""Cases run their steps in order, each by the one role allowed, and only the announcement changes the status."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from households.models import Status
from procedures.models import Case, Kind, Outcome, ReasonCode, State, StepCode
from procedures.services import case_open, case_step, objection_raise, objection_resolve

from .procedures_cast import day, exit_case_to, exit_ready_household, procedure_users, take


@pytest.fixture
def users(db):
    return procedure_users()


@pytest.fixture
def household(users):
    return exit_ready_household(users["clerk"])


# Who may take the steps of an exit case on a household of 城关村 (城关镇, 临潭县).
ALLOWED = {
    StepCode.ASSESS: {"clerk", "admin"},
    StepCode.VERIFY: {"clerk", "admin"},
    StepCode.AGREE: {"clerk", "admin"},
    StepCode.NOTICE: {"clerk", "admin"},
    StepCode.TOWNSHIP: {"reviewer"},
    StepCode.COUNTY: {"approver"},
    StepCode.ANNOUNCE: {"approver"},
}
BEFORE = {
    StepCode.ASSESS: "open",
    StepCode.VERIFY: StepCode.ASSESS,
    StepCode.AGREE: StepCode.VERIFY,
    StepCode.NOTICE: StepCode.AGREE,
    StepCode.TOWNSHIP: StepCode.NOTICE,
    StepCode.COUNTY: StepCode.TOWNSHIP,
    StepCode.ANNOUNCE: StepCode.COUNTY,
}
ON = {
    StepCode.ASSESS: day(1),
    StepCode.VERIFY: day(2),
    StepCode.AGREE: day(3),
    StepCode.NOTICE: day(4),
    StepCode.TOWNSHIP: day(12),
    StepCode.COUNTY: day(14),
    StepCode.ANNOUNCE: day(15),
}
ROLES = ["clerk", "official", "reviewer", "sibling_reviewer", "approver", "foreign_approver", "foreign_clerk", "admin"]


@pytest.mark.parametrize("step", list(ALLOWED))
@pytest.mark.parametrize("who", ROLES)
def test_each_step_is_taken_only_by_its_role(users, household, step, who):
    case = exit_case_to(users, household, BEFORE[step])
    if who in ALLOWED[step]:
        take(users[who], case, step, ON[step])
        case.refresh_from_db()
        assert case.step != step
    else:
        with pytest.raises(PermissionDenied):
            take(users[who], case, step, ON[step])
        case.refresh_from_db()
        assert case.step == step and not case.steps.filter(step=step).exists()


def test_on_the_page_a_sibling_reviewer_finds_nothing_and_an_official_may_only_read(client, users, household):
    case = exit_case_to(users, household, StepCode.NOTICE)
    url = reverse("procedures:case", args=[case.pk])
    for who in ("sibling_reviewer", "foreign_clerk"):
        client.force_login(users[who])
        assert client.get(url).status_code == 404
        assert client.post(url, {"step": "township", "on": day(12), "outcome": "approved"}).status_code == 404
    client.force_login(users["official"])
    page = client.get(url)
    assert page.status_code == 200 and "stepform" not in page.content.decode()
    assert client.post(url, {"step": "township", "on": day(12), "outcome": "approved"}).status_code == 403
    client.force_login(users["reviewer"])
    assert client.post(url, {"step": "township", "on": day(12), "outcome": "approved"}).status_code == 302
    case.refresh_from_db()
    assert case.step == StepCode.COUNTY


def test_a_step_cannot_be_skipped_or_taken_twice(users, household):
    case = exit_case_to(users, household, StepCode.ASSESS)
    with pytest.raises(ValidationError) as e:
        take(users["clerk"], case, StepCode.NOTICE, day(4))
    assert "当前应办理“核实”，不能办理“公示”：环节不能跳过或颠倒。" in e.value.messages
    with pytest.raises(ValidationError) as e:
        take(users["clerk"], case, StepCode.ASSESS, day(2))
    assert "当前应办理“核实”，不能办理“民主评议”：环节不能跳过或颠倒。" in e.value.messages


def test_a_step_cannot_be_dated_before_the_previous_one(users, household):
    case = exit_case_to(users, household, StepCode.AGREE)
    with pytest.raises(ValidationError) as e:
        take(users["clerk"], case, StepCode.NOTICE, day(2))
    assert e.value.messages == [f"日期不能早于上一环节（{day(3).isoformat()}）。"]


def test_the_page_says_why_a_skipped_step_was_refused(client, users, household):
    case = exit_case_to(users, household, StepCode.ASSESS)
    client.force_login(users["clerk"])
    response = client.post(reverse("procedures:case", args=[case.pk]), {"step": "notice", "on": day(4)})
    assert "环节不能跳过或颠倒" in response.content.decode()


def test_a_notice_runs_at_least_seven_days_and_the_township_waits_for_its_end(users, household):
    case = exit_case_to(users, household, StepCode.AGREE)
    with pytest.raises(ValidationError) as e:
        take(users["clerk"], case, StepCode.NOTICE, day(4), ends_on=day(9))
    assert "公示期不得少于 7 天" in e.value.messages[0]
    take(users["clerk"], case, StepCode.NOTICE, day(4))
    case.refresh_from_db()
    assert case.notice_end == day(10)
    with pytest.raises(ValidationError) as e:
        take(users["reviewer"], case, StepCode.TOWNSHIP, day(10))
    assert e.value.messages == [f"公示期至 {day(10).isoformat()} 截止，截止后才能办理“乡镇审核”。"]


def test_an_objection_blocks_the_case_until_resolved(users, household):
    case = exit_case_to(users, household, StepCode.NOTICE)
    objection = objection_raise(user=users["clerk"], case=case, on=day(6), text="邻居反映家中有人经商")
    with pytest.raises(ValidationError) as e:
        take(users["reviewer"], case, StepCode.TOWNSHIP, day(12))
    assert e.value.messages == ["公示期间有 1 条异议尚未处理，处理后才能继续。"]
    with pytest.raises(ValidationError):
        objection_raise(user=users["clerk"], case=case, on=day(11), text="公示期外")
    objection_resolve(user=users["clerk"], objection=objection, on=day(9), resolution="经核实，经商收入已计入")
    take(users["reviewer"], case, StepCode.TOWNSHIP, day(12))
    case.refresh_from_db()
    assert case.step == StepCode.COUNTY


def test_a_rejection_returns_the_case_to_the_village_with_its_reason(users, household):
    case = exit_case_to(users, household, StepCode.NOTICE)
    with pytest.raises(ValidationError) as e:
        take(users["reviewer"], case, StepCode.TOWNSHIP, day(12), outcome=Outcome.REJECTED)
    assert "退回必须写明原因。" in e.value.messages
    case_step(
        user=users["reviewer"],
        case=case,
        step=StepCode.TOWNSHIP,
        on=day(12),
        outcome=Outcome.REJECTED,
        remarks="收入核算不实",
    )
    case.refresh_from_db()
    assert case.step == StepCode.ASSESS and case.rejections == 1
    assert case.last_rejection == "乡镇审核：收入核算不实"
    household.refresh_from_db()
    assert household.status == Status.IDENTIFIED


def test_no_status_change_before_the_announcement(users, household):
    case = exit_case_to(users, household, StepCode.COUNTY)
    household.refresh_from_db()
    assert household.status == Status.IDENTIFIED
    assert household.status_changes.count() == 1
    take(users["approver"], case, StepCode.ANNOUNCE, day(15))
    household.refresh_from_db()
    case.refresh_from_db()
    assert household.status == Status.EXITED_STABLE
    change = household.status_changes.order_by("-sequence").first()
    assert change.date == day(15) and case.status_change == change
    assert case.state == State.APPROVED and case.announced_on == day(15)


def test_the_county_decides_stable_or_consolidating(users, household):
    case = exit_case_to(users, household, StepCode.TOWNSHIP)
    with pytest.raises(ValidationError):
        take(users["approver"], case, StepCode.COUNTY, day(14), target_status="")
    take(users["approver"], case, StepCode.COUNTY, day(14), target_status="exited_consolidating")
    take(users["approver"], case, StepCode.ANNOUNCE, day(15))
    household.refresh_from_db()
    assert household.status == Status.EXITED_CONSOLIDATING


def test_an_assessment_without_a_majority_stops_the_case(users, household):
    case = case_open(user=users["clerk"], household=household, kind=Kind.EXIT, on=day(0))
    with pytest.raises(ValidationError) as e:
        take(users["clerk"], case, StepCode.ASSESS, day(1), attendance=30, votes_for=15, votes_against=10)
    assert "未超过参会人数（30）的半数" in e.value.messages[0]


def test_return_and_removal_need_a_reason_code_and_take_the_short_path(users, household):
    with pytest.raises(ValidationError) as e:
        case_open(user=users["clerk"], household=household, kind=Kind.REMOVE, on=day(0))
    assert e.value.messages == ["清退必须选择原因类别。"]
    case = case_open(
        user=users["clerk"], household=household, kind=Kind.REMOVE, on=day(0), reason_code=ReasonCode.POLICY_ERROR
    )
    take(users["clerk"], case, StepCode.ASSESS, day(1))
    take(users["clerk"], case, StepCode.NOTICE, day(2))
    take(users["reviewer"], case, StepCode.TOWNSHIP, day(10))
    take(users["approver"], case, StepCode.COUNTY, day(11))
    take(users["approver"], case, StepCode.ANNOUNCE, day(12))
    household.refresh_from_db()
    assert household.status == Status.REMOVED


def test_a_natural_decrease_takes_the_short_path_with_its_reason(users, household):
    """自然减少 is a status change like any other: only its announcement closes the household."""
    with pytest.raises(ValidationError) as e:
        case_open(user=users["clerk"], household=household, kind=Kind.DISSOLVE, on=day(0))
    assert e.value.messages == ["自然减少必须选择原因类别。"]
    case = case_open(
        user=users["clerk"], household=household, kind=Kind.DISSOLVE, on=day(0), reason_code=ReasonCode.ALL_DIED
    )
    take(users["clerk"], case, StepCode.ASSESS, day(1))
    take(users["clerk"], case, StepCode.NOTICE, day(2))
    take(users["reviewer"], case, StepCode.TOWNSHIP, day(10))
    take(users["approver"], case, StepCode.COUNTY, day(11))
    household.refresh_from_db()
    assert household.status == Status.IDENTIFIED
    take(users["approver"], case, StepCode.ANNOUNCE, day(12))
    household.refresh_from_db()
    assert household.status == Status.DISSOLVED
    assert household.status_changes.get(status=Status.DISSOLVED).date == day(12)


def test_a_recorded_natural_decrease_is_an_approved_historical_case(users, household):
    from households.models import StatusChange
    from households.services import household_status_change
    from procedures.services import cases_record_history

    household_status_change(
        user=users["admin"], household=household, status=Status.DISSOLVED, on=day(-30), reason="整户迁出"
    )
    cases_record_history(changes=StatusChange.objects.filter(household=household))
    case = Case.objects.get(household=household, status_change__status=Status.DISSOLVED)
    assert (case.kind, case.state, case.historical, case.announced_on) == (
        Kind.DISSOLVE,
        State.APPROVED,
        True,
        day(-30),
    )


def test_one_open_case_per_household_and_only_for_a_status_that_allows_it(users, household):
    with pytest.raises(ValidationError) as e:
        case_open(user=users["clerk"], household=household, kind=Kind.RETURN, on=day(0), reason_code="illness")
    assert e.value.messages == ["当前状态为“未脱贫”，不能启动“返贫”程序。"]
    case_open(user=users["clerk"], household=household, kind=Kind.EXIT, on=day(0))
    with pytest.raises(ValidationError):
        case_open(user=users["clerk"], household=household, kind=Kind.EXIT, on=day(0))
    assert Case.objects.filter(household=household, state=State.OPEN).count() == 1


def test_an_identification_registers_the_household_poor_on_the_announcement_date(client, users):
    from households.services import household_register
    from villages.models import Division

    from .conftest import member
    from .procedures_cast import CHENGGUAN, line_for_this_year

    line_for_this_year()
    h = household_register(
        user=users["clerk"],
        applying=True,
        data={
            "code": CHENGGUAN + "0900",
            "village": Division.objects.get(code=CHENGGUAN),
            "main_cause": 1,
            "identified_year": day(0).year,
        },
        members=[member("申请人")],
    )
    assert h.status == "" and not h.status_changes.exists()
    case = case_open(user=users["clerk"], household=h, kind=Kind.IDENTIFY, on=day(0))
    take(users["clerk"], case, StepCode.ASSESS, day(1))
    take(users["clerk"], case, StepCode.VERIFY, day(2))
    take(users["clerk"], case, StepCode.NOTICE, day(3))
    take(users["reviewer"], case, StepCode.TOWNSHIP, day(10))
    take(users["clerk"], case, StepCode.NOTICE2, day(11))
    h.refresh_from_db()
    assert h.status == ""
    take(users["approver"], case, StepCode.COUNTY, day(18))
    take(users["approver"], case, StepCode.ANNOUNCE, day(19) + timedelta(days=0))
    h.refresh_from_db()
    assert h.status == Status.IDENTIFIED
    assert list(h.status_changes.values_list("date", flat=True)) == [day(19)]


def test_an_imported_history_is_recorded_as_approved_cases(users):
    from households.models import StatusChange

    from .test_import_households import household as roster_household
    from .test_import_households import roster, run

    data = roster(*roster_household("H100", size=2, exit_year=2016, exit_type="稳定脱贫", income="4200"))
    report = run(users["admin"], data)
    assert report.ok, report.errors
    assert StatusChange.objects.count() == 2
    cases = Case.objects.filter(historical=True, state=State.APPROVED).order_by("announced_on")
    assert [(c.kind, c.announced_on.year) for c in cases] == [(Kind.IDENTIFY, 2014), (Kind.EXIT, 2016)]
    assert not Case.objects.filter(status_change__isnull=True).exists()
