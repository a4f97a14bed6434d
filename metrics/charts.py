"""DataFrame → chart: each chart is its table (shown, and downloaded as CSV) and a plotly figure drawn from it.

The table is the single source: the figure, the HTML table and the CSV all
come from the same frame, so they show exactly the same numbers.
"""

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gannan import numbers
from gannan.lib.tabular import neutralise

RED, GREEN, LIGHT_GREEN, YELLOW, GREY, BLUE = "#c62828", "#2e7d32", "#81c784", "#b58900", "#6b7280", "#1d4ed8"
PALE_RED, HIGHLIGHT = "#eaa5a5", "rgba(181,137,0,0.14)"
# The one palette of every chart: series in this order, the named colours above for meaning (poor, exited…).
PALETTE = ["#8b1a1a", BLUE, GREEN, YELLOW, "#6b21a8", "#0f766e", "#c2410c", "#475569", "#be185d"]
GOAL_YEAR = 2020


def _english() -> bool:
    return (get_language() or "").startswith("en")


def count_axis(values: Iterable[Any], title: str, *, scale: int = 1) -> dict[str, Any]:
    """An axis of people, households or yuan (`scale` yuan per unit) with 万/亿 tick labels, never "200k"."""
    top = max([float(v) for v in values if v is not None and not pd.isna(v)] or [0])
    return {"title": {"text": title}, "automargin": True, **numbers.axis_ticks(top, scale=scale, english=_english())}


def percent_axis(values: Iterable[Any], title: str = "%", **extra: Any) -> dict[str, Any]:
    """A percent axis from exactly 0 (a line at 0 sits on the bars' baseline, never below it) to a round top."""
    top = max([float(v) for v in values if v is not None and not pd.isna(v)] or [0])
    ticks = numbers.axis_ticks(min(top, 100), whole=False)
    return {"title": {"text": title}, "automargin": True, **ticks, "ticksuffix": "", **extra}


def year_highlight(year: int | None) -> list[dict[str, Any]]:
    """A band behind the selected year, so the chart shows which year the page is about."""
    if year is None:
        return []
    return [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": year - 0.5,
            "x1": year + 0.5,
            "y0": 0,
            "y1": 1,
            "fillcolor": HIGHLIGHT,
            "line": {"width": 0},
            "layer": "below",
        }
    ]


@dataclass
class Chart:
    key: str
    title: str
    table: pd.DataFrame
    figure: dict[str, Any]
    links: list[str | None] = field(default_factory=list)  # one per table row: where its first cell leads
    zero_is_data: bool = False  # a 0 means "not met" (the checklist), not "nothing to show"

    def __post_init__(self) -> None:
        if not self.has_data():
            self.figure = _no_data(self.figure)

    def has_data(self) -> bool:
        """Any number other than 0 (or any number at all, with `zero_is_data`) beyond the first (label) column."""
        return any(
            isinstance(v, int | float | Decimal | np.number)
            and not isinstance(v, bool)
            and not pd.isna(v)
            and (self.zero_is_data or v != 0)
            for v in self.table.iloc[:, 1:].to_numpy().ravel()
        )

    def csv(self) -> str:
        """The chart's table as CSV, text cells neutralised (a village named "=HYPERLINK(…)" stays text)."""
        return str(self.table.map(neutralise).to_csv(index=False))

    def rows(self) -> tuple[list[str], list[list[str]]]:
        """Header and rows of the HTML table: the CSV's cells, read back before neutralising, so both always agree."""
        header, *rows = csv.reader(io.StringIO(self.table.to_csv(index=False)))
        return header, rows


def _no_data(figure: dict[str, Any]) -> dict[str, Any]:
    """The figure without traces or axes, saying that there is nothing to show (not empty axes that look broken)."""
    layout = {k: v for k, v in figure.get("layout", {}).items() if k not in ("shapes", "annotations", "yaxis2")}
    layout.update(
        xaxis={"visible": False},
        yaxis={"visible": False},
        showlegend=False,
        annotations=[
            {
                "text": _("暂无数据"),
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 16, "color": GREY},
            }
        ],
    )
    return {"data": [], "layout": layout}


