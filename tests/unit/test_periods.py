"""metrics.series_periods, common_followup, on_common_period, followups_differ, report_changes and
the stage yield of two yield rows: every figure worked out by hand.

Enterprise M (issue 10, item 4): its latest follow-up mixes periods. Electricity's latest figure is
of 2025 Q2, diesel's of Q1 (none entered in Q2); materials wasted's of Q2, material input's of Q1.
Baseline 2024 Q1 (91 days), follow-up Q1 2025 (90 days), Q2 2025 (91 days); figures are chosen
so that the per-day rates are round.
"""
import numpy as np
import pandas as pd
import pytest

import metrics
from metrics.periods import SERIES_PERIOD_COLUMNS

Q1_24 = ("2024-01-01", "2024-03-31")  # 91 days
Q1_25 = ("2025-01-01", "2025-03-31")  # 90 days
Q2_25 = ("2025-04-01", "2025-06-30")  # 91 days


def r(phase, period, indicator, value, unit, carrier="", enterprise="M"):
    return dict(enterprise=enterprise, country="IN", sector="S", period_start=period[0], period_end=period[1],
                phase=phase, indicator=indicator, carrier=carrier, value=value, unit=unit, note="")


def mixed_rows(enterprise="M"):
    def one(*args, **kw):
        return r(*args, **kw, enterprise=enterprise)
    return [one("baseline", Q1_24, "energy", 91 * 100, "kWh", "electricity"),  # 100 kWh a day
            one("baseline", Q1_24, "energy", 91 * 20, "kWh", "diesel"),  # 20
            one("follow-up", Q1_25, "energy", 90 * 90, "kWh", "electricity"),  # 90
            one("follow-up", Q1_25, "energy", 90 * 15, "kWh", "diesel"),  # 15
            one("follow-up", Q2_25, "energy", 91 * 80, "kWh", "electricity"),  # 80, no diesel in Q2
            one("baseline", Q1_24, "material_input", 91 * 100, "kg"),  # 100 kg a day
            one("follow-up", Q1_25, "material_input", 90 * 90, "kg"),  # 90, none in Q2
            one("baseline", Q1_24, "material_wasted", 91 * 20, "kg"),  # 20
            one("follow-up", Q1_25, "material_wasted", 90 * 12, "kg"),  # 12
            one("follow-up", Q2_25, "material_wasted", 91 * 10, "kg")]  # 10


def ts(text):
    return pd.Timestamp(text)


def test_each_series_says_which_periods_its_figures_come_from():
    p = metrics.series_periods(pd.DataFrame(mixed_rows())).set_index(["indicator", "carrier"])
    assert list(p.index) == [("energy", "diesel"), ("energy", "electricity"), ("material_input", ""),
                             ("material_wasted", "")]
    assert (p["baseline_from"] == ts(Q1_24[0])).all() and (p["baseline_to"] == ts(Q1_24[1])).all()
    assert (p["baseline_periods"] == 1).all()
    assert p.loc[("energy", "electricity"), ["followup_from", "followup_to"]].tolist() == [ts(Q2_25[0]), ts(Q2_25[1])]
    assert p.loc[("energy", "diesel"), ["followup_from", "followup_to"]].tolist() == [ts(Q1_25[0]), ts(Q1_25[1])]
    assert p.loc[("material_input", ""), "followup_to"] == ts(Q1_25[1])
    assert p.loc[("material_wasted", ""), "followup_to"] == ts(Q2_25[1])
    assert metrics.followups_differ(p.reset_index())


