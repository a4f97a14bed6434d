"""Which poor villages may exit (出列) and which counties may exit (摘帽) in a year, computed from the register.

A village: poverty incidence (poor people at the end of the year over its rural
population of that year) below the year's line, and the 六有六通 items the
year's rule requires met in its record of that year. A county: its incidence
below the same line and every one of its poor villages exited. Aggregated in
the database: a fixed number of queries per year asked.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from households.models import POOR_STATUSES, StatusChange
from villages.models import VILLAGE_ITEMS, Division, Level, VillageYear
from villages.scope import scope_filter

from .models import CountyEvaluation, VillageExitRule

DEFAULT_MAX_INCIDENCE = Decimal("3")
ITEM_LABELS = dict(VILLAGE_ITEMS)


def exit_rule(year: int) -> tuple[Decimal, list[str]]:
    """(incidence line in %, items required) of `year`."""
    rule = VillageExitRule.objects.filter(year=year).first()
    if rule is None:
        return DEFAULT_MAX_INCIDENCE, list(ITEM_LABELS)
    return rule.max_incidence, [i for i in (rule.items or list(ITEM_LABELS)) if i in ITEM_LABELS]


def _poor_population(*, prefix: str, year: int, length: int) -> dict[str, int]:
    """Poor people at the end of `year` per division code of `length` under `prefix`."""
    end = date(year, 12, 31)
    qs = (
        StatusChange.objects.filter(
            status__in=POOR_STATUSES, date__lte=end, household__village__code__startswith=prefix
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
        .annotate(area=Substr("household__village_id", 1, length))
        .values("area")
        .annotate(people=Sum("household__member_count"))
        .order_by()
    )
    return {row["area"]: row["people"] or 0 for row in qs}


def _incidence(poor: int, rural: int | None) -> Decimal | None:
    if not rural:
        return None
    return (Decimal(poor) * 100 / Decimal(rural)).quantize(Decimal("0.01"))


def village_readiness(*, user, year: int, region: Division) -> list[dict[str, Any]]:
    """Every poor village under `region` still listed at the start of `year` (or exiting in it): ready or what fails."""
    line, items = exit_rule(year)
    listed = scope_filter(
        Division.objects.filter(
            level=Level.VILLAGE,
            is_poor_village=True,
            code__startswith=region.prefix,
        )
        .filter(Q(poor_listed_year__isnull=True) | Q(poor_listed_year__lte=year))
        .filter(Q(poor_exit_year__isnull=True) | Q(poor_exit_year__gte=year)),
        user,
        "code",
    )
    villages = list(listed.select_related("parent").order_by("code"))
    poor = _poor_population(prefix=region.prefix, year=year, length=12)
    records = {
        r["village_id"]: r
        for r in VillageYear.objects.filter(village__code__startswith=region.prefix, year=year).values(
            "village_id", "rural_population", *ITEM_LABELS
        )
    }
    rows = []
    for village in villages:
        record = records.get(village.code)
        people = poor.get(village.code, 0)
        rural = record["rural_population"] if record else None
        incidence = _incidence(people, rural)
        failures = []
        if incidence is None:
            failures.append(_("缺少 %(y)d 年农业户籍人口") % {"y": year})
        elif incidence >= line:
            failures.append(_("贫困发生率 %(i)s%% 未低于 %(l)s%%") % {"i": incidence, "l": line})
        failures += [str(ITEM_LABELS[i]) for i in items if not (record and record[i])]
        rows.append(
            {
                "village": village,
                "poor_population": people,
                "rural_population": rural,
                "incidence": incidence,
                "failures": failures,
                "ready": not failures,
                "exited": village.poor_exit_year == year,
            }
        )
    return rows


def county_readiness(*, user, year: int, first_year: int = 2011) -> list[dict[str, Any]]:
    """Each county of the user's region in `year`.

    Its incidence, poor villages not yet exited, and the year it first met the test.
    """
    counties = list(scope_filter(Division.objects.filter(level=Level.COUNTY), user, "code").order_by("code"))
    if not counties:
        return []
    prefix = counties[0].code[:4] if len(counties) > 1 else counties[0].prefix
    met_in: dict[str, int] = {}
    latest: dict[str, dict[str, Any]] = {}
    for y in range(first_year, year + 1):
        line, _items = exit_rule(y)
        poor = _poor_population(prefix=prefix, year=y, length=6)
        rural = {
            r["area"]: r["people"]
            for r in VillageYear.objects.filter(village__code__startswith=prefix, year=y)
            .annotate(area=Substr("village_id", 1, 6))
            .values("area")
            .annotate(people=Sum("rural_population"))
            .order_by()
        }
        remaining = {
            r["area"]: r["n"]
            for r in Division.objects.filter(level=Level.VILLAGE, is_poor_village=True, code__startswith=prefix)
            .filter(Q(poor_listed_year__isnull=True) | Q(poor_listed_year__lte=y))
            .filter(Q(poor_exit_year__isnull=True) | Q(poor_exit_year__gt=y))
            .annotate(area=Substr("code", 1, 6))
            .values("area")
            .annotate(n=Count("code"))
            .order_by()
        }
        for county in counties:
            incidence = _incidence(poor.get(county.code, 0), rural.get(county.code))
            left = remaining.get(county.code, 0)
            missing = []
            if incidence is None:
                missing.append(_("缺少 %(y)d 年农业户籍人口") % {"y": y})
            elif incidence >= line:
                missing.append(_("贫困发生率 %(i)s%% 未低于 %(l)s%%") % {"i": incidence, "l": line})
            if left:
                missing.append(_("%(n)d 个贫困村未出列") % {"n": left})
            if not missing:
                met_in.setdefault(county.code, y)
            latest[county.code] = {"incidence": incidence, "villages_left": left, "missing": missing}
    evaluations = {e.county_id: e for e in CountyEvaluation.objects.filter(year=year, county__in=counties)}
    return [
        {
            "county": c,
            **latest[c.code],
            "ready": not latest[c.code]["missing"],
            "met_in": met_in.get(c.code),
            "evaluation": evaluations.get(c.code),
        }
        for c in counties
    ]
