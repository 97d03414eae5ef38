"""metrics.counted_changes, aggregate_changes, spread, avoided_per_year and improved: the one rule
behind every aggregate (metrics/programme.py), figures worked out by hand from per-enterprise rows
as enterprise_changes gives them (or as the tracker's enterprise_summary stores them)."""
import numpy as np
import pandas as pd
import pytest

import metrics
from metrics.programme import AGGREGATE_COLUMNS, AVOIDED_COLUMNS, SPREAD_COLUMNS


def per(rows, **extra):
    """Per-enterprise changes: (enterprise, indicator, unit, baseline, followup)."""
    df = pd.DataFrame(rows, columns=["enterprise", "indicator", "unit", "baseline", "followup"])
    with np.errstate(divide="ignore", invalid="ignore"):
        df["relative_change"] = np.where(df["baseline"] != 0, df["followup"] / df["baseline"] - 1, np.nan)
    df["points"] = np.where(df["indicator"] == "yield", (df["followup"] - df["baseline"]) * 100, np.nan)
    return df.assign(**extra)


def test_improved_follows_each_indicator_s_direction():
    got = metrics.improved(["energy", "energy", "yield", "yield", "production", "water", "water", "nope"],
                           [10, 10, 0.8, 0.8, 5, 3, np.nan, 1], [8, 12, 0.9, 0.7, 9, 3, 1, 2])
    assert got.tolist() == [True, False, True, False, None, None, None, None]


def test_an_indicator_in_two_kinds_of_unit_counts_once_with_the_mean_of_its_changes():
    rows = per([("P", "production", "piece", 10, 15), ("P", "production", "kg", 100, 90),
                ("Q", "production", "piece", 10, 11)], country=["IN", "IN", "KE"])
    counted = metrics.counted_changes(rows).set_index("enterprise")
    assert len(counted) == 2
    assert counted.loc["P", "relative_change"] == pytest.approx((0.5 - 0.1) / 2)
    assert counted.loc["P", "unit"] == "mixed" and counted.loc["P", "units"] == 2
    assert np.isnan(counted.loc["P", "b_pool"]) and np.isnan(counted.loc["P", "f_pool"])  # no pooled over units
    assert counted.loc["P", "country"] == "IN"  # other columns: the first row's
    assert counted.loc["Q", "b_pool"] == 10 and counted.loc["Q", "f_pool"] == 11
    again = counted.reset_index()
    assert metrics.counted_changes(again) is again  # a counted frame passes as it is
    agg = metrics.aggregate_changes(rows).iloc[0]
    assert agg["enterprises"] == 2 and agg["unit"] == "mixed" and np.isnan(agg["pooled_change"])
    assert agg["mean_change"] == pytest.approx((0.2 + 0.1) / 2)
    assert agg["median_change"] == pytest.approx((0.2 + 0.1) / 2)
    by = metrics.aggregate_changes(rows, by="country").set_index("country")
    assert by.loc["IN", "unit"] == "mixed" and by.loc["KE", "unit"] == "piece"
    assert by.loc["KE", "pooled_change"] == pytest.approx(0.1)


def test_who_counts_a_zero_baseline_or_a_missing_figure_is_left_out():
    rows = per([("A", "water", "m3", 10, 8), ("Z", "water", "m3", 0, 5), ("N", "water", "m3", np.nan, 5),
                ("F", "water", "m3", 4, np.nan), ("B", "water", "m3", 5, 6)])
    assert metrics.counted_changes(rows)["enterprise"].tolist() == ["A", "B"]
    agg = metrics.aggregate_changes(rows).iloc[0]
    assert list(agg.index) == AGGREGATE_COLUMNS
    assert agg["enterprises"] == 2 and agg["unit"] == "m3"
    assert (agg["baseline_total"], agg["followup_total"]) == pytest.approx((15, 14))
    assert agg["pooled_change"] == pytest.approx(14 / 15 - 1)
    assert agg["mean_change"] == pytest.approx((-0.2 + 0.2) / 2) and agg["improved_share"] == pytest.approx(0.5)


