"""metrics.comparable: same months of the year, yearly figures extrapolated, the same-months comparison
(METHODS.md, "Comparable periods": its examples by hand)."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

import metrics

D = dt.date


def _rows(name, periods):
    return [dict(enterprise=name, period_start=a, period_end=b, phase=phase, indicator="energy",
                 carrier="electricity", value=v, unit="kWh") for phase, a, b, v in periods]


def test_months_of_year():
    assert metrics.months_of_year(D(2024, 1, 1), D(2024, 3, 31)) == {1, 2, 3}
    assert metrics.months_of_year(D(2024, 11, 15), D(2025, 2, 14)) == {11, 12, 1, 2}
    assert metrics.months_of_year(D(2024, 1, 1), D(2024, 12, 31)) == set(range(1, 13))


def test_a_summer_follow_up_against_a_winter_baseline_is_flagged():
    df = pd.DataFrame(_rows("A", [("baseline", D(2024, 1, 1), D(2024, 3, 31), 9_100),
                                  ("follow-up", D(2025, 7, 1), D(2025, 9, 30), 9_200)]))
    c = metrics.comparability(df).iloc[0]
    assert not c["same_months"]
    assert (c["baseline_months"], c["followup_months"]) == ("Jan, Feb, Mar", "Jul, Aug, Sep")
    assert c["followup_days"] == 92 and c["extrapolated"]  # 365 x a quarter's per-day rate
    assert not c["same_months_available"]


def test_a_year_of_monthly_bills_offers_the_same_months():
    # baseline: twelve monthly bills of 2024, 100 kWh a day in Jan-Mar, 200 in the other months;
    # follow-up Jan-Mar 2025 at 90 kWh a day: against the whole year -40 %, against Jan-Mar -10 %
    periods = []
    for m in range(1, 13):
        a = D(2024, m, 1)
        b = (pd.Timestamp(a) + pd.offsets.MonthEnd(0)).date()
        periods.append(("baseline", a, b, ((b - a).days + 1) * (100 if m <= 3 else 200)))
    periods.append(("follow-up", D(2025, 1, 1), D(2025, 3, 31), 90 * 90))
    df = pd.DataFrame(_rows("A", periods))
    c = metrics.comparability(df).iloc[0]
    assert not c["same_months"] and c["same_months_available"] and c["baseline_months"] == "all year"
    whole = metrics.enterprise_changes(df).iloc[0]
    base = (91 * 100 + 275 * 200) / 366
    assert whole["relative_change"] == pytest.approx(90 / base - 1) == pytest.approx(-0.486, abs=5e-4)
    same = metrics.enterprise_changes(metrics.on_same_months(df)).iloc[0]
    assert same["baseline"] == pytest.approx(100.0) and same["relative_change"] == pytest.approx(-0.10)


def test_same_months_and_a_whole_year_are_not_flagged():
    df = pd.DataFrame(_rows("A", [("baseline", D(2024, 1, 1), D(2024, 12, 31), 366_000),
                                  ("follow-up", D(2025, 1, 1), D(2025, 12, 31), 300_000)]))
    c = metrics.comparability(df).iloc[0]
    assert c["same_months"] and not c["extrapolated"] and not c["same_months_available"]
    assert metrics.on_same_months(df).empty


def test_the_months_of_many_periods_at_once_are_those_of_each():
    from metrics.comparable import months_of_year, span_masks

    start = pd.Series(pd.to_datetime(["2024-11-15", "2024-01-01", "2024-03-01", "2024-05-01", None, "2024-02-01"]))
    end = pd.Series(pd.to_datetime(["2025-02-10", "2024-12-31", "2024-03-31", "2024-04-30", "2024-05-01", None]))
    # Nov, Dec, Jan, Feb (bits 10, 11, 0, 1); all year; March (bit 2); ending before it starts, no dates: none
    assert span_masks(start, end).tolist() == [1024 + 2048 + 1 + 2, 4095, 4, 0, 0, 0]
    rng = np.random.default_rng(7)
    start = pd.Series(pd.Timestamp("2010-01-01") + pd.to_timedelta(rng.integers(0, 5000, 2000), unit="D"))
    end = start + pd.to_timedelta(rng.integers(-40, 900, 2000), unit="D")
    expected = [sum(1 << (m - 1) for m in months_of_year(a, b)) for a, b in zip(start, end, strict=True)]
    assert span_masks(start, end).tolist() == expected
