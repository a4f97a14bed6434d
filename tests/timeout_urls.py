"""Test-only views around the request's statement_timeout, in front of the site's own URLs."""

from django.db import connection
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import include, path


def _statement_timeout() -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def sleep(request):
    """A query that takes ?s= seconds (PostgreSQL's pg_sleep)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [float(request.GET.get("s", "1"))])
    return JsonResponse({"slept": True})


def show(request):
    """The limit this request's statements run under, and whether the middleware wrapped the connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"statement_timeout": _statement_timeout(), "wrappers": len(connection.execute_wrappers)})


def stream(request):
    """A streamed body whose rows query the database after the view has returned."""

    def rows():
        yield "start\n"
        yield f"{_statement_timeout()}\n"

    return StreamingHttpResponse(rows(), content_type="text/plain")


urlpatterns = [
    path("test-timeout/sleep/", sleep),
    path("api/test-timeout/sleep/", sleep),
    path("test-timeout/show/", show),
    path("test-timeout/stream/", stream),
    path("", include("gannan.urls")),
]
