"""metrics.units: the registry, parsing what users type, conversions."""
import pint.testing
import pytest
from hypothesis import given
from hypothesis import strategies as st

import metrics
from metrics import Q_, UnitError


@pytest.mark.parametrize("value,src,dst,expected", [
    (1.2, "MWh", "kWh", 1200.0),
    (4300, "kWh", "MWh", 4.3),
    (1, "GJ", "MJ", 1000.0),
    (1, "kWh", "MJ", 3.6),
    (1, "therm", "MJ", 105.5056),
    (1, "MMBtu", "GJ", 1.055056),
    (1, "toe", "GJ", 41.868),
    (2, "t", "kg", 2000.0),
    (1, "short_ton", "kg", 907.18474),
    (1, "ton", "kg", 907.18474),  # pint's ton is the short ton
    (350, "L", "m3", 0.35),
    (1, "m³", "L", 1000.0),
    (78, "%", "dimensionless", 0.78),
    (78, "percent", "fraction", 0.78),
    (12, "pcs", "piece", 12.0),
    (1, "litre", "mL", 1000.0),
])
def test_convert_units_users_type(value, src, dst, expected):
    assert metrics.convert(value, src, dst) == pytest.approx(expected, rel=1e-12)


def test_quantities_agree_with_pint():
    pint.testing.assert_allclose(Q_(metrics.convert(1, "MMBtu", "kWh"), "kWh"), Q_(293.07111, "kWh"), rtol=1e-6)


@pytest.mark.parametrize("src,dst", [("kg", "kWh"), ("L", "kg"), ("%", "kg"), ("piece", "kg")])
def test_wrong_dimension_says_what_was_given_and_expected(src, dst):
    with pytest.raises(UnitError, match=rf"{src}.*{dst}"):
        metrics.convert(1, src, dst)


@pytest.mark.parametrize("bad", ["", "   ", "furlongs per fortnight per kg!", "kWh kWh +", None])
def test_unknown_units_raise_unit_error(bad):
    with pytest.raises(UnitError):
        metrics.convert(1, bad, "kWh")


def test_unit_error_is_a_value_error():
    assert issubclass(UnitError, ValueError)


UNITS_BY_DIM = {
    "energy": ["kWh", "MWh", "GJ", "MJ", "therm", "MMBtu", "toe", "Wh"],
    "mass": ["kg", "t", "short_ton", "g", "lb"],
    "volume": ["L", "m3", "mL", "gal"],
}


@given(st.sampled_from(sorted(UNITS_BY_DIM)), st.data(),
       st.floats(min_value=1e-6, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_conversions_round_trip(dim, data, value):
    a = data.draw(st.sampled_from(UNITS_BY_DIM[dim]))
    b = data.draw(st.sampled_from(UNITS_BY_DIM[dim]))
    there = metrics.convert(value, a, b)
    pint.testing.assert_allclose(Q_(there, metrics.parse_unit(b)),
                                 Q_(value, metrics.parse_unit(a)).to(metrics.parse_unit(b)), rtol=1e-12)
    pint.testing.assert_allclose(Q_(metrics.convert(there, b, a), metrics.parse_unit(a)),
                                 Q_(value, metrics.parse_unit(a)), rtol=1e-9)


@given(st.sampled_from(["kWh", "kwh", "MWh", "GJ", "MMBtu", "therm", "toe", "L", "litre", "m3", "m³", "kg", "t",
                        "tonne", "short_ton", "%", "percent", "piece", "pcs", "pieces"]))
def test_spellings_users_type_parse_and_label(text):
    unit = metrics.parse_unit(text)
    assert metrics.parse_unit(metrics.unit_label(unit)) == unit  # a label reads back as the same unit


def test_labels_are_the_ones_people_read():
    assert [metrics.unit_label(u) for u in ("therm", "MMBtu", "toe", "short_ton", "litre", "pcs", "m3", "%")] == [
        "therm", "MMBtu", "toe", "short_ton", "L", "piece", "m³", "%"]


@pytest.mark.parametrize("typed,value,unit,expected", [
    ("ML", 10, "m3", 10_000.0),   # megalitres (was read as millilitres: 1e-5 m3)
    ("Ml", 10, "m3", 10_000.0),
    ("ml", 10, "L", 0.01),
    ("mt", 2, "kg", 2_000.0),     # the metric tonne as Indian SMEs write it (pint: millitonne)
    ("MT", 2, "kg", 2_000.0),     # (pint: megatesla)
    ("T", 2, "kg", 2_000.0),      # (pint: tesla)
    ("KG", 2, "kg", 2.0),
    ("TOE", 1, "GJ", 41.868),
    ("mWh", 1_000_000, "kWh", 1.0),  # as typed, pint's milliwatt-hour; only unknown spellings go case-blind
    ("mwh", 1, "kWh", 1_000.0),
])
def test_case_is_respected_where_pint_knows_the_unit_as_typed(typed, value, unit, expected):
    assert metrics.convert(value, typed, unit) == pytest.approx(expected)
