"""Figures of metrics at their edges, worked out by hand: tests written for mutants that survived the mutation
run (README, "Development"), each asserting what a person or the next step of the figure path reads."""
import pandas as pd
import pytest

import metrics


def test_the_regression_savings_of_two_enterprises_by_hand():
    # a day: expected 100 and 50 kWh, actual 80 and 50, half-widths 3 and 4 kWh; a year in MWh is x 365 / 1000
    rows = pd.DataFrame({"baseline": [100.0, 50.0], "followup": [80.0, 50.0], "savings_uncertainty": [3.0, 4.0]})
    got = metrics.regression_savings(rows)
    assert set(got) == {"enterprises", "expected_mwh_per_year", "savings_mwh_per_year", "uncertainty_mwh_per_year"}
    assert got["enterprises"] == 2
    assert got["expected_mwh_per_year"] == pytest.approx(150 * 0.365)
    assert got["savings_mwh_per_year"] == pytest.approx(20 * 0.365)
    assert got["uncertainty_mwh_per_year"] == pytest.approx(5 * 0.365)  # sqrt(3² + 4²) = 5


def test_no_savings_give_the_totals_columns():
    empty = metrics.savings_by_currency(pd.DataFrame())
    assert empty.empty and list(empty.columns) == ["enterprise", "currency", "value_saved_per_year", "materials"]


def test_no_country_gives_an_empty_mask_that_can_be_inverted():
    # the summary asks for the electricity rows whose grid factor is missing: ~grid_factor_known(countries)
    known = metrics.grid_factor_known([])
    assert len(~known) == 0
    assert (~metrics.grid_factor_known(["IN", "ZZ"])).tolist() == [False, True]
