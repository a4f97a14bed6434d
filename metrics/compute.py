"""Pure pandas: from the span and flow frames of `queries` to every figure of the metrics spec.

No database here; every function takes and returns DataFrames or plain values,
so the arithmetic is tested on frames built by hand.
"""

import math
from typing import Any

import pandas as pd

from households.models import Status

POOR = [Status.IDENTIFIED.value, Status.RETURNED.value]
EXITED = [Status.EXITED_STABLE.value, Status.EXITED_CONSOLIDATING.value]

STOCK_KEYS = [
    "poor_households",
    "poor_population",
    "supported_population",
    "registered_population",
    "rural_population",
    "poverty_incidence",
    "poor_villages",
]
FLOW_KINDS = [
    "new_identified",
    "exited",
    "exited_stable",
    "exited_consolidating",
    "returned",
    "removed",
    "removed_while_poor",
    "dissolved",
    "dissolved_while_poor",
]
# Members joining minus members leaving while their household is poor: people, not households.
NATURAL_KEY = "natural_change_population"
FLOW_KEYS = [*(f"{kind}_{unit}" for kind in FLOW_KINDS for unit in ("population", "households")), NATURAL_KEY]
# Extra facts the answers carry with the figures.
NOTE_KEYS = ["rural_population_carried_forward"]
SCALAR_KEYS = STOCK_KEYS + FLOW_KEYS + NOTE_KEYS
SPLIT_KEYS = ["by_cause", "by_attribute"]
# Figures that may be unknown (null): no village has a rural-population figure.
NULLABLE = {"rural_population", "poverty_incidence"}


def years_range(first: int, last: int) -> list[int]:
    return list(range(first, last + 1))


