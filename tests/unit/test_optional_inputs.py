"""The optional inputs (issue 14 item 3, issue 11 item 6): the renewable share of purchased electricity, hazardous
waste, the water source and a material price, read by metrics.parse and used by the disclosures and the value of
material saved. Every figure below is worked by hand in its comment."""
import numpy as np
import pandas as pd
import pytest

import metrics

Q = ("2025-01-01", "2025-03-31")  # 90 days


def row(indicator, carrier, value, unit, period=Q, phase="follow-up", **optional):
    return dict(enterprise="Synthetic Optional SME", country="IN", sector="", period_start=period[0],
                period_end=period[1], phase=phase, indicator=indicator, carrier=carrier, value=value, unit=unit,
                note="", **optional)


def parsed(*rows):
    p = metrics.parse(pd.DataFrame(list(rows)))
    assert p.ok, p.problems.to_string()
    return p.rows


def problems(*rows):
    p = metrics.parse(pd.DataFrame(list(rows)))
    return [(int(r.row), r.column, r.reason) for r in p.problems.itertuples()]


def values(df):
    table = metrics.enterprise_datapoints(df, metrics.FACTOR_SET_VERSION)
    return dict(zip(table["key"], table["value"], strict=True))


#: the synthetic enterprise with every optional input entered (one period, January-March 2025)
ENTERED = [
    row("energy", "electricity", 10, "MWh", renewable_pct="30"),  # 10 MWh, 30 % of it renewable: 3 MWh
    row("energy", "diesel", 1000, "L"),  # 1,000 L x 0.84 kg/L x 43.0 GJ/t = 36.12 GJ = 10,033.33 kWh (fossil)
    row("waste", "landfill", 4, "t"),
    row("waste", "recycled", 5, "t"),
    row("waste", "hazardous_incinerated", 0.5, "t"),
    row("waste", "hazardous_recycled", 250, "kg"),
    row("water", "groundwater", 300, "m3"),
    row("water", "third_party_water", 200_000, "L"),  # 200 m3
]


def test_every_optional_datapoint_of_the_synthetic_enterprise_by_hand():
    v = values(parsed(*ENTERED))
    diesel_mwh = 1000 * 0.84 * 43.0 / 3.6 / 1000  # kg x GJ/t = MJ; / 3.6 = kWh; 10.0333 MWh
    assert diesel_mwh == pytest.approx(10.03333, rel=1e-5)
    assert v["energy_total"] == pytest.approx(10 + diesel_mwh)  # 20.033 MWh
    assert v["energy_renewable"] == pytest.approx(3.0)  # 10 MWh x 30 %; diesel is fossil
    assert v["energy_non_renewable"] == pytest.approx(7 + diesel_mwh)  # 17.033 MWh
    # waste: 4 + 5 + 0.5 + 0.25 = 9.75 t, of which hazardous 0.5 + 0.25 = 0.75 t, non-hazardous 9 t
    assert v["waste_total"] == pytest.approx(9.75) and v["gri_waste_total"] == pytest.approx(9.75)
    assert v["waste_hazardous"] == pytest.approx(0.75)
    assert v["waste_non_hazardous"] == pytest.approx(9.0)
    # diverted: recycled 5 + hazardous recycled 0.25 = 5.25 t; to disposal: landfill 4 + hazardous burnt 0.5 = 4.5 t
    assert v["waste_diverted"] == pytest.approx(5.25) and v["gri_waste_diverted"] == pytest.approx(5.25)
    assert v["gri_hazardous_diverted"] == pytest.approx(0.25)
    assert v["gri_non_hazardous_diverted"] == pytest.approx(5.0)
    assert v["gri_waste_disposal"] == pytest.approx(4.5)
    assert v["gri_hazardous_disposal"] == pytest.approx(0.5)
    assert v["gri_non_hazardous_disposal"] == pytest.approx(4.0)
    # water: 300 m3 of groundwater and 200,000 L = 200 m3 of third-party water; every figure names its source, so
    # the sources not named are a computed 0
    assert v["water_withdrawal"] == pytest.approx(500) and v["gri_water_withdrawal"] == pytest.approx(500)
    assert v["gri_water_groundwater"] == pytest.approx(300)
    assert v["gri_water_third_party_water"] == pytest.approx(200)
    assert v["gri_water_surface_water"] == 0 and v["gri_water_seawater"] == 0 and v["gri_water_produced_water"] == 0
    assert np.isnan(v["water_consumption"])  # discharge is not entered


def test_without_the_optional_inputs_those_datapoints_are_not_collected_never_0():
    plain = [row("energy", "electricity", 10, "MWh"), row("energy", "diesel", 1000, "L"),
             row("waste", "landfill", 4, "t"), row("water", "", 500, "m3")]
    v = values(parsed(*plain))
    for key in ("energy_renewable", "energy_non_renewable", "waste_hazardous", "waste_non_hazardous",
                "gri_hazardous_diverted", "gri_non_hazardous_diverted", "gri_hazardous_disposal",
                "gri_non_hazardous_disposal", *(f"gri_water_{s}" for s in metrics.WATER_SOURCES)):
        assert np.isnan(v[key]), key
    assert v["waste_total"] == pytest.approx(4) and v["water_withdrawal"] == pytest.approx(500)


