"""Two administrators save the same name at the same moment (PostgreSQL, where writers run
side by side): the one who comes second reads why in words, as when the name was taken
before, and nothing of theirs is stored, instead of the database's unique-constraint error.

The race is made, not hoped for: another transaction inserts the name and holds it
uncommitted; the service's own check does not see it and its insert waits on the unique
index (seen in pg_locks); then the other transaction commits."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tracker import accounts, clusters, db, enterprises, partners
from tracker.auth import system_user
from tracker.models import Cluster, Enterprise, Partner, User

ADMIN = system_user("test-admin")


#: DuckDB runs one writer at a time in its one process: there, no such race
pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@pytest.fixture
def engine(db_url):
    engine = db.open_database(db_url)
    yield engine
    engine.dispose()


def _at_once(engine, row, call):
    """Run ``call`` while another transaction holds ``row`` (a model object) inserted and
    uncommitted; commit that one once ``call`` waits for it; return what ``call`` raised (None
    if nothing)."""
    other = engine.connect()
    tx = other.begin()
    session = Session(bind=other)
    session.add(row)
    session.flush()
    outcome: dict = {}

    def run():
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - what the service raised is the test's subject
            outcome["raised"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    with engine.connect() as watch:
        for _ in range(2000):  # until the service's insert waits on the other's row (or it has finished)
            waiting = watch.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar()
            if waiting or not worker.is_alive():
                break
            worker.join(0.01)
    assert waiting, "the service did not wait on the other transaction's row"
    tx.commit()
    session.close()
    other.close()
    worker.join(30)
    assert not worker.is_alive()
    return outcome.get("raised")


def test_a_partner_added_twice_at_once(engine):
    raised = _at_once(engine, Partner(name="Same", type="other", country=""),
                      lambda: partners.create_partner(engine, ADMIN, "Same", "other"))
    assert isinstance(raised, ValueError) and str(raised) == "A partner called 'Same' exists already."
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM partners WHERE name = 'Same'")).scalar() == 1


def test_a_cluster_added_twice_at_once(engine):
    raised = _at_once(engine, Cluster(name="Same", country="KE"),
                      lambda: clusters.create_cluster(engine, ADMIN, "Same", "KE"))
    assert isinstance(raised, ValueError) and str(raised) == "A cluster called 'Same' exists already."


def test_an_enterprise_added_twice_at_once(engine):
    raised = _at_once(engine, Enterprise(name="Same", country="KE", synthetic=False),
                      lambda: enterprises.create_enterprise(engine, ADMIN, "Same", "KE"))
    assert isinstance(raised, ValueError) and str(raised) == "An enterprise called 'Same' exists already."


def test_a_user_name_taken_at_the_same_moment(engine):
    raised = _at_once(engine, User(username="same", password_hash="x", role="manager", active=True,
                                                failed_attempts=0),
                      lambda: accounts.create_user(engine, ADMIN, "same", "officer"))
    assert isinstance(raised, ValueError) and str(raised) == "The user name 'same' is taken. Choose another."


def test_an_email_taken_at_the_same_moment(engine):
    raised = _at_once(engine, User(username="other", password_hash="x", role="manager", active=True,
                                   failed_attempts=0, email="a@example.org"),
                      lambda: accounts.create_user(engine, ADMIN, "same", "officer", email="a@example.org"))
    assert isinstance(raised, ValueError) and str(raised) == "Another account already uses a@example.org."


def test_a_rename_to_a_name_added_at_the_same_moment(engine):
    first = partners.create_partner(engine, ADMIN, "First", "other")
    raised = _at_once(engine, Partner(name="Same", type="other", country=""),
                      lambda: partners.edit_partner(engine, ADMIN, first, name="Same", type_="other"))
    assert isinstance(raised, ValueError) and str(raised) == "A partner called 'Same' exists already."
    eid = enterprises.create_enterprise(engine, ADMIN, "Mine", "KE")
    raised = _at_once(engine, Enterprise(name="Taken", country="KE", synthetic=False),
                      lambda: enterprises.edit_enterprise(engine, ADMIN, eid, name="Taken", country="KE"))
    assert isinstance(raised, ValueError) and str(raised) == "Another enterprise is called 'Taken'."