def test_the_report_changes_mix_periods_and_the_common_period_does_not():
    df = pd.DataFrame(mixed_rows())
    latest = metrics.report_changes(df).set_index("indicator")
    # energy: (80 + 15) against (100 + 20) kWh a day; electricity of Q2 beside diesel of Q1
    assert latest.loc["energy", "relative_change"] == pytest.approx(95 / 120 - 1)
    assert latest.loc["energy", "followup_periods"] == 2
    assert latest.loc["energy", ["followup_from", "followup_to"]].tolist() == [ts(Q1_25[0]), ts(Q2_25[1])]
    assert latest.loc["material_wasted", "relative_change"] == pytest.approx(10 / 20 - 1)  # Q2
    assert latest.loc["material_input", "relative_change"] == pytest.approx(90 / 100 - 1)  # Q1
    assert latest.loc["energy", "shown_unit"] == "kWh per day"
    assert latest.loc["energy", "absolute_change"] == pytest.approx(95 - 120)

    common = metrics.common_followup(df)  # Q1: the latest period with all four series
    assert common.values.tolist() == [["M", ts(Q1_25[0]), ts(Q1_25[1])]]
    same = metrics.report_changes(metrics.on_common_period(df)).set_index("indicator")
    assert same.loc["energy", "relative_change"] == pytest.approx((90 + 15) / 120 - 1)
    assert same.loc["material_wasted", "relative_change"] == pytest.approx(12 / 20 - 1)
    assert same.loc["material_input", "relative_change"] == pytest.approx(90 / 100 - 1)
    assert (same["followup_periods"] == 1).all() and (same["followup_to"] == ts(Q1_25[1])).all()
    assert not metrics.followups_differ(metrics.series_periods(metrics.on_common_period(df)))


def test_without_a_period_that_has_every_figure_there_is_no_common_period():
    rows = [x for x in mixed_rows() if not (x["indicator"] == "material_input" and x["phase"] == "follow-up")]
    rows.append(r("follow-up", Q2_25, "material_input", 91 * 80, "kg"))  # input in Q2 only, diesel in Q1 only
    df = pd.DataFrame(rows)
    assert metrics.common_followup(df).empty
    kept = metrics.on_common_period(df)
    assert kept["phase"].eq("baseline").all()  # no follow-up left: no comparison on a common period
    assert metrics.enterprise_changes(kept).empty


def test_a_common_period_is_per_enterprise_and_ignores_indicators_not_compared():
    # N: one period, every figure in it; its water has no baseline, so it is not compared
    n = [r("baseline", Q1_24, "waste", 910, "kg", "landfill", "N"),
         r("follow-up", Q1_25, "waste", 450, "kg", "landfill", "N"),
         r("follow-up", Q2_25, "water", 5, "m3", "", "N")]
    common = metrics.common_followup(pd.DataFrame(mixed_rows() + n)).set_index("enterprise")
    assert common.loc["M", "period_end"] == ts(Q1_25[1]) and common.loc["N", "period_end"] == ts(Q1_25[1])
    p = metrics.series_periods(pd.DataFrame(n))
    assert p[["indicator", "carrier"]].values.tolist() == [["waste", "landfill"]]  # water: not compared
    assert not metrics.followups_differ(p)


def test_a_carrier_in_one_phase_only_has_no_period_there():
    rows = [r("baseline", Q1_24, "waste", 910, "kg", "landfill"), r("follow-up", Q1_25, "waste", 900, "kg", "recycled")]
    p = metrics.series_periods(pd.DataFrame(rows)).set_index("carrier")
    assert pd.isna(p.loc["landfill", "followup_from"]) and p.loc["landfill", "baseline_periods"] == 1
    assert pd.isna(p.loc["recycled", "baseline_from"]) and p.loc["recycled", "baseline_periods"] == 0
    # the common period needs only the series with a follow-up figure (landfill counts as 0)
    assert metrics.common_followup(pd.DataFrame(rows))["period_end"].tolist() == [ts(Q1_25[1])]


