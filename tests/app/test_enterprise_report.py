"""AppTest of the enterprise report page."""
import pytest

from tests.app.conftest import charts, goto, new_app, sign_in, table_with
from ui.shared import plain


def test_manager_sees_the_case_study_stages_and_reference(demo_db, use_db):
    use_db(demo_db)
    at = sign_in(new_app(), "demo-manager")
    assert not at.exception, at.exception
    stage = next(f for f in charts(at) if "stage" in f.layout.title.text)
    yield_trace = next(t for t in stage.data if t.name == "Yield (%)")
    assert [round(v) for v in yield_trace.y] == [78, 88, 95]
    waste_trace = next(t for t in stage.data if t.name == "Waste share (%)")
    assert [round(v) for v in waste_trace.y] == [22, 12, 5]
    assert [a.text for a in stage.layout.annotations] == ["▲ 1", "▲ 2"]  # numbered on the chart, listed below
    key = next(c.value for c in at.caption if c.value.startswith("Improvement actions marked")).replace("\\", "")
    assert "1: Guillotine machine" in key and "2: Preforming machine" in key
    changes = table_with(at, "indicator", "percentage points")
    row = changes[changes["indicator"] == "Yield"].iloc[0]
    assert row["percentage points"] == "+17.0 pp"
    assert row["relative change"] == "+21.8%"
    assert row["absolute change"] == "+17"
    labels = {b.label for b in at.get("download_button")}
    assert {"Report (HTML, works offline and prints)", "Figures (Excel)"} <= labels
    impacts = table_with(at, "Stage", "Scope 1, fuels (kg CO2e)", "Scope 2, electricity (kg CO2e)",
                         "Emissions, total scope 1 + 2 (kg CO2e)")  # in words, as people read them
    assert impacts["Materials wasted, kg per kg produced"].round(3).tolist() == [0.282, 0.136, 0.053]
    ref = table_with(at, "reported")
    assert set(ref["reported"]) == {"-40.0%", "-35.0%", "-27.0%"}
    assert at.get("selectbox") == [] or not any(s.key == "enterprise_picker" for s in at.selectbox)


def test_trainer_switches_enterprise_from_the_sidebar(demo_db, use_db):
    use_db(demo_db)
    at = sign_in(new_app(), "demo-trainer")
    picker = at.sidebar.selectbox(key="enterprise_picker")
    assert len(picker.options) > 1
    other = picker.options[1]
    picker.select_index(1)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == plain(other)  # the name, Markdown-escaped
    assert "Synthetic demo enterprise" in at.info[0].value


def test_hand_over_files_and_templates_are_made_when_asked_not_on_every_run(demo_db, use_db, monkeypatch):
    # regression: every run of the report built the HTML report and the Excel workbook, and every
    # run of Enter figures two templates, a tenth of a server's CPU per person
    from tracker import handover
    from tracker import io as tio

    made = []
    for module, name in ((handover, "report_html"), (handover, "report_xlsx"), (tio, "template_bytes")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _real=real, _name=name, **k: made.append(_name) or _real(*a, **k))
    use_db(demo_db)
    at = sign_in(new_app(), "demo-manager")
    labels = {b.label for b in at.get("download_button")}
    assert {"Report (HTML, works offline and prints)", "Figures (Excel)"} <= labels
    goto(at, "entry").run()
    assert not at.exception, at.exception
    assert {"Template (Excel)", "Template (CSV)"} <= {b.label for b in at.get("download_button")}
    assert made == []


@pytest.fixture
def own_demo_db(tmp_path, use_db):
    """A demo database of this test alone (its save would move the figures other tests read)."""
    from tests.app.conftest import PASSWORD
    from tracker import db, demo

    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    engine = db.open_database(url)
    demo.load(engine, PASSWORD)
    engine.dispose()
    return use_db(url)


def test_the_report_run_again_computes_nothing_and_a_save_shows_at_once(own_demo_db, monkeypatch):
    import datetime as dt

    from tests.app.conftest import click, field
    from tracker import report

    computed = []
    compute = report._compute
    monkeypatch.setattr(report, "_compute", lambda df: computed.append(len(df)) or compute(df))
    report.forget_figures()
    at = sign_in(new_app(), "demo-manager")
    assert not at.exception, at.exception

    def energy():
        changes = table_with(at, "indicator", "relative change")
        return changes.set_index("indicator").loc["Energy", "relative change"]

    before = energy()
    at.run()  # the page run again (a button pressed, the page opened again)
    assert energy() == before and len(computed) == 1
    goto(at, "entry").run()
    field(at, "selectbox", "entry", "phase").select("follow-up")
    field(at, "date_input", "entry", "start").set_value(dt.date(2027, 1, 1))
    field(at, "date_input", "entry", "end").set_value(dt.date(2027, 1, 31))
    field(at, "text_input", "entry", "energy_electricity_value").input("100")
    field(at, "checkbox", "entry", "confirm").check()
    click(at, "Save")
    assert not at.exception and [s.value for s in at.success], (at.exception, at.warning, at.error)
    goto(at, "report").run()
    after = energy()
    assert after != before and len(computed) == 2
    report.forget_figures()  # what a fresh process shows
    fresh = sign_in(new_app(), "demo-manager")
    assert table_with(fresh, "indicator", "relative change").set_index("indicator").loc[
        "Energy", "relative change"] == after
