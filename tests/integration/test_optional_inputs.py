"""The optional inputs stored and used (issue 14 item 3, issue 11 item 6), on DuckDB and PostgreSQL: the renewable
share of electricity, hazardous waste, the water source and a material price go in through the write path (audited,
updated in place), come back in the export and the template, fill the enterprise's VSME and GRI workbook, and give
the value of material saved on the report, its HTML and its Excel. Revision 0017 leaves existing rows as they were.
"""
import io
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest
from alembic import command
from sqlalchemy import select, text

import metrics
from tracker import auth, db, disclosures, enterprises, handover, measurements
from tracker import io as tio
from tracker.db import session_scope
from tracker.models import AuditEntry
from tracker.report import enterprise_report

ADMIN = auth.system_user("test-admin")
BASE, FOLLOW = ("2024-01-01", "2024-03-31"), ("2025-01-01", "2025-03-31")  # 91 and 90 days
NAME = "Synthetic Optional SME"


def _row(period, phase, indicator, carrier, value, unit, **optional):
    return dict(enterprise=NAME, country="IN", sector="Rubber", period_start=period[0], period_end=period[1],
                phase=phase, indicator=indicator, carrier=carrier, value=value, unit=unit, note="", **optional)


ROWS = [
    _row(BASE, "baseline", "energy", "electricity", 91_000, "kWh"),
    _row(BASE, "baseline", "material_input", "rubber", 9.1, "t"),  # 100 kg a day
    _row(FOLLOW, "follow-up", "energy", "electricity", 10, "MWh", renewable_pct="30"),
    _row(FOLLOW, "follow-up", "material_input", "rubber", 8.1, "t", price="2500", currency="inr"),  # 90 kg a day
    _row(FOLLOW, "follow-up", "waste", "landfill", 4, "t"),
    _row(FOLLOW, "follow-up", "waste", "recycled", 5, "t"),
    _row(FOLLOW, "follow-up", "waste", "hazardous_incinerated", 500, "kg"),
    _row(FOLLOW, "follow-up", "water", "groundwater", 300, "m3"),
]


@pytest.fixture
def engine(db_url):
    e = db.open_database(db_url)
    measurements.save_measurements(e, ADMIN, metrics.parse(pd.DataFrame(ROWS)), create_enterprises=True)
    yield e
    e.dispose()


def _id(engine):
    return int(enterprises.list_enterprises(engine, ADMIN).set_index("name")["id"][NAME])


def test_the_inputs_are_stored_as_entered_and_not_entered_stays_empty(engine):
    with session_scope(engine, readonly=True) as s:
        df = measurements.measurement_frame(s, [_id(engine)])
    by = df.set_index(["phase", "indicator", "carrier"])
    assert by.loc[("follow-up", "energy", "electricity"), "renewable_pct"] == 30
    assert np.isnan(by.loc[("baseline", "energy", "electricity"), "renewable_pct"])  # not entered: NULL, not 0
    assert by.loc[("follow-up", "material_input", "rubber"), "price"] == 2500
    assert by.loc[("follow-up", "material_input", "rubber"), "currency"] == "INR"
    assert np.isnan(by.loc[("baseline", "material_input", "rubber"), "price"])
    assert by.loc[("baseline", "material_input", "rubber"), "currency"] == ""
    with engine.connect() as conn:  # stored as NULL, never as a NaN or 0
        nulls = conn.execute(text("SELECT count(*) FROM measurements WHERE renewable_pct IS NULL")).scalar()
    assert nulls == len(ROWS) - 1


def test_a_changed_price_updates_the_figure_in_place_audited_and_the_same_save_changes_nothing(engine):
    again = measurements.save_measurements(engine, ADMIN, metrics.parse(pd.DataFrame(ROWS)))
    assert again == {"inserted": 0, "updated": 0}
    changed = [dict(r) for r in ROWS]
    changed[3].update(price="2600")
    counts = measurements.save_measurements(engine, ADMIN, metrics.parse(pd.DataFrame(changed)))
    assert counts == {"inserted": 0, "updated": 1}
    with session_scope(engine, readonly=True) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert json.loads(entry.before)["price"] == 2500 and json.loads(entry.after)["price"] == 2600
    assert json.loads(entry.after)["currency"] == "INR"


