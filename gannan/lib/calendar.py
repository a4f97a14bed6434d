"""The platform's calendar: which years exist, where a year ends, and how a year is read from a request or a form.

The campaign's figures start at the end of 2011 (the seed's baseline), and no
year after this one has data. A few dates of record (a village's poor listing,
a mutual-aid fund's founding) may predate the campaign: they start at
EARLIEST_RECORD_YEAR. Every page, export, API parameter, form and import reads
years through here, so a bad year is refused the same way (400, naming the
parameter) everywhere.
"""

import re
from collections.abc import Callable
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_YEAR = 2011
EARLIEST_RECORD_YEAR = 2000
YEAR = re.compile(r"\d{4}")


def last_year() -> int:
    """This year: the newest year that can have data."""
    return timezone.localdate().year


def year_end(year: int) -> date:
    """The day a year's figures are taken (status at 31 December)."""
    return date(year, 12, 31)


def year_event_date(year: int, *, today: date | None = None) -> date:
    """The date of an event known only by its year: 31 December, or today in the current year (no future dates).

    `today` when the caller dates many events (an import): the local date costs a time-zone conversion.
    """
    today = today or timezone.localdate()
    return today if year >= today.year else year_end(year)


def years_descending() -> list[int]:
    """The years a year switch offers, newest first."""
    return list(range(last_year(), FIRST_YEAR - 1, -1))


def year_message(*, name: str, value: object, first: int = FIRST_YEAR) -> str:
    return _("参数 %(name)s 必须是 %(first)d 至 %(last)d 之间的四位年份，收到的是“%(value)s”。") % {
        "name": name,
        "first": first,
        "last": last_year(),
        "value": str(value)[:40],
    }


def check_year(value: object, *, name: str, first: int = FIRST_YEAR) -> int:
    """`value` (text or number) as a year from `first` to this year; ValidationError keyed by `name` otherwise."""
    text = str(value).strip() if value is not None else ""
    if isinstance(value, bool) or not YEAR.fullmatch(text) or not first <= int(text) <= last_year():
        raise ValidationError({name: [year_message(name=name, value=value, first=first)]}, code="year")
    return int(text)


def parse_year(value: str | None, *, name: str, default: int | Callable[[], int], first: int = FIRST_YEAR) -> int:
    """A query parameter's year; a callable `default` is only called when the parameter is absent."""
    if value in (None, ""):
        return default() if callable(default) else default
    return check_year(value, name=name, first=first)


class YearField(forms.IntegerField):
    """A form (or filter) field for a year of the calendar; the message names the field."""

    def __init__(self, *args, param: str = "year", first: int = FIRST_YEAR, **kwargs):
        self.param, self.first = param, first
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(min=first, max=last_year())

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return check_year(value, name=self.param, first=self.first)
        except ValidationError as e:
            raise ValidationError(e.message_dict[self.param], code="year") from None
