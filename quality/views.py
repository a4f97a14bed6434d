"""The quality pages: the clerk's worklist, the region's quality page (drill-down, CSV) and the catalogue."""

import csv

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gannan.lib.tabular import neutralise
from villages.models import Division, Level
from villages.scope import division_for, home_division, in_scope

from . import selectors
from .models import Severity
from .rules import BY_CODE, RULES, context

PAGE_SIZE = 100
# The length of the codes one level down, for the drill-down.
CHILD_LENGTH = {Level.PREFECTURE: 6, Level.COUNTY: 9, Level.TOWNSHIP: 12}


def _region(request) -> Division:
    code = request.GET.get("region", "")
    return division_for(request.user, code) if code else home_division(request.user)


def fix_url(*, user, issue, year: int) -> str:
    """The form that fixes the 疑点 for those who may edit; the household's page for those who may not."""
    household = issue.household
    if not (user.can_edit_households and in_scope(user, household.village_id)):
        return reverse("households:detail", args=[household.pk])
    fix = BY_CODE[issue.rule].fix if issue.rule in BY_CODE else "household"
    if fix == "year":
        return reverse("households:year_edit", args=[household.pk, year])
    if fix == "status":
        return reverse("households:status", args=[household.pk])
    if fix == "measure":
        return reverse("funds:add", args=["measure"]) + f"?household={household.pk}"
    return reverse("households:edit", args=[household.pk])


def worklist(request):
    """Open 疑点 of the user's region (or a division of it), errors first, one link each to the form that fixes it."""
    region = _region(request)
    issues = selectors.open_issues(prefix=region.prefix)
    rule = request.GET.get("rule", "")
    counts = {row["code"]: row["open"] for row in selectors.rule_counts(prefix=region.prefix)}
    if rule:
        if rule not in BY_CODE:
            raise Http404
        issues = issues.filter(rule=rule)
    issues = issues.select_related("household__village", "member")
    page = Paginator(issues, PAGE_SIZE).get_page(request.GET.get("page"))
    year = context().year
    today = timezone.localdate()
    rows = [
        {
            "issue": i,
            "rule": BY_CODE.get(i.rule),
            "fix_url": fix_url(user=request.user, issue=i, year=year),
            "full_ids": request.user.can_edit_households and in_scope(request.user, i.household.village_id),
            "days": (today - i.opened_on).days,
        }
        for i in page
    ]
    return render(
        request,
        "quality/worklist.html",
        {
            "region": region,
            "page": page,
            "rows": rows,
            "rule": rule,
            "year": year,
            "counts": [(r, counts.get(r.code, 0)) for r in RULES if counts.get(r.code)],
        },
    )


def index(request):
    return region_page(request, home_division(request.user).code)


def _tables(region: Division) -> dict:
    length = CHILD_LENGTH.get(Level(region.level))
    children = selectors.division_scores(prefix=region.prefix, length=length) if length else []
    villages = selectors.division_scores(prefix=region.prefix, length=12) if region.level != Level.VILLAGE else []
    codes = {r["code"] for r in children} | {r["code"] for r in villages}
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    for row in (*children, *villages):
        row["name"] = names.get(row["code"], row["code"])
    return {
        "summary": selectors.region_score(prefix=region.prefix),
        "rules": selectors.rule_counts(prefix=region.prefix),
        "children": sorted(children, key=lambda r: r["code"]),
        "villages": villages,
        "clerks": selectors.clerk_scores(prefix=region.prefix),
        "trend": selectors.trend(prefix=region.prefix, today=timezone.localdate()),
    }


def region_page(request, code: str):
    region = division_for(request.user, code)
    return render(request, "quality/region.html", {"region": region, **_tables(region), "severity": Severity})


CSV_COLUMNS = {
    "rules": [
        ("code", _("规则代码")),
        ("severity", _("级别")),
        ("message", _("规则")),
        ("open", _("未消除疑点")),
        ("per_1000", _("每千户疑点")),
    ],
    "villages": [
        ("code", _("区划代码")),
        ("name", _("村")),
        ("households", _("户数")),
        ("with_error", _("有错误的户")),
        ("score", _("无错误户占比（%）")),
        ("issues", _("未消除疑点")),
        ("per_1000", _("每千户疑点")),
        ("median_days", _("修正天数中位数")),
    ],
    "children": [
        ("code", _("区划代码")),
        ("name", _("区划")),
        ("households", _("户数")),
        ("with_error", _("有错误的户")),
        ("score", _("无错误户占比（%）")),
        ("issues", _("未消除疑点")),
        ("per_1000", _("每千户疑点")),
        ("median_days", _("修正天数中位数")),
    ],
    "clerks": [
        ("clerk", _("录入员")),
        ("households", _("户数")),
        ("with_error", _("有错误的户")),
        ("score", _("无错误户占比（%）")),
        ("median_days", _("修正天数中位数")),
    ],
    "trend": [("month", _("月份")), ("errors", _("错误")), ("warnings", _("提示"))],
}


def region_csv(request, code: str, table: str):
    """One table of the quality page as CSV: exactly the rows the page shows."""
    if table not in CSV_COLUMNS:
        raise Http404
    region = division_for(request.user, code)
    rows = _tables(region)[table]
    if table == "rules":
        rows = [{**r, "severity": r["rule"].severity_label, "message": str(r["rule"].message)} for r in rows]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quality-{table}-{region.code}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM as UTF-8
    writer = csv.writer(response)
    writer.writerow([neutralise(str(label)) for _key, label in CSV_COLUMNS[table]])
    for row in rows:  # a clerk's or a region's name like "=HYPERLINK(…)" stays text: the one neutraliser
        writer.writerow(["" if row.get(k) is None else neutralise(row[k]) for k, _label in CSV_COLUMNS[table]])
    return response


def catalogue(request):
    return render(request, "quality/catalogue.html", {"rules": RULES})
