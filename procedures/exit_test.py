"""The exit test (一超过、两不愁、三保障), computed from the household's facts.

The one place it lives: the exit procedure runs it at verification, county
approval and announcement. It reads the income of the exit's year as entered,
the schooling and insurance of the members present on the day (register.md),
the house and the water, and the 不愁吃/不愁穿 checks; each failing item is named.
"""

from datetime import date

from django.utils.translation import gettext as _

from audit.models import AuditEntry
from households.models import (
    Household,
    HouseholdYear,
    HousingGrade,
    PovertyLine,
    Standard,
    StudentStatus,
    present_on,
)

from .models import SchoolingExemption, StandardLine

SCHOOL_AGES = (6, 15)


def poverty_line(*, standard: str, year: int):
    """The line of `year` for `standard`, or None when an admin has not set it."""
    line = StandardLine.objects.filter(standard=standard, year=year).values_list("amount", flat=True).first()
    if line is None and standard == Standard.NATIONAL:
        line = PovertyLine.objects.filter(year=year).values_list("amount", flat=True).first()
    return line


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def exit_test_failures(*, household: Household, on: date) -> list[str]:
    """Why `household` cannot exit on `on`; empty when it may."""
    year = on.year
    record = HouseholdYear.objects.filter(household=household, year=year).first()
    if record is None:
        return [_("缺少 %(y)d 年度的收入与两不愁三保障记录，请先录入。") % {"y": year}]
    failures = []
    entered = (
        AuditEntry.objects.filter(object_type="householdyear", object_id=str(record.pk))
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    if entered is not None and on < entered.date():
        failures.append(
            _("脱贫日期 %(on)s 早于 %(y)d 年度收入的录入日期 %(d)s。")
            % {"on": on.isoformat(), "y": year, "d": entered.date().isoformat()}
        )
    line = poverty_line(standard=household.standard, year=year)
    standard = Standard(household.standard).label
    if line is None:
        failures.append(_("尚未设置 %(y)d 年%(std)s的贫困线，请管理员先设置。") % {"y": year, "std": standard})
    elif record.income_per_capita <= line:
        failures.append(
            _("人均纯收入 %(income)s 元未超过 %(y)d 年%(std)s贫困线 %(line)s 元。")
            % {"income": record.income_per_capita, "y": year, "std": standard, "line": line}
        )
    if not record.enough_food:
        failures.append(_("“不愁吃”未达标。"))
    if not record.enough_clothing:
        failures.append(_("“不愁穿”未达标。"))
    # Who is in the household on the day: a member who died or moved away neither fails nor passes it.
    members = list(household.members.filter(present_on(on)))
    exempt = set(SchoolingExemption.objects.filter(member__household=household).values_list("member_id", flat=True))
    for m in members:
        if (
            SCHOOL_AGES[0] <= _age(m.birth_date, on) <= SCHOOL_AGES[1]
            and m.student_status != StudentStatus.IN_SCHOOL
            and m.pk not in exempt
        ):
            failures.append(
                _("义务教育：%(name)s（%(age)d 岁）未在校，且未登记送教上门或残疾免学。")
                % {"name": m.name, "age": _age(m.birth_date, on)}
            )
    for m in members:
        if not m.medical_insurance:
            failures.append(_("基本医疗：%(name)s 未参加新农合/大病保险。") % {"name": m.name})
    if household.housing_grade not in (HousingGrade.A, HousingGrade.B):
        failures.append(_("住房安全：住房为%(grade)s。") % {"grade": HousingGrade(household.housing_grade).label})
    if not household.safe_water:
        failures.append(_("饮水安全未达标。"))
    return failures
