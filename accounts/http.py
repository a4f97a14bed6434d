"""The request a view sees: LoginRequiredMiddleware lets no anonymous user reach a view that is not
marked login_not_required, so such views may type `request.user` as the User model."""

from django.http import HttpRequest
from rest_framework.request import Request

from .models import User


class AuthenticatedRequest(HttpRequest):
    """A page request behind LoginRequiredMiddleware."""

    user: User


class AuthenticatedAPIRequest(Request):
    """The same for an API view whose permission class refuses anonymous callers (ReadOrEditRegion)."""

    user: User