def test_the_export_carries_the_inputs_and_imports_again_unchanged(engine):
    exported = tio.export_frame(engine, ADMIN)
    assert list(exported.columns) == metrics.TEMPLATE_COLUMNS
    rubber = exported[(exported["indicator"] == "material_input") & (exported["phase"] == "follow-up")].iloc[0]
    assert rubber["price"] == 2500 and rubber["currency"] == "INR"
    data = tio.export_bytes(engine, ADMIN, "xlsx")
    counts = tio.import_file(engine, ADMIN, data, "again.xlsx")
    assert counts == {"inserted": 0, "updated": 0}


def test_the_template_explains_the_optional_columns():
    book = openpyxl.load_workbook(io.BytesIO(tio.template_bytes("xlsx")))
    header = [c.value for c in book["measurements"][1]]
    assert header[-3:] == ["renewable_pct", "price", "currency"]
    meaning = {r[0]: r[1] for r in book["Instructions"].iter_rows(min_row=2, values_only=True)}
    assert "Optional, electricity rows only" in meaning["renewable_pct"]
    assert "Optional, material_input rows only" in meaning["price"]
    assert "hazardous_landfill" in meaning["carrier"] and "groundwater" in meaning["carrier"]



def test_the_vsme_and_gri_workbook_is_filled_by_hand(engine):
    data = disclosures.enterprise_workbook(engine, ADMIN, _id(engine))
    book = openpyxl.load_workbook(io.BytesIO(data))
    vsme = {r[1]: r[2] for r in book["VSME basic module"].iter_rows(min_row=2, values_only=True)}
    gri = {(r[0], r[1]): r[2] for r in book["GRI"].iter_rows(min_row=2, values_only=True)}
    # the latest period, Jan-Mar 2025: 10 MWh of electricity, 30 % renewable
    assert vsme["Energy consumption from renewable sources"] == pytest.approx(3.0)
    assert vsme["Energy consumption from non-renewable sources"] == pytest.approx(7.0)
    # waste 4 + 5 + 0.5 = 9.5 t, hazardous 0.5 t (incinerated), non-hazardous 9 t
    assert vsme["Total waste generated"] == pytest.approx(9.5)
    assert vsme["Hazardous waste"] == pytest.approx(0.5) and vsme["Non-hazardous waste"] == pytest.approx(9.0)
    assert gri[("306-5(b)", "Hazardous waste directed to disposal")] == pytest.approx(0.5)
    assert gri[("306-5(c)", "Non-hazardous waste directed to disposal")] == pytest.approx(4.0)
    assert gri[("306-4(b)", "Hazardous waste diverted from disposal")] == 0  # computed: none of it diverted
    assert gri[("303-3(a)(ii)", "Water withdrawal: groundwater")] == pytest.approx(300)
    assert gri[("303-3(a)(i)", "Water withdrawal: surface water")] == 0
    assert gri[("303-5", "Total water consumption")] == "not collected"


def test_the_report_its_html_and_its_excel_give_the_value_of_material_saved(engine):
    report = enterprise_report(engine, ADMIN, _id(engine))
    s = report.savings.iloc[0]
    # (100 - 90 kg a day) x 365 = 3,650 kg x 2,500 INR per t = 2.5 INR per kg: 9,125 INR a year
    assert s["value_saved_per_year"] == pytest.approx(9125.0) and s["currency"] == "INR"
    page = handover.report_html(report)
    assert "Value of material saved" in page and "9,125 INR" in page and "2,500 INR per t" in page
    book = openpyxl.load_workbook(io.BytesIO(handover.report_xlsx(report)))
    sheet = list(book["Value of material saved"].iter_rows(values_only=True))
    head = list(sheet[0])
    assert sheet[1][head.index("Value saved a year")] == pytest.approx(9125.0)
    assert sheet[1][head.index("Currency")] == "INR"


