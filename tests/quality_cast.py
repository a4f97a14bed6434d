"""A hand-built cast of households that break no 疑点 rule, registered through the services.

Each is a family of four seen in 2015 (the reference year: the latest yearly
record): a 45-year-old head, his wife, a 20-year-old daughter who works away
six months a year, and a 10-year-old son at school; income below the line
made of four parts, every guarantee met, a cadre of its own and a measure of
every programme (so no main cause lacks its answer).
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from funds.models import Programme
from funds.services import measure_create
from households.models import Household
from households.services import household_register, household_status_change, household_year_save
from villages.models import Division

from .conftest import built_once_per_module, member, user_named

CHENGGUAN, XIJIE, HONGBAOZI, LIULIN = "623021100201", "623021100202", "623021101201", "623022100201"

_phones = iter(range(13900000001, 13999999999))


def family(code: str = "") -> list[dict]:
    """Names carry the household code: two households never hold the same person (rules ID04, ID05)."""
    return [
        member(code + "户主", born=date(1970, 3, 1), labour="ordinary", education="primary"),
        member(code + "妻", "spouse", born=date(1972, 5, 1), male=False, labour="weak", education="primary"),
        member(
            code + "女儿",
            "daughter",
            born=date(1995, 6, 1),
            male=False,
            labour="ordinary",
            education="junior",
            migrant_months=6,
        ),
        member(
            code + "儿子", "son", born=date(2005, 9, 1), education="primary", student_status="in_school", labour="none"
        ),
    ]


def income(total: str = "2000", *, wages: str = "800", property_: str = "100", transfer: str = "400") -> dict:
    """A year's income of `total` yuan per person, its farming part whatever the other three leave."""
    production = Decimal(total) - Decimal(wages) - Decimal(property_) - Decimal(transfer)
    return {
        "income_per_capita": Decimal(total),
        "income_wages": Decimal(wages),
        "income_production": production,
        "income_property": Decimal(property_),
        "income_transfer": Decimal(transfer),
        "enough_food": True,
        "enough_clothing": True,
        "education_secured": True,
        "medical_secured": True,
        "housing_secured": True,
    }


def clean_household(user, village: str, code: str, *, exit_year: int | None = None) -> Household:
    """A clean household; with `exit_year`, one that left poverty (stable) on 1 November of that year."""
    household = household_register(
        user=user,
        data={
            "code": code,
            "village": Division.objects.get(code=village),
            "main_cause": 9,
            "identified_year": 2014,
            "cadre_name": f"{code}帮扶人",
            "cadre_phone": str(next(_phones)),
            "housing_grade": "B",
        },
        members=family(code),
        identified_on=date(2014, 3, 1),
    )
    if exit_year is None:
        household_year_save(user=user, household=household, year=2015, data=income())
    else:
        household_year_save(user=user, household=household, year=exit_year, data=income("3000"))
        household_status_change(user=user, household=household, status="exited_stable", on=date(exit_year, 11, 1))
    for programme in (
        Programme.INDUSTRY,
        Programme.MEDICAL,
        Programme.EDUCATION,
        Programme.DISABILITY,
        Programme.DIBAO,
        Programme.TRAINING,
        Programme.RELOCATION,
    ):
        measure_create(user=user, household=household, programme=programme, content="帮扶", year=2014)
    household.refresh_from_db()
    return household


def clean_cast(lintan_clerk, zhuoni_clerk) -> dict[str, Household]:
    """P1 (城关村), P2 (西街村), P3 (红堡子村) poor; X15 exited in 2015, X14 in 2014 (城关村); Z1 poor in 卓尼."""
    return {
        "P1": clean_household(lintan_clerk, CHENGGUAN, "P1"),
        "P2": clean_household(lintan_clerk, XIJIE, "P2"),
        "P3": clean_household(lintan_clerk, HONGBAOZI, "P3"),
        "X15": clean_household(lintan_clerk, CHENGGUAN, "X15", exit_year=2015),
        "X14": clean_household(lintan_clerk, CHENGGUAN, "X14", exit_year=2014),
        "Z1": clean_household(zhuoni_clerk, LIULIN, "Z1"),
    }


def cast_once_per_module(defects: Callable[[dict[str, Household]], None] | None = None):
    """Fixtures `built_cast`, `cast`, `lintan_clerk` and `zhuoni_clerk` (assign them to those names).

    Registering the cast through the services takes most of a second, and the
    quality modules asked for it in every test. The cast is built (and
    `defects(cast)` planted) once, in the module's transaction; each test runs in
    a savepoint and gets fresh instances read back, so what a test plants or
    edits is gone before the next. The two clerks are the ones that registered it
    (the audit trail names them).
    """

    def build() -> dict[str, Household]:
        cast = clean_cast(user_named("lintan_clerk"), user_named("zhuoni_clerk"))
        if defects:
            defects(cast)
        return cast

    built = built_once_per_module(build)

    @pytest.fixture(name="cast")
    def cast_fixture(built_cast, db) -> dict[str, Household]:
        return {key: Household.objects.get(pk=household.pk) for key, household in built_cast.items()}

    @pytest.fixture(name="lintan_clerk")
    def lintan_clerk_fixture(built_cast, db):
        return get_user_model().objects.select_related("division").get(username="lintan_clerk")

    @pytest.fixture(name="zhuoni_clerk")
    def zhuoni_clerk_fixture(built_cast, db):
        return get_user_model().objects.select_related("division").get(username="zhuoni_clerk")

    return built, cast_fixture, lintan_clerk_fixture, zhuoni_clerk_fixture
