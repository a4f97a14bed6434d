"""Dashboard pages: the overview of a region, its charts' CSV files, the workbook of all its tables."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedRequest
from accounts.models import User
from funds import selectors as funds_selectors
from gannan.lib.calendar import FIRST_YEAR, last_year, parse_year, years_descending
from households.models import Household, Status
from households.selectors import households_as_at
from procedures.selectors import pipeline
from villages.models import Division, Level
from villages.scope import division_for, home_division, in_scope

from .cache import cached
from .charts import Chart
from .closing import corrections_since, reported, year_close, year_reopen
from .dashboard import Dashboard, campaign_figures, campaign_year, dashboard
from .exports import metrics_workbook
from .funds import funds_board
from .models import ClosedYear
from .params import data_year
from .registry import INDICATORS
from .selectors import RegionFigures


def _ancestor_codes(division: Division) -> list[str]:
    """Codes from the prefecture down to `division` (the code is a path)."""
    code = division.code
    chain = [code[:4] + "00", code[:6], code[:9], code[:12]]
    lengths: dict[str, int] = {Level.PREFECTURE: 1, Level.COUNTY: 2, Level.TOWNSHIP: 3, Level.VILLAGE: 4}
    return list(dict.fromkeys(chain[: lengths.get(division.level, 1)]))


def _breadcrumbs(user: User, division: Division) -> list[Division]:
    codes = [c for c in _ancestor_codes(division) if in_scope(user, c)]
    return list(Division.objects.filter(code__in=codes).order_by("code"))


def _region(request: AuthenticatedRequest, code: str | None) -> Division:
    if code is None:
        return division_for(request.user, home_division(request.user).code)
    return division_for(request.user, code)


def _year(request: AuthenticatedRequest) -> int:
    """The `year` parameter; a bad one raises ValidationError, which answers the styled 400 page (gannan.errors)."""
    return parse_year(request.GET.get("year"), name="year", default=data_year)


def _figures(division: Division) -> RegionFigures:
    return cached("figures", division.prefix, division.code, compute=lambda: campaign_figures(division=division))


def _board(division: Division, year: int, figures: RegionFigures | None = None) -> Dashboard:
    return cached(
        "dashboard",
        division.prefix,
        division.code,
        year,
        compute=lambda: dashboard(
            division=division,
            year=year,
            region_url=lambda c: reverse("metrics:region", args=[c]) + f"?year={year}",
            figures=figures,
        ),
    )


def _household_url(pk: int) -> str | None:
    try:
        return reverse("households:detail", args=[pk])
    except NoReverseMatch:
        return None


def _chart_item(chart: Chart) -> dict[str, Any]:
    header, rows = chart.rows()
    links = chart.links or [None] * len(rows)
    return {
        "chart": chart,
        "header": header,
        "rows": [(link, row[0], row[1:]) for link, row in zip(links, rows, strict=True)],
    }


def _page_year(request: AuthenticatedRequest, division: Division) -> tuple[int, RegionFigures | None]:
    """The asked year, or the campaign's latest year with poor people (the overview's and the funds page's default).

    Returns (year, figures): the figures when they had to be read for the default, so they are not read twice.
    """
    if request.GET.get("year"):
        return _year(request), None
    figures = _figures(division)
    return campaign_year(figures, latest=data_year()), figures


def overview(request: AuthenticatedRequest, code: str | None = None) -> HttpResponse:
    """A region's overview; without a year it opens on the campaign's latest year with poor people."""
    division = _region(request, code)
    year, figures = _page_year(request, division)
    board = _board(division, year, figures)
    households = []
    if division.level == Level.VILLAGE:
        # The village's households as they were at the end of the year shown: status and people then.
        qs: QuerySet[Any, Any] = households_as_at(Household.objects.filter(village_id=division.code), year)
        qs = qs.order_by("code")
        labels = dict(Status.choices)
        households = [
            dict(
                h,
                url=_household_url(h["pk"]),
                status=h["status_then"],
                member_count=h["people_then"],
                status_label=labels.get(h["status_then"], ""),
            )
            for h in qs.values("pk", "code", "head_name", "people_then", "status_then")
        ]
    context = {
        "division": division,
        "year": year,
        "years": years_descending(),
        "board": board,
        "kpis": board.kpis,
        "charts": [_chart_item(c) for c in board.charts],
        "chart_data": {c.key: c.figure for c in board.charts + board.funds.charts},
        "funds": board.funds,
        "funds_charts": [_chart_item(c) for c in board.funds.charts],
        "breadcrumbs": _breadcrumbs(request.user, division),
        "children": board.figures.children,
        "households": households,
        "pipeline": pipeline(user=request.user, region=division),
        "closed": _closed_notice(division, year, board.kpis),
    }
    return render(request, "metrics/overview.html", context)


def _closed_notice(division: Division, year: int, kpis: dict[str, Any]) -> dict[str, Any] | None:
    """For a closed year: when it closed, the reported figures that differ from today's, and the corrections behind."""
    found = reported(division=division, year=year)
    if found is None:
        return None
    closed, figures = found
    differences = [
        {"label": INDICATORS[key].label, "reported": figures[key], "current": kpis.get(key)}
        for key in figures
        if key in INDICATORS and not isinstance(figures[key], dict) and figures[key] != kpis.get(key)
    ]
    return {
        "closed_at": closed.closed_at,
        "differences": differences,
        "corrections": corrections_since(division=division, closed=closed) if differences else [],
    }


