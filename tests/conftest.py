"""The cast every test can call on.

Places: 临潭县 (623021) with 城关镇 (623021100) and its villages 城关村 (poor)
and 西街村, and 新城镇 (623021101) with 红堡子村; 卓尼县 (623022) with 柳林镇
(623022100) and 柳林村.

People: `pref_official` reads the whole prefecture; `lintan_official` reads
临潭县; `lintan_clerk` edits 临潭县; `chengguan_clerk` edits only 城关镇;
`zhuoni_clerk` edits 卓尼县 and must see nothing of 临潭县 (our Charlie);
`admin` does everything.
"""

import importlib
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from pytest_django.plugin import blocking_manager_key
from stdnum.cn import ric

from accounts.models import Role
from households.models import Household, PovertyLine
from households.services import household_register, household_status_change, household_year_save
from villages.models import Division, Level
from villages.services import divisions_load

VILLAGES = {
    "623021100201": ("城关村", "623021100", True),
    "623021100202": ("西街村", "623021100", False),
    "623021101201": ("红堡子村", "623021101", True),
    "623022100201": ("柳林村", "623022100", True),
}


def load_reference_data() -> None:
    """The real division tree, the cast's villages, and what the migrations seed: poverty lines, fund sources.

    Also called after a transactional test, whose flush empties these tables for the tests after it.
    """
    lines = importlib.import_module("households.migrations.0002_poverty_lines").LINES
    for year, amount in lines.items():
        PovertyLine.objects.get_or_create(year=year, defaults={"amount": Decimal(amount)})
    from funds.models import FundSource

    for code, name, kind in importlib.import_module("funds.migrations.0002_standard_sources").SOURCES:
        FundSource.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
    divisions_load()
    for code, (name, parent, poor) in VILLAGES.items():
        Division.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "level": Level.VILLAGE,
                "parent_id": parent,
                "is_poor_village": poor,
                "poor_listed_year": 2011 if poor else None,
            },
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Each test its own private media folder: what one test leaves there (a preview, a file) is not the next's."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(autouse=True)
def chinese():
    """Each test starts in Chinese, whatever language an earlier test left active in this thread."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test has emptied every table (its flush), put the reference data back for the next.

    Not after the run's last test: its teardown has dropped the test database by then.
    """
    result = yield
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if nextitem is None:
        return result
    if "transactional_db" in fixtures or "live_server" in fixtures or (marker and marker.kwargs.get("transaction")):
        with item.config.stash[blocking_manager_key].unblock():
            load_reference_data()
    return result


def built_once_per_module(build: Callable[[], Any]):
    """A module-scoped fixture: `build()` (a demo, say) once per module, rolled back at the module's end.

    Tests reach it through a function fixture that also asks for `db`: each test
    then runs in a savepoint inside the module's transaction, so what one test
    writes is gone before the next and only the building is shared. A seeded
    demo costs seconds to minutes; a module of ten tests paid it ten times.
    """

    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            yield build()
            transaction.set_rollback(True)

    return fixture


@pytest.fixture
def live_site(live_server, transactional_db):
    """The live server with the reference data: transactional tests empty every table when they end."""
    load_reference_data()
    return live_server


def make_user(username: str, role: str, division: str | None):
    return get_user_model().objects.create_user(
        username=username, password="pw-" + username, role=role, division_id=division
    )


# The test users: role and region, by username (each also a fixture of that name).
USERS = {
    "pref_official": (Role.OFFICIAL, "623000"),
    "lintan_official": (Role.OFFICIAL, "623021"),
    "lintan_clerk": (Role.CLERK, "623021"),
    "chengguan_clerk": (Role.CLERK, "623021100"),
    "zhuoni_clerk": (Role.CLERK, "623022"),
    "admin": (Role.ADMIN, None),
}


def user_named(username: str):
    return make_user(username, *USERS[username])


@pytest.fixture
def pref_official(db):
    return user_named("pref_official")


@pytest.fixture
def lintan_official(db):
    return user_named("lintan_official")


@pytest.fixture
def lintan_clerk(db):
    return user_named("lintan_clerk")


@pytest.fixture
def chengguan_clerk(db):
    return user_named("chengguan_clerk")


@pytest.fixture
def zhuoni_clerk(db):
    return user_named("zhuoni_clerk")


@pytest.fixture
def admin(db):
    return user_named("admin")


_sequence = iter(range(1, 10_000))


