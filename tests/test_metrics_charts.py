"""Charts from frames: each figure checked on its dict, each table on its numbers."""

import pandas as pd
import plotly.graph_objects as go

from households.models import GUARANTEE_CHECKS
from metrics import charts
from metrics.registry import INDICATORS, Indicator, register
from villages.models import VILLAGE_ITEMS


def as_dict(chart):
    return go.Figure(chart.figure).to_dict()


def test_the_trend_draws_poor_population_incidence_and_the_2020_goal():
    series = pd.DataFrame({"poor_population": [283900, 79300], "poverty_incidence": [51.0, 14.0]}, index=[2011, 2015])
    chart = charts.trend(series)
    fig = as_dict(chart)
    assert list(fig["data"][0]["y"]) == [283900, 79300]
    assert list(fig["data"][1]["y"]) == [51.0, 14.0] and fig["data"][1]["yaxis"] == "y2"
    assert list(fig["data"][2]["x"]) == [2020] and list(fig["data"][2]["y"]) == [0]
    assert chart.csv().splitlines()[1] == "2011,283900,51.0"


def test_incidence_by_region_puts_the_laggards_first_and_links_each_bar():
    rows = pd.DataFrame(
        {
            "code": ["a", "b", "c"],
            "name": ["甲", "乙", "丙"],
            "poor_population": [1, 9, 0],
            "rural_population": [100.0, 100.0, float("nan")],
            "poverty_incidence": [1.0, 9.0, float("nan")],
        }
    )
    chart = charts.incidence_by_region(rows, ["/a", "/b", "/c"])
    assert chart.table.iloc[:, 0].tolist() == ["乙", "甲", "丙"]
    assert chart.links == ["/b", "/a", "/c"]
    bar = as_dict(chart)["data"][0]
    assert list(bar["y"]) == ["丙", "甲", "乙"] and list(bar["customdata"]) == ["/c", "/a", "/b"]


def test_exits_stack_stable_and_consolidating_against_the_target():
    series = pd.DataFrame(
        {"exited_stable_population": [48800], "exited_consolidating_population": [15500]}, index=[2015]
    )
    chart = charts.exits(series, pd.DataFrame({"year": [2015], "target_population": [60000]}))
    fig = as_dict(chart)
    assert fig["layout"]["barmode"] == "stack"
    assert [list(t["y"]) for t in fig["data"]] == [[48800], [15500], [60000]]
    assert chart.csv().splitlines()[1] == "2015,48800,15500,64300,60000"


def test_the_waterfall_runs_from_start_to_end():
    chart = charts.waterfall(year=2015, start=10, new=5, exited=7, returned=0, removed=2, dissolved=1, natural=1, end=6)
    trace = as_dict(chart)["data"][0]
    assert trace["type"] == "waterfall"
    assert list(trace["y"]) == [10, 5, -7, 0, -2, -1, 1, 6]
    assert list(trace["measure"]) == ["absolute", *["relative"] * 6, "total"]


def test_guarantees_count_failing_households_per_check():
    failures = pd.DataFrame(
        [
            {
                "households": 4,
                "enough_food": 1,
                "enough_clothing": 0,
                "education_secured": 2,
                "medical_secured": 0,
                "housing_secured": 3,
            }
        ]
    )
    chart = charts.guarantees(failures, GUARANTEE_CHECKS)
    assert list(as_dict(chart)["data"][0]["y"]) == [1, 0, 2, 0, 3]


def test_the_checklist_is_a_villages_by_items_heatmap():
    items = [f for f, _label in VILLAGE_ITEMS]
    villages = pd.DataFrame(
        [
            {"code": "v1", "name": "一村", **dict.fromkeys(items, True)},
            {"code": "v2", "name": "二村", **dict.fromkeys(items)},
        ]
    )
    chart = charts.checklist(villages, VILLAGE_ITEMS, ["/v1", "/v2"])
    heat = as_dict(chart)["data"][0]
    assert heat["type"] == "heatmap" and len(heat["x"]) == 12
    assert list(heat["z"][0]) == [1] * 12 and list(heat["z"][1]) == [None] * 12
    assert chart.csv().splitlines()[1].endswith(",12") and chart.csv().splitlines()[2] == "二村,v2" + "," * 13


def test_every_indicator_has_a_label_unit_and_definition():
    for indicator in INDICATORS.values():
        assert str(indicator.label) and str(indicator.unit) and str(indicator.definition)
    assert str(INDICATORS["poverty_incidence"].label) == "贫困发生率"


def test_an_indicator_cannot_be_registered_twice():
    import pytest

    with pytest.raises(ValueError):
        register(Indicator(key="poor_population", label="x", unit="x", definition="x", kind="stock"))
