"""Disclosures (issue 14 items 3, 4): every VSME and GRI datapoint worked by hand for the case study and one
synthetic enterprise, "not collected" never 0, the Excel file as written, and the programme's aggregate
suppressed and guarded against differencing."""
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

import metrics
from tests.demo_db import demo_user, open_demo
from tracker import disclosures, errors, overview, published

NC = "not collected"


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    yield from open_demo(f"duckdb:///{tmp_path_factory.mktemp('disclosures') / 'demo.duckdb'}")


def _grid(country):
    """The grid factor (kg CO2e per kWh) of ``country`` as the published table states it (codecarbon, OWID)."""
    g = pd.read_csv("data/grid_factors.csv")
    return g[g["iso2"] == country].sort_values("year")["g_co2e_per_kwh"].iloc[-1] / 1000


def _values(table):
    return dict(zip(table["key"], table["value"], strict=True))


def test_case_study_every_datapoint_by_hand(demo_engine):
    manager = demo_user(demo_engine, "manager")
    info, table = disclosures.enterprise_disclosures(demo_engine, manager, manager.enterprise_ids[0])
    v = _values(table)
    assert set(table["period"]) == {"2024-01-01 to 2024-03-31"}  # the latest follow-up, Jan-Mar 2024
    # energy: electricity only (synthetic), 16,900 kWh in the period; no fuel entered
    assert v["energy_total"] == pytest.approx(16.9) and v["gri_energy_total"] == pytest.approx(16.9)
    assert v["electricity"] == pytest.approx(16.9) and v["gri_electricity"] == pytest.approx(16.9)
    for key in ("fuels", "gri_fuels", "gri_fuels_renewable", "scope1", "gri_scope1", "ghg_gross", "ghg_intensity",
                "energy_renewable", "energy_non_renewable"):
        assert np.isnan(v[key]), key  # no fuel entered, no renewable share of electricity: not collected
    assert v["scope2"] == pytest.approx(16_900 * _grid("IN") / 1000)  # 12.06 t CO2e (India 713 g/kWh)
    assert v["gri_scope2"] == v["scope2"]
    # the rubber (DOMAIN.md): 5 % of the input wasted, all sold to reclaimers, nothing to landfill
    input_kg = 10_010 / 0.95
    assert v["materials"] == pytest.approx(input_kg / 1000)  # 10.54 t
    assert v["waste_total"] == pytest.approx(input_kg * 0.05 / 1000) == v["gri_waste_total"]  # 0.527 t
    assert v["waste_diverted"] == v["gri_waste_diverted"] == pytest.approx(v["waste_total"])
    assert v["gri_waste_disposal"] == 0  # waste entered, none of it to landfill or incineration: a real 0
    assert np.isnan(v["waste_hazardous"]) and np.isnan(v["waste_non_hazardous"])
    assert np.isnan(v["water_withdrawal"]) and np.isnan(v["water_consumption"])  # no water published
    assert v["energy_intensity"] == pytest.approx(16_900 / 10_010)  # kWh per kg of good seals
    assert table.set_index("key").loc["energy_intensity", "unit"] == "kWh per kg"
    # GRI 302-4: baseline 18,400 kWh over 90 days, x 91 days of the period, minus 16,900
    assert v["energy_reduction"] == pytest.approx((18_400 / 90 * 91 - 16_900) / 1000)  # 1.70 MWh
    assert metrics.FACTOR_SET_VERSION in table.set_index("key").loc["gri_energy_total", "method"]


def test_synthetic_enterprise_every_datapoint_by_hand(demo_engine):
    admin = demo_user(demo_engine, "admin")
    info, table = disclosures.enterprise_disclosures(demo_engine, admin, 3)
    assert info["name"] == "Synthetic Textiles SME 02 (VN)"
    v = _values(table)
    # entered for Jan-Mar 2024 (91 days): diesel 1,789.083 L, electricity 40,254.356 kWh, water 1,848,570.531 L,
    # waste 6,612.293 kg to landfill and 15,428.684 kg recycled, material input 424,460.274 kg, 183,576.925 pieces
    diesel_gj = 1789.083 * 0.84 / 1000 * 43.0  # IPCC 2006 NCV 43.0 GJ/t, 0.84 kg/L (data/fuels.csv)
    diesel_kwh = diesel_gj / 0.0036
    elec = 40_254.356
    assert v["fuels"] == pytest.approx(diesel_kwh / 1000) == v["gri_fuels"]  # 17.95 MWh
    assert np.isnan(v["gri_fuels_renewable"])  # no biomass or biogas entered
    assert v["electricity"] == pytest.approx(elec / 1000)
    assert v["energy_total"] == pytest.approx((diesel_kwh + elec) / 1000)  # 58.20 MWh
    assert np.isnan(v["energy_renewable"]) and np.isnan(v["energy_non_renewable"])
    # kg CO2e: CO2 74,100, CH4 3 and N2O 0.6 kg/TJ (IPCC 2006 Tables 1.4, 2.3), AR5 GWP 28 and 265
    scope1 = diesel_gj / 1000 * (74_100 + 3 * 28 + 0.6 * 265)
    scope2 = elec * _grid("VN")
    assert v["scope1"] == pytest.approx(scope1 / 1000, rel=1e-4) == v["gri_scope1"]  # 4.79 t
    assert v["scope2"] == pytest.approx(scope2 / 1000, rel=1e-6)  # 19.14 t
    assert v["ghg_gross"] == pytest.approx((scope1 + scope2) / 1000, rel=1e-4)
    assert v["water_withdrawal"] == pytest.approx(1848.570531)  # m3
    assert np.isnan(v["water_consumption"])
    assert v["waste_total"] == pytest.approx((6612.293 + 15428.684) / 1000)
    assert v["waste_diverted"] == pytest.approx(15.428684) == v["gri_waste_diverted"]
    assert v["gri_waste_disposal"] == pytest.approx(6.612293)
    assert v["materials"] == pytest.approx(424.460274)
    assert v["energy_intensity"] == pytest.approx((diesel_kwh + elec) / 183_576.925)  # 0.317 kWh per piece
    assert v["ghg_intensity"] == pytest.approx((scope1 + scope2) / 183_576.925, rel=1e-4)  # 0.130 kg per piece
    # baseline Jan-Jun 2023 (181 days): 7,000.507 L of diesel and 157.511 MWh
    base = 7000.507 * 0.84 / 1000 * 43.0 / 0.0036 + 157_511
    assert v["energy_reduction"] == pytest.approx((base / 181 * 91 - diesel_kwh - elec) / 1000)  # 56.30 MWh


