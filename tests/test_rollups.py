"""The villages' rollups: after every write path the dashboards' figures are the register's, and drift is found.

What a user would notice: the summary API answers the same figures as the
raw computation from the register, `verify_rollups` finds nothing to report,
and a page asks as many queries for 50 households as for 5.
"""

import io
from datetime import date, timedelta

import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from funds.services import measure_create
from households.events import events_import
from households.forms import member_initial
from households.importers import households_import
from households.models import Household, Status
from households.services import household_update, status_may_follow
from metrics import compute, guarantees
from metrics.models import RegisterRollup
from metrics.rollups import differences, rollups_deferred, rollups_touch
from metrics.selectors import metrics_summary, region_figures
from quality.rules import RULES
from quality.services import quality_run
from villages.models import Division

from .conftest import change_status, make_id, member, record_year, register
from .procedures_cast import TODAY, exit_case_to, exit_ready_household, procedure_users
from .webforms import edit_payload

CHENGGUAN, XIJIE, HONGBAOZI, LIULIN = "623021100201", "623021100202", "623021101201", "623022100201"
THIS_YEAR = timezone.localdate().year
YEARS = [2014, 2015, 2016, 2017, THIS_YEAR]
KEYS = [*compute.REGISTER_KEYS, "by_cause", "by_attribute"]


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def raw_summary(code: str, year: int) -> dict:
    figures = region_figures(
        division=Division.objects.get(code=code), first=year, last=year, with_children=False, raw=True
    )
    return figures.summary(year)


def verify(region: str | None = None) -> str:
    """What `verify_rollups` prints; fails the test if it exits non-zero."""
    out = io.StringIO()
    call_command("verify_rollups", *(["--region", region] if region else []), stdout=out)
    return out.getvalue()


def differing(region: str) -> list[str]:
    """The lines `verify_rollups` prints for a region whose figures differ; fails the test if it exits zero."""
    out = io.StringIO()
    with pytest.raises(CommandError, match="figures differ"):
        call_command("verify_rollups", "--region", region, stdout=out)
    return out.getvalue().splitlines()


def assert_as_the_register_says(user, regions=("623000", "623021", "623021100")) -> None:
    """The summary API's figures are the raw computation's, for each region and year, and verify finds nothing."""
    client = api(user)
    for code in regions:
        for year in YEARS:
            body = client.get("/api/metrics/summary/", {"region": code, "year": year}).json()
            expected = raw_summary(code, year)
            assert {k: body[k] for k in KEYS} == {k: expected[k] for k in KEYS}, (code, year)
    # A run of years, with children: the whole table the overview draws from.
    prefecture = Division.objects.get(code="623000")
    rollups = region_figures(division=prefecture, first=2011, last=THIS_YEAR, with_children=True)
    raw = region_figures(division=prefecture, first=2011, last=THIS_YEAR, with_children=True, raw=True)
    pd.testing.assert_frame_equal(rollups.table, raw.table)
    assert (rollups.by_cause, rollups.by_attribute) == (raw.by_cause, raw.by_attribute)
    assert "match the register" in verify()


def members_of(household: Household) -> list[dict]:
    return [dict(m) for m in member_initial(household)]


# --- after each write path --------------------------------------------------------------------


def test_a_status_change_and_member_edits_through_the_services(admin, pref_official):
    h = register(admin, CHENGGUAN, "R001", size=3, identified_on=date(2014, 6, 1))
    other = register(admin, XIJIE, "R002", size=2, main_cause=3, attribute=2, identified_on=date(2015, 3, 1))
    assert raw_summary("623021100", 2014)["poor_population"] == 3
    assert_as_the_register_says(pref_official)
    change_status(admin, h, Status.EXITED_CONSOLIDATING, date(2015, 10, 1))
    change_status(admin, h, Status.RETURNED, date(2016, 5, 1))
    # A member leaves, another joins (a birth), through the service the forms call.
    h.refresh_from_db()
    people = members_of(h)
    people[-1].update(left_on=date(2016, 8, 1), leave_reason="death")
    people.append(
        {**member("新生儿", "grandchild", born=date(2017, 2, 1)), "joined_on": date(2017, 6, 1), "join_reason": "birth"}
    )
    household_update(user=admin, household=h, data={}, version=h.version, members=people)
    other.refresh_from_db()
    household_update(user=admin, household=other, data={"main_cause": 5}, version=other.version)
    summary = api(pref_official).get("/api/metrics/summary/", {"region": "623021", "year": 2016}).json()
    assert summary["natural_change_population"] == -1 and summary["returned_population"] == 3
    assert summary["by_cause"] == {"1": 2, "5": 2}
    assert_as_the_register_says(pref_official)


