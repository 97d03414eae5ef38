"""metrics.enterprise_changes, summarize and union_days: every figure worked out by hand.

Each expected number is computed in the test from the figures typed into it (kWh, days in
the calendar), following the definitions in metrics/aggregate.py and METHODS.md.
"""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import metrics
from metrics.aggregate import CHANGE_COLUMNS, SUMMARY_COLUMNS


def r(enterprise, phase, start, end, indicator, value, unit, carrier="", country="IN", sector="S"):
    return dict(enterprise=enterprise, country=country, sector=sector, period_start=start, period_end=end,
                phase=phase, indicator=indicator, carrier=carrier, value=value, unit=unit, note="")


def changes(rows):
    return metrics.enterprise_changes(pd.DataFrame(rows))


def test_one_carrier_rates_days_and_end():
    per = changes([r("A", "baseline", "2024-01-01", "2024-01-31", "energy", 3100, "kWh", "electricity"),
                   r("A", "follow-up", "2025-03-01", "2025-03-10", "energy", 900, "kWh", "electricity")])
    assert list(per.columns) == CHANGE_COLUMNS and len(per) == 1
    row = per.iloc[0]
    assert (row["enterprise"], row["indicator"], row["unit"]) == ("A", "energy", "kWh")
    assert row["baseline"] == pytest.approx(3100 / 31) and row["followup"] == pytest.approx(900 / 10)
    assert row["baseline_days"] == 31 and row["followup_days"] == 10
    assert row["followup_end"] == pd.Timestamp("2025-03-10")
    assert row["relative_change"] == pytest.approx(90 / 100 - 1)
    assert np.isnan(row["points"]) and row["improved"] is True


def test_follow_up_days_of_a_carrier_that_keeps_its_own_latest_period():
    """Electricity's latest follow-up is December (10 days), diesel's is June (15 days): each
    rate over its own period's days (end - start + 1), the days over the union of both."""
    per = changes([
        r("A", "baseline", "2024-01-01", "2024-01-10", "energy", 1000, "kWh", "electricity"),  # 100 a day
        r("A", "baseline", "2024-01-01", "2024-01-20", "energy", 1000, "kWh", "diesel"),  # 50 a day
        r("A", "follow-up", "2025-06-01", "2025-06-15", "energy", 450, "kWh", "diesel"),  # 30 a day
        r("A", "follow-up", "2025-06-01", "2025-06-10", "energy", 2000, "kWh", "electricity"),  # older
        r("A", "follow-up", "2025-12-01", "2025-12-10", "energy", 1000, "kWh", "electricity"),  # 100 a day
    ]).iloc[0]
    assert per["baseline"] == pytest.approx(100 + 50)
    assert per["followup"] == pytest.approx(100 + 30)
    assert per["relative_change"] == pytest.approx(130 / 150 - 1)
    assert per["baseline_days"] == 20  # 1-10 and 1-20 January overlap
    assert per["followup_days"] == 10 + 15  # 1-10 December and 1-15 June
    assert per["followup_end"] == pd.Timestamp("2025-12-10")


def test_the_latest_follow_up_is_the_latest_end_then_the_latest_start():
    per = changes([
        r("A", "baseline", "2024-01-01", "2024-01-10", "energy", 1000, "kWh", "electricity"),
        r("A", "follow-up", "2025-01-01", "2025-01-31", "energy", 3100, "kWh", "electricity"),
        r("A", "follow-up", "2025-01-25", "2025-01-30", "energy", 60, "kWh", "electricity"),  # later start, earlier end
        r("A", "follow-up", "2025-01-22", "2025-01-31", "energy", 500, "kWh", "electricity"),  # same end, later start
    ]).iloc[0]
    assert per["followup"] == pytest.approx(500 / 10) and per["followup_days"] == 10
    assert per["followup_end"] == pd.Timestamp("2025-01-31")


