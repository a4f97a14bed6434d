"""Who may call the API at all; each view's queryset then keeps callers inside their region (→ 404)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView


class ReadOrEditRegion(BasePermission):
    """Officials read; clerks and admins also write (within their region, checked by the services)."""

    message = _("您的账号只能查看数据，不能修改。")

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or user.can_edit_households


class DecideInRegion(BasePermission):
    """Officials read; clerks, admins, township reviewers and county approvers act on cases.

    The services say which step each may take.
    """

    message = _("您的账号只能查看数据，不能修改。")

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return (
            request.method in SAFE_METHODS
            or user.can_edit_households
            or user.is_township_reviewer
            or user.is_county_approver
        )
