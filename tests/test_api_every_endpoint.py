"""Every endpoint under /api/, called by every role of the cast, answers the status code it should.

Two walks:
- every URL and method found in the URL resolver, with no table at all: anonymous callers are
  refused (401/403) and officials cannot write (403), whatever the endpoint;
- the table CALLS, one line per (endpoint, method, target) with the status for each role,
  including another region's objects (404). `test_the_walk_covers_every_endpoint` fails until
  every endpoint and method has a line (or is listed in AWAITING_LINES by its owner).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from funds.models import Allocation, Disbursement, FundSource, Loan, Measure, MutualAidFund, Project
from funds.services import (
    allocation_create,
    disbursement_create,
    loan_create,
    measure_create,
    mutual_aid_fund_create,
    project_create,
)
from households.models import Household, PovertyLine
from procedures.services import case_open
from tests.conftest import USERS, built_once_per_module, member, record_year, register, user_named
from villages.models import Division
from villages.services import village_year_save

ROLES = ["anonymous", "pref_official", "lintan_official", "lintan_clerk", "chengguan_clerk", "zhuoni_clerk", "admin"]
ANON = {401, 403}
# Routes that are not region data: the schema and its two viewers (tested in test_api_docs).
NOT_WALKED = {"schema", "swagger-ui"}

# What each Charlie must never find in an answer: the other county's household (its code, its members' names).
UNSEEN = {"zhuoni_clerk": "L001", "lintan_official": "Z001", "lintan_clerk": "Z001", "chengguan_clerk": "Z001"}

LINTAN_VILLAGE, OTHER_LINTAN_VILLAGE, ZHUONI_VILLAGE = "623021100201", "623021100202", "623022100201"


def expect(default: int, **by_role: int) -> dict[str, set[int]]:
    """Status per role: `default` for every signed-in role unless named; anonymous always 401/403."""
    table = {role: {by_role.get(role, default)} for role in ROLES}
    table["anonymous"] = ANON
    return table


def everyone(code: int = 200):
    return expect(code)


def lintan_read():
    """An object in 城关村 (临潭县): 卓尼's clerk must not know it exists."""
    return expect(200, zhuoni_clerk=404)


def zhuoni_read():
    return expect(200, lintan_official=404, lintan_clerk=404, chengguan_clerk=404)


def lintan_write(ok: int = 200, *, zhuoni: int = 404):
    """Writing to (or into) 临潭县: officials read only; 卓尼's clerk gets `zhuoni`.

    404 for an object, 400 "no such village" for a village.
    """
    return expect(ok, pref_official=403, lintan_official=403, zhuoni_clerk=zhuoni)


def zhuoni_write(ok: int = 200):
    return expect(ok, pref_official=403, lintan_official=403, lintan_clerk=404, chengguan_clerk=404)


@dataclass
class World:
    lintan_household: Household
    zhuoni_household: Household

    def version(self, household: Household) -> int:
        return Household.objects.get(pk=household.pk).version

    def year_version(self, household: Household, year: int = 2015) -> int:
        return household.years.get(year=year).version


@dataclass
class Call:
    name: str
    method: str
    expect: dict[str, set[int]]
    args: Callable[[World], list] = lambda w: []
    body: Callable[[World], dict] | None = None
    query: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.name} {self.args.__doc__ or ''}".strip()


def lintan_hh(w):
    """城关村 household"""
    return [w.lintan_household.pk]


def zhuoni_hh(w):
    """柳林村 household"""
    return [w.zhuoni_household.pk]


def lintan_head(w):
    """城关村 member"""
    return [w.lintan_household.members.get(relation="head").pk]


def zhuoni_head(w):
    """柳林村 member"""
    return [w.zhuoni_household.members.get(relation="head").pk]


def lintan_year(w):
    """城关村 2015 record"""
    return [w.lintan_household.years.get(year=2015).pk]


def zhuoni_year(w):
    """柳林村 2015 record"""
    return [w.zhuoni_household.years.get(year=2015).pk]


def lintan_status(w):
    """城关村 identification"""
    return [w.lintan_household.status_changes.first().pk]


def zhuoni_status(w):
    """柳林村 identification"""
    return [w.zhuoni_household.status_changes.first().pk]


