"""metrics.formatting: the one place a figure becomes text (pages, charts, hand-over, exports)."""
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from metrics import formatting as f


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, math.nan])
def test_a_missing_figure_reads_a_dash_everywhere(missing):
    assert f.percent(missing) == f.points(missing) == f.number(missing) == f.count(missing) == "–"
    assert f.amount(missing, "kWh") == "–"
    assert f.percent(missing, missing="") == "" and f.percent_value(missing) == ""


def test_percent_of_a_fraction():
    assert f.percent(-0.27) == "-27.0%"
    assert f.percent(0.1) == "+10.0%"
    assert f.percent(-0.4, 0) == "-40%"
    assert f.percent(0.955, signed=False) == "95.5%"
    assert f.percent(0) == "+0.0%"
    assert f.percent_value(95) == "95%" and f.percent_value(78.4) == "78%"


def test_points_and_numbers():
    assert f.points(10) == "+10.0 pp" and f.points(-2.25, 2) == "-2.25 pp"
    assert f.number(21512.4) == "21,512"          # no exponent from 1,000 on
    assert f.number(12.345678) == "12.35"         # four significant digits below
    assert f.number(0.0042) == "0.0042"
    assert f.number(-1500, signed=True) == "-1,500" and f.number(3.5, signed=True) == "+3.5"
    assert f.count(33.0) == "33" and f.count(1234) == "1,234"
    assert f.amount(21512.4, "kWh") == "21,512 kWh"


def test_fewer_than_reads_as_the_disclosure_rule():
    from tracker import disclosure

    assert f.fewer_than(3) == "fewer than 3"
    assert f.fewer_than(disclosure.MIN_CELL) == "fewer than 3"  # the rule: at least three enterprises


def test_periods_as_people_write_them():
    assert f.span(dt.date(2025, 1, 1), dt.date(2025, 3, 31)) == "Jan–Mar 2025"
    assert f.span(dt.date(2025, 4, 1), dt.date(2025, 4, 30)) == "Apr 2025"
    assert f.span(dt.date(2024, 11, 1), dt.date(2025, 1, 31)) == "Nov 2024–Jan 2025"
    assert f.span(dt.date(2025, 1, 1), dt.date(2025, 1, 10)) == "1 Jan–10 Jan 2025"
    assert f.span(dt.date(2024, 1, 1), dt.date(2024, 12, 31), 4) == "Jan–Dec 2024 (4 periods)"
    assert f.span(None, dt.date(2025, 1, 1)) == "none entered (counts as 0)"
    assert f.span(pd.NaT, pd.NaT, none="") == ""


def test_cells_hide_figures_of_suppressed_rows_but_those_kept():
    df = pd.DataFrame({"indicator": ["energy", "waste"], "mean_change": [-0.27, -0.5],
                       "reported_mean_change": [-0.27, -0.4], "suppressed": [False, True]})
    out = f.cells(df, {"indicator": "indicator", "mean_change": "mean", "reported_mean_change": "reported"},
                  {"mean_change": f.percent, "reported_mean_change": f.percent}, hidden="fewer than 3",
                  keep=("reported_mean_change",))
    assert out.to_dict("list") == {"indicator": ["energy", "waste"], "mean": ["-27.0%", "fewer than 3"],
                                   "reported": ["-27.0%", "-40.0%"]}


def test_cells_without_a_suppressed_column_and_without_columns():
    df = pd.DataFrame({"mean_change": [0.1, -0.05]}, index=[7, 9])
    out = f.cells(df, {"mean_change": "mean"}, {"mean_change": f.percent}, hidden="fewer than 3")
    assert out.to_dict("list") == {"mean": ["+10.0%", "-5.0%"]} and out.index.tolist() == [0, 1]
    assert len(f.cells(df, {}, {}, hidden="fewer than 3")) == 2  # one row per row even with no column shown


def test_amounts_and_periods_at_their_edges():
    assert f.amount(12, "") == "12"  # no unit: no trailing space
    assert f.span(np.datetime64("NaT"), dt.date(2025, 1, 1)) == "none entered (counts as 0)"
    assert f.span(dt.date(2024, 12, 15), dt.date(2025, 1, 10)) == "15 Dec 2024–10 Jan 2025"
    assert f.span(dt.date(2025, 1, 1), dt.date(2025, 6, 30), 2) == "Jan–Jun 2025 (2 periods)"
