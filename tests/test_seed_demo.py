"""The demo data: Gannan as it was (seed_demo)."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone
from stdnum.cn import ric

from audit.models import AuditEntry
from households.ids import birth_date_from_id, sex_from_id
from households.models import (
    EXITED_STATUSES,
    POOR_STATUSES,
    Household,
    HouseholdYear,
    Member,
    PovertyLine,
    Relation,
    Status,
    StatusChange,
)
from villages.models import VILLAGE_ITEMS, Division, Level, VillageYear

from .conftest import built_once_per_module

SMALL = 0.01


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


small_demo_built = built_once_per_module(lambda: seed(scale=SMALL))


@pytest.fixture
def small_demo(small_demo_built, db):
    """The demo at SMALL, seeded once for the module; each test's writes are rolled back before the next."""


# --- the definitions of docs/metrics.md and docs/register.md, in plain ORM and Python over status and member spans ----


def status_at(year: int):
    end = date(year, 12, 31)
    return StatusChange.objects.filter(date__lte=end).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))


def present(day):
    return Member.objects.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))


def stock(changes, year: int) -> int:
    """The members present at the end of `year` in the households of `changes`."""
    return present(date(year, 12, 31)).filter(household__in=changes.values("household")).count()


def spans_by_household() -> dict[int, list[tuple[date, date | None]]]:
    spans: dict[int, list[tuple[date, date | None]]] = {}
    for household, joined, left in Member.objects.values_list("household_id", "joined_on", "left_on"):
        spans.setdefault(household, []).append((joined, left))
    return spans


def population(changes) -> int:
    """A flow's population: the members present on the day of each change."""
    spans = spans_by_household()
    return sum(
        1
        for household, day in changes.values_list("household_id", "date")
        for joined, left in spans.get(household, [])
        if joined <= day and (left is None or left > day)
    )


def natural_change(year: int) -> int:
    """Members joining minus members leaving during `year` while their household was poor (register.md)."""
    spans, start, end = spans_by_household(), date(year, 1, 1), date(year, 12, 31)
    change = 0
    for household, day, ended in StatusChange.objects.filter(status__in=POOR_STATUSES).values_list(
        "household_id", "date", "ended_on"
    ):
        for joined, left in spans.get(household, []):
            if day < joined <= (ended or date.max) and start <= joined <= end:
                change += 1
            if left and day < left <= (ended or date.max) and left > joined and start <= left <= end:
                change -= 1
    return change


def poor_population(year: int) -> int:
    return stock(status_at(year).filter(status__in=POOR_STATUSES), year)


def rural_population(year: int) -> int:
    return VillageYear.objects.filter(year=year).aggregate(n=Sum("rural_population"))["n"]


def incidence(year: int) -> float:
    return poor_population(year) / rural_population(year) * 100


def exits(year: int, status=EXITED_STATUSES) -> int:
    changes = StatusChange.objects.filter(date__year=year, status__in=status, previous_status__in=POOR_STATUSES)
    return population(changes)


# --- a small demo -------------------------------------------------------------------------


def test_a_second_run_says_the_demo_is_there_and_changes_nothing(small_demo):
    first = list(Household.objects.values_list("code", "updated_at"))
    out = seed(scale=SMALL)
    assert "already there" in out
    assert "lintan_clerk" in out  # the logins are printed at every start
    assert list(Household.objects.values_list("code", "updated_at")) == first
    assert AuditEntry.objects.filter(batch="seed_demo").count() == 1


def test_force_rebuilds_the_same_households_and_ids(small_demo):
    def fingerprint():
        return (
            list(
                Household.objects.order_by("code").values_list(
                    "code", "head_name", "member_count", "status", "main_cause", "attribute"
                )
            ),
            list(Member.objects.order_by("id_number").values_list("id_number", "name", "household__code")),
            list(
                StatusChange.objects.order_by("household__code", "sequence").values_list(
                    "household__code", "status", "date", "ended_on"
                )
            ),
            list(Division.objects.filter(level=Level.VILLAGE).values_list("code", "name", "poor_exit_year")),
        )

    before = fingerprint()
    out = seed(scale=SMALL, force=True)
    assert "already there" not in out
    assert fingerprint() == before
    assert AuditEntry.objects.filter(batch="seed_demo").count() == 2


