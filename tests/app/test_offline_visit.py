"""A laptop opened from a visit package: every enterprise page works as on the server, the entry form
starting where the stored history ends; the Offline visit page offers the pack there."""
from __future__ import annotations

import pytest

from tests.app.conftest import PASSWORD, field, goto, new_app, open_page, sign_in
from tracker import auth, db, visits

PAGES = ["report", "entry", "actions", "profile", "visits", "my-path", "account"]


@pytest.fixture(scope="module")
def laptop_db(demo_db, tmp_path_factory):
    server = db.open_database(demo_db)
    data = visits.export_visit(server, auth.authenticate(server, "demo-trainer", PASSWORD), "demo-trainer")
    server.dispose()
    url = f"duckdb:///{tmp_path_factory.mktemp('laptop') / 'laptop.duckdb'}"
    laptop = db.open_database(url)
    visits.open_visit(laptop, data)
    laptop.dispose()
    return url


def _entry_form(url: str, use_db) -> tuple:
    use_db(url)
    at = open_page("demo-trainer", "entry")
    return tuple(field(at, kind, "entry", name).value for kind, name in
                 (("selectbox", "phase"), ("date_input", "start"), ("date_input", "end")))


def test_every_page_of_the_trainer_works_on_the_laptop(laptop_db, use_db):
    use_db(laptop_db)
    at = sign_in(new_app(), "demo-trainer")
    for path in PAGES:
        goto(at, path)
        at.run()
        assert not at.exception, (path, at.exception)
        assert not [e.value for e in at.error], (path, [e.value for e in at.error])
    goto(at, "visits")
    at.run()
    assert any(i.value.startswith("This is the laptop of ") for i in at.info), [i.value for i in at.info]


def test_the_entry_form_on_the_laptop_starts_where_the_server_s_does(demo_db, laptop_db, use_db):
    on_server = _entry_form(demo_db, use_db)
    assert on_server[0] == "follow-up"  # the case study has its baseline and follow-ups stored
    assert _entry_form(laptop_db, use_db) == on_server