def test_revision_0017_leaves_existing_figures_as_they_were(engine):
    with engine.connect() as conn:
        before = conn.execute(text("SELECT id, value, unit, value_canonical, version FROM measurements "
                                   "ORDER BY id")).all()
    db.run_revisions(engine, command.downgrade, "0016")
    with engine.connect() as conn:
        columns = [r[0] for r in conn.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'measurements'")).all()]
    assert not {"renewable_pct", "price", "currency"} & set(columns)
    db.run_revisions(engine, command.upgrade, "head")
    with engine.connect() as conn:
        after = conn.execute(text("SELECT id, value, unit, value_canonical, version FROM measurements "
                                  "ORDER BY id")).all()
        empty = conn.execute(text("SELECT count(*) FROM measurements WHERE renewable_pct IS NULL AND price IS NULL "
                                  "AND currency IS NULL")).scalar()
    assert after == before and empty == len(ROWS)  # every row kept, its optional inputs not entered


def test_an_offline_visit_carries_the_optional_inputs_both_ways(tmp_path):
    from tests import visit_helpers as vh
    from tracker import visits

    server = vh.copy_of(vh.demo_file(tmp_path / "template"), tmp_path, "server")
    trainer = vh.sign_in(server, "trainer")
    frame = pd.DataFrame([_row(("2030-01-01", "2030-03-31"), "follow-up", "material_input", "", 1, "t", price="90",
                               currency="INR") | {"enterprise": vh.CASE}])
    measurements.save_measurements(server, trainer, metrics.parse(frame))
    laptop = db.open_database(f"duckdb:///{tmp_path / 'laptop'}.duckdb")
    visits.open_visit(laptop, visits.export_visit(server, trainer, "demo-trainer"))
    me = vh.sign_in(laptop, "trainer")
    with session_scope(laptop, readonly=True) as s:
        on_laptop = measurements.measurement_frame(s, None)
    carried = on_laptop[on_laptop["period_start"] == "2030-01-01"].iloc[0]
    assert carried["price"] == 90 and carried["currency"] == "INR"  # exported with the figure
    # on the laptop: electricity of the same period with its renewable share, and a new price
    laptop_rows = pd.DataFrame([
        _row(("2030-01-01", "2030-03-31"), "follow-up", "energy", "electricity", 5000, "kWh", renewable_pct="55")
        | {"enterprise": vh.CASE},
        _row(("2030-01-01", "2030-03-31"), "follow-up", "material_input", "", 1, "t", price="95", currency="INR")
        | {"enterprise": vh.CASE}])
    measurements.save_measurements(laptop, me, metrics.parse(laptop_rows))
    merged = visits.merge_visit(server, trainer, visits.pack_visit(laptop))
    assert merged is not None
    with session_scope(server, readonly=True) as s:
        back = measurements.measurement_frame(s, [vh.enterprise_id(server)])
    back = back[back["period_start"] == "2030-01-01"].set_index("indicator")
    assert back.loc["energy", "renewable_pct"] == 55
    assert back.loc["material_input", "price"] == 95 and back.loc["material_input", "currency"] == "INR"
    laptop.dispose()
    server.dispose()


def test_a_price_someone_else_changed_since_the_form_opened_is_not_overwritten_silently(engine):
    from tracker import errors

    eid = _id(engine)
    seen_by_one = measurements.versions(engine, ADMIN, eid)  # two people open the form
    seen_by_other = measurements.versions(engine, ADMIN, eid)
    one = [dict(r) for r in ROWS[3:4]]
    one[0].update(price="2600")
    measurements.save_measurements(engine, ADMIN, metrics.parse(pd.DataFrame(one)), expected=seen_by_one)
    other = [dict(r) for r in ROWS[3:4]]
    other[0].update(price="2700")  # the same quantity, another price: no silent overwrite of the first
    with pytest.raises(errors.ConcurrentChange) as told:
        measurements.save_measurements(engine, ADMIN, metrics.parse(pd.DataFrame(other)), expected=seen_by_other)
    change = told.value.changes.iloc[0]
    assert (change["theirs"], change["yours"]) == ("8.1 t, at 2600 INR per unit", "8.1 t, at 2700 INR per unit")