def test_yield_has_points_and_no_pooled_figure():
    agg = metrics.aggregate_changes(per([("A", "yield", "dimensionless", 0.78, 0.95),
                                         ("B", "yield", "dimensionless", 0.80, 0.84)])).iloc[0]
    assert agg["mean_points"] == pytest.approx((17 + 4) / 2)
    assert np.isnan(agg["pooled_change"]) and np.isnan(agg["baseline_total"])


def test_no_rows_no_aggregates():
    empty = per([])
    assert metrics.aggregate_changes(empty).empty
    assert list(metrics.aggregate_changes(empty, by="country").columns) == ["country"] + AGGREGATE_COLUMNS
    assert list(metrics.spread(empty).columns) == SPREAD_COLUMNS and metrics.spread(empty).empty
    none = metrics.avoided_per_year(empty).iloc[0]
    assert none["enterprises"] == 0 and none["energy_avoided_mwh_per_year"] == 0
    assert np.isnan(none["co2e_avoided_t_per_year"])


def test_spread_quantiles_by_hand():
    changes = [-0.5, -0.3, -0.2, 0.0, 0.4]  # sorted; linear interpolation at (n - 1) q = 4 q
    rows = per([(f"E{i}", "energy", "kWh", 100, 100 * (1 + c)) for i, c in enumerate(changes)]
               + [("Z", "energy", "kWh", 0, 5)])
    s = metrics.spread(rows).iloc[0]
    assert s["enterprises"] == 5  # Z has no change
    assert s["p05"] == pytest.approx(-0.5 + 0.2 * (-0.3 + 0.5))  # position 0.2
    assert s["q1"] == pytest.approx(-0.3) and s["median"] == pytest.approx(-0.2) and s["q3"] == pytest.approx(0.0)
    assert s["p95"] == pytest.approx(0.0 + 0.8 * 0.4)  # position 3.8
    assert s["mean"] == pytest.approx(sum(changes) / 5)


def test_energy_and_emissions_avoided_per_year_by_hand():
    rows = per([("A", "energy", "kWh", 100, 80), ("B", "energy", "kWh", 50, 60), ("C", "energy", "kWh", 10, 5),
                ("Z", "energy", "kWh", 0, 5), ("A", "water", "m3", 10, 5)],
               country=["IN", "IN", "KE", "KE", "IN"],
               co2e_baseline=[70.0, 35.0, np.nan, 0.0, np.nan], co2e_followup=[56.0, 42.0, np.nan, 3.0, np.nan])
    total = metrics.avoided_per_year(rows).iloc[0]
    assert list(total.index) == AVOIDED_COLUMNS
    assert total["enterprises"] == 3 and total["co2_enterprises"] == 2  # C has no factor, Z no baseline
    assert total["energy_baseline_mwh_per_year"] == pytest.approx(160 * 365 / 1000)
    assert total["energy_avoided_mwh_per_year"] == pytest.approx((20 - 10 + 5) * 365 / 1000)
    assert total["co2e_baseline_t_per_year"] == pytest.approx(105 * 365 / 1000)
    assert total["co2e_avoided_t_per_year"] == pytest.approx((14 - 7) * 365 / 1000)
    by = metrics.avoided_per_year(rows, by="country").set_index("country")
    assert by.loc["IN", "energy_avoided_mwh_per_year"] == pytest.approx(10 * 365 / 1000)
    assert by.loc["KE", "enterprises"] == 1 and by.loc["KE", "co2_enterprises"] == 0
    assert np.isnan(by.loc["KE", "co2e_avoided_t_per_year"])  # none with a factor: no figure, not 0


def test_summarize_is_aggregate_changes_of_enterprise_changes():
    rows = []
    for name, before, after in (("A", 10, 5), ("B", 10, 12), ("Z", 0, 4)):
        for phase, start, end, value in (("baseline", "2024-01-01", "2024-01-10", before),
                                         ("follow-up", "2025-01-01", "2025-01-10", after)):
            rows.append(dict(enterprise=name, country="IN", sector="S", period_start=start, period_end=end,
                             phase=phase, indicator="waste", carrier="", value=value, unit="kg", note=""))
    df = pd.DataFrame(rows)
    pd.testing.assert_frame_equal(metrics.summarize(df),
                                  metrics.aggregate_changes(metrics.enterprise_changes(df)), check_like=False)
    assert metrics.summarize(df).iloc[0]["enterprises"] == 2


