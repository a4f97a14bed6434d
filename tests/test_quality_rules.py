"""Each 疑点 rule: plant exactly its defect in a clean cast and see exactly that rule fire.

Defects the services would refuse (a sex that contradicts the ID number, a
household without a head) are planted with plain updates, as old data or a
bypassing import would leave them.
"""

from datetime import date

import pytest
from stdnum.cn import ric

from funds.models import Measure
from households.models import HouseholdYear, Member
from households.services import household_year_save
from quality.rules import BY_CODE, RULES
from quality.services import findings

from .conftest import make_id
from .quality_cast import HONGBAOZI, cast_once_per_module, clean_household, income

built_cast, cast, lintan_clerk, zhuoni_clerk = cast_once_per_module()


def person(household, relation):
    return Member.objects.get(household=household, relation=relation)


def update(m: Member, **fields):
    Member.objects.filter(pk=m.pk).update(**fields)


def household_fields(h, **fields):
    type(h).objects.filter(pk=h.pk).update(**fields)


def record(h, year=2015, **fields):
    HouseholdYear.objects.filter(household=h, year=year).update(**fields)


def new_id(born: date, male: bool) -> tuple[str, date]:
    number = make_id(born=born, male=male)
    return number, ric.get_birth_date(number)


def identity_of(m: Member) -> dict:
    return {"id_number": m.id_number, "sex": m.sex, "birth_date": m.birth_date}


# Each planting takes the cast and returns what must be found: {(rule, household, member or None)}.
def plant_ID01(c):
    head = person(c["P1"], "head")
    update(head, sex="F")
    return {("ID01", c["P1"].pk, head.pk)}


def plant_ID02(c):
    son = person(c["P1"], "son")
    number, born = new_id(date(2005, 9, 1), male=False)
    update(son, id_number=number, birth_date=born, sex="F")
    return {("ID02", c["P1"].pk, son.pk)}


def plant_ID03(c):
    head = person(c["P1"], "head")
    update(head, birth_date=date(1971, 3, 1))
    return {("ID03", c["P1"].pk, head.pk)}


def same_person_new_number(a: Member, area: str) -> dict:
    """a's name, birth date and sex under another valid ID number (as if re-registered by mistake)."""
    body = f"{area}{a.birth_date:%Y%m%d}{(9 if a.sex == 'M' else 8):03d}"
    return {
        "name": a.name,
        "sex": a.sex,
        "birth_date": a.birth_date,
        "id_number": body + ric.calc_check_digit(body + "0"),
    }


def plant_ID04(c):
    a, b = person(c["P1"], "head"), person(c["P2"], "head")  # P2 is in the same county
    update(b, **same_person_new_number(a, "623021"))
    return {("ID04", c["P1"].pk, a.pk), ("ID04", c["P2"].pk, b.pk)}


def plant_ID05(c):
    a, b = person(c["P1"], "head"), person(c["Z1"], "head")  # Z1 is in 卓尼县
    update(b, **same_person_new_number(a, "623022"))
    return {("ID05", c["P1"].pk, a.pk), ("ID05", c["Z1"].pk, b.pk)}


def plant_ID06(c):
    person(c["P1"], "head").delete()
    return {("ID06", c["P1"].pk, None)}


def plant_ID07(c):
    head = person(c["P1"], "head")
    number, born = new_id(date(2001, 2, 1), male=True)
    update(head, id_number=number, birth_date=born, student_status="in_school", education="junior", labour="none")
    return {("ID07", c["P1"].pk, head.pk)}


def plant_ED01(c):
    son = person(c["P1"], "son")
    update(son, student_status="dropped_out")
    return {("ED01", c["P1"].pk, son.pk)}


def plant_ED02(c):
    wife = person(c["P1"], "spouse")
    update(wife, student_status="in_school")
    return {("ED02", c["P1"].pk, wife.pk)}


def plant_ED03(c):
    number, born = new_id(date(2014, 4, 1), male=True)
    baby = Member.objects.create(
        household=c["P1"],
        village_id=c["P1"].village_id,
        name="婴儿",
        id_number=number,
        relation="grandchild",
        sex="M",
        birth_date=born,
        joined_on=born,
        education="preschool",
        student_status="in_school",
        labour="none",
    )
    return {("ED03", c["P1"].pk, baby.pk)}


def plant_ED04(c):
    son = person(c["P1"], "son")
    update(son, education="illiterate")
    return {("ED04", c["P1"].pk, son.pk)}


def plant_ED05(c):
    daughter = person(c["P1"], "daughter")
    update(daughter, education="preschool")
    return {("ED05", c["P1"].pk, daughter.pk)}


def plant_CA01(c):
    household_fields(c["P1"], main_cause=1)
    return {("CA01", c["P1"].pk, None)}


def plant_CA02(c):
    household_fields(c["P1"], main_cause=2)
    return {("CA02", c["P1"].pk, None)}


def plant_CA03(c):
    household_fields(c["P1"], main_cause=3)
    person(c["P1"], "son").delete()
    return {("CA03", c["P1"].pk, None)}


def plant_CA04(c):
    household_fields(c["P1"], main_cause=8)  # the head and the daughter are able to work
    return {("CA04", c["P1"].pk, None)}


