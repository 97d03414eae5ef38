"""The demo set on DuckDB and PostgreSQL: loads, tells the case study, does not duplicate."""
import pytest
from sqlalchemy import func, select

from tracker import auth, db, demo, enterprises
from tracker.models import Action, Enterprise, Measurement, User
from tracker.report import enterprise_report


@pytest.fixture
def engine(db_url):
    eng = db.open_database(db_url)
    yield eng
    eng.dispose()


def _counts(engine):
    with db.session_scope(engine) as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (Enterprise, Measurement, Action, User))


def test_demo_loads_once_and_tells_the_case_study(engine):
    passwords = demo.load(engine, "demo-password")
    assert set(passwords) == {"demo-admin", "demo-officer", "demo-trainer", "demo-manager"}
    first = _counts(engine)
    demo.load(engine, "demo-password")
    assert _counts(engine) == first, "running the demo twice must not duplicate"

    ents = enterprises.list_enterprises(engine, auth.authenticate(engine, "demo-officer", "demo-password"))
    assert len(ents) >= 31
    assert ents["country"].nunique() >= 5 and ents["sector"].nunique() >= 4
    assert ents.loc[ents["name"] != demo.CASE_STUDY, "synthetic"].all()

    manager = auth.authenticate(engine, "demo-manager", "demo-password")
    assert len(manager.enterprise_ids) == 1
    report = enterprise_report(engine, manager, manager.enterprise_ids[0])
    assert report.enterprise["name"] == demo.CASE_STUDY
    assert report.stages["yield_pct"].round(6).tolist() == [78.0, 88.0, 95.0]
    assert report.stages["waste_share_pct"].round(3).tolist() == [22.0, 12.0, 5.0]
    assert report.actions["description"].str.contains("Guillotine").iloc[0]
    assert report.actions["description"].str.contains("Preforming").iloc[1]
    y = report.changes.set_index("indicator").loc["yield"]
    assert y["points"] == pytest.approx(17.0)
    assert y["relative_change"] == pytest.approx(95 / 78 - 1)
    mi = report.changes.set_index("indicator").loc["material_input"]
    assert mi["relative_change"] == pytest.approx(-0.179, abs=0.001)
    # loss per kg of good product (MFCA), and emissions with the factor named
    assert report.impacts["material_wasted per kg"].round(3).tolist() == [0.282, 0.136, 0.053]
    assert report.impacts["kg_co2e"].iloc[0] == pytest.approx(18_400 * 0.713441, rel=1e-6)
    assert "codecarbon" in report.factors["factor_source"].iloc[0]


def test_random_passwords_are_returned_once_and_work(engine):
    passwords = demo.load(engine)
    assert len(set(passwords.values())) == 4
    user = auth.authenticate(engine, "demo-admin", passwords["demo-admin"])
    assert user.role == "admin"
    with db.session_scope(engine) as s:
        hashes = s.scalars(select(User.password_hash)).all()
    assert all(h.startswith("$argon2") for h in hashes)
    assert not any(pw in h for h in hashes for pw in passwords.values())


@pytest.mark.parametrize("password", ["short", "", "1234567"])
def test_a_password_the_rules_refuse_stores_nothing(engine, password):
    """Regression: the demo was stored whole and only the accounts then refused the password,
    leaving figures that nobody could sign in to see."""
    with pytest.raises(ValueError, match="at least 8 characters"):
        demo.load(engine, password)
    assert _counts(engine) == (0, 0, 0, 0)
    demo.load(engine, "12345678")  # the shortest password the rules take: all of it
    # the four demo roles' accounts and the synthetic trainers' (demo-trainer has a path too)
    accounts = {f"demo-{r}" for r in ("admin", "officer", "trainer", "manager")} | {t["username"] for t in
                                                                                 demo.TRAINERS}
    assert _counts(engine)[0] == 37 and _counts(engine)[3] == len(accounts) == 8


def test_the_command_line_refuses_the_password_before_storing(db_url, monkeypatch, capsys):
    from tracker import cli

    monkeypatch.setenv("SCORE_DB_URL", db_url)
    assert cli.main(["demo", "--password", "pw"]) == 1
    assert capsys.readouterr().err.strip() == "error: The password must have at least 8 characters."
    engine = db.open_database(db_url)
    try:
        assert _counts(engine) == (0, 0, 0, 0)
    finally:
        engine.dispose()


def test_every_key_of_the_demo_s_audit_records_is_named_in_words(engine):
    """The audit log shows each record's keys in the reader's language: none may fall back to its
    stored name (which stays English in every language)."""
    import json

    from metrics import audit_words, labels
    from tracker.models import AuditEntry

    demo.load(engine, "choose-a-password")
    with db.session_scope(engine) as s:
        stored = s.execute(select(AuditEntry.before, AuditEntry.after)).all()
    keys = set()
    for texts in stored:
        for text in texts:
            record = json.loads(text) if text else None
            if isinstance(record, dict):
                keys |= set(record) | set(record.get("columns") or [])
    assert {"inserted", "provider_id", "indicator"} <= keys  # what the demo writes
    unnamed = keys - set(audit_words.RECORD_KEYS) - set(labels.COLUMN_LABELS) - {"columns", "figures"}
    assert not unnamed, sorted(unnamed)
