"""The one way to write the audit trail."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models

from accounts.models import User

from .models import Action, AuditEntry


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value (dates and money as strings)."""
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of `obj`, JSON-safe, keyed by field name (foreign keys by attname)."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _plain(getattr(obj, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value changed."""
    keys = before.keys() | after.keys()
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def audit_record(
    *,
    user: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    changes: dict[str, Any] | None = None,
    household_code: str = "",
    region_code: str = "",
    summary: str = "",
    batch: str = "",
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_id = object_id or str(obj.pk)
    return AuditEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        household_code=household_code,
        region_code=region_code,
        summary=summary[:300],
        changes=changes or {},
        batch=batch[:200],
    )


__all__ = ["Action", "audit_record", "diff", "snapshot"]
