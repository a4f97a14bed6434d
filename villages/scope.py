"""Region scope: every list, view, API call and export filters through here.

It lives with the divisions (the bottom of the import chain) and asks the user
only for `scope_prefix` and `sees_nothing`, so accounts and villages do not
import each other.
"""

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Division

if TYPE_CHECKING:  # for the annotations only: villages never imports accounts at run time
    from accounts.models import User

M = TypeVar("M", bound=Model)


def in_scope(user: "User", code: str) -> bool:
    """True when the division `code` lies inside the user's region."""
    return not user.sees_nothing and code.startswith(user.scope_prefix)


def can_edit_region(user: "User", code: str) -> bool:
    """True when `user` may change data of the division `code`: clerks and admins, inside their region."""
    return user.can_edit_households and in_scope(user, code)


def scope_filter(queryset: QuerySet[M], user: "User", field: str) -> QuerySet[M]:
    """Restrict `queryset` to rows whose division code `field` lies in the user's region.

    A foreign key's attname ("village_id") is read as the division's code
    ("village__pk"): Django has no `startswith` on a foreign key, and the
    code is the primary key, so the filter stays on the local column (no join).
    """
    if field.endswith("_id"):
        field = field[: -len("_id")] + "__pk"
    if user.sees_nothing:
        return queryset.none()
    prefix = user.scope_prefix
    if prefix == "":
        return queryset
    return queryset.filter(**{f"{field}__startswith": prefix})


def division_for(user: "User", code: str) -> Division:
    """The division `code` if the user may see it; 404 otherwise, as if it did not exist."""
    if not in_scope(user, code):
        raise Http404
    try:
        return Division.objects.get(code=code)
    except Division.DoesNotExist:
        raise Http404 from None


def home_division(user: "User") -> Division:
    """The division a user's pages open on: their own, or the prefecture for an unscoped admin."""
    if user.division is not None:
        return user.division
    return Division.objects.get(code="623000")
