"""Resident ID numbers (居民身份证号码, GB 11643), checked with python-stdnum."""

import re
import unicodedata
from datetime import date
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric
from stdnum.util import isdigits

# Already compact: what `ric.compact` would give back, upper-cased.
_PLAIN = re.compile(r"[0-9Xx]*")


def normalize_id(raw: str) -> str:
    """Full-width digits to ASCII, lowercase x to X, spaces dropped."""
    if isinstance(raw, str) and _PLAIN.fullmatch(raw):
        return raw.upper()
    # stdnum only strips the ends; clerks paste numbers grouped with spaces (also full-width ones).
    return ric.compact("".join(unicodedata.normalize("NFKC", str(raw or "")).split()))


@lru_cache(maxsize=65536)
def _area_valid(area: str, year: int) -> bool:
    """Whether stdnum knows the 6-digit area code as a county in `year`.

    The look-up (numdb) costs far more than the rest of the check and an
    import repeats the same few areas and years, hence the cache.
    """
    try:
        ric.get_birth_place(f"{area}{year:04d}01010000")
    except (stdnum_errors.InvalidComponent, KeyError):
        # stdnum raises KeyError for a province- or city-level code (no county): not a person's area either.
        return False
    return True


def validate_id(raw: str, *, today: date | None = None) -> str:
    """The normalised number, or ValidationError saying which rule it breaks."""
    return validate_id_with_birth_date(raw, today=today)[0]


def validate_id_with_birth_date(raw: str, *, today: date | None = None) -> tuple[str, date]:
    """`validate_id` and the birth date it read, for callers that need both (one date parse per ID).

    The checks of `ric.validate`, in its order; only the area look-up is cached.
    """
    number = normalize_id(raw)
    if len(number) != 18:
        raise ValidationError(_("证件号码应为18位，实际为%(n)d位。") % {"n": len(number)}, code="id_length")
    if not isdigits(number[:-1]):
        raise ValidationError(_("证件号码前17位必须是数字。"), code="id_format")
    check = ric.calc_check_digit(number)
    if number[-1] != check:
        raise ValidationError(_("证件号码校验位错误：最后一位应为 %(c)s。") % {"c": check}, code="id_checksum")
    try:
        # `ric.get_birth_date` without its second `compact` of a number already compact (a third of the check).
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    if born is None or not _area_valid(number[:6], born.year):
        raise ValidationError(_("证件号码中的出生日期或地区码无效。"), code="id_component")
    if born > (today or timezone.localdate()):
        raise ValidationError(_("证件号码中的出生日期在未来。"), code="id_future_birth")
    return number, born


def sex_from_id(number: str) -> str:
    """ "M" for an odd sequence digit, "F" for an even one."""
    return "M" if int(number[16]) % 2 == 1 else "F"


def birth_date_from_id(number: str) -> date:
    return ric.get_birth_date(number)
