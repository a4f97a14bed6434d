"""Reading the 疑点: worklists, counts per rule, scores per village and per clerk, the monthly trend.

Every function takes a division code prefix (the region) and aggregates in
the database; the only Python work is on a handful of grouped rows.
"""

from datetime import date
from statistics import median
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from audit.models import Action, AuditEntry
from households.models import Household

from .models import Issue, Severity
from .rules import OFF_REGISTER, RULES


def open_issues(*, prefix: str) -> QuerySet[Issue]:
    """Open 疑点 of households in the region, errors first, oldest first: the clerk's worklist order."""
    qs = Issue.objects.filter(closed_on__isnull=True, household__village__code__startswith=prefix)
    qs = qs.exclude(household__status__in=OFF_REGISTER)
    return qs.order_by("severity", "opened_on", "household__code", "rule", "id")


def open_errors_count(*, prefix: str) -> int:
    """Open 疑点 of severity error in the region: a year cannot close while this is above zero."""
    return open_issues(prefix=prefix).filter(severity=Severity.ERROR).count()


def open_errors_by_rule(*, prefix: str) -> dict[str, int]:
    """{rule code: open errors} of the region, for the close-year report."""
    qs = open_issues(prefix=prefix).filter(severity=Severity.ERROR).values("rule").annotate(n=Count("pk"))
    return {row["rule"]: row["n"] for row in qs.order_by("rule")}


def _households(prefix: str) -> QuerySet[Household]:
    return Household.objects.filter(village__code__startswith=prefix).exclude(status__in=OFF_REGISTER)


def _open_error_of_household() -> Exists:
    return Exists(Issue.objects.filter(household=OuterRef("pk"), closed_on__isnull=True, severity=Severity.ERROR))


def rule_counts(*, prefix: str) -> list[dict[str, Any]]:
    """Every rule of the catalogue with its open 疑点 in the region and their rate per 1,000 households."""
    households = _households(prefix).count()
    counts = dict(open_issues(prefix=prefix).values("rule").annotate(n=Count("pk")).order_by().values_list("rule", "n"))
    return [
        {
            "rule": rule,
            "code": rule.code,
            "open": counts.get(rule.code, 0),
            "per_1000": round(counts.get(rule.code, 0) * 1000 / households, 1) if households else None,
        }
        for rule in RULES
    ]


def region_score(*, prefix: str) -> dict[str, Any]:
    """The region's households, those with an open error, the share without one (%) and open 疑点 per 1,000."""
    row = _households(prefix).aggregate(
        households=Count("pk"), with_error=Count("pk", filter=_open_error_of_household())
    )
    issues = open_issues(prefix=prefix).aggregate(
        issues=Count("pk"),
        errors=Count("pk", filter=Q(severity=Severity.ERROR)),
    )
    return {**row, **issues, **_rates(row["households"], row["with_error"], issues["issues"])}


def _rates(households: int, with_error: int, issues: int) -> dict[str, Any]:
    if not households:
        return {"score": None, "per_1000": None}
    return {
        "score": round(100 * (households - with_error) / households, 1),
        "per_1000": round(issues * 1000 / households, 1),
    }


def _days_to_fix(issues: QuerySet[Issue], group: str) -> dict[Any, float]:
    """Median days from opened to closed of the fixed 疑点, per `group` (one query; the median in Python)."""
    spans: dict[Any, list[int]] = {}
    for key, opened, closed in issues.filter(closed_on__isnull=False).values_list(group, "opened_on", "closed_on"):
        spans.setdefault(key, []).append((closed - opened).days)
    return {key: median(days) for key, days in spans.items()}


