from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from households.models import Cause, Status
from households.models import mask_id as _mask_id

register = template.Library()


@register.filter
def mask_id(value: str) -> str:
    """623021********1234: IDs in lists show the first 6 and last 4 characters only."""
    return _mask_id(value or "")


@register.filter
def cause_labels(codes: list[int] | None) -> str:
    """The secondary causes' names, e.g. "因病、缺技术"."""
    labels = dict(Cause.choices)
    return "、".join(str(labels.get(c, c)) for c in codes or [])


@register.filter
def tick(value: bool) -> str:
    """✓ in green or ✗ in red."""
    if value:
        return format_html('<span class="yes" title="{}">✓</span>', _("是"))
    return format_html('<span class="no" title="{}">✗</span>', _("否"))


@register.filter
def status_label(value: str) -> str:
    """A status code's name (a status read as at a year's end is a plain code, not a model field)."""
    return str(dict(Status.choices).get(value, ""))
