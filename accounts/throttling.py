"""Throttling of guessed credentials: logins (django-axes) and API tokens (DRF).

Logins: AXES_FAILURE_LIMIT failures lock one username from one address (so a
user mistyping cannot lock a colleague out from another desk), and
AXES_IP_FAILURE_LIMIT failures from one address over any usernames lock that
address (so one machine cannot try a password on every account). The client
address is read as settings.py documents (DJANGO_PROXY_COUNT).
"""

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:  # DRF imports the authentication classes while rest_framework.views loads
    from rest_framework.request import Request
    from rest_framework.views import APIView


class LoginThrottle(AxesDatabaseHandler):  # type: ignore[misc]  # django-axes ships no types
    """The pair limit of axes, plus a wider limit per address."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        per_pair = int(super().get_failures(request, credentials))
        ip = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
        since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
        per_ip = int(
            AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
                n=Sum("failures_since_start")
            )["n"]
            or 0
        )
        if per_ip >= settings.AXES_IP_FAILURE_LIMIT:
            return max(per_pair, settings.AXES_FAILURE_LIMIT)
        return per_pair


class FailedTokenThrottle(SimpleRateThrottle):
    """Counts wrong tokens per client address (only failures, never good requests)."""

    scope = "failed_token"
    num_requests: int  # set from the rate by SimpleRateThrottle.__init__
    duration: int

    def get_cache_key(self, request: "Request", view: "APIView | None" = None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def wait_for(self, request: "Request") -> float | None:
        """Seconds to wait when the address is over the rate, else None."""
        self.key = self.get_cache_key(request)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return self.wait() if len(self.history) >= self.num_requests else None

    def record_failure(self) -> None:
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


class ThrottledTokenAuthentication(TokenAuthentication):
    """Token authentication; after too many wrong tokens from one address, 429 until the window passes."""

    def authenticate(self, request: "Request") -> tuple[Any, Any] | None:
        if not get_authorization_header(request).startswith(
            self.keyword.lower().encode() + b" "
        ) and not get_authorization_header(request).startswith(self.keyword.encode() + b" "):
            return None
        throttle = FailedTokenThrottle()
        wait = throttle.wait_for(request)
        if wait is not None:
            raise exceptions.Throttled(wait)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record_failure()
            raise
