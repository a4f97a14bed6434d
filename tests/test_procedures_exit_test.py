"""The exit test reads the household's facts and names each failing item; an override needs a reason and the county."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from households.models import HouseholdYear, Member, PovertyLine, Status
from procedures.exit_test import exit_test_failures
from procedures.models import SchoolingExemption, StandardLine, StepCode

from .procedures_cast import TODAY, day, exit_case_to, exit_ready_household, procedure_users, take


@pytest.fixture
def users(db):
    return procedure_users()


@pytest.fixture
def household(users):
    return exit_ready_household(users["clerk"])


def failures(household):
    household.refresh_from_db()
    return exit_test_failures(household=household, on=day(2))


def test_a_household_meeting_every_fact_passes(household):
    assert failures(household) == []


def test_income_at_the_line_fails(household):
    HouseholdYear.objects.filter(household=household).update(income_per_capita=Decimal("4000"))
    assert failures(household) == [f"人均纯收入 4000.00 元未超过 {TODAY.year} 年国家标准贫困线 4000.00 元。"]


def test_the_line_is_that_of_the_households_standard(household):
    household.standard = "provincial"
    household.save()
    assert failures(household) == [f"尚未设置 {TODAY.year} 年省定标准的贫困线，请管理员先设置。"]
    StandardLine.objects.create(standard="provincial", year=TODAY.year, amount=Decimal("5200"))
    assert failures(household) == [f"人均纯收入 5000.00 元未超过 {TODAY.year} 年省定标准贫困线 5200.00 元。"]


def test_no_record_of_the_year_fails(household):
    HouseholdYear.objects.filter(household=household).delete()
    assert failures(household) == [f"缺少 {TODAY.year} 年度的收入与两不愁三保障记录，请先录入。"]


@pytest.mark.parametrize(
    ("field", "message"), [("enough_food", "“不愁吃”未达标。"), ("enough_clothing", "“不愁穿”未达标。")]
)
def test_food_and_clothing_as_checked(household, field, message):
    HouseholdYear.objects.filter(household=household).update(**{field: False})
    assert failures(household) == [message]


def test_a_child_of_school_age_out_of_school_fails_unless_an_exemption_is_recorded(household):
    child = household.members.exclude(relation="head").get()  # born 2005-01-01: not school age now
    child.birth_date = day(2).replace(year=day(2).year - 10)
    child.student_status = "dropped_out"
    child.save()
    assert failures(household) == [f"义务教育：{child.name}（10 岁）未在校，且未登记送教上门或残疾免学。"]
    SchoolingExemption.objects.create(member=child, reason="home_schooling")
    assert failures(household) == []


def test_an_uninsured_member_fails(household):
    head = household.members.get(relation="head")
    head.medical_insurance = False
    head.save()
    assert failures(household) == [f"基本医疗：{head.name} 未参加新农合/大病保险。"]


def test_only_the_members_present_on_the_day_count(household):
    # A son of school age, out of school and uninsured, who moved away the day before the test.
    child = household.members.exclude(relation="head").get()
    child.birth_date = day(2).replace(year=day(2).year - 10)
    child.student_status, child.medical_insurance = "dropped_out", False
    child.left_on, child.leave_reason = day(1), "moved_out"
    child.save()
    assert failures(household) == []
    # Leaving the day after, he was still there on the day.
    Member.objects.filter(pk=child.pk).update(left_on=day(3))
    assert failures(household) == [
        f"义务教育：{child.name}（10 岁）未在校，且未登记送教上门或残疾免学。",
        f"基本医疗：{child.name} 未参加新农合/大病保险。",
    ]


@pytest.mark.parametrize("grade", ["C", "D"])
def test_an_unsafe_house_fails(household, grade):
    household.housing_grade = grade
    household.save()
    assert failures(household)[0].startswith("住房安全：住房为")


def test_unsafe_water_fails(household):
    household.safe_water = False
    household.save()
    assert failures(household) == ["饮水安全未达标。"]


def test_an_exit_dated_before_the_years_income_was_entered_fails(household):
    assert exit_test_failures(household=household, on=day(-5))[0].startswith(f"脱贫日期 {day(-5).isoformat()} 早于")


def test_a_failing_exit_stops_at_verification_and_names_each_item(users, household):
    household.safe_water = False
    household.save()
    HouseholdYear.objects.filter(household=household).update(enough_food=False)
    case = exit_case_to(users, household, StepCode.ASSESS)
    with pytest.raises(ValidationError) as e:
        take(users["clerk"], case, StepCode.VERIFY, day(2))
    assert e.value.messages == ["不符合脱贫标准（一超过、两不愁、三保障）：", "“不愁吃”未达标。", "饮水安全未达标。"]


def test_an_override_needs_a_reason_and_the_countys_explicit_approval(users, household):
    household.safe_water = False
    household.save()
    case = exit_case_to(users, household, StepCode.ASSESS)
    take(users["clerk"], case, StepCode.VERIFY, day(2), override_reason="集中供水工程本月通水")
    for step, who, on in [
        (StepCode.AGREE, "clerk", day(3)),
        (StepCode.NOTICE, "clerk", day(4)),
        (StepCode.TOWNSHIP, "reviewer", day(12)),
    ]:
        take(users[who], case, step, on)
    with pytest.raises(ValidationError) as e:
        take(users["approver"], case, StepCode.COUNTY, day(14))
    assert e.value.messages == ["村里以“集中供水工程本月通水”为由申请破例，须县级明确批准破例。"]
    take(users["approver"], case, StepCode.COUNTY, day(14), override_approved=True)
    take(users["approver"], case, StepCode.ANNOUNCE, day(15))
    household.refresh_from_db()
    assert household.status == Status.EXITED_STABLE


def test_the_national_line_falls_back_to_the_registers_poverty_line(household):
    PovertyLine.objects.filter(year=TODAY.year).update(amount=Decimal("6000"))
    assert failures(household)[0].startswith("人均纯收入 5000.00 元未超过")
