"""metrics.enterprise_changes and metrics.summarize: definitions, the case study, invariance."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import metrics


def r(enterprise, phase, start, end, indicator, value, unit, carrier="", country="IN"):
    return dict(enterprise=enterprise, country=country, sector="S", period_start=start, period_end=end, phase=phase,
                indicator=indicator, carrier=carrier, value=value, unit=unit, note="")


CASE = pd.DataFrame([
    r("Seals", "baseline", "2023-01-01", "2023-03-31", "yield", 78, "%"),
    r("Seals", "follow-up", "2023-07-01", "2023-09-30", "yield", 88, "%"),
    r("Seals", "follow-up", "2024-01-01", "2024-03-31", "yield", 95, "%"),
])


def test_case_study_yield_and_loss_per_good_unit():
    per = metrics.enterprise_changes(CASE).set_index("indicator").loc["yield"]
    assert per["baseline"] == pytest.approx(0.78) and per["followup"] == pytest.approx(0.95)
    assert per["points"] == pytest.approx(17.0)
    assert per["relative_change"] == pytest.approx(0.218, abs=5e-4)
    loss = metrics.loss_per_good([0.78, 0.88, 0.95])
    assert [round(x, 3) for x in loss] == [0.282, 0.136, 0.053]
    assert loss[2] / loss[0] - 1 == pytest.approx(-0.81, abs=0.005)
    # rubber input for the same output: 1/0.95 vs 1/0.78
    assert (1 / 0.95) / (1 / 0.78) - 1 == pytest.approx(-0.179, abs=5e-4)


def test_per_day_rates_and_latest_follow_up():
    df = pd.DataFrame([
        r("A", "baseline", "2024-01-01", "2024-01-31", "energy", 31_000, "kWh", "electricity"),
        r("A", "baseline", "2024-02-01", "2024-02-29", "energy", 29, "MWh", "electricity"),
        r("A", "baseline", "2024-01-01", "2024-02-29", "energy", 0, "L", "diesel"),  # another carrier, own period
        r("A", "follow-up", "2024-06-01", "2024-06-30", "energy", 60_000, "kWh", "electricity"),  # older
        r("A", "follow-up", "2025-01-01", "2025-01-10", "energy", 8_000, "kWh", "electricity"),  # latest
    ])
    per = metrics.enterprise_changes(df).iloc[0]
    # baseline: electricity 60,000 kWh over Jan + Feb (60 days) + diesel 0 over the same 60 days
    assert per["baseline_days"] == 60
    assert per["baseline"] == pytest.approx(1000.0)
    assert per["followup"] == pytest.approx(800.0)
    assert per["followup_days"] == 10
    assert per["followup_end"] == pd.Timestamp("2025-01-10")
    assert per["relative_change"] == pytest.approx(-0.2)
    assert per["improved"] is True


def test_carriers_with_different_billing_cycles_are_summed_as_rates():
    """Regression: monthly electricity and quarterly gas used to halve the baseline rate (days of
    distinct periods were added up) and drop the gas from the follow-up (latest start won)."""
    months = [("2024-01-01", "2024-01-31"), ("2024-02-01", "2024-02-29"), ("2024-03-01", "2024-03-31")]
    rows = [r("A", "baseline", s, e, "energy", 100 * ((pd.Timestamp(e) - pd.Timestamp(s)).days + 1), "kWh",
              "electricity") for s, e in months]
    rows += [r("A", "baseline", "2024-01-01", "2024-03-31", "energy", 91 * 50, "kWh", "natural_gas"),
             r("A", "follow-up", "2025-12-01", "2025-12-31", "energy", 31 * 80, "kWh", "electricity"),
             r("A", "follow-up", "2025-10-01", "2025-12-31", "energy", 92 * 40, "kWh", "natural_gas")]
    per = metrics.enterprise_changes(pd.DataFrame(rows)).iloc[0]
    assert per["baseline"] == pytest.approx(150.0)  # 100 + 50 kWh per day
    assert per["followup"] == pytest.approx(120.0)  # 80 + 40 kWh per day
    assert per["baseline_days"] == 91 and per["followup_days"] == 92


def test_overlapping_baseline_periods_count_their_days_once():
    days = metrics.aggregate.union_days(np.array([0, 0, 0, 1]), np.array([0, 0, 31, 5]), np.array([30, 59, 59, 5]))
    assert days[0].tolist() == [0, 1] and days[1].tolist() == [60, 1]


def test_production_in_different_units_is_not_pooled():
    df = pd.DataFrame([
        r("A", "baseline", "2024-01-01", "2024-01-10", "production", 100, "piece"),
        r("A", "follow-up", "2025-01-01", "2025-01-10", "production", 120, "piece"),
        r("B", "baseline", "2024-01-01", "2024-01-10", "production", 5, "t"),
        r("B", "follow-up", "2025-01-01", "2025-01-10", "production", 4, "t"),
    ])
    s = metrics.summarize(df).set_index("indicator").loc["production"]
    assert s["enterprises"] == 2 and s["unit"] == "mixed"
    assert s["mean_change"] == pytest.approx((0.2 - 0.2) / 2)
    assert pd.isna(s["pooled_change"]) and pd.isna(s["baseline_total"])


def test_a_carrier_reported_in_one_phase_counts_as_zero_in_the_other():
    df = pd.DataFrame([
        r("A", "baseline", "2024-01-01", "2024-01-10", "waste", 10, "kg", "landfill"),
        r("A", "follow-up", "2025-01-01", "2025-01-10", "waste", 6, "kg", "recycled"),
    ])
    per = metrics.enterprise_changes(df).iloc[0]
    assert per["baseline"] == pytest.approx(1.0) and per["followup"] == pytest.approx(0.6)


def _two_enterprises():
    return pd.DataFrame([
        r("Small", "baseline", "2024-01-01", "2024-01-10", "waste", 10, "kg"),
        r("Small", "follow-up", "2025-01-01", "2025-01-10", "waste", 5, "kg"),
        r("Big", "baseline", "2024-01-01", "2024-01-10", "waste", 10, "t"),
        r("Big", "follow-up", "2025-01-01", "2025-01-10", "waste", 9, "t", country="VN"),
        r("Big", "baseline", "2024-01-01", "2024-01-10", "yield", 80, "%"),
        r("Big", "follow-up", "2025-01-01", "2025-01-10", "yield", 90, "%"),
        r("Lonely", "baseline", "2024-01-01", "2024-01-10", "waste", 10, "t"),
    ])


def test_summarize_mean_median_pooled_points():
    s = metrics.summarize(_two_enterprises()).set_index("indicator")
    assert s.loc["waste", "enterprises"] == 2
    assert s.loc["waste", "mean_change"] == pytest.approx((-0.5 - 0.1) / 2)
    assert s.loc["waste", "median_change"] == pytest.approx(-0.3)
    assert s.loc["waste", "pooled_change"] == pytest.approx((0.5 + 900) / (1 + 1000) - 1)
    assert pd.isna(s.loc["yield", "pooled_change"])
    assert s.loc["yield", "mean_points"] == pytest.approx(10.0)


def test_summarize_by_group():
    s = metrics.summarize(_two_enterprises(), by="country")
    assert set(zip(s["country"], s["indicator"], strict=True)) == {("IN", "waste"), ("IN", "yield")}


def test_summarize_empty():
    assert metrics.summarize(CASE.iloc[:1]).empty


UNIT_SCALE = {"kg": 1.0, "t": 1e-3, "short_ton": 1 / 907.18474}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 1e6), st.floats(1, 1e6), st.sampled_from(sorted(UNIT_SCALE))),
                min_size=1, max_size=8))
def test_summarize_is_invariant_to_the_unit_entered(figures):
    def frame(as_kg: bool):
        out = []
        for i, (b, f, unit) in enumerate(figures):
            u = "kg" if as_kg else unit
            scale = 1.0 if as_kg else UNIT_SCALE[unit]
            out.append(r(f"E{i}", "baseline", "2024-01-01", "2024-01-31", "material_wasted", b * scale, u))
            out.append(r(f"E{i}", "follow-up", "2025-01-01", "2025-01-15", "material_wasted", f * scale, u))
        return pd.DataFrame(out)

    a, b = metrics.summarize(frame(True)), metrics.summarize(frame(False))
    for col in ("mean_change", "median_change", "pooled_change"):
        assert b[col].iloc[0] == pytest.approx(a[col].iloc[0], rel=1e-9, abs=1e-12)


ENERGY_SCALE = {"kWh": 1.0, "MWh": 1e-3, "GJ": 3.6e-3, "MJ": 3.6}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 1e7), st.floats(0, 1e7), st.sampled_from(sorted(ENERGY_SCALE)),
                          st.integers(1, 365), st.integers(1, 120)), min_size=1, max_size=6))
def test_summarize_is_invariant_to_the_energy_unit_entered(figures):
    """kWh vs MWh x 1000 (and GJ, MJ): the same figures give the same summary."""
    def frame(as_kwh: bool):
        out = []
        for i, (b, f, unit, bdays, fdays) in enumerate(figures):
            u, scale = ("kWh", 1.0) if as_kwh else (unit, ENERGY_SCALE[unit])
            bend = (pd.Timestamp("2024-01-01") + pd.Timedelta(days=bdays - 1)).date().isoformat()
            fend = (pd.Timestamp("2025-06-01") + pd.Timedelta(days=fdays - 1)).date().isoformat()
            out.append(r(f"E{i}", "baseline", "2024-01-01", bend, "energy", b * scale, u, "electricity"))
            out.append(r(f"E{i}", "follow-up", "2025-06-01", fend, "energy", f * scale, u, "electricity"))
        return pd.DataFrame(out)

    a, b = metrics.summarize(frame(True)), metrics.summarize(frame(False))
    for col in ("enterprises", "mean_change", "median_change", "pooled_change", "baseline_total", "followup_total"):
        assert b[col].iloc[0] == pytest.approx(a[col].iloc[0], rel=1e-9, abs=1e-12)


def test_summarize_accepts_canonical_input_and_names_its_factor_set():
    canonical = metrics.to_canonical(_two_enterprises())
    a, b = metrics.summarize(canonical), metrics.summarize(_two_enterprises())
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["factor_set"] == metrics.FACTOR_SET_VERSION


def test_enterprise_changes_on_the_case_study_stages():
    df = pd.concat([CASE, pd.DataFrame([
        r("Seals", "baseline", "2023-01-01", "2023-03-31", "material_wasted", 22, "kg"),
        r("Seals", "follow-up", "2023-07-01", "2023-09-30", "material_wasted", 12, "kg"),
        r("Seals", "follow-up", "2024-01-01", "2024-03-31", "material_wasted", 5, "kg"),
    ])], ignore_index=True)
    per = metrics.enterprise_changes(df).set_index("indicator")
    assert per.loc["material_wasted", "relative_change"] == pytest.approx((5 / 91) / (22 / 90) - 1)
    assert per.loc["yield", "improved"] is True and per.loc["material_wasted", "improved"] is True


def test_an_enterprise_with_production_in_two_units_counts_once():
    rows = [r("A", "baseline", "2024-01-01", "2024-01-10", "production", 100, "piece"),
            r("A", "follow-up", "2025-01-01", "2025-01-10", "production", 120, "piece"),
            r("A", "baseline", "2024-01-01", "2024-01-10", "production", 100, "kg"),
            r("A", "follow-up", "2025-01-01", "2025-01-10", "production", 120, "kg"),
            r("B", "baseline", "2024-01-01", "2024-01-31", "production", 310, "piece"),
            r("B", "follow-up", "2025-01-01", "2025-01-31", "production", 160, "piece")]
    s = metrics.summarize(pd.DataFrame(rows)).set_index("indicator").loc["production"]
    expected = (0.2 + (160 / 310 - 1)) / 2
    assert s["enterprises"] == 2 and s["unit"] == "mixed"
    assert s["mean_change"] == pytest.approx(expected) and s["median_change"] == pytest.approx(expected)


def test_a_figure_that_is_not_a_number_leaves_the_enterprise_out_of_every_aggregate():
    rows = [r("A", "baseline", "2024-01-01", "2024-01-31", "waste", 310, "kg"),
            r("A", "follow-up", "2025-01-01", "2025-01-31", "waste", 300, "kg"),
            r("B", "baseline", "2024-01-01", "2024-01-31", "waste", 3100, "kg"),
            r("B", "follow-up", "2025-01-01", "2025-01-31", "waste", "n/a", "kg")]
    s = metrics.summarize(pd.DataFrame(rows)).set_index("indicator").loc["waste"]
    assert s["enterprises"] == 1
    assert s["pooled_change"] == pytest.approx(300 / 310 - 1) and s["mean_change"] == pytest.approx(300 / 310 - 1)


def test_dates_validate_accepts_do_not_crash_summarize():
    rows = [r("A", "baseline", "2024-01-01", "2024-01-31", "energy", 310, "kWh", "electricity"),
            r("A", "follow-up", "01/06/2024", "30/06/2024", "energy", 150, "kWh", "electricity")]
    assert metrics.validate(pd.DataFrame(rows)).empty
    s = metrics.summarize(pd.DataFrame(rows)).set_index("indicator").loc["energy"]
    assert s["mean_change"] == pytest.approx(5 / 10 - 1)
    assert len(metrics.emissions_frame(pd.DataFrame(rows))) == 2


def test_a_carrier_keeps_its_latest_follow_up_until_a_zero_is_entered():
    base = [r("A", "baseline", "2024-01-01", "2024-01-10", "energy", 1000, "kWh", "electricity"),
            r("A", "baseline", "2024-01-01", "2024-01-10", "energy", 100, "kWh", "diesel"),
            r("A", "follow-up", "2025-06-01", "2025-06-10", "energy", 1000, "kWh", "electricity"),
            r("A", "follow-up", "2025-06-01", "2025-06-10", "energy", 100, "kWh", "diesel"),
            r("A", "follow-up", "2025-12-01", "2025-12-10", "energy", 1000, "kWh", "electricity")]
    change = metrics.enterprise_changes(pd.DataFrame(base)).set_index("indicator").loc["energy", "relative_change"]
    assert change == pytest.approx(0.0)  # diesel's June rate still counts (METHODS, definition 3)
    zero = base + [r("A", "follow-up", "2025-12-01", "2025-12-10", "energy", 0, "kWh", "diesel")]
    change = metrics.enterprise_changes(pd.DataFrame(zero)).set_index("indicator").loc["energy", "relative_change"]
    assert change == pytest.approx(100 / 110 - 1)
