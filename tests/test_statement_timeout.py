"""No query outlives its request (gannan/timeouts.py): on PostgreSQL a web request's statements are cancelled
past REQUEST_STATEMENT_TIMEOUT_MS and the user gets the styled 503 "查询超时"; the limit is taken off the
connection when the response closes, so a management command (or the job worker) on it is never cut.
On SQLite the middleware does nothing."""

import pytest
from django.core.management import call_command
from django.db import connection

from gannan.timeouts import limit_ms

pytestmark = pytest.mark.urls("tests.timeout_urls")

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's (run with DATABASE_URL=postgres://…)"
)


def show_statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_query_past_the_requests_timeout_answers_the_styled_page(client, settings, lintan_official):
    settings.REQUEST_STATEMENT_TIMEOUT_MS = 100
    client.force_login(lintan_official)
    response = client.get("/test-timeout/sleep/?s=3")
    assert response.status_code == 503
    html = response.content.decode()
    assert "查询超时，请缩小范围后重试。" in html and '<section class="card error-page">' in html
    assert "Traceback" not in html and "pg_sleep" not in html
    assert "Retry-After" not in response  # the same query would be cut again
    api = client.get("/api/test-timeout/sleep/?s=3")
    assert api.status_code == 503 and api.json() == {"detail": "查询超时，请缩小范围后重试。"}
    # The worker's connection lives on, without the limit.
    assert show_statement_timeout() == "0"
    client.cookies["django_language"] = "en"
    english = client.get("/test-timeout/sleep/?s=3", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 503 and "The query took too long" in english.content.decode()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_limit_is_the_requests_only_and_a_command_on_the_same_connection_is_not_cut(
    client, settings, lintan_official
):
    settings.REQUEST_STATEMENT_TIMEOUT_MS = 100
    client.force_login(lintan_official)
    assert client.get("/test-timeout/show/").json() == {"statement_timeout": "100ms", "wrappers": 1}
    # The test client runs the request in this thread: the same (persistent) connection, now reset.
    assert show_statement_timeout() == "0"
    call_command(
        "shell",
        command=(
            "from django.db import connection\n"
            "with connection.cursor() as cursor:\n"
            "    cursor.execute('SELECT pg_sleep(0.5)')\n"
        ),
    )
    # A streamed body runs under the limit while it is sent, and the connection is reset once it is closed.
    response = client.get("/test-timeout/stream/")
    assert b"".join(response.streaming_content).decode() == "start\n100ms\n"
    response.close()
    assert show_statement_timeout() == "0"


def test_a_request_that_reads_nothing_touches_no_database(client, settings):
    """No `db` fixture: any query (the SET included) would fail the test. The limit is set lazily."""
    settings.REQUEST_STATEMENT_TIMEOUT_MS = 100
    assert client.get("/accounts/login/").status_code == 200


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite case (run without DATABASE_URL)")
def test_on_sqlite_the_middleware_does_nothing(client, settings, lintan_official):
    settings.REQUEST_STATEMENT_TIMEOUT_MS = 1
    assert limit_ms() == 0
    client.force_login(lintan_official)
    assert client.get("/test-timeout/show/").json() == {"statement_timeout": None, "wrappers": 0}


def test_the_limit_can_be_turned_off(client, settings, lintan_official):
    settings.REQUEST_STATEMENT_TIMEOUT_MS = 0
    client.force_login(lintan_official)
    body = client.get("/test-timeout/show/").json()
    assert body["wrappers"] == 0 and body["statement_timeout"] in (None, "0")