def test_categorical_columns_as_the_overview_reads_them():
    """Regression: the overview's summary holds categories; 'mixed' is no category of its units."""
    rows = per([("P", "production", "piece", 10, 15), ("P", "production", "kg", 100, 90),
                ("Q", "production", "piece", 10, 11), ("R", "production", "kg", 10, 12)])
    rows = rows.astype({"indicator": "category", "unit": "category"})
    counted = metrics.counted_changes(rows)
    assert counted["unit"].astype(str).tolist() == ["mixed", "piece", "kg"]
    agg = metrics.aggregate_changes(counted).iloc[0]
    assert agg["unit"] == "mixed" and agg["enterprises"] == 3
    assert agg["mean_change"] == pytest.approx((0.2 + 0.1 + 0.2) / 3)
    two = metrics.aggregate_changes(rows[rows["enterprise"] != "P"]).iloc[0]  # pieces and kg, none collapsed
    assert two["unit"] == "mixed" and two["enterprises"] == 2


def test_avoided_per_year_counts_energy_in_kwh_only_and_emissions_with_both_rates():
    rows = per([("A", "energy", "kWh", 100, 80), ("A", "water", "kWh", 7, 1), ("B", "energy", "kWh", 50, 40),
                ("C", "energy", "kWh", 20, 10)],
               country=["KE", "KE", "IN", "UG"],
               co2e_baseline=[70.0, np.nan, 35.0, np.nan], co2e_followup=[56.0, np.nan, np.nan, np.nan])
    # water is no energy even in kWh; B has a baseline emission rate but no follow-up one: no emissions figure
    total = metrics.avoided_per_year(rows).iloc[0]
    assert total["enterprises"] == 3 and total["co2_enterprises"] == 1
    assert total["energy_baseline_mwh_per_year"] == pytest.approx((100 + 50 + 20) * 365 / 1000)
    assert total["co2e_baseline_t_per_year"] == pytest.approx(70 * 365 / 1000)
    assert total["co2e_avoided_t_per_year"] == pytest.approx(14 * 365 / 1000)
    by = metrics.avoided_per_year(rows, by="country")
    assert by["country"].tolist() == ["IN", "KE", "UG"]  # sorted, not in the order of the rows
    ug = by.iloc[2]
    assert ug["co2_enterprises"] == 0 and np.isnan(ug["co2e_baseline_t_per_year"])
    assert np.isnan(ug["co2e_avoided_t_per_year"]) and ug["energy_avoided_mwh_per_year"] == pytest.approx(3.65)
    none = metrics.avoided_per_year(per([]))
    assert all(none[c].dtype == "float64" for c in AVOIDED_COLUMNS if c.endswith("year"))


def test_spread_per_indicator_in_order_and_empty_types():
    rows = per([("A", "water", "m3", 10, 8), ("A", "energy", "kWh", 100, 50), ("B", "energy", "kWh", 100, 70)])
    s = metrics.spread(rows)
    assert s["indicator"].tolist() == ["energy", "water"]  # sorted by indicator
    assert s["enterprises"].tolist() == [2, 1] and s["median"].tolist() == pytest.approx([-0.4, -0.2])
    empty = metrics.spread(per([]))
    assert [str(t) for t in empty.dtypes] == ["object", "int64"] + ["float64"] * 6


def test_units_with_a_mixed_category_already_and_empty_frames_keep_their_types():
    rows = per([("P", "production", "piece", 10, 15), ("P", "production", "kg", 100, 90)])
    rows["unit"] = pd.Categorical(rows["unit"], categories=["kg", "piece", "mixed"])
    counted = metrics.counted_changes(rows)  # P in two kinds of unit: 'mixed', a category it has
    assert counted["unit"].astype(str).tolist() == ["mixed"]
    assert counted["relative_change"].tolist() == pytest.approx([(0.5 - 0.1) / 2])
    empty = per([]).assign(improved=pd.Series(dtype=object), country=pd.Series(dtype=object))
    assert "improved" not in metrics.counted_changes(empty).columns  # what enterprise_changes says is recounted
    agg = metrics.aggregate_changes(empty, by="country")
    assert agg["unit"].dtype == object and agg["country"].dtype == object and agg["mean_change"].dtype == float


