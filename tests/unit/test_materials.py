"""metrics.materials (issue 11, item 6): METHODS.md's worked examples, recomputed by hand."""
import numpy as np
import pandas as pd
import pytest

import metrics

Q1_24, Q1_25 = ("2024-01-01", "2024-03-31"), ("2025-01-01", "2025-03-31")


def frame(*rows):
    return metrics.to_canonical(pd.DataFrame([
        dict(enterprise="S", country="IN", period_start=p[0], period_end=p[1], phase=ph, indicator=i, carrier=c,
             value=v, unit=u) for ph, p, i, c, v, u in rows]))


def test_mass_balance_yield_of_the_case_study():
    # the case study's baseline: 1 t of rubber in, 780 kg of good seals out, 220 kg wasted
    df = frame(("baseline", Q1_24, "material_input", "", 1, "t"), ("baseline", Q1_24, "production", "", 780, "kg"),
               ("baseline", Q1_24, "material_wasted", "", 220, "kg"),
               ("follow-up", Q1_25, "material_input", "", 1000, "kg"),
               ("follow-up", Q1_25, "production", "", 950, "kg"))
    mb = metrics.mass_balance(df).set_index("phase")
    assert mb.loc["baseline", "yield"] == pytest.approx(780 / 1000)
    assert mb.loc["baseline", "loss_per_good"] == pytest.approx(220 / 780) == pytest.approx(0.282, abs=5e-4)
    assert mb.loc["baseline", "unaccounted_kg"] == pytest.approx(0)  # 1000 - 780 - 220
    assert mb.loc["follow-up", "yield"] == pytest.approx(0.95)
    assert mb.loc["follow-up", "loss_per_good"] == pytest.approx(50 / 950)  # 0.053
    assert np.isnan(mb.loc["follow-up", "wasted_kg"]) and np.isnan(mb.loc["follow-up", "unaccounted_kg"])


def test_mass_balance_needs_good_output_in_mass():
    df = frame(("baseline", Q1_24, "material_input", "", 100, "kg"), ("baseline", Q1_24, "production", "", 5, "piece"))
    assert metrics.mass_balance(df).empty


def test_several_yields_in_one_period_are_combined_by_input_weight_never_summed():
    # rubber 78 % of 1,000 kg and steel 90 % of 500 kg: (780 + 450) / 1,500 = 82 %, not the mean 84 %
    df = frame(("baseline", Q1_24, "yield", "rubber", 78, "%"), ("baseline", Q1_24, "yield", "steel", 90, "%"),
               ("baseline", Q1_24, "material_input", "rubber", 1000, "kg"),
               ("baseline", Q1_24, "material_input", "steel", 500, "kg"),
               ("follow-up", Q1_25, "yield", "rubber", 88, "%"), ("follow-up", Q1_25, "yield", "steel", 92, "%"))
    y = metrics.combined_yield(df).set_index("phase")
    assert y.loc["baseline", "yield"] == pytest.approx((0.78 * 1000 + 0.90 * 500) / 1500) == pytest.approx(0.82)
    assert bool(y.loc["baseline", "weighted"]) and y.loc["baseline", "materials"] == 2
    # no input per material in the follow-up: the mean, said so
    assert y.loc["follow-up", "yield"] == pytest.approx((0.88 + 0.92) / 2) and not y.loc["follow-up", "weighted"]
    assert (y["yield"] <= 1).all()


def test_diversion_rate_and_its_change():
    # baseline: 300 kg landfill, 100 kg recycled = 25 %; follow-up: 100 landfill, 250 recycled, 50 sold = 75 %
    df = frame(("baseline", Q1_24, "waste", "landfill", 300, "kg"), ("baseline", Q1_24, "waste", "recycled", 100, "kg"),
               ("follow-up", Q1_25, "waste", "landfill", 100, "kg"),
               ("follow-up", Q1_25, "waste", "recycled", 250, "kg"), ("follow-up", Q1_25, "waste", "sold", 50, "kg"))
    d = metrics.diversion(df).set_index("phase")
    assert d.loc["baseline", "diversion_rate"] == pytest.approx(100 / 400)
    assert d.loc["follow-up", "diversion_rate"] == pytest.approx(300 / 400)
    c = metrics.diversion_change(df).iloc[0]
    assert (c["baseline"], c["followup"], c["points"], c["improved"]) == (
        pytest.approx(0.25), pytest.approx(0.75), pytest.approx(50.0), True)


def test_moving_waste_from_landfill_to_recycling_shows_at_equal_mass():
    df = frame(("baseline", Q1_24, "waste", "landfill", 400, "kg"),
               ("follow-up", Q1_25, "waste", "recycled", 400, "kg"))
    c = metrics.diversion_change(df).iloc[0]
    assert (c["baseline"], c["followup"], c["points"]) == (0.0, 1.0, 100.0) and bool(c["improved"])
    # incinerated without recovery and 'other' are not diverted
    df = frame(("baseline", Q1_24, "waste", "incinerated", 1, "kg"), ("baseline", Q1_24, "waste", "other", 1, "kg"),
               ("baseline", Q1_24, "waste", "composted", 2, "kg"))
    assert metrics.diversion(df)["diversion_rate"].iloc[0] == pytest.approx(0.5)


def test_value_of_material_saved_in_the_currency_typed():
    # 100 kg a day before, 90 after, at 2.5 (INR) per kg: 10 x 365 x 2.5 = 9,125 a year
    assert metrics.material_value_saved(100, 90, 2.5) == pytest.approx(9125.0)
    assert metrics.material_value_saved(90, 100, 2.5) == pytest.approx(-9125.0)
    with pytest.raises(ValueError):
        metrics.material_value_saved(100, 90, -1)
    with pytest.raises(ValueError):
        metrics.material_value_saved(100, 90, float("nan"))