def _plain(values: Iterable[Any]) -> list[Any]:
    """JSON-ready values: numpy numbers as Python ones, NaN and pandas' NA as null (JSON has no NaN)."""
    out: list[Any] = []
    for v in values:
        if v is None or v is pd.NA or (isinstance(v, float | np.floating) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, np.generic):
            out.append(v.item())
        else:
            out.append(v)
    return out


def _figure(traces: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A plotly figure as the plain dict plotly.js draws (and kaleido prints): traces and the common layout.

    Plain dicts, not plotly's `go.Figure`: building and validating those cost a
    page a fixed 0.2–0.7 s whatever its data. Traces give their `type` and
    nested properties (`marker: {color}`), as in plotly.js; the tests pass every
    chart through `go.Figure` to validate it. Axes grow their margins to fit
    their labels (rotated labels are not clipped). No template: plotly.js's own
    defaults are what plotly.py's "none" template gives.
    """
    layout = {
        "margin": {"l": 60, "r": 60, "t": 30, "b": 50},
        "font": {"family": "WenQuanYi Micro Hei, Microsoft YaHei, sans-serif", "size": 12},
        "legend": {"orientation": "h", "y": -0.2, "yanchor": "top"},
        "height": 340,
    }
    merged = {**layout, **extra}
    for axis in ("xaxis", "yaxis"):
        merged[axis] = {"automargin": True, **merged.get(axis, {})}
    return {"data": traces, "layout": merged}


def trend(series: pd.DataFrame, year: int | None = None) -> Chart:
    """Poor population (bars) and incidence (line) by year, with the 2020 goal of zero; `year` is highlighted.

    `series`: index year; columns poor_population, poverty_incidence.
    """
    table = pd.DataFrame(
        {
            _("年度"): series.index.astype(int),
            _("贫困人口"): series["poor_population"].astype(int).to_numpy(),
            _("贫困发生率(%)"): series["poverty_incidence"].to_numpy(),
        }
    )
    years, poor, rate = (_plain(table[c]) for c in table.columns)
    traces = [
        {
            "type": "bar",
            "x": years,
            "y": poor,
            "name": _("贫困人口"),
            "marker": {"color": [RED if y == year or year is None else PALE_RED for y in years]},
            "hovertemplate": "%{x}: %{y:,d}<extra></extra>",
        },
        {
            "type": "scatter",
            "x": years,
            "y": rate,
            "name": _("贫困发生率(%)"),
            "yaxis": "y2",
            "mode": "lines+markers",
            "line": {"color": BLUE},
            "hovertemplate": "%{x}: %{y:.1f}%<extra></extra>",
        },
        {
            "type": "scatter",
            "x": [GOAL_YEAR],
            "y": [0],
            "name": _("2020年目标：贫困人口清零"),
            "mode": "markers",
            "marker": {"symbol": "star", "size": 16, "color": GREEN},
        },
    ]
    return Chart(
        key="trend",
        title=_("贫困人口与贫困发生率"),
        table=table,
        figure=_figure(
            traces,
            yaxis=count_axis(poor, _("人")),
            yaxis2=percent_axis(rate, overlaying="y", side="right", showgrid=False),
            xaxis={"dtick": 1},
            shapes=year_highlight(year),
        ),
    )


def incidence_by_region(rows: pd.DataFrame, urls: list[str]) -> Chart:
    """Incidence of each sub-region, highest first (the laggards on top).

    `rows`: columns code, name, poor_population, rural_population, poverty_incidence; `urls` in the same order.
    """
    rows = rows.assign(url=urls)
    rows = rows.sort_values(["poverty_incidence", "poor_population"], ascending=False, na_position="last")
    table = pd.DataFrame(
        {
            _("区划"): rows["name"].to_numpy(),
            _("区划代码"): rows["code"].to_numpy(),
            _("贫困人口"): rows["poor_population"].astype(int).to_numpy(),
            _("农业户籍人口"): rows["rural_population"].astype("Int64").reset_index(drop=True),
            _("贫困发生率(%)"): rows["poverty_incidence"].to_numpy(),
        }
    )
    plotted = rows.iloc[::-1]  # plotly draws horizontal bars bottom-up
    bars = {
        "type": "bar",
        "y": _plain(plotted["name"]),
        "x": _plain(plotted["poverty_incidence"].fillna(0)),
        "orientation": "h",
        "marker": {"color": RED},
        "customdata": _plain(plotted["url"]),
        "hovertemplate": "%{y}: %{x}%<extra></extra>",
    }
    return Chart(
        key="incidence_by_region",
        title=_("各下级区划贫困发生率"),
        table=table,
        figure=_figure(
            [bars],
            xaxis=percent_axis(rows["poverty_incidence"]),
            height=max(300, 22 * len(rows) + 80),
            margin={"l": 110, "r": 20, "t": 20, "b": 40},
        ),
        links=rows["url"].tolist(),
    )


def split(key: str, title: str, values: dict[str, int], labels: dict[str, str]) -> Chart:
    """Poor population split by a code (cause or attribute), largest first."""
    items = sorted(values.items(), key=lambda kv: -kv[1])
    table = pd.DataFrame(
        {
            _("代码"): [code for code, _n in items],
            _("名称"): [labels.get(code, code) for code, _n in items],
            _("贫困人口"): [n for _code, n in items],
        }
    )
    bars = {"type": "bar", "x": _plain(table[_("名称")]), "y": _plain(table[_("贫困人口")]), "marker": {"color": RED}}
    return Chart(
        key=key,
        title=title,
        table=table,
        figure=_figure([bars], yaxis=count_axis(table[_("贫困人口")], _("人")), xaxis={"tickangle": -30}),
    )


def exits(series: pd.DataFrame, targets: pd.DataFrame, year: int | None = None) -> Chart:
    """Exits by year, stable and consolidating stacked, against the year's target.

    `series`: index year; columns exited_stable_population, exited_consolidating_population.
    `targets`: columns year, target_population.
    """
    target = targets.set_index("year")["target_population"] if not targets.empty else pd.Series(dtype="float64")
    years = series.index.astype(int)
    table = pd.DataFrame(
        {
            _("年度"): years,
            _("稳定脱贫人口"): series["exited_stable_population"].astype(int).to_numpy(),
            _("巩固提升人口"): series["exited_consolidating_population"].astype(int).to_numpy(),
            _("脱贫人口"): (series["exited_stable_population"] + series["exited_consolidating_population"])
            .astype(int)
            .to_numpy(),
            _("计划脱贫人口"): target.reindex(years).astype("Int64").reset_index(drop=True),
        }
    )
    x = _plain(table[_("年度")])
    goal = [None if pd.isna(v) else int(v) for v in table[_("计划脱贫人口")]]
    traces = [
        {
            "type": "bar",
            "x": x,
            "y": _plain(table[_("稳定脱贫人口")]),
            "name": _("稳定脱贫"),
            "marker": {"color": GREEN},
        },
        {
            "type": "bar",
            "x": x,
            "y": _plain(table[_("巩固提升人口")]),
            "name": _("巩固提升"),
            "marker": {"color": LIGHT_GREEN},
        },
        {
            "type": "scatter",
            "x": x,
            "y": goal,
            "name": _("计划脱贫人口"),
            "mode": "lines+markers",
            "line": {"color": YELLOW, "dash": "dash"},
        },
    ]
    top = [*table[_("脱贫人口")], *[g for g in goal if g is not None]]
    return Chart(
        key="exits",
        title=_("历年脱贫人口与计划"),
        table=table,
        figure=_figure(
            traces, barmode="stack", yaxis=count_axis(top, _("人")), xaxis={"dtick": 1}, shapes=year_highlight(year)
        ),
    )


def waterfall(
    *, year: int, start: int, new: int, exited: int, returned: int, removed: int, dissolved: int, natural: int, end: int
) -> Chart:
    """The year's stock and flow: start + new − exited + returned − removed − dissolved (while poor) + natural = end."""
    steps = [
        (_("上年末贫困人口"), start, "absolute"),
        (_("新识别"), new, "relative"),
        (_("脱贫"), -exited, "relative"),
        (_("返贫"), returned, "relative"),
        (_("清退"), -removed, "relative"),
        (_("自然减少"), -dissolved, "relative"),
        (_("人口自然变动"), natural, "relative"),
        (_("年末贫困人口"), end, "total"),
    ]
    table = pd.DataFrame({_("项目"): [s[0] for s in steps], _("人数"): [s[1] for s in steps]})
    bars = {
        "type": "waterfall",
        "x": [s[0] for s in steps],
        "y": _plain(s[1] for s in steps),
        "measure": [s[2] for s in steps],
        "increasing": {"marker": {"color": RED}},
        "decreasing": {"marker": {"color": GREEN}},
        "totals": {"marker": {"color": GREY}},
    }
    return Chart(
        key="waterfall",
        title=_("%(year)d年贫困人口增减") % {"year": year},
        table=table,
        figure=_figure([bars], yaxis=count_axis(_running_totals([s[1] for s in steps]), _("人")), showlegend=False),
    )


def _running_totals(steps: list[int]) -> list[int]:
    """The heights a waterfall reaches: the start, each running sum, the end."""
    out, total = [], 0
    for i, step in enumerate(steps):
        total = step if i in (0, len(steps) - 1) else total + step
        out.append(total)
    return out


def guarantees(failures: pd.DataFrame, checks: Sequence[tuple[str, str | Promise]]) -> Chart:
    """Households (poor at the end of the year) failing each of 两不愁三保障. `failures`: one row of counts."""
    row = failures.iloc[0] if not failures.empty else pd.Series(dtype="int64")
    table = pd.DataFrame(
        {
            _("指标"): [str(label) for _f, label in checks],
            _("未达标户数"): [int(row.get(f, 0) or 0) for f, _label in checks],
            _("有年度记录的贫困户数"): [int(row.get("households", 0) or 0)] * len(checks),
        }
    )
    bars = {
        "type": "bar",
        "x": _plain(table[_("指标")]),
        "y": _plain(table[_("未达标户数")]),
        "marker": {"color": YELLOW},
    }
    return Chart(
        key="guarantees",
        title=_("两不愁三保障未达标户数"),
        table=table,
        figure=_figure([bars], yaxis=count_axis(table[_("未达标户数")], _("户")), showlegend=False),
    )


def checklist(villages: pd.DataFrame, items: Sequence[tuple[str, str | Promise]], urls: list[str]) -> Chart:
    """六有六通 of poor villages: villages × twelve items (1 met, 0 not met, empty without a record)."""
    labels = [str(label) for _f, label in items]
    table = pd.DataFrame({_("村"): villages["name"].to_numpy(), _("区划代码"): villages["code"].to_numpy()})
    for f, label in zip([f for f, _label in items], labels, strict=True):
        table[label] = (
            villages[f]
            .map(lambda v: None if v is None or pd.isna(v) else int(bool(v)))
            .astype("Int64")
            .reset_index(drop=True)
            if not villages.empty
            else []
        )
    table[_("达标项数")] = table[labels].sum(axis=1, min_count=1).astype("Int64") if not villages.empty else []
    z = [[None if pd.isna(v) else int(v) for v in table.loc[i, labels]] for i in table.index]
    heatmap = {
        "type": "heatmap",
        "z": z,
        "x": labels,
        "y": _plain(table[_("村")]),
        "zmin": 0,
        "zmax": 1,
        "xgap": 2,
        "ygap": 2,
        "colorscale": [[0, "#fde2e2"], [0.5, "#fde2e2"], [0.5, GREEN], [1, GREEN]],
        "colorbar": {
            "tickmode": "array",
            "tickvals": [0.25, 0.75],
            "ticktext": [_("未达标"), _("已达标")],
            "len": min(1, 200 / (24 * max(len(table), 1) + 120)),
            "y": 1,
            "yanchor": "top",
            "thickness": 14,
        },
        "customdata": [[u] * len(labels) for u in urls],
        "hovertemplate": "%{y} · %{x}<extra></extra>",
    }
    # The item names sit on top, next to the first villages, not below a long list of them.
    return Chart(
        key="checklist",
        title=_("贫困村六有六通进展"),
        table=table,
        figure=_figure(
            [heatmap],
            height=max(300, 24 * len(table) + 140),
            margin={"l": 110, "r": 20, "t": 20, "b": 20},
            xaxis={"tickangle": -40, "side": "top"},
            yaxis={"autorange": "reversed"},
        ),
        links=list(urls),
        zero_is_data=True,
    )


# How the value axis of a chart given as rows is labelled, by the unit of its numbers.
WAN_YUAN, HOUSEHOLDS, PERCENT = "wan_yuan", "households", "percent"


def _value_axis(unit: str, values: list[float]) -> dict[str, Any]:
    if unit == WAN_YUAN:  # the numbers are 万元: ticks read 5,000万 / 1亿, the title says 元
        return count_axis(values, _("元"), scale=10_000)
    if unit == PERCENT:
        return {
            "title": {"text": "%"},
            "automargin": True,
            "range": [0, 100],
            "tickmode": "array",
            "tickvals": [0, 20, 40, 60, 80, 100],
            "ticktext": ["0", "20", "40", "60", "80", "100"],
        }
    return count_axis(values, _("户"))


def from_rows(spec: dict[str, Any], links: list[str | None] | None = None) -> Chart:
    """A chart given as plain rows (funds.charts): bars per series over `x`, stacked or grouped, optional target line.

    `spec`: key, title, kind ("bar", "stacked" or "grouped"), unit (WAN_YUAN, HOUSEHOLDS or PERCENT), x, series,
    columns [(key, label)], rows, and optionally line / line_label and names {series: legend label} (the legend
    without the table's unit: money's axis is in 元 with 万/亿 ticks, its table in 万元); `links`: one per row,
    where its bar and its table row lead.
    """
    columns, rows = spec["columns"], spec["rows"]
    labels = {key: str(label) for key, label in columns}
    names = labels | {key: str(name) for key, name in spec.get("names", {}).items()}
    table = pd.DataFrame([[row.get(key) for key, _label in columns] for row in rows], columns=list(labels.values()))
    x = [str(row[spec["x"]]) for row in rows]
    unit = spec["unit"]
    hover = {WAN_YUAN: "%{x}: %{y:,.2f}" + _("万元"), PERCENT: "%{x}: %{y:.1f}%"}.get(unit, "%{x}: %{y:,d}")
    traces = []
    heights = [0.0] * len(rows)
    for i, key in enumerate(spec["series"]):
        values = [None if row.get(key) is None else float(row[key]) for row in rows]
        bars = {
            "type": "bar",
            "x": x,
            "y": values,
            "name": names[key],
            "marker": {"color": PALETTE[i % len(PALETTE)]},
            "hovertemplate": hover + "<extra>" + names[key] + "</extra>",
        }
        traces.append(bars | ({"customdata": links} if links else {}))
        if spec["kind"] == "stacked":
            heights = [h + (v or 0) for h, v in zip(heights, values, strict=True)]
        else:
            heights = [max(h, v or 0) for h, v in zip(heights, values, strict=True)]
    extra = {
        "barmode": "stack" if spec["kind"] == "stacked" else "group",
        "xaxis": {"type": "category", "tickangle": 0 if spec["x"] == "year" else -30},
        "yaxis": _value_axis(unit, heights),
        "showlegend": len(spec["series"]) > 1 or spec["kind"] == "stacked",
    }
    if spec.get("line") is not None:
        extra["shapes"] = [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": spec["line"],
                "y1": spec["line"],
                "line": {"color": RED, "dash": "dash"},
            }
        ]
        extra["annotations"] = [
            {
                "xref": "paper",
                "x": 1,
                "y": spec["line"],
                "text": str(spec["line_label"]),
                "showarrow": False,
                "xanchor": "right",
                "yanchor": "bottom",
                "font": {"color": RED},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        ]
    return Chart(
        key=spec["key"], title=str(spec["title"]), table=table, figure=_figure(traces, **extra), links=list(links or [])
    )