def test_several_baseline_periods_are_spanned_and_counted():
    rows = [r("baseline", ("2024-01-01", "2024-01-31"), "water", 31, "m3"),
            r("baseline", ("2024-03-01", "2024-03-31"), "water", 62, "m3"),
            r("follow-up", Q1_25, "water", 90, "m3")]
    p = metrics.series_periods(pd.DataFrame(rows)).iloc[0]
    assert (p["baseline_from"], p["baseline_to"], p["baseline_periods"]) == (ts("2024-01-01"), ts("2024-03-31"), 2)
    ch = metrics.report_changes(pd.DataFrame(rows)).iloc[0]
    assert ch["shown_baseline"] == pytest.approx(93 / 62)  # 93 m3 over the 62 days covered
    assert ch["shown_followup"] == pytest.approx(1.0) and ch["shown_unit"] == "m3 per day"


def test_two_yield_rows_of_one_period_give_their_mean_on_the_stage_chart():
    """Regression: the stage chart summed them (78 % + 90 % = 168 %, waste share -68 %)."""
    rows = [r("baseline", Q1_24, "yield", 78, "%", "rubber"), r("baseline", Q1_24, "yield", 90, "%", "steel"),
            r("follow-up", Q1_25, "yield", 88, "%", "rubber"), r("follow-up", Q1_25, "yield", 92, "%", "steel")]
    stages = metrics.report_stages(metrics.to_canonical(pd.DataFrame(rows)))
    assert stages["yield_pct"].tolist() == pytest.approx([(78 + 90) / 2, (88 + 92) / 2])
    assert stages["waste_share_pct"].tolist() == pytest.approx([100 - 84, 100 - 90])
    ch = metrics.report_changes(pd.DataFrame(rows)).iloc[0]  # the changes table says the same
    assert (ch["shown_baseline"], ch["shown_followup"], ch["points"]) == pytest.approx((84, 90, 6))
    assert ch["shown_unit"] == "%" and ch["absolute_change"] == pytest.approx(6)


def test_no_rows_no_periods():
    empty = pd.DataFrame([r("baseline", Q1_24, "water", 1, "m3")]).iloc[:0]
    assert metrics.series_periods(empty).empty and metrics.common_followup(empty).empty
    assert metrics.report_changes(empty).empty
    assert not metrics.followups_differ(metrics.series_periods(empty))
    assert np.asarray(metrics.on_common_period(empty)).size == 0


def test_yield_is_one_series_whatever_its_carrier_and_a_missing_carrier_is_none():
    rows = [r("baseline", Q1_24, "yield", 80, "%", "line A"), r("follow-up", Q1_25, "yield", 90, "%", "line B"),
            r("baseline", Q1_24, "water", 91, "m3", None), r("follow-up", Q1_25, "water", 90, "m3", None)]
    p = metrics.series_periods(pd.DataFrame(rows, index=[7, 3, 9, 1]))
    # yield: one series without carrier, its baseline of 2024 Q1 against 2025 Q1; water: carrier none
    assert p[["indicator", "carrier"]].values.tolist() == [["water", ""], ["yield", ""]]
    assert (p["followup_to"] == ts(Q1_25[1])).all() and (p["baseline_from"] == ts(Q1_24[0])).all()
    no_column = pd.DataFrame(rows[2:], index=[5, 6]).drop(columns="carrier")
    q = metrics.series_periods(no_column)
    assert q[["indicator", "carrier", "followup_from"]].values.tolist() == [["water", "", ts(Q1_25[0])]]
    assert list(p.columns) == SERIES_PERIOD_COLUMNS and p.index.tolist() == [0, 1]
    assert p["baseline_periods"].tolist() == [1, 1] and p["baseline_periods"].dtype.kind == "i"


