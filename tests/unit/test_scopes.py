"""Emissions by scope (GHG Protocol) and the factor set 2026.2: METHODS.md's worked examples,
recomputed by hand (IPCC 2006 Vol. 2 Tables 1.2, 1.4 and 2.3; IPCC AR5 and AR6 GWPs)."""
import math

import numpy as np
import pandas as pd
import pytest

import metrics


def test_diesel_scope_1_holds_co2_ch4_and_n2o_with_the_ar5_gwps():
    tj = 1000 * 0.84 * 43.0 / 1e6  # 1,000 L x 0.84 kg/L x 43.0 GJ/t = 36.12 GJ
    assert tj == pytest.approx(0.03612)
    co2, ch4, n2o = tj * 74_100, tj * 3, tj * 0.6  # 2,676.49 kg, 0.10836 kg, 0.021672 kg
    e = metrics.emissions_kg_co2e(1000, "L", "diesel")
    assert co2 == pytest.approx(2676.492) and ch4 * 28 == pytest.approx(3.03408) and n2o * 265 == pytest.approx(5.74308)
    assert e.kg_co2e == pytest.approx(2685.26916) == co2 + ch4 * 28 + n2o * 265
    assert (e.scope, e.scope1_kg_co2e, e.scope2_kg_co2e) == (1, e.kg_co2e, 0.0)
    assert e.kg_ch4 == pytest.approx(ch4) and e.kg_n2o == pytest.approx(n2o) and e.gwp == "AR5"


def test_ar6_is_selectable_and_weighs_fossil_methane_at_29_8():
    e = metrics.emissions_kg_co2e(1000, "L", "diesel", gwp_set="AR6")
    assert e.kg_co2e == pytest.approx(2676.492 + 0.10836 * 29.8 + 0.021672 * 273) == pytest.approx(2685.6376, abs=1e-4)
    assert e.gwp == "AR6"
    assert metrics.gwp("ar6") == {"name": "AR6", "label": "IPCC AR6, 100-year", "ch4_fossil": 29.8,
                                  "ch4_non_fossil": 27.0, "n2o": 273}
    assert metrics.GWP_SET == "AR5" and metrics.gwp()["ch4_fossil"] == 28 and metrics.gwp()["n2o"] == 265
    with pytest.raises(ValueError, match="Unknown GWP set"):
        metrics.gwp("SAR")


def test_wood_co2_is_a_memo_and_its_ch4_and_n2o_are_scope_1():
    e = metrics.emissions_kg_co2e(2, "t", "biomass")  # 2 t x 15.6 GJ/t = 31.2 GJ
    assert e.biogenic_kg_co2 == pytest.approx(0.0312 * 112_000) == pytest.approx(3494.4)
    assert e.kg_co2e == pytest.approx(0.0312 * 30 * 28 + 0.0312 * 4 * 265) == pytest.approx(59.28)
    # AR6: biomass methane is non-fossil, 27.0
    assert metrics.emissions_kg_co2e(2, "t", "biomass", gwp_set="AR6").kg_co2e == pytest.approx(
        0.936 * 27.0 + 0.1248 * 273)


def test_grid_electricity_is_scope_2_and_the_total_adds_both_scopes():
    grid = metrics.emissions_kg_co2e(10, "MWh", "electricity", "IN", 2024)
    assert (grid.scope, grid.scope2_kg_co2e) == (2, pytest.approx(10_000 * 0.713441))
    assert grid.scope1_kg_co2e == 0 and grid.kg_ch4 == 0
    df = pd.DataFrame([dict(enterprise="A", country="IN", period_start="2024-01-01", period_end="2024-03-31",
                            phase="baseline", indicator="energy", carrier=c, value=v, unit=u)
                       for c, v, u in [("electricity", 10, "MWh"), ("diesel", 1000, "L")]])
    em = metrics.emissions_frame(df)
    assert em["scope"].tolist() == [2, 1]
    assert em["scope1_kg_co2e"].sum() == pytest.approx(2685.26916)
    assert em["scope2_kg_co2e"].sum() == pytest.approx(7134.41)
    assert em["kg_co2e"].sum() == pytest.approx(2685.26916 + 7134.41) == pytest.approx(9819.68, abs=0.01)
    assert em.attrs["gwp"] == "AR5"


def test_a_country_without_a_grid_figure_says_so_instead_of_counting_0():
    with pytest.raises(ValueError, match="Central African Republic .CF.: the source has no figure"):
        metrics.grid_factor("CF")
    assert metrics.grid_factor_known(["CF", "cf", "IN", "XX"]).tolist() == [False, False, True, False]
    df = pd.DataFrame([dict(enterprise="A", country="CF", period_start="2024-01-01", period_end="2024-03-31",
                            phase="baseline", indicator="energy", carrier=c, value=v, unit=u)
                       for c, v, u in [("electricity", 1000, "kWh"), ("diesel", 100, "L")]])
    em = metrics.emissions_frame(df)
    assert math.isnan(em["kg_co2e"].iloc[0]) and em["factor_source"].iloc[0].startswith("no factor")
    canonical = metrics.to_canonical(df)
    impacts, _ = metrics.report_impacts(canonical, metrics.report_stages(canonical))
    assert impacts["scope1_kg_co2e"].iloc[0] == pytest.approx(268.526916)  # 100 L of diesel
    assert np.isnan(impacts["scope2_kg_co2e"].iloc[0]) and np.isnan(impacts["kg_co2e"].iloc[0])


