"""metrics.indicators and energy: units valid per indicator and carrier, calorific values."""
import pytest

import metrics
from metrics import UnitError


def test_every_offered_unit_is_accepted():
    for name in metrics.INDICATORS:
        carriers = metrics.CARRIERS if name == "energy" else [None]
        for carrier in carriers:
            for unit in metrics.valid_units(name, carrier):
                metrics.check_unit(name, unit, carrier)


@pytest.mark.parametrize("indicator,unit,carrier", [
    ("energy", "L", "electricity"), ("energy", "kg", "electricity"), ("waste", "kWh", None),
    ("water", "kg", None), ("yield", "kg", None), ("energy", "L", "coal"), ("material_input", "m3", None),
])
def test_wrong_units_are_rejected(indicator, unit, carrier):
    with pytest.raises(UnitError):
        metrics.check_unit(indicator, unit, carrier)


def test_unknown_carrier_and_indicator():
    with pytest.raises(UnitError, match="carrier"):
        metrics.check_unit("energy", "L", "whale_oil")
    with pytest.raises(ValueError, match="Unknown indicator"):
        metrics.valid_units("happiness")


@pytest.mark.parametrize("amount,unit,carrier,kwh", [
    (1.2, "MWh", "electricity", 1200.0),
    (350, "L", "diesel", 350 * 0.84 * 43.0 / 3.6),   # IPCC NCV 43.0 GJ/t, 0.84 kg/L
    (1, "t", "diesel", 43.0 / 3.6 * 1000),
    (100, "m3", "natural_gas", 100 * 0.75 * 48.0 / 3.6),
    (10, "kg", "lpg", 10 * 47.3 / 3.6),
    (2, "t", "coal", 2 * 25.8 / 3.6 * 1000),
    (1, "therm", "natural_gas", 105.5056 / 3.6),
    (1, "MMBtu", "natural_gas", 1055.056 / 3.6),
])
def test_energy_kwh(amount, unit, carrier, kwh):
    assert metrics.energy_kwh(amount, unit, carrier) == pytest.approx(kwh, rel=1e-9)


def test_energy_kwh_refuses_negative_and_electricity_by_volume():
    with pytest.raises(ValueError):
        metrics.energy_kwh(-1, "kWh", "electricity")
    with pytest.raises(UnitError, match="Electricity"):
        metrics.energy_kwh(5, "L", "electricity")


def test_fuel_table_names_its_sources():
    table = metrics.fuel_table()
    assert table["source"].str.len().gt(10).all()
    assert table.set_index("carrier").loc["diesel", "ncv_gj_per_t"] == 43.0


def test_check_unit_without_a_carrier_checks_the_dimension_only():
    metrics.check_unit("energy", "L")
    with pytest.raises(UnitError, match="energy units"):
        metrics.check_unit("energy", "%")
    assert metrics.INDICATORS["yield"].dimension == "ratio" and metrics.INDICATORS["energy"].canonical_unit == "kWh"


def test_validate_flags_unknown_waste_destinations():
    import pandas as pd

    df = pd.DataFrame([dict(enterprise="A", period_start="2024-01-01", period_end="2024-01-31", phase="baseline",
                            indicator="waste", carrier=c, value=1, unit="kg") for c in ("landfill", "", "river")])
    problems = metrics.validate(df)
    assert problems[["row", "column"]].values.tolist() == [[4, "carrier"]]
    assert "waste destination" in problems["reason"].iloc[0]


def test_an_unknown_unit_says_what_the_indicator_expects():
    with pytest.raises(metrics.UnitError,
                       match=r"Unknown unit 'kgg'.*Waste produced is measured in mass \(for example kg"):
        metrics.check_unit("waste", "kgg")
