"""From the rows of `queries` to every figure of the metrics spec: plain Python over the rollups' few hundred
rows (what the pages read), pandas and numpy over the register's spans (the reference).

No database here; every function takes rows, frames or plain values, so the
arithmetic is tested on frames built by hand.
"""

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from households.models import Status

Row = tuple[Any, ...]
Key = tuple[str, int]  # (child code, year); child "" is the region itself

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


def with_total(data: pd.DataFrame | list[Row]) -> pd.DataFrame | list[Row]:
    """The rows (a frame, or a query's tuples, child first) and again with every child folded into the region's
    total (child "")."""
    if isinstance(data, pd.DataFrame):
        return pd.concat([data, data.assign(child="")])
    return [*data, *(("", *row[1:]) for row in data)]


def spans_at(spans: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """One row per span and year it covers: start <= year and (no end or end > year), in span then year order."""
    if spans.empty:
        return spans.assign(year=pd.Series(dtype="int64"))
    start = pd.to_numeric(spans["start"], errors="coerce").fillna(0).to_numpy(dtype="float64")
    end = pd.to_numeric(spans["end"], errors="coerce").to_numpy(dtype="float64")
    at = np.asarray(years, dtype="int64")
    covers = (start[:, None] <= at) & (np.isnan(end)[:, None] | (end[:, None] > at))
    rows, columns = np.nonzero(covers)
    return spans.iloc[rows].reset_index(drop=True).assign(year=at[columns])


def _positions(index: pd.MultiIndex, children: np.ndarray, years: np.ndarray) -> np.ndarray:
    """The place of each (child, year) pair in `index`, -1 where it has none: a table lookup, not a hash of pairs."""
    table = np.full((len(index.levels[0]), len(index.levels[1])), -1, dtype="int64")
    table[index.codes[0], index.codes[1]] = np.arange(len(index))
    child_at, year_at = index.levels[0].get_indexer(children), index.levels[1].get_indexer(years)
    found = (child_at >= 0) & (year_at >= 0)
    return np.where(found, table[child_at, year_at], -1)


def _sums_by(frame: pd.DataFrame, columns: Mapping[str, Any], index: pd.MultiIndex) -> pd.DataFrame:
    """Each of `columns` (values aligned with `frame`'s rows; missing as 0) summed per (child, year) of `index`.

    Plain numpy: each row's place in `index` is looked up once and every column
    is added there in one scatter, so a dashboard's or a rollup refresh's few
    rows cost microseconds rather than a pandas GROUP BY per figure. Rows whose
    (child, year) is not in `index`, or whose year is unknown, are left out.
    """
    sums = np.zeros((len(index), len(columns)), dtype="int64")
    if not frame.empty and columns:
        year = pd.to_numeric(frame["year"], errors="coerce").to_numpy(dtype="float64")
        known = ~np.isnan(year)
        at = _positions(index, frame["child"].to_numpy()[known], year[known].astype("int64"))
        values = np.column_stack([np.nan_to_num(np.asarray(v, dtype="float64")) for v in columns.values()])[known]
        inside = at >= 0
        np.add.at(sums, at[inside], values[inside].astype("int64"))
    return pd.DataFrame(sums, index=index, columns=list(columns))


def stock_figures(register_spans: pd.DataFrame, index: pd.MultiIndex, years: list[int]) -> pd.DataFrame:
    """poor_households, poor_population, supported_population, registered_population per (child, year)."""
    x = spans_at(register_spans, years)
    status = x["status"]
    poor = status.isin(POOR).to_numpy()
    supported = status.isin(POOR + [Status.EXITED_CONSOLIDATING.value]).to_numpy()
    registered = status.isin(POOR + EXITED).to_numpy()
    households, population = x["households"].to_numpy(), x["population"].to_numpy()
    return _sums_by(
        x,
        {
            "poor_households": np.where(poor, households, 0),
            "poor_population": np.where(poor, population, 0),
            "supported_population": np.where(supported, population, 0),
            "registered_population": np.where(registered, population, 0),
        },
        index,
    )


def flow_figures(register_spans: pd.DataFrame, index: pd.MultiIndex) -> pd.DataFrame:
    """Every flow key per (child, year): the changes dated in the year (spans starting then), each counted once.

    An exit is a change from poor (identified or returned) to exited; a
    consolidating household later marked stable is not a second exit.
    """
    spans = register_spans.reset_index(drop=True)
    status = spans["status"].to_numpy()
    joined, left = spans["joined"].to_numpy(dtype=bool), spans["left"].to_numpy(dtype=bool)
    from_poor = spans["prev_poor"].to_numpy(dtype=bool)
    population, households = spans["population"].to_numpy(), spans["households"].to_numpy()
    exits = np.isin(status, EXITED) & from_poor
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
        counted = mask & ~joined  # a member joining under a status is natural change, not the status's flow
        columns[f"{kind}_population"] = np.where(counted, population, 0)
        columns[f"{kind}_households"] = np.where(counted, households, 0)
    table = _sums_by(spans.assign(year=pd.to_numeric(spans["start"])), columns, index)
    poor = np.isin(status, POOR)
    arrivals = _sums_by(
        spans.assign(year=pd.to_numeric(spans["start"])), {"p": np.where(poor & joined, population, 0)}, index
    )
    departures = _sums_by(
        spans.assign(year=pd.to_numeric(spans["end"])), {"p": np.where(poor & left, population, 0)}, index
    )
    table[NATURAL_KEY] = arrivals["p"] - departures["p"]
    return table[FLOW_KEYS]


def _known(value: Any) -> bool:
    """A span bound that is there: not None and not NaN (hand-built frames carry NaN)."""
    return value is not None and value == value


def _covers(start: Any, end: Any, year: int) -> bool:
    """The span counts at the end of `year`: start <= year (unknown start: always) and no end or end > year."""
    return (not _known(start) or start <= year) and (not _known(end) or end > year)


def rural_values(rural_spans: Iterable[Row], keys: list[Key]) -> dict[Key, tuple[int | None, int]]:
    """(rural_population, villages whose figure is carried forward) per (child, year) of `keys`.

    The population is None where no village of the child has a figure. Rows: `queries.rural_spans`.
    """
    years = sorted({year for _child, year in keys})
    sums = {key: [0, 0, 0] for key in keys}  # population, figures, carried forward
    for child, start, end, population, villages in rural_spans:
        for year in years:
            cell = sums.get((child, year))
            if cell is not None and _covers(start, end, year):
                cell[0] += int(population)
                cell[1] += 1
                cell[2] += int(villages) if start < year else 0
    return {key: (p if n else None, carried) for key, (p, n, carried) in sums.items()}


def poor_village_values(village_spans: Iterable[Row], keys: list[Key]) -> dict[Key, int]:
    """Poor villages listed at the end of each (child, year) of `keys`. Rows: `queries.poor_village_spans`."""
    years = sorted({year for _child, year in keys})
    sums = dict.fromkeys(keys, 0)
    for child, start, end, villages in village_spans:
        for year in years:
            if (child, year) in sums and _covers(start, end, year):
                sums[(child, year)] += int(villages)
    return sums


def incidence(poor_population: int, rural_population: int | None) -> float | None:
    """poor / rural × 100, two decimals (numpy's rounding, as the tables have always had it); None without a
    denominator."""
    if not rural_population:
        return None
    return float(np.round(poor_population / rural_population * 100, 2))


REGISTER_KEYS = ["poor_households", "poor_population", "supported_population", "registered_population", *FLOW_KEYS]


def year_figures(register_year: pd.DataFrame, index: pd.MultiIndex) -> pd.DataFrame:
    """The register's keys per child from `queries.register_year` (one year: the index's only year)."""
    if register_year.empty:
        return pd.DataFrame(0, index=index, columns=REGISTER_KEYS, dtype="int64")
    sums = register_year.groupby("child")[REGISTER_KEYS].sum().astype("int64")
    return sums.reindex(index.get_level_values("child"), fill_value=0).set_index(index)


ROLLUP_COLUMNS = ["child", "year", "kind", "code", *REGISTER_KEYS]


def rollup_values(register_rollups: Iterable[Row], keys: list[Key]) -> dict[Key, list[int]]:
    """The register's keys (in `REGISTER_KEYS` order) per (child, year) of `keys`, summed from the figure rows
    (kind "") of `queries.register_rollups`. Plain Python: a region's rollup rows are a few hundred at most."""
    sums = {key: [0] * len(REGISTER_KEYS) for key in keys}
    for child, year, kind, _code, *values in register_rollups:
        cell = sums.get((child, year))
        if kind == "" and cell is not None:
            for i, value in enumerate(values):
                cell[i] += int(value or 0)
    return sums


def rollup_splits(
    register_rollups: Iterable[Row], *, field: str, children: list[str], years: list[int]
) -> dict[tuple[str, int], dict[str, int]]:
    """Poor population split by `field` (main_cause or attribute) from `queries.register_rollups` with split."""
    poor = 4 + REGISTER_KEYS.index("poor_population")
    items = ((row[0], row[1], row[3], row[poor]) for row in register_rollups if row[2] == field)
    return _by_code(items, children=children, years=years)


def _rows(data: pd.DataFrame | Iterable[Row], columns: list[str]) -> Iterable[Row]:
    """Rows as tuples of `columns`, from a query's rows or a frame of them (the tests build frames by hand)."""
    if isinstance(data, pd.DataFrame):
        rows: Iterable[Row] = data[columns].itertuples(index=False, name=None)
        return rows
    return data


RURAL_COLUMNS = ["child", "start", "end", "rural_population", "villages"]
VILLAGE_COLUMNS = ["child", "start", "end", "villages"]


def figure_values(
    *,
    rural_spans: pd.DataFrame | Iterable[Row],
    village_spans: pd.DataFrame | Iterable[Row],
    children: list[str],
    years: list[int],
    register_spans: pd.DataFrame | None = None,
    register_year: pd.DataFrame | None = None,
    register_rollups: pd.DataFrame | Iterable[Row] | None = None,
) -> dict[Key, dict[str, int | float | None]]:
    """Every scalar key as plain values, per (child, year) in child then year order. Use child "" with
    `with_total` rows for a region's totals.

    The register comes as the villages' rollups (what the pages read; summed in
    plain Python, no frame), or from the register itself: as spans (any run of
    years) or, for a single year, as `register_year` sums (through pandas).
    """
    keys = [(child, year) for child in children for year in years]
    register: Mapping[Key, Iterable[Any]]
    if register_rollups is not None:
        register = rollup_values(_rows(register_rollups, ROLLUP_COLUMNS), keys)
    else:
        index = pd.MultiIndex.from_product([children, years], names=["child", "year"])
        if register_year is not None:
            frame = year_figures(register_year, index)
        else:
            assert register_spans is not None
            stocks, flows = stock_figures(register_spans, index, years), flow_figures(register_spans, index)
            frame = pd.concat([stocks, flows], axis=1)
        register = dict(zip(keys, frame[REGISTER_KEYS].to_numpy(dtype="int64").tolist(), strict=True))
    rural = rural_values(_rows(rural_spans, RURAL_COLUMNS), keys)
    villages = poor_village_values(_rows(village_spans, VILLAGE_COLUMNS), keys)
    out: dict[Key, dict[str, int | float | None]] = {}
    for key in keys:
        row: dict[str, int | float | None] = dict(zip(REGISTER_KEYS, register[key], strict=True))
        population, carried = rural[key]
        row["rural_population"] = population
        row["rural_population_carried_forward"] = carried
        row["poor_villages"] = villages[key]
        row["poverty_incidence"] = incidence(int(row["poor_population"] or 0), population)
        out[key] = {name: row[name] for name in SCALAR_KEYS}
    return out


FLOAT_KEYS = ["rural_population", "poverty_incidence"]


def table_of(values: Mapping[Key, Mapping[str, Any]], children: list[str], years: list[int]) -> pd.DataFrame:
    """`figure_values` as a frame: index (child, year), the scalar keys as columns (counts int64; the
    rural population and the incidence float64, NaN where unknown)."""
    index = pd.MultiIndex.from_product([children, years], names=["child", "year"])
    table = pd.DataFrame.from_records([values[key] for key in index], index=index, columns=SCALAR_KEYS)
    return table.astype({key: "float64" if key in FLOAT_KEYS else "int64" for key in SCALAR_KEYS})


def figures(
    *,
    rural_spans: pd.DataFrame | Iterable[Row],
    village_spans: pd.DataFrame | Iterable[Row],
    children: list[str],
    years: list[int],
    register_spans: pd.DataFrame | None = None,
    register_year: pd.DataFrame | None = None,
    register_rollups: pd.DataFrame | Iterable[Row] | None = None,
) -> pd.DataFrame:
    """`figure_values` as a frame (`table_of`)."""
    values = figure_values(
        rural_spans=rural_spans,
        village_spans=village_spans,
        children=children,
        years=years,
        register_spans=register_spans,
        register_year=register_year,
        register_rollups=register_rollups,
    )
    return table_of(values, children, years)


def year_splits(
    register_year: pd.DataFrame, *, field: str, children: list[str], year: int
) -> dict[tuple[str, int], dict[str, int]]:
    """Poor population at the end of the year split by `field`, from `queries.register_year` with split."""
    items = zip(
        register_year["child"],
        [year] * len(register_year),
        register_year[field],
        register_year["poor_population"],
        strict=True,
    )
    return _by_code(items, children=children, years=[year])


def _by_code(
    items: Iterable[tuple[Any, Any, Any, Any]], *, children: list[str], years: list[int]
) -> dict[tuple[str, int], dict[str, int]]:
    """{(child, year): {code: population}} summed from (child, year, code, population); every pair present, zeros
    and unknown codes left out. A plain loop: a region's split rows are a few hundred at most."""
    result: dict[tuple[str, int], dict[str, int]] = {(c, y): {} for c in children for y in years}
    for child, year, code, population in items:
        by_code = result.get((child, int(year)))
        if by_code is None or code is None or pd.isna(code):
            continue
        key = str(int(code))
        by_code[key] = by_code.get(key, 0) + int(population)
    for by_code in result.values():
        for key in [k for k, v in by_code.items() if not v]:
            del by_code[key]
    return result


def split_sums(register_spans: pd.DataFrame, *, field: str, years: list[int]) -> pd.Series:
    """Poor population by (child, year, code of `field`: main_cause or attribute), zeros left out."""
    x = spans_at(register_spans[register_spans["status"].isin(POOR)], years)
    if x.empty:
        nothing = pd.MultiIndex.from_arrays([[], [], []], names=["child", "year", field])
        return pd.Series([], index=nothing, dtype="int64")
    sums = x.groupby(["child", "year", field])["population"].sum().astype("int64")
    return sums[sums != 0]


def splits(
    register_spans: pd.DataFrame, *, field: str, children: list[str], years: list[int]
) -> dict[tuple[str, int], dict[str, int]]:
    """Poor population split by `field` (main_cause or attribute): {(child, year): {code: population}}."""
    sums = split_sums(register_spans, field=field, years=years)
    return _by_code(((*key, value) for key, value in sums.items()), children=children, years=years)


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
    at = table.index.get_loc((child, year))
    row = {key: table[key].to_numpy()[at] for key in SCALAR_KEYS}  # per column: ints stay ints
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