def zhuoni_case(w):
    """柳林村 open exit case"""
    return [w.zhuoni_household.cases.get().pk]


def lintan_village_year(w):
    """城关村 2015 facts"""
    return [Division.objects.get(code=LINTAN_VILLAGE).years.get(year=2015).pk]


def zhuoni_village_year(w):
    """柳林村 2015 facts"""
    return [Division.objects.get(code=ZHUONI_VILLAGE).years.get(year=2015).pk]


def in_village(model, path: str, village: str, what: str) -> Callable[[World], list]:
    """The one `model` row of the world whose `path` is `village` (funds objects, one per village)."""

    def args(w):
        return [model.objects.get(**{path: village}).pk]

    args.__doc__ = f"{'城关村' if village == LINTAN_VILLAGE else '柳林村'} {what}"
    return args


FUNDS_OBJECTS = {
    "project": (Project, "division_id", "project"),
    "allocation": (Allocation, "project__division_id", "allocation"),
    "disbursement": (Disbursement, "village_id", "disbursement"),
    "measure": (Measure, "household__village_id", "measure"),
    "loan": (Loan, "household__village_id", "loan"),
    "mutual-aid-fund": (MutualAidFund, "village_id", "mutual-aid fund"),
}


def lintan_funds(name: str):
    model, path, what = FUNDS_OBJECTS[name]
    return in_village(model, path, LINTAN_VILLAGE, what)


def zhuoni_funds(name: str):
    model, path, what = FUNDS_OBJECTS[name]
    return in_village(model, path, ZHUONI_VILLAGE, what)


def lintan_project_id(w) -> int:
    return lintan_funds("project")(w)[0]


def new_household(w):
    return {
        "code": OTHER_LINTAN_VILLAGE + "0901",
        "village": OTHER_LINTAN_VILLAGE,
        "main_cause": 1,
        "identified_year": 2014,
        "members": [member("新户主")],
    }


