"""Numbers as officials read them: 万 for large counts in Chinese (k in English), percent with one decimal, yuan."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _round(value: Any, places: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@register.filter
def count(value: Any) -> str:
    """7.93万 / 79.3k for 10,000 and more; 1,234 below."""
    if value is None or value == "":
        return "—"
    value = int(value)
    if abs(value) >= 10_000:
        if _english():
            return f"{_round(value / 1000, 1):,}k"
        return f"{_round(value / 10_000, 2)}万"
    return f"{value:,}"


@register.filter
def pct(value: Any) -> str:
    """13.6% (one decimal); — when unknown."""
    if value is None or value == "":
        return "—"
    return f"{_round(value, 1)}%"


@register.filter
def pct_change(value: Any) -> str:
    """Change in percentage points: +1.2 / −0.5."""
    if value is None or value == "":
        return "—"
    rounded = _round(value, 1)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    return _("%(sign)s%(value)s 个百分点") % {"sign": sign, "value": abs(rounded)}


@register.filter
def yuan(value: Any) -> str:
    """12,345.00 元 / 1.23万元 (yuan)."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    if abs(amount) >= 10_000 and not _english():
        return f"{_round(amount / 10_000, 2)}万元"
    if _english():
        return f"¥{_round(amount, 2):,}"
    return f"{_round(amount, 2):,}元"
