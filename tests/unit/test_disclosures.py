"""VSME / GRI datapoints (metrics.disclosures) from template rows, worked by hand (METHODS.md, "Disclosures")."""
import numpy as np
import pandas as pd
import pytest

import metrics


def _rows(lines):
    return metrics.to_canonical(pd.DataFrame(
        [dict(enterprise="A", country="KE", sector="Food", period_start=s, period_end=e, phase=p, indicator=i,
              carrier=c, value=v, unit=u, note="") for s, e, p, i, c, v, u in lines]))


def test_wood_fired_enterprise_without_electricity_splits_renewable_energy():
    q = ("2025-01-01", "2025-03-31", "follow-up")  # 90 days
    df = _rows([(*q, "energy", "biomass", 2, "t", ), (*q, "energy", "lpg", 100, "kg"),
                (*q, "waste", "landfill", 300, "kg"), (*q, "production", "", 900, "kg")])
    v = dict(zip(*metrics.enterprise_datapoints(df, "test")[["key", "value"]].T.to_numpy(), strict=True))
    wood_kwh = 2 * 15.6 / 0.0036  # 2 t x 15.6 GJ/t (IPCC NCV), 8,666.7 kWh
    lpg_kwh = 0.1 * 47.3 / 0.0036  # 100 kg x 47.3 GJ/t, 1,313.9 kWh
    assert v["energy_renewable"] == pytest.approx(wood_kwh / 1000)
    assert v["energy_non_renewable"] == pytest.approx(lpg_kwh / 1000)
    assert v["gri_fuels_renewable"] == pytest.approx(wood_kwh / 1000)
    assert np.isnan(v["electricity"]) and np.isnan(v["scope2"]) and np.isnan(v["ghg_gross"])
    # LPG: CO2 63,100, CH4 1, N2O 0.1 kg/TJ; wood: its CO2 is biogenic (a memo), its CH4 30 and N2O 4 kg/TJ count
    # (IPCC 2006 Vol. 2 Tables 1.4 and 2.3; AR5 GWP: CH4 28, N2O 265)
    lpg = 0.1 * 47.3 / 1000 * (63_100 + 1 * 28 + 0.1 * 265)
    wood = 2 * 15.6 / 1000 * (30 * 28 + 4 * 265)
    assert v["scope1"] == pytest.approx((lpg + wood) / 1000)
    assert v["waste_diverted"] == 0 and v["gri_waste_disposal"] == pytest.approx(0.3)
    assert np.isnan(v["energy_reduction"])  # no baseline
    assert np.isnan(v["water_withdrawal"])


def test_no_figures_nothing_collected():
    table = metrics.enterprise_datapoints(pd.DataFrame(columns=metrics.TEMPLATE_COLUMNS + ["value_canonical",
                                                                                         "unit_canonical"]), "x")
    assert table["value"].isna().all() and set(table["period"]) == {"no figures entered"}
    assert len(table) == len(metrics.DATAPOINTS)


def test_programme_adds_each_enterprise_a_year():
    rows = []
    for eid, (value, days) in enumerate([(10.0, 90), (20.0, 365), (np.nan, 91)]):
        t = pd.DataFrame({"key": ["water_withdrawal", "energy_intensity"], "standard": ["VSME", "GRI"],
                          "reference": ["B6", "302-3"], "datapoint": ["w", "i"], "value": [value, 1.0],
                          "unit": ["m3", "kWh per kg"], "period": "p", "method": "m", "enterprises": 1})
        rows.append(t.assign(enterprise_id=eid, days=days))
    out = metrics.programme_datapoints(pd.concat(rows)).set_index("key")
    assert out.loc["water_withdrawal", "value"] == pytest.approx(10 * 365 / 90 + 20)
    assert out.loc["water_withdrawal", "enterprises"] == 2  # the third did not collect it
    assert np.isnan(out.loc["energy_intensity", "value"]) and out.loc["energy_intensity", "enterprises"] == 0


def test_an_enterprise_s_datapoints_are_of_one_enterprise_over_its_period():
    q = ("2025-01-01", "2025-03-31", "follow-up")
    table = metrics.enterprise_datapoints(_rows([(*q, "waste", "landfill", 300, "kg")]), "test")
    assert list(table.columns) == ["key", "standard", "reference", "datapoint", "value", "unit", "period", "method",
                                   "enterprises"]
    assert (table["enterprises"] == 1).all() and (table["period"] == "2025-01-01 to 2025-03-31").all()


