"""Alembic revisions: one head, and data migrations on a copy of the demo (DuckDB and PostgreSQL)."""
from __future__ import annotations

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from tracker import db, demo

#: the revision before implementation partners became records (enterprises.partner was free text)
BEFORE_PARTNERS = "0004"


def test_the_revisions_have_exactly_one_head():
    # two revisions on one down_revision (two branches landing at once) would leave the schema undecided
    script = ScriptDirectory.from_config(db.alembic_config())
    assert len(script.get_heads()) == 1, script.get_heads()
    assert script.get_current_head() == db.head_revision()


def _move(engine, how, revision: str) -> None:
    db.run_revisions(engine, how, revision)


def _rows(engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).all()]


#: the free text as people typed it: spaces around, a tab, a no-break space, another case, nothing
MESSY = {"Synthetic Rubber SME 01 (IN)": "  " + demo.PARTNERS["IN"] + " ",
         "Synthetic Textiles SME 02 (VN)": demo.PARTNERS["VN"] + "\t",
         "Synthetic Food SME 03 (ID)": "\u00a0" + demo.PARTNERS["ID"],
         "Synthetic Metal SME 04 (CN)": demo.PARTNERS["CN"].upper(),
         "Synthetic Furniture SME 05 (BO)": "   ",
         "Synthetic Rubber SME 06 (KE)": "Two Countries Council",
         "Synthetic Textiles SME 07 (KG)": "Two Countries Council"}


@pytest.fixture
def old_demo(db_url):
    """The demo's enterprises (and their modules) in a database of the revision before partners
    were records: each enterprise's partner as free text (a few typed untidily, see MESSY).
    Returns (engine, {enterprise: partner text})."""
    engine = db.create(db_url)
    db.run_revisions(engine, command.upgrade, BEFORE_PARTNERS)
    ents = [(demo.CASE_STUDY, "IN", "Rubber and plastics", "small", demo.PARTNERS["IN"], False)]
    ents += [(e.name, e.country, e.sector, e.size, MESSY.get(e.name, e.partner), True)
             for e in demo.synthetic_enterprises()]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO enterprises (name, country, sector, size, partner, synthetic, created_at) "
                          "VALUES (:n, :c, :s, :z, :p, :y, CURRENT_TIMESTAMP)"),
                     [dict(n=n, c=c, s=s, z=z, p=p, y=y) for n, c, s, z, p, y in ents])
        ids = dict(conn.execute(text("SELECT name, id FROM enterprises")).all())
        conn.execute(text("INSERT INTO trainings (enterprise_id, module, start_date, end_date, cohort, "
                          "managers_female, managers_male, workers_female, workers_male) VALUES (:enterprise_id, "
                          ":module, :start_date, :end_date, :cohort, :managers_female, :managers_male, "
                          ":workers_female, :workers_male)"),
                     [dict(t, enterprise_id=ids[e.name]) for i, e in enumerate(demo.synthetic_enterprises())
                      for t in demo.trainings_for(e, i + 1)])
    yield engine, {n: p for n, _, _, _, p, _ in ents}
    engine.dispose()


def test_free_text_partners_become_records_nothing_lost(old_demo):
    engine, texts = old_demo
    assert texts[demo.CASE_STUDY] == demo.PARTNERS["IN"]
    counts = {t: _rows(engine, f"SELECT count(*) FROM {t}")[0][0] for t in ("enterprises", "trainings")}
    countries = dict(_rows(engine, "SELECT name, country FROM enterprises"))

    db.migrate(engine)  # as the app does when it opens an older database
    partners = {name: (pid, type_, country) for pid, name, type_, country in
                _rows(engine, "SELECT id, name, type, country FROM partners")}
    # the same spelling once, trimmed; another spelling (upper case) is another record
    wanted = {t.strip() for t in texts.values() if t.strip()}
    assert set(partners) == wanted
    assert len(partners) == len(demo.PARTNERS) + 2
    assert all(type_ == "" for _, type_, _ in partners.values())  # not recorded yet
    # a country where all its enterprises share one; none where they do not
    assert partners[demo.PARTNERS["KE"]][2] == "KE" and partners[demo.PARTNERS["CN"].upper()][2] == "CN"
    assert partners["Two Countries Council"][2] == ""
    # every enterprise points to the record of its trimmed text; a blank text to none
    linked = dict(_rows(engine, "SELECT e.name, p.name FROM enterprises e LEFT JOIN partners p ON p.id = e.partner_id"))
    assert linked == {name: (t.strip() or None) for name, t in texts.items()}
    assert countries == dict(_rows(engine, "SELECT name, country FROM enterprises"))
    # nothing else moved
    assert counts == {t: _rows(engine, f"SELECT count(*) FROM {t}")[0][0] for t in counts}
    # the new column and the sequence work afterwards (a restart reopens the file on DuckDB)
    engine.dispose()
    again = db.open_database(engine.url.render_as_string(hide_password=False))
    with again.begin() as conn:
        conn.execute(text("INSERT INTO partners (name, type, country, created_at) "
                          "VALUES ('After', 'other', 'KE', CURRENT_TIMESTAMP)"))
        new_id = conn.execute(text("SELECT id FROM partners WHERE name = 'After'")).scalar()
        assert new_id > max(pid for pid, _, _ in partners.values())
        conn.execute(text("UPDATE enterprises SET partner_id = :p WHERE name = :n"),
                     {"p": new_id, "n": demo.CASE_STUDY})
    assert _rows(again, "SELECT p.name FROM enterprises e JOIN partners p ON p.id = e.partner_id "
                        f"WHERE e.name = '{demo.CASE_STUDY}'") == [("After",)]
    again.dispose()


