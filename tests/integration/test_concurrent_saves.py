"""Two people saving the same period: the second finds out what changed (row versions), and the
audit log holds every value written."""
import json
import threading

import pandas as pd
import pytest
from sqlalchemy import select

import metrics
from tracker import auth, db, errors, measurements
from tracker.db import session_scope
from tracker.models import AuditEntry, Measurement

ADMIN = auth.system_user("test-admin")


def _rows(figures, enterprise="Seals SME", start="2025-01-01", end="2025-03-31", phase="follow-up"):
    """The entry form's rows for one period: (indicator, carrier, value, unit) each."""
    return metrics.parse(pd.DataFrame([dict(enterprise=enterprise, country="IN", sector="Rubber", period_start=start,
                                            period_end=end, phase=phase, indicator=i, carrier=c, value=v, unit=u,
                                            note=None) for i, c, v, u in figures]))


@pytest.fixture
def two_people(db_url):
    """An enterprise with a baseline, its manager and its trainer, each signed in."""
    engine = db.open_database(db_url)
    measurements.save_measurements(engine, ADMIN, _rows([("energy", "electricity", 900.0, "kWh")], start="2024-01-01",
                                                        end="2024-03-31", phase="baseline"), create_enterprises=True)
    eid = _id(engine)
    with session_scope(engine) as s:
        auth.upsert_user(s, "manager", "manager-password", "manager", [eid])
        auth.upsert_user(s, "trainer", "trainer-password", "trainer", [eid])
    people = (auth.authenticate(engine, "manager", "manager-password"),
              auth.authenticate(engine, "trainer", "trainer-password"))
    yield engine, eid, people
    engine.dispose()


def _id(engine):
    with session_scope(engine) as s:
        return s.scalar(select(Measurement.enterprise_id).limit(1))


def _stored(engine, indicator="energy"):
    with session_scope(engine) as s:
        return s.execute(select(Measurement.value, Measurement.unit, Measurement.updated_by, Measurement.version)
                         .where(Measurement.indicator == indicator, Measurement.phase == "follow-up")).all()


def test_the_second_save_of_a_period_is_told_what_changed_and_decides(two_people):
    # regression: the last save won silently, and the first value was in the audit log only as a count
    engine, eid, (manager, trainer) = two_people
    seen_by_manager = measurements.versions(engine, manager, eid)  # both open the form
    seen_by_trainer = measurements.versions(engine, trainer, eid)
    measurements.save_measurements(engine, manager, _rows([("energy", "electricity", 800.0, "kWh")]),
                                   expected=seen_by_manager)
    with pytest.raises(errors.ConcurrentChange) as told:
        measurements.save_measurements(engine, trainer, _rows([("energy", "electricity", 750.0, "kWh"),
                                                               ("water", "", 30.0, "m3")]),
                                       expected=seen_by_trainer)
    change = told.value.changes.iloc[0]
    assert len(told.value.changes) == 1
    assert (change["indicator"], change["theirs"], change["by"], change["yours"]) == ("energy", "800 kWh", "manager",
                                                                                      "750 kWh")
    assert "manager" in str(told.value)
    assert _stored(engine) == [(800.0, "kWh", "manager", 1)] and _stored(engine, "water") == []  # nothing of it
    # the trainer decides to replace it: the save names the version they have now seen
    seen = {**seen_by_trainer, change["key"]: change["seen"]}
    counts = measurements.save_measurements(engine, trainer, _rows([("energy", "electricity", 750.0, "kWh"),
                                                                   ("water", "", 30.0, "m3")]), expected=seen)
    assert counts == {"inserted": 1, "updated": 1}
    assert _stored(engine) == [(750.0, "kWh", "trainer", 2)]
    # the audit log holds both values: the manager's as inserted, the trainer's over it
    with session_scope(engine) as s:
        entries = s.execute(select(AuditEntry.username, AuditEntry.action, AuditEntry.before, AuditEntry.after)
                            .where(AuditEntry.table_name == "measurements").order_by(AuditEntry.id)).all()
    inserted = [(e.username, json.loads(e.after)) for e in entries if e.action == "insert"]
    values = {(who, f[4], f[6], f[7]) for who, a in inserted for f in a["figures"]}
    assert ("manager", "energy", 800.0, "kWh") in values and ("trainer", "water", 30.0, "m3") in values
    update = next(e for e in entries if e.action == "update")
    assert (json.loads(update.before)["value"], json.loads(update.after)["value"], update.username) == (
        800.0, 750.0, "trainer")


