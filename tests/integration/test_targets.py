"""Targets (issue 14 item 1): set by managers and trainers (audited; other roles refused), progress on the
report worked by hand for the case study, the overview's share on track suppressed and guarded."""
import datetime as dt
import json

import pandas as pd
import pytest
from sqlalchemy import select

from tests.demo_db import demo_user, open_demo
from tracker import auth, errors, overview, published, targets
from tracker import report as tracker_report
from tracker.db import session_scope
from tracker.models import AuditEntry

D = dt.date
ADMIN = auth.system_user("test-admin")


@pytest.fixture
def demo_engine(duckdb_url):
    yield from open_demo(duckdb_url)


def test_case_study_progress_worked_by_hand(demo_engine):
    manager = demo_user(demo_engine, "manager")
    seal = manager.enterprise_ids[0]
    targets.set_target(demo_engine, manager, seal, "waste", "absolute", 0.50, D(2025, 3, 31))
    targets.set_target(demo_engine, manager, seal, "energy", "absolute", 0.20, D(2025, 3, 31))
    report = tracker_report.enterprise_report(demo_engine, manager, seal)
    t = report.targets.set_index("indicator")
    # the baseline ends 31 Mar 2023, the latest follow-up 31 Mar 2024 (366 days on), the target date 31 Mar 2025
    # (731 days on): a target of r expects r x 366 / 731 by the follow-up
    # waste (DOMAIN.md): 22 % of the rubber wasted at baseline, 5 % after: the figures -81.3 %, so met
    assert t.loc["waste", "expected"] == pytest.approx(0.50 * 366 / 731)
    assert t.loc["waste", "achieved"] == pytest.approx(1 - (0.05 / 0.95) / (0.22 / 0.78), rel=1e-3)
    assert t.loc["waste", "status"] == "met" and t.loc["waste", "still_needed_per_year"] == 0
    # energy (synthetic): 18,400 kWh over Jan-Mar 2023 (90 days), 16,900 kWh over Jan-Mar 2024 (91 days)
    base, follow = 18_400 / 90, 16_900 / 91
    assert t.loc["energy", "achieved"] == pytest.approx(1 - follow / base)  # 9.2 %
    assert t.loc["energy", "expected"] == pytest.approx(0.20 * 366 / 731)  # 10.0 %
    assert t.loc["energy", "status"] == "behind"
    assert t.loc["energy", "still_needed_per_year"] == pytest.approx((follow - base * 0.8) * 365)  # 8,088 kWh
    assert round(t.loc["energy", "still_needed_per_year"]) == 8088


def test_trainer_sets_and_replaces_a_target_audited(demo_engine):
    trainer = demo_user(demo_engine, "trainer")
    ent = trainer.enterprise_ids[0]
    targets.set_target(demo_engine, trainer, ent, "water", "per_production", 0.25, D(2028, 12, 31))
    targets.set_target(demo_engine, trainer, ent, "water", "absolute", 0.10, D(2027, 12, 31))
    stored = targets.list_targets(demo_engine, trainer, ent)
    assert len(stored) == 1
    assert stored.iloc[0]["basis"] == "absolute" and stored.iloc[0]["reduction"] == pytest.approx(0.10)
    assert stored.iloc[0]["set_by"] == "demo-trainer"
    with session_scope(demo_engine, readonly=True) as s:
        log = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "targets").order_by(AuditEntry.id)).all()
    assert [e.action for e in log] == ["insert", "update"]
    assert all(e.username == "demo-trainer" for e in log)
    assert json.loads(log[1].before)["reduction"] == 0.25 and json.loads(log[1].after)["reduction"] == 0.10
    targets.delete_target(demo_engine, trainer, ent, "water")
    assert targets.list_targets(demo_engine, trainer, ent).empty
    with session_scope(demo_engine, readonly=True) as s:
        last = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "targets")
                         .order_by(AuditEntry.id.desc())).first()
    assert last.action == "delete" and json.loads(last.before)["indicator"] == "water"


def test_wrong_role_and_wrong_enterprise_are_refused(demo_engine):
    officer = demo_user(demo_engine, "officer")
    manager = demo_user(demo_engine, "manager")
    other = next(i for i in range(1, 40) if i not in manager.enterprise_ids)
    with pytest.raises(errors.AccessDenied):
        targets.set_target(demo_engine, officer, manager.enterprise_ids[0], "energy", "absolute", 0.2, D(2027, 1, 1))
    with pytest.raises(errors.AccessDenied):
        targets.set_target(demo_engine, manager, other, "energy", "absolute", 0.2, D(2027, 1, 1))
    with pytest.raises(errors.AccessDenied):
        targets.list_targets(demo_engine, officer, manager.enterprise_ids[0])
    forged = auth.CurrentUser(id=manager.id, username=manager.username, role="admin", enterprise_ids=(other,))
    with pytest.raises(errors.AccessDenied):
        targets.set_target(demo_engine, forged, other, "energy", "absolute", 0.2, D(2027, 1, 1))
    with session_scope(demo_engine, readonly=True) as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.table_name == "targets")).first() is None