def test_the_common_period_is_the_latest_complete_one_of_each_enterprise():
    def both(enterprise):
        return [r("baseline", Q1_24, "water", 91, "m3", enterprise=enterprise),
                r("baseline", Q1_24, "energy", 91, "kWh", "electricity", enterprise=enterprise),
                r("follow-up", Q1_25, "water", 90, "m3", enterprise=enterprise),
                r("follow-up", Q1_25, "energy", 90, "kWh", "electricity", enterprise=enterprise)]
    # A has water and energy in Q1 and in Q2 2025: Q2; B has both in Q1 only (water alone in Q2): Q1
    rows = both("A") + both("B") + [r("follow-up", Q2_25, "water", 91, "m3", enterprise="A"),
                                    r("follow-up", Q2_25, "energy", 91, "kWh", "electricity", enterprise="A"),
                                    r("follow-up", Q2_25, "water", 91, "m3", enterprise="B")]
    common = metrics.common_followup(pd.DataFrame(rows))
    assert common.values.tolist() == [["B", ts(Q1_25[0]), ts(Q1_25[1])], ["A", ts(Q2_25[0]), ts(Q2_25[1])]]
    baseline_only = metrics.common_followup(pd.DataFrame(both("C")[:2]))
    assert baseline_only.empty and list(baseline_only.columns) == ["enterprise", "period_start", "period_end"]


def test_canonical_rows_without_a_carrier_column_are_series_without_carrier():
    # canonical rows (value_canonical and unit_canonical there) read as they are: no carrier column, carrier ''
    rows = metrics.to_canonical(pd.DataFrame([r("baseline", Q1_24, "water", 91, "m3"),
                                              r("follow-up", Q1_25, "water", 180, "m3")])).drop(columns="carrier")
    p = metrics.series_periods(rows)
    assert p[["enterprise", "indicator", "carrier", "unit", "baseline_periods"]].values.tolist() == [
        ["M", "water", "", "m3", 1]]
    assert (p["baseline_from"].iloc[0], p["followup_to"].iloc[0]) == (ts(Q1_24[0]), ts(Q1_25[1]))


def test_a_carrier_entered_only_at_follow_up_counts_its_own_follow_up_period():
    # electricity: 100 kWh a day at baseline (2024 Q1) and in 2025 Q1; diesel, never at baseline, only in Q2:
    # energy's latest figures come from two follow-up periods (Q1 and Q2), diesel's baseline counts as 0
    rows = [r("baseline", Q1_24, "energy", 91 * 100, "kWh", "electricity"),
            r("follow-up", Q1_25, "energy", 90 * 100, "kWh", "electricity"),
            r("follow-up", Q2_25, "energy", 91 * 10, "kWh", "diesel")]
    changes = metrics.report_changes(pd.DataFrame(rows)).set_index("indicator")
    assert changes.loc["energy", "followup_periods"] == 2
    assert (changes.loc["energy", "followup_from"], changes.loc["energy", "followup_to"]) == (ts(Q1_25[0]),
                                                                                           ts(Q2_25[1]))
    assert changes.loc["energy", "shown_baseline"] == pytest.approx(100.0)
    assert changes.loc["energy", "shown_followup"] == pytest.approx(100.0 + 10.0)


def test_compared_gives_the_report_s_rows_periods_and_changes_computing_the_changes_once(monkeypatch):
    # the report's service takes all three from metrics.compared: enterprise_changes was computed in each
    import metrics.periods
    import metrics.report

    df = pd.DataFrame(mixed_rows("M") + mixed_rows("N")[:-1])
    rows = metrics.series_rows(df)
    periods = metrics.series_periods(df, rows)
    changes = metrics.report_changes(df, periods)
    calls = []
    real = metrics.report.enterprise_changes

    def counted(frame):
        calls.append(len(frame))
        return real(frame)

    monkeypatch.setattr(metrics.report, "enterprise_changes", counted)
    monkeypatch.setattr(metrics.periods, "enterprise_changes", counted)
    got = metrics.compared(df)
    assert calls == [len(df)]
    pd.testing.assert_frame_equal(got.rows, rows)
    pd.testing.assert_frame_equal(got.periods, periods)
    pd.testing.assert_frame_equal(got.changes, changes)
    assert got.changes.attrs == changes.attrs
    # handed the changes, report_changes without the periods works them out from the same changes
    pd.testing.assert_frame_equal(metrics.report_changes(df, None, real(df)), changes)
