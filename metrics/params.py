"""Parsing of the region and year parameters shared by pages and API."""

import re

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from gannan.lib.calendar import FIRST_YEAR, last_year
from households.models import StatusChange
from villages.models import Division
from villages.scope import division_for, home_division

REGION_CODE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")


def data_year() -> int:
    """The latest year with data: the year of the newest status change, at most this year (FIRST_YEAR if none).

    The default year of pages and API, so a register whose history ends before
    this year does not open on a year of empty charts.
    """
    newest = StatusChange.objects.aggregate(newest=Max("date"))["newest"]
    return FIRST_YEAR if newest is None else max(FIRST_YEAR, min(last_year(), newest.year))


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