def test_a_water_figure_without_its_source_leaves_every_source_not_collected():
    v = values(parsed(row("water", "groundwater", 300, "m3"), row("water", "", 200, "m3")))
    assert v["water_withdrawal"] == pytest.approx(500)
    assert all(np.isnan(v[f"gri_water_{s}"]) for s in metrics.WATER_SOURCES)


def test_electricity_of_the_latest_period_without_its_share_leaves_the_split_not_collected():
    # the share entered for an earlier period is that period's: the reporting period (the latest) has none
    latest = [row("energy", "electricity", 10, "MWh", period=("2024-10-01", "2024-12-31"), renewable_pct="100"),
              row("energy", "electricity", 5, "MWh")]
    v = values(parsed(*latest))
    assert v["energy_total"] == pytest.approx(5) and np.isnan(v["energy_renewable"])


def test_hazardous_waste_entered_as_0_gives_a_real_0_and_the_rest_non_hazardous():
    v = values(parsed(row("waste", "landfill", 4, "t"), row("waste", "hazardous_landfill", 0, "kg")))
    assert v["waste_hazardous"] == 0 and v["waste_non_hazardous"] == pytest.approx(4)
    assert v["gri_hazardous_disposal"] == 0 and v["gri_non_hazardous_disposal"] == pytest.approx(4)


def test_renewable_electricity_and_wood_add_up():
    # 2 t of wood = 2,000 kg x 15.6 GJ/t = 31.2 GJ = 8,666.7 kWh; 20 MWh of electricity at 25 % = 5 MWh
    v = values(parsed(row("energy", "biomass", 2, "t"), row("energy", "electricity", 20, "MWh", renewable_pct="25")))
    wood = 2000 * 15.6 / 3.6 / 1000
    assert v["energy_renewable"] == pytest.approx(wood + 5)
    assert v["energy_non_renewable"] == pytest.approx(15)


def test_bad_optional_inputs_are_refused_with_their_line_and_column():
    got = problems(
        row("energy", "electricity", 10, "MWh", renewable_pct="130"),
        row("energy", "electricity", 10, "MWh", renewable_pct="-5", period=("2024-01-01", "2024-03-31")),
        row("energy", "diesel", 10, "L", renewable_pct="50"),
        row("material_input", "rubber", 1, "t", price="-2500", currency="INR"),
        row("material_input", "steel", 1, "t", price="2500"),
        row("material_input", "cork", 1, "t", price="1", currency="RUPEES"),
        row("water", "river", 1, "m3"),
        row("waste", "hazardous_moon", 1, "t"),
        row("waste", "landfill", 1, "t", price="3", currency="USD"),
        row("material_input", "gold", 1, "kg", price="1e308", currency="VND"),
    )
    assert got == [
        (2, "renewable_pct", "the renewable share is over 100%"),
        (3, "renewable_pct", "the renewable share is negative or not a finite number"),
        (4, "renewable_pct", "a renewable share is given for purchased electricity only"),
        (5, "price", "the price is negative or not a finite number"),
        (6, "currency", "a price needs its currency (a three-letter ISO 4217 code, e.g. INR)"),
        (7, "currency", "not a currency: give its three-letter ISO 4217 code, e.g. INR, KES or USD"),
        (8, "carrier", "unknown water source (expected one of surface_water, groundwater, seawater, produced_water, "
                       "third_party_water, or empty)"),
        (9, "carrier", "unknown waste destination (expected one of landfill, recycled, sold, incinerated, composted, "
                       "other; hazardous waste: hazardous_ and the destination, e.g. hazardous_landfill; or empty)"),
        (10, "price", "a price is given for material input only"),
        (11, "price", "the price is too large (over 1e+15 per unit); check the value"),
    ]


def test_the_optional_inputs_are_read_as_typed():
    r = parsed(row("energy", "electricity", 10, "MWh", renewable_pct="12.5"),
               row("material_input", "rubber", 1, "t", price="2,500", currency=" inr "))
    assert r["renewable_pct"].tolist()[0] == 12.5 and np.isnan(r["renewable_pct"].tolist()[1])
    assert np.isnan(r["price"].tolist()[0]) and r["price"].tolist()[1] == 2500.0
    assert r["currency"].tolist() == ["", "INR"]  # the code in capitals, never converted


# --- the value of material saved (METHODS.md, "Materials and waste") ---------------------------------------------
BASE, FOLLOW = ("2024-01-01", "2024-03-31"), ("2025-01-01", "2025-03-31")  # 91 days (2024 is a leap year), 90 days


