"""The cast every test can call on.

Places: 临潭县 (623021) with 城关镇 (623021100) and its villages 城关村 (poor)
and 西街村, and 新城镇 (623021101) with 红堡子村; 卓尼县 (623022) with 柳林镇
(623022100) and 柳林村.

People: `pref_official` reads the whole prefecture; `lintan_official` reads
临潭县; `lintan_clerk` edits 临潭县; `chengguan_clerk` edits only 城关镇;
`zhuoni_clerk` edits 卓尼县 and must see nothing of 临潭县 (our Charlie);
`admin` does everything.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from stdnum.cn import ric

from accounts.models import Role
from households.models import Household
from households.services import household_register, household_status_change, household_year_save
from villages.models import Division, Level
from villages.services import divisions_load

VILLAGES = {
    "623021100201": ("城关村", "623021100", True),
    "623021100202": ("西街村", "623021100", False),
    "623021101201": ("红堡子村", "623021101", True),
    "623022100201": ("柳林村", "623022100", True),
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real division tree and the cast's villages, loaded once per test database."""
    with django_db_blocker.unblock():
        divisions_load()
        for code, (name, parent, poor) in VILLAGES.items():
            Division.objects.update_or_create(
                code=code,
                defaults={"name": name, "level": Level.VILLAGE, "parent_id": parent, "is_poor_village": poor,
                          "poor_listed_year": 2011 if poor else None},
            )


def make_user(username: str, role: str, division: str | None):
    return get_user_model().objects.create_user(
        username=username, password="pw-" + username, role=role, division_id=division
    )


@pytest.fixture
def pref_official(db):
    return make_user("pref_official", Role.OFFICIAL, "623000")


@pytest.fixture
def lintan_official(db):
    return make_user("lintan_official", Role.OFFICIAL, "623021")


@pytest.fixture
def lintan_clerk(db):
    return make_user("lintan_clerk", Role.CLERK, "623021")


@pytest.fixture
def chengguan_clerk(db):
    return make_user("chengguan_clerk", Role.CLERK, "623021100")


@pytest.fixture
def zhuoni_clerk(db):
    return make_user("zhuoni_clerk", Role.CLERK, "623022")


@pytest.fixture
def admin(db):
    return make_user("admin", Role.ADMIN, None)


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


def register(user, village: str, code: str, *, size: int = 3, year: int = 2014, main_cause: int = 1,
             attribute: int = 1, identified_on: date | None = None) -> Household:
    """A household of `size` people registered through the service, as a clerk would."""
    people = [member(f"{code}户主")]
    people += [member(f"{code}成员{i}", "son", born=date(2005, 1, 1)) for i in range(1, size)]
    return household_register(
        user=user,
        data={"code": code, "village": Division.objects.get(code=village), "main_cause": main_cause,
              "attribute": attribute, "identified_year": year},
        members=people,
        identified_on=identified_on,
    )


def record_year(user, household: Household, year: int, income: str = "4000", passed: bool = True):
    return household_year_save(
        user=user, household=household, year=year,
        data={"income_per_capita": Decimal(income), "enough_food": passed, "enough_clothing": passed,
              "education_secured": passed, "medical_secured": passed, "housing_secured": passed},
    )


def change_status(user, household: Household, status: str, on: date, **kw):
    household.refresh_from_db()
    return household_status_change(user=user, household=household, status=status, on=on, **kw)
