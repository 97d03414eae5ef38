"""AppTest of the optional inputs on the entry form (issue 14 item 3, issue 11 item 6): the renewable share of
electricity, hazardous waste, the water source and a material price with its currency are saved as entered;
wrong ones are refused beside their line and nothing is saved."""
import datetime as dt

import pytest

from tests.app.conftest import click, field, open_page
from tracker import db, measurements
from tracker.db import session_scope


@pytest.fixture
def entry_page(demo_db, use_db):
    use_db(demo_db)
    at = open_page("demo-manager", "entry")
    field(at, "selectbox", "entry", "phase").select("follow-up")
    field(at, "date_input", "entry", "start").set_value(dt.date(2024, 7, 1))
    field(at, "date_input", "entry", "end").set_value(dt.date(2024, 9, 30))
    return at


def _stored(url, start):
    engine = db.open_database(url)
    try:
        with session_scope(engine, readonly=True) as s:
            df = measurements.measurement_frame(s, None)
    finally:
        engine.dispose()
    return df[df["period_start"] == start]


def test_the_optional_inputs_are_marked_optional_and_saved(entry_page, demo_db):
    at = entry_page
    labels = [w.label for w in at.text_input]
    assert "Renewable share of electricity, % (optional)" in labels
    assert "Material price per unit (optional)" in labels and "Currency of the price (optional)" in labels
    field(at, "text_input", "entry", "energy_electricity_value").input("16,500")
    field(at, "text_input", "entry", "energy_electricity_renewable_pct").input("40")
    field(at, "text_input", "entry", "material_input_value").input("10")
    field(at, "selectbox", "entry", "material_input_unit").select("t")
    field(at, "text_input", "entry", "material_input_price").input("2,500")
    field(at, "text_input", "entry", "material_input_currency").input("INR")
    field(at, "text_input", "entry", "waste_hazardous_value").input("120")
    field(at, "selectbox", "entry", "waste_hazardous_carrier").select("incinerated")
    field(at, "text_input", "entry", "water_value").input("80")
    field(at, "selectbox", "entry", "water_carrier").select("groundwater")
    field(at, "checkbox", "entry", "confirm").check()
    click(at, "Save")
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("4 new figures" in s.value for s in at.success), [s.value for s in at.success]
    got = _stored(demo_db, "2024-07-01").set_index(["indicator", "carrier"])
    assert got.loc[("energy", "electricity"), "renewable_pct"] == 40
    assert got.loc[("material_input", ""), "price"] == 2500 and got.loc[("material_input", ""), "currency"] == "INR"
    assert got.loc[("waste", "hazardous_incinerated"), "value"] == 120
    assert got.loc[("water", "groundwater"), "value"] == 80


@pytest.mark.parametrize("line, name, typed, says", [
    ("energy_electricity", "renewable_pct", "130", "the renewable share is over 100%"),
    ("material_input", "price", "-5", "the price is negative or not a finite number"),
])
def test_a_wrong_optional_input_is_refused_beside_its_line(entry_page, demo_db, line, name, typed, says):
    at = entry_page
    field(at, "date_input", "entry", "start").set_value(dt.date(2024, 10, 1))
    field(at, "date_input", "entry", "end").set_value(dt.date(2024, 12, 31))
    field(at, "text_input", "entry", f"{line}_value").input("100")
    field(at, "text_input", "entry", f"{line}_{name}").input(typed)
    if name == "price":
        field(at, "text_input", "entry", "material_input_currency").input("INR")
    click(at, "Save")
    assert any(says in e.value for e in at.error), [e.value for e in at.error]
    assert any("Nothing was saved" in e.value for e in at.error)
    assert _stored(demo_db, "2024-10-01").empty  # nothing of this period stored
    assert field(at, "text_input", "entry", f"{line}_{name}").value == typed  # kept as typed
