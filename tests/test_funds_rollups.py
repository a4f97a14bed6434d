"""The funds rollups: after every funds write (and the household writes that move a funds figure) the
funds section shows what the raw selectors compute, verify_rollups finds drift, and the section's
query count does not grow with the households.
"""

import io
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from funds import rollups
from funds.models import FundsRollup, LoanStatus
from funds.services import (
    funds_rollups_build,
    loan_create,
    loan_status_set,
    measure_create,
    mutual_aid_capital_add,
    mutual_aid_fund_create,
    mutual_aid_loan_create,
    mutual_aid_member_add,
    mutual_aid_repayment_add,
)
from gannan.lib.calendar import last_year
from households.forms import member_initial
from households.services import household_update
from villages.models import Division

from .conftest import change_status, record_year, register
from .funds_cast import CHENGGUAN_VILLAGE, HONGBAOZI_VILLAGE, XIJIE_VILLAGE, allocate, division, pay, project, source
from .test_funds_figures import cast  # noqa: F401 -- the hand-built funds cast, a fixture
from .test_rollups import differing

REGIONS = ["623000", "623021", "623021100", CHENGGUAN_VILLAGE, "623022"]
YEARS = [2014, 2015, 2016]


def assert_as_the_selectors_say(regions=REGIONS, years=YEARS) -> None:
    """Every figure and chart row of the funds section, from the rollups, is the raw selectors' one."""
    for code in regions:
        region = Division.objects.get(code=code)
        for year in years:
            assert rollups.figures(region=region, year=year) == rollups.raw_figures(region=region, year=year), (
                code,
                year,
            )
    assert rollups.differences() == []


def test_the_cast_written_through_the_services_reads_as_the_selectors_say(cast):  # noqa: F811
    assert FundsRollup.objects.filter(kind="").exists()
    assert_as_the_selectors_say()
    figures = rollups.figures(region=division("623021"), year=2015)
    # Worked out by hand in test_funds_figures: the rollups give the same numbers.
    s = figures.summary
    assert (s["to_household_share"], s["support_per_exited_household"], s["cost_per_exited_person"]) == (
        D("88.89"),
        D("20000.00"),
        D("7857.14"),
    )
    assert (s["loan_coverage"], s["mutual_aid_coverage"], s["cause_measure_gaps_by_cause"]) == (
        D("50.00"),
        D("33.33"),
        {"1": 1, "11": 1},
    )
    assert (s["mutual_aid_outstanding"], s["mutual_aid_overdue"]) == (D("5500.00"), D("4000.00"))


def test_each_funds_write_path_updates_the_figures(cast, lintan_clerk):  # noqa: F811
    c = lintan_clerk
    a, hc, hd, he = cast["A"], cast["C"], cast["D"], cast["E"]

    def shown(key, year=2015, code="623021"):
        return rollups.figures(region=division(code), year=year).summary[key]

    p = project(c, XIJIE_VILLAGE, name="西街村到户", programme="medical")
    allocate(c, p, "9000", kind="county")
    assert_as_the_selectors_say(years=[2015])
    pay(c, p, "4000", household=hc, kind="county")
    pay(c, p, "2000", village=XIJIE_VILLAGE, kind="county")
    assert shown("special_disbursed") == D("51000.00")
    assert_as_the_selectors_say(years=[2015])

    measure_create(user=c, household=hd, programme="medical", content="大病保险", year=2015)
    assert shown("cause_measure_gaps_by_cause") == {"11": 1}
    assert_as_the_selectors_say(years=[2015, 2016])

    loan = loan_create(
        user=c,
        household=hd,
        borrower=hd.members.get(relation="head"),
        bank="农业银行",
        amount=D("20000"),
        issued_on=date(2015, 4, 1),
        term_months=24,
    )
    assert shown("loan_coverage") == D("100.00")
    loan_status_set(user=c, loan=loan, status=LoanStatus.OVERDUE)
    assert shown("loans_overdue") == D("50000.00")
    assert_as_the_selectors_say(years=[2015, 2016])

    fund = mutual_aid_fund_create(user=c, village=division(HONGBAOZI_VILLAGE), name="红堡子互助", founded_year=2015)
    mutual_aid_capital_add(user=c, fund=fund, source=source("shuanglian"), amount=D("8000"), year=2015)
    member = mutual_aid_member_add(user=c, fund=fund, household=hd, joined_on=date(2015, 2, 1))
    lent = mutual_aid_loan_create(
        user=c, member=member, amount=D("3000"), issued_on=date(2015, 3, 1), due_on=date(2015, 12, 31)
    )
    mutual_aid_repayment_add(user=c, loan=lent, amount=D("1000"), on=date(2016, 2, 1))
    # Due on 31 December 2015: overdue at the end of 2016, not of 2015.
    assert (shown("mutual_aid_overdue"), shown("mutual_aid_overdue", 2016)) == (D("4000.00"), D("7500.00"))
    assert shown("mutual_aid_coverage") == D("66.67")
    assert_as_the_selectors_say(years=[2015, 2016])

    # The household writes: a status change, a member no longer able to work, a new main cause, a move.
    change_status(c, hd, "exited_stable", date(2016, 3, 1))
    assert shown("exited_households", 2016) == 1
    members = [dict(m) for m in member_initial(he)]
    members[0]["labour"] = "ordinary"  # the head, 35 in 2015: now able to work
    household_update(user=c, household=he, data={"main_cause": 9}, members=members, version=he.version)
    assert shown("loan_eligible_households") == 3
    a.refresh_from_db()
    household_update(user=c, household=a, data={"village": division(XIJIE_VILLAGE)}, version=a.version)
    assert_as_the_selectors_say(years=[2014, 2015, 2016])
    assert shown("exited_households", code=XIJIE_VILLAGE) == 1  # A moved with its exit and its support
    # The rows that copy the household's village moved with it.
    for rows in (a.status_changes, a.loans):
        assert set(rows.values_list("village_id", flat=True)) == {XIJIE_VILLAGE}