def test_yield_is_the_mean_of_the_rows_not_a_rate():
    """Case-study yields (78 -> 88 -> 95 %): the baseline as two quarters of 76 and 80 %, the
    latest follow-up as two production lines of 94 and 96 % in the same quarter."""
    per = changes([
        r("Seals", "baseline", "2023-01-01", "2023-03-31", "yield", 76, "%"),
        r("Seals", "baseline", "2023-04-01", "2023-06-30", "yield", 80, "%"),
        r("Seals", "follow-up", "2023-07-01", "2023-09-30", "yield", 88, "%"),
        r("Seals", "follow-up", "2024-01-01", "2024-03-31", "yield", 94, "%", carrier="line 1"),
        r("Seals", "follow-up", "2024-01-01", "2024-03-31", "yield", 96, "%", carrier="line 2"),
    ])
    assert len(per) == 1  # one yield series per enterprise, whatever the carrier column says
    row = per.iloc[0]
    assert row["baseline"] == pytest.approx(0.78) and row["followup"] == pytest.approx(0.95)
    assert row["points"] == pytest.approx(17.0)
    assert row["relative_change"] == pytest.approx(0.95 / 0.78 - 1)  # +21.8 %
    assert row["improved"] is True and row["unit"] == "dimensionless"
    assert row["baseline_days"] == 90 + 91 and row["followup_days"] == 31 + 29 + 31


@pytest.mark.parametrize("indicator,unit,before,after,improved", [
    ("yield", "%", 90, 85, False),  # higher is better
    ("yield", "%", 85, 90, True),
    ("waste", "kg", 10, 12, False),  # lower is better
    ("water", "m3", 10, 10, None),  # no change
    ("production", "piece", 100, 80, None),  # neither better nor worse
])
def test_improved_follows_the_direction_of_the_indicator(indicator, unit, before, after, improved):
    per = changes([r("A", "baseline", "2024-01-01", "2024-01-10", indicator, before, unit),
                   r("A", "follow-up", "2025-01-01", "2025-01-10", indicator, after, unit)]).iloc[0]
    assert per["improved"] is improved
    assert per["relative_change"] == pytest.approx(after / before - 1)


def test_a_zero_baseline_has_no_relative_change_but_is_worse():
    per = changes([r("A", "baseline", "2024-01-01", "2024-01-10", "waste", 0, "kg"),
                   r("A", "follow-up", "2025-01-01", "2025-01-10", "waste", 5, "kg")]).iloc[0]
    assert np.isnan(per["relative_change"]) and per["improved"] is False
    assert per["baseline"] == 0 and per["followup"] == pytest.approx(0.5)


@pytest.mark.parametrize("phases", [("baseline",), ("follow-up",), ()])
def test_a_table_without_both_phases_has_no_changes(phases):
    rows = [r("A", p, "2024-01-01", "2024-01-10", "waste", 10, "kg") for p in phases]
    frame = pd.DataFrame(rows, columns=list(r("A", "baseline", "", "", "", 0, "")))
    per = metrics.enterprise_changes(frame)
    assert per.empty and list(per.columns) == CHANGE_COLUMNS
    summary = metrics.summarize(frame, by="country")
    assert summary.empty and list(summary.columns) == ["country"] + SUMMARY_COLUMNS


def test_rows_without_an_enterprise_do_not_make_a_phase():
    rows = [r("A", "baseline", "2024-01-01", "2024-01-10", "waste", 10, "kg"),
            r(None, "follow-up", "2025-01-01", "2025-01-10", "waste", 5, "kg")]
    assert metrics.enterprise_changes(metrics.to_canonical(pd.DataFrame(rows))).empty


def test_an_enterprise_without_a_follow_up_for_an_indicator_is_left_out():
    per = changes([r("A", "baseline", "2024-01-01", "2024-01-10", "waste", 10, "kg"),
                   r("A", "baseline", "2024-01-01", "2024-01-10", "water", 10, "m3"),
                   r("A", "follow-up", "2025-01-01", "2025-01-10", "water", 5, "m3"),
                   r("B", "follow-up", "2025-01-01", "2025-01-10", "waste", 5, "kg")])
    assert per[["enterprise", "indicator"]].values.tolist() == [["A", "water"]]


