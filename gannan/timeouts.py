"""No query outlives its request: PostgreSQL's statement_timeout for web requests only.

gunicorn kills a worker whose request takes longer than its timeout (30 s, README), but
PostgreSQL keeps running the query the dead worker asked for, holding a core and its locks
while the user retries. So each web request's statements run under `SET statement_timeout`
(`settings.REQUEST_STATEMENT_TIMEOUT_MS`, below the worker timeout): the server cancels the
query itself, the request answers the styled 503 "查询超时" page (gannan/errors.py) and the
worker lives on.

- Set lazily, before the request's first statement (a request that reads nothing opens no
  connection), on the session, in a cursor of its own (a server-side cursor cannot run SET).
- Reset (`RESET statement_timeout`) when the response is closed (`request_finished`, after a
  streamed body too), so a persistent connection (CONN_MAX_AGE) used later by anything else
  has no limit. A connection that cannot be reset is closed rather than reused.
- Background jobs (`manage.py db_worker`) and management commands never pass through the
  middleware: a long import or export there is not cut.
- SQLite: nothing to do. Its queries run inside the worker process and die with it; there is
  no server left running an orphaned query.

A SET made inside a transaction is undone if that transaction rolls back; the first statement
of a request is in practice the session or user look-up, outside any transaction.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import request_finished
from django.db import connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

logger = logging.getLogger(__name__)

# The raw connection (psycopg2) that carries this thread's request limit, if any.
_state = threading.local()


def limit_ms() -> int:
    """The limit for web requests on this database, 0 when none applies (setting 0, or not PostgreSQL)."""
    if connection.vendor != "postgresql":
        return 0
    return max(int(getattr(settings, "REQUEST_STATEMENT_TIMEOUT_MS", 0)), 0)


class _SetBeforeFirstStatement:
    """An execute wrapper: before the request's first statement on a (re)opened connection, SET the limit."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        raw = connection.connection
        if raw is not None and getattr(_state, "raw", None) is not raw:
            with raw.cursor() as cursor:
                cursor.execute("SET statement_timeout = %s", [self.ms])
            _state.raw = raw
        return execute(sql, params, many, context)


class StatementTimeoutMiddleware:
    """On PostgreSQL, the request's statements are cancelled after REQUEST_STATEMENT_TIMEOUT_MS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        ms = limit_ms()
        if not ms:
            return self.get_response(request)
        reset_statement_timeout()  # a previous response never closed: start clean
        with connection.execute_wrapper(_SetBeforeFirstStatement(ms)):
            return self.get_response(request)


@receiver(request_finished, dispatch_uid="gannan.timeouts.reset")
def reset_statement_timeout(**kwargs: Any) -> None:
    """Take the request's limit off the connection it was set on, if that connection is still open."""
    raw = getattr(_state, "raw", None)
    if raw is None:
        return
    _state.raw = None
    if connection.connection is not raw or raw.closed:
        return  # closed (or replaced) since: the new session never had the limit
    try:
        with raw.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    except Exception:  # psycopg2's own errors: the raw cursor is not wrapped by Django
        if connection.in_atomic_block:
            return  # an aborted transaction (tests run inside one): its rollback ends it, the connection stays
        logger.warning("statement_timeout could not be reset; closing the connection", exc_info=True)
        connection.close()
