"""metrics.report_stages and report_impacts on the case study (DOMAIN.md: rubber yield 78 -> 88
-> 95 %, waste 22 -> 12 -> 5 %), with every expected figure worked out by hand."""
import numpy as np
import pandas as pd
import pytest

import metrics
from metrics.report import STAGE_COLUMNS

Q1_23, Q2_23, Q3_23, Q1_24 = (("2023-01-01", "2023-03-31"), ("2023-04-01", "2023-06-30"),
                              ("2023-07-01", "2023-09-30"), ("2024-01-01", "2024-03-31"))
KG_CO2_PER_KWH_DIESEL = 74_100 * 3.6e-6
KG_CO2_PER_KWH_BIOMASS = 112_000 * 3.6e-6
#: CO2e counted per kWh (scope 1): diesel's CO2 + CH4 3 x 28 + N2O 0.6 x 265; wood's CH4 30 x 28 + N2O 4 x 265
KG_CO2E_PER_KWH_DIESEL = (74_100 + 3 * 28 + 0.6 * 265) * 3.6e-6
KG_CO2E_PER_KWH_BIOMASS = (30 * 28 + 4 * 265) * 3.6e-6


def canonical(*figures):
    """(phase, (start, end), indicator, carrier, value, unit) -> canonical rows of one enterprise."""
    df = pd.DataFrame([dict(enterprise="Seals", country="IN", sector="Rubber", period_start=s, period_end=e,
                            phase=p, indicator=i, carrier=c, value=v, unit=u, note="")
                       for p, (s, e), i, c, v, u in figures])
    parsed = metrics.parse(df)
    assert parsed.ok, parsed.problems
    return parsed.rows


def test_case_study_stages_in_time_order_with_two_baselines():
    df = canonical(("follow-up", Q1_24, "yield", "", 95, "%"),
                   ("follow-up", Q3_23, "yield", "", 88, "%"),
                   ("follow-up", Q3_23, "material_input", "", 1000, "kg"),
                   ("follow-up", Q3_23, "material_wasted", "", 120, "kg"),
                   ("baseline", Q2_23, "yield", "", 78, "%"),
                   ("baseline", Q1_23, "yield", "", 78, "%"),
                   ("baseline", Q1_23, "material_input", "", 2, "t"),
                   ("baseline", Q1_23, "material_wasted", "", 440, "kg"))
    stages = metrics.report_stages(df)
    assert list(stages.columns) == STAGE_COLUMNS and stages.index.tolist() == [0, 1, 2, 3]
    assert stages["stage"].tolist() == ["Baseline", "Baseline 2", "Follow-up 1", "Follow-up 2"]
    assert stages["phase"].tolist() == ["baseline", "baseline", "follow-up", "follow-up"]
    assert stages["period_start"].tolist() == [pd.Timestamp(s) for s, _ in (Q1_23, Q2_23, Q3_23, Q1_24)]
    assert stages["yield_pct"].tolist() == pytest.approx([78, 78, 88, 95])
    # wasted / input where both are known (440 kg of 2 t, 120 of 1000 kg), else 100 - yield
    assert stages["waste_share_pct"].tolist() == pytest.approx([22, 22, 12, 5])


def test_stages_without_yield_have_no_yield_and_no_share_from_it():
    df = canonical(("baseline", Q1_23, "energy", "diesel", 100, "L"),
                   ("follow-up", Q3_23, "material_input", "", 0, "kg"),
                   ("follow-up", Q3_23, "material_wasted", "", 5, "kg"))
    stages = metrics.report_stages(df)
    assert stages["yield_pct"].isna().all() and stages["waste_share_pct"].isna().all()
    assert stages["yield_pct"].dtype == np.float64
    empty = metrics.report_stages(df.iloc[:0])
    assert empty.empty and list(empty.columns) == STAGE_COLUMNS


