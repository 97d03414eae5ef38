"""Services behind the enterprise pages: profile, modules, actions (access, audit) and the
report's database averages, on DuckDB and PostgreSQL."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

import metrics
from tracker import activities, auth, db, demo, enterprises, errors, measurements, published
from tracker.db import session_scope
from tracker.models import AuditEntry
from tracker.report import enterprise_report

D = dt.date


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    eng = db.open_database(f"duckdb:///{tmp_path_factory.mktemp('ent') / 'demo.duckdb'}")
    demo.load(eng, "demo-password")
    yield eng
    eng.dispose()


def _user(engine, name):
    return auth.authenticate(engine, name, "demo-password")


def _audit(engine, table, action):
    with session_scope(engine) as s:
        return s.scalars(select(AuditEntry).where(AuditEntry.table_name == table, AuditEntry.action == action)
                         .order_by(AuditEntry.id.desc())).first()


def _averages(engine, name="A"):
    """The database averages beside enterprise ``name``'s report, as an admin reads them."""
    admin = auth.system_user("t")
    ids = enterprises.list_enterprises(engine, admin).set_index("name")["id"]
    return published.database_averages(engine, admin, int(ids[name]))


def _other_enterprise(engine, user):
    ids = enterprises.list_enterprises(engine, _user(engine, "demo-admin"))["id"]
    return int(next(i for i in ids if i not in user.enterprise_ids))


def test_database_averages_match_metrics_summarize_over_every_measurement(demo_engine):
    manager = _user(demo_engine, "demo-manager")
    report = enterprise_report(demo_engine, manager, manager.enterprise_ids[0])
    with session_scope(demo_engine) as s:
        everyone = measurements.measurement_frame(s, None)
    changes = metrics.enterprise_changes(everyone)
    # the averages per unit of production too (metrics.normalised_changes), by the same rule
    changes = pd.concat([changes, metrics.normalised_changes(changes)[changes.columns]], ignore_index=True)
    expected = metrics.aggregate_changes(changes).set_index("indicator")
    assert metrics.summarize(everyone).set_index("indicator")["mean_change"].to_dict() == pytest.approx(
        expected.loc[[i for i in expected.index if not metrics.is_normalised(i)], "mean_change"].to_dict())
    got = report.database_averages.set_index("indicator")
    assert sorted(got.index) == sorted(expected.index)
    got = got.loc[expected.index]
    assert got["enterprises"].tolist() == expected["enterprises"].tolist()
    for col in ("mean_change", "median_change"):
        assert got[col].to_numpy() == pytest.approx(expected[col].to_numpy())
    assert got.loc["yield", "mean_points"] == pytest.approx(expected.loc["yield", "mean_points"])


def test_database_averages_follow_a_save(db_url):
    engine = db.open_database(db_url)
    admin = auth.system_user("t")
    rows = [dict(enterprise=name, country="IN", sector="S", period_start=start, period_end=end, phase=phase,
                 indicator="water", carrier="", value=value, unit="m3", note="")
            for name, base, fu in [("A", 10, 5), ("B", 10, 9)]
            for phase, start, end, value in [("baseline", D(2024, 1, 1), D(2024, 1, 31), base),
                                             ("follow-up", D(2025, 1, 1), D(2025, 1, 31), fu)]]
    measurements.save_measurements(engine, admin, metrics.parse(pd.DataFrame(rows)), create_enterprises=True)
    avg = _averages(engine).set_index("indicator")
    # two enterprises: A's manager would read B's change off their mean, so it is not shown
    assert avg.loc["water", "enterprises"] == 2 and np.isnan(avg.loc["water", "mean_change"])
    more = pd.concat([pd.DataFrame(rows[:2]).assign(enterprise=n, value=[10, v]) for n, v in (("C", 7), ("D", 8))])
    measurements.save_measurements(engine, admin, metrics.parse(more), create_enterprises=True)
    avg = _averages(engine).set_index("indicator")
    assert avg.loc["water", "enterprises"] == 4  # A's and three others
    assert avg.loc["water", "mean_change"] == pytest.approx(-0.275)  # (-50% + -10% + -30% + -20%) / 4
    assert np.isnan(avg.loc["water", "median_change"])  # from 10 others up
    engine.dispose()


def test_profile_carries_ids_and_advice(demo_engine):
    manager = _user(demo_engine, "demo-manager")
    profile = enterprises.enterprise_profile(demo_engine, manager, manager.enterprise_ids[0])
    assert "id" in profile["trainings"].columns and profile["trainings"]["id"].is_unique
    assert isinstance(profile["advice"], list)


def test_module_advice():
    def frame(*rows):
        return pd.DataFrame(rows, columns=["module", "managers_female", "managers_male", "workers_female",
                                           "workers_male"])
    assert "comes first" in activities.module_advice(frame())[0]
    assert activities.module_advice(frame(("Workplace Cooperation", 1, 1, 2, 0), ("SCORE4Climate", 0, 2, 1, 1))) == []
    advice = activities.module_advice(frame(("SCORE4Climate", 1, 0, 2, 2), ("Lean Manufacturing", 1, 1, 2, 2)))
    assert len(advice) == 2 and "Workplace Cooperation" in advice[0]
    assert "attended SCORE4Climate:" in advice[1] and "Lean" not in advice[1]


