from datetime import date

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from households.models import Status
from households.services import household_register, household_update
from villages.models import Division

from .conftest import member, register


def test_it_registers_a_household_with_members_and_first_status(lintan_clerk):
    h = register(lintan_clerk, "623021100201", "H001", size=4, year=2014)
    assert h.member_count == 4
    assert h.head_name == "H001户主"
    assert h.status == Status.IDENTIFIED
    change = h.status_changes.get()
    assert change.date == date(2014, 12, 31) and change.sequence == 0
    assert AuditEntry.objects.filter(household_code="H001", action="create").count() == 5


def test_it_refuses_a_household_without_a_head(lintan_clerk):
    with pytest.raises(ValidationError) as e:
        household_register(
            user=lintan_clerk,
            data={
                "code": "H002",
                "village": Division.objects.get(code="623021100201"),
                "main_cause": 1,
                "identified_year": 2014,
            },
            members=[member("甲", "spouse")],
        )
    assert "只有一位户主" in str(e.value)


def test_a_person_belongs_to_one_household(lintan_clerk, zhuoni_clerk):
    h = register(lintan_clerk, "623021100201", "H003")
    taken = h.members.get(relation="head").id_number
    with pytest.raises(ValidationError) as e:
        household_register(
            user=lintan_clerk,
            data={
                "code": "H004",
                "village": Division.objects.get(code="623021100202"),
                "main_cause": 1,
                "identified_year": 2014,
            },
            members=[{"name": "乙", "id_number": taken, "relation": "head"}],
        )
    assert "H003" in str(e.value)
    # A clerk of another county learns the ID is taken, not where.
    with pytest.raises(ValidationError) as e:
        household_register(
            user=zhuoni_clerk,
            data={
                "code": "Z001",
                "village": Division.objects.get(code="623022100201"),
                "main_cause": 1,
                "identified_year": 2014,
            },
            members=[{"name": "乙", "id_number": taken, "relation": "head"}],
        )
    assert "其他地区" in str(e.value) and "H003" not in str(e.value)


def test_a_clerk_cannot_register_or_move_into_another_county(lintan_clerk, zhuoni_clerk):
    # Another county's village is refused like a code that does not exist (no name, no 403).
    with pytest.raises(ValidationError) as e:
        register(zhuoni_clerk, "623021100201", "Z002")
    assert e.value.message_dict == {"village": ["没有区划代码为 623021100201 的村。"]}
    h = register(lintan_clerk, "623021100201", "H005")
    with pytest.raises(ValidationError) as e:
        household_update(
            user=lintan_clerk,
            household=h,
            data={"village": Division.objects.get(code="623022100201")},
            version=h.version,
        )
    assert e.value.message_dict == {"village": ["没有区划代码为 623022100201 的村。"]}


def test_the_second_of_two_concurrent_saves_is_refused(lintan_clerk, chengguan_clerk):
    h = register(lintan_clerk, "623021100201", "H006")
    first = type(h).objects.get(pk=h.pk)
    second = type(h).objects.get(pk=h.pk)
    household_update(user=lintan_clerk, household=first, data={"phone": "13900000001"}, version=first.version)
    with pytest.raises(ValidationError) as e:
        household_update(user=chengguan_clerk, household=second, data={"phone": "13900000002"}, version=second.version)
    assert "其他人修改" in str(e.value)
    h.refresh_from_db()
    assert h.phone == "13900000001"