def test_enterprises_in_order_of_appearance_then_indicators():
    rows = []
    for e in ("Zeta", "Alpha"):
        for ind, unit in (("water", "m3"), ("waste", "kg")):
            rows += [r(e, "baseline", "2024-01-01", "2024-01-10", ind, 10, unit),
                     r(e, "follow-up", "2025-01-01", "2025-01-10", ind, 5, unit)]
    per = changes(rows)
    assert per[["enterprise", "indicator"]].values.tolist() == [["Zeta", "water"], ["Zeta", "waste"],
                                                                ["Alpha", "water"], ["Alpha", "waste"]]


def _four_enterprises():
    rows = []
    for name, before, after in (("A", 10, 5), ("B", 10, 12), ("C", 10, 10), ("D", 100, 80)):
        rows += [r(name, "baseline", "2024-01-01", "2024-01-10", "waste", before, "kg", country="KE" if name == "D"
                   else "IN"),
                 r(name, "follow-up", "2025-01-01", "2025-01-10", "waste", after, "kg")]
    return pd.DataFrame(rows)


def test_summarize_every_column_by_hand():
    s = metrics.summarize(_four_enterprises())
    assert list(s.columns) == SUMMARY_COLUMNS and len(s) == 1
    row = s.iloc[0]
    assert (row["indicator"], row["unit"], row["enterprises"]) == ("waste", "kg", 4)
    changes_ = [5 / 10 - 1, 12 / 10 - 1, 0.0, 80 / 100 - 1]
    assert row["mean_change"] == pytest.approx(sum(changes_) / 4)
    assert row["median_change"] == pytest.approx((-0.2 + 0.0) / 2)
    assert row["improved_share"] == pytest.approx(2 / 3)  # C did not change: neither better nor worse
    assert row["baseline_total"] == pytest.approx(1 + 1 + 1 + 10)  # kg a day
    assert row["followup_total"] == pytest.approx(0.5 + 1.2 + 1 + 8)
    assert row["pooled_change"] == pytest.approx(10.7 / 13 - 1)
    assert np.isnan(row["mean_points"])
    assert s.attrs["factor_set"] == metrics.FACTOR_SET_VERSION


def test_summarize_by_takes_each_enterprises_first_row():
    s = metrics.summarize(_four_enterprises(), by=["country", "sector"])
    assert list(s.columns) == ["country", "sector"] + SUMMARY_COLUMNS
    assert s[["country", "sector", "enterprises"]].values.tolist() == [["IN", "S", 3], ["KE", "S", 1]]
    kenya = s.set_index("country").loc["KE"]
    assert kenya["mean_change"] == pytest.approx(-0.2) and kenya["pooled_change"] == pytest.approx(-0.2)


def test_an_enterprise_with_a_zero_baseline_is_left_out_of_every_figure():
    """A has no waste at baseline and 0.5 kg a day after: no relative change, so it is out of the
    count, the mean, the median and the pooled sums (metrics/programme.py, "Who counts")."""
    zero = [r("A", "baseline", "2024-01-01", "2024-01-10", "waste", 0, "kg"),
            r("A", "follow-up", "2025-01-01", "2025-01-10", "waste", 5, "kg")]
    assert metrics.summarize(pd.DataFrame(zero)).empty
    s = metrics.summarize(pd.DataFrame(zero + [r("B", "baseline", "2024-01-01", "2024-01-10", "waste", 10, "kg"),
                                               r("B", "follow-up", "2025-01-01", "2025-01-10", "waste", 5, "kg")]))
    row = s.iloc[0]
    assert row["enterprises"] == 1  # B only
    assert row["baseline_total"] == pytest.approx(1.0) and row["followup_total"] == pytest.approx(0.5)  # B's kg a day
    assert row["pooled_change"] == pytest.approx(-0.5) and row["mean_change"] == pytest.approx(-0.5)
    assert row["median_change"] == pytest.approx(-0.5) and row["improved_share"] == 1