def test_a_module_record_is_corrected_then_deleted_with_audit(demo_engine):
    trainer = _user(demo_engine, "demo-trainer")
    eid = trainer.enterprise_ids[0]
    activities.add_training(demo_engine, trainer, eid, "Gender Equality", D(2025, 5, 1), D(2025, 5, 2), "", 1, 1, 1, 1)
    tr = enterprises.enterprise_profile(demo_engine, trainer, eid)["trainings"]
    tid = int(tr.loc[tr["module"] == "Gender Equality", "id"].iloc[-1])
    activities.update_training(demo_engine, trainer, eid, tid, "Gender Equality", D(2025, 5, 1), D(2025, 5, 3),
                             "2025-H1", 1, 1, 2, 0)
    tr = enterprises.enterprise_profile(demo_engine, trainer, eid)["trainings"].set_index("id")
    assert (tr.loc[tid, "end_date"], tr.loc[tid, "cohort"], tr.loc[tid, "workers_female"]) == (D(2025, 5, 3),
                                                                                             "2025-H1", 2)
    entry = _audit(demo_engine, "trainings", "update")
    assert entry.username == "demo-trainer" and entry.record_id == str(tid) and "2025-05-02" in entry.before
    with pytest.raises(ValueError, match="end date is before"):
        activities.update_training(demo_engine, trainer, eid, tid, "Gender Equality", D(2025, 5, 3), D(2025, 5, 1))
    activities.delete_training(demo_engine, trainer, eid, tid)
    assert tid not in enterprises.enterprise_profile(demo_engine, trainer, eid)["trainings"]["id"].tolist()
    assert _audit(demo_engine, "trainings", "delete").record_id == str(tid)
    with pytest.raises(LookupError):
        activities.delete_training(demo_engine, trainer, eid, tid)


def test_nobody_touches_another_enterprise_s_records(demo_engine):
    manager = _user(demo_engine, "demo-manager")
    mine = manager.enterprise_ids[0]
    other = _other_enterprise(demo_engine, manager)
    admin = _user(demo_engine, "demo-admin")
    their_training = int(enterprises.enterprise_profile(demo_engine, admin, other)["trainings"]["id"].iloc[0])
    their_action = activities.add_action(demo_engine, admin, other, D(2024, 3, 1), "Leak repaired (synthetic)")
    with pytest.raises(errors.AccessDenied):
        activities.delete_training(demo_engine, manager, other, their_training)
    with pytest.raises(errors.AccessDenied):
        activities.delete_action(demo_engine, manager, other, their_action)
    # nor through their own enterprise's id with another enterprise's record
    with pytest.raises(LookupError):
        activities.delete_training(demo_engine, manager, mine, their_training)
    with pytest.raises(LookupError):
        activities.delete_action(demo_engine, manager, mine, their_action)
    with pytest.raises(LookupError):
        activities.update_training(demo_engine, manager, mine, their_training, "SCORE4Climate", D(2024, 1, 1),
                                 D(2024, 1, 2))
    officer = _user(demo_engine, "demo-officer")
    with pytest.raises(errors.AccessDenied):
        activities.delete_action(demo_engine, officer, other, their_action)
    assert their_action in activities.list_actions(demo_engine, admin, other)["id"].tolist()


def test_an_action_is_deleted_with_audit(demo_engine):
    manager = _user(demo_engine, "demo-manager")
    eid = manager.enterprise_ids[0]
    aid = activities.add_action(demo_engine, manager, eid, D(2024, 2, 2), "Typo action", 10.0, "INR", ["waste"])
    assert aid in activities.list_actions(demo_engine, manager, eid)["id"].tolist()
    activities.delete_action(demo_engine, manager, eid, aid)
    assert aid not in activities.list_actions(demo_engine, manager, eid)["id"].tolist()
    entry = _audit(demo_engine, "actions", "delete")
    assert entry.username == "demo-manager" and "Typo action" in entry.before


def test_intensities_in_two_production_units_get_two_columns(db_url):
    engine = db.open_database(db_url)
    admin = auth.system_user("t")
    base = dict(enterprise="Units SME", country="IN", sector="S", carrier="", note="")
    rows = [dict(base, phase="baseline", period_start=D(2024, 1, 1), period_end=D(2024, 1, 31), indicator=i,
                 carrier=c, value=v, unit=u) for i, c, v, u in
            [("energy", "electricity", 1000, "kWh"), ("production", "", 500, "piece")]]
    rows += [dict(base, phase="follow-up", period_start=D(2025, 1, 1), period_end=D(2025, 1, 31), indicator=i,
                  carrier=c, value=v, unit=u) for i, c, v, u in
             [("energy", "electricity", 800, "kWh"), ("production", "", 2000, "kg")]]
    measurements.save_measurements(engine, admin, metrics.parse(pd.DataFrame(rows)), create_enterprises=True)
    eid = int(enterprises.list_enterprises(engine, admin)["id"].iloc[0])
    impacts = enterprise_report(engine, admin, eid).impacts.set_index("phase")
    assert impacts.loc["baseline", "energy per piece"] == pytest.approx(2.0)
    assert impacts.loc["follow-up", "energy per kg"] == pytest.approx(0.4)
    assert np.isnan(impacts.loc["follow-up", "energy per piece"])
    engine.dispose()
