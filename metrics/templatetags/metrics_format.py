"""Numbers as officials read them, in the page's language: the template side of gannan.numbers."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gannan import numbers

register = template.Library()


def _english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter
def count(value: Any) -> str:
    """7.93万 for 10,000 and more in Chinese, 1,234 below; grouped digits in English."""
    return numbers.count(value, english=_english())


@register.filter
def grouped(value: Any) -> str:
    """17,457: a count written out in full, as in "共 17,457 户"."""
    return numbers.grouped(value)


@register.filter
def pct(value: Any) -> str:
    """13.6% (one decimal); — when unknown."""
    return numbers.pct(value)


@register.filter
def pct_change(value: Any) -> str:
    """Change in percentage points: +1.2 / −0.5."""
    number = numbers.as_decimal(value)
    if number is None:
        return numbers.DASH
    rounded = numbers.round_half_up(number, 1)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    return _("%(sign)s%(value)s 个百分点") % {"sign": sign, "value": abs(rounded)}


@register.filter
def yuan(value: Any) -> str:
    """3.07亿元 / 2,475.29万元 / 4,200元; ¥306,800,000 in English."""
    return numbers.money(value, english=_english())


@register.simple_block_tag
def kpi(
    content: str,
    *,
    label: Any,
    value: Any,
    key: str = "",
    raw: Any = "",
    href: str = "",
    tone: str = "",
    below: bool = False,
) -> str:
    """One KPI tile, the same markup on every page: label, value (a link with `href`), the block as its line below.

    `key` and `raw` mark the value for tests and scripts (data-kpi, data-raw); `tone` is poor or exit; `below`
    colours a figure that misses its target line.
    """
    return render_to_string(
        "metrics/_kpi.html",
        {
            "label": label,
            "value": value,
            "key": key,
            "raw": "" if raw is None else raw,
            "href": href,
            "tone": tone,
            "below": below,
            "delta": content,
        },
    )


@register.filter
def chart_rows(rows: list[tuple[str | None, str, list[str]]]) -> SafeString:
    """A chart's data table body from `views._chart_item`'s rows (link, first cell, the others), escaped.

    Built here rather than with template loops: a dashboard's tables hold about a thousand cells, and
    rendering them tag by tag was a third of the overview's template time.
    """
    return format_html_join(
        "",
        "<tr><td>{}</td>{}</tr>",
        (
            (
                format_html('<a href="{}">{}</a>', link, first) if link else first,
                format_html_join("", '<td class="num">{}</td>', ((v,) for v in rest)),
            )
            for link, first, rest in rows
        ),
    )