def test_verify_reports_a_funds_change_past_the_services_and_rebuild_repairs_it(cast):  # noqa: F811
    with connection.cursor() as cursor:
        cursor.execute("UPDATE funds_disbursement SET amount = amount + 100 WHERE village_id = %s", [HONGBAOZI_VILLAGE])
    lines = differing("623021")
    assert f"{HONGBAOZI_VILLAGE}\t2015\tfunds:funds_disbursed\t10000.00\t10100.00" in lines
    assert "623021101201\t2015\tfunds:project_paid::project_disbursed\t10000.00\t10100.00" in lines
    call_command("rebuild_rollups", "--region", "623021101", stdout=io.StringIO())
    out = io.StringIO()
    call_command("verify_rollups", stdout=out)
    assert "match the register" in out.getvalue()


def test_a_year_begun_since_the_last_rebuild_is_read_raw_and_its_rows_built_in_the_background(
    cast,  # noqa: F811
    django_assert_num_queries,
):
    """1 January: no village has a row for the new year; the first page reads raw and the worker builds them."""
    year = last_year()
    FundsRollup.objects.filter(kind="", year=year).delete()
    cache.clear()
    region = division("623021")
    raw = rollups.raw_figures(region=region, year=year)
    assert rollups.villages_without(year)
    assert rollups.figures(region=region, year=year) == raw  # the tests' tasks backend runs the build at once
    assert rollups.villages_without(year) == []
    with django_assert_num_queries(3):  # from the rollups again: the region's rows, the projects' rows, the villages
        assert rollups.figures(region=region, year=year) == raw
    assert rollups.differences() == []


def test_a_new_year_is_queued_once_for_the_worker(cast, settings):  # noqa: F811
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    year = last_year()
    FundsRollup.objects.filter(kind="", year=year).delete()
    cache.clear()
    for code in ("623021", "623022", "623021"):
        rollups.figures(region=division(code), year=year)  # each read raw until the worker has run
    queued = DBTaskResult.objects.filter(task_path="funds.tasks.funds_rollups_build")
    assert [task.args_kwargs["args"] for task in queued] == [[year]]
    assert funds_rollups_build(year=year) == Division.objects.filter(level="village").count()
    assert funds_rollups_build(year=year) == 0 and rollups.differences() == []


@pytest.mark.parametrize("size", [1, 4])
def test_the_funds_api_asks_as_many_queries_for_many_households_as_for_few(
    lintan_clerk, lintan_official, size, django_assert_num_queries
):
    for i in range(size):
        for village in (CHENGGUAN_VILLAGE, XIJIE_VILLAGE, HONGBAOZI_VILLAGE):
            h = register(lintan_clerk, village, f"Q{village}{i}", size=2)
            record_year(lintan_clerk, h, 2015, passed=False)
            p = project(lintan_clerk, village, name=f"项目{village}{i}")
            allocate(lintan_clerk, p, "10000")
            pay(lintan_clerk, p, "6000", household=h, on=date(2015, 7, 1))
    region = division("623021")
    # The region's rows, the projects' rows, the villages.
    with django_assert_num_queries(3):
        figures = rollups.figures(region=region, year=2015)
    assert figures.summary["special_to_households"] == D(6000 * size * 3).quantize(D("0.01"))
    assert figures == rollups.raw_figures(region=region, year=2015)
    client = APIClient()
    client.force_authenticate(lintan_official)
    assert (
        client.get("/api/metrics/summary/", {"region": "623021", "year": 2015}).json()["funds"]["special_to_households"]
        == f"{6000 * size * 3}.00"
    )


def test_a_funds_write_refreshes_the_funds_rollups_and_not_the_registers(cast, lintan_clerk, monkeypatch):  # noqa: F811
    """A measure moves no register figure: the clerk's save pays for the funds section's refresh only."""
    from dataclasses import replace

    from metrics import rollups as registry

    refreshed: list[str] = []

    def counted(table):
        return replace(table, rebuild=lambda **kw: refreshed.append(table.name) or table.rebuild(**kw))

    monkeypatch.setattr(registry, "TABLES", [counted(t) for t in registry.TABLES])
    measure_create(user=lintan_clerk, household=cast["D"], programme="medical", content="大病保险", year=2015)
    assert refreshed == ["funds"]
    assert rollups.figures(region=division("623021"), year=2015).summary["cause_measure_gaps_by_cause"] == {"11": 1}
