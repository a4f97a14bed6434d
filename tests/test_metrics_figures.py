"""Every metric of the spec on the hand-built cast (tests/conftest.py: build_metrics_cast), worked out by hand."""

import pytest

from metrics import compute
from metrics.selectors import metrics_breakdown, metrics_summary, metrics_timeseries, region_figures
from villages.models import Division

LINTAN, ZHUONI, PREF = "623021", "623022", "623000"


def summary(code, year):
    return metrics_summary(division=Division.objects.get(code=code), year=year)


def test_the_stock_at_the_end_of_each_year_follows_the_status_history(metrics_cast):
    s2014, s2015, s2016, s2017, s2018 = (summary(LINTAN, y) for y in range(2014, 2019))
    assert (s2014["poor_population"], s2014["poor_households"]) == (10, 4)
    assert (s2015["poor_population"], s2015["poor_households"]) == (6, 2)
    assert (s2016["poor_population"], s2016["poor_households"]) == (8, 2)
    assert (s2017["poor_population"], s2017["poor_households"]) == (5, 1)
    assert (s2018["poor_population"], s2018["poor_households"]) == (5, 1)


def test_supported_and_registered_population_count_exited_households(metrics_cast):
    s2015, s2016, s2017, s2018 = (summary(LINTAN, y) for y in range(2015, 2019))
    assert s2015["supported_population"] == 9  # D 5 + E 1 poor, B 3 consolidating
    assert s2016["supported_population"] == 9  # D 5 + B 3 poor, E 1 consolidating
    assert s2017["supported_population"] == 5
    assert s2015["registered_population"] == 13  # C removed
    assert s2018["registered_population"] == 12  # E removed too


def test_nobody_is_on_the_register_before_the_first_identification(metrics_cast):
    s = summary(LINTAN, 2013)
    assert s["poor_population"] == 0 and s["registered_population"] == 0 and s["poverty_incidence"] is None


def test_flows_count_exits_returns_and_removals_in_their_year(metrics_cast):
    s2014, s2015, s2016, s2017, s2018 = (summary(LINTAN, y) for y in range(2014, 2019))
    assert (s2014["new_identified_population"], s2014["new_identified_households"]) == (10, 4)
    assert (s2015["new_identified_population"], s2015["new_identified_households"]) == (5, 1)
    assert (s2015["exited_population"], s2015["exited_households"]) == (7, 2)
    assert s2015["exited_stable_population"] == 4 and s2015["exited_consolidating_population"] == 3
    assert (s2015["removed_population"], s2015["removed_while_poor_population"]) == (2, 2)
    assert (s2016["returned_population"], s2016["returned_households"]) == (3, 1)
    assert s2016["exited_consolidating_population"] == 1 and s2016["exited_stable_population"] == 0
    # B exits (again) in 2017; E going from consolidating to stable is not a second exit.
    assert (s2017["exited_population"], s2017["exited_stable_population"]) == (3, 3)
    assert (s2018["removed_population"], s2018["removed_households"]) == (1, 1)
    assert s2018["removed_while_poor_population"] == 0


def test_a_village_without_a_figure_carries_its_last_one_forward_and_says_so(metrics_cast):
    s2014, s2015, s2016 = (summary(LINTAN, y) for y in (2014, 2015, 2016))
    assert (s2014["rural_population"], s2014["rural_population_carried_forward"]) == (150, 0)
    assert (s2015["rural_population"], s2015["rural_population_carried_forward"]) == (200, 1)  # 西街村 from 2014
    assert (s2016["rural_population"], s2016["rural_population_carried_forward"]) == (200, 3)


def test_incidence_is_poor_over_rural_in_percent_with_two_decimals(metrics_cast):
    assert summary(LINTAN, 2014)["poverty_incidence"] == 6.67  # 10 / 150
    assert summary(LINTAN, 2015)["poverty_incidence"] == 3.0  # 6 / 200
    assert summary(LINTAN, 2016)["poverty_incidence"] == 4.0  # 8 / 200


def test_poor_villages_leave_the_list_in_their_exit_year(metrics_cast):
    assert summary(LINTAN, 2015)["poor_villages"] == 2
    assert summary(LINTAN, 2016)["poor_villages"] == 1
    assert summary(PREF, 2016)["poor_villages"] == 2


def test_poor_population_is_split_by_cause_and_attribute(metrics_cast):
    s = summary(LINTAN, 2015)
    assert s["by_cause"] == {"1": 1, "2": 5}
    assert s["by_attribute"] == {"2": 5, "3": 1}
    assert summary(LINTAN, 2016)["by_attribute"] == {"1": 3, "2": 5}


def test_the_prefecture_adds_up_its_counties(metrics_cast):
    s = summary(PREF, 2015)
    assert s["poor_population"] == 6 + 6
    assert s["rural_population"] == 200 + 300
    assert s["poverty_incidence"] == 2.4