H, F = "households_api:", "funds_api:"
CALLS = [
    Call(H + "api-root", "GET", everyone()),
    # Divisions: the tree of one's region.
    Call(H + "division-list", "GET", everyone()),
    Call(H + "division-detail", "GET", lintan_read(), args=lambda w: ["623021100"]),
    Call(H + "division-detail", "GET", zhuoni_read(), args=lambda w: ["623022100"]),
    Call(H + "division-detail", "GET", expect(404, admin=200), args=lambda w: ["620000"]),
    # Village facts.
    Call(H + "village-year-list", "GET", everyone()),
    Call(
        H + "village-year-list",
        "POST",
        lintan_write(201, zhuoni=400),
        body=lambda w: {"village": OTHER_LINTAN_VILLAGE, "year": 2015, "rural_population": 420, "road": True},
    ),
    Call(H + "village-year-detail", "GET", lintan_read(), args=lintan_village_year),
    Call(H + "village-year-detail", "GET", zhuoni_read(), args=zhuoni_village_year),
    Call(
        H + "village-year-detail",
        "PUT",
        lintan_write(),
        args=lintan_village_year,
        body=lambda w: {"rural_population": 500, "water": True},
    ),
    Call(H + "village-year-detail", "PATCH", lintan_write(), args=lintan_village_year, body=lambda w: {"power": True}),
    Call(H + "village-year-detail", "PATCH", zhuoni_write(), args=zhuoni_village_year, body=lambda w: {"power": True}),
    # Households with their members.
    Call(H + "household-list", "GET", everyone()),
    Call(H + "household-list", "POST", lintan_write(201, zhuoni=400), body=new_household),
    Call(H + "household-detail", "GET", lintan_read(), args=lintan_hh),
    Call(H + "household-detail", "GET", zhuoni_read(), args=zhuoni_hh),
    Call(
        H + "household-detail",
        "PUT",
        lintan_write(),
        args=lintan_hh,
        body=lambda w: {
            "code": "L001",
            "village": LINTAN_VILLAGE,
            "main_cause": 2,
            "identified_year": 2014,
            "version": w.version(w.lintan_household),
        },
    ),
    Call(
        H + "household-detail",
        "PATCH",
        lintan_write(),
        args=lintan_hh,
        body=lambda w: {"phone": "13800000000", "version": w.version(w.lintan_household)},
    ),
    Call(
        H + "household-detail",
        "PATCH",
        zhuoni_write(),
        args=zhuoni_hh,
        body=lambda w: {"phone": "13800000000", "version": w.version(w.zhuoni_household)},
    ),
    Call(H + "member-list", "GET", everyone()),
    Call(H + "member-detail", "GET", lintan_read(), args=lintan_head),
    Call(H + "member-detail", "GET", zhuoni_read(), args=zhuoni_head),
    # Yearly records. A household of another region named in the body is "not found" (400), as in a URL (404).
    Call(H + "household-year-list", "GET", everyone()),
    Call(
        H + "household-year-list",
        "POST",
        lintan_write(201, zhuoni=400),
        body=lambda w: {"household": w.lintan_household.pk, "year": 2016, "income_per_capita": "5000.00"},
    ),
    Call(H + "household-year-detail", "GET", lintan_read(), args=lintan_year),
    Call(H + "household-year-detail", "GET", zhuoni_read(), args=zhuoni_year),
    Call(
        H + "household-year-detail",
        "PUT",
        lintan_write(),
        args=lintan_year,
        body=lambda w: {
            "income_per_capita": "4100.00",
            "enough_food": True,
            "version": w.year_version(w.lintan_household),
        },
    ),
    Call(
        H + "household-year-detail",
        "PATCH",
        lintan_write(),
        args=lintan_year,
        body=lambda w: {"income_per_capita": "4200.00", "version": w.year_version(w.lintan_household)},
    ),
    Call(
        H + "household-year-detail",
        "PATCH",
        zhuoni_write(),
        args=zhuoni_year,
        body=lambda w: {"income_per_capita": "4200.00", "version": w.year_version(w.zhuoni_household)},
    ),
    # Status history.
    Call(H + "status-change-list", "GET", everyone()),
    Call(H + "status-change-detail", "GET", lintan_read(), args=lintan_status),
    Call(H + "status-change-detail", "GET", zhuoni_read(), args=zhuoni_status),
    # Cases (procedures): a status changes only through them. 柳林村's household has an open exit case.
    Call(H + "case-list", "GET", everyone()),
    Call(
        H + "case-list",
        "POST",
        lintan_write(201),
        body=lambda w: {"household": w.lintan_household.pk, "kind": "exit", "on": "2016-01-05"},
    ),
    Call(
        H + "case-list",
        "POST",
        expect(400, pref_official=403, lintan_official=403, lintan_clerk=404, chengguan_clerk=404),
        body=lambda w: {"household": w.zhuoni_household.pk, "kind": "exit", "on": "2016-01-05"},
    ),
    Call(H + "case-detail", "GET", zhuoni_read(), args=zhuoni_case),
    Call(
        H + "case-steps",
        "POST",
        zhuoni_write(),
        args=zhuoni_case,
        body=lambda w: {
            "step": "assess",
            "on": "2016-01-06",
            "data": {"attendance": 10, "votes_for": 8, "votes_against": 1},
        },
    ),
    # Metrics (metrics_api): a region outside one's own is 404.
    Call("metrics_api:summary", "GET", everyone()),
    Call("metrics_api:summary", "GET", lintan_read(), query={"region": "623021100201"}),
    Call("metrics_api:timeseries", "GET", everyone()),
    Call("metrics_api:timeseries", "GET", zhuoni_read(), query={"region": "623022"}),
    Call("metrics_api:breakdown", "GET", everyone()),
    Call("metrics_api:breakdown", "GET", lintan_read(), query={"region": "623021100"}),
    # Funds (funds_api): sources are shared and added by admins; every other record lives in a village.
    Call(F + "source-list", "GET", everyone()),
    Call(
        F + "source-list",
        "POST",
        expect(403, admin=201),
        body=lambda w: {"code": "api-new", "name": "新来源", "kind": "credit"},
    ),
    Call(F + "source-detail", "GET", everyone(), args=lambda w: [FundSource.objects.get(code="central").pk]),
    *[Call(F + f"{name}-list", "GET", everyone()) for name in FUNDS_OBJECTS],
    *[Call(F + f"{name}-detail", "GET", lintan_read(), args=lintan_funds(name)) for name in FUNDS_OBJECTS],
    *[Call(F + f"{name}-detail", "GET", zhuoni_read(), args=zhuoni_funds(name)) for name in FUNDS_OBJECTS],
    # A record pointing into 临潭县: 卓尼's clerk cannot pick the project, household or village (400).
    Call(
        F + "project-list",
        "POST",
        lintan_write(201, zhuoni=400),
        body=lambda w: {
            "name": "API项目",
            "programme": "industry",
            "division": LINTAN_VILLAGE,
            "year": 2015,
            "budget": "1000",
        },
    ),
    Call(
        F + "allocation-list",
        "POST",
        lintan_write(201, zhuoni=400),
        body=lambda w: {
            "project": lintan_project_id(w),
            "source": "central",
            "amount": "1000",
            "year": 2015,
            "document_number": "临财〔2015〕9号",
        },
    ),
    Call(
        F + "disbursement-list",
        "POST",
        lintan_write(201, zhuoni=400),
        body=lambda w: {
            "project": lintan_project_id(w),
            "source": "central",
            "amount": "100",
            "date": "2015-08-01",
            "household": "L001",
        },
    ),
    Call(
        F + "measure-list",
        "POST",
        lintan_write(201, zhuoni=400),
        body=lambda w: {"household": "L001", "programme": "medical", "content": "大病救助", "year": 2015},
    ),
    Call(
        F + "loan-list",
        "POST",
        lintan_write(201, zhuoni=400),
        body=lambda w: {
            "household": "L001",
            "borrower": w.lintan_household.members.get(relation="head").id_number,
            "bank": "农村信用社",
            "amount": "50000",
            "issued_on": "2015-12-01",
            "term_months": 36,
        },
    ),
    Call(
        F + "mutual-aid-fund-list",
        "POST",
        lintan_write(201, zhuoni=400),
        body=lambda w: {"village": OTHER_LINTAN_VILLAGE, "name": "西街村互助资金协会", "founded_year": 2015},
    ),
    Call(F + "loan-status", "POST", lintan_write(), args=lintan_funds("loan"), body=lambda w: {"status": "overdue"}),
    Call(F + "loan-status", "POST", zhuoni_write(), args=zhuoni_funds("loan"), body=lambda w: {"status": "repaid"}),
    # Data quality (疑点): a region outside one's own is 404.
    Call("quality-summary", "GET", everyone()),
    Call("quality-summary", "GET", lintan_read(), query={"region": "623021100201"}),
    Call("quality-issues", "GET", everyone()),
    Call("quality-issues", "GET", zhuoni_read(), query={"region": "623022", "rule": "RG02"}),
]