def test_the_same_value_saved_twice_is_no_conflict(two_people):
    engine, eid, (manager, trainer) = two_people
    seen = measurements.versions(engine, trainer, eid)
    measurements.save_measurements(engine, manager, _rows([("energy", "electricity", 800.0, "kWh")]),
                                   expected=measurements.versions(engine, manager, eid))
    counts = measurements.save_measurements(engine, trainer, _rows([("energy", "electricity", 800.0, "kWh")]),
                                            expected=seen)
    assert counts == {"inserted": 0, "updated": 0}


def test_a_period_deleted_and_entered_again_meanwhile_is_no_silent_overwrite(two_people):
    """Regression: a figure entered again after its period was deleted started again at version 1,
    the version the other person's form had seen, and their save replaced it without a word."""
    engine, eid, (manager, trainer) = two_people
    measurements.save_measurements(engine, manager, _rows([("energy", "electricity", 800.0, "kWh")]))
    seen_by_manager = measurements.versions(engine, manager, eid)  # the manager's form opens on 800
    start, end = pd.Timestamp("2025-01-01").date(), pd.Timestamp("2025-03-31").date()
    assert measurements.delete_period(engine, trainer, eid, "follow-up", start, end) == 1
    measurements.save_measurements(engine, trainer, _rows([("energy", "electricity", 820.0, "kWh")]),
                                   expected=measurements.versions(engine, trainer, eid))
    assert _stored(engine) == [(820.0, "kWh", "trainer", 1)]  # version 1 again, as the manager saw it
    with pytest.raises(errors.ConcurrentChange) as told:
        measurements.save_measurements(engine, manager, _rows([("energy", "electricity", 750.0, "kWh")]),
                                       expected=seen_by_manager)
    change = told.value.changes.iloc[0]
    assert (change["theirs"], change["by"], change["yours"]) == ("820 kWh", "trainer", "750 kWh")
    assert _stored(engine) == [(820.0, "kWh", "trainer", 1)]
    # having seen it, the manager may replace it
    measurements.save_measurements(engine, manager, _rows([("energy", "electricity", 750.0, "kWh")]),
                                   expected={**seen_by_manager, change["key"]: change["seen"]})
    assert _stored(engine) == [(750.0, "kWh", "manager", 2)]


def test_two_saves_at_the_same_moment_one_is_told(two_people, db_url):
    """Both read the period at the same moment, in two processes on PostgreSQL: one save goes
    through, the other is told (never a silent overwrite), however the two transactions interleave."""
    engine, eid, people = two_people
    other = db.open_database(db_url) if engine.dialect.name == "postgresql" else engine
    measurements.save_measurements(engine, ADMIN, _rows([("energy", "electricity", 800.0, "kWh")]))
    seen = [measurements.versions(engine, p, eid) for p in people]
    barrier, outcome = threading.Barrier(2), {}

    def save(k):
        barrier.wait()
        try:
            measurements.save_measurements((engine, other)[k], people[k],
                                           _rows([("energy", "electricity", 700.0 + k, "kWh")]), expected=seen[k])
            outcome[k] = "saved"
        except errors.ConcurrentChange:
            outcome[k] = "told"

    threads = [threading.Thread(target=save, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcome.values()) == ["saved", "told"]
    winner = next(k for k, v in outcome.items() if v == "saved")
    assert _stored(engine) == [(700.0 + winner, "kWh", people[winner].username, 2)]
    if other is not engine:
        other.dispose()


def test_an_import_stores_its_figures_over_others_and_audits_every_value(two_people):
    engine, eid, (manager, _) = two_people
    measurements.save_measurements(engine, manager, _rows([("energy", "electricity", 800.0, "kWh")]))
    measurements.save_measurements(engine, ADMIN, _rows([("energy", "electricity", 810.0, "kWh")]))
    assert _stored(engine) == [(810.0, "kWh", "test-admin", 2)]
    with session_scope(engine) as s:
        update = s.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert (json.loads(update.before)["value"], json.loads(update.after)["value"]) == (800.0, 810.0)


def test_a_large_save_lists_every_inserted_value_in_chunks(db_url):
    engine = db.open_database(db_url)
    n = measurements.AUDIT_CHUNK + 5
    frame = pd.DataFrame([dict(enterprise=f"E{i}", country="KE", sector="S", period_start="2024-01-01",
                               period_end="2024-01-31", phase="baseline", indicator="water", carrier="",
                               value=float(i), unit="m3", note="") for i in range(n)])
    measurements.save_measurements(engine, ADMIN, metrics.parse(frame), create_enterprises=True)
    with session_scope(engine) as s:
        entries = s.scalars(select(AuditEntry.after).where(AuditEntry.action == "insert",
                                                           AuditEntry.table_name == "measurements")).all()
    figures = [f for a in entries for f in json.loads(a)["figures"]]
    assert len(entries) == 2 and sorted(f[6] for f in figures) == [float(i) for i in range(n)]
    engine.dispose()