def test_another_scale_or_seed_replaces_the_demo(small_demo):
    codes = set(Household.objects.values_list("code", flat=True))
    seed(scale=SMALL, seed=7)
    assert set(Household.objects.values_list("code", flat=True)) != codes
    assert get_user_model().objects.filter(username__in=["demo_admin", "lintan_clerk"]).count() == 2


def test_every_id_number_is_valid_unique_and_agrees_with_sex_and_birth_date(small_demo):
    members = list(Member.objects.values_list("id_number", "sex", "birth_date", "household__village_id"))
    assert len(members) > 2000
    for number, sex, born, village in members:
        assert ric.is_valid(number), number
        assert sex_from_id(number) == sex and birth_date_from_id(number) == born
        area = "623027" if village.startswith("623001") and born.year < 1996 else village[:6]
        assert number[:6] == area
    assert len({m[0] for m in members}) == len(members)


def test_every_household_has_exactly_one_head_and_its_member_count(small_demo):
    now = Q(members__left_on__isnull=True)
    counted = Household.objects.annotate(
        heads=Count("members", filter=Q(members__relation=Relation.HEAD) & now),
        people=Count("members", filter=now),
    )
    # A dissolved household has no one left; every other one has its head.
    assert not counted.exclude(status=Status.DISSOLVED).exclude(heads=1).exists()
    assert not counted.filter(status=Status.DISSOLVED).exclude(people=0).exists()
    assert not counted.exclude(people=F("member_count")).exists()
    assert not Household.objects.exclude(
        head_name__in=Member.objects.filter(relation=Relation.HEAD).values("name")
    ).exists()


def test_the_status_chain_fields_are_those_the_services_keep(small_demo):
    histories: dict[int, list[StatusChange]] = {}
    for change in StatusChange.objects.order_by("household_id", "date", "id"):
        histories.setdefault(change.household_id, []).append(change)
    statuses = dict(Household.objects.values_list("id", "status"))
    assert set(histories) == set(statuses)
    for household, changes in histories.items():
        assert changes[0].status == Status.IDENTIFIED
        for i, change in enumerate(changes):
            assert change.sequence == i
            assert change.previous_status == (changes[i - 1].status if i else "")
            assert change.ended_on == (changes[i + 1].date if i + 1 < len(changes) else None)
        assert statuses[household] == changes[-1].status


def test_every_exit_passes_the_exit_test_of_its_year(small_demo):
    lines = dict(PovertyLine.objects.values_list("year", "amount"))
    assert set(range(2011, 2021)) <= set(lines)
    exits_ = StatusChange.objects.filter(status__in=EXITED_STATUSES, previous_status__in=POOR_STATUSES)
    assert exits_.count() > 100
    for household, year in exits_.values_list("household_id", "date__year"):
        record = HouseholdYear.objects.get(household_id=household, year=year)
        assert record.income_per_capita > lines[year]
        assert all(
            [
                record.enough_food,
                record.enough_clothing,
                record.education_secured,
                record.medical_secured,
                record.housing_secured,
            ]
        )
        parts = record.income_wages + record.income_production + record.income_property + record.income_transfer
        assert parts == record.income_per_capita


def test_a_household_poor_at_the_end_of_a_year_has_a_record_below_the_line(small_demo):
    lines = dict(PovertyLine.objects.values_list("year", "amount"))
    for year in (2011, 2015, 2019):
        poor = status_at(year).filter(status__in=POOR_STATUSES).values_list("household_id", flat=True)
        records = HouseholdYear.objects.filter(household_id__in=poor, year=year)
        assert records.count() == len(poor)
        assert not records.filter(income_per_capita__gte=lines[year]).exists()