# Endpoints whose owner has not yet written their lines. Remove a row when adding its Call.
AWAITING_LINES: set[tuple[str, str]] = set()


def api_routes() -> dict[tuple[str, str], list[str]]:
    """{(URL name, HTTP method): URL keyword names} of every endpoint under /api/, read from the URL resolver."""
    found: dict[tuple[str, str], list[str]] = {}

    def walk(patterns, route: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, route + str(p.pattern).lstrip("^"), ns)
            elif isinstance(p, URLPattern) and (route + str(p.pattern).lstrip("^")).startswith("api/"):
                if p.name in NOT_WALKED:
                    continue
                actions = getattr(p.callback, "actions", None)
                if actions is not None:
                    methods = set(actions)
                else:
                    view = getattr(p.callback, "view_class", None)
                    methods = {m for m in view.http_method_names if hasattr(view, m)} if view else {"get"}
                for m in methods - {"head", "options"}:
                    found[(namespace + (p.name or ""), m.upper())] = list(p.pattern.regex.groupindex)

    walk(get_resolver().url_patterns, "", "")
    return found


def test_the_walk_covers_every_endpoint():
    walked = {(c.name, c.method) for c in CALLS}
    assert set(api_routes()) - walked - AWAITING_LINES == set()
    assert AWAITING_LINES & walked == set(), "a line was added: remove it from AWAITING_LINES"


ROUTES = sorted(api_routes().items())


def call_any(client: APIClient, name: str, method: str, kwargs: list[str]):
    url = reverse(name, kwargs=dict.fromkeys(kwargs, "1"))
    return getattr(client, method.lower())(url, {}, format="json") if method != "GET" else client.get(url)


