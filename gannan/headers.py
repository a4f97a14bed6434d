"""Headers on every answer: Permissions-Policy, and no caching of pages or exports (they carry personal data)."""

from django.conf import settings


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.static = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if not request.path_info.startswith(self.static):
            # Households, names and ID numbers must not stay in a shared browser's or proxy's cache.
            response["Cache-Control"] = "private, no-store"
        return response