def test_the_flows_balance_every_year(small_demo):
    for year in range(2012, 2021):
        new = population(StatusChange.objects.filter(date__year=year, sequence=0))
        returned = population(StatusChange.objects.filter(date__year=year, status=Status.RETURNED))
        removed = population(
            StatusChange.objects.filter(
                date__year=year,
                status__in=[Status.REMOVED, Status.DISSOLVED],
                previous_status__in=POOR_STATUSES,
            )
        )
        natural = natural_change(year)
        assert poor_population(year) == poor_population(year - 1) + new - exits(year) + returned - removed + natural, (
            year
        )
    assert poor_population(2020) == 0


def test_members_are_born_die_marry_and_move_at_rural_rates_and_a_few_households_dissolve(db):
    seed(scale=0.1)
    people = present(date(2015, 12, 31)).filter(household__in=status_at(2015).values("household")).count()
    left = Member.objects.filter(left_on__year=2016)
    deaths = left.filter(leave_reason="death").count()
    assert 0.005 < deaths / people < 0.01
    born = Member.objects.filter(join_reason="birth", joined_on__year=2016).count()
    assert 0.009 < born / people < 0.017
    assert left.filter(leave_reason="marriage_out").exists() and left.filter(leave_reason="moved_out").exists()
    assert Member.objects.filter(join_reason="marriage_in").exists()
    dissolved = Household.objects.filter(status=Status.DISSOLVED)
    assert 3 <= dissolved.count() <= 100
    # Who left stays in the file, with the day and the reason.
    assert not Member.objects.filter(left_on__isnull=False, leave_reason="").exists()
    assert not Member.objects.filter(joined_on__lt=F("birth_date")).exists()
    assert not Member.objects.filter(left_on__lt=F("joined_on")).exists()


def test_the_small_demo_has_the_shape_of_the_seed(small_demo):
    assert poor_population(2011) == round(283_900 * SMALL)
    assert poor_population(2015) == round(79_300 * SMALL)
    assert round(incidence(2011)) == 51 and round(incidence(2015)) == 14
    villages = Division.objects.filter(level=Level.VILLAGE)
    poor_villages = villages.filter(is_poor_village=True)
    assert 0.38 < poor_villages.count() / villages.count() < 0.48
    assert poor_villages.aggregate(first=Min("poor_exit_year"), last=Max("poor_exit_year")) == {
        "first": 2016,
        "last": 2020,
    }
    assert not villages.filter(code__startswith="623001001").exists()  # no villages under a 街道


def test_a_poor_village_has_every_item_of_the_checklist_by_its_exit_year(small_demo):
    items = [name for name, _label in VILLAGE_ITEMS]
    for village in Division.objects.filter(is_poor_village=True):
        done = VillageYear.objects.get(village=village, year=village.poor_exit_year)
        assert all(getattr(done, item) for item in items), village.code
    missing_early = VillageYear.objects.filter(year=2011, village__is_poor_village=True, road=False)
    assert missing_early.exists()