def make_id(area: str = "623021", born: date = date(1980, 1, 1), male: bool = True) -> str:
    """A valid, fresh resident ID number: odd sequence digit for a man, even for a woman."""
    k = next(_sequence)
    born = born + timedelta(days=k // 400)
    seq = f"{(k % 400) * 2 + (1 if male else 0):03d}"
    body = f"{area}{born:%Y%m%d}{seq}"
    return body + ric.calc_check_digit(body + "0")


def member(name: str, relation: str = "head", born: date = date(1980, 1, 1), male: bool = True, **extra) -> dict:
    return {"name": name, "id_number": make_id(born=born, male=male), "relation": relation, **extra}


def register(
    user,
    village: str,
    code: str,
    *,
    size: int = 3,
    year: int = 2014,
    main_cause: int = 1,
    attribute: int = 1,
    identified_on: date | None = None,
) -> Household:
    """A household of `size` people registered through the service, as a clerk would."""
    people = [member(f"{code}户主")]
    people += [member(f"{code}成员{i}", "son", born=date(2005, 1, 1)) for i in range(1, size)]
    return household_register(
        user=user,
        data={
            "code": code,
            "village": Division.objects.get(code=village),
            "main_cause": main_cause,
            "attribute": attribute,
            "identified_year": year,
        },
        members=people,
        identified_on=identified_on,
    )


def add_people(household: Household, n: int) -> None:
    """`n` more members present since the household was identified, written in bulk (large figures in tests).

    Written past the services, so the village's rollups are rebuilt as `rebuild_rollups` would.
    """
    from gannan.lib.bulk import bulk_insert
    from households.models import Member
    from metrics.rollups import rebuild

    joined = household.status_changes.order_by("date").values_list("date", flat=True).first() or date(1990, 1, 1)
    columns = ["household_id", "village_id", "name", "id_number", "relation", "sex", "birth_date", "joined_on"]
    rows = [
        # 18 characters, as an ID number, whatever the id: a PostgreSQL sequence is not rolled back between tests.
        (
            household.pk,
            household.village_id,
            f"成员{i}",
            f"T{household.pk:08d}{i:09d}",
            "other",
            "M",
            date(1990, 1, 1),
            joined,
        )
        for i in range(n)
    ]
    bulk_insert(Member, columns, rows)
    rebuild(villages=[household.village_id])


def record_year(user, household: Household, year: int, income: str = "4000", passed: bool = True):
    return household_year_save(
        user=user,
        household=household,
        year=year,
        data={
            "income_per_capita": Decimal(income),
            "enough_food": passed,
            "enough_clothing": passed,
            "education_secured": passed,
            "medical_secured": passed,
            "housing_secured": passed,
        },
    )


def change_status(user, household: Household, status: str, on: date, **kw):
    household.refresh_from_db()
    return household_status_change(user=user, household=household, status=status, on=on, **kw)


# --- browser tests ------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; skipped (visibly) where it is missing, but never in CI."""
    import os

    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: browser tests must run (apt-get install chromium)")
        pytest.skip(f"browser test skipped: {CHROMIUM} not installed (apt-get install chromium fonts-wqy-microhei)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield b
        b.close()


@pytest.fixture
def artifacts_dir():
    """Where browser tests leave their screenshots (gitignored)."""
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


# --- metrics cast -------------------------------------------------------------------------


def build_metrics_cast(user) -> dict[str, Household]:
    """Households of 临潭县 (and one in 卓尼县) whose figures are worked out by hand in tests/test_metrics_figures.py.

    A 4 people, 城关村: identified 2014, exits stable 2015.
    B 3 people, 城关村: identified 2014, exits consolidating 2015, returns 2016, exits stable 2017.
    C 2 people, 西街村: identified 2014, removed while poor 2015.
    D 5 people, 红堡子村: identified 2015 (cause 2, attribute 2), still poor.
    E 1 person, 红堡子村: identified 2014 (attribute 3), exits consolidating 2016, stable 2017 (not a second exit),
      removed 2018 (not while poor).
    F 6 people, 柳林村 (卓尼县): identified 2014, still poor.
    Rural population: 城关村 100 (2014), 110 (2015); 西街村 50 (2014 only); 红堡子村 40 (2015 only); 柳林村 300 (2014).
    Poor villages: 城关村 (出列 2016), 红堡子村, 柳林村, all listed 2011.
    """
    from villages.models import VillageYear

    h = {
        "A": register(user, "623021100201", "A", size=4, identified_on=date(2014, 6, 1)),
        "B": register(user, "623021100201", "B", size=3, identified_on=date(2014, 6, 1)),
        "C": register(user, "623021100202", "C", size=2, identified_on=date(2014, 6, 1)),
        "D": register(
            user, "623021101201", "D", size=5, year=2015, main_cause=2, attribute=2, identified_on=date(2015, 4, 1)
        ),
        "E": register(user, "623021101201", "E", size=1, attribute=3, identified_on=date(2014, 6, 1)),
        "F": register(user, "623022100201", "F", size=6, identified_on=date(2014, 6, 1)),
    }
    steps = [
        ("A", "exited_stable", date(2015, 10, 1)),
        ("B", "exited_consolidating", date(2015, 11, 1)),
        ("C", "removed", date(2015, 3, 1)),
        ("B", "returned", date(2016, 5, 1)),
        ("E", "exited_consolidating", date(2016, 8, 1)),
        ("B", "exited_stable", date(2017, 9, 1)),
        ("E", "exited_stable", date(2017, 3, 1)),
        ("E", "removed", date(2018, 2, 1)),
    ]
    for code, status, on in steps:
        change_status(user, h[code], status, on, reason="核查")
    # 两不愁三保障 for 2015: D fails everything, E passes; F (卓尼) fails.
    record_year(user, h["D"], 2015, income="2000", passed=False)
    record_year(user, h["E"], 2015, income="3000", passed=True)
    record_year(user, h["F"], 2015, income="2000", passed=False)
    for code, year, people in [
        ("623021100201", 2014, 100),
        ("623021100201", 2015, 110),
        ("623021100202", 2014, 50),
        ("623021101201", 2015, 40),
        ("623022100201", 2014, 300),
    ]:
        VillageYear.objects.create(village_id=code, year=year, rural_population=people, road=True, water=year == 2015)
    Division.objects.filter(code="623021100201").update(poor_exit_year=2016)
    for household in h.values():
        household.refresh_from_db()
    return h


@pytest.fixture
def metrics_cast(admin):
    return build_metrics_cast(admin)


def browser_login(browser, live_server, username: str, password: str | None = None):
    """A fresh browser context signed in as `username` (the cast's password is "pw-<username>")."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or f"pw-{username}")
    with page.expect_navigation():
        page.click("section.login button[type=submit]")
    assert "/accounts/login/" not in page.url, f"login as {username} failed"
    return context, page


@pytest.fixture
def dashboard_cast(live_site):
    """The metrics cast on the live server, with a county and a prefecture official to log in as."""
    households = build_metrics_cast(user_named("admin"))
    user_named("lintan_official")
    user_named("pref_official")
    return households