def test_summarize_yield_mean_points_and_no_pooled_figures():
    rows = []
    for name, before, after in (("A", 78, 95), ("B", 80, 84), ("C", 90, 88)):
        rows += [r(name, "baseline", "2024-01-01", "2024-01-10", "yield", before, "%"),
                 r(name, "follow-up", "2025-01-01", "2025-01-10", "yield", after, "%")]
    row = metrics.summarize(pd.DataFrame(rows)).iloc[0]
    assert row["mean_points"] == pytest.approx((17 + 4 - 2) / 3)
    assert row["improved_share"] == pytest.approx(2 / 3)
    assert row["unit"] == "dimensionless"
    assert np.isnan(row["pooled_change"]) and np.isnan(row["baseline_total"]) and np.isnan(row["followup_total"])


def test_an_enterprise_in_two_production_units_counts_once_with_its_mean():
    rows = [r("A", "baseline", "2024-01-01", "2024-01-10", "production", 100, "piece"),
            r("A", "follow-up", "2025-01-01", "2025-01-10", "production", 150, "piece"),
            r("A", "baseline", "2024-01-01", "2024-01-10", "production", 100, "kg"),
            r("A", "follow-up", "2025-01-01", "2025-01-10", "production", 90, "kg"),
            r("B", "baseline", "2024-01-01", "2024-01-10", "waste", 10, "kg"),
            r("B", "follow-up", "2025-01-01", "2025-01-10", "waste", 5, "kg")]
    s = metrics.summarize(pd.DataFrame(rows)).set_index("indicator")
    assert s.loc["production", "enterprises"] == 1 and s.loc["production", "unit"] == "mixed"
    assert s.loc["production", "mean_change"] == pytest.approx((0.5 - 0.1) / 2)
    assert np.isnan(s.loc["production", "improved_share"])
    # the other indicator keeps its own figures
    assert s.loc["waste", "unit"] == "kg" and s.loc["waste", "pooled_change"] == pytest.approx(-0.5)
    assert s.loc["waste", "baseline_total"] == pytest.approx(1.0) and s.loc["waste", "improved_share"] == 1


def test_two_waste_destinations_are_summed_then_pooled_with_one_unit():
    rows = [r("A", "baseline", "2024-01-01", "2024-01-10", "waste", 60, "kg", "landfill"),
            r("A", "baseline", "2024-01-01", "2024-01-10", "waste", 40, "kg", "recycled"),
            r("A", "follow-up", "2025-01-01", "2025-01-20", "waste", 100, "kg", "landfill"),
            r("A", "follow-up", "2025-01-01", "2025-01-10", "waste", 30, "kg", "sold")]
    per = changes(rows).iloc[0]
    assert per["baseline"] == pytest.approx(10.0)  # 6 + 4 kg a day
    assert per["followup"] == pytest.approx(5 + 3)
    assert per["baseline_days"] == 10 and per["followup_days"] == 20


days = st.integers(0, 60)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), days, days), min_size=1, max_size=12))
def test_union_days_counts_each_covered_day_once(periods):
    key = np.array([k for k, _, _ in periods])
    start = np.array([min(a, b) for _, a, b in periods])
    end = np.array([max(a, b) for _, a, b in periods])
    keys, counted = metrics.union_days(key, start, end)
    expected = {}
    for k, s, e in zip(key, start, end, strict=True):
        expected.setdefault(int(k), set()).update(range(s, e + 1))
    assert keys.tolist() == sorted(expected)
    assert counted.tolist() == [len(expected[k]) for k in sorted(expected)]


def test_union_days_by_hand():
    keys, counted = metrics.union_days(np.array([7, 2, 2, 5, 5, 9]), np.array([10, 0, 10, 0, 5, 3]),
                                       np.array([19, 9, 19, 30, 10, 2]))
    # 7: one period of 10 days; 2: adjacent periods, 20 days; 5: a period within another, 31 days;
    # 9: a period that ends before it starts counts no day
    assert keys.tolist() == [2, 5, 7, 9] and counted.tolist() == [20, 31, 10, 0]
    empty_keys, empty_days = metrics.union_days(np.array([], dtype=int), np.array([], dtype=int),
                                                np.array([], dtype=int))
    assert empty_keys.tolist() == [] and empty_days.tolist() == []


