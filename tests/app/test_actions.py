"""AppTest of the improvement-actions page."""
import datetime as dt

from tests.app.conftest import charts, choose, click, field, goto, open_page


def test_manager_records_an_action_and_it_shows_on_the_chart(demo_db, use_db):
    use_db(demo_db)
    at = open_page("demo-manager", "actions")
    assert len(at.dataframe[0].value) == 2  # the guillotine and the preforming machine
    field(at, "date_input", "action", "date").set_value(dt.date(2024, 2, 1))
    field(at, "text_input", "action", "description").input("Sorting bins for rubber offcuts")
    field(at, "text_input", "action", "investment").input("1,200")
    field(at, "text_input", "action", "currency").input("inr")
    field(at, "multiselect", "action", "indicators").select("waste")
    click(at, "Save")
    assert at.success[0].value == "Action saved."
    assert field(at, "text_input", "action", "description").value == ""  # an empty form for the next one
    table = at.dataframe[0].value
    row = table[table["What was done"] == "Sorting bins for rubber offcuts"].iloc[0]
    assert (row["Investment"], row["Currency"], row["Indicators affected"]) == (1200.0, "INR", "Waste produced")
    goto(at, "report")
    at.run()
    stage = next(f for f in charts(at) if "stage" in f.layout.title.text)
    sorting = next(a for a in stage.layout.annotations if "Sorting bins" in a.hovertext)  # numbered, whole on hover
    assert sorting.text == "▲ 3"  # the third action by date
    key = next(c.value for c in at.caption if c.value.startswith("Improvement actions marked")).replace("\\", "")
    assert "3: Sorting bins for rubber offcuts (01 Feb 2024)" in key


def test_an_empty_description_is_refused(demo_db, use_db):
    use_db(demo_db)
    at = open_page("demo-manager", "actions")
    field(at, "date_input", "action", "date").set_value(dt.date(2025, 5, 1))
    field(at, "text_input", "action", "investment").input("250000")
    click(at, "Save")
    assert "Describe the action" in at.error[0].value
    # what was typed stays, so only the description needs adding
    assert field(at, "date_input", "action", "date").value == dt.date(2025, 5, 1)
    assert field(at, "text_input", "action", "investment").value == "250000"


def test_recording_an_action_again_says_it_exists_instead_of_saved(demo_db, use_db):
    use_db(demo_db)
    at = open_page("demo-manager", "actions")
    for investment in ("250000", "99"):
        field(at, "date_input", "action", "date").set_value(dt.date(2025, 5, 2))
        field(at, "text_input", "action", "description").input("Contract to sell the remaining waste")
        field(at, "text_input", "action", "investment").input(investment)
        click(at, "Save")
    assert not at.success and "recorded already" in at.error[0].value
    table = at.dataframe[0].value
    sold = table["What was done"] == "Contract to sell the remaining waste"
    assert table.loc[sold, "Investment"].tolist() == [250000.0]


def test_an_action_recorded_by_mistake_is_deleted(demo_db, use_db):
    use_db(demo_db)
    at = open_page("demo-manager", "actions")
    field(at, "date_input", "action", "date").set_value(dt.date(2024, 2, 3))
    field(at, "text_input", "action", "description").input("Recorded twice by mistake")
    click(at, "Save")
    label = "2024-02-03: Recorded twice by mistake"
    choose(at, field(at, "selectbox", "action", "delete_pick").key, label)
    click(at, "Delete")
    assert "Tick 'Yes, delete it'" in at.warning[0].value
    assert "Recorded twice by mistake" in at.dataframe[0].value["What was done"].tolist()
    box = field(at, "selectbox", "action", "delete_pick")
    assert box.format_func(box.value) == label  # kept over the rerun
    field(at, "checkbox", "action", "delete_sure").check()
    click(at, "Delete")
    assert not at.exception, at.exception
    assert at.success[0].value == r"Deleted: 2024\-02\-03\: Recorded twice by mistake"  # the label is escaped
    assert "Recorded twice by mistake" not in at.dataframe[0].value["What was done"].tolist()
    assert "id" not in at.dataframe[0].value.columns