def test_the_demo_users_log_in_with_their_roles_and_regions(small_demo, client):
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=[
                "demo_admin",
                "zhou_official",
                "lintan_official",
                "lintan_clerk",
            ]
        )
    }
    assert users["demo_admin"].is_admin and users["demo_admin"].is_staff
    assert (users["zhou_official"].role, users["zhou_official"].division_id) == ("official", "623000")
    assert (users["lintan_official"].role, users["lintan_official"].division_id) == ("official", "623021")
    assert (users["lintan_clerk"].role, users["lintan_clerk"].division_id) == ("clerk", "623021")
    response = client.post("/accounts/login/", {"username": "lintan_clerk", "password": "gannan-demo-2016"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(users["lintan_clerk"].pk)


def test_the_run_leaves_one_audit_entry_with_its_counts(small_demo):
    entry = AuditEntry.objects.get(batch="seed_demo")
    assert entry.changes["scale"][1] == SMALL
    assert entry.changes["households"][1] == Household.objects.count()
    assert entry.changes["members"][1] == Member.objects.count()


# --- the full demo ------------------------------------------------------------------------


@pytest.mark.slow
def test_the_full_demo_gives_the_seeds_figures(db):
    seed(scale=1)
    assert Division.objects.filter(level=Level.VILLAGE).count() == 660
    assert Division.objects.filter(is_poor_village=True).count() == 284
    assert abs(poor_population(2011) - 283_900) <= 50
    assert abs(poor_population(2015) - 79_300) <= 50
    assert round(incidence(2011)) == 51
    assert round(incidence(2015)) == 14
    assert abs(exits(2015) - 64_300) <= 50
    assert abs(exits(2015, [Status.EXITED_STABLE]) - 48_800) <= 50
    assert abs(exits(2015, [Status.EXITED_CONSOLIDATING]) - 15_500) <= 50
    assert poor_population(2020) == 0


def test_every_status_change_is_an_approved_case_and_every_county_has_open_cases(small_demo):
    from procedures.models import Case, State, StepCode

    assert Case.objects.filter(historical=True, state=State.APPROVED).count() == StatusChange.objects.count()
    assert not StatusChange.objects.filter(case__isnull=True).exists()
    assert set(Case.objects.filter(historical=True).values_list("announced_on", flat=True)) == set(
        StatusChange.objects.values_list("date", flat=True)
    )
    open_ = Case.objects.filter(state=State.OPEN)
    counties = {code[:6] for code in open_.values_list("village_id", flat=True)}
    assert counties == set(Division.objects.filter(level=Level.COUNTY).values_list("code", flat=True))
    assert open_.filter(step=StepCode.TOWNSHIP, notice_end__gte=timezone.localdate()).exists()  # in notice
    assert open_.filter(
        step=StepCode.TOWNSHIP, notice_end__lt=timezone.localdate()
    ).exists()  # waiting for the township
    assert open_.filter(step=StepCode.ASSESS, rejections=1).exists()  # rejected once
    assert get_user_model().objects.filter(username="chengguan_reviewer", role="township_reviewer").exists()


def test_the_demo_logins_find_work_waiting_for_them(small_demo, client):
    from procedures.models import Case, Kind, Objection, State

    open_ = Case.objects.filter(state=State.OPEN)
    assert {Kind.IDENTIFY, Kind.EXIT, Kind.RETURN, Kind.REMOVE} <= set(open_.values_list("kind", flat=True))
    # An exit is of a household still 巩固提升 (the few of 2020's exits), waiting for the village's verification.
    assert set(open_.filter(kind=Kind.EXIT).values_list("step", flat=True)) == {"verify"}
    assert {"township", "county"} <= set(open_.filter(kind=Kind.IDENTIFY).values_list("step", flat=True))
    assert Objection.objects.filter(case__kind=Kind.IDENTIFY, case__state=State.OPEN, resolved_on__isnull=True).exists()
    seen = {}
    for username in ("lintan_clerk", "chengguan_reviewer", "lintan_approver"):
        client.force_login(get_user_model().objects.get(username=username))
        response = client.get("/procedures/")
        seen[username] = {name: {(c.kind, c.step) for c in response.context[name]} for name in ("waiting", "in_notice")}
    assert (Kind.RETURN, "assess") in seen["lintan_clerk"]["waiting"]  # rejected once
    assert (Kind.RETURN, "township") in seen["chengguan_reviewer"]["waiting"]
    assert {(Kind.IDENTIFY, "county"), (Kind.REMOVE, "county")} <= seen["lintan_approver"]["waiting"]
    assert seen["chengguan_reviewer"]["in_notice"]
    assert {Kind.IDENTIFY, Kind.RETURN} <= {kind for kind, _step in seen["lintan_approver"]["in_notice"]}


def test_the_demo_leaves_the_planner_statistics_of_its_tables(small_demo):
    # Without them SQLite plans two 疑点 rules as nested scans: minutes at scale 0.1, no end at scale 1.
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_stat1 WHERE tbl IN ('households_member', 'households_statuschange')"
            )
            assert cursor.fetchone()[0] > 0
        else:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'households_member'")
            assert cursor.fetchone()[0] > 0