def test_programme_datapoints_of_no_enterprise_keep_their_columns():
    q = ("2025-01-01", "2025-03-31", "follow-up")
    table = metrics.enterprise_datapoints(_rows([(*q, "waste", "landfill", 300, "kg")]), "test")
    none = metrics.programme_datapoints(table.iloc[:0])
    assert none.empty and list(none.columns) == list(table.columns)


def test_energy_reduction_against_the_baseline_days_and_the_intensity_unit():
    # baseline 2024 Q1 (91 days) 9,100 kWh of diesel: 100 kWh a day; follow-up 2025 Q1 (90 days) 7,200 kWh:
    # reduction 100 x 90 - 7,200 = 1,800 kWh = 1.8 MWh; 900 kg produced: 7,200 / 900 = 8 kWh per kg
    df = _rows([("2024-01-01", "2024-03-31", "baseline", "energy", "diesel", 9100, "kWh"),
                ("2025-01-01", "2025-03-31", "follow-up", "energy", "diesel", 7200, "kWh"),
                ("2025-01-01", "2025-03-31", "follow-up", "production", "", 900, "kg")])
    table = metrics.enterprise_datapoints(df, "test").set_index("key")
    assert table.loc["energy_reduction", "value"] == pytest.approx(1.8)
    assert table.loc["energy_intensity", "value"] == pytest.approx(8.0)
    assert table.loc["energy_intensity", "unit"] == "kWh per kg"


def test_programme_datapoints_say_each_figure_is_a_year():
    t = pd.DataFrame({"key": ["water_withdrawal"], "standard": ["VSME"], "reference": ["B6"], "datapoint": ["w"],
                      "value": [10.0], "unit": ["m3"], "period": "p", "method": "m", "enterprises": 1})
    out = metrics.programme_datapoints(t.assign(enterprise_id=1, days=365))
    assert out["period"].tolist() == ["a year, at each enterprise's latest period entered (figure x 365 / its days)"]


def test_fossil_fuels_are_the_fuels_only_and_no_waste_is_not_collected():
    # GRI 302-1 fossil fuels: the LPG alone (100 kg x 47.3 GJ/t = 1,313.9 kWh), never the waste or production
    # beside it; waste diverted where no waste was entered is "not collected" (NaN), never 0
    q = ("2025-01-01", "2025-03-31", "follow-up")
    df = _rows([(*q, "energy", "lpg", 100, "kg"), (*q, "energy", "biomass", 2, "t"),
                (*q, "waste", "landfill", 300, "kg"), (*q, "production", "", 900, "kg")])
    v = dict(zip(*metrics.enterprise_datapoints(df, "test")[["key", "value"]].T.to_numpy(), strict=True))
    assert v["gri_fuels"] == pytest.approx(0.1 * 47.3 / 0.0036 / 1000)
    no_waste = _rows([(*q, "energy", "lpg", 100, "kg")])
    v = dict(zip(*metrics.enterprise_datapoints(no_waste, "test")[["key", "value"]].T.to_numpy(), strict=True))
    assert np.isnan(v["waste_diverted"]) and v["gri_fuels"] == pytest.approx(0.1 * 47.3 / 0.0036 / 1000)


def test_materials_and_an_intensity_of_a_production_under_one_unit():
    # saffron: 0.5 kg produced in the quarter with 100 kWh of electricity: 200 kWh per kg; 2 t of material input
    # are the B7 mass flow of the main materials, 2 t
    q = ("2025-01-01", "2025-03-31", "follow-up")
    df = _rows([(*q, "energy", "electricity", 100, "kWh"), (*q, "production", "", 0.5, "kg"),
                (*q, "material_input", "", 2, "t")])
    table = metrics.enterprise_datapoints(df, "test").set_index("key")
    assert table.loc["energy_intensity", "value"] == pytest.approx(200.0)
    assert table.loc["materials", "value"] == pytest.approx(2.0) and table.loc["materials", "unit"] == "t"