def test_forged_and_huge_input_refused_nothing_stored(demo_engine):
    manager = demo_user(demo_engine, "manager")
    seal = manager.enterprise_ids[0]
    for args in [("yield", "absolute", 0.2, D(2027, 1, 1)), ("energy", "absolute", 1e300, D(2027, 1, 1)),
                 ("energy", "absolute", -0.2, D(2027, 1, 1)), ("energy", "sideways", 0.2, D(2027, 1, 1)),
                 ("energy", "absolute", 0.2, D(2023, 3, 31)),  # on the baseline's last day: not after it
                 ("x" * 10_000, "absolute", 0.2, D(2027, 1, 1))]:
        with pytest.raises(ValueError):
            targets.set_target(demo_engine, manager, seal, *args)
    assert targets.list_targets(demo_engine, manager, seal).empty


def _expected_share(engine, ids, reduction, by):
    """On track by hand from the summary's energy rows: 1 - followup / baseline >= r x elapsed / span."""
    from tracker.db import read_frame
    with session_scope(engine, readonly=True) as s:
        rows = read_frame(s, "SELECT s.enterprise_id, s.baseline, s.followup, s.followup_end, "
                             "(SELECT max(period_end) FROM measurements m WHERE m.enterprise_id = s.enterprise_id "
                             "AND m.phase = 'baseline') AS start FROM enterprise_summary s "
                             "WHERE s.indicator = 'energy'")
    on = 0
    for r in rows[rows["enterprise_id"].isin(ids)].itertuples():
        start, end = pd.Timestamp(r.start).date(), pd.Timestamp(r.followup_end).date()
        elapsed = (end - start).days / (by - start).days
        on += (1 - r.followup / r.baseline) >= reduction * min(max(elapsed, 0), 1)
    return on


def test_overview_share_on_track_suppressed_and_guarded(demo_engine):
    officer = demo_user(demo_engine, "officer")
    ids = [2, 3, 4, 5, 6]  # India, Viet Nam, Indonesia, China, Bolivia (one each)
    for i in ids:
        targets.set_target(demo_engine, ADMIN, i, "energy", "absolute", 0.90, D(2026, 12, 31))
    shares = published.target_shares(demo_engine, officer, overview.Filters()).set_index("indicator")
    on = _expected_share(demo_engine, ids, 0.90, D(2026, 12, 31))
    assert on == 2  # by hand: enterprises 3 and 5 (49 % and 35 % achieved, 19 % and 15 % expected)
    assert shares.loc["energy", "enterprises"] == 5
    assert shares.loc["energy", "share"] == pytest.approx(on / 5)
    # the same view without one enterprise (Bolivia's): the subtraction would tell whether it is on track
    four = overview.Filters(country=("IN", "VN", "ID", "CN"))
    hidden = published.target_shares(demo_engine, officer, four).set_index("indicator")
    assert hidden.loc["energy", "enterprises"] == 4 and bool(hidden.loc["energy", "suppressed"])
    assert hidden.loc["energy", "share"] != hidden.loc["energy", "share"]  # NaN
    assert hidden.attrs["hidden_as_too_close"] == 1
    # fewer than 3
    two = published.target_shares(demo_engine, officer, overview.Filters(country=("IN", "VN")))
    assert bool(two.set_index("indicator").loc["energy", "suppressed"])
    # one enterprise's target revised, then the whole view again: one element swapped, hidden
    targets.set_target(demo_engine, ADMIN, 6, "energy", "absolute", 0.05, D(2026, 12, 31))
    again = published.target_shares(demo_engine, officer, overview.Filters()).set_index("indicator")
    assert bool(again.loc["energy", "suppressed"])
    # managers and trainers do not read the programme's shares
    with pytest.raises(errors.AccessDenied):
        published.target_shares(demo_engine, demo_user(demo_engine, "manager"), overview.Filters())


def test_targets_statement_and_disclosures_on_postgresql(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("the DuckDB path is tested above")
    from tracker import disclosures, pdf, statements
    engine = next(open_demo(db_url))
    try:
        manager = demo_user(engine, "manager")
        seal = manager.enterprise_ids[0]
        targets.set_target(engine, manager, seal, "energy", "absolute", 0.20, D(2025, 3, 31))
        t = targets.enterprise_progress(engine, manager, seal).set_index("indicator")
        assert t.loc["energy", "expected"] == pytest.approx(0.20 * 366 / 731) and t.loc["energy", "status"] == "behind"
        sid, data = statements.issue_statement(engine, manager, seal)
        assert statements.verify(engine, sid, data) and not statements.verify(engine, sid, data + b" ")
        if pdf.pdf_available() is not None:  # the PDF stored and verified on PostgreSQL too (its row locked)
            printed = statements.statement_pdf(engine, manager, sid)
            assert statements.statement_pdf(engine, demo_user(engine, "trainer"), sid) == printed
            assert statements.issued_form(engine, sid, printed) == "PDF"
            assert statements.issued_form(engine, sid, printed[:-1]) is None
        _, table = disclosures.enterprise_disclosures(engine, manager, seal)
        assert table.set_index("key").loc["energy_total", "value"] == pytest.approx(16.9)
    finally:
        engine.dispose()
