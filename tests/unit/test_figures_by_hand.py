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


def test_nothing_typed_is_refused_with_its_reason():
    with pytest.raises(metrics.numbers.NumberError, match=r"^No number was typed\.$"):
        metrics.numbers.read("   ", "en")


def _monthly(months, units=("piece",)):
    """Rows of one enterprise: per month of 2023, 3,100 kWh and 31 x 10 of production in each of ``units``."""
    rows = []
    for m in range(1, months + 1):
        a = pd.Timestamp(2023, m, 1)
        b = a + pd.offsets.MonthEnd(0)
        rows.append(dict(indicator="energy", carrier="electricity", value=3100.0 + m, unit="kWh", period_start=a,
                         period_end=b))
        rows += [dict(indicator="production", carrier="", value=310.0, unit=u, period_start=a, period_end=b)
                 for u in units]
    return pd.DataFrame([dict(r, enterprise="R", phase="baseline") for r in rows])


def test_one_baseline_month_is_too_few_for_a_regression():
    model = metrics.regression_baseline(_monthly(1))
    assert not model.valid and model.months == 1
    assert model.reason == "1 monthly baseline period with energy and production; a regression needs at least 12"


def test_production_in_pieces_and_kilograms_every_month_is_no_regression():
    model = metrics.regression_baseline(_monthly(12, units=("piece", "kg")))
    assert not model.valid and model.reason == "production in more than one kind of unit"


def test_a_file_whose_columns_show_different_date_orders_reads_each_its_own_way():
    # the start column can only be day first (13/01), the end column only month first (01/31): each its own order
    df = pd.DataFrame({"period_start": ["13/01/2024", "01/02/2024"], "period_end": ["01/31/2024", "02/29/2024"]})
    start, end = metrics.period_dates(df)
    assert start.tolist() == [pd.Timestamp("2024-01-13"), pd.Timestamp("2024-02-01")]
    assert end.tolist() == [pd.Timestamp("2024-01-31"), pd.Timestamp("2024-02-29")]


def test_no_changes_count_with_the_columns_carried_and_three_count_as_three():
    changes = pd.DataFrame({"enterprise": [1, 2, 3], "indicator": ["energy"] * 3, "unit": ["kWh"] * 3,
                            "baseline": [100.0] * 3, "followup": [80.0, 90.0, 70.0],
                            "relative_change": [-0.2, -0.1, -0.3], "points": [float("nan")] * 3,
                            "improved": [True] * 3, "country": ["IN"] * 3})
    none = metrics.counted_changes(changes.iloc[:0])
    assert list(none.columns) == ["enterprise", "indicator", "unit", "units", "relative_change", "points", "better",
                                  "b_pool", "f_pool", "country"]
    out = metrics.aggregate_changes(metrics.counted_changes(changes))
    assert list(out.columns) == ["indicator", "unit", "enterprises", "mean_change", "median_change", "pooled_change",
                                 "mean_points", "improved_share", "baseline_total", "followup_total"]
    assert out["enterprises"].tolist() == [3] and out["enterprises"].dtype.kind == "i"  # a count, never 3.0
    assert out["mean_change"].tolist() == [pytest.approx(-0.2)]  # (-0.2 - 0.1 - 0.3) / 3
