"""Services: access by role at the service layer, upsert, validation, the programme overview."""
import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

import metrics
from tracker import auth, db, demo, enterprises, errors, measurements, published
from tracker.auth import system_user
from tracker.models import Measurement
from tracker.report import enterprise_report

ADMIN = system_user("test-admin")


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    url = f"duckdb:///{tmp_path_factory.mktemp('svc') / 'demo.duckdb'}"
    eng = db.open_database(url)
    demo.load(eng, "demo-password")
    yield eng
    eng.dispose()


def save(engine, user, rows, **kw):
    """Parse template rows (a frame, or a list of dicts) and store them."""
    return measurements.save_measurements(engine, user, metrics.parse(pd.DataFrame(rows)), **kw)


def _user(engine, name):
    return auth.authenticate(engine, name, "demo-password")


def _other_enterprise(engine, user):
    admin = _user(engine, "demo-admin")
    ids = enterprises.list_enterprises(engine, admin)["id"]
    return int(next(i for i in ids if i not in user.enterprise_ids))


def test_manager_reads_only_their_enterprise(demo_engine):
    manager = _user(demo_engine, "demo-manager")
    assert enterprises.list_enterprises(demo_engine, manager)["id"].tolist() == list(manager.enterprise_ids)
    other = _other_enterprise(demo_engine, manager)
    with pytest.raises(errors.AccessDenied):
        enterprise_report(demo_engine, manager, other)
    with pytest.raises(errors.AccessDenied):
        published.programme_overview(demo_engine, manager)


def test_officer_sees_aggregates_not_enterprise_figures(demo_engine):
    officer = _user(demo_engine, "demo-officer")
    ov = published.programme_overview(demo_engine, officer)
    assert ov.enterprises >= 31
    assert set(ov.summary["indicator"]) >= {"energy", "waste", "material_wasted", "yield"}
    any_id = int(enterprises.list_enterprises(demo_engine, officer)["id"].iloc[0])
    with pytest.raises(errors.AccessDenied):
        enterprise_report(demo_engine, officer, any_id)


def test_trainer_reads_assigned_enterprises_only(demo_engine):
    trainer = _user(demo_engine, "demo-trainer")
    visible = enterprises.list_enterprises(demo_engine, trainer)
    assert set(visible["id"]) == set(trainer.enterprise_ids) and len(visible) > 1
    enterprise_report(demo_engine, trainer, trainer.enterprise_ids[-1])
    with pytest.raises(errors.AccessDenied):
        enterprise_report(demo_engine, trainer, _other_enterprise(demo_engine, trainer))


def _row(**kw):
    base = dict(enterprise=demo.CASE_STUDY, country="IN", sector="Rubber and plastics",
                period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 1, 31), phase="follow-up",
                indicator="energy", carrier="electricity", value=1.2, unit="MWh", note="")
    base.update(kw)
    return base


def test_save_upserts_instead_of_duplicating(db_url):
    engine = db.open_database(db_url)
    demo.load(engine, "demo-password")
    manager = _user(engine, "demo-manager")
    eid = manager.enterprise_ids[0]
    before = len(enterprise_report(engine, manager, eid).measurements)
    assert save(engine, manager, [_row()]) == {"inserted": 1, "updated": 0}
    assert save(engine, manager, [_row(value=1300, unit="kWh")]) == {"inserted": 0, "updated": 1}
    m = enterprise_report(engine, manager, eid).measurements
    assert len(m) == before + 1
    stored = m[(m["period_start"] == "2025-01-01") & (m["indicator"] == "energy")].iloc[0]
    assert (stored["value"], stored["unit"], stored["value_canonical"]) == (1300, "kWh", 1300)
    engine.dispose()


def test_bad_rows_store_nothing_and_name_the_row(demo_engine):
    manager = _user(demo_engine, "demo-manager")
    eid = manager.enterprise_ids[0]
    before = len(enterprise_report(demo_engine, manager, eid).measurements)
    rows = pd.DataFrame([_row(period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 1, 31)),
                         _row(period_start=dt.date(2026, 2, 1), period_end=dt.date(2026, 2, 28), unit="kg")])
    with pytest.raises(errors.RejectedInput) as err:
        measurements.save_measurements(demo_engine, manager, metrics.parse(rows))
    assert "unit" in set(err.value.problems["column"])
    assert len(enterprise_report(demo_engine, manager, eid).measurements) == before


def test_manager_cannot_write_another_enterprise(demo_engine):
    manager = _user(demo_engine, "demo-manager")
    admin = _user(demo_engine, "demo-admin")
    other = enterprises.list_enterprises(demo_engine, admin)
    name = other.loc[other["id"] != manager.enterprise_ids[0], "name"].iloc[0]
    with pytest.raises(errors.AccessDenied):
        measurements.save_measurements(demo_engine, manager, metrics.parse(pd.DataFrame([_row(enterprise=name)])))