def test_partners_downgrade_writes_each_name_back(old_demo):
    engine, texts = old_demo
    _move(engine, command.upgrade, "0005")
    _move(engine, command.downgrade, BEFORE_PARTNERS)
    back = dict(_rows(engine, "SELECT name, partner FROM enterprises"))
    assert back == {name: t.strip() for name, t in texts.items()}  # trimmed once: the names of the records
    assert "partners" not in inspect(engine).get_table_names()


def test_the_figures_per_unit_of_production_reach_an_upgraded_database(duckdb_url):
    engine = db.open_database(duckdb_url)
    demo.load(engine, "demo-password")
    sql = "SELECT count(*) FROM enterprise_summary WHERE indicator = 'energy_per_production'"
    assert _rows(engine, sql) == [(33,)]  # the demo's 33 enterprises with production and energy in both phases
    _move(engine, command.downgrade, "0009")
    assert _rows(engine, sql) == [(0,)]  # as a 0009 database holds it
    _move(engine, command.upgrade, "head")
    assert _rows(engine, sql) == [(33,)]
    engine.dispose()


def test_the_emissions_by_scope_reach_an_upgraded_database(db_url):
    # a 0011 database has no scope columns; the upgrade adds them and fills them from the measurements
    engine = db.open_database(db_url)
    demo.load(engine, "demo-password")
    sql = ("SELECT count(*), count(scope1_baseline), count(scope2_followup), count(factor_set), "
           "max(abs(co2e_baseline - scope1_baseline - scope2_baseline)) FROM enterprise_summary "
           "WHERE indicator = 'energy' AND co2e_baseline IS NOT NULL")
    before = _rows(engine, sql)
    _move(engine, command.downgrade, "0011")
    columns = {c["name"] for c in inspect(engine).get_columns("enterprise_summary")}
    assert not {"scope1_baseline", "scope2_followup", "factor_set"} & columns
    _move(engine, command.upgrade, "head")
    after = _rows(engine, sql)
    n = after[0][0]
    assert n >= 30 and after[0][1:4] == (n, n, n) and after[0][4] < 1e-9  # total = scope 1 + scope 2
    assert after == before
    assert _rows(engine, "SELECT DISTINCT factor_set FROM enterprise_summary") == [("2026.2",)]
    engine.dispose()


def test_an_upgrade_through_several_summary_revisions_recomputes_the_summary_once(duckdb_url, monkeypatch):
    # 0010, 0012 and 0015 each change what the summary holds; from 0009 to the head only the last recomputes it
    from tracker import summary

    engine = db.open_database(duckdb_url)
    demo.load(engine, "demo-password")
    sql = "SELECT count(*) FROM enterprise_summary WHERE indicator = 'energy_per_production'"
    _move(engine, command.downgrade, "0009")
    calls = []
    compute = summary.compute_summary
    monkeypatch.setattr(summary, "compute_summary", lambda frame, *a, **k: calls.append(1) or compute(frame, *a, **k))
    _move(engine, command.upgrade, "0011")  # stops before 0012: 0010 recomputes
    assert len(calls) == 1
    assert _rows(engine, sql) == [(33,)]
    _move(engine, command.downgrade, "0009")
    calls.clear()
    _move(engine, command.upgrade, "head")
    assert len(calls) == 1  # not three times
    assert _rows(engine, sql) == [(33,)]
    assert _rows(engine, "SELECT DISTINCT factor_set FROM enterprise_summary") == [("2026.2",)]
    engine.dispose()
