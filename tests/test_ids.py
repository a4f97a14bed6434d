"""Resident ID numbers: our rules agree with python-stdnum, and one person belongs to one household."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric

from households.ids import normalize_id, validate_id
from households.models import Household, mask_id
from households.services import member_clean

from .conftest import make_id, register

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def rule_broken(number: str, **kw) -> str | None:
    with pytest.raises(ValidationError) as e:
        validate_id(number, **kw)
    return e.value.code


def test_generated_numbers_are_accepted_exactly_when_stdnum_accepts_them():
    start = date(1930, 1, 1)
    for i in range(300):
        number = make_id(born=start + timedelta(days=97 * i), male=bool(i % 2))
        assert ric.is_valid(number)
        assert validate_id(number) == number
        for wrong in "0123456789X":
            corrupted = number[:-1] + wrong
            if wrong == number[-1]:
                continue
            assert not ric.is_valid(corrupted)
            assert rule_broken(corrupted) == "id_checksum"


def test_full_width_digits_and_lowercase_x_are_normalised():
    number = make_id()
    assert validate_id(number.translate(FULL_WIDTH)) == number
    assert validate_id(" " + number[:6] + " " + number[6:] + " ") == number
    with_x = next(n for n in (make_id() for _ in range(200)) if n.endswith("X"))
    assert validate_id(with_x.lower()) == with_x
    assert normalize_id(with_x.lower().translate(FULL_WIDTH)) == with_x


def test_a_bad_check_character_names_the_right_one():
    number = make_id()
    wrong = "1" if number[-1] != "1" else "2"
    with pytest.raises(ValidationError) as e:
        validate_id(number[:-1] + wrong)
    assert f"最后一位应为 {number[-1]}" in e.value.messages[0]


def test_an_impossible_birth_date_is_refused():
    for born in ("19800230", "19811301", "19800000"):
        number = with_check(f"623021{born}123")
        assert not ric.is_valid(number)
        assert rule_broken(number) == "id_component"


def test_a_birth_date_in_the_future_is_refused():
    number = make_id(born=date(2010, 5, 5))
    born = ric.get_birth_date(number)  # make_id may shift the date to keep numbers unique
    assert rule_broken(number, today=born - timedelta(days=1)) == "id_future_birth"
    assert validate_id(number, today=born) == number
    next_year = with_check(f"623021{timezone.localdate().year + 1}0101123")
    assert rule_broken(next_year) in ("id_future_birth", "id_component")


def test_wrong_length_and_letters_are_refused():
    assert rule_broken(make_id()[:-1]) == "id_length"
    assert rule_broken("62302119800101A23X") == "id_format"


def test_sex_and_birth_date_must_agree_with_the_number():
    man = make_id(born=date(1970, 3, 4), male=True)
    born = ric.get_birth_date(man)
    cleaned = member_clean({"name": "扎西", "id_number": man, "relation": "head"})
    assert cleaned["sex"] == "M" and cleaned["birth_date"] == born
    with pytest.raises(ValidationError) as e:
        member_clean(
            {"name": "扎西", "id_number": man, "relation": "head", "sex": "F", "birth_date": born + timedelta(days=1)}
        )
    assert "第17位表示男" in e.value.message_dict["sex"][0]
    assert born.isoformat() in e.value.message_dict["birth_date"][0]
    woman = make_id(born=date(1972, 1, 1), male=False)
    assert member_clean({"name": "卓玛", "id_number": woman, "relation": "spouse"})["sex"] == "F"


def test_ids_are_masked_to_the_first_six_and_last_four():
    assert mask_id("62302119800101123X") == "623021********123X"


def test_an_id_on_another_regions_household_is_refused_without_naming_it(client, lintan_clerk, zhuoni_clerk):
    taken = register(lintan_clerk, "623021100201", "L001").members.get(relation="head").id_number
    client.force_login(zhuoni_clerk)
    form_page = client.get(reverse("households:create"))
    data = {
        "code": "6230221002010001",
        "village": "623022100201",
        "main_cause": "1",
        "identified_year": "2015",
        "standard": "national",
        "attribute": "1",
        "housing_grade": "B",
        "safe_water": "on",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-name": "乙",
        "members-0-id_number": taken,
        "members-0-relation": "head",
        "members-0-ethnicity": "tibetan",
        "members-0-student_status": "not_school_age",
        "members-0-health": "healthy",
        "members-0-labour": "ordinary",
        "members-0-migrant_months": "0",
    }
    assert form_page.status_code == 200
    response = client.post(reverse("households:create"), data)
    page = response.content.decode()
    assert f"证件号码 {taken} 已登记在其他地区的贫困户中，一人只能属于一户。" in page
    assert "L001" not in page
    assert not Household.objects.filter(code="Z001").exists()
