"""Results statements (issue 14 item 2): issued and frozen, today's differences shown with why, verified byte for byte
(also from the command line); wrong role refused."""
import datetime as dt
import json

import pandas as pd
import pytest
from sqlalchemy import select

import metrics
import metrics.impacts
from tests.demo_db import demo_user, open_demo
from tracker import cli, errors, statements, targets
from tracker.db import session_scope
from tracker.models import AuditEntry, Statement


@pytest.fixture
def demo_engine(duckdb_url):
    yield from open_demo(duckdb_url)


def _india():
    g = pd.read_csv("data/grid_factors.csv")
    return g[g["iso2"] == "IN"].sort_values("year")["g_co2e_per_kwh"].iloc[-1] / 1000


def test_issue_freeze_and_verify(demo_engine, tmp_path, monkeypatch, duckdb_url):
    manager = demo_user(demo_engine, "manager")
    seal = manager.enterprise_ids[0]
    targets.set_target(demo_engine, manager, seal, "energy", "absolute", 0.20, dt.date(2025, 3, 31))
    sid, data = statements.issue_statement(demo_engine, manager, seal)
    text = data.decode("utf-8")
    assert sid.startswith("S4C-") and sid in text and metrics.FACTOR_SET_VERSION in text
    assert "2024-01-01 to 2024-03-31" in text and "Targets and progress" in text
    with session_scope(demo_engine, readonly=True) as s:
        stored = s.get(Statement, sid)
        frozen = json.loads(stored.figures)
        assert s.scalars(select(AuditEntry).where(AuditEntry.table_name == "statements")).one().record_id == sid
    # by hand: energy 16,900 / 91 against 18,400 / 90 a day; scope 2 16,900 kWh x India's grid factor
    assert frozen["change: energy"] == pytest.approx((16_900 / 91) / (18_400 / 90) - 1)
    assert frozen["scope 2 (t CO2e)"] == pytest.approx(16_900 * _india() / 1000)
    assert frozen["scope 1 (t CO2e)"] is None  # no fuel entered: not collected
    assert frozen["points: yield"] == pytest.approx(17.0)
    [listed] = statements.list_statements(demo_engine, manager, seal)
    assert not listed["differences"]["changed"].any() and listed["why"] == ""

    # verify: the file as issued, then one byte changed
    assert statements.verify(demo_engine, sid, data)
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    assert not statements.verify(demo_engine, sid, bytes(changed))
    with pytest.raises(LookupError):
        statements.verify(demo_engine, "S4C-0000000000000000", data)

    # a new factor set: India's grid factor 10 % higher. The statement stays as issued; the difference is shown
    table = metrics.impacts.grid_factors().copy()
    table.loc[table["iso2"] == "IN", "g_co2e_per_kwh"] *= 1.1
    monkeypatch.setattr(metrics.impacts, "grid_factors", lambda: table)
    monkeypatch.setattr(metrics, "FACTOR_SET_VERSION", "2099.1")
    metrics.impacts._factor.cache_clear()
    try:
        [listed] = statements.list_statements(demo_engine, manager, seal)
    finally:
        monkeypatch.undo()
        metrics.impacts._factor.cache_clear()
    diff = listed["differences"].set_index("figure")
    assert bool(diff.loc["scope 2 (t CO2e)", "changed"])
    assert diff.loc["scope 2 (t CO2e)", "issued"] == frozen["scope 2 (t CO2e)"]  # frozen
    assert diff.loc["scope 2 (t CO2e)", "difference"] == pytest.approx(0.1 * 16_900 * _india() / 1000)  # 1.21 t
    assert not bool(diff.loc["change: energy", "changed"])
    assert listed["why"].startswith("the factor set") and "2099.1" in listed["why"]
    with session_scope(demo_engine, readonly=True) as s:
        assert json.loads(s.get(Statement, sid).figures) == frozen

    # a figure revised in the database (the latest electricity 16,900 -> 15,925 kWh): today's figures
    # differ, and the report says why; the statement's figures stay as issued
    with session_scope(demo_engine) as s:
        s.connection().exec_driver_sql(
            f"UPDATE measurements SET value = 15925, value_canonical = 15925 WHERE enterprise_id = {int(seal)} AND "
            "indicator = 'energy' AND period_end = DATE '2024-03-31'")
    [listed] = statements.list_statements(demo_engine, manager, seal)
    diff = listed["differences"].set_index("figure")
    assert listed["why"] == "the figures entered"
    assert diff.loc["energy (MWh)", "difference"] == pytest.approx(-0.975)  # 15.925 - 16.9 MWh
    assert diff.loc["change: energy", "today"] == pytest.approx((15_925 / 91) / (18_400 / 90) - 1)
    with session_scope(demo_engine, readonly=True) as s:
        assert json.loads(s.get(Statement, sid).figures) == frozen


def test_cli_verify_accepts_the_file_and_refuses_a_changed_byte(demo_engine, tmp_path, monkeypatch, duckdb_url,
                                                                  capsys):
    manager = demo_user(demo_engine, "manager")
    sid, data = statements.issue_statement(demo_engine, manager, manager.enterprise_ids[0])
    demo_engine.dispose()
    good, bad = tmp_path / "statement.html", tmp_path / "changed.html"
    good.write_bytes(data)
    bad.write_bytes(data.replace(b"Results statement", b"Results Statement", 1))
    monkeypatch.setenv("SCORE_DB_URL", duckdb_url)
    assert cli.main(["statement", "verify", sid, str(good)]) == 0
    assert "unaltered" in capsys.readouterr().out
    assert cli.main(["statement", "verify", sid, str(bad)]) == 1
    assert "NOT statement" in capsys.readouterr().err
    assert cli.main(["statement", "verify", "S4C-NOPE", str(good)]) == 1


def test_wrong_role_refused(demo_engine):
    officer = demo_user(demo_engine, "officer")
    manager = demo_user(demo_engine, "manager")
    with pytest.raises(errors.AccessDenied):
        statements.issue_statement(demo_engine, officer, manager.enterprise_ids[0])
    with pytest.raises(errors.AccessDenied):
        statements.issue_statement(demo_engine, manager, 3)
    with pytest.raises(errors.AccessDenied):
        statements.list_statements(demo_engine, officer, manager.enterprise_ids[0])