def years_page(request: AuthenticatedRequest) -> HttpResponse:
    """Admins close a year's figures as reported (年度数据锁定) or reopen one, with a reason."""
    if not request.user.is_admin:
        raise PermissionDenied
    if request.method == "POST":
        try:
            year = int(request.POST.get("year", ""))
            if request.POST.get("action") == "reopen":
                year_reopen(user=request.user, year=year, reason=request.POST.get("reason", ""))
                messages.success(request, _("已解除 %(year)d 年度锁定。") % {"year": year})
            else:
                year_close(user=request.user, year=year, override_reason=request.POST.get("override_reason", ""))
                messages.success(request, _("已锁定 %(year)d 年度数据。") % {"year": year})
        except ValueError:
            messages.error(request, _("年度无效。"))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        return redirect("metrics:years")
    closed = {c.year: c for c in ClosedYear.objects.select_related("closed_by")}
    years = [{"year": y, "closed": closed.get(y)} for y in range(last_year() - 1, FIRST_YEAR - 1, -1)]
    return render(request, "metrics/years.html", {"years": years})


def chart_csv(request: AuthenticatedRequest, code: str, key: str) -> HttpResponse:
    division = division_for(request.user, code)
    year = _year(request)
    board = _board(division, year)
    chart = board.chart(key)
    if chart is None:
        raise Http404(_("没有这个图表。"))
    response = HttpResponse("\ufeff" + chart.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{division.code}-{year}-{key}.csv"'
    return response


def export_xlsx(request: AuthenticatedRequest, code: str) -> HttpResponseBase:
    division = division_for(request.user, code)
    year = _year(request)
    with translation.override("zh-hans"):
        workbook = metrics_workbook(board=_board(division, year))
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=f"{division.code}-{year}-metrics.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def funds_overview(request: AuthenticatedRequest, code: str | None = None) -> HttpResponse:
    """The funds page of a region: the funds tiles and charts of the overview, the sub-regions and the projects."""
    division = _region(request, code)
    year, figures = _page_year(request, division)
    children = figures.children if figures is not None else funds_selectors.children_of(division)
    board = cached(
        "funds",
        division.prefix,
        division.code,
        year,
        compute=lambda: funds_board(
            division=division,
            year=year,
            children=children,
            region_url=lambda c: reverse("metrics:funds_region", args=[c]) + f"?year={year}",
        ),
    )
    projects = funds_selectors.project_list(user=request.user).filter(
        division__code__startswith=division.prefix, year=year
    )
    return render(
        request,
        "metrics/funds.html",
        {
            "division": division,
            "year": year,
            "years": years_descending(),
            "breadcrumbs": _breadcrumbs(request.user, division),
            "funds": board,
            "charts": [_chart_item(c) for c in board.charts],
            "chart_data": {c.key: c.figure for c in board.charts},
            "children_rows": board.children_rows,
            "can_edit": request.user.can_edit_households,
            "projects": projects.order_by("division_id", "name")[:50],
        },
    )
