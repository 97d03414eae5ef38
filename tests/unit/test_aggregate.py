"""metrics.enterprise_changes and metrics.summarize: definitions, the case study, invariance."""
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
    # baseline: 60,000 kWh over distinct periods Jan (31) + Feb (29) + Jan-Feb (60) = 120 days
    assert per["baseline_days"] == 120
    assert per["baseline"] == pytest.approx(60_000 / 120)
    assert per["followup"] == pytest.approx(800.0)
    assert per["relative_change"] == pytest.approx(800 / 500 - 1)
    assert per["improved"] is False or per["improved"] == False  # noqa: E712


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
    assert set(zip(s["country"], s["indicator"])) == {("IN", "waste"), ("IN", "yield")}


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
