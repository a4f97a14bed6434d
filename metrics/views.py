"""Dashboard pages: the overview of a region, its charts' CSV files, the workbook of all its tables."""

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.scope import division_for, home_division, in_scope
from gannan.lib.calendar import parse_year, years_descending
from households.models import Household, Status
from villages.models import Division, Level

from .cache import cached
from .dashboard import Dashboard, dashboard
from .exports import metrics_workbook
from .params import data_year


def _ancestor_codes(division: Division) -> list[str]:
    """Codes from the prefecture down to `division` (the code is a path)."""
    code = division.code
    chain = [code[:4] + "00", code[:6], code[:9], code[:12]]
    lengths = {Level.PREFECTURE: 1, Level.COUNTY: 2, Level.TOWNSHIP: 3, Level.VILLAGE: 4}
    return list(dict.fromkeys(chain[: lengths.get(division.level, 1)]))


def _breadcrumbs(user, division: Division) -> list[Division]:
    codes = [c for c in _ancestor_codes(division) if in_scope(user, c)]
    return list(Division.objects.filter(code__in=codes).order_by("code"))


def _region(request, code: str | None) -> Division:
    if code is None:
        return division_for(request.user, home_division(request.user).code)
    return division_for(request.user, code)


def _year(request) -> int:
    """The `year` parameter; a bad one raises ValidationError, which answers the styled 400 page (gannan.errors)."""
    return parse_year(request.GET.get("year"), name="year", default=data_year)


def _board(division: Division, year: int) -> Dashboard:
    return cached("dashboard", division.prefix, division.code, year, compute=lambda: dashboard(
        division=division, year=year, region_url=lambda c: reverse("metrics:region", args=[c]) + f"?year={year}"))


def _household_url(pk: int) -> str | None:
    try:
        return reverse("households:detail", args=[pk])
    except NoReverseMatch:
        return None


def _chart_item(chart) -> dict:
    header, rows = chart.rows()
    links = chart.links or [None] * len(rows)
    return {"chart": chart, "header": header, "rows": [(link, row[0], row[1:]) for link, row in zip(links, rows, strict=True)]}


def overview(request, code: str | None = None):
    division = _region(request, code)
    year = _year(request)
    board = _board(division, year)
    households = []
    if division.level == Level.VILLAGE:
        qs = Household.objects.filter(village_id=division.code).order_by("code")
        labels = dict(Status.choices)
        households = [dict(h, url=_household_url(h["pk"]), status_label=labels.get(h["status"], ""))
                      for h in qs.values("pk", "code", "head_name", "member_count", "status")]
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
    }
    return render(request, "metrics/overview.html", context)


def chart_csv(request, code: str, key: str):
    division = division_for(request.user, code)
    year = _year(request)
    board = _board(division, year)
    chart = board.chart(key)
    if chart is None:
        raise Http404(_("没有这个图表。"))
    response = HttpResponse("\ufeff" + chart.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{division.code}-{year}-{key}.csv"'
    return response


def export_xlsx(request, code: str):
    division = division_for(request.user, code)
    year = _year(request)
    with translation.override("zh-hans"):
        workbook = metrics_workbook(board=_board(division, year))
    return FileResponse(workbook, as_attachment=True, filename=f"{division.code}-{year}-metrics.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