def test_batches_naming_many_enterprises_upsert(db_url):
    # names and stored figures are read by db.read_frame, which takes any number of names or ids
    engine = db.open_database(db_url)
    admin = auth.system_user("t")
    rows = pd.DataFrame([_row(enterprise=f"E{i}", value=i + 1) for i in range(2500)])
    assert save(engine, admin, rows, create_enterprises=True) == {"inserted": 2500, "updated": 0}
    rows.loc[0, "value"] = 99
    assert save(engine, admin, rows, create_enterprises=True) == {"inserted": 0, "updated": 1}
    with db.session_scope(engine, readonly=True) as session:
        ids = enterprises.ids_by_name(session, [f"E{i}" for i in range(2600)])
    assert sorted(ids) == sorted(f"E{i}" for i in range(2500)) and len(set(ids.values())) == 2500
    engine.dispose()


def test_a_file_with_two_rows_for_one_figure_is_refused_naming_both(db_url):
    engine = db.open_database(db_url)
    row = dict(enterprise="Dup SME", country="KE", sector="S", period_start="2024-01-01", period_end="2024-01-31",
               phase="baseline", indicator="energy", carrier="diesel", value=300, unit="L", note="")
    with pytest.raises(errors.RejectedInput) as refused:
        save(engine, ADMIN, [row, dict(row, value=50)], create_enterprises=True)
    p = refused.value.problems
    assert p[["row", "column"]].values.tolist() == [[3, "carrier"]] and "as line 2" in p["reason"].iloc[0]
    engine.dispose()


def test_a_save_without_notes_keeps_the_stored_notes(db_url):
    # regression: re-saving a period through the form wiped "published case-study figure"
    engine = db.open_database(db_url)
    row = dict(enterprise="Note SME", country="KE", sector="S", period_start="2024-01-01", period_end="2024-01-31",
               phase="baseline", indicator="water", carrier="", value=5, unit="m3", note="meter reading")
    save(engine, ADMIN, [row], create_enterprises=True)
    counts = save(engine, ADMIN, [dict(row, value=6, note=None)])
    assert counts == {"inserted": 0, "updated": 1}
    with db.session_scope(engine, readonly=True) as s:
        assert s.execute(select(Measurement.value, Measurement.note)).all() == [(6.0, "meter reading")]
    save(engine, ADMIN, [dict(row, value=6, note="")])  # a file's blank note
    with db.session_scope(engine, readonly=True) as s:
        assert s.scalar(select(Measurement.note)) == ""
    engine.dispose()


def test_a_period_entered_by_mistake_is_deleted_with_audit_and_summary(db_url):
    from tracker import accounts
    from tracker.models import EnterpriseSummary

    engine = db.open_database(db_url)
    base = dict(enterprise="Period SME", country="KE", sector="S", indicator="water", carrier="", unit="m3", note="")
    measurements.save_measurements(engine, ADMIN, metrics.parse(pd.DataFrame([
        dict(base, period_start="2024-01-01", period_end="2024-01-31", phase="baseline", value=10),
        dict(base, period_start="2025-01-01", period_end="2025-01-31", phase="follow-up", value=5),
        dict(base, period_start="2205-01-01", period_end="2205-01-31", phase="follow-up", value=9)])),
        create_enterprises=True)
    eid = int(enterprises.list_enterprises(engine, ADMIN)["id"].iloc[0])
    periods = measurements.stored_periods(engine, ADMIN, eid)
    assert periods["figures"].tolist() == [1, 1, 1]
    with pytest.raises(errors.AccessDenied):
        measurements.delete_period(engine, system_user("m", role="manager"),
                               eid, "follow-up", dt.date(2205, 1, 1), dt.date(2205, 1, 31))
    assert measurements.delete_period(engine, ADMIN, eid, "follow-up", dt.date(2205, 1, 1), dt.date(2205, 1, 31)) == 1
    assert len(measurements.stored_periods(engine, ADMIN, eid)) == 2
    with db.session_scope(engine, readonly=True) as s:  # the latest follow-up is 2025 again
        assert s.scalar(select(EnterpriseSummary.relative_change)) == pytest.approx(-0.5)
    log = accounts.audit_log(engine, ADMIN, accounts.AuditFilters(action="delete"))
    assert len(log) == 1 and "2205-01-01" in str(log.iloc[0].to_dict())
    with pytest.raises(LookupError):
        measurements.delete_period(engine, ADMIN, eid, "follow-up", dt.date(2205, 1, 1), dt.date(2205, 1, 31))
    engine.dispose()
