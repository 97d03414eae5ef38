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