def test_union_days_with_gaps_and_negative_day_numbers():
    keys, counted = metrics.union_days(np.array([1, 1, 1, 3, 3]), np.array([-20, 0, 5, -3, 100]),
                                       np.array([-11, 2, 6, -1, 100]))
    assert keys.tolist() == [1, 3] and counted.tolist() == [10 + 3 + 2, 3 + 1]


def test_stored_canonical_values_are_used_as_they_are_not_recomputed():
    """Figures stored with their canonical value (under the factor set of their day) keep it:
    here 100 L of diesel stored as 900 kWh, where today's factors give 1,003.3 kWh."""
    df = metrics.to_canonical(pd.DataFrame([
        r("A", "baseline", "2024-01-01", "2024-01-10", "energy", 100, "L", "diesel"),
        r("A", "follow-up", "2025-01-01", "2025-01-10", "energy", 100, "L", "diesel"),
        r("A", "baseline", "2024-01-01", "2024-01-10", "production", 10, "piece"),
        r("A", "follow-up", "2025-01-01", "2025-01-10", "production", 10, "piece")]))
    df.loc[0, "value_canonical"] = 900.0
    per = metrics.enterprise_changes(df).set_index("indicator")
    assert per.loc["energy", "baseline"] == pytest.approx(90.0)
    assert per.loc["energy", "followup"] == pytest.approx(100 * 0.84 * 43.0 / 3.6 / 10)
    assert metrics.summarize(df).set_index("indicator").loc["energy", "baseline_total"] == pytest.approx(90.0)
    assert metrics.intensity(df, "energy")["numerator"].tolist()[0] == pytest.approx(900.0)
    # without the canonical unit the values cannot be trusted: they are computed afresh
    fresh = metrics.enterprise_changes(df.drop(columns="unit_canonical")).set_index("indicator")
    assert fresh.loc["energy", "baseline"] == pytest.approx(100 * 0.84 * 43.0 / 3.6 / 10)


def test_canonical_rows_without_a_carrier_column():
    df = metrics.to_canonical(pd.DataFrame([
        r("A", "baseline", "2024-01-01", "2024-01-10", "waste", 10, "kg"),
        r("A", "follow-up", "2025-01-01", "2025-01-20", "waste", 10, "kg"),
        r("A", "baseline", "2024-01-01", "2024-01-10", "yield", 80, "%"),
        r("A", "follow-up", "2025-01-01", "2025-01-20", "yield", 90, "%")])).drop(columns="carrier")
    per = metrics.enterprise_changes(df).set_index("indicator")
    assert per.loc["waste", "baseline"] == pytest.approx(1.0) and per.loc["waste", "followup"] == pytest.approx(0.5)
    assert per.loc["yield", "points"] == pytest.approx(10.0)


def test_a_one_day_follow_up_is_a_rate_over_one_day_and_days_are_whole_numbers():
    per = changes([r("A", "baseline", "2024-01-01", "2024-01-10", "energy", 1000, "kWh", "electricity"),
                   r("A", "follow-up", "2025-01-01", "2025-01-01", "energy", 50, "kWh", "electricity")])
    assert per["followup"].tolist() == [50.0] and per["followup_days"].tolist() == [1]
    assert per["followup_days"].dtype == np.int64 and per["baseline_days"].dtype == np.int64
    assert per.attrs["factor_set"] == metrics.FACTOR_SET_VERSION


def test_union_days_of_two_keys_whose_periods_reach_both_ends_of_the_range():
    # key 0: days 0-9 and 5-10, so 0-10: 11 days; key 1: days 0-3 and 2-4, so 0-4: 5 days. Key 0 reaches the
    # last day of the range and key 1 starts on its first: the keys' periods must not run into each other
    keys, days = metrics.aggregate.union_days(np.array([0, 0, 1, 1]), np.array([0, 5, 0, 2]), np.array([9, 10, 3, 4]))
    assert keys.tolist() == [0, 1] and days.tolist() == [11, 5]
