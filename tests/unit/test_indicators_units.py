"""metrics.indicators and metrics.units: the units offered per carrier, unit checks, dimensions
and labels, and change() messages, each expected value written out by hand."""
import pytest

import metrics
from metrics import Q_, UnitError

ENERGY_UNITS = ["kWh", "MWh", "GJ", "MJ", "therm", "MMBtu", "toe"]


@pytest.mark.parametrize("carrier,extra", [
    ("electricity", []),
    ("diesel", ["L", "m3", "kg", "t"]),  # density per litre, NCV
    ("natural_gas", ["m3", "kg", "t"]),  # density per m3 only
    ("biogas", ["m3", "kg", "t"]),
    ("coal", ["kg", "t"]),  # no density: by mass only
])
def test_units_offered_for_each_carrier(carrier, extra):
    assert metrics.valid_units("energy", carrier) == ENERGY_UNITS + extra


def test_units_offered_without_a_carrier_or_for_other_indicators():
    assert metrics.valid_units("energy") == ["kWh", "MWh", "GJ", "MJ", "therm", "MMBtu", "toe", "L", "m3", "kg", "t"]
    assert metrics.valid_units("waste", "diesel") == ["kg", "t", "short_ton"]
    assert metrics.valid_units("yield") == ["%"]
    with pytest.raises(UnitError, match=r"^Unknown energy carrier 'peat'; expected one of electricity, natural_gas"):
        metrics.valid_units("energy", "peat")


def test_check_unit_for_energy_without_a_carrier_names_the_dimension():
    for unit in ("kWh", "kg", "L", "m3"):
        metrics.check_unit("energy", unit)
    with pytest.raises(UnitError) as err:
        metrics.check_unit("energy", "piece")
    assert str(err.value) == ("'piece' is a unit of count, but energy is entered in energy units (kWh, MWh, GJ...) "
                              "or, for fuels, in mass or volume units.")


def test_check_unit_ignores_the_carrier_of_other_indicators():
    metrics.check_unit("waste", "t", "landfill")
    metrics.check_unit("water", "kL", "")
    with pytest.raises(UnitError, match=r"^'kg' is a unit of mass, but water is measured in volume \(for example "
                                        r"m3, L, kL\)\.$"):
        metrics.check_unit("water", "kg", "well")
    with pytest.raises(UnitError, match=r"^Electricity is entered in energy units \(kWh, MWh\.\.\.\), not 'kg'\.$"):
        metrics.check_unit("energy", "kg", "electricity")
    with pytest.raises(UnitError, match=r"^Other bituminous coal is entered by mass or energy, not by volume "
                                        r"\('L'\)\.$"):
        metrics.check_unit("energy", "L", "coal")


@pytest.mark.parametrize("typed,phase", [("baseline", "baseline"), (" Before ", "baseline"), ("BASE", "baseline"),
                                         ("Follow up", "follow-up"), ("after", "follow-up"), ("during", None),
                                         (None, None), (1, None)])
def test_normalise_phase(typed, phase):
    assert metrics.normalise_phase(typed) == phase


def test_an_unknown_or_unhashable_indicator_is_a_value_error_listing_the_known_ones():
    expected = ("; expected one of energy, waste, material_input, material_wasted, yield, water, production, "
                "degree_days.")
    for bad in ("happiness", ["energy"]):
        with pytest.raises(ValueError) as err:
            metrics.valid_units(bad)
        assert str(err.value) == f"Unknown indicator {bad!r}{expected}"


def test_carriers_are_the_fuel_table_in_its_order():
    assert metrics.CARRIERS[:4] == ("electricity", "natural_gas", "diesel", "lpg")
    assert metrics.indicators.carriers() == tuple(metrics.fuel_table()["carrier"])


@pytest.mark.parametrize("unit,dimension", [("kWh", "energy"), ("t", "mass"), ("L", "volume"), ("m2", "area"),
                                            ("pcs", "count"), ("%", "ratio"), ("fraction", "ratio"),
                                            ("m", "[length]"),
                                            ("kW", "[mass] * [length] ** 2 / [time] ** 3")])  # else pint's text
def test_dimension_of(unit, dimension):
    assert metrics.dimension_of(unit) == dimension


