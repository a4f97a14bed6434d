"""Reads of the audit trail."""

from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries(*, user_id: int | None = None, household_code: str = "") -> QuerySet[AuditEntry]:
    """The trail, newest first, narrowed to one user and/or one household."""
    qs = AuditEntry.objects.select_related("user")
    if user_id:
        qs = qs.filter(user_id=user_id)
    if household_code:
        qs = qs.filter(household_code=household_code.strip())
    return qs.order_by("-at", "-id")
