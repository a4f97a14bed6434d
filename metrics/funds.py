"""The funds figures on the overview and in the metrics API, from the funds rollups (funds.rollups) and funds.charts."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse

from funds import rollups as funds_rollups
from funds import selectors as funds_selectors
from funds.charts import funds_charts
from villages.models import Division

from . import registry
from .charts import Chart, from_rows

# The regional charts lead to the sub-region's overview; the gaps chart to the list of households behind it.
BY_CHILD = {"to_household_share", "loan_coverage"}


@dataclass
class FundsBoard:
    kpis: dict[str, Any]
    charts: list[Chart] = field(default_factory=list)
    children_rows: list[dict[str, Any]] = field(default_factory=list)  # per sub-region: share and loan coverage
    share_line: Decimal = funds_selectors.TO_HOUSEHOLD_LINE
    support_line: Decimal = funds_selectors.HOUSEHOLD_SUPPORT_LINE


def funds_json(summary: dict[str, Any]) -> dict[str, Any]:
    """`funds_selectors.funds_summary` for JSON: yuan as exact strings ("45000.00"), percents as numbers."""

    def plain(key: str, value: Any) -> Any:
        if not isinstance(value, Decimal):
            return value
        if registry.get(key).unit == registry.PERCENT:
            return float(value)
        return f"{value:.2f}"

    return {key: plain(key, value) for key, value in summary.items()}


def funds_summary(*, division: Division, year: int) -> dict[str, Any]:
    return funds_json(funds_rollups.figures(region=division, year=year).summary)


def funds_board(
    *, division: Division, year: int, children: list[Division], region_url: Callable[[str], str]
) -> FundsBoard:
    """KPI figures and charts of the funds section; `children` are the region's direct children, already read."""
    figures = funds_rollups.figures(region=division, year=year)
    kpis = dict(figures.summary)
    specs = funds_charts(region=division, year=year, children=children, figures=figures)
    gaps = reverse("funds:gaps", args=[division.code]) + f"?year={year}"
    shown = []
    for spec in specs:
        links: list[str | None] | None = None
        if spec["key"] in BY_CHILD:
            if not children:  # a village has no sub-regions to compare
                continue
            links = [region_url(row["code"]) for row in spec["rows"]]
        elif spec["key"] == "cause_measure_gaps":
            links = [f"{gaps}&cause={row['cause']}" for row in spec["rows"]]
        shown.append(from_rows(spec, links))
    kpis["gaps_url"] = gaps
    share, support = kpis["to_household_share"], kpis["support_per_exited_household"]
    kpis["to_household_share_below"] = share is not None and share < funds_selectors.TO_HOUSEHOLD_LINE
    kpis["support_below"] = support is not None and support < funds_selectors.HOUSEHOLD_SUPPORT_LINE
    rows = {spec["key"]: spec["rows"] for spec in specs}
    loans = {row["code"]: row for row in rows["loan_coverage"]}
    children_rows = [row | loans[row["code"]] for row in rows["to_household_share"]] if children else []
    return FundsBoard(kpis=kpis, charts=shown, children_rows=children_rows)
