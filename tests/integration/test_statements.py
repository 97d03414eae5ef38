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


def _needs_pdf_tools():
    """Chromium prints the PDF; poppler's pdftotext reads it back (both installed by .ci/run)."""
    import os
    import shutil

    from tracker import pdf

    if pdf.pdf_available() is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("Chromium and pdftotext are required in CI")
        pytest.skip("no Chromium or no pdftotext on this machine")


def pdf_text(data: bytes, tmp_path) -> str:
    """The PDF's text as poppler's pdftotext reads it (pages separated by form feeds)."""
    import subprocess

    path = tmp_path / "read.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8")


def test_the_pdf_is_the_same_statement_printed_once_and_verified(demo_engine, tmp_path, monkeypatch, duckdb_url,
                                                                 capsys):
    import html as htmlmod
    import re
    import threading

    _needs_pdf_tools()
    manager = demo_user(demo_engine, "manager")
    seal = manager.enterprise_ids[0]
    targets.set_target(demo_engine, manager, seal, "energy", "absolute", 0.20, dt.date(2025, 3, 31))
    sid, data = statements.issue_statement(demo_engine, manager, seal)
    assert not statements.list_statements(demo_engine, manager, seal)[0]["has_pdf"]
    # two people ask for the PDF at the same moment: it is printed, and one file is the statement's PDF
    start, got = threading.Barrier(2), []

    def ask(user):
        start.wait()
        got.append(statements.statement_pdf(demo_engine, user, sid))

    threads = [threading.Thread(target=ask, args=(u,)) for u in (manager, demo_user(demo_engine, "trainer"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 2 and got[0] == got[1] and got[0].startswith(b"%PDF")
    pdf_file = got[0]
    with session_scope(demo_engine, readonly=True) as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "statements",
                                                     AuditEntry.action == "update")).all()
    assert len(entries) == 1 and entries[0].record_id == sid
    assert statements.list_statements(demo_engine, manager, seal)[0]["has_pdf"]

    # the same statement: its id, the enterprise, the period, the factor set and every figure of the HTML, on one page
    text = pdf_text(pdf_file, tmp_path)
    assert text.count("\f") == 1, "one page"
    flat = " ".join(text.split())
    assert sid in flat and "Results statement: Mechanical seals maker" in flat
    assert metrics.FACTOR_SET_VERSION in flat and "2024-01-01 to 2024-03-31" in flat
    assert f"{((16_900 / 91) / (18_400 / 90) - 1) * 100:+.1f}%" in flat  # the energy change, by hand: -9.2 %
    # the target as set (its cell wraps onto two lines), behind, with what is still needed by hand (test_targets)
    assert "-20.0% absolute by" in flat and "31 Mar 2025" in flat and "behind" in flat
    assert f"{(16_900 / 91 - 0.8 * 18_400 / 90) * 365:,.0f} kWh a year" in flat  # 8,088
    page = data.decode("utf-8")
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert len(rows) > 10
    for words, value in rows:
        assert f"{htmlmod.unescape(words)} {htmlmod.unescape(value)}" in flat, (words, value)

    # asked again: the stored file, not printed again
    monkeypatch.setattr(statements, "print_pdf", lambda *a, **k: pytest.fail("printed twice"))
    assert statements.statement_pdf(demo_engine, manager, sid) == pdf_file
    monkeypatch.undo()

    # verify: the HTML and the PDF as issued; one byte of the PDF changed is refused
    assert statements.issued_form(demo_engine, sid, data) == "HTML"
    assert statements.issued_form(demo_engine, sid, pdf_file) == "PDF"
    changed = bytearray(pdf_file)
    changed[len(changed) // 2] ^= 0x01
    assert statements.issued_form(demo_engine, sid, bytes(changed)) is None
    assert not statements.verify(demo_engine, sid, bytes(changed))
    demo_engine.dispose()
    good, bad = tmp_path / "statement.pdf", tmp_path / "changed.pdf"
    good.write_bytes(pdf_file)
    bad.write_bytes(bytes(changed))
    monkeypatch.setenv("SCORE_DB_URL", duckdb_url)
    assert cli.main(["statement", "verify", sid, str(good)]) == 0
    assert f"is statement {sid} (PDF) as issued by this database, unaltered" in capsys.readouterr().out
    assert cli.main(["statement", "verify", sid, str(bad)]) == 1
    assert "NOT statement" in capsys.readouterr().err


def test_the_pdf_is_for_those_who_may_read_the_enterprise(demo_engine, monkeypatch):
    manager = demo_user(demo_engine, "manager")
    sid, _ = statements.issue_statement(demo_engine, manager, manager.enterprise_ids[0])
    monkeypatch.setattr(statements, "print_pdf", lambda *a, **k: pytest.fail("printed for someone refused"))
    with pytest.raises(errors.AccessDenied):  # an officer reads aggregates only
        statements.statement_pdf(demo_engine, demo_user(demo_engine, "officer"), sid)
    with pytest.raises(LookupError):
        statements.statement_pdf(demo_engine, manager, "S4C-0000000000000000")
    with session_scope(demo_engine, readonly=True) as s:
        assert s.get(Statement, sid).pdf_sha256 is None


def test_statements_issued_before_the_pdf_column_keep_their_html_and_get_a_pdf_later(demo_engine, duckdb_url):
    from alembic import command

    from tracker import db

    manager = demo_user(demo_engine, "manager")
    sid, data = statements.issue_statement(demo_engine, manager, manager.enterprise_ids[0])
    db.run_revisions(demo_engine, command.downgrade, "0015")
    with demo_engine.connect() as c:
        columns = [r[1] for r in c.exec_driver_sql("PRAGMA table_info('statements')").fetchall()]
    assert "pdf" not in columns and "pdf_sha256" not in columns
    demo_engine.dispose()
    engine = db.open_database(duckdb_url)  # migrated up again
    try:
        [listed] = statements.list_statements(engine, demo_user(engine, "manager"), manager.enterprise_ids[0])
        assert listed["id"] == sid and listed["html"].encode("utf-8") == data and not listed["has_pdf"]
        assert statements.issued_form(engine, sid, data) == "HTML"
    finally:
        engine.dispose()
