"""The overview page's content for one region and year: KPI figures and the charts, from a fixed set of queries."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from gannan.lib.calendar import FIRST_YEAR, last_year
from households.models import GUARANTEE_CHECKS, Attribute, Cause
from villages.models import VILLAGE_ITEMS, Division, Level

from . import charts, compute, guarantees, queries
from .charts import Chart
from .funds import FundsBoard, funds_board
from .selectors import RegionFigures, poor_splits, region_figures


@dataclass
class Dashboard:
    division: Division
    year: int
    years: list[int]
    figures: RegionFigures
    kpis: dict[str, Any]
    charts: list[charts.Chart]
    funds: FundsBoard

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts + self.funds.charts if c.key == key), None)

    @property
    def after_campaign(self) -> bool:
        """A year after 2020: the campaign's figures (poor population, incidence) are final, not news."""
        return self.year > charts.GOAL_YEAR

    @property
    def campaign(self) -> dict[str, Any]:
        """The campaign's headline from the data: poor population at the end of the first year and of 2020."""
        total = self.figures.table.xs("", level="child")
        last = min(charts.GOAL_YEAR, max(self.years))
        first = min(self.years)
        return {
            "first_year": first,
            "last_year": last,
            "first": int(total.loc[first, "poor_population"]),
            "last": int(total.loc[last, "poor_population"]),
            "first_incidence": compute.plain(total.loc[first, "poverty_incidence"]),
            "last_incidence": compute.plain(total.loc[last, "poverty_incidence"]),
        }


def campaign_year(figures: RegionFigures, *, latest: int) -> int:
    """The year the overview opens on: the latest year up to `latest` with poor people (the first year if none).

    A register whose poor all exited in 2020 would otherwise open on a page of zeros.
    """
    total = figures.table.xs("", level="child")
    poor = [int(y) for y, n in total["poor_population"].items() if n > 0 and y <= latest]
    return max(poor) if poor else min(figures.years)


def campaign_figures(*, division: Division) -> RegionFigures:
    """The region's and its children's figures for every year: what every year's overview starts from."""
    return region_figures(division=division, first=FIRST_YEAR, last=last_year(), with_children=True, split=False)


def _kpis(table: pd.DataFrame, year: int) -> dict[str, Any]:
    now: dict[str, Any] = compute.row_dict(table, "", year)
    total = table.xs("", level="child")
    previous_rate = None
    if year - 1 in total.index:
        previous_rate = compute.plain(total.loc[year - 1, "poverty_incidence"])
    now["previous_incidence"] = previous_rate
    rate = now["poverty_incidence"]
    now["incidence_change"] = round(rate - previous_rate, 2) if rate is not None and previous_rate is not None else None
    return now


def dashboard(
    *, division: Division, year: int, region_url: Callable[[str], str], figures: RegionFigures | None = None
) -> Dashboard:
    """Everything the overview shows. `region_url(code)` gives the page of another region for the same year;
    `figures` (`campaign_figures`) when the caller already has them."""
    if figures is None:
        figures = campaign_figures(division=division)
    total = figures.table.xs("", level="child")
    kpis = _kpis(figures.table, year)
    # The trend is the campaign, 2011→2020, and runs on to a later year only when that year is asked for.
    campaign = total.loc[total.index <= max(charts.GOAL_YEAR, year)]
    shown = [
        charts.trend(campaign[["poor_population", "poverty_incidence"]], year),
    ]
    if figures.children:
        codes = [c.code for c in figures.children]
        rows = figures.table.loc[
            (codes, year), ["poor_population", "rural_population", "poverty_incidence"]
        ].reset_index()
        rows["name"] = [c.name for c in figures.children]
        rows = rows.rename(columns={"child": "code"})
        shown.append(charts.incidence_by_region(rows, [region_url(code) for code in rows["code"]]))
    summary = poor_splits(division=division, year=year)
    shown.append(
        charts.split(
            "by_cause",
            _("贫困人口按主要致贫原因"),
            summary["by_cause"],
            {str(v): str(label) for v, label in Cause.choices},
        )
    )
    shown.append(
        charts.split(
            "by_attribute",
            _("贫困人口按贫困户属性"),
            summary["by_attribute"],
            {str(v): str(label) for v, label in Attribute.choices},
        )
    )
    shown.append(
        charts.exits(
            campaign[["exited_stable_population", "exited_consolidating_population"]],
            queries.exit_targets(division_code=division.code),
            year,
        )
    )
    start = int(total.loc[year - 1, "poor_population"]) if year - 1 in total.index else 0
    shown.append(
        charts.waterfall(
            year=year,
            start=start,
            new=kpis["new_identified_population"],
            exited=kpis["exited_population"],
            returned=kpis["returned_population"],
            removed=kpis["removed_while_poor_population"],
            dissolved=kpis["dissolved_while_poor_population"],
            natural=kpis["natural_change_population"],
            end=kpis["poor_population"],
        )
    )
    shown.append(charts.guarantees(guarantees.failures(prefix=division.prefix, year=year), GUARANTEE_CHECKS))
    if division.level in (Level.COUNTY, Level.TOWNSHIP):
        items = [f for f, _label in VILLAGE_ITEMS]
        villages = queries.village_checklist(prefix=division.prefix, year=year, items=items)
        shown.append(charts.checklist(villages, VILLAGE_ITEMS, [region_url(code) for code in villages["code"]]))
    funds = funds_board(division=division, year=year, children=figures.children, region_url=region_url)
    return Dashboard(
        division=division, year=year, years=figures.years, figures=figures, kpis=kpis, charts=shown, funds=funds
    )
