"""AppTest of the profile page: edit the profile, record a module, advice and validation."""
import datetime as dt

from tests.app.conftest import choose, click, field, open_page


def open_profile(demo_db, use_db):
    use_db(demo_db)
    at = open_page("demo-manager", "profile")
    return at


def test_profile_shows_trainers_and_modules(demo_db, use_db):
    at = open_profile(demo_db, use_db)
    assert r"demo\-trainer" in at.caption[0].value  # user names are Markdown-escaped
    modules = at.dataframe[0].value["module"].tolist()
    assert modules[0] == "Workplace Cooperation" and "SCORE4Climate" in modules


def test_bad_country_is_refused_and_a_good_edit_saved(demo_db, use_db):
    at = open_profile(demo_db, use_db)
    field(at, "text_input", "profile", "country").input("1N")
    click(at, "Save profile")
    assert r"two\-letter" in at.error[0].value  # messages are Markdown-escaped
    field(at, "text_input", "profile", "country").input("in")
    field(at, "selectbox", "profile", "partner").select("Kenya Association of Manufacturers (synthetic)")
    click(at, "Save profile")
    assert at.success[0].value == "Profile saved."
    assert field(at, "selectbox", "profile", "partner").value == "Kenya Association of Manufacturers (synthetic)"


def test_recording_a_module_gives_advice_on_attendees(demo_db, use_db):
    at = open_profile(demo_db, use_db)
    field(at, "selectbox", "training", "module").select("Lean Manufacturing")
    field(at, "date_input", "training", "start").set_value(dt.date(2025, 3, 1))
    field(at, "date_input", "training", "end").set_value(dt.date(2025, 3, 20))
    field(at, "number_input", "training", "mm").set_value(0)
    click(at, "Save module")
    assert at.success[0].value == "Lean Manufacturing saved."
    assert any("two managers and two workers" in i.value for i in at.info)


def test_a_refused_module_keeps_what_was_typed(demo_db, use_db):
    at = open_profile(demo_db, use_db)
    field(at, "date_input", "training", "start").set_value(dt.date(2025, 2, 10))
    field(at, "date_input", "training", "end").set_value(dt.date(2025, 2, 1))
    field(at, "text_input", "training", "cohort").input("2025-H1")
    click(at, "Save module")
    assert at.error and not at.success
    assert field(at, "text_input", "training", "cohort").value == "2025-H1"
    assert field(at, "date_input", "training", "start").value == dt.date(2025, 2, 10)
    field(at, "date_input", "training", "end").set_value(dt.date(2025, 2, 20))
    click(at, "Save module")
    assert at.success and field(at, "text_input", "training", "cohort").value == ""  # saved: an empty form


def test_a_recorded_module_is_corrected_and_deleted(demo_db, use_db):
    at = open_profile(demo_db, use_db)
    field(at, "selectbox", "training", "module").select("Gender Equality")
    field(at, "date_input", "training", "start").set_value(dt.date(2025, 6, 1))
    field(at, "date_input", "training", "end").set_value(dt.date(2025, 6, 2))
    click(at, "Save module")
    assert at.success[0].value == "Gender Equality saved."
    table = at.dataframe[0].value
    assert "Gender Equality" in table["module"].tolist() and "id" not in table.columns
    pick = next(s for s in at.selectbox if s.key.startswith("training_edit_pick_")).key
    choose(at, pick, "Gender Equality (2025-06-01)").run()
    tid = next(t.key for t in at.text_input if t.key.startswith("edit_cohort_")).rsplit("_", 1)[1]
    assert at.text_input(key=f"edit_cohort_{tid}").value == ""  # the picked record's values are shown
    at.text_input(key=f"edit_cohort_{tid}").input("2025-H1")
    at.number_input(key=f"edit_workers_female_{tid}").set_value(2)
    click(at, "Save changes")
    assert not at.exception, at.exception
    assert at.success[0].value == "Gender Equality record updated."
    table = at.dataframe[0].value
    row = table[table["module"] == "Gender Equality"].iloc[0]
    assert (row["cohort"], row["workers_female"]) == ("2025-H1", 2)
    box = next(s for s in at.selectbox if s.key.startswith("training_edit_pick_"))
    assert box.format_func(box.value) == "Gender Equality (2025-06-01)"  # kept over the rerun
    click(at, "Delete")
    assert "Tick the box" in at.warning[0].value
    assert "Gender Equality" in at.dataframe[0].value["module"].tolist()
    at.checkbox(key=f"edit_sure_{tid}").check()
    click(at, "Delete")
    assert at.success[0].value == "Gender Equality record deleted."
    assert "Gender Equality" not in at.dataframe[0].value["module"].tolist()


def test_advice_is_shown_for_modules_already_recorded(demo_db, use_db):
    at = open_profile(demo_db, use_db)
    field(at, "selectbox", "training", "module").select("Quality Management")
    field(at, "number_input", "training", "wf").set_value(0)
    click(at, "Save module")
    at = open_profile(demo_db, use_db)  # a fresh session: the advice comes from the stored records
    assert any("Quality Management" in i.value and "two of each" in i.value for i in at.info)


def test_a_refused_target_keeps_what_was_typed_and_a_good_one_is_listed(demo_db, use_db):
    at = open_profile(demo_db, use_db)
    field(at, "selectbox", "target", "indicator").set_value("water")
    field(at, "text_input", "target", "reduction").input("15")
    field(at, "date_input", "target", "date").set_value(dt.date(2023, 3, 1))  # before the baseline's end
    click(at, "Save target")
    assert any("after the end of the baseline" in e.value and r"2023\-03\-31" in e.value for e in at.error)
    assert not at.success
    assert field(at, "text_input", "target", "reduction").value == "15"
    field(at, "date_input", "target", "date").set_value(dt.date(2027, 12, 31))
    click(at, "Save target")
    assert at.success[0].value == "Target for Water saved."
    table = at.dataframe[0].value  # above the modules
    assert table.iloc[0]["target"] == "-15.0% absolute by 31 Dec 2027"
    assert field(at, "text_input", "target", "reduction").value == "20"  # saved: a fresh form
