"""Printables: find the region or household in the user's scope (404 otherwise), build the PDF, send it."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedRequest
from gannan.lib.calendar import parse_year, years_descending
from households.models import Household
from households.selectors import household_get
from jobs.services import job_start
from metrics.params import data_year
from procedures.models import Kind
from procedures.steps import HOUSEHOLD_KINDS
from villages.models import Level
from villages.scope import division_for

from . import sheets

LIVE = "metrics:region"


def _year(request: AuthenticatedRequest) -> int:
    """The `year` parameter; a bad one raises ValidationError, which answers the styled 400 page (gannan.errors)."""
    return parse_year(request.GET.get("year"), name="year", default=data_year)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _live(request: AuthenticatedRequest, name: str, *args, year: int | None = None) -> str:
    url = request.build_absolute_uri(reverse(name, args=args))
    return f"{url}?year={year}" if year else url


def index(request: AuthenticatedRequest, code: str):
    """What can be printed for a region: the sheets of its level, for a chosen year."""
    division = division_for(request.user, code)
    year = _year(request)
    return render(
        request,
        "printables/index.html",
        {
            "division": division,
            "year": year,
            "years": years_descending(),
            "is_village": division.level == Level.VILLAGE,
            "has_wall_chart": division.level in (Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP),
            "five": list(enumerate(sheets.five_chart_titles(), start=1)),
            "kinds": [(kind, Kind(kind).label) for kind in HOUSEHOLD_KINDS],
        },
    )


def _village(request: AuthenticatedRequest, code: str):
    division = division_for(request.user, code)
    if division.level != Level.VILLAGE:
        raise Http404
    return division


def village_charts(request: AuthenticatedRequest, code: str, number: str | None = None):
    village = _village(request, code)
    year = _year(request)
    content = sheets.village_charts_pdf(
        village=village, year=year, live_url=_live(request, LIVE, code, year=year), only=int(number) if number else None
    )
    suffix = f"-{number}" if number else ""
    return _pdf(content, f"{village.code}-{year}-five-charts{suffix}.pdf")


def wall_chart(request: AuthenticatedRequest, code: str):
    division = division_for(request.user, code)
    if division.level == Level.VILLAGE:
        raise Http404
    year = _year(request)
    content = sheets.wall_chart_pdf(division=division, year=year, live_url=_live(request, LIVE, code, year=year))
    return _pdf(content, f"{division.code}-{year}-wall-chart.pdf")


def year_report(request: AuthenticatedRequest, code: str):
    division = division_for(request.user, code)
    year = _year(request)
    with translation.override("zh-hans"):  # a report that goes up the chain is in Chinese, like the workbook
        content = sheets.year_report_pdf(division=division, year=year, live_url=_live(request, LIVE, code, year=year))
    return _pdf(content, f"{division.code}-{year}-report.pdf")


def _household_url(request: AuthenticatedRequest):
    return lambda h: request.build_absolute_uri(reverse("households:detail", args=[h.pk]))


def household_card(request: AuthenticatedRequest, pk: int):
    try:
        household = household_get(user=request.user, pk=pk)
    except Household.DoesNotExist:
        raise Http404 from None
    content = sheets.household_cards_pdf(
        households=Household.objects.filter(pk=household.pk),
        region=household.village,
        region_url=_household_url(request)(household),
        household_url=_household_url(request),
    )
    return _pdf(content, f"{household.code}-card.pdf")


@require_POST
def region_cards(request: AuthenticatedRequest, code: str):
    """A region's cards, one household per page: even a village's take minutes, so a background job."""
    division = division_for(request.user, code)
    job = job_start(
        user=request.user,
        kind="printables.household_cards",
        title=_("%(region)s贫困户明白卡") % {"region": division.name},
        params={"region": division.code, "base_url": request.build_absolute_uri("/")},
    )
    return redirect("jobs:detail", pk=job.pk)


def _period(request: AuthenticatedRequest, year: int) -> tuple[date, date]:
    try:
        start = date.fromisoformat(request.GET.get("from") or f"{year}-01-01")
        end = date.fromisoformat(request.GET.get("to") or f"{year}-12-31")
    except ValueError:
        raise ValidationError(_("参数 from 和 to 必须是 YYYY-MM-DD 格式的日期。")) from None
    if start > end:
        raise ValidationError(_("开始日期 from 不能晚于结束日期 to。"))
    return start, end


def publicity(request: AuthenticatedRequest, code: str, kind: str):
    """The village's 公示 of `kind`: the households whose case is now in notice."""
    village = _village(request, code)
    content = sheets.publicity_pdf(
        user=request.user, village=village, kind=kind, live_url=_live(request, "procedures:notice", code, kind)
    )
    return _pdf(content, f"{village.code}-{kind}-publicity.pdf")


def announcement(request: AuthenticatedRequest, code: str):
    village = _village(request, code)
    year = _year(request)
    start, end = _period(request, year)
    content = sheets.announcement_pdf(
        village=village, start=start, end=end, live_url=_live(request, LIVE, code, year=year)
    )
    return _pdf(content, f"{village.code}-{start:%Y%m%d}-{end:%Y%m%d}-announcement.pdf")
