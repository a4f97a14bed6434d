"""The status history reproduces any past year (the exit test is in test_procedures_exit_test.py)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Count, Q

from households.models import PovertyLine, Status, StatusChange

from .conftest import change_status, record_year, register

CHENGGUAN = "623021100201"


def status_at_end_of(year: int):
    """StatusChange rows in force on 31 December of `year` (the spec's span filter)."""
    end = date(year, 12, 31)
    return StatusChange.objects.filter(date__lte=end).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))


@pytest.fixture
def history(lintan_clerk):
    """Identified 2013, exited 2015, returned 2017, exited again 2018."""
    PovertyLine.objects.update_or_create(year=2018, defaults={"amount": Decimal("3535")})
    h = register(lintan_clerk, CHENGGUAN, "S001", size=4, year=2013)
    record_year(lintan_clerk, h, 2015, income="3000")
    change_status(lintan_clerk, h, Status.EXITED_STABLE, date(2015, 10, 15), reason="收入超过贫困线")
    change_status(lintan_clerk, h, Status.RETURNED, date(2017, 4, 2), reason="因病返贫")
    record_year(lintan_clerk, h, 2018, income="4100")
    change_status(lintan_clerk, h, Status.EXITED_STABLE, date(2018, 11, 20), reason="再次脱贫")
    return h


def test_the_status_at_the_end_of_each_year_is_reproduced(history):
    expected = {
        2012: None,
        2013: Status.IDENTIFIED,
        2014: Status.IDENTIFIED,
        2015: Status.EXITED_STABLE,
        2016: Status.EXITED_STABLE,
        2017: Status.RETURNED,
        2018: Status.EXITED_STABLE,
        2019: Status.EXITED_STABLE,
        2020: Status.EXITED_STABLE,
    }
    for year, status in expected.items():
        rows = list(status_at_end_of(year).filter(household=history).values_list("status", flat=True))
        assert rows == ([status] if status else []), year


def test_the_chain_links_each_change_to_the_next(history):
    chain = list(history.status_changes.order_by("sequence").values_list("status", "previous_status", "ended_on"))
    assert chain == [
        (Status.IDENTIFIED, "", date(2015, 10, 15)),
        (Status.EXITED_STABLE, Status.IDENTIFIED, date(2017, 4, 2)),
        (Status.RETURNED, Status.EXITED_STABLE, date(2018, 11, 20)),
        (Status.EXITED_STABLE, Status.RETURNED, None),
    ]
    history.refresh_from_db()
    assert history.status == Status.EXITED_STABLE


def test_the_chain_is_computed_without_a_database_the_same_for_every_writer():
    from households.services import StatusLink, status_chain, status_may_follow

    changes = [
        (Status.IDENTIFIED, date(2014, 3, 1)),
        (Status.EXITED_STABLE, date(2016, 9, 1)),
        (Status.RETURNED, date(2018, 5, 1)),
    ]
    assert status_chain(changes) == [
        StatusLink(0, "", date(2016, 9, 1)),
        StatusLink(1, Status.IDENTIFIED, date(2018, 5, 1)),
        StatusLink(2, Status.EXITED_STABLE, None),
    ]
    assert status_chain([]) == []
    assert status_may_follow("", Status.IDENTIFIED) and status_may_follow(None, Status.IDENTIFIED)
    assert not status_may_follow(Status.IDENTIFIED, Status.RETURNED)
    assert not status_may_follow(Status.DISSOLVED, Status.IDENTIFIED)


def test_poor_people_per_year_is_one_grouped_query(history, lintan_clerk, django_assert_num_queries):
    register(lintan_clerk, CHENGGUAN, "S002", size=2, year=2016, identified_on=date(2016, 6, 1))
    with django_assert_num_queries(1):
        poor_2017 = dict(status_at_end_of(2017).values_list("status").annotate(n=Count("id")).order_by())
    assert poor_2017 == {Status.RETURNED: 1, Status.IDENTIFIED: 1}
