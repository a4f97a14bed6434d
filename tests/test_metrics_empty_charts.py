"""A chart with nothing to show says so (暂无数据) instead of drawing empty axes."""

import json

import pandas as pd

from households.models import GUARANTEE_CHECKS
from metrics import charts
from villages.models import VILLAGE_ITEMS


def says_no_data(chart) -> bool:
    layout = chart.figure["layout"]
    return (
        chart.figure["data"] == []
        and layout["xaxis"] == {"visible": False}
        and [a["text"] for a in layout["annotations"]] == ["暂无数据"]
    )


def test_an_all_zero_trend_says_there_is_no_data(chinese):
    series = pd.DataFrame({"poor_population": [0, 0], "poverty_incidence": [None, None]}, index=[2025, 2026])
    chart = charts.trend(series)
    assert says_no_data(chart)
    assert chart.csv().splitlines()[1] == "2025,0,"  # the table still has its rows


def test_a_split_without_rows_and_an_empty_checklist_say_there_is_no_data(chinese):
    assert says_no_data(charts.split("by_cause", "按原因", {}, {}))
    empty = pd.DataFrame(columns=["code", "name", *[f for f, _label in VILLAGE_ITEMS]])
    assert says_no_data(charts.checklist(empty, VILLAGE_ITEMS, []))


def test_a_checklist_of_villages_meeting_nothing_is_data_not_emptiness(chinese):
    items = [f for f, _label in VILLAGE_ITEMS]
    villages = pd.DataFrame([{"code": "v1", "name": "一村", **dict.fromkeys(items, False)}])
    assert not says_no_data(charts.checklist(villages, VILLAGE_ITEMS, ["/v1"]))


def test_charts_with_numbers_are_drawn_as_before(chinese):
    assert not says_no_data(
        charts.waterfall(year=2015, start=0, new=0, exited=3, returned=0, removed=0, dissolved=0, natural=0, end=0)
    )
    failures = pd.DataFrame([{"households": 4, **{f: 0 for f, _label in GUARANTEE_CHECKS}}])
    assert not says_no_data(charts.guarantees(failures, GUARANTEE_CHECKS))  # 0 of 4 failing is a finding


def test_the_overview_of_a_year_without_data_sends_the_message(client, lintan_official, metrics_cast):
    client.force_login(lintan_official)
    html = client.get("/?year=2012").content.decode()
    payload = html.split('id="chart-data" type="application/json">')[1].split("</script>")[0]
    figures = json.loads(payload)
    assert figures["by_cause"]["data"] == [] and figures["by_cause"]["layout"]["annotations"][0]["text"] == "暂无数据"
    assert figures["trend"]["data"]  # 2014–2018 have poor households: drawn
    assert 'data-hide-label="隐藏数据表"' in html and 'data-show-label="显示数据表"' in html
