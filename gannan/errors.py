"""The styled error pages (400, 403, 404, 500, 503), with DEBUG on or off.

Every refusal a page gives renders through `templates/<status>.html` in the
site's layout, with the reason escaped by the template (never echoed raw).
`ErrorPagesMiddleware` turns a view's Http404, PermissionDenied, BadRequest or
ValidationError into that page even with DEBUG on, so `make run` shows users
the same page as production. A database that cannot be reached (a restart)
answers 503 "retry" instead of 500, for pages and API alike; a query cancelled by
the request's statement_timeout (gannan/timeouts.py) answers 503 "查询超时，请缩小
范围后重试".
"""

import logging
import sys

from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = "5"
# SQLSTATE 57014 query_canceled: the statement_timeout (or an administrator's pg_cancel_backend).
QUERY_CANCELED = "57014"

logger = logging.getLogger(__name__)


def is_query_canceled(exception: BaseException | None) -> bool:
    """A query the database cancelled (psycopg2's QueryCanceled, wrapped by Django as OperationalError)."""
    while exception is not None:
        code = getattr(exception, "pgcode", None) or getattr(exception, "sqlstate", None)
        if code == QUERY_CANCELED:
            return True
        exception = exception.__cause__
    return False


def _messages(exception: BaseException | None) -> list[str]:
    if isinstance(exception, ValidationError):
        return list(exception.messages)
    if isinstance(exception, (BadRequest, PermissionDenied, Http404)) and exception.args:
        return [str(a) for a in exception.args if isinstance(a, str) and a]
    return []


def error_page(
    request: HttpRequest, status: int, exception: BaseException | None = None, *, timed_out: bool = False
) -> HttpResponse:
    """The styled page for `status`. 500 and 503 render without touching the database (it may be the cause)."""
    template = loader.get_template(f"{status}.html")
    context = {
        "messages_shown": _messages(exception) if status in (400, 404, 403) else [],
        "status": status,
        "timed_out": timed_out,
    }
    if status in (500, 503):
        body = template.render(context)  # no request: no user lookup, no session
    else:
        body = template.render(context, request)
    response = HttpResponse(body, status=status)
    if status == 503 and not timed_out:  # the same query would time out again: no "retry in 5 s"
        response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def query_timed_out(request: HttpRequest) -> HttpResponse:
    """503: the request's query ran past its statement_timeout and the database cancelled it."""
    logger.warning("query cancelled by the request's statement_timeout: %s %s", request.method, request.path)
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": _("查询超时，请缩小范围后重试。")}, status=503)
    return error_page(request, 503, timed_out=True)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": _("数据库暂时无法连接，请稍后重试。")}, status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    return error_page(request, 503)


def bad_request(request, exception=None):
    return error_page(request, 400, exception)


def permission_denied(request, exception=None):
    return error_page(request, 403, exception)


def page_not_found(request, exception=None):
    # The resolver's own message names URL patterns: not for users.
    return error_page(
        request, 404, exception if isinstance(exception, Http404) and not _is_resolver(exception) else None
    )


def server_error(request):
    """500, unless the cause is the database: a cancelled query 503 "timed out", an unreachable one 503 "retry"."""
    exception = sys.exc_info()[1]
    if is_query_canceled(exception):
        return query_timed_out(request)
    if isinstance(exception, DATABASE_DOWN):
        return database_unavailable(request)
    return error_page(request, 500)


def _is_resolver(exception: BaseException) -> bool:
    return bool(exception.args) and isinstance(exception.args[0], dict)


class ErrorPagesMiddleware:
    """A view's refusal as the styled page, DEBUG or not; an unreachable database as 503.

    The API answers its own errors (DRF); only the database case reaches here from it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_query_canceled(exception):
            return query_timed_out(request)
        if isinstance(exception, DATABASE_DOWN):
            return database_unavailable(request)
        if isinstance(exception, Http404):
            return error_page(request, 404, exception)
        if isinstance(exception, PermissionDenied):
            return error_page(request, 403, exception)
        if isinstance(exception, (BadRequest, ValidationError)):
            return error_page(request, 400, exception)
        return None
