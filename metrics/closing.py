"""Closing a year (年度数据锁定, register.md): every region's figures stored as reported; later changes guarded.

Other checks may refuse a close (the data-quality rules, for one): list them in
`settings.YEAR_CLOSE_CHECKS` as dotted paths of functions `check(*, year: int) ->
list[str]`, each returning what is wrong (empty when the year may close).
`year_close` calls every one first and closes nothing while any answers.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, AuditEntry
from audit.services import audit_record
from villages.models import Division, Level

from .models import ClosedYear, ReportedFigures


def year_close_problems(*, year: int) -> list[str]:
    """What the checks of `settings.YEAR_CLOSE_CHECKS` find wrong with closing `year`."""
    problems: list[str] = []
    for path in getattr(settings, "YEAR_CLOSE_CHECKS", []):
        problems += import_string(path)(year=year)
    return problems


def _all_figures(year: int) -> dict[str, dict[str, Any]]:
    """The summary of every division (prefecture to village) for `year`: one grouped read per parent."""
    from .selectors import region_figures

    figures: dict[str, dict[str, Any]] = {}
    parents = Division.objects.filter(level__in=[Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP]).order_by("code")
    for parent in parents:
        table = region_figures(division=parent, first=year, last=year, with_children=True)
        figures[parent.code] = table.summary(year)
        for child in table.children:
            figures[child.code] = table.summary(year, child.code)
    return figures


def year_close(*, user: User, year: int, override_reason: str = "") -> ClosedYear:
    """Close `year`: store the figures of every region as reported.

    Admins only; refused while a check of YEAR_CLOSE_CHECKS objects, unless the admin overrides it
    with a reason, which the audit entry keeps next to what the checks found.
    """
    if not user.is_admin:
        raise PermissionDenied(_("只有管理员可以锁定年度数据。"))
    if year >= timezone.localdate().year:
        raise ValidationError({"year": [_("%(year)d 年尚未结束，不能锁定。") % {"year": year}]})
    if ClosedYear.objects.filter(year=year, closed_at__isnull=False).exists():
        raise ValidationError({"year": [_("%(year)d 年度数据已锁定。") % {"year": year}]})
    problems = year_close_problems(year=year)
    if problems and not override_reason.strip():
        raise ValidationError({"year": [_("%(year)d 年度暂不能锁定：") % {"year": year}, *problems]})
    figures = _all_figures(year)
    with transaction.atomic():
        closed, _created = ClosedYear.objects.update_or_create(
            year=year, defaults={"closed_at": timezone.now(), "closed_by": user if user.is_authenticated else None}
        )
        ReportedFigures.objects.filter(closed_year=closed).delete()
        ReportedFigures.objects.bulk_create(
            [ReportedFigures(closed_year=closed, division_id=code, figures=values) for code, values in figures.items()],
            batch_size=1000,
        )
        audit_record(
            user=user,
            action=Action.CLOSE_YEAR,
            object_type="closedyear",
            object_id=str(year),
            changes={
                "regions": [None, len(figures)],
                **({"override": [None, override_reason.strip()], "problems": [None, problems]} if problems else {}),
            },
            summary=_("锁定 %(year)d 年度数据") % {"year": year},
        )
    return closed


def year_reopen(*, user: User, year: int, reason: str) -> None:
    """Reopen a closed year (admins, with a reason, audited): its reported figures are dropped until it closes again."""
    if not user.is_admin:
        raise PermissionDenied(_("只有管理员可以解除年度锁定。"))
    if not reason.strip():
        raise ValidationError({"reason": [_("解除锁定必须填写原因。")]})
    closed = ClosedYear.objects.filter(year=year, closed_at__isnull=False).first()
    if closed is None:
        raise ValidationError({"year": [_("%(year)d 年度未锁定。") % {"year": year}]})
    with transaction.atomic():
        ReportedFigures.objects.filter(closed_year=closed).delete()
        audit_record(
            user=user,
            action=Action.REOPEN_YEAR,
            object_type="closedyear",
            object_id=str(year),
            changes={
                "closed_at": [closed.closed_at.isoformat() if closed.closed_at else None, None],
                "reason": [None, reason.strip()],
            },
            summary=_("解除 %(year)d 年度锁定：%(reason)s") % {"year": year, "reason": reason.strip()},
        )
        closed.closed_at, closed.closed_by = None, None
        closed.save()


def closed_year_covering(day: date) -> ClosedYear | None:
    """The earliest closed year whose figures a change dated `day` would alter (that year or a later one)."""
    return ClosedYear.objects.filter(closed_at__isnull=False, year__gte=day.year).order_by("year").first()


def closed_year_refusal(*, user: User, day: date | None, correction: str = "") -> None:
    """Refuse a change dated `day` that falls in a closed year, unless an admin enters it as a correction.

    The message names the closed year. Called by the household services before they write.
    """
    if day is None:
        return
    closed = closed_year_covering(day)
    if closed is None:
        return
    if user is not None and getattr(user, "is_admin", False):
        if correction.strip():
            return
        raise ValidationError(
            {
                "correction": [
                    _("%(year)d 年度数据已锁定上报：日期为 %(day)s 的变动只能作为更正录入，请填写更正原因。")
                    % {"year": closed.year, "day": day.isoformat()}
                ]
            }
        )
    raise ValidationError(
        _("%(year)d 年度数据已锁定上报，不能录入日期为 %(day)s 的变动。如确需更正，请联系管理员以更正方式录入。")
        % {"year": closed.year, "day": day.isoformat()}
    )


def reported(*, division: Division, year: int) -> tuple[ClosedYear, dict[str, Any]] | None:
    """The closed year and the figures reported for `division`, or None when the year is not closed."""
    row = (
        ReportedFigures.objects.filter(closed_year__year=year, closed_year__closed_at__isnull=False, division=division)
        .select_related("closed_year")
        .first()
    )
    return (row.closed_year, row.figures) if row else None


def corrections_since(*, division: Division, closed: ClosedYear) -> list[AuditEntry]:
    """The corrections entered in the region after the year was closed: what lies behind a difference."""
    qs = AuditEntry.objects.filter(action=Action.CORRECTION, at__gt=closed.closed_at)
    return list(qs.filter(region_code__startswith=division.prefix).select_related("user").order_by("at")[:100])
