"""Lets the household page show a household's measures, loans and funds without households importing funds."""

from django import template

from funds.selectors import household_funds as household_funds_selector

register = template.Library()


@register.inclusion_tag("funds/_household_funds.html", takes_context=True)
def household_funds(context, household):
    return {
        "funds": household_funds_selector(household=household),
        "household": household,
        "can_edit": context.get("can_edit", False),
        "request": context.get("request"),
    }