@pytest.mark.parametrize(("route", "kwargs"), ROUTES, ids=[f"{m} {n}" for (n, m), _k in ROUTES])
def test_anonymous_callers_are_refused(route, kwargs, db):
    assert call_any(APIClient(), *route, kwargs).status_code in ANON


WRITES = [(route, kwargs) for route, kwargs in ROUTES if route[1] != "GET"]


@pytest.mark.parametrize(("route", "kwargs"), WRITES, ids=[f"{m} {n}" for (n, m), _k in WRITES])
def test_officials_cannot_write(route, kwargs, pref_official, lintan_official):
    for official in (pref_official, lintan_official):
        client = APIClient()
        client.force_login(official)
        assert call_any(client, *route, kwargs).status_code == 403


def build_world() -> World:
    """Every test user, and the two households (one per county) with a record of every kind; once a module."""
    for username in USERS:
        user_named(username)
    admin = get_user_model().objects.get(username="admin")
    PovertyLine.objects.update_or_create(year=2015, defaults={"amount": Decimal("2855")})
    lintan = register(admin, LINTAN_VILLAGE, "L001", identified_on=date(2014, 6, 1))
    zhuoni = register(admin, ZHUONI_VILLAGE, "Z001", identified_on=date(2014, 6, 1))
    for household in (lintan, zhuoni):
        record_year(admin, household, 2015)
    for code in (LINTAN_VILLAGE, ZHUONI_VILLAGE):
        village_year_save(
            user=admin, village=Division.objects.get(code=code), year=2015, data={"rural_population": 300}
        )
    central = FundSource.objects.get(code="central")
    for code, household in ((LINTAN_VILLAGE, lintan), (ZHUONI_VILLAGE, zhuoni)):
        village = Division.objects.get(code=code)
        project = project_create(
            user=admin,
            name=f"{village.name}项目",
            programme="industry",
            division=village,
            year=2015,
            budget=Decimal("10000"),
        )
        allocation_create(
            user=admin,
            project=project,
            source=central,
            amount=Decimal("10000"),
            year=2015,
            document_number="甘财农〔2015〕1号",
        )
        disbursement_create(
            user=admin,
            project=project,
            source=central,
            amount=Decimal("5000"),
            on=date(2015, 6, 1),
            household=household,
        )
        measure_create(user=admin, household=household, programme="industry", content="牦牛养殖", year=2015)
        loan_create(
            user=admin,
            household=household,
            borrower=household.members.get(relation="head"),
            bank="农村信用社",
            amount=Decimal("50000"),
            issued_on=date(2015, 3, 1),
            term_months=36,
        )
        mutual_aid_fund_create(user=admin, village=village, name=f"{village.name}互助资金协会", founded_year=2014)
    case_open(user=admin, household=zhuoni, kind="exit", on=date(2016, 1, 5))
    return World(lintan, zhuoni)


built_world = built_once_per_module(build_world)


@pytest.fixture
def world(built_world, db) -> tuple[World, dict]:
    """The module's world read back (each test runs in a savepoint of the module's transaction), and its users."""
    w = World(*(Household.objects.get(pk=h.pk) for h in (built_world.lintan_household, built_world.zhuoni_household)))
    users = {user.username: user for user in get_user_model().objects.select_related("division")}
    return w, users


@pytest.fixture
def pref_official(world):
    return world[1]["pref_official"]


@pytest.fixture
def lintan_official(world):
    return world[1]["lintan_official"]


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_every_role_gets_the_status_it_should(call, world):
    w, users = world
    got, expected = {}, dict(call.expect)
    for role in ROLES:
        client = APIClient()
        if role != "anonymous":
            client.force_login(users[role])
        savepoint = transaction.savepoint()
        url = reverse(call.name, args=call.args(w))
        if call.method == "GET":
            response = client.get(url, call.query)
        else:
            response = getattr(client, call.method.lower())(url, call.body(w), format="json")
        transaction.savepoint_rollback(savepoint)
        got[role] = response.status_code
        if role in UNSEEN and response.status_code < 300:
            got[role] = (response.status_code, UNSEEN[role] in response.content.decode())
            expected[role] = {(code, False) for code in expected[role]}
    wrong = {role: (code, sorted(expected[role])) for role, code in got.items() if code not in expected[role]}
    assert wrong == {}, "role: (got, expected); True = saw another region's household"
