"""AppTest of the data-entry page: save, messages beside the field, the unusual-figure check."""
import datetime as dt

import pytest

from tests.app.conftest import click, field, open_page
from ui.shared import plain


@pytest.fixture
def entry_page(demo_db, use_db):
    use_db(demo_db)
    at = open_page("demo-manager", "entry")
    field(at, "selectbox", "entry", "phase").select("follow-up")
    field(at, "date_input", "entry", "start").set_value(dt.date(2024, 4, 1))
    field(at, "date_input", "entry", "end").set_value(dt.date(2024, 6, 30))
    return at


def test_manager_saves_a_period(entry_page):
    at = entry_page
    field(at, "text_input", "entry", "energy_electricity_value").input("16,500")
    field(at, "text_input", "entry", "yield_value").input("93")
    click(at, "Save")
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [
        r"Saved for Mechanical seals maker \(case study, India\), follow-up 2024-04-01 to 2024-06-30: "
        "2 new figures, 0 updated."]
    # the form starts afresh, so a second Save cannot store the same lines by accident
    assert field(at, "text_input", "entry", "energy_electricity_value").value == ""
    click(at, "Save")
    assert not at.success and any("Nothing to save" in w.value for w in at.warning)



def test_a_save_is_one_run_of_the_page(entry_page, monkeypatch):
    # the figures are saved before the form is drawn, so the page is drawn once, with an empty form
    # (it was drawn, then saved and run again: a second run of app.py and the page for every save)
    import ui.shared

    runs = []
    real = ui.shared.init_state
    monkeypatch.setattr(ui.shared, "init_state", lambda: runs.append(1) or real())
    at = entry_page
    stored = [e.label for e in at.expander if e.label.startswith("Stored periods")]
    field(at, "date_input", "entry", "start").set_value(dt.date(2025, 2, 1))  # a period no other test writes
    field(at, "date_input", "entry", "end").set_value(dt.date(2025, 2, 28))
    field(at, "text_input", "entry", "water_value").input("300")
    click(at, "Save")
    assert not at.exception, at.exception
    assert not at.warning and not at.error
    assert len(runs) == 1
    assert [s.value for s in at.success] == [
        r"Saved for Mechanical seals maker \(case study, India\), follow-up 2025-02-01 to 2025-02-28: "
        "1 new figure, 0 updated."]
    assert field(at, "text_input", "entry", "water_value").value == ""  # a new, empty form
    n = int(stored[0].split("(")[1].rstrip(")"))
    assert [e.label for e in at.expander if e.label.startswith("Stored periods")] == [f"Stored periods ({n + 1})"]


def test_a_trainer_s_form_does_not_follow_them_to_another_enterprise(demo_db, use_db):
    # regression: figures typed for one enterprise were saved into the next one picked
    use_db(demo_db)
    at = open_page("demo-trainer", "entry")
    first = at.title[0].value
    field(at, "text_input", "entry", "energy_electricity_value").input("44000")
    field(at, "checkbox", "entry", "confirm").check()
    at.run()
    other = [o for o in at.selectbox(key="enterprise_picker").options if plain(o) not in first][0]
    at.selectbox(key="enterprise_picker").select(other)
    at.run()
    assert at.title[0].value != first
    assert field(at, "text_input", "entry", "energy_electricity_value").value == ""
    assert field(at, "checkbox", "entry", "confirm").value is False
    click(at, "Save")
    assert not at.success


def test_messages_appear_beside_the_field(entry_page):
    at = entry_page
    field(at, "text_input", "entry", "yield_value").input("120")
    field(at, "text_input", "entry", "water_value").input("-4")
    click(at, "Save")
    errors = [e.value for e in at.error]
    assert "yield is over 100%" in errors
    assert "value is negative" in errors
    assert any("Nothing was saved" in e for e in errors)


def test_a_thousandfold_figure_asks_for_confirmation(entry_page):
    at = entry_page
    field(at, "date_input", "entry", "start").set_value(dt.date(2024, 10, 1))  # a period no other test writes
    field(at, "date_input", "entry", "end").set_value(dt.date(2024, 12, 31))
    field(at, "text_input", "entry", "energy_electricity_value").input("17000")
    field(at, "selectbox", "entry", "energy_electricity_unit").select("MWh")
    click(at, "Save")
    hint = " ".join(w.value for w in at.warning)
    assert "Did you mean kWh instead of MWh?" in hint
    assert not at.success
    field(at, "checkbox", "entry", "confirm").check()
    click(at, "Save")
    assert at.success and "1 new" in at.success[0].value
    # the confirmation covered those figures only: the next unusual one is asked about again
    assert field(at, "checkbox", "entry", "confirm").value is False


def test_wrong_dimension_is_refused(entry_page):
    at = entry_page
    field(at, "text_input", "entry", "energy_fuel_1_value").input("5")
    field(at, "selectbox", "entry", "energy_fuel_1_carrier").select("coal")
    field(at, "selectbox", "entry", "energy_fuel_1_unit").select("L")
    click(at, "Save")
    assert any("by mass or energy" in e.value for e in at.error)


def test_upload_names_the_bad_row(entry_page):
    at = entry_page
    name = '"Mechanical seals maker (case study, India)"'  # quoted: the name holds a comma
    good = ("enterprise,country,sector,period_start,period_end,phase,indicator,carrier,value,unit,note\n"
            f"{name},IN,Rubber,2024-07-01,2024-07-31,follow-up,water,,5,m3,\n"
            f"{name},IN,Rubber,2024-07-01,2024-07-31,follow-up,waste,sold,5,kWh,\n")
    field(at, "file_uploader", "upload", "file").upload("figures.csv", good.encode(), "text/csv")
    at.run()
    click(at, "Import file")
    assert "refused" in at.error[0].value
    problems = next(d.value for d in at.dataframe if "line" in d.value.columns)
    assert problems.iloc[0]["line"] == 3 and problems.iloc[0]["column"] == "unit"


def _stored_periods(at):
    return next(d.value for d in at.dataframe if "Figures" in d.value.columns)


def test_a_period_entered_by_mistake_is_deleted(entry_page):
    at = entry_page
    field(at, "date_input", "entry", "start").set_value(dt.date(2035, 4, 1))  # a typo for 2025
    field(at, "date_input", "entry", "end").set_value(dt.date(2035, 6, 30))
    field(at, "text_input", "entry", "water_value").input("40")
    click(at, "Save")
    assert not at.error and not at.warning, ([e.value for e in at.error], [w.value for w in at.warning])
    starts = _stored_periods(at)["Period start"].astype(str).tolist()
    assert starts.count("2035-04-01") == 1
    field(at, "selectbox", "entry", "delete_period_pick").select(starts.index("2035-04-01"))
    click(at, "Delete")
    assert any("Tick" in w.value for w in at.warning)
    field(at, "checkbox", "entry", "delete_period_sure").check()
    click(at, "Delete")
    assert not at.exception, at.exception
    assert any("Deleted 1 figure" in s.value for s in at.success)
    assert "2035-04-01" not in _stored_periods(at)["Period start"].astype(str).tolist()
