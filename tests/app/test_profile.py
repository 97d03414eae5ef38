"""AppTest of the profile page: edit the profile, record a module, advice and validation."""
import datetime as dt

from tests.app.conftest import click, new_app, sign_in


def open_profile(demo_db, use_db):
    use_db(demo_db)
    at = sign_in(new_app(), "demo-manager")
    at.switch_page("views/profile.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_profile_shows_trainers_and_modules(demo_db, use_db):
    at = open_profile(demo_db, use_db)
    assert "demo-trainer" in at.caption[0].value
    modules = at.dataframe[0].value["module"].tolist()
    assert modules[0] == "Workplace Cooperation" and "SCORE4Climate" in modules


def test_bad_country_is_refused_and_a_good_edit_saved(demo_db, use_db):
    at = open_profile(demo_db, use_db)
    at.text_input(key="profile_country").input("1N")
    click(at, "Save profile")
    assert "two-letter" in at.error[0].value
    at.text_input(key="profile_country").input("in")
    at.text_input(key="profile_partner").input("Chamber of Commerce (synthetic)")
    click(at, "Save profile")
    assert at.success[0].value == "Profile saved."


def test_recording_a_module_gives_advice_on_attendees(demo_db, use_db):
    at = open_profile(demo_db, use_db)
    at.selectbox(key="training_module").select("Lean Manufacturing")
    at.date_input(key="training_start").set_value(dt.date(2025, 3, 1))
    at.date_input(key="training_end").set_value(dt.date(2025, 3, 20))
    at.number_input(key="training_mm").set_value(0)
    click(at, "Save module")
    assert at.success[0].value == "Lean Manufacturing saved."
    assert any("two managers and two workers" in i.value for i in at.info)
