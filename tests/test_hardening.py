"""What the outside security and reliability test found, each as a test that would have caught it (issue 13)."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from rest_framework.test import APIClient

from funds.services import loan_create
from households.models import HouseholdYear, StatusChange
from households.services import household_update
from tests.conftest import member, record_year, register

CHENGGUAN = "623021100201"
SCRIPT = "<script>alert(1)</script>"


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


# --- reflected XSS and the styled error pages ----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/", "/region/623021/", "/region/623021/chart/incidence_by_region.csv", "/region/623021/export.xlsx", "/funds/"],
)
def test_a_bad_year_is_a_styled_400_that_escapes_the_value(client, lintan_official, url):
    client.force_login(lintan_official)
    response = client.get(url, {"year": SCRIPT})
    body = response.content.decode()
    assert response.status_code == 400
    assert SCRIPT not in body and "&lt;script&gt;" in body
    assert "参数 year 必须是 2011 至" in body and "请求有误" in body  # the site's layout, the parameter named


@pytest.mark.parametrize("value", ["0", "1", "2100", "99999999999999999999", "-1", "0.001"])
def test_years_outside_the_calendar_are_refused_naming_the_parameter_everywhere(client, lintan_clerk, value):
    client.force_login(lintan_clerk)
    assert client.get("/", {"year": value}).status_code == 400
    assert client.get("/funds/", {"year": value}).status_code == 400
    assert client.get("/households/", {"year": value}).status_code == 400
    assert client.get("/procedures/villages/", {"year": value}).status_code == 400
    for url, name in [
        ("/api/funds/loans/", "issued_year"),
        ("/api/households/", "identified_year"),
        ("/api/households/", "year"),
        ("/api/household-years/", "year"),
        ("/api/metrics/summary/", "year"),
    ]:
        response = api(lintan_clerk).get(url, {name: value})
        assert response.status_code == 400, (url, value)
        assert name in response.json()


@pytest.mark.parametrize("year", [0, 1, 2100])
def test_an_identification_year_outside_the_calendar_is_refused_on_the_api(lintan_clerk, year):
    response = api(lintan_clerk).post(
        "/api/households/",
        {"code": "Y1", "village": CHENGGUAN, "main_cause": 1, "identified_year": year, "members": [member("甲")]},
        format="json",
    )
    assert response.status_code == 400
    assert "参数 identified_year 必须是 2011 至" in response.json()["identified_year"][0]


def test_a_missing_household_is_the_styled_404_even_with_debug_on(client, lintan_clerk):
    client.force_login(lintan_clerk)
    with override_settings(DEBUG=True):
        response = client.get("/households/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() and "Traceback" not in response.content.decode()


def test_the_error_pages_speak_english_too(client, lintan_clerk):
    client.force_login(lintan_clerk)
    client.cookies["django_language"] = "en"
    assert "Page not found" in client.get("/households/999999/").content.decode()
    assert "Bad request" in client.get("/", {"year": "x"}).content.decode()


def test_a_database_that_cannot_be_reached_answers_503_retry(client, lintan_official):
    client.force_login(lintan_official)
    down = OperationalError("server closed the connection unexpectedly")
    with mock.patch("metrics.views._board", side_effect=down):
        response = client.get("/region/623021/")
    with mock.patch("metrics.api.data_year", side_effect=down):
        api_response = api(lintan_official).get("/api/metrics/summary/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "数据库暂时不可用" in response.content.decode() and "Traceback" not in response.content.decode()
    assert api_response.status_code == 503 and "稍后重试" in api_response.json()["detail"]


# --- 500s ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"attribute": "abc"},
        {"main_cause": "x"},
        {"status": "nonsense"},
        {"q": "张\x00"},
        {"division": "\x00"},
        {"status": "\x00"},
    ],
)
def test_bad_filter_values_are_refused_on_the_list_and_the_exports(client, lintan_clerk, query):
    client.force_login(lintan_clerk)
    for url in ["/households/", "/data/export/households.csv", "/data/export/households.xlsx"]:
        response = client.get(url, query)
        assert response.status_code == 400, url
        assert "筛选条件" in response.content.decode()


def test_a_nul_in_an_api_search_is_refused(lintan_clerk):
    assert api(lintan_clerk).get("/api/households/", {"q": "a\x00"}).status_code == 400


def test_leaving_out_a_member_who_borrowed_names_the_loan(lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN, "L1", size=1)
    head = h.members.get(relation="head")
    household_update(
        user=lintan_clerk,
        household=h,
        data={},
        version=h.version,
        members=[
            {"id": head.pk, "name": head.name, "id_number": head.id_number, "relation": "head"},
            member("借款的儿子", "son", born=date(1990, 1, 1)),
        ],
    )
    h.refresh_from_db()
    son = h.members.get(relation="son")
    loan_create(
        user=lintan_clerk,
        household=h,
        borrower=son,
        bank="农村信用社",
        amount=Decimal("50000"),
        issued_on=date(2015, 3, 1),
        term_months=36,
    )
    keep = [{"id": head.pk, "name": head.name, "id_number": head.id_number, "relation": "head"}]
    with pytest.raises(ValidationError) as e:
        household_update(
            user=lintan_clerk, household=h, data={}, version=h.version, members=keep, correction="录入错误"
        )
    assert "精准扶贫专项贷款" in e.value.message_dict["members"][0] and son.name in e.value.message_dict["members"][0]
    assert h.members.count() == 2
    h.refresh_from_db()
    response = api(lintan_clerk).put(
        f"/api/households/{h.pk}/",
        {
            "code": "L1",
            "village": CHENGGUAN,
            "main_cause": 1,
            "attribute": 1,
            "identified_year": 2014,
            "version": h.version,
            "members": keep,
            "correction": "录入错误",
        },
        format="json",
    )
    assert response.status_code == 400 and "精准扶贫专项贷款" in response.json()["members"][0]


# --- lost updates -----------------------------------------------------------------------------------


def test_a_yearly_record_changed_by_someone_else_is_not_overwritten(lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN, "V1")
    record = record_year(lintan_clerk, h, 2015)
    url = f"/api/household-years/{record.pk}/"
    first = api(lintan_clerk).patch(url, {"income_per_capita": "4100.00", "version": record.version}, format="json")
    second = api(lintan_clerk).patch(url, {"income_per_capita": "4200.00", "version": record.version}, format="json")
    assert first.status_code == 200 and second.status_code == 409
    assert HouseholdYear.objects.get(pk=record.pk).income_per_capita == Decimal("4100.00")
    assert api(lintan_clerk).patch(url, {"income_per_capita": "1"}, format="json").status_code == 400


def test_the_same_status_change_twice_is_recorded_once(lintan_clerk):
    from households.models import Status
    from tests.conftest import change_status

    h = register(lintan_clerk, CHENGGUAN, "S1")
    change_status(lintan_clerk, h, Status.REMOVED, date(2015, 5, 1), reason="错评")
    stale = type(h).objects.get(pk=h.pk)
    with pytest.raises(ValidationError):
        change_status(lintan_clerk, stale, Status.REMOVED, date(2015, 5, 1), reason="错评")
    assert list(StatusChange.objects.filter(household=h).values_list("status", flat=True)) == ["identified", "removed"]


# --- messages that confirm foreign data ---------------------------------------------------------------


def test_a_foreign_village_reads_like_a_missing_one_on_the_village_facts_api(zhuoni_clerk):
    foreign = api(zhuoni_clerk).post(
        "/api/village-years/", {"village": CHENGGUAN, "year": 2015, "rural_population": 1}, format="json"
    )
    missing = api(zhuoni_clerk).post(
        "/api/village-years/", {"village": "623021100299", "year": 2015, "rural_population": 1}, format="json"
    )
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json()["village"][0].replace(CHENGGUAN, "X") == missing.json()["village"][0].replace(
        "623021100299", "X"
    )


def test_the_browsable_api_is_off(lintan_clerk):
    client = api(lintan_clerk)
    assert client.get("/api/village-years/", {"format": "api"}).status_code == 404
    response = client.get("/api/village-years/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("application/json")
    assert "<select" not in response.content.decode()


# --- configuration -----------------------------------------------------------------------------------------


def test_every_page_sends_the_security_headers(client, lintan_clerk):
    client.force_login(lintan_clerk)
    for url in ["/", "/households/", "/data/export/households.csv"]:
        response = client.get(url)
        assert response["Cache-Control"] == "private, no-store", url
        assert "camera=()" in response["Permissions-Policy"]
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_a_session_lasts_a_working_day(settings):
    assert settings.SESSION_COOKIE_AGE == 10 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_the_production_settings_pass_the_deployment_check(monkeypatch, capsys):
    import subprocess
    import sys

    env = {
        "DJANGO_SECRET_KEY": "x" * 60 + "Q7!k",
        "DJANGO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "gannan.settings",
        "PATH": "/usr/bin:/bin",
        "DJANGO_ALLOWED_HOSTS": "fupin.example.gov.cn",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_wrong_api_tokens_from_one_address_are_throttled(db, settings):
    from django.core.cache import cache

    cache.clear()
    client = APIClient(REMOTE_ADDR="10.0.0.9")
    statuses = [client.get("/api/households/", HTTP_AUTHORIZATION=f"Token wrong{i}").status_code for i in range(22)]
    assert statuses[:20] == [401] * 20 and statuses[-1] == 429
    cache.clear()


def test_failed_logins_from_one_address_lock_the_address_across_usernames(client, lintan_clerk, settings):
    settings.AXES_IP_FAILURE_LIMIT = 6
    for i in range(6):
        client.post("/accounts/login/", {"username": f"someone{i}", "password": "x"}, REMOTE_ADDR="10.1.1.1")
    # The right password of a user never tried from there is refused too: the address is locked.
    locked = client.post(
        "/accounts/login/", {"username": "lintan_clerk", "password": "pw-lintan_clerk"}, REMOTE_ADDR="10.1.1.1"
    )
    assert locked.status_code in (403, 429)
    # From another desk the user still signs in: one address cannot lock others out.
    elsewhere = client.post(
        "/accounts/login/", {"username": "lintan_clerk", "password": "pw-lintan_clerk"}, REMOTE_ADDR="10.1.1.2"
    )
    assert elsewhere.status_code == 302


def test_the_deploy_check_command_exists():
    call_command("check")