def plant_AT01(c):
    household_fields(c["P1"], attribute=3)
    return {("AT01", c["P1"].pk, None)}


def plant_AT02(c):
    household_fields(c["P1"], attribute=2)
    return {("AT02", c["P1"].pk, None)}


def plant_AT03(c):
    update(person(c["P1"], "spouse"), dibao=True)
    return {("AT03", c["P1"].pk, None)}


def plant_IN01(c):
    record(c["P1"], income_wages=900)
    return {("IN01", c["P1"].pk, None)}


def plant_IN02(c):
    record(c["X15"], **{k: v for k, v in income("2500").items() if k.startswith("income")})
    return {("IN02", c["X15"].pk, None)}


def plant_IN03(c):
    record(c["P1"], **{k: v for k, v in income("2000", wages="0").items() if k.startswith("income")})
    return {("IN03", c["P1"].pk, None)}


def plant_IN04(c):
    record(c["P1"], **{k: v for k, v in income("9000", wages="5000").items() if k.startswith("income")})
    return {("IN04", c["P1"].pk, None)}


def plant_IN05(c):
    household_fields(c["P1"], attribute=2)
    update(person(c["P1"], "spouse"), dibao=True)
    record(c["P1"], **{k: v for k, v in income("2000", transfer="0").items() if k.startswith("income")})
    return {("IN05", c["P1"].pk, None)}


def plant_GU01(c):
    household_fields(c["X14"], housing_grade="C")  # exited in 2014: no 2015 record says the house is safe
    return {("GU01", c["X14"].pk, None)}


def plant_GU02(c):
    household_fields(c["X15"], safe_water=False)
    return {("GU02", c["X15"].pk, None)}


def plant_GU03(c):
    wife = person(c["P1"], "spouse")
    update(wife, medical_insurance=False)
    return {("GU03", c["P1"].pk, None)}


def plant_GU04(c):
    household_fields(c["P1"], housing_grade="D")
    return {("GU04", c["P1"].pk, None)}


def plant_GU05(c):
    record(c["X15"], enough_food=False)
    return {("GU05", c["X15"].pk, None)}


def plant_RG01(c):
    HouseholdYear.objects.filter(household=c["X14"], year=2014).delete()
    return {("RG01", c["X14"].pk, None)}


def plant_RG02(c):
    household_fields(c["P1"], cadre_name="")
    return {("RG02", c["P1"].pk, None)}


def plant_RG03(c, settings):
    settings.QUALITY_CADRE_MAX_HOUSEHOLDS = 2
    for code in ("P1", "P2", "P3"):
        household_fields(c[code], cadre_name="张干部", cadre_phone="13800000000")
    return {("RG03", c[code].pk, None) for code in ("P1", "P2", "P3")}


def plant_RG04(c):
    Measure.objects.filter(household=c["P1"]).exclude(programme="medical").delete()  # 缺资金 needs 产业扶持
    return {("RG04", c["P1"].pk, None)}


PLANTINGS = {name[len("plant_") :]: f for name, f in globals().items() if name.startswith("plant_")}


def test_the_catalogue_has_at_least_30_rules_each_with_a_planted_test():
    assert len(RULES) >= 30
    assert len(BY_CODE) == len(RULES)  # codes are unique
    assert set(PLANTINGS) == set(BY_CODE)


def test_the_clean_cast_raises_no_issue(cast):
    assert findings() == set()


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_each_planted_defect_fires_exactly_its_rule(cast, code, settings):
    plant = PLANTINGS[code]
    expected = plant(cast, settings) if code == "RG03" else plant(cast)
    assert findings() == expected


def test_five_households_per_cadre_are_allowed_by_default_six_are_not(lintan_clerk):
    households = [clean_household(lintan_clerk, HONGBAOZI, f"C{i}") for i in range(6)]
    for h in households[:5]:
        household_fields(h, cadre_name="李干部", cadre_phone="13811111111")
    assert findings() == set()
    household_fields(households[5], cadre_name="李干部", cadre_phone="13811111111")
    assert findings() == {("RG03", h.pk, None) for h in households}


def test_a_namesake_with_another_phone_is_another_cadre(lintan_clerk, settings):
    settings.QUALITY_CADRE_MAX_HOUSEHOLDS = 1
    a, b = clean_household(lintan_clerk, HONGBAOZI, "A"), clean_household(lintan_clerk, HONGBAOZI, "B")
    household_fields(a, cadre_name="王干部", cadre_phone="1")
    household_fields(b, cadre_name="王干部", cadre_phone="2")
    assert findings() == set()


def test_a_removed_household_is_no_ones_issue(cast, lintan_clerk):
    household_fields(cast["P1"], main_cause=3, status="removed")
    assert findings() == set()


def test_the_reference_year_is_the_latest_record(cast, lintan_clerk):
    """A 10-year-old at school in 2015 is still one in 2016; the record of 2016 is the one read."""
    household_year_save(
        user=lintan_clerk,
        household=cast["P1"],
        year=2016,
        data={**income(), "income_wages": 0, "income_production": 1500},
    )
    assert findings() == {("IN03", cast["P1"].pk, None)}
