"""The outside test's races, each run with threads on PostgreSQL (SQLite serialises writers; skipped there).

Each thread has its own database connection; a barrier releases them together.
"""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from households.models import Household, HouseholdYear, Status, StatusChange
from households.services import StaleVersion, household_status_change, household_year_save

from .conftest import load_reference_data, make_user, member, record_year, register

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="races need PostgreSQL's concurrent writers")

CHENGGUAN = "623021100201"
THREADS = 4


def race(work) -> list:
    """Run `work(i)` in THREADS threads at once; each outcome is its return value or the exception it raised."""
    barrier = threading.Barrier(THREADS)
    outcomes: list = [None] * THREADS

    def run(i: int) -> None:
        try:
            barrier.wait()
            outcomes[i] = work(i)
        except Exception as e:  # noqa: BLE001 -- the outcome under test
            outcomes[i] = e
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.fixture
def clerk(transactional_db):
    from accounts.models import Role

    load_reference_data()
    return make_user("race_clerk", Role.CLERK, "623021")


def test_two_saves_of_one_yearly_record_read_at_one_version_keep_one(clerk):
    h = register(clerk, CHENGGUAN, "R1")
    record = record_year(clerk, h, 2015)
    outcomes = race(
        lambda i: household_year_save(
            user=clerk, household=h, year=2015, version=record.version, data={"income_per_capita": 4000 + i}
        )
    )
    saved = [o for o in outcomes if isinstance(o, HouseholdYear)]
    assert len(saved) == 1
    assert all(isinstance(o, StaleVersion) for o in outcomes if o not in saved)
    assert HouseholdYear.objects.get(pk=record.pk).income_per_capita == saved[0].income_per_capita


def test_the_same_yearly_record_created_twice_at_once_is_created_once(clerk):
    h = register(clerk, CHENGGUAN, "R2")
    outcomes = race(lambda i: household_year_save(user=clerk, household=h, year=2016, data={"income_per_capita": 5000}))
    assert HouseholdYear.objects.filter(household=h, year=2016).count() == 1
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, ValidationError) and "已经录入" in str(o) for o in refused), refused


def test_the_same_status_change_sent_twice_at_once_is_recorded_once(clerk):
    h = register(clerk, CHENGGUAN, "R3")
    outcomes = race(
        lambda i: household_status_change(
            user=clerk,
            household=Household.objects.get(pk=h.pk),
            status=Status.REMOVED,
            on=date(2015, 5, 1),
            reason="错评",
        )
    )
    assert list(StatusChange.objects.filter(household=h).order_by("sequence").values_list("status", flat=True)) == [
        Status.IDENTIFIED,
        Status.REMOVED,
    ]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == THREADS - 1 and all(isinstance(o, ValidationError) for o in refused), refused


def test_one_household_number_registered_twice_at_once_gets_the_duplicate_message(clerk):
    from households.services import household_register
    from villages.models import Division

    village = Division.objects.get(code=CHENGGUAN)
    outcomes = race(
        lambda i: household_register(
            user=clerk,
            data={"code": "R4", "village": village, "main_cause": 1, "attribute": 1, "identified_year": 2014},
            members=[member(f"R4户主{i}")],
        )
    )
    assert Household.objects.filter(code="R4").count() == 1
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == THREADS - 1
    assert all(isinstance(o, ValidationError) and "code" in o.message_dict for o in refused), refused
