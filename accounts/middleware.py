from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponseBase


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Login everywhere, except the API: DRF authenticates it (session or token) and answers 401/403 itself."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ChineseFirstMiddleware:
    """Chinese unless the user picks English with the header switch (a cookie).

    County-office browsers often announce English; the browser's
    Accept-Language is therefore not consulted.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
