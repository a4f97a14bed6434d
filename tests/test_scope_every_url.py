"""Every URL × every reader × a foreign object, generated from the URL resolver (issue 13).

A household of 红堡子村 (新城镇, 临潭县) carries a marker name. For readers it is
foreign to (卓尼's clerk and official, 城关镇's clerk), every URL with an object in
it answers 404 exactly like a missing one, and no URL at all (lists, exports,
charts, API lists, the schema) shows the marker or answers 5xx. A new URL is
covered automatically: a new parameter must be added to FOREIGN below, or this test fails.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from households.models import Status

from . import funds_cast as fc
from .conftest import change_status, make_user, member, record_year

FOREIGN_VILLAGE = "623021101201"
MARKER = "外区秘密户主"
SKIP_PREFIXES = ("admin/", "accounts/", "i18n/", "favicon", "api/schema", "api/docs")


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}:{p.name}" if namespace else p.name, p


def all_urls():
    return [
        (route, name, p) for route, name, p in walk(get_resolver().url_patterns) if not route.startswith(SKIP_PREFIXES)
    ]


@pytest.fixture
def world(admin):
    from funds.models import FundSource
    from funds.services import loan_create, measure_create, mutual_aid_fund_create
    from households.services import household_register
    from procedures.models import Kind, ReasonCode
    from procedures.services import case_open
    from villages.models import Division
    from villages.services import village_year_save

    village = Division.objects.get(code=FOREIGN_VILLAGE)
    h = household_register(
        user=admin,
        data={"code": "SECRET1", "village": village, "main_cause": 1, "attribute": 1, "identified_year": 2014},
        members=[member(MARKER), member("外区秘密成员", "son", born=date(1990, 1, 1))],
    )
    record = record_year(admin, h, 2015)
    change_status(admin, h, Status.EXITED_STABLE, date(2015, 12, 1))
    project = fc.project(admin, FOREIGN_VILLAGE, name="外区秘密项目")
    allocation = fc.allocate(admin, project, "100000")
    disbursement = fc.pay(admin, project, "5000", household=h)
    son = h.members.get(relation="son")
    loan = loan_create(
        user=admin,
        household=h,
        borrower=son,
        bank="外区银行",
        amount=Decimal("50000"),
        issued_on=date(2015, 3, 1),
        term_months=36,
    )
    measure = measure_create(user=admin, household=h, programme="industry", content="外区秘密措施", year=2015)
    fund = mutual_aid_fund_create(user=admin, village=village, name="外区秘密互助社", founded_year=2012)
    facts = village_year_save(user=admin, village=village, year=2015, data={"rural_population": 100})
    case = case_open(
        user=admin,
        household=h,
        kind=Kind.RETURN,
        on=date(2016, 3, 1),
        reason_code=ReasonCode.ILLNESS,
        reason="外区秘密原因",
    )
    return {
        "household": h.pk,
        "member": son.pk,
        "household-year": record.pk,
        "status-change": h.status_changes.first().pk,
        "project": project.pk,
        "allocation": allocation.pk,
        "disbursement": disbursement.pk,
        "loan": loan.pk,
        "measure": measure.pk,
        "mutual-aid-fund": fund.pk,
        "village-year": facts.pk,
        "division": FOREIGN_VILLAGE,
        "source": FundSource.objects.first().pk,
        "case": case.pk,
    }


def foreign_kwargs(name: str, params: list[str], w: dict) -> dict | None:
    """The URL's parameters pointing at the foreign object (None: the URL names no object of a region)."""
    kwargs = {}
    for param in params:
        if param == "pk" and name.endswith("-detail") or name.endswith("-status"):
            key = name.split(":")[1].rsplit("-", 1)[0]
            if key == "loan-status":
                key = "loan"
            kwargs["pk"] = w[key]
        elif param == "pk" and name.startswith("procedures:"):
            kwargs["pk"] = w["case"]
        elif param == "pk":
            kwargs["pk"] = w["household"]
        elif param in ("household", "village"):
            kwargs[param] = w["household"] if param == "household" else FOREIGN_VILLAGE
        elif param == "code":
            kwargs["code"] = FOREIGN_VILLAGE
        elif param in PER_URL.get(name, {}):
            kwargs[param] = PER_URL[name][param]
        elif param in FOREIGN:
            kwargs[param] = FOREIGN[param]
        else:
            pytest.fail(f"{name}: add the URL parameter {param!r} to FOREIGN in {__file__}")
    return kwargs


# Parameters that name no region's object, with a value that exists.
# A token is another user's pending upload: never in this session, so 404.
FOREIGN = {
    "year": 2015,
    "kind": "households",
    "fmt": "csv",
    "key": "incidence_by_region",
    "chart": "loan_coverage",
    "token": "AbCdEfGhIjKlMnOpQrStUvWx",
    "number": "1",
    "table": "children",
}
# Parameters whose values differ by URL.
PER_URL: dict[str, dict[str, object]] = {
    "printables:publicity": {"kind": "return"},
    "procedures:notice": {"kind": "exit"},
    # An objection of the foreign case: the case alone decides (the objection's number is never looked at first).
    "procedures:objection_done": {"objection": 1},
}
# Objects every signed-in user may read (the prefecture's fund sources).
PREFECTURE_WIDE = {"funds_api:source-detail"}


@pytest.fixture
def readers(db, zhuoni_clerk, chengguan_clerk):
    return [zhuoni_clerk, chengguan_clerk, make_user("zhuoni_official", Role.OFFICIAL, "623022")]


def test_no_url_shows_a_foreign_object_to_any_reader(client, world, readers):
    urls = all_urls()
    assert len(urls) > 50
    for user in readers:
        client.force_login(user)
        for _route, name, pattern in urls:
            params = list(pattern.pattern.regex.groupindex)
            kwargs = foreign_kwargs(name, params, world)
            url = reverse(name, kwargs=kwargs)
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            assert response.status_code < 500, (user.username, url, response.status_code)
            assert MARKER not in text and "外区秘密" not in text, (user.username, url)
            if kwargs and any(p in ("pk", "code") for p in params) and name not in PREFECTURE_WIDE:
                # 405: a write-only URL says nothing about the object.
                assert response.status_code in (404, 405), (user.username, url, response.status_code)
                posted = client.post(url, {})
                assert posted.status_code in (403, 404, 405), (user.username, url, posted.status_code)


def test_a_foreign_object_answers_exactly_like_a_missing_one(client, world, zhuoni_clerk):
    client.force_login(zhuoni_clerk)
    foreign = client.get(f"/households/{world['household']}/")
    missing = client.get("/households/99999999/")
    assert foreign.status_code == missing.status_code == 404
    api_foreign = client.get(f"/api/households/{world['household']}/")
    api_missing = client.get("/api/households/99999999/")
    assert api_foreign.json() == api_missing.json()


def test_the_marker_is_visible_where_it_may_be_so_the_check_above_can_fail(client, world, admin, lintan_clerk):
    for user in (admin, lintan_clerk):
        client.force_login(user)
        assert MARKER in client.get("/households/", {"q": "SECRET1"}).content.decode()
        assert MARKER in client.get(f"/households/{world['household']}/").content.decode()