def division_scores(*, prefix: str, length: int) -> list[dict[str, Any]]:
    """Per division one level down (or per village: `length` 12) inside the region: score, errors, rate, days to fix.

    Worst first: the lowest share of households without an open error.
    """
    households = _households(prefix).annotate(unit=Substr("village_id", 1, length)).values("unit")
    rows = households.annotate(households=Count("pk"), with_error=Count("pk", filter=_open_error_of_household()))
    issues = Issue.objects.filter(household__village__code__startswith=prefix).annotate(
        unit=Substr("household__village_id", 1, length)
    )
    open_counts = dict(
        issues.filter(closed_on__isnull=True)
        .exclude(household__status__in=OFF_REGISTER)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("unit", "n")
    )
    days = _days_to_fix(issues, "unit")
    result = [
        {
            "code": row["unit"],
            "households": row["households"],
            "with_error": row["with_error"],
            "issues": open_counts.get(row["unit"], 0),
            "median_days": days.get(row["unit"]),
            **_rates(row["households"], row["with_error"], open_counts.get(row["unit"], 0)),
        }
        for row in rows.order_by()
    ]
    return sorted(result, key=lambda r: (r["score"], r["code"]))


def _registered_by(code: str = "code") -> Subquery:
    """The clerk who registered the household, from the audit trail (its creation entry)."""
    created = AuditEntry.objects.filter(household_code=OuterRef(code), action=Action.CREATE, object_type="household")
    return Subquery(created.order_by("id").values("user")[:1])


def clerk_scores(*, prefix: str) -> list[dict[str, Any]]:
    """Per clerk who registered households of the region: their households, the share without an open error,
    and the median days their households' 疑点 took to fix."""
    rows = (
        _households(prefix)
        .annotate(clerk=_registered_by())
        .filter(clerk__isnull=False)
        .values("clerk")
        .annotate(households=Count("pk"), with_error=Count("pk", filter=_open_error_of_household()))
    )
    issues = Issue.objects.filter(household__village__code__startswith=prefix).annotate(
        clerk=_registered_by("household__code")
    )
    days = _days_to_fix(issues, "clerk")
    names = dict(get_user_model().objects.filter(pk__in=[r["clerk"] for r in rows]).values_list("pk", "username"))
    result = [
        {
            "clerk": names.get(row["clerk"], ""),
            "households": row["households"],
            "with_error": row["with_error"],
            "median_days": days.get(row["clerk"]),
            **_rates(row["households"], row["with_error"], 0),
        }
        for row in rows.order_by()
    ]
    for row in result:
        row.pop("per_1000")
    return sorted(result, key=lambda r: (r["score"], r["clerk"]))


def month_ends(*, months: int, today: date) -> list[date]:
    """The last day of each of the last `months` months, the current month's being today."""
    ends, year, month = [], today.year, today.month
    for _i in range(months):
        first_next = date(year + (month == 12), month % 12 + 1, 1)
        ends.append(min(today, date.fromordinal(first_next.toordinal() - 1)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return ends[::-1]


def trend(*, prefix: str, today: date, months: int = 12) -> list[dict[str, Any]]:
    """Open errors and warnings at the end of each month (from the 疑点's spans): one query."""
    ends = month_ends(months=months, today=today)
    issues = Issue.objects.filter(household__village__code__startswith=prefix)
    aggregates = {}
    for i, end in enumerate(ends):
        open_then = Q(opened_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))
        aggregates[f"e{i}"] = Count("pk", filter=open_then & Q(severity=Severity.ERROR))
        aggregates[f"w{i}"] = Count("pk", filter=open_then & Q(severity=Severity.WARNING))
    row = issues.aggregate(**aggregates)
    return [{"month": f"{end:%Y-%m}", "errors": row[f"e{i}"], "warnings": row[f"w{i}"]} for i, end in enumerate(ends)]


def year_close_check(*, year: int) -> list[str]:
    """A YEAR_CLOSE_CHECKS entry: the prefecture's open 疑点 of severity error, by rule, block closing `year`."""
    errors = open_errors_by_rule(prefix="")  # the whole register: a year closes for the prefecture
    if not errors:
        return []
    by_rule = "、".join(f"{code} × {n}" for code, n in errors.items())
    return [
        _("仍有 %(n)d 个错误级疑点未消除（%(rules)s），请先在数据质量工作清单中处理，或由管理员填写原因后强制锁定。")
        % {"n": sum(errors.values()), "rules": by_rule}
    ]