def with_total(frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows with every child folded into the region's total (child "")."""
    return frame.assign(child="")


def spans_at(spans: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """One row per span and year it covers: start <= year and (no end or end > year)."""
    if spans.empty:
        return spans.assign(year=pd.Series(dtype="int64"))
    x = spans.merge(pd.DataFrame({"year": years}), how="cross")
    end = pd.to_numeric(x["end"], errors="coerce")
    start = pd.to_numeric(x["start"], errors="coerce").fillna(0)
    return x[(start <= x["year"]) & (end.isna() | (end > x["year"]))]


def _sum_by(frame: pd.DataFrame, value: str, index: pd.MultiIndex) -> pd.Series:
    if frame.empty:
        return pd.Series(0, index=index, dtype="int64")
    s = frame.groupby(["child", "year"])[value].sum()
    return s.reindex(index, fill_value=0).astype("int64")


def _sums_by(frame: pd.DataFrame, columns: dict[str, pd.Series], index: pd.MultiIndex) -> pd.DataFrame:
    """Each of `columns` (values aligned with `frame`'s rows) summed per (child, year) of `frame`, in one GROUP BY."""
    if frame.empty:
        return pd.DataFrame(0, index=index, columns=list(columns), dtype="int64")
    table = pd.DataFrame(columns).fillna(0).assign(child=frame["child"], year=frame["year"])
    sums = table.groupby(["child", "year"])[list(columns)].sum()
    return sums.reindex(index, fill_value=0).astype("int64")


def stock_figures(register_spans: pd.DataFrame, index: pd.MultiIndex, years: list[int]) -> pd.DataFrame:
    """poor_households, poor_population, supported_population, registered_population per (child, year)."""
    x = spans_at(register_spans, years)
    status = x["status"]
    poor = status.isin(POOR)
    supported = status.isin(POOR + [Status.EXITED_CONSOLIDATING.value])
    registered = status.isin(POOR + EXITED)
    return _sums_by(
        x,
        {
            "poor_households": x["households"].where(poor, 0),
            "poor_population": x["population"].where(poor, 0),
            "supported_population": x["population"].where(supported, 0),
            "registered_population": x["population"].where(registered, 0),
        },
        index,
    )


def flow_figures(register_spans: pd.DataFrame, index: pd.MultiIndex) -> pd.DataFrame:
    """Every flow key per (child, year): the changes dated in the year (spans starting then), each counted once.

    An exit is a change from poor (identified or returned) to exited; a
    consolidating household later marked stable is not a second exit.
    """
    spans = register_spans.reset_index(drop=True)
    joined, left = spans["joined"].astype(bool), spans["left"].astype(bool)
    flows = spans[~joined].assign(year=pd.to_numeric(spans["start"]))
    status, from_poor = flows["status"], flows["prev_poor"].astype(bool)
    exits = status.isin(EXITED) & from_poor
    selections = {
        "new_identified": status == Status.IDENTIFIED.value,
        "exited": exits,
        "exited_stable": exits & (status == Status.EXITED_STABLE.value),
        "exited_consolidating": exits & (status == Status.EXITED_CONSOLIDATING.value),
        "returned": status == Status.RETURNED.value,
        "removed": status == Status.REMOVED.value,
        "removed_while_poor": (status == Status.REMOVED.value) & from_poor,
        "dissolved": status == Status.DISSOLVED.value,
        "dissolved_while_poor": (status == Status.DISSOLVED.value) & from_poor,
    }
    columns = {}
    for kind, mask in selections.items():
        columns[f"{kind}_population"] = flows["population"].where(mask, 0)
        columns[f"{kind}_households"] = flows["households"].where(mask, 0)
    table = _sums_by(flows, columns, index)
    poor = spans["status"].isin(POOR)
    arrivals = spans[poor & joined].assign(year=pd.to_numeric(spans["start"]))
    departures = spans[poor & left].assign(year=pd.to_numeric(spans["end"]))
    table[NATURAL_KEY] = _sum_by(arrivals, "population", index) - _sum_by(departures, "population", index)
    return table[FLOW_KEYS]


def rural_figures(rural_spans: pd.DataFrame, index: pd.MultiIndex, years: list[int]) -> pd.DataFrame:
    """rural_population (null where no village has a figure) and the villages whose figure is carried forward."""
    x = spans_at(rural_spans, years)
    if x.empty:
        population = pd.Series(float("nan"), index=index)
        carried = pd.Series(0, index=index, dtype="int64")
    else:
        population = x.groupby(["child", "year"])["rural_population"].sum().reindex(index).astype("float64")
        carried = _sum_by(x[pd.to_numeric(x["start"]) < x["year"]], "villages", index)
    return pd.DataFrame({"rural_population": population, "rural_population_carried_forward": carried}, index=index)


def poor_village_figures(village_spans: pd.DataFrame, index: pd.MultiIndex, years: list[int]) -> pd.Series:
    return _sum_by(spans_at(village_spans, years), "villages", index).rename("poor_villages")


def incidence(poor_population: pd.Series, rural_population: pd.Series) -> pd.Series:
    """poor / rural × 100, two decimals; NaN without a denominator."""
    rural = rural_population.where(rural_population > 0)
    return (poor_population / rural * 100).round(2)


REGISTER_KEYS = ["poor_households", "poor_population", "supported_population", "registered_population", *FLOW_KEYS]


def year_figures(register_year: pd.DataFrame, index: pd.MultiIndex) -> pd.DataFrame:
    """The register's keys per child from `queries.register_year` (one year: the index's only year)."""
    if register_year.empty:
        return pd.DataFrame(0, index=index, columns=REGISTER_KEYS, dtype="int64")
    sums = register_year.groupby("child")[REGISTER_KEYS].sum().astype("int64")
    return sums.reindex(index.get_level_values("child"), fill_value=0).set_index(index)


def rollup_figures(register_rollups: pd.DataFrame, index: pd.MultiIndex) -> pd.DataFrame:
    """The register's keys per (child, year) from `queries.register_rollups` (its figure rows, kind "")."""
    rows = register_rollups[register_rollups["kind"] == ""]
    if rows.empty:
        return pd.DataFrame(0, index=index, columns=REGISTER_KEYS, dtype="int64")
    sums = rows.groupby(["child", "year"])[REGISTER_KEYS].sum().astype("int64")
    return sums.reindex(index, fill_value=0)


def rollup_splits(
    register_rollups: pd.DataFrame, *, field: str, children: list[str], years: list[int]
) -> dict[tuple[str, int], dict[str, int]]:
    """Poor population split by `field` (main_cause or attribute) from `queries.register_rollups` with split."""
    rows = register_rollups[register_rollups["kind"] == field]
    return _by_code(rows.groupby(["child", "year", "code"])["poor_population"].sum(), children=children, years=years)


def figures(
    *,
    rural_spans: pd.DataFrame,
    village_spans: pd.DataFrame,
    children: list[str],
    years: list[int],
    register_spans: pd.DataFrame | None = None,
    register_year: pd.DataFrame | None = None,
    register_rollups: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every scalar key, one row per (child, year). Use child [""] with `with_total` frames for a region's totals.

    The register comes as the villages' rollups (what the pages read), or from
    the register itself: as spans (any run of years) or, for a single year, as
    `register_year` sums.
    """
    index = pd.MultiIndex.from_product([children, years], names=["child", "year"])
    if register_rollups is not None:
        register = [rollup_figures(register_rollups, index)]
    elif register_year is not None:
        register = [year_figures(register_year, index)]
    else:
        register = [stock_figures(register_spans, index, years), flow_figures(register_spans, index)]
    table = pd.concat(
        [*register, rural_figures(rural_spans, index, years), poor_village_figures(village_spans, index, years)],
        axis=1,
    )
    table["poverty_incidence"] = incidence(table["poor_population"], table["rural_population"])
    return table[SCALAR_KEYS]


def year_splits(
    register_year: pd.DataFrame, *, field: str, children: list[str], year: int
) -> dict[tuple[str, int], dict[str, int]]:
    """Poor population at the end of the year split by `field`, from `queries.register_year` with split."""
    if register_year.empty:
        return _by_code(None, children=children, years=[year])
    grouped = register_year.assign(year=year).groupby(["child", "year", field])["poor_population"].sum()
    return _by_code(grouped, children=children, years=[year])


def _by_code(
    grouped: pd.Series | None, *, children: list[str], years: list[int]
) -> dict[tuple[str, int], dict[str, int]]:
    """{(child, year): {code: population}} from sums indexed (child, year, code); every pair present, zeros left out."""
    result: dict[tuple[str, int], dict[str, int]] = {(c, y): {} for c in children for y in years}
    for (child, year, code), population in [] if grouped is None else grouped.items():
        if (child, year) in result and population:
            result[(child, year)][str(int(code))] = int(population)
    return result


def splits(
    register_spans: pd.DataFrame, *, field: str, children: list[str], years: list[int]
) -> dict[tuple[str, int], dict[str, int]]:
    """Poor population split by `field` (main_cause or attribute): {(child, year): {code: population}}."""
    x = spans_at(register_spans[register_spans["status"].isin(POOR)], years)
    grouped = None if x.empty else x.groupby(["child", "year", field])["population"].sum()
    return _by_code(grouped, children=children, years=years)


def plain(value: Any) -> int | float | None:
    """A JSON-ready number: int for counts, float for rates, None for NaN."""
    if value is None:
        return None
    if isinstance(value, float) or hasattr(value, "dtype") and value.dtype.kind == "f":
        value = float(value)
        if math.isnan(value):
            return None
        return float(value)
    return int(value)


def row_dict(table: pd.DataFrame, child: str, year: int) -> dict[str, int | float | None]:
    """The scalar keys of one (child, year) as plain values."""
    row = table.loc[[(child, year)], SCALAR_KEYS].to_dict("records")[0]  # per column: ints stay ints
    out = {}
    for key in SCALAR_KEYS:
        value = plain(row[key])
        if key == "rural_population" and value is not None:
            value = int(value)
        out[key] = value
    return out


def flow_identity_gaps(table: pd.DataFrame) -> pd.Series:
    """poor(Y) − [poor(Y−1) + new − exited + returned − removed − dissolved (while poor) + natural], per (child, year).

    From the second year on.

    Zero everywhere when the register is consistent (in population).
    """
    poor = table["poor_population"]
    before = poor.groupby(level="child").shift(1)
    expected = (
        before
        + table["new_identified_population"]
        - table["exited_population"]
        + table["returned_population"]
        - table["removed_while_poor_population"]
        - table["dissolved_while_poor_population"]
        + table[NATURAL_KEY]
    )
    return (poor - expected).dropna()
