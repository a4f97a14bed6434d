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
        by_name = found.setdefault(model._meta.model_name or "", {})
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


# An import writes one row per household, nesting the values of what it created with it
# (households.services.households_register_bulk): {key: model name}.
NESTED = {"members": "member", "status_changes": "statuschange", "year": "householdyear"}


def _show_nested(model_name: str, value: Any) -> str:
    """A nested record (or a list of them) as "label：value" pairs, records separated by "；"."""
    if value is None:
        return "—"
    if not isinstance(value, (list, dict)):
        return _show(None, value)  # a plain figure, e.g. seed_demo's row counts
    fields = _fields().get(model_name, {})
    records = value if isinstance(value, list) else [value]
    return (
        "；".join(
            "，".join(
                f"{fields[k].verbose_name if k in fields else k}：{_show(fields.get(k), v)}" for k, v in record.items()
            )
            for record in records
            if isinstance(record, dict)
        )
        or "—"
    )


@register.filter
def audit_changes(entry: AuditEntry) -> list[dict[str, str]]:
    """[{label, old, new}] for each changed field of the entry."""
    fields = _fields().get(entry.object_type, {})
    rows = []
    for name, pair in (entry.changes or {}).items():
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        field = fields.get(name)
        nested = NESTED.get(name) if field is None else None
        if nested is not None:
            rows.append(
                {
                    "label": str(apps.get_model("households", nested)._meta.verbose_name),
                    "old": _show_nested(nested, old),
                    "new": _show_nested(nested, new),
                }
            )
            continue
        rows.append(
            {
                "label": str(field.verbose_name) if field is not None else name,
                "old": _show(field, old),
                "new": _show(field, new),
            }
        )
    return rows
