"""The request a view sees: LoginRequiredMiddleware lets no anonymous user reach a view that is not
marked login_not_required, so such views may type `request.user` as the User model."""

from django.http import HttpRequest

from .models import User


class AuthenticatedRequest(HttpRequest):
    user: User
