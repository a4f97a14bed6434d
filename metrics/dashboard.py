"""The overview page's content for one region and year: KPI figures and the charts, from a fixed set of queries."""

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from django.utils.translation import gettext as _

from gannan.lib.calendar import FIRST_YEAR, last_year
from households.models import GUARANTEE_CHECKS, Attribute, Cause
from villages.models import VILLAGE_ITEMS, Division, Level

from . import charts, compute, queries
from .funds import FundsBoard, funds_board
from .selectors import RegionFigures, poor_splits, region_figures


@dataclass
class Dashboard:
    division: Division
    year: int
    years: list[int]
    figures: RegionFigures
    kpis: dict
    charts: list[charts.Chart]
    funds: FundsBoard

    def chart(self, key: str) -> charts.Chart | None:
        return next((c for c in self.charts + self.funds.charts if c.key == key), None)


def _kpis(table: pd.DataFrame, year: int) -> dict:
    now = compute.row_dict(table, "", year)
    total = table.xs("", level="child")
    previous_rate = None
    if year - 1 in total.index:
        previous_rate = compute.plain(total.loc[year - 1, "poverty_incidence"])
    now["previous_incidence"] = previous_rate
    rate = now["poverty_incidence"]
    now["incidence_change"] = round(rate - previous_rate, 2) if rate is not None and previous_rate is not None else None
    return now


def dashboard(*, division: Division, year: int, region_url: Callable[[str], str]) -> Dashboard:
    """Everything the overview shows. `region_url(code)` gives the page of another region for the same year."""
    last = last_year()
    figures = region_figures(division=division, first=FIRST_YEAR, last=last, with_children=True, split=False)
    total = figures.table.xs("", level="child")
    kpis = _kpis(figures.table, year)
    shown = [
        charts.trend(total[["poor_population", "poverty_incidence"]]),
    ]
    if figures.children:
        codes = [c.code for c in figures.children]
        rows = figures.table.loc[(codes, year), ["poor_population", "rural_population", "poverty_incidence"]].reset_index()
        rows["name"] = [c.name for c in figures.children]
        rows = rows.rename(columns={"child": "code"})
        shown.append(charts.incidence_by_region(rows, [region_url(code) for code in rows["code"]]))
    summary = poor_splits(division=division, year=year)
    shown.append(charts.split("by_cause", _("贫困人口按主要致贫原因"), summary["by_cause"],
                              {str(v): str(label) for v, label in Cause.choices}))
    shown.append(charts.split("by_attribute", _("贫困人口按贫困户属性"), summary["by_attribute"],
                              {str(v): str(label) for v, label in Attribute.choices}))
    shown.append(charts.exits(total[["exited_stable_population", "exited_consolidating_population"]],
                              queries.exit_targets(division_code=division.code)))
    start = int(total.loc[year - 1, "poor_population"]) if year - 1 in total.index else 0
    shown.append(charts.waterfall(
        year=year, start=start, new=kpis["new_identified_population"], exited=kpis["exited_population"],
        returned=kpis["returned_population"], removed=kpis["removed_while_poor_population"], end=kpis["poor_population"],
    ))
    fields = [f for f, _label in GUARANTEE_CHECKS]
    shown.append(charts.guarantees(queries.guarantee_failures(prefix=division.prefix, year=year, checks=fields),
                                   GUARANTEE_CHECKS))
    if division.level in (Level.COUNTY, Level.TOWNSHIP):
        items = [f for f, _label in VILLAGE_ITEMS]
        villages = queries.village_checklist(prefix=division.prefix, year=year, items=items)
        shown.append(charts.checklist(villages, VILLAGE_ITEMS, [region_url(code) for code in villages["code"]]))
    funds = funds_board(division=division, year=year, children=figures.children, region_url=region_url)
    return Dashboard(division=division, year=year, years=figures.years, figures=figures, kpis=kpis, charts=shown,
                     funds=funds)
