"""Reads for pages and API: queries (a fixed handful of GROUP BYs) → compute → plain dicts."""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from villages.models import PREFIX_LENGTH, Division

from . import compute, queries


@dataclass
class RegionFigures:
    """Every figure of a region for a run of years, and of each of its direct children."""

    division: Division
    years: list[int]
    children: list[Division]
    values: dict[tuple[str, int], dict[str, int | float | None]]  # (child, year); child "" is the region itself
    by_cause: dict[tuple[str, int], dict[str, int]]
    by_attribute: dict[tuple[str, int], dict[str, int]]

    @cached_property
    def table(self) -> pd.DataFrame:
        """The values as a frame, index (child, year): what the charts and sheets slice."""
        children = list(dict.fromkeys(child for child, _year in self.values))
        return compute.table_of(self.values, children, self.years)

    def summary(self, year: int, child: str = "") -> dict[str, Any]:
        out: dict[str, Any] = dict(self.values[(child, year)])
        out["by_cause"] = self.by_cause[(child, year)]
        out["by_attribute"] = self.by_attribute[(child, year)]
        return out

    def series(self, child: str = "") -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {key: [] for key in compute.SCALAR_KEYS + compute.SPLIT_KEYS}
        for year in self.years:
            for key, value in self.summary(year, child).items():
                out[key].append(value)
        return out


def division_dict(division: Division) -> dict[str, str]:
    return {"code": division.code, "name": division.name, "level": division.level}


def region_figures(
    *,
    division: Division,
    first: int,
    last: int,
    with_children: bool,
    split: bool = True,
    with_total: bool = True,
    raw: bool = False,
) -> RegionFigures:
    """Figures for `division` (and its children when asked) for every year first..last.

    Three aggregate queries (plus one for the children's names) whatever the
    number of households and villages; the region's totals are the sum of
    the children's rows, so asking for children costs no extra query. The
    register's figures are the sums of the villages' rollups
    (`metrics.rollups`); `raw` computes them from the register itself, the
    reference the rollups are built from and checked against: one year as
    conditional sums, a run of years as spans. Without `split`, by_cause and
    by_attribute are left empty (the query is smaller).
    """
    years = compute.years_range(first, last)
    children: list[Division] = []
    child_len = None
    if with_children and division.child_level:
        children = list(Division.objects.filter(parent=division).order_by("code"))
        child_len = PREFIX_LENGTH[division.child_level]
    prefix = division.prefix
    frame: Any  # the register's rows: tuples from the rollups, a frame from the register itself
    if not raw:
        name = "register_rollups"
        frame = queries.register_rollups(prefix=prefix, first=first, last=last, child_len=child_len, split=split)
    elif first == last:
        name = "register_year"
        frame = queries.register_year(prefix=prefix, year=first, child_len=child_len, split=split)
    else:
        name = "register_spans"
        frame = queries.register_spans(prefix=prefix, first=first, last=last, child_len=child_len, split=split)
    frames = {
        name: frame,
        "rural_spans": queries.rural_spans(prefix=prefix, child_len=child_len, since=first, until=last),
        "village_spans": queries.poor_village_spans(prefix=prefix, child_len=child_len),
    }
    codes = [""]
    if child_len:
        codes = [c.code for c in children]
        if with_total:
            codes = ["", *codes]
            frames = {key: compute.with_total(f) for key, f in frames.items()}
    values = compute.figure_values(**frames, children=codes, years=years)
    frame = frames[name]
    splits: dict[str, dict[tuple[str, int], dict[str, int]]] = {}
    for key, field in (("by_cause", "main_cause"), ("by_attribute", "attribute")):
        if name == "register_rollups":
            splits[key] = compute.rollup_splits(frame, field=field, children=codes, years=years)
        elif name == "register_year":
            splits[key] = compute.year_splits(frame, field=field, children=codes, year=first)
        else:
            splits[key] = compute.splits(frame, field=field, children=codes, years=years)
    return RegionFigures(
        division=division,
        years=years,
        children=children,
        values=values,
        by_cause=splits["by_cause"],
        by_attribute=splits["by_attribute"],
    )


def poor_splits(*, division: Division, year: int, raw: bool = False) -> dict[str, dict[str, int]]:
    """The poor population at the end of `year` by main cause and by attribute, in one query.

    From the villages' rollups; `raw` reads the register's poor spans instead.
    """
    if not raw:
        frame = queries.register_rollups(prefix=division.prefix, first=year, last=year, split=True)
        return {
            key: compute.rollup_splits(frame, field=field, children=[""], years=[year])[("", year)]
            for key, field in (("by_cause", "main_cause"), ("by_attribute", "attribute"))
        }
    frame = queries.poor_year_split(prefix=division.prefix, year=year)
    return {
        "by_cause": compute.year_splits(frame, field="main_cause", children=[""], year=year)[("", year)],
        "by_attribute": compute.year_splits(frame, field="attribute", children=[""], year=year)[("", year)],
    }


def metrics_summary(*, division: Division, year: int) -> dict[str, Any]:
    figures = region_figures(division=division, first=year, last=year, with_children=False)
    return {"region": division_dict(division), "year": year, **figures.summary(year)}


def metrics_summary_reported(*, division: Division, year: int, basis: str = "reported") -> dict[str, Any]:
    """The summary API's answer: a closed year as reported (with `closed_at`), unless `basis` is "current"."""
    from .closing import reported

    closed = reported(division=division, year=year)
    closed_at = closed[0].closed_at.isoformat() if closed is not None and closed[0].closed_at else None
    if closed is not None and basis == "reported":
        return {"region": division_dict(division), "year": year, **closed[1], "closed_at": closed_at}
    out = metrics_summary(division=division, year=year)
    if closed is not None:
        out["closed_at"] = closed_at
    return out


def metrics_timeseries(*, division: Division, first: int, last: int) -> dict[str, Any]:
    figures = region_figures(division=division, first=first, last=last, with_children=False)
    return {"region": division_dict(division), "years": figures.years, "series": figures.series()}


def metrics_breakdown(*, division: Division, year: int) -> dict[str, Any]:
    figures = region_figures(division=division, first=year, last=year, with_children=True, with_total=False)
    children = [{"region": division_dict(c), **figures.summary(year, c.code)} for c in figures.children]
    return {"region": division_dict(division), "year": year, "children": children}
