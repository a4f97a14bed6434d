"""Parsing of the region and year parameters shared by pages and API."""

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from households.models import StatusChange
from villages.models import Division
from villages.scope import division_for, home_division

from .queries import FIRST_YEAR, last_year

REGION_CODE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")


def data_year() -> int:
    """The latest year with data: the year of the newest status change, at most this year (FIRST_YEAR if none).

    The default year of pages and API, so a register whose history ends before
    this year does not open on a year of empty charts.
    """
    newest = StatusChange.objects.aggregate(newest=Max("date"))["newest"]
    return FIRST_YEAR if newest is None else max(FIRST_YEAR, min(last_year(), newest.year))


def parse_year(value: str | None, *, name: str, default: int | Callable[[], int]) -> int:
    """A four-digit year from FIRST_YEAR to this year; ValidationError naming `name` otherwise.

    A callable `default` is only called when the parameter is absent.
    """
    if value in (None, ""):
        return default() if callable(default) else default
    if not re.fullmatch(r"\d{4}", value) or not FIRST_YEAR <= int(value) <= last_year():
        raise ValidationError(
            {name: [_("参数 %(name)s 必须是 %(first)d 至 %(last)d 之间的四位年份，收到的是“%(value)s”。")
                    % {"name": name, "first": FIRST_YEAR, "last": last_year(), "value": value}]}
        )
    return int(value)


def parse_region(user: User, value: str | None) -> Division:
    """The division named by `value` (the user's home division when absent); 404 outside the user's region."""
    if value in (None, ""):
        return division_for(user, home_division(user).code)
    if not REGION_CODE.match(value):
        raise ValidationError(
            {"region": [_("参数 region 必须是 6、9 或 12 位的区划代码，收到的是“%(value)s”。") % {"value": value}]}
        )
    return division_for(user, value)


def check_order(first: int, last: int) -> None:
    if first > last:
        raise ValidationError({"from": [_("参数 from（%(a)d）不能晚于 to（%(b)d）。") % {"a": first, "b": last}]})
