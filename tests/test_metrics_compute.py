"""The pure pandas layer, on frames built by hand (no database)."""

import math

import pandas as pd

from metrics import compute

YEARS = [2014, 2015, 2016]


COLUMNS = [
    "child",
    "status",
    "prev_poor",
    "start",
    "end",
    "main_cause",
    "attribute",
    "joined",
    "left",
    "households",
    "population",
]


def spans(rows):
    """Stock spans: (child, status, start, end, households, population)."""
    return pd.DataFrame(
        [(c, st, False, a, b, None, None, False, False, h, p) for c, st, a, b, h, p in rows], columns=COLUMNS
    )


def flows(rows):
    """Changes dated in a year, as spans starting then.

    Rows: (child, year, status, previous status, households, population).
    """
    poor = ("identified", "returned")
    return pd.DataFrame(
        [(c, st, prev in poor, y, 2017, None, None, False, False, h, p) for c, y, st, prev, h, p in rows],
        columns=COLUMNS,
    )


def natural(rows):
    """Members joining (joined) or leaving (left) a poor span: (year joined or None, year left or None, people)."""
    return pd.DataFrame(
        [
            ("", "identified", False, a or 2014, b or 2017, None, None, a is not None, b is not None, 0, p)
            for a, b, p in rows
        ],
        columns=COLUMNS,
    )


def empty(columns):
    return pd.DataFrame(columns=columns)


def build(household_spans, flow_rows=(), rural=(), villages=()):
    return compute.figures(
        register_spans=pd.concat([spans(household_spans), flows(list(flow_rows))]),
        rural_spans=pd.DataFrame(list(rural), columns=["child", "start", "end", "rural_population", "villages"]),
        village_spans=pd.DataFrame(list(villages), columns=["child", "start", "end", "villages"]),
        children=[""],
        years=YEARS,
    )


def test_a_span_counts_from_its_start_year_until_the_year_before_it_ends():
    x = compute.spans_at(spans([("", "identified", 2014, 2016, 1, 4)]), YEARS)
    assert x["year"].tolist() == [2014, 2015]


def test_an_open_span_counts_every_year_from_its_start():
    x = compute.spans_at(spans([("", "identified", 2015, 2017, 1, 4)]), YEARS)
    assert x["year"].tolist() == [2015, 2016]


def test_a_span_that_starts_and_ends_in_the_same_year_never_counts():
    assert compute.spans_at(spans([("", "identified", 2015, 2015, 1, 4)]), YEARS).empty


def test_poor_supported_and_registered_stocks():
    table = build(
        [
            ("", "identified", 2014, 2015, 1, 4),
            ("", "exited_consolidating", 2015, 2016, 1, 4),
            ("", "exited_stable", 2016, None, 1, 4),
            ("", "returned", 2015, None, 1, 2),
            ("", "removed", 2016, None, 1, 9),
        ]
    )
    assert table["poor_population"].tolist() == [4, 2, 2]
    assert table["poor_households"].tolist() == [1, 1, 1]
    assert table["supported_population"].tolist() == [4, 6, 2]
    assert table["registered_population"].tolist() == [4, 6, 6]


def test_an_exit_is_a_change_from_poor_and_stable_after_consolidating_is_not_another():
    table = build(
        [],
        flow_rows=[
            ("", 2015, "exited_consolidating", "identified", 2, 7),
            ("", 2015, "exited_stable", "returned", 1, 3),
            ("", 2016, "exited_stable", "exited_consolidating", 1, 4),
            ("", 2016, "removed", "identified", 1, 2),
            ("", 2016, "removed", "exited_stable", 1, 5),
        ],
    )
    assert table["exited_population"].tolist() == [0, 10, 0]
    assert table["exited_households"].tolist() == [0, 3, 0]
    assert table["exited_stable_population"].tolist() == [0, 3, 0]
    assert table["removed_population"].tolist() == [0, 0, 7]
    assert table["removed_while_poor_population"].tolist() == [0, 0, 2]


def test_rural_population_carries_the_latest_figure_forward_and_counts_those_villages():
    table = build(
        [("", "identified", 2014, None, 1, 10)],
        rural=[
            ("", 2014, 2016, 100, 1),  # village a: 2014 figure, next one in 2016
            ("", 2016, None, 120, 1),
            ("", 2015, None, 50, 1),  # village b: from 2015 on
        ],
    )
    assert table["rural_population"].tolist() == [100, 150, 170]
    assert table["rural_population_carried_forward"].tolist() == [0, 1, 1]
    assert table["poverty_incidence"].tolist() == [10.0, 6.67, 5.88]


def test_incidence_is_unknown_without_a_denominator():
    table = build([("", "identified", 2014, None, 1, 10)])
    assert all(math.isnan(v) for v in table["poverty_incidence"])
    assert compute.row_dict(table, "", 2015)["poverty_incidence"] is None


def test_poor_villages_count_until_their_exit_year():
    table = build([], villages=[("", 0, 2016, 2), ("", 2015, None, 1)])
    assert table["poor_villages"].tolist() == [2, 3, 1]


def test_the_flow_identity_is_reported_per_year():
    table = build(
        [("", "identified", 2014, 2015, 1, 4), ("", "exited_stable", 2015, None, 1, 4)],
        flow_rows=[("", 2014, "identified", "", 1, 4), ("", 2015, "exited_stable", "identified", 1, 4)],
    )
    gaps = compute.flow_identity_gaps(table)
    assert gaps.tolist() == [0, 0]


def test_natural_change_is_joins_minus_leaves_while_poor_and_keeps_the_identity():
    household = [("", "identified", 2014, None, 1, 3)]  # identified in 2014 with three who stay ...
    frame = pd.concat(
        [
            spans(household),  # ... one who leaves in 2016, one born 2015, one who comes and goes in 2016
            natural([(None, 2016, 1), (2015, None, 1), (2016, 2016, 1)]),
        ]
    )
    table = compute.figures(
        register_spans=frame,
        rural_spans=empty(["child", "start", "end", "rural_population", "villages"]),
        village_spans=empty(["child", "start", "end", "villages"]),
        children=[""],
        years=YEARS,
    )
    assert table["natural_change_population"].tolist() == [0, 1, -1]
    assert table["poor_population"].tolist() == [4, 5, 4]
    assert compute.flow_identity_gaps(table).tolist() == [0, 0]
    # Who joined later is no part of the identification's flow.
    assert table["new_identified_population"].tolist() == [4, 0, 0]


def test_splits_give_codes_as_strings():
    poor = pd.DataFrame(
        [
            ("", "identified", False, 2014, 2017, 1, 2, False, False, 1, 3),
            ("", "returned", False, 2015, 2017, 2, 2, False, False, 1, 5),
            ("", "exited_stable", True, 2015, 2017, None, None, False, False, 1, 7),
        ],
        columns=COLUMNS,
    )
    by_cause = compute.splits(poor, field="main_cause", children=[""], years=YEARS)
    assert by_cause[("", 2014)] == {"1": 3}
    assert by_cause[("", 2016)] == {"1": 3, "2": 5}


def test_row_dict_gives_plain_ints():
    table = build([("", "identified", 2014, None, 1, 10)], rural=[("", 2014, None, 100, 1)])
    row = compute.row_dict(table, "", 2014)
    assert row["poor_population"] == 10 and type(row["poor_population"]) is int
    assert row["rural_population"] == 100 and type(row["rural_population"]) is int
    assert row["poverty_incidence"] == 10.0