def test_biogas_by_volume_holds_21_7_mj_per_normal_cubic_metre():
    mj = metrics.energy_kwh(1, "m3", "biogas") * 3.6
    assert mj == pytest.approx(0.43 * 50.4)  # 21.672: 0.43 kg of methane per Nm3 (rounded from 0.6 x 0.717)
    assert mj == pytest.approx(0.6 * 0.717 * 50.4, rel=2e-3)
    assert 21 <= mj <= 23 and mj < 35.8  # less than a cubic metre of pure methane (2026.1 read 57.96)


def test_lpg_by_volume_is_read_as_propane_and_says_so():
    assert metrics.energy_kwh(10, "L", "lpg") == pytest.approx(10 * 0.51 * 47.3 / 3.6) == pytest.approx(67.0083)
    assert "propane" in metrics.fuel_table().set_index("carrier").loc["lpg", "source"]


def test_every_fuel_names_table_2_3_for_its_ch4_and_n2o():
    table = metrics.fuel_table().set_index("carrier")
    expected = {"natural_gas": (1, 0.1), "diesel": (3, 0.6), "lpg": (1, 0.1), "gasoline": (3, 0.6),
                "kerosene": (3, 0.6), "fuel_oil": (3, 0.6), "coal": (10, 1.5), "sub_bituminous_coal": (10, 1.5),
                "lignite": (10, 1.5), "anthracite": (10, 1.5), "biomass": (30, 4), "biogas": (1, 0.1)}
    for carrier, (ch4, n2o) in expected.items():
        assert (table.loc[carrier, "ch4_kg_per_tj"], table.loc[carrier, "n2o_kg_per_tj"]) == (ch4, n2o)
        assert "Table 2.3" in table.loc[carrier, "source"]


def test_the_factor_set_is_a_new_version_with_its_history():
    fs = metrics.factor_set()
    assert metrics.FACTOR_SET_VERSION == "2026.2" and set(fs["history"]) == {"2026.1", "2026.2"}
    assert fs["gwp"] == "AR5" and set(fs["gwp_sets"]) == {"AR5", "AR6"}


def test_avoided_per_year_by_scope_worked_example():
    # A: scope 1 from 100 to 80 kg CO2e a day, scope 2 from 300 to 250; energy 1,000 -> 900 kWh a day
    changes = pd.DataFrame([dict(enterprise="A", indicator="energy", unit="kWh", baseline=1000.0, followup=900.0,
                                 relative_change=-0.1, points=np.nan, co2e_baseline=400.0, co2e_followup=330.0,
                                 scope1_baseline=100.0, scope1_followup=80.0, scope2_baseline=300.0,
                                 scope2_followup=250.0)])
    a = metrics.avoided_per_year(changes).iloc[0]
    assert a["scope1_avoided_t_per_year"] == pytest.approx(20 * 365 / 1000) == pytest.approx(7.3)
    assert a["scope2_avoided_t_per_year"] == pytest.approx(50 * 365 / 1000) == pytest.approx(18.25)
    assert a["co2e_avoided_t_per_year"] == pytest.approx(25.55)
    assert (a["scope1_enterprises"], a["scope2_enterprises"], a["co2_enterprises"]) == (1, 1, 1)
    # a row stored before the split (factor set 2026.1) has a total only: no scope figure, not 0
    old = changes.assign(scope1_baseline=np.nan, scope1_followup=np.nan, scope2_baseline=np.nan,
                         scope2_followup=np.nan)
    b = metrics.avoided_per_year(old).iloc[0]
    assert b["scope1_enterprises"] == 0 and np.isnan(b["scope1_avoided_t_per_year"])
    assert b["co2e_avoided_t_per_year"] == pytest.approx(25.55)


def test_emissions_frame_weighs_fuel_methane_and_nitrous_oxide_with_the_gwp_set_asked_for():
    df = pd.DataFrame([dict(enterprise="A", country="IN", period_start="2024-01-01", period_end="2024-03-31",
                            phase="baseline", indicator="energy", carrier="diesel", value=1000, unit="L")])
    # 36.12 GJ of diesel: CO2 2,676.492 kg, CH4 0.10836 kg x 29.8 and N2O 0.021672 kg x 273 (AR6)
    ar6 = metrics.emissions_frame(df, gwp_set="AR6")
    assert ar6["kg_co2e"].tolist() == pytest.approx([2676.492 + 0.10836 * 29.8 + 0.021672 * 273])
    assert ar6.attrs["gwp"] == "AR6"
    ar5 = metrics.emissions_frame(df, gwp_set="AR5")
    assert ar5["kg_co2e"].tolist() == pytest.approx([2676.492 + 0.10836 * 28 + 0.021672 * 265])


def test_emissions_frame_gases_of_diesel_by_hand_and_whole_scopes():
    df = pd.DataFrame([dict(enterprise="A", country="IN", period_start="2024-01-01", period_end="2024-03-31",
                            phase="baseline", indicator="energy", carrier="diesel", value=1000, unit="L")])
    em = metrics.emissions_frame(df)
    # 36.12 GJ x 3 kg CH4/TJ and x 0.6 kg N2O/TJ
    assert em["kg_ch4"].tolist() == pytest.approx([0.10836]) and em["kg_n2o"].tolist() == pytest.approx([0.021672])
    assert em["scope"].tolist() == [1] and em["scope"].dtype.kind == "i"