@pytest.mark.parametrize("unit,label", [("dimensionless", "fraction"), ("therm", "therm"), ("MMBtu", "MMBtu"),
                                        ("toe", "toe"), ("ton", "short_ton"), ("l", "L"), ("kl", "kL"), ("ml", "mL"),
                                        ("pcs", "piece"), ("kWh", "kWh"), ("t", "t"), ("m3", "m³")])
def test_unit_labels_from_text_and_from_units(unit, label):
    assert metrics.unit_label(unit) == label
    assert metrics.unit_label(metrics.parse_unit(unit)) == label


def test_unit_label_of_a_unit_whatever_display_format_is_set():
    saved = metrics.ureg.formatter.default_format
    metrics.ureg.formatter.default_format = "~H"  # str(unit) is then HTML: 'm<sup>3</sup>'
    try:
        assert metrics.unit_label(metrics.parse_unit("m3")) == "m³"
    finally:
        metrics.ureg.formatter.default_format = saved


def test_convert_returns_a_float_of_the_value_times_the_factor():
    got = metrics.convert("2", "t", "kg")
    assert got == 2000.0 and isinstance(got, float)
    assert metrics.convert(0, "GJ", "kWh") == 0.0
    with pytest.raises(UnitError, match=r"^Cannot convert 'kg' \(mass\) to 'kWh' \(energy\)\.$"):
        metrics.convert(1, "kg", "kWh")


@pytest.mark.parametrize("baseline,after,message", [
    ((float("nan"), "kg"), (1, "kg"), r"^waste: the value is not a number\.$"),
    ((1, "kg"), (-2, "t"), r"^waste: amounts cannot be negative \(got -2 t\)\.$"),
    ((5, "kg"), 5, r"^Give waste figures as \(value, unit\) pairs or pint Quantities, not 5\.$"),
    ((5, "kg"), (1, 2, 3), r"^Give waste figures as \(value, unit\) pairs or pint Quantities, not \(1, 2, 3\)\.$"),
])
def test_change_messages(baseline, after, message):
    with pytest.raises(ValueError, match=message):
        metrics.change("waste", baseline, after)


def test_change_yield_limits_and_messages():
    assert metrics.change("yield", (0, "%"), (100, "%")).points == pytest.approx(100.0)
    # 100 % within rounding (1e-12) is still 100 %
    assert metrics.change("yield", (1 + 1e-12, "fraction"), (0.5, "fraction")).baseline.magnitude == 1 + 1e-12
    with pytest.raises(ValueError, match=r"^yield must be between 0 and 100% \(got 100\.1 %\)\.$"):
        metrics.change("yield", (78, "%"), (100.1, "%"))
    with pytest.raises(ValueError, match=r"^yield must be between 0 and 100% \(got 1\.01 fraction\)\.$"):
        metrics.change("yield", (1.01, "dimensionless"), (0.9, "dimensionless"))


def test_change_of_energy_without_a_carrier_is_electricity():
    c = metrics.change("energy", (1, "MWh"), (800, "kWh"))
    assert c.relative == pytest.approx(-0.2) and c.improved is True and c.points is None
    with pytest.raises(UnitError, match="^Electricity is entered in energy units"):
        metrics.change("energy", (100, "L"), (80, "L"))


def test_change_refuses_figures_of_two_kinds_of_unit_with_both_named():
    with pytest.raises(UnitError) as err:
        metrics.change("production", (100, "piece"), (2, "t"))
    assert str(err.value) == "production: the baseline is in piece and the later figure in kg; they cannot be compared."


def test_change_figures_by_hand():
    c = metrics.change("yield", Q_(78, "percent"), (0.88, "fraction"))
    assert c.points == pytest.approx(10.0) and c.relative == pytest.approx(0.88 / 0.78 - 1) and c.improved is True
    worse = metrics.change("yield", (95, "%"), (88, "%"))
    assert worse.improved is False and worse.points == pytest.approx(-7.0)
    more = metrics.change("waste", (1, "t"), (1200, "kg"))
    assert more.improved is False and more.absolute.magnitude == pytest.approx(200.0)
    assert str(more.baseline.units) == "kilogram" and more.relative == pytest.approx(0.2)