def test_the_flow_identity_holds_for_every_year_and_every_child(metrics_cast):
    for code in (PREF, LINTAN, "623021100"):
        figures = region_figures(division=Division.objects.get(code=code), first=2011, last=2020, with_children=True)
        gaps = compute.flow_identity_gaps(figures.table)
        assert not gaps.empty and (gaps == 0).all(), gaps[gaps != 0]


def test_the_timeseries_matches_the_yearly_summaries(metrics_cast):
    ts = metrics_timeseries(division=Division.objects.get(code=LINTAN), first=2013, last=2018)
    assert ts["years"] == [2013, 2014, 2015, 2016, 2017, 2018]
    assert ts["series"]["poor_population"] == [0, 10, 6, 8, 5, 5]
    assert ts["series"]["exited_population"] == [0, 0, 7, 1, 3, 0]
    assert ts["series"]["poverty_incidence"] == [None, 6.67, 3.0, 4.0, 2.5, 2.5]
    for i, year in enumerate(ts["years"]):
        s = summary(LINTAN, year)
        assert {k: v[i] for k, v in ts["series"].items()} == {k: v for k, v in s.items() if k not in ("region", "year")}


def test_the_breakdown_gives_each_township_its_figures(metrics_cast):
    b = metrics_breakdown(division=Division.objects.get(code=LINTAN), year=2015)
    children = {c["region"]["code"]: c for c in b["children"]}
    assert set(children) == set(Division.objects.filter(parent_id=LINTAN).values_list("code", flat=True))
    chengguan, xincheng = children["623021100"], children["623021101"]
    assert (chengguan["poor_population"], chengguan["rural_population"], chengguan["poverty_incidence"]) == (
        0,
        160,
        0.0,
    )
    assert (xincheng["poor_population"], xincheng["rural_population"], xincheng["poverty_incidence"]) == (6, 40, 15.0)
    assert xincheng["by_cause"] == {"1": 1, "2": 5}
    assert chengguan["exited_population"] == 7 and chengguan["removed_while_poor_population"] == 2
    empty = next(c for code, c in children.items() if code not in ("623021100", "623021101"))
    assert empty["poor_population"] == 0 and empty["rural_population"] is None and empty["poverty_incidence"] is None


def test_the_breakdown_of_a_township_lists_its_villages(metrics_cast):
    b = metrics_breakdown(division=Division.objects.get(code="623021100"), year=2014)
    assert [(c["region"]["name"], c["poor_population"]) for c in b["children"]] == [("城关村", 7), ("西街村", 2)]


def test_a_village_has_no_children(metrics_cast):
    assert metrics_breakdown(division=Division.objects.get(code="623021100201"), year=2015)["children"] == []


@pytest.mark.parametrize("households", [1, 3])
def test_the_summary_makes_the_same_few_queries_whatever_the_size(admin, households, django_assert_num_queries):
    from .conftest import register

    for i in range(households):
        register(admin, "623021100201", f"Q{i}", size=2)
        register(admin, "623021101201", f"R{i}", size=2)
    division = Division.objects.get(code=PREF)
    with django_assert_num_queries(3):
        metrics_summary(division=division, year=2015)
    with django_assert_num_queries(4):
        metrics_breakdown(division=division, year=2015)


@pytest.mark.django_db
def test_each_rural_figure_holds_until_the_village_s_next_one_for_a_run_of_years_or_one_year():
    from metrics.queries import rural_spans
    from villages.models import Division, Level, VillageYear

    a, b = Division.objects.filter(level=Level.VILLAGE, code__startswith="623021100").order_by("code")[:2]
    for village, year, people in [(a, 2011, 900), (a, 2012, 1000), (a, 2016, 1100), (b, 2013, 500)]:
        VillageYear.objects.create(village=village, year=year, rural_population=people)
    # 2013–2014: a's 2011 figure was replaced in 2012; its 2012 one holds until 2016, which is after the years
    # asked and still ends it; b's figure has no next one.
    assert sorted(rural_spans(prefix="623021", child_len=9, since=2013, until=2014)) == [
        ("623021100", 2012, 2016, 1000, 1),
        ("623021100", 2013, None, 500, 1),
    ]
    # One year: the figures in force at its end, without their ends.
    assert sorted(rural_spans(prefix="623021", since=2016, until=2016)) == [
        ("", 2013, None, 500, 1),
        ("", 2016, None, 1100, 1),
    ]
    assert sorted(rural_spans(prefix="623021")) == [
        ("", 2011, 2012, 900, 1),
        ("", 2012, 2016, 1000, 1),
        ("", 2013, None, 500, 1),
        ("", 2016, None, 1100, 1),
    ]
