"""A bulk registration (the import's) refuses with the words of a single registration or status change."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from households.models import Household, Status
from households.services import household_register, household_status_change, households_register_bulk, member_clean
from villages.models import Division

from .conftest import member, register

CHENGGUAN = "623021100201"


def data(code: str, **fields) -> dict:
    return {
        "code": code,
        "village": Division.objects.get(code=CHENGGUAN),
        "main_cause": 1,
        "attribute": 1,
        "identified_year": 2014,
        **fields,
    }


def entry(code: str, people: list[dict], history=None, **fields) -> dict:
    return {
        "data": data(code, **fields),
        "members": [member_clean(p) for p in people],
        "history": history or [(Status.IDENTIFIED, date(2014, 12, 31), "建档立卡")],
        "year": None,
    }


def single_refusal(user, code: str, people: list[dict], **fields) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        household_register(user=user, data=data(code, **fields), members=people)
    return refused.value.messages


def bulk_refusal(user, *entries: dict) -> dict[str, list[str]]:
    before = Household.objects.count()
    with pytest.raises(ValidationError) as refused:
        households_register_bulk(user=user, entries=list(entries))
    assert Household.objects.count() == before
    return refused.value.message_dict


def test_two_heads_are_refused_in_the_same_words(lintan_clerk):
    people = [member("甲"), member("乙")]
    assert bulk_refusal(lintan_clerk, entry("B001", people))["B001"] == single_refusal(lintan_clerk, "B002", people)


def test_an_id_given_twice_in_one_household_is_refused_in_the_same_words(lintan_clerk):
    head = member("甲")
    people = [head, {**head, "name": "乙", "relation": "son"}]
    assert bulk_refusal(lintan_clerk, entry("B003", people))["B003"] == single_refusal(lintan_clerk, "B004", people)


def test_a_person_registered_elsewhere_is_refused_naming_the_household_in_the_same_words(lintan_clerk):
    taken = register(lintan_clerk, CHENGGUAN, "B005").members.get(relation="head")
    people = [{"name": taken.name, "id_number": taken.id_number, "relation": "head"}]
    refused = bulk_refusal(lintan_clerk, entry("B006", people))["B006"]
    assert refused == single_refusal(lintan_clerk, "B007", people)
    assert "B005" in refused[0]


def test_a_year_before_the_campaign_is_refused_in_the_same_words(lintan_clerk):
    people = [member("甲")]
    refused = bulk_refusal(lintan_clerk, entry("B008", people, identified_year=2005))["B008"]
    assert refused == single_refusal(lintan_clerk, "B009", people, identified_year=2005)


def test_a_history_that_breaks_the_transitions_is_refused_like_a_status_change(lintan_clerk):
    history = [(Status.IDENTIFIED, date(2014, 12, 31), ""), (Status.RETURNED, date(2016, 12, 31), "")]
    refused = bulk_refusal(lintan_clerk, entry("B010", [member("甲")], history=history))["B010"]
    household = register(lintan_clerk, CHENGGUAN, "B011")
    with pytest.raises(ValidationError) as single:
        household_status_change(user=lintan_clerk, household=household, status=Status.RETURNED, on=date(2016, 12, 31))
    assert refused == single.value.messages == ["不能从“未脱贫”变更为“返贫”。"]


def test_a_number_in_use_is_refused_in_the_same_words(lintan_clerk):
    register(lintan_clerk, CHENGGUAN, "B012")
    people = [member("甲")]
    assert bulk_refusal(lintan_clerk, entry("B012", people))["B012"] == single_refusal(lintan_clerk, "B012", people)
