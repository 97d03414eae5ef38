"""metrics.parse refuses figures beyond the documented bounds (issue 16, item 6): a canonical
figure that is not a finite number, one over its yearly limit, one other than 0 under the smallest.
Every write (form, upload, command line, demo) goes through parse, so none of them stores one."""
import numpy as np
import pandas as pd
import pytest

import metrics
from metrics.indicators import SMALLEST, YEARLY_LIMITS

YEAR = dict(period_start="2023-01-01", period_end="2023-12-31")  # 365 days: the yearly figure is the figure
QUARTER = dict(period_start="2024-01-01", period_end="2024-03-31")  # 91 days (2024 is a leap year)


def rows(*overrides):
    base = dict(enterprise="A", country="IN", sector="", phase="baseline", indicator="energy",
                carrier="electricity", value=1, unit="kWh", note=None, **QUARTER)
    return pd.DataFrame([dict(base, **o) for o in overrides])


def problems(*overrides):
    return {p.row: p.reason for p in metrics.parse(rows(*overrides)).problems.itertuples()}


def test_the_issues_figures_are_refused_with_their_line():
    # regression: 1e308 toe was stored as inf kWh (1 toe = 41.868 GJ = 11,630 kWh), and 1e308 kWh
    # over a quarter became -inf energy avoided per year, which every officer then saw
    assert 1e308 * 11_630 == np.inf
    found = problems(dict(carrier="diesel", value="1e308", unit="toe"),
                     dict(phase="follow-up", value="1e308", unit="kWh"))
    assert set(found) == {2, 3}
    assert found[2].startswith("value is too large: 1e+308 toe is more kWh than a number can hold")
    assert found[3].startswith("value is too large: 1e+308 kWh over 91 day(s) is more than 1.8e+308 kWh a year")
    assert "check the value and the unit" in found[3]


def test_a_figure_at_its_yearly_limit_is_kept_and_one_above_is_refused():
    assert YEARLY_LIMITS == {"kWh": 1e15, "kg": 1e15, "m3": 1e13, "m2": 1e15, "piece": 1e15, "degree_day": 4e4}
    at_limit = [dict(value=1e12, unit="MWh", **YEAR),  # 1e15 kWh in 365 days
                dict(indicator="waste", carrier="landfill", value=1e12, unit="t", **YEAR),
                dict(indicator="water", carrier="", value=1e13, unit="m3", **YEAR),
                dict(indicator="production", carrier="", value=1e15, unit="piece", **YEAR),
                dict(indicator="production", carrier="", phase="follow-up", value=1e15, unit="m2", **YEAR)]
    assert metrics.parse(rows(*at_limit)).ok
    above = [dict(d, value=d["value"] * 1.001) for d in at_limit]
    found = problems(*above)
    assert sorted(found) == [2, 3, 4, 5, 6]
    assert "is 1.001e+15 kWh a year, over the limit of 1e+15 kWh a year" in found[2]
    assert "the world's primary energy use is about 1.7e14 kWh a year" in found[2]
    assert "over the limit of 1e+13 m³ a year" in found[4]


def test_the_limit_is_yearly_a_short_period_reaches_it_sooner():
    # 3e12 kWh in one day is 3e12 x 365 = 1.095e15 kWh a year: over; the same over 31 days is 3.5e13: kept
    one_day = dict(period_start="2024-05-01", period_end="2024-05-01")
    found = problems(dict(value=3e12, **one_day), dict(value=3e12, phase="follow-up"))
    assert list(found) == [2] and "over 1 day(s) is 1.095e+15 kWh a year" in found[2]


def test_a_figure_other_than_0_under_the_smallest_is_refused_and_0_is_kept():
    # a subnormal baseline (5e-324 kg) made the relative change 1 / 5e-324 = inf
    assert SMALLEST == 1e-6
    found = problems(dict(indicator="waste", carrier="", value="5e-324", unit="kg"),
                     dict(indicator="waste", carrier="", phase="follow-up", value=0, unit="kg"),
                     dict(indicator="water", carrier="", value=1e-6, unit="m3"),
                     dict(indicator="water", carrier="", phase="follow-up", value=9e-7, unit="m3"))
    assert sorted(found) == [2, 5]
    assert found[2].startswith("value is too small: 4.94066e-324 kg is 4.94e-324 kg, under the smallest figure "
                               "other than 0 (1e-06 kg)")


def test_figures_within_the_bounds_give_finite_aggregates():
    # the largest and the smallest figures allowed, as baseline and follow-up of one enterprise each way
    big, small = dict(value=1e12, unit="MWh", **YEAR), dict(value=1e-6, unit="kWh", **YEAR)
    df = pd.concat([rows(dict(big), dict(small, phase="follow-up")).assign(enterprise="A"),
                    rows(dict(small), dict(big, phase="follow-up")).assign(enterprise="B")], ignore_index=True)
    parsed = metrics.parse(df)
    assert parsed.ok
    changes = metrics.enterprise_changes(parsed.rows)
    assert np.isfinite(changes["relative_change"]).all()
    # B's change: (1e15 - 1e-6) / 1e-6 = 1e21 - 1, relative to 1
    assert changes.set_index("enterprise").loc["B", "relative_change"] == pytest.approx(1e21)


def test_a_figure_under_the_smallest_says_how_to_correct_it():
    found = problems(dict(indicator="water", carrier="", value=1e-7, unit="m3"))
    # the canonical unit is written as people read it (m\u00b3)
    assert found[2] == ("value is too small: 1e-07 m3 is 1e-07 m\u00b3, under the smallest figure other than 0 "
                        "(1e-06 m\u00b3); enter 0, or check the value and the unit")


def test_degree_days_at_their_limit_are_kept_and_above_refused():
    # 40,000 degree days a year (about 110 a day, more than any weather gives: Vostok's mean of -55 °C under a base
    # of 18 °C is 73 a day); over 365 days the limit itself is kept, 0.1 % more refused
    at = dict(indicator="degree_days", carrier="heating", value=4e4, unit="degree_day", **YEAR)
    assert metrics.parse(rows(at)).ok
    found = problems(dict(at, value=4.004e4))
    assert "over the limit of 4e+04 degree_day a year" in found[2] and "Vostok" in found[2]
