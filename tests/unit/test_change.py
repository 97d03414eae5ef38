"""metrics.change: absolute, relative, points, direction; errors; antisymmetry."""
import pint.testing
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import metrics
from metrics import Q_


def test_case_study_yield():
    c = metrics.change("yield", (78, "%"), (95, "%"))
    assert c.points == pytest.approx(17.0)
    assert c.relative == pytest.approx(0.218, abs=5e-4)
    assert c.improved is True
    pint.testing.assert_allclose(c.absolute, Q_(0.17, "dimensionless"))


def test_energy_in_mixed_units_and_quantities():
    c = metrics.change("energy", (1.2, "MWh"), Q_(900, "kWh"))
    pint.testing.assert_allclose(c.absolute, Q_(-300, "kWh"))
    assert c.relative == pytest.approx(-0.25)
    assert c.points is None and c.improved is True


def test_fuel_by_volume_needs_its_carrier():
    c = metrics.change("energy", (350, "L"), (300, "L"), carrier="diesel")
    assert c.relative == pytest.approx(300 / 350 - 1)


def test_production_is_neither_better_nor_worse():
    assert metrics.change("production", (10, "piece"), (12, "piece")).improved is None


@pytest.mark.parametrize("indicator,baseline,after,match", [
    ("energy", (-1, "kWh"), (1, "kWh"), "negative"),
    ("yield", (78, "%"), (101, "%"), "100%"),
    ("yield", (1.2, "dimensionless"), (0.9, "dimensionless"), "100%"),
    ("happiness", (1, "kg"), (2, "kg"), "Unknown indicator"),
    ("waste", (1, "kWh"), (2, "kWh"), "mass"),
])
def test_bad_input_raises_value_error(indicator, baseline, after, match):
    with pytest.raises(ValueError, match=match):
        metrics.change(indicator, baseline, after)


def test_zero_baseline_has_no_relative_change():
    assert metrics.change("waste", (0, "kg"), (5, "kg")).relative is None


amounts = st.floats(min_value=1e-3, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(amounts, amounts, st.sampled_from(["kg", "t", "short_ton"]), st.sampled_from(["kg", "t"]))
def test_a_to_b_and_b_to_a_agree(a, b, ua, ub):
    ab = metrics.change("waste", (a, ua), (b, ub))
    ba = metrics.change("waste", (b, ub), (a, ua))
    assume(1e-4 < ab.after.magnitude / ab.baseline.magnitude < 1e4)  # beyond, (1 + r) loses digits
    pint.testing.assert_allclose(ab.absolute, -ba.absolute, rtol=1e-9, atol=1e-9)
    assert (1 + ab.relative) * (1 + ba.relative) == pytest.approx(1.0, rel=1e-9)
    if ab.improved is not None:
        assert ab.improved != ba.improved


@given(amounts, amounts, st.sampled_from(["diesel", "natural_gas", "lpg"]),
       st.sampled_from(["kWh", "GJ", "L", "m3", "kg", "t"]), st.sampled_from(["kWh", "MWh", "kg"]))
def test_a_to_b_and_b_to_a_agree_for_fuels_in_any_unit(a, b, carrier, ua, ub):
    if carrier == "natural_gas" and "L" in (ua, ub):
        ua = ub = "m3"
    ab = metrics.change("energy", (a, ua), (b, ub), carrier=carrier)
    ba = metrics.change("energy", (b, ub), (a, ua), carrier=carrier)
    assume(1e-4 < ab.after.magnitude / ab.baseline.magnitude < 1e4)
    assert ab.relative == pytest.approx(1 / (1 + ba.relative) - 1, rel=1e-9, abs=1e-12)
    pint.testing.assert_allclose(ab.absolute, -ba.absolute, rtol=1e-9, atol=1e-9)
    assert str(ab.absolute.units) == "kilowatt_hour"


def test_change_is_frozen_and_case_study_waste_share():
    c = metrics.change("material_wasted", (22, "kg"), (5, "kg"))
    assert c.relative == pytest.approx(5 / 22 - 1) and c.improved is True and c.points is None
    with pytest.raises(AttributeError):
        c.relative = 0  # frozen


def test_zero_to_zero_is_no_change_and_unknown_carrier_is_refused():
    c = metrics.change("water", (0, "m3"), (0, "L"))
    assert c.relative is None and c.improved is None
    with pytest.raises(ValueError, match="carrier"):
        metrics.change("energy", (1, "L"), (2, "L"), carrier="whale_oil")


@pytest.mark.parametrize("indicator,unit",
                         [("water", "m3"), ("water", "L"), ("production", "m2"), ("production", "pcs")])
def test_change_in_every_canonical_unit(indicator, unit):
    """Regression: water and production in m2 raised pint's UndefinedUnitError ('m3' is no pint name)."""
    c = metrics.change(indicator, (10, unit), (8, unit))
    assert c.relative == pytest.approx(-0.2)


def test_figures_in_different_kinds_of_unit_raise_unit_error():
    with pytest.raises(metrics.UnitError, match="piece.*kg"):
        metrics.change("production", (100, "piece"), (120, "kg"))


def test_carrier_may_be_given_by_position_as_documented():
    assert metrics.change("energy", (100, "L"), (80, "L"), "diesel").relative == pytest.approx(-0.2)


def test_quantities_work_whatever_display_format_is_set():
    saved = metrics.ureg.formatter.default_format
    metrics.ureg.formatter.default_format = "~H"
    try:
        assert metrics.change("water", Q_(1, "m**3"), Q_(900, "L")).relative == pytest.approx(-0.1)
    finally:
        metrics.ureg.formatter.default_format = saved


def test_the_change_names_its_indicator():
    c = metrics.change("water", (10, "m3"), (8, "m3"))
    assert c.indicator == "water" and c.relative == pytest.approx(8 / 10 - 1) and c.improved is True