def test_report_stages_combine_yields_by_input_and_the_materials_table_by_hand():
    df = frame(("baseline", Q1_24, "yield", "rubber", 78, "%"), ("baseline", Q1_24, "yield", "steel", 90, "%"),
               ("baseline", Q1_24, "material_input", "rubber", 1000, "kg"),
               ("baseline", Q1_24, "material_input", "steel", 500, "kg"),
               ("baseline", Q1_24, "production", "", 1230, "kg"),
               ("baseline", Q1_24, "waste", "landfill", 270, "kg"),
               ("follow-up", Q1_25, "yield", "rubber", 88, "%"), ("follow-up", Q1_25, "yield", "steel", 92, "%"),
               ("follow-up", Q1_25, "waste", "recycled", 90, "kg"), ("follow-up", Q1_25, "waste", "landfill", 10, "kg"))
    stages = metrics.report_stages(df)
    assert stages["yield_pct"].tolist() == pytest.approx([82.0, 90.0])  # by input 1,230 / 1,500; then the mean
    m = metrics.report_materials(df, stages)
    assert m["mass_balance_yield_pct"].iloc[0] == pytest.approx(1230 / 1500 * 100)
    assert m["loss_per_good"].iloc[0] == pytest.approx(270 / 1230)
    assert np.isnan(m["mass_balance_yield_pct"].iloc[1])  # no input or output in kg in the follow-up
    assert m["diversion_rate_pct"].tolist() == pytest.approx([0.0, 90.0])
    assert metrics.report_materials(frame(("baseline", Q1_24, "water", "", 5, "m3")),
                                    metrics.report_stages(frame(("baseline", Q1_24, "water", "", 5, "m3")))).empty


def _rows(*rows):
    """(enterprise, phase, period, indicator, carrier, value, unit) -> canonical rows."""
    return metrics.to_canonical(pd.DataFrame([
        dict(enterprise=e, country="IN", period_start=p[0], period_end=p[1], phase=ph, indicator=i, carrier=c,
             value=v, unit=u) for e, ph, p, i, c, v, u in rows]))


def test_combined_yield_rows_are_in_enterprise_then_period_order_whatever_the_input_order():
    df = _rows(("Z", "follow-up", Q1_25, "yield", "", 90, "%"), ("A", "follow-up", Q1_25, "yield", "", 80, "%"),
               ("A", "baseline", Q1_24, "yield", "", 70, "%"))
    y = metrics.combined_yield(df)
    assert y[["enterprise", "phase"]].values.tolist() == [["A", "baseline"], ["A", "follow-up"], ["Z", "follow-up"]]
    assert y["yield"].tolist() == pytest.approx([0.70, 0.80, 0.90])


def test_no_diversion_change_without_baseline_waste():
    # T's baseline waste is 0 kg: no baseline rate to compare (0 / 0), so T has no change;
    # U: 100 kg at baseline, 30 recycled (30 %), 80 kg at follow-up, 60 recycled (75 %): +45 points
    df = _rows(("T", "baseline", Q1_24, "waste", "recycled", 0, "kg"),
               ("T", "follow-up", Q1_25, "waste", "recycled", 40, "kg"),
               ("T", "follow-up", Q1_25, "waste", "landfill", 60, "kg"),
               ("U", "baseline", Q1_24, "waste", "recycled", 30, "kg"),
               ("U", "baseline", Q1_24, "waste", "landfill", 70, "kg"),
               ("U", "follow-up", Q1_25, "waste", "recycled", 60, "kg"),
               ("U", "follow-up", Q1_25, "waste", "landfill", 20, "kg"))
    c = metrics.diversion_change(df)
    assert c["enterprise"].tolist() == ["U"]
    assert c[["baseline", "followup", "points"]].iloc[0].tolist() == pytest.approx([0.30, 0.75, 45.0])


def test_mass_balance_of_enterprises_held_as_categories_is_of_the_enterprises_with_figures():
    # enterprises held as categories; V entered only materials wasted: S's wasted and unaccounted kg stay
    # unknown (S entered no materials wasted), V has no balance (no input)
    df = _rows(("S", "baseline", Q1_24, "material_input", "", 1000, "kg"),
               ("S", "baseline", Q1_24, "production", "", 780, "kg"),
               ("V", "baseline", Q1_24, "material_wasted", "", 5, "kg"))
    df["enterprise"] = pd.Categorical(df["enterprise"], categories=["S", "V", "W"])
    df["phase"] = pd.Categorical(df["phase"], categories=["baseline", "follow-up"])
    mb = metrics.mass_balance(df)
    assert mb["enterprise"].astype(str).tolist() == ["S"] and mb["phase"].astype(str).tolist() == ["baseline"]
    assert mb["yield"].tolist() == pytest.approx([0.78])
    assert np.isnan(mb["wasted_kg"].iloc[0]) and np.isnan(mb["unaccounted_kg"].iloc[0])


def test_no_yield_and_no_waste_give_empty_tables_with_their_columns():
    df = _rows(("S", "baseline", Q1_24, "water", "", 5, "m3"))
    assert list(metrics.combined_yield(df).columns) == ["enterprise", "phase", "period_start", "period_end", "yield",
                                                        "weighted", "materials"]
    assert list(metrics.diversion(df).columns) == ["enterprise", "phase", "period_start", "period_end", "diverted_kg",
                                                   "waste_kg", "diversion_rate"]