def test_aggregates_count_enterprises_in_whole_numbers():
    agg = metrics.aggregate_changes(per([("A", "water", "m3", 10, 8), ("B", "water", "m3", 5, 6)]))
    assert agg["enterprises"].tolist() == [2] and agg["enterprises"].dtype.kind == "i"
    kinds = per([("A", "water", "m3", 10, 8)]).astype({"indicator": pd.CategoricalDtype(["energy", "water"])})
    assert metrics.aggregate_changes(kinds)["indicator"].astype(str).tolist() == ["water"]  # no row for energy


def test_an_enterprise_without_a_name_in_two_kinds_of_unit_still_counts_once():
    # a row whose enterprise is missing (NaN) is one enterprise like any other: production in pieces
    # (+50 %) and in kg (-10 %) counts once, 'mixed', with the mean change (+20 %)
    rows = per([(np.nan, "production", "piece", 10, 15), (np.nan, "production", "kg", 100, 90),
                ("Q", "production", "piece", 10, 11)])
    counted = metrics.counted_changes(rows)
    assert len(counted) == 2 and counted["unit"].tolist() == ["mixed", "piece"]
    assert counted["relative_change"].tolist() == pytest.approx([(0.5 - 0.1) / 2, 0.1])
    assert counted["units"].tolist() == [2, 1]


def test_spread_of_indicators_held_as_categories_names_them_as_text():
    # the overview's summary holds its indicators as categories: the spread names them as plain text
    rows = per([("A", "energy", "kWh", 100, 50), ("B", "energy", "kWh", 100, 70)])
    rows["indicator"] = pd.Categorical(rows["indicator"], categories=["energy", "water"])
    s = metrics.spread(rows)
    assert s["indicator"].tolist() == ["energy"] and not isinstance(s["indicator"].dtype, pd.CategoricalDtype)
    assert s["mean"].tolist() == pytest.approx([(-0.5 - 0.3) / 2])


def test_counted_changes_keep_their_pooled_rates_not_the_raw_figures():
    counted = metrics.counted_changes(per([("A", "energy", "kWh", 100, 80)]))
    assert "baseline" not in counted.columns and "followup" not in counted.columns
    assert (counted["b_pool"].tolist(), counted["f_pool"].tolist()) == ([100.0], [80.0])


def test_counted_changes_of_some_rows_are_those_of_the_rows_copied_out_first():
    """``rows=`` (the overview's rows with a baseline and a follow-up) gives what ``changes[rows]`` gives: a row
    left out neither counts nor makes its enterprise's indicator 'mixed'; one in two kinds of unit among the rows
    kept is still one row with the mean of its changes."""
    rows = per([("P", "production", "piece", 10, 15), ("Z", "water", "m3", 0, 5), ("P", "production", "kg", 100, 90),
                ("Q", "production", "piece", 10, 11), ("Q", "production", "kg", 10, 30), ("A", "water", "m3", 4, 3),
                ("A", "energy", "kWh", 8, 6)], followup_end=pd.to_datetime(
                    ["2025-03-31", "2025-03-31", "2025-06-30", "2025-03-31", "2025-09-30", "2025-03-31", "2025-03-31"]))
    rows.index = rows.index + 100  # not positions
    chosen = np.array([True, True, True, True, False, True, False])
    got = metrics.counted_changes(rows, rows=chosen)
    pd.testing.assert_frame_equal(got, metrics.counted_changes(rows[chosen]))
    by = got.set_index("enterprise")
    assert list(got["enterprise"]) == ["P", "Q", "A"]  # Z's zero baseline left out, Q's kg and A's energy not chosen
    assert by.loc["P", "unit"] == "mixed" and by.loc["P", "relative_change"] == pytest.approx((0.5 - 0.1) / 2)
    assert by.loc["P", "followup_end"] == pd.Timestamp("2025-06-30")
    assert by.loc["Q", "unit"] == "piece" and by.loc["Q", "b_pool"] == 10 and by.loc["Q", "units"] == 1
    pd.testing.assert_frame_equal(metrics.counted_changes(rows, rows=np.ones(len(rows), dtype=bool)),
                                  metrics.counted_changes(rows))
    none = metrics.counted_changes(rows, rows=np.zeros(len(rows), dtype=bool))
    assert none.empty and list(none.columns) == list(metrics.counted_changes(rows.iloc[:0]).columns)