def test_only_an_edit_the_figures_count_refreshes_the_rollups(admin, pref_official, monkeypatch):
    # A clerk correcting a name or a school pays no refresh; a day of leaving moves a figure and does.
    from metrics import rollups

    h = register(admin, CHENGGUAN, "R005", size=3, identified_on=date(2014, 6, 1))
    refreshed: list[set[str]] = []
    real = rollups.rebuild_all  # every rollup table (the register's and the funds section's)
    monkeypatch.setattr(rollups, "rebuild_all", lambda **kw: refreshed.append(set(kw["villages"])) or real(**kw))
    people = members_of(h)
    people[0].update(name="改名")
    household_update(user=admin, household=h, data={"phone": "13800000000"}, version=h.version, members=people)
    assert refreshed == []
    h.refresh_from_db()
    people = members_of(h)
    people[-1].update(left_on=date(2016, 8, 1), leave_reason="death")
    household_update(user=admin, household=h, data={}, version=h.version, members=people)
    assert refreshed == [{CHENGGUAN}]
    assert raw_summary(CHENGGUAN, 2016)["poor_population"] == 2
    assert_as_the_register_says(pref_official)


def test_the_forms_and_the_api_create_and_edit_and_a_move_refreshes_both_villages(client, lintan_clerk, admin):
    h = register(lintan_clerk, CHENGGUAN, "R010", size=3, identified_on=date(2014, 6, 1))
    # The form: a member leaves.
    client.force_login(lintan_clerk)
    url = reverse("households:edit", args=[h.pk])
    data = edit_payload(client.get(url))
    data.update({"members-2-left_on": "2016-03-01", "members-2-leave_reason": "death"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert api(admin).get("/api/metrics/summary/", {"region": CHENGGUAN, "year": 2016}).json()["poor_population"] == 2
    # The API: a new household (an applicant, on no figure yet), then a move of the first to 红堡子村.
    created = api(lintan_clerk).post(
        "/api/households/",
        {
            "code": "",
            "village": XIJIE,
            "main_cause": 3,
            "identified_year": 2015,
            "members": [{"name": "扎西", "id_number": make_id(), "relation": "head"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    h.refresh_from_db()
    moved = api(lintan_clerk).patch(
        f"/api/households/{h.pk}/", {"village": HONGBAOZI, "version": h.version}, format="json"
    )
    assert moved.status_code == 200, moved.json()
    for village, poor in ((CHENGGUAN, 0), (HONGBAOZI, 2)):
        body = api(admin).get("/api/metrics/summary/", {"region": village, "year": 2016}).json()
        assert body["poor_population"] == poor
    assert_as_the_register_says(admin, regions=("623021", CHENGGUAN, HONGBAOZI))


def test_the_announcement_of_an_exit_case(pref_official):
    users = procedure_users()
    h = exit_ready_household(users["clerk"])
    before = raw_summary(CHENGGUAN, TODAY.year)
    exit_case_to(users, h, "announce")
    h.refresh_from_db()
    assert h.status == Status.EXITED_STABLE
    body = api(pref_official).get("/api/metrics/summary/", {"region": CHENGGUAN, "year": TODAY.year}).json()
    assert body["exited_stable_population"] == before["poor_population"] == 2 and body["poor_population"] == 0
    assert_as_the_register_says(pref_official, regions=("623000", CHENGGUAN))


def test_the_roster_import_and_its_dry_run(lintan_clerk, pref_official):
    from .test_import_households import household, roster

    data = roster(
        *household("H100", size=3, exit_year=2016, exit_type="稳定脱贫", income="4200"),
        *household("H101", XIJIE, identified=2015, exit_year=2016, exit_type="巩固提升", returned=2017),
        *household("H102", HONGBAOZI, size=4, identified=2014, cause="缺技术", attribute="2"),
    )
    assert households_import(data=data, file_name="r.csv", user=lintan_clerk, dry_run=True).ok
    assert not RegisterRollup.objects.exists()  # a dry run leaves nothing behind, rollups included
    report = households_import(data=data, file_name="r.csv", user=lintan_clerk)
    assert report.ok and report.applied, report.errors
    body = api(pref_official).get("/api/metrics/summary/", {"region": "623021", "year": 2017}).json()
    assert body["poor_population"] == 2 + 4 and body["returned_households"] == 1
    assert_as_the_register_says(pref_official)


def test_the_events_import(lintan_clerk, pref_official):
    from .test_events import events_file, ids

    family = register(lintan_clerk, CHENGGUAN, "E001", identified_on=date(2014, 6, 1))
    head, son, younger = ids(family)
    data = events_file(
        ["E001", "", "巩固提升", "2016-10-20", "收入达标"],
        ["E001", younger, "成员减少", "2017-03-05", "迁出 外出务工落户"],
        ["E001", "", "返贫", "2018-08-01", "因病"],
    )
    report = events_import(data=data, file_name="events.csv", user=lintan_clerk)
    assert report.ok and report.applied, report.errors
    body = api(pref_official).get("/api/metrics/summary/", {"region": "623021", "year": 2018}).json()
    assert body["returned_population"] == 2 and body["poor_population"] == 2
    assert_as_the_register_says(pref_official)


def test_seed_demo_builds_the_rollups(pref_official):
    call_command("seed_demo", scale=0.01, stdout=io.StringIO())
    assert RegisterRollup.objects.exists()
    assert_as_the_register_says(pref_official, regions=("623000", "623021"))


# --- the deferral ------------------------------------------------------------------------------


def test_a_deferred_block_refreshes_once_at_its_end_and_not_after_a_rollback(admin):
    h = register(admin, CHENGGUAN, "R020", size=2, identified_on=date(2014, 6, 1))
    with transaction.atomic(), rollups_deferred():
        change_status(admin, h, Status.EXITED_STABLE, date(2015, 6, 1))
        assert differences()  # not yet: the rollups are refreshed when the block ends
        with rollups_deferred():
            rollups_touch(XIJIE)
    assert not differences()
    with transaction.atomic(), rollups_deferred():
        change_status(admin, h, Status.RETURNED, date(2016, 6, 1))
        transaction.set_rollback(True)
    assert not differences() and Household.objects.get(pk=h.pk).status == Status.EXITED_STABLE


# --- drift --------------------------------------------------------------------------------------


def test_a_raw_sql_change_is_reported_with_village_year_and_figure_and_rebuild_repairs_it(admin):
    h = register(admin, CHENGGUAN, "R030", size=3, identified_on=date(2014, 6, 1))
    member_id = h.members.order_by("-id").values_list("id", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE households_member SET left_on = %s, leave_reason = 'death' WHERE id = %s",
            [date(2016, 5, 1), member_id],
        )
    lines = differing("623021")
    assert lines[0] == "village\tyear\tfigure\trollup\traw"
    assert f"{CHENGGUAN}\t2016\tpoor_population\t3\t2" in lines
    assert f"{CHENGGUAN}\t2016\tnatural_change_population\t0\t-1" in lines
    assert f"{CHENGGUAN}\t2016\tby_cause:1\t3\t2" in lines
    assert f"{CHENGGUAN}\t2015\tpoor_population\t3\t3" not in lines
    assert "match the register" in verify("623022")  # 卓尼县 is untouched
    call_command("rebuild_rollups", "--region", "623021100", stdout=io.StringIO())
    assert "match the register" in verify()


def test_a_status_change_or_measure_whose_copied_village_is_astray_is_reported_and_rebuild_repairs_it(admin):
    """The funds figures read a change's or a measure's own copy of its household's village: verify sees a wrong one."""
    h = register(admin, CHENGGUAN, "R031", size=3, identified_on=date(2014, 6, 1))
    measure_create(user=admin, household=h, programme="industry", content="牦牛", year=2015)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE households_statuschange SET village_id = %s WHERE household_id = %s", [XIJIE, h.pk])
        cursor.execute("UPDATE funds_measure SET village_id = %s WHERE household_id = %s", [XIJIE, h.pk])
    lines = differing("623021")
    assert f"{CHENGGUAN}\t2014\tvillage_copy:statuschange\t1\t0" in lines
    assert f"{CHENGGUAN}\t2015\tvillage_copy:measure\t1\t0" in lines
    repaired = io.StringIO()
    call_command("rebuild_rollups", "--region", "623021", stdout=repaired)
    assert "2 rows given their household's village again" in repaired.getvalue()
    assert "match the register" in verify()
    assert metrics_summary(division=Division.objects.get(code=CHENGGUAN), year=2015)["poor_population"] == 3


def test_members_yearly_records_and_issues_carry_their_households_village_through_a_move_and_verify_sees_a_wrong_one(
    admin,
):
    """The code a distributed register shards them by: written by the services and the rules run, moved with the
    household."""
    h = register(admin, CHENGGUAN, "R032", size=3, identified_on=date(2014, 6, 1))
    record_year(admin, h, 2015)
    rule = next(r for r in RULES if r.subject == "household")
    quality_run(trigger="save", household_ids=[h.pk], found={(rule.code, h.pk, None)})
    assert h.quality_issues.filter(closed_on__isnull=True).count() == 1

    def copies() -> set[str]:
        return {
            *h.members.values_list("village_id", flat=True),
            *h.years.values_list("village_id", flat=True),
            *h.quality_issues.values_list("village_id", flat=True),
        }

    assert copies() == {CHENGGUAN}
    h.refresh_from_db()
    household_update(user=admin, household=h, data={"village": Division.objects.get(code=XIJIE)}, version=h.version)
    assert copies() == {XIJIE}
    with connection.cursor() as cursor:
        for table in ("households_member", "households_householdyear", "quality_issue"):
            cursor.execute(f"UPDATE {table} SET village_id = %s WHERE household_id = %s", [CHENGGUAN, h.pk])
    issues = h.quality_issues.count()
    lines = differing("623021")
    assert f"{XIJIE}\t2014\tvillage_copy:member\t3\t0" in lines
    assert f"{XIJIE}\t2015\tvillage_copy:householdyear\t1\t0" in lines
    assert f"{XIJIE}\t{timezone.localdate().year}\tvillage_copy:issue\t{issues}\t0" in lines
    repaired = io.StringIO()
    call_command("rebuild_rollups", "--region", "623021", stdout=repaired)
    assert f"{4 + issues} rows given their household's village again" in repaired.getvalue()
    assert copies() == {XIJIE} and "match the register" in verify()


def _guarantees_both(code: str, year: int) -> tuple[dict, dict]:
    """The chart's counts from the rollups and from the yearly records (the reference), for a region and year."""
    prefix = Division.objects.get(code=code).prefix
    rollup = guarantees.failures(prefix=prefix, year=year).iloc[0].to_dict()
    rows = [row for row in guarantees.reference_rows(prefix=prefix) if row[1] == year]
    raw = {name: sum(row[i] for row in rows) for i, name in enumerate(guarantees.COLUMNS[2:], start=2)}
    return {k: int(v) for k, v in rollup.items()}, raw


def test_the_guarantees_rollups_follow_yearly_records_status_changes_and_moves(admin):
    a = register(admin, CHENGGUAN, "G001", size=3, identified_on=date(2014, 6, 1))
    b = register(admin, XIJIE, "G002", size=2, identified_on=date(2014, 6, 1))
    record_year(admin, a, 2015, passed=False)
    record_year(admin, b, 2015, passed=True)
    rollup, raw = _guarantees_both("623021", 2015)
    assert rollup == raw and rollup["households"] == 2 and rollup["housing_secured"] == 1
    record_year(admin, b, 2015, passed=False)  # a yearly record refreshes the village's row
    assert _guarantees_both("623021100", 2015)[0]["enough_food"] == 2
    change_status(admin, a, Status.EXITED_STABLE, date(2015, 11, 1))  # no longer poor at the end of 2015
    rollup, raw = _guarantees_both("623021", 2015)
    assert rollup == raw and rollup["households"] == 1 and rollup["enough_food"] == 1
    b.refresh_from_db()
    household_update(user=admin, household=b, data={"village": Division.objects.get(code=LIULIN)}, version=b.version)
    assert _guarantees_both("623021", 2015)[0]["households"] == 0
    rollup, raw = _guarantees_both("623022", 2015)
    assert rollup == raw and rollup["households"] == 1
    assert "match the register" in verify()


def test_a_yearly_record_changed_past_the_services_is_reported_and_rebuild_repairs_it(admin):
    h = register(admin, CHENGGUAN, "G010", size=3, identified_on=date(2014, 6, 1))
    record_year(admin, h, 2015, passed=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE households_householdyear SET medical_secured = %s WHERE household_id = %s", [False, h.pk]
        )
    assert f"{CHENGGUAN}\t2015\tguarantee:medical_secured\t0\t1" in differing("623021")
    call_command("rebuild_rollups", "--region", "623021", stdout=io.StringIO())
    assert "match the register" in verify()
    assert _guarantees_both("623021", 2015)[0]["medical_secured"] == 1


def test_a_new_year_without_a_write_carries_the_stocks_forward(admin, pref_official):
    h = register(admin, CHENGGUAN, "R040", size=3, identified_on=date(2014, 6, 1))
    change_status(admin, h, Status.EXITED_CONSOLIDATING, date(2016, 6, 1))
    # As if the rollups were last built a year ago: the last year's rows are gone, the year before is the latest.
    RegisterRollup.objects.filter(year=THIS_YEAR).delete()
    RegisterRollup.objects.filter(year=THIS_YEAR - 1).update(latest=True)
    assert_as_the_register_says(pref_official)


def test_the_migration_builds_the_rollups_of_a_register_already_there(admin, pref_official):
    import importlib

    from django.apps import apps

    register(admin, CHENGGUAN, "R050", size=3, identified_on=date(2014, 6, 1))
    RegisterRollup.objects.all().delete()  # as before the migration
    importlib.import_module("metrics.migrations.0004_build_register_rollups").build(apps, None)
    assert_as_the_register_says(pref_official)


def test_unknown_region_is_refused(db):
    with pytest.raises(CommandError, match="no division"):
        call_command("rebuild_rollups", "--region", "999999", stdout=io.StringIO())


# --- the cost of a page ------------------------------------------------------------------------


def test_the_dashboard_asks_as_many_queries_for_50_households_as_for_5(client, admin, lintan_official):
    villages = [CHENGGUAN, XIJIE, HONGBAOZI]

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            h = register(admin, villages[i % 3], f"Q{i:03d}", size=1 + i % 4, identified_on=date(2014, 6, 1))
            if i % 2:
                change_status(admin, h, Status.EXITED_STABLE, date(2016, 6, 1))

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    client.force_login(lintan_official)
    urls = ["/region/623021/?year=2016", "/region/623021100/?year=2016", "/api/metrics/summary/?region=623021"]
    grow(0, 5)
    small = [count(url) for url in urls]
    grow(5, 50)
    assert [count(url) for url in urls] == small


# --- any sequence of writes ------------------------------------------------------------------------

VILLAGES = [CHENGGUAN, XIJIE, HONGBAOZI, LIULIN]
TRANSITION_TARGETS = [
    Status.EXITED_STABLE,
    Status.EXITED_CONSOLIDATING,
    Status.RETURNED,
    Status.REMOVED,
    Status.DISSOLVED,
    Status.IDENTIFIED,
]
created = st.tuples(st.just("create"), st.sampled_from(VILLAGES), st.integers(1, 4), st.integers(0, 2500))
operation = st.one_of(
    created,
    st.tuples(st.just("status"), st.integers(0, 9), st.sampled_from(TRANSITION_TARGETS), st.integers(1, 900)),
    st.tuples(st.just("join"), st.integers(0, 9), st.integers(0, 900)),
    st.tuples(st.just("leave"), st.integers(0, 9), st.integers(0, 5), st.integers(0, 900)),
    st.tuples(st.just("move"), st.integers(0, 9), st.sampled_from(VILLAGES)),
    st.tuples(st.just("cause"), st.integers(0, 9), st.integers(1, 5), st.integers(1, 3)),
)


def _apply(user, households: list[Household], op: tuple) -> None:
    kind, today = op[0], timezone.localdate()
    if kind == "create":
        _, village, size, days = op
        on = date(2012, 1, 1) + timedelta(days=days)
        households.append(register(user, village, f"P{len(households):03d}", size=size, identified_on=on))
        return
    if not households:
        return
    h = households[op[1] % len(households)]
    h.refresh_from_db()
    last = h.status_changes.order_by("-date").values_list("date", flat=True).first() or date(2012, 1, 1)
    if kind == "status":
        on = min(last + timedelta(days=op[3]), today)
        if status_may_follow(h.status, op[2]):
            change_status(user, h, op[2], on, reason="核查")
        return
    people, changes = members_of(h), {}
    if kind == "move":
        changes = {"village": Division.objects.get(code=op[2])}
    elif kind == "cause":
        changes = {"main_cause": op[2], "attribute": op[3]}
    elif kind == "join":
        on = min(last + timedelta(days=op[2]), today)
        people.append(
            {**member("新成员", "other", born=date(1990, 1, 1)), "joined_on": on, "join_reason": "marriage_in"}
        )
    elif kind == "leave":
        present = [m for m in people if not m["left_on"] and m["relation"] != "head"]
        if not present:
            return
        gone = present[op[2] % len(present)]
        gone.update(left_on=min(gone["joined_on"] + timedelta(days=op[3]), today), leave_reason="moved_out")
    household_update(
        user=user,
        household=h,
        data=changes,
        version=h.version,
        members=people if kind in ("join", "leave") else None,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(created, min_size=1, max_size=4), st.lists(operation, max_size=10))
def test_any_sequence_of_service_calls_leaves_the_rollups_equal_to_the_register(admin, creates, operations):
    with transaction.atomic():
        households: list[Household] = []
        for op in creates + operations:
            try:
                with transaction.atomic():
                    _apply(admin, households, op)
            except ValidationError:
                pass  # a refused write (a rule of the register) writes nothing, rollups included
        assert differences() == []
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_saving_in_one_village_at_once_both_households_are_in_its_figures(monkeypatch):
    """Each save refreshes the village's rows from what it reads: the second waits for the first to commit."""
    import contextlib
    import threading

    from django.db import connections

    from accounts.models import Role
    from metrics import rollups as registry

    from .conftest import load_reference_data, make_user

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: no two saves can run at once")
    load_reference_data()  # an earlier transactional test may have emptied the divisions
    clerk = make_user("rollup_race_clerk", Role.CLERK, "623021")
    # Both saves read the register before either stores its rows, if nothing keeps them apart; kept apart,
    # the first waits here in vain for a few seconds and goes on.
    barrier, read = threading.Barrier(2, timeout=3), registry.reference_rows

    def both_read_first(**kwargs):
        rows = read(**kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return rows

    monkeypatch.setattr(registry, "reference_rows", both_read_first)
    failed: list[BaseException] = []

    def clerk_registers(code: str) -> None:
        try:
            register(clerk, CHENGGUAN, code, size=2)
        except BaseException as e:  # noqa: BLE001 -- reported by the assertion below
            failed.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk_registers, args=(code,)) for code in ("RACE1", "RACE2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    monkeypatch.undo()
    assert failed == []
    village = Division.objects.get(code=CHENGGUAN)
    assert metrics_summary(division=village, year=2015)["poor_households"] == 2
    assert differences(prefix=CHENGGUAN) == []
