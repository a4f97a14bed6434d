"""Resident ID numbers (居民身份证号码, GB 11643), checked with python-stdnum."""

import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric


def normalize_id(raw: str) -> str:
    """Full-width digits to ASCII, lowercase x to X, spaces dropped."""
    return ric.compact(unicodedata.normalize("NFKC", str(raw or "")))


def validate_id(raw: str, *, today: date | None = None) -> str:
    """The normalised number, or ValidationError saying which rule it breaks."""
    number = normalize_id(raw)
    try:
        ric.validate(number)
    except stdnum_errors.InvalidLength:
        raise ValidationError(_("证件号码应为18位，实际为%(n)d位。") % {"n": len(number)}, code="id_length") from None
    except stdnum_errors.InvalidFormat:
        raise ValidationError(_("证件号码前17位必须是数字。"), code="id_format") from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("证件号码校验位错误：最后一位应为 %(c)s。") % {"c": ric.calc_check_digit(number)}, code="id_checksum"
        ) from None
    except stdnum_errors.InvalidComponent:
        raise ValidationError(_("证件号码中的出生日期或地区码无效。"), code="id_component") from None
    if ric.get_birth_date(number) > (today or date.today()):
        raise ValidationError(_("证件号码中的出生日期在未来。"), code="id_future_birth")
    return number


def sex_from_id(number: str) -> str:
    """"M" for an odd sequence digit, "F" for an even one."""
    return "M" if int(number[16]) % 2 == 1 else "F"


def birth_date_from_id(number: str) -> date:
    return ric.get_birth_date(number)