def test_report_impacts_by_hand():
    df = canonical(("baseline", Q1_23, "energy", "diesel", 1000, "kWh"),
                   ("baseline", Q1_23, "energy", "biomass", 500, "kWh"),
                   ("baseline", Q1_23, "production", "", 500, "piece"),
                   ("baseline", Q1_23, "waste", "landfill", 50, "kg"),
                   ("follow-up", Q3_23, "energy", "diesel", 900, "kWh"),
                   ("follow-up", Q3_23, "production", "", 300, "kg"),
                   ("follow-up", Q1_24, "water", "", 12, "m3"))  # a stage without energy
    impacts, factors = metrics.report_impacts(df, metrics.report_stages(df))
    assert list(impacts.columns) == ["stage", "phase", "period_start", "period_end", "energy_kwh", "scope1_kg_co2e",
                                     "scope2_kg_co2e", "kg_co2e", "biogenic_kg_co2_memo", "energy per piece",
                                     "energy per kg", "waste per piece"]
    assert impacts["stage"].tolist() == ["Baseline", "Follow-up 1", "Follow-up 2"]
    assert impacts["energy_kwh"].tolist()[:2] == pytest.approx([1500, 900]) and np.isnan(impacts["energy_kwh"][2])
    scope1 = [1000 * KG_CO2E_PER_KWH_DIESEL + 500 * KG_CO2E_PER_KWH_BIOMASS, 900 * KG_CO2E_PER_KWH_DIESEL]
    assert impacts["scope1_kg_co2e"].tolist()[:2] == pytest.approx(scope1)
    assert impacts["scope2_kg_co2e"].tolist()[:2] == [0, 0]  # no electricity
    assert impacts["kg_co2e"].tolist()[:2] == pytest.approx(scope1)
    assert impacts["biogenic_kg_co2_memo"].tolist()[:2] == pytest.approx([500 * KG_CO2_PER_KWH_BIOMASS, 0])
    assert impacts["energy per piece"].tolist()[0] == pytest.approx(1500 / 500)
    assert impacts["energy per kg"].tolist()[1] == pytest.approx(900 / 300)
    assert impacts["waste per piece"].tolist()[0] == pytest.approx(50 / 500)
    assert np.isnan(impacts["energy per kg"][0]) and np.isnan(impacts["energy per piece"][1])
    assert list(factors.columns) == ["carrier", "scope", "factor_kg_per_kwh", "factor_source"]
    assert factors["carrier"].tolist() == ["diesel", "biomass"] and factors.index.tolist() == [0, 1]
    assert factors["factor_kg_per_kwh"].tolist() == pytest.approx([KG_CO2E_PER_KWH_DIESEL, KG_CO2E_PER_KWH_BIOMASS])
    assert factors.attrs["factor_set"] == metrics.FACTOR_SET_VERSION


def test_report_impacts_without_energy_or_without_stages():
    df = canonical(("baseline", Q1_23, "waste", "landfill", 50, "kg"),
                   ("baseline", Q1_23, "production", "", 5, "t"))
    impacts, factors = metrics.report_impacts(df, metrics.report_stages(df))
    assert list(impacts.columns) == ["stage", "phase", "period_start", "period_end", "waste per kg"]
    assert impacts["waste per kg"].tolist() == pytest.approx([50 / 5000])
    assert factors.empty and list(factors.columns) == [] and factors.attrs == {}  # no factor used, no set named
    stages = metrics.report_stages(df)
    for got in (metrics.report_impacts(df, stages.iloc[:0]), metrics.report_impacts(df.iloc[:0], stages)):
        assert [list(frame.columns) for frame in got] == [[], []] and all(frame.empty for frame in got)


def test_a_report_without_comparable_figures_still_has_its_columns():
    from metrics.report import REPORT_CHANGE_COLUMNS

    only_baseline = pd.DataFrame([dict(enterprise="E", country="IN", sector="S", period_start="2024-01-01",
                                       period_end="2024-01-31", phase="baseline", indicator="water", carrier="",
                                       value=31, unit="m3", note="")])
    out = metrics.report_changes(only_baseline)  # no follow-up: nothing to compare
    assert out.empty and list(out.columns) == REPORT_CHANGE_COLUMNS


def test_the_waste_share_of_less_than_one_kg_of_input():
    df = canonical(("baseline", Q1_23, "material_input", "", 0.5, "kg"),
                   ("baseline", Q1_23, "material_wasted", "", 0.1, "kg"))
    assert metrics.report_stages(df)["waste_share_pct"].tolist() == pytest.approx([0.1 / 0.5 * 100])  # 20 %


def test_the_factors_table_names_its_factor_set_and_gwp_set_and_nothing_else():
    df = canonical(("baseline", Q1_23, "energy", "diesel", 1000, "kWh"),
                   ("follow-up", Q1_24, "energy", "diesel", 900, "kWh"))
    _, factors = metrics.report_impacts(df, metrics.report_stages(df))
    assert factors.attrs == {"factor_set": metrics.FACTOR_SET_VERSION, "gwp": "AR5"}