def test_value_of_material_saved_worked_example():
    df = parsed(
        # rubber: 9.1 t / 91 days = 100 kg a day, then 8.1 t / 90 days = 90 kg a day; 2,500 INR per t = 2.5 INR/kg
        row("material_input", "rubber", 9.1, "t", period=BASE, phase="baseline"),
        row("material_input", "rubber", 8.1, "t", period=FOLLOW, price="2500", currency="INR"),
        # copper: 182 kg / 91 = 2 kg a day, then 90 kg / 90 = 1 kg a day, 500 INR per kg
        row("material_input", "copper", 182, "kg", period=BASE, phase="baseline", price="400", currency="INR"),
        row("material_input", "copper", 90, "kg", period=FOLLOW, price="500", currency="INR"),
        # steel: 910 kg / 91 = 10 kg a day, then 819 kg / 90 = 9.1 kg a day, 1 USD per kg (baseline's price)
        row("material_input", "steel", 910, "kg", period=BASE, phase="baseline", price="1", currency="USD"),
        row("material_input", "steel", 819, "kg", period=FOLLOW),
        # cork: no price, no value
        row("material_input", "cork", 50, "kg", period=BASE, phase="baseline"),
        row("material_input", "cork", 40, "kg", period=FOLLOW),
    )
    s = metrics.material_savings(df).set_index("material")
    assert sorted(s.index) == ["copper", "rubber", "steel"]
    assert s.loc["rubber", "saved_kg_per_year"] == pytest.approx(10 * 365)  # 3,650 kg
    assert s.loc["rubber", "price_per_kg"] == pytest.approx(2.5)
    assert s.loc["rubber", "value_saved_per_year"] == pytest.approx(9125.0)  # 3,650 x 2.5 INR
    assert s.loc["copper", "price"] == 500  # the latest period's price
    assert s.loc["copper", "value_saved_per_year"] == pytest.approx(182_500.0)  # 1 kg x 365 x 500 INR
    assert s.loc["steel", "value_saved_per_year"] == pytest.approx(0.9 * 365 * 1)  # 328.5 USD
    assert s.loc["steel", "currency"] == "USD"
    totals = metrics.savings_by_currency(metrics.material_savings(df)).set_index("currency")
    # never added across currencies: INR 9,125 + 182,500 = 191,625 and USD 328.5 stand apart
    assert totals.loc["INR", "value_saved_per_year"] == pytest.approx(191_625.0) and totals.loc["INR", "materials"] == 2
    assert totals.loc["USD", "value_saved_per_year"] == pytest.approx(328.5)
    assert len(totals) == 2


def test_more_material_used_is_a_negative_value_and_no_price_no_row():
    up = parsed(row("material_input", "", 910, "kg", period=BASE, phase="baseline"),
                row("material_input", "", 1800, "kg", period=FOLLOW, price="2", currency="KES"))
    s = metrics.material_savings(up)
    # 10 kg a day, then 20: 10 kg x 365 = 3,650 kg more, x 2 KES = -7,300 KES
    assert s["value_saved_per_year"].tolist() == [pytest.approx(-7300.0)] and s["material"].tolist() == [""]
    unpriced = parsed(row("material_input", "", 910, "kg", period=BASE, phase="baseline"),
                      row("material_input", "", 900, "kg", period=FOLLOW))
    assert metrics.material_savings(unpriced).empty


def test_programme_figures_add_the_optional_datapoints_of_the_enterprises_that_collected_them():
    a = metrics.enterprise_datapoints(parsed(*ENTERED), metrics.FACTOR_SET_VERSION).assign(enterprise_id=1, days=90)
    plain = [row("waste", "landfill", 4, "t"), row("energy", "electricity", 10, "MWh")]
    plain = [dict(r, enterprise="Another SME") for r in plain]
    b = metrics.enterprise_datapoints(parsed(*plain), metrics.FACTOR_SET_VERSION).assign(enterprise_id=2, days=90)
    p = metrics.programme_datapoints(pd.concat([a, b], ignore_index=True)).set_index("key")
    year = 365 / 90
    # hazardous waste: the first enterprise's 0.75 t only (the second's is not collected, not a 0)
    v, n = p["value"], p["enterprises"]
    assert v["waste_hazardous"] == pytest.approx(0.75 * year) and n["waste_hazardous"] == 1
    assert v["waste_total"] == pytest.approx((9.75 + 4) * year) and n["waste_total"] == 2
    assert v["energy_renewable"] == pytest.approx(3 * year) and n["energy_renewable"] == 1
    assert p.loc["gri_water_groundwater", "value"] == pytest.approx(300 * year)


def test_a_price_of_exactly_the_limit_is_a_price():
    # the limit is 1e15 per unit: that price is kept, a larger one refused (above)
    assert problems(row("material_input", "gold", 1, "kg", price="1e15", currency="VND")) == []


def test_a_currency_beside_a_price_that_is_no_number_is_not_refused_twice():
    # the price is refused; the currency is not "given without a price" as well (it is, where the price is empty)
    assert problems(row("material_input", "rubber", 1, "t", price="lots", currency="INR")) == [
        (2, "price", "the price is not a number")]
    assert problems(row("material_input", "rubber", 1, "t", price="", currency="INR")) == [
        (2, "currency", "a currency is given with a price only")]
