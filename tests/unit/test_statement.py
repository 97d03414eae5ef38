"""metrics.statement: the figures of an issued statement and their differences from today's, by hand."""
import math

import pandas as pd

import metrics


def test_statement_figures_name_each_change_per_unit_of_production():
    normalised = pd.DataFrame({"indicator": ["energy", "water"], "normalised_change": [-0.25, float("nan")]})
    empty = pd.DataFrame()
    got = metrics.statement_figures(empty, normalised, empty, empty)
    assert got == {"change per unit of production: energy": -0.25, "change per unit of production: water": None}


def test_statement_differences_issued_against_today():
    # energy 10 MWh issued, 12 today: +2, changed; scope 1 the same; water issued, missing today
    frozen = {"energy (MWh)": 10.0, "scope 1 (t CO2e)": 3.5, "water": 7.0}
    today = {"energy (MWh)": 12.0, "scope 1 (t CO2e)": 3.5, "water": None, "new": 1.0}
    d = metrics.statement_differences(frozen, today)
    assert list(d.columns) == ["figure", "issued", "today", "difference", "changed"]
    assert d["figure"].tolist() == ["energy (MWh)", "scope 1 (t CO2e)", "water", "new"]
    assert d["issued"].tolist()[:3] == [10.0, 3.5, 7.0] and d["today"].tolist()[:2] == [12.0, 3.5]
    assert d["difference"].tolist()[:2] == [2.0, 0.0] and math.isnan(d["difference"].iloc[2])
    assert d["changed"].tolist() == [True, False, True, True]


def test_no_figures_on_either_side_still_have_the_columns():
    d = metrics.statement_differences({}, {})
    assert d.empty and list(d.columns) == ["figure", "issued", "today", "difference", "changed"]


def test_a_target_achieved_is_a_figure_of_the_statement():
    progress = pd.DataFrame({"indicator": ["energy"], "achieved": [0.4]})
    empty = pd.DataFrame()
    assert metrics.statement_figures(empty, empty, empty, progress) == {"target achieved: energy": 0.4}


def test_a_difference_within_a_billionth_of_the_figure_is_no_change():
    # 1,000,000 issued, 1,000,000.000001 today: 1e-6 is under 1e-9 x 1,000,000 = 0.001; 1,000,000.01 is over it
    d = metrics.statement_differences({"a": 1e6, "b": 1e6}, {"a": 1e6 + 1e-6, "b": 1e6 + 0.01})
    assert d["changed"].tolist() == [False, True]


def test_statement_figures_of_every_kind_by_hand():
    # production is no figure of a statement; yield is in points; the datapoints give energy and the scopes
    changes = pd.DataFrame({"indicator": ["energy", "production", "yield"],
                            "relative_change": [-0.2, 0.1, float("nan")], "points": [float("nan"), float("nan"), 3.0]})
    normalised = pd.DataFrame({"indicator": ["energy"], "normalised_change": [-0.1]})
    datapoints = pd.DataFrame({"key": ["energy_total", "scope1", "scope2", "ghg_gross", "water_withdrawn"],
                               "value": [120.0, 10.0, 20.0, 30.0, 5.0]})
    progress = pd.DataFrame({"indicator": ["energy"], "achieved": [0.05]})
    assert metrics.statement_figures(changes, normalised, datapoints, progress) == {
        "change: energy": -0.2, "points: yield": 3.0, "change per unit of production: energy": -0.1,
        "energy (MWh)": 120.0, "scope 1 (t CO2e)": 10.0, "scope 2 (t CO2e)": 20.0, "scope 1 and 2 (t CO2e)": 30.0,
        "target achieved: energy": 0.05}
