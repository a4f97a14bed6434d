"""What an official reads on the chart axes.

万 and 亿 ticks (never "200k"), the selected year marked, nothing clipped.
"""

import pandas as pd
import plotly.graph_objects as go
from django.utils import translation

from gannan.numbers import axis_ticks
from metrics import charts
from villages.models import VILLAGE_ITEMS


def layout(chart) -> dict:
    return go.Figure(chart.figure).to_dict()["layout"]


SERIES = pd.DataFrame(
    {"poor_population": [283900, 150000, 79300, 0], "poverty_incidence": [51.0, 27.0, 14.0, 0.0]},
    index=[2011, 2013, 2015, 2020],
)


def test_people_axes_read_in_wan():
    ticks = layout(charts.trend(SERIES))["yaxis"]
    assert ticks["ticktext"] == ["0", "10万", "20万", "30万"]
    assert not any("k" in t for t in ticks["ticktext"])


def test_money_axes_read_in_wan_and_yi():
    assert axis_ticks(30680, scale=10_000)["ticktext"] == ["0", "1亿", "2亿", "3亿", "4亿"]  # 30,680万元
    assert axis_ticks(2475, scale=10_000)["ticktext"] == ["0", "500万", "1,000万", "1,500万", "2,000万", "2,500万"]
    spec = {
        "key": "by_programme",
        "title": "各类项目资金",
        "kind": "bar",
        "unit": charts.WAN_YUAN,
        "x": "name",
        "series": ["amount"],
        "columns": [("name", "项目类别"), ("amount", "资金（万元）")],
        "rows": [{"name": "产业", "amount": 30680}, {"name": "教育", "amount": 1200}],
    }
    yaxis = layout(charts.from_rows(spec))["yaxis"]
    assert yaxis["title"]["text"] == "元" and "3亿" in yaxis["ticktext"]


def test_a_money_chart_says_its_unit_once_on_the_axis_and_its_legend_carries_none(db):
    # The axis reads 元 with 万/亿 ticks; "万元" in the title or the legend beside "1亿" on a 元 axis misleads.
    from funds.charts import funds_charts
    from villages.models import Division

    money = {c["key"]: c for c in funds_charts(region=Division.objects.get(code="623021"), year=2015, children=[])}
    for key in ("sources_by_year", "allocated_vs_disbursed", "by_programme"):
        assert "万元" not in str(money[key]["title"]), key
    flow = charts.from_rows(
        money["allocated_vs_disbursed"] | {"rows": [{"year": 2015, "allocated": 1, "disbursed": 1}]}
    )
    assert [trace["name"] for trace in go.Figure(flow.figure).to_dict()["data"]] == ["到位资金", "拨付资金"]
    assert list(flow.table.columns) == ["年度", "到位资金（万元）", "拨付资金（万元）"]  # the table keeps its unit


def test_in_english_axes_have_grouped_digits_not_k():
    with translation.override("en"):
        ticks = layout(charts.trend(SERIES))["yaxis"]["ticktext"]
    assert ticks == ["0", "100,000", "200,000", "300,000"]


def test_the_incidence_axis_starts_at_zero_with_round_ticks():
    right = layout(charts.trend(SERIES))["yaxis2"]
    assert right["range"][0] == 0 and right["tickvals"] == [0, 20, 40, 60]


def test_the_selected_year_is_highlighted():
    chart = charts.trend(SERIES, 2015)
    band = layout(chart)["shapes"][0]
    assert (band["x0"], band["x1"]) == (2014.5, 2015.5)
    colours = go.Figure(chart.figure).to_dict()["data"][0]["marker"]["color"]
    assert colours[2] == charts.RED and colours[0] != charts.RED


def test_axes_grow_to_fit_rotated_labels():
    split = charts.split("by_cause", "按致贫原因", {"1": 5, "2": 3}, {"1": "因病", "2": "因残"})
    xaxis = layout(split)["xaxis"]
    assert xaxis["automargin"] is True and xaxis["tickangle"] == -30


def test_the_checklist_has_a_legend_and_its_item_names_on_top():
    villages = pd.DataFrame(
        {"code": [f"62302110{i:04d}" for i in range(80)], "name": [f"村{i}" for i in range(80)]}
        | {f: [1, 0] * 40 for f, _label in VILLAGE_ITEMS}
    )
    chart = charts.checklist(villages, VILLAGE_ITEMS, ["/v"] * 80)
    fig = go.Figure(chart.figure).to_dict()
    assert fig["data"][0]["colorbar"]["ticktext"] == ["未达标", "已达标"]
    assert fig["layout"]["xaxis"]["side"] == "top"
