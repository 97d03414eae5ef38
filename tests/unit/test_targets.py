"""Targets (metrics.targets): the path, on track / behind / met, what is still needed; worked by hand as in
METHODS.md, "Targets"."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

import metrics

D = dt.date
BASELINE_END, FOLLOWUP_END, BY = D(2024, 3, 31), D(2025, 3, 31), D(2027, 3, 31)


def _rows(baseline, followup, *, indicator="energy", start=BASELINE_END, end=FOLLOWUP_END, enterprise=1):
    return pd.DataFrame({"enterprise": [enterprise], "indicator": [indicator], "unit": ["kWh"],
                         "baseline": [baseline], "followup": [followup], "followup_end": [end], "start": [start]})


def _target(reduction=0.30, by=BY, indicator="energy", basis="absolute", enterprise=1):
    return pd.DataFrame({"enterprise": [enterprise], "indicator": [indicator], "basis": [basis],
                         "reduction": [reduction], "target_date": [by]})


def test_methods_worked_example_on_track():
    # METHODS.md: baseline 1,000 kWh a day, baseline ending 31 Mar 2024; target -30 % by 31 Mar 2027 (1,095 days
    # later); the latest follow-up ends 31 Mar 2025 (365 days later) at 880 kWh a day.
    p = metrics.target_progress(_target(), _rows(1000.0, 880.0)).iloc[0]
    expected = 0.30 * 365 / 1095  # 10 % expected by then, computed by hand
    assert expected == pytest.approx(0.10)
    assert p["expected"] == pytest.approx(expected)
    assert p["achieved"] == pytest.approx(1 - 880 / 1000)  # 12 %
    assert p["status"] == "on track" and bool(p["on_track"])
    # target level 1,000 x 0.7 = 700 kWh a day; still needed 880 - 700 = 180 kWh a day = 65,700 kWh a year,
    # 180 / 880 = 20.45 % of today's level
    assert p["still_needed_per_year"] == pytest.approx(180 * 365)
    assert p["still_needed_per_year"] == pytest.approx(65_700)
    assert p["still_needed_share"] == pytest.approx(180 / 880)


def test_methods_worked_example_behind():
    # the same target, 950 kWh a day: 5 % achieved where 10 % is expected
    p = metrics.target_progress(_target(), _rows(1000.0, 950.0)).iloc[0]
    assert p["achieved"] == pytest.approx(0.05)
    assert p["status"] == "behind" and not bool(p["on_track"])
    assert p["still_needed_per_year"] == pytest.approx((950 - 700) * 365)


def test_met_counts_as_on_track_and_needs_nothing_more():
    p = metrics.target_progress(_target(), _rows(1000.0, 650.0)).iloc[0]
    assert p["status"] == "met" and bool(p["on_track"])
    assert p["still_needed_per_year"] == 0 and p["still_needed_share"] == 0


def test_after_the_target_date_the_whole_reduction_is_expected():
    p = metrics.target_progress(_target(by=D(2024, 12, 31)), _rows(1000.0, 750.0, end=D(2025, 3, 31))).iloc[0]
    assert p["expected"] == pytest.approx(0.30)
    assert p["status"] == "behind"  # 25 % achieved, the date passed


def test_a_follow_up_ending_before_the_baseline_end_expects_nothing():
    assert metrics.expected_reduction(0.3, D(2024, 3, 31), D(2027, 3, 31), D(2024, 1, 31))[0] == 0
    assert metrics.expected_reduction(0.3, D(2024, 3, 31), D(2027, 3, 31), D(2030, 1, 1))[0] == pytest.approx(0.3)


def test_per_production_target_reads_the_normalised_row():
    # per unit of production: the row of energy_per_production, whose baseline is the production-adjusted one
    # (METHODS.md example 3: 1,250 kWh a day adjusted, 1,100 used: intensity -12 %)
    rows = pd.concat([_rows(1000.0, 1100.0), _rows(1250.0, 1100.0, indicator="energy_per_production")])
    p = metrics.target_progress(_target(basis="per_production"), rows).iloc[0]
    assert p["achieved"] == pytest.approx(0.12)
    assert p["status"] == "on track"  # 12 % >= 10 %
    # the absolute figure rose by 10 %: an absolute target is behind
    q = metrics.target_progress(_target(), rows).iloc[0]
    assert q["achieved"] == pytest.approx(-0.10) and q["status"] == "behind"


def test_no_follow_up_or_zero_baseline_gives_no_progress():
    assert metrics.target_progress(_target(), _rows(1000.0, np.nan)).empty
    assert metrics.target_progress(_target(), _rows(0.0, 10.0)).empty


def test_share_on_track_counts_each_enterprise_once():
    targets = pd.concat([_target(enterprise=i) for i in (1, 2, 3, 4)])
    rows = pd.concat([_rows(1000.0, f, enterprise=i) for i, f in zip((1, 2, 3, 4), (880, 950, 650, 990), strict=True)])
    share = metrics.on_track_share(metrics.target_progress(targets, rows)).iloc[0]
    assert share["enterprises"] == 4 and share["on_track"] == 2 and share["share"] == pytest.approx(0.5)


@pytest.mark.parametrize("args", [
    ("production", "absolute", 0.3, D(2027, 1, 1)),  # not an extensive indicator lower-is-better
    ("energy", "relative", 0.3, D(2027, 1, 1)),
    ("energy", "absolute", 0.0, D(2027, 1, 1)),
    ("energy", "absolute", 1.0, D(2027, 1, 1)),
    ("energy", "absolute", float("nan"), D(2027, 1, 1)),
    ("energy", "absolute", 1e308, D(2027, 1, 1)),
    ("energy", "absolute", "lots", D(2027, 1, 1)),
    ("energy", "absolute", 0.3, D(2200, 1, 1)),
    ("energy", "absolute", 0.3, "2027-01-01"),
])
def test_check_target_refuses_what_cannot_be_stored(args):
    with pytest.raises(ValueError):
        metrics.check_target(*args)


def test_progress_has_its_columns_and_no_old_index():
    from metrics.targets import PROGRESS_COLUMNS

    p = metrics.target_progress(_target(), _rows(1000.0, 880.0))
    assert list(p.columns) == PROGRESS_COLUMNS and p.index.tolist() == [0]


def test_progress_of_enterprise_changes_rows_that_have_no_points():
    rows = _rows(1000.0, 880.0).assign(points=np.nan)  # as enterprise_changes gives energy: no percentage points
    p = metrics.target_progress(_target(), rows)
    assert len(p) == 1 and p["achieved"].iloc[0] == pytest.approx(1 - 880 / 1000)  # 12 %, as above


def test_on_track_share_of_no_progress_has_its_columns_and_types():
    got = metrics.on_track_share(pd.DataFrame(columns=["enterprise", "indicator", "on_track"]))
    assert got.empty and list(got.columns) == ["indicator", "enterprises", "on_track", "share"]
    assert [got[c].dtype.kind for c in ("enterprises", "on_track", "share")] == ["i", "f", "f"]


def test_a_target_of_another_indicator_or_basis_is_refused_in_words():
    when = dt.date(2030, 12, 31)
    with pytest.raises(ValueError) as indicator:
        metrics.check_target("yield", "absolute", 0.2, when)
    assert str(indicator.value) == ("A target can be set for energy, water, waste, material_input, material_wasted; "
                                    "not for this indicator.")
    with pytest.raises(ValueError) as basis:
        metrics.check_target("energy", "relative", 0.2, when)
    assert str(basis.value) == "A target reduces the absolute figure or the figure per unit of production."


def test_a_target_date_outside_2000_to_2100_is_refused_in_words():
    for when in (dt.date(1999, 12, 31), dt.date(2101, 1, 1)):
        with pytest.raises(ValueError) as refused:
            metrics.check_target("energy", "absolute", 0.2, when)
        assert str(refused.value) == "The target date must be a date between 2000 and 2100."
    metrics.check_target("energy", "absolute", 0.2, dt.date(2100, 12, 31))  # the last day allowed