def test_workbook_reads_not_collected_never_zero(demo_engine):
    manager = demo_user(demo_engine, "manager")
    data = disclosures.enterprise_workbook(demo_engine, manager, manager.enterprise_ids[0])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["About", "VSME basic module", "GRI"]
    vsme = {r[0]: r for r in wb["VSME basic module"].iter_rows(min_row=2, values_only=True)
            if r[1] == "Gross scope 1 GHG emissions"}
    assert vsme["B3 §30(a)"][2] == NC
    rows = list(wb["GRI"].iter_rows(values_only=True))
    assert rows[0] == ("Reference", "Datapoint", "Value", "Unit", "Period", "Method note")
    gri = {r[0]: r for r in rows[1:]}
    assert gri["303-5"][2] == NC and gri["305-1"][2] == NC
    assert gri["305-2"][2] == pytest.approx(16_900 * _grid("IN") / 1000)
    assert gri["306-5"][2] == 0  # a real 0: waste entered, none to disposal
    assert all(r[2] != 0 or r[0] == "306-5" for r in rows[1:])
    assert len(rows) - 1 + wb["VSME basic module"].max_row - 1 == len(metrics.DATAPOINTS)


def test_wrong_role_refused(demo_engine):
    manager = demo_user(demo_engine, "manager")
    with pytest.raises(errors.AccessDenied):
        disclosures.enterprise_disclosures(demo_engine, manager, 3)
    with pytest.raises(errors.AccessDenied):
        disclosures.enterprise_disclosures(demo_engine, demo_user(demo_engine, "officer"), 3)
    with pytest.raises(errors.AccessDenied):
        published.programme_disclosures(demo_engine, manager, overview.Filters())


def test_programme_disclosures_sum_a_year_suppressed_and_guarded(demo_engine):
    officer = demo_user(demo_engine, "officer")
    viet_nam = overview.Filters(country=("VN",))
    table = published.programme_disclosures(demo_engine, officer, viet_nam).set_index("key")
    # Viet Nam's enterprises: the water withdrawn by each a year (its latest period's m3 x 365 / its days), summed
    per = disclosures.per_enterprise(demo_engine, [3, 10, 17, 24, 31]).query("key == 'water_withdrawal'")
    assert set(per["enterprise_id"]) == {3, 10, 17, 24, 31}  # the demo's five Vietnamese enterprises
    by_hand = sum(v * 365 / d for v, d in zip(per["value"], per["days"], strict=True) if v == v)
    assert table.loc["water_withdrawal", "enterprises"] == per["value"].notna().sum() >= 3
    assert table.loc["water_withdrawal", "value"] == pytest.approx(by_hand)
    assert np.isnan(table.loc["energy_intensity", "value"])  # units differ: not added up
    # one enterprise fewer (Viet Nam's without its textiles maker, a sector filter): hidden, not subtracted
    fewer = overview.Filters(country=("VN",), sector=("Furniture and wood", "Rubber and plastics", "Metal products",
                                                      "Food processing"))
    hidden = published.programme_disclosures(demo_engine, officer, fewer).set_index("key")
    assert hidden.loc["water_withdrawal", "enterprises"] == table.loc["water_withdrawal", "enterprises"] - 1
    assert bool(hidden.loc["water_withdrawal", "suppressed"]) and np.isnan(hidden.loc["water_withdrawal", "value"])
    assert hidden.attrs["hidden_as_too_close"] > 0
    # fewer than 3
    one = published.programme_disclosures(demo_engine, officer, overview.Filters(country=("KG",), sector=(
        "Textiles and garments",))).set_index("key")
    assert one.loc["energy_total", "enterprises"] < 3 and bool(one.loc["energy_total", "suppressed"])
    wb = openpyxl.load_workbook(io.BytesIO(disclosures.programme_workbook(hidden.reset_index(), fewer.describe())))
    vsme = {r[0]: r for r in wb["VSME basic module"].iter_rows(min_row=2, values_only=True)}
    assert vsme["B6 §35"][2] == "fewer than 3"  # the water withdrawal hidden above
    assert list(wb["GRI"].iter_rows(values_only=True))[0][-1] == "Enterprises"
