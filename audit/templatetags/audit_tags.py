"""Showing audit rows: field labels and values as the clerk knows them, not column names and codes."""

from functools import cache
from typing import Any

from django import template
from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from audit.models import AuditEntry

register = template.Library()


@cache
def _fields() -> dict[str, dict[str, models.Field]]:
    """{model_name: {field name and attname: field}} for every installed model."""
    found: dict[str, dict[str, models.Field]] = {}
    for model in apps.get_models():
        by_name = found.setdefault(model._meta.model_name, {})
        for field in model._meta.concrete_fields:
            by_name[field.name] = by_name[field.attname] = field
    return found


def _show(field: models.Field | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


@register.filter
def audit_changes(entry: AuditEntry) -> list[dict[str, str]]:
    """[{label, old, new}] for each changed field of the entry."""
    fields = _fields().get(entry.object_type, {})
    rows = []
    for name, pair in (entry.changes or {}).items():
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        field = fields.get(name)
        rows.append({
            "label": str(field.verbose_name) if field is not None else name,
            "old": _show(field, old),
            "new": _show(field, new),
        })
    return rows
