"""The report's figures are computed by metrics once per content of an enterprise's stored figures and
kept in the process (tracker.report.figures), on DuckDB and PostgreSQL: the page run again computes
nothing; a save, by this process or another one (another engine on the same database), shows the new
figures on the next read; one enterprise's kept figures are never another's, and access is checked
before anything kept is handed out."""
import datetime as dt

import pandas as pd
import pytest

import metrics
from tracker import auth, db, demo, enterprises, errors, measurements, report
from tracker.report import enterprise_report

PW = "demo-password"


@pytest.fixture
def env(db_url):
    engine = db.open_database(db_url)
    demo.load(engine, PW)
    report.forget_figures()
    users = {role: auth.authenticate(engine, f"demo-{role}", PW) for role in ("admin", "manager")}
    yield engine, users
    engine.dispose()
    report.forget_figures()


@pytest.fixture
def computed(monkeypatch):
    """The enterprises' frames that metrics computed report figures of, in order."""
    calls = []
    compute = report._compute

    def counted(df):
        calls.append(sorted(df["enterprise_id"].unique().tolist()))
        return compute(df)
    monkeypatch.setattr(report, "_compute", counted)
    return calls


def _frames_equal(a: report.EnterpriseReport, b: report.EnterpriseReport) -> None:
    for name in ("stages", "changes", "impacts", "factors", "materials", "savings", "common_changes",
                 "same_months_changes", "normalised"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def _save_electricity(engine, user, eid: int, value: float) -> None:
    info = enterprises.list_enterprises(engine, user).set_index("id").loc[eid]
    rows = pd.DataFrame([dict(enterprise=info["name"], country=info["country"], sector=info["sector"],
                              period_start=dt.date(2030, 1, 1), period_end=dt.date(2030, 3, 31), phase="follow-up",
                              indicator="energy", carrier="electricity", value=value, unit="kWh", note="")])
    measurements.save_measurements(engine, user, metrics.parse(rows))


def test_the_page_run_again_computes_nothing_and_gets_its_own_copies(env, computed):
    engine, users = env
    eid = users["manager"].enterprise_ids[0]
    first = enterprise_report(engine, users["manager"], eid)
    first.changes.loc[:, "relative_change"] = 99.0  # a page that changed what it was handed
    again = enterprise_report(engine, users["manager"], eid)
    assert computed == [[eid]]
    assert (again.changes["relative_change"] != 99.0).all()
    report.forget_figures()
    _frames_equal(again, enterprise_report(engine, users["manager"], eid))  # as computed afresh
    assert computed == [[eid], [eid]]


def test_a_save_shows_its_figures_at_once_in_this_process_and_another(env, db_url, computed):
    engine, users = env
    manager = users["manager"]
    eid = manager.enterprise_ids[0]
    before = enterprise_report(engine, manager, eid)
    _save_electricity(engine, manager, eid, 1.0)
    after = enterprise_report(engine, manager, eid)
    assert len(computed) == 2 and len(after.measurements) == len(before.measurements) + 1
    report.forget_figures()
    _frames_equal(after, enterprise_report(engine, manager, eid))
    other = db.open_database(db_url)  # another process's engine: its save is seen through the database
    try:
        _save_electricity(other, manager, eid, 2.0)
    finally:
        other.dispose()
    changed = enterprise_report(engine, manager, eid)
    assert len(computed) == 4
    assert 2.0 in changed.measurements["value"].tolist() and 1.0 not in changed.measurements["value"].tolist()
    report.forget_figures()
    _frames_equal(changed, enterprise_report(engine, manager, eid))


def test_kept_figures_are_never_another_enterprises_nor_handed_without_access(env, computed):
    engine, users = env
    admin, manager = users["admin"], users["manager"]
    own = manager.enterprise_ids[0]
    other = int(next(i for i in enterprises.list_enterprises(engine, admin)["id"] if i != own))
    theirs = enterprise_report(engine, admin, other)
    with pytest.raises(errors.AccessDenied):
        enterprise_report(engine, manager, other)
    mine = enterprise_report(engine, manager, own)
    assert computed == [[other], [own]]
    assert mine.measurements["enterprise_id"].eq(own).all() and theirs.measurements["enterprise_id"].eq(other).all()
    assert not mine.stages.equals(theirs.stages)


def test_same_figures_of_two_enterprises_are_kept_apart():
    df = pd.DataFrame(dict(enterprise=["A"], enterprise_id=[1], value=[1.0]))
    assert report.fingerprint(df) != report.fingerprint(df.assign(enterprise="B", enterprise_id=2))
    assert report.fingerprint(df) != report.fingerprint(df.assign(value=1.0000001))
    assert report.fingerprint(df) == report.fingerprint(df.copy())
