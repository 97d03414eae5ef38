"""metrics.normalise: figures per unit of production (ISO 50006), METHODS.md's worked examples by hand."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

import metrics


def _changes(rows):
    return pd.DataFrame(rows, columns=["enterprise", "indicator", "unit", "baseline", "followup", "relative_change"])


def test_verifi_energy_intensity_example_in_kwh():
    # VERIFI analysis-calculations.md: 100,000 / 50,000 = 2 per unit; 4,000 units -> 8,000 modelled
    baseline_intensity = 100_000 / 50_000
    assert baseline_intensity * 4_000 == 8_000
    assert metrics.normalised_savings(baseline_intensity, 4_000, 7_000) == pytest.approx(1_000)
    ch = _changes([("A", "energy", "kWh", 100_000 / 365, 7_000 / 30, None),
                   ("A", "production", "piece", 50_000 / 365, 4_000 / 30, None)])
    norm = metrics.normalised_changes(ch).iloc[0]
    assert norm["relative_change"] == pytest.approx(7_000 / 8_000 - 1)  # -12.5 %
    assert norm["baseline_intensity"] == pytest.approx(2.0)
    assert norm["intensity_unit"] == "kWh per piece"


def test_verifi_senpi_example():
    # SEnPI = 8,200 / 10,000 = 0.82: an 18 % improvement; the change per unit of production is SEnPI - 1
    ch = _changes([("A", "energy", "kWh", 10_000.0, 8_200.0, None), ("A", "production", "piece", 500.0, 500.0, None)])
    assert metrics.normalised_changes(ch).iloc[0]["relative_change"] == pytest.approx(0.82 - 1)


def test_growth_is_not_read_as_worsening():
    ch = _changes([("A", "energy", "kWh", 1_000.0, 1_100.0, 0.10), ("A", "production", "piece", 100.0, 125.0, 0.25)])
    rep = metrics.report_normalised(ch).iloc[0]
    assert rep["baseline_intensity"] == pytest.approx(10.0) and rep["followup_intensity"] == pytest.approx(8.8)
    assert rep["normalised_change"] == pytest.approx(8.8 / 10 - 1)  # -12 %
    assert rep["absolute_change"] == pytest.approx(0.10)
    assert rep["normalised_savings_per_year"] == pytest.approx((1_250 - 1_100) * 365)  # 54,750 kWh
    assert rep["absolute_savings_per_year"] == pytest.approx((1_000 - 1_100) * 365)  # -36,500 kWh
    both = pd.concat([ch, metrics.normalised_changes(ch)[ch.columns]])
    avoided = metrics.avoided_per_year(both, indicator="energy_per_production").iloc[0]
    assert avoided["energy_avoided_mwh_per_year"] == pytest.approx(54.75)


def test_case_study_rubber_per_kg_of_good_output():
    rows = []
    for phase, start, end, y in (("baseline", dt.date(2023, 1, 1), dt.date(2023, 3, 31), 0.78),
                                 ("follow-up", dt.date(2024, 1, 1), dt.date(2024, 3, 31), 0.95)):
        days = (end - start).days + 1
        good = 110.0 * days
        common = dict(enterprise="Seals", period_start=start, period_end=end, phase=phase, carrier="", unit="kg")
        rows += [dict(common, indicator="production", value=good),
                 dict(common, indicator="material_input", value=good / y),
                 dict(common, indicator="material_wasted", value=good / y - good)]
    rep = metrics.report_normalised(metrics.enterprise_changes(pd.DataFrame(rows))).set_index("indicator")
    assert rep.loc["material_input", "normalised_change"] == pytest.approx(0.78 / 0.95 - 1)  # -17.9 %
    assert rep.loc["material_wasted", "baseline_intensity"] == pytest.approx(0.22 / 0.78)  # 0.282
    assert rep.loc["material_wasted", "followup_intensity"] == pytest.approx(0.05 / 0.95)  # 0.053
    assert rep.loc["material_wasted", "intensity_unit"] == "kg per kg"


def test_pieces_and_kg_are_never_mixed_and_zero_production_has_no_row():
    ch = _changes([("A", "energy", "kWh", 10.0, 8.0, None), ("A", "production", "piece", 5.0, 5.0, None),
                   ("A", "production", "kg", 50.0, 60.0, None),
                   ("B", "energy", "kWh", 10.0, 8.0, None), ("B", "production", "piece", 0.0, 5.0, None),
                   ("C", "water", "m3", 10.0, 8.0, None), ("C", "production", "m2", 4.0, 2.0, None)])
    norm = metrics.normalised_changes(ch)
    assert list(norm["enterprise"]) == ["C"]
    assert norm.iloc[0]["indicator"] == "water_per_production"
    assert norm.iloc[0]["relative_change"] == pytest.approx((8 / 2) / (10 / 4) - 1)  # +60 %
    assert norm.iloc[0]["improved"] is False or norm.iloc[0]["improved"] == False  # noqa: E712


def test_aggregate_pools_against_the_adjusted_baseline():
    ch = _changes([("A", "energy", "kWh", 100.0, 90.0, None), ("A", "production", "piece", 10.0, 20.0, None),
                   ("B", "energy", "kWh", 50.0, 50.0, None), ("B", "production", "kg", 5.0, 5.0, None)])
    norm = metrics.normalised_changes(ch)
    agg = metrics.aggregate_changes(norm).iloc[0]
    # A: 90 / 200 - 1 = -55 %; B: 0 %; pooled (90 + 50) / (200 + 50) - 1 = -44 % (kWh add, whatever is produced)
    assert agg["mean_change"] == pytest.approx((-0.55 + 0) / 2)
    assert agg["pooled_change"] == pytest.approx(140 / 250 - 1)
    assert agg["enterprises"] == 2 and agg["unit"] == "kWh"
    assert np.isclose(agg["improved_share"], 1.0)


def test_labels_say_per_unit_of_production():
    from metrics import labels
    assert labels.indicator_label("energy_per_production") == "Energy per unit of production"
    assert labels.indicator_label("material_wasted_per_production") == "Materials wasted per unit of production"
    assert labels.unit_words("kWh per piece") == "kWh per piece"


def test_an_adjusted_baseline_of_exactly_one_and_the_follow_up_s_end():
    # baseline 2 kWh a day for 2 pieces: 1 kWh per piece; follow-up 1 piece a day, so the adjusted
    # baseline is 1 kWh a day, against 0.5 kWh used: -50 %
    ch = _changes([("A", "energy", "kWh", 2.0, 0.5, None), ("A", "production", "piece", 2.0, 1.0, None)])
    ch["followup_end"] = pd.Timestamp("2025-03-31")
    ch["baseline_days"], ch["followup_days"] = 91, 90
    norm = metrics.normalised_changes(ch).iloc[0]
    assert (norm["baseline_days"], norm["followup_days"]) == (91, 90)  # the energy row's days, carried
    assert norm["baseline"] == pytest.approx(1.0) and norm["relative_change"] == pytest.approx(0.5 / 1.0 - 1)
    assert norm["followup_end"] == pd.Timestamp("2025-03-31")
    assert metrics.is_normalised("energy_per_production") and not metrics.is_normalised("energy")
