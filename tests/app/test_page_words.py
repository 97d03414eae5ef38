"""Every page's words come from the catalogue (issue 12): in a pseudo-language whose every translation
is the English between ⟦ ⟧, each role visits each of its pages, and every title, heading, message,
caption, button, widget label, placeholder, help text, tab, expander and metric label reads bracketed;
only the records' own words (enterprise, partner, cluster and account names) and codes are left as
they are stored.

AppTest formats a selectbox's value again between runs, in the test's own thread: the test speaks the
pseudo-language too (metrics.i18n.use), as the session does.
"""
import re
from pathlib import Path

import pytest
from streamlit.util import calc_hash

from tests.app.conftest import new_app
from tracker import db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-password"
ROLE_PAGES = {
    "demo-manager": ["report", "entry", "actions", "profile", "account"],
    "demo-trainer": ["report", "entry", "actions", "profile", "visits", "my-path", "account"],
    "demo-officer": ["programme", "trainers", "account"],
    "demo-admin": ["programme", "trainers", "report", "entry", "actions", "profile", "users", "partners", "clusters",
                   "delivery-workbook", "visits", "audit", "account"],
}
MESSAGES = ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success")
WIDGETS = ("button", "text_input", "selectbox", "multiselect", "date_input", "number_input", "checkbox", "radio",
           "text_area", "tabs", "expander", "metric")
#: text that is not a word of the interface: figures, dates, codes, unit symbols, a dash
NOT_WORDS = re.compile(r"^[\W\d_]*$|^[A-Z]{2,3}$")


def _records(url: str) -> set[str]:
    """The records' own words in the demo database (names as typed), escaped as the pages show them."""
    from sqlalchemy import text

    from ui.shared import plain

    engine = db.open_database(url)
    with engine.connect() as c:
        found = {r[0] for q in ("select name from enterprises", "select username from users",
                                "select name from partners", "select name from clusters")
                 for r in c.execute(text(q))}
    engine.dispose()
    return found | {plain(v) for v in found}


def _texts(at) -> list[tuple[str, str]]:
    out = [(kind, e.value) for kind in MESSAGES for e in getattr(at, kind)]
    for kind in WIDGETS:
        for e in getattr(at, kind):
            out += [(kind, e.label)] if getattr(e, "label", "") else []
            for part in ("placeholder", "help"):
                if (said := getattr(getattr(e, "proto", None), part, "")):
                    out.append((f"{kind} {part}", said))
    return out


def _bare(at, records: set[str]) -> list[tuple[str, str]]:
    """The texts shown without a bracket that are neither a record's words nor a figure or code."""
    return sorted({(kind, said) for kind, said in _texts(at)
                   if "⟦" not in said and said not in records and not NOT_WORDS.match(said)})


@pytest.mark.parametrize("username", list(ROLE_PAGES))
def test_every_page_of_a_role_speaks_the_catalogue(demo_db, use_db, pseudo, username):
    use_db(demo_db)
    records = _records(demo_db)
    at = new_app()
    at.session_state["locale"] = "fr"
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "⟦SCORE4Climate tracker⟧"
    assert _bare(at, records) == []  # the sign-in page
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(PASSWORD)
    [b for b in at.button if b.label == "⟦Sign in⟧"][0].click()
    at.run()
    assert at.session_state["user"] is not None
    found = {}
    for page in ROLE_PAGES[username]:
        at._page_hash = calc_hash(page)
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert at.title, page  # the page was drawn
        if bare := _bare(at, records):
            found[page] = bare
    assert not found, "\n".join(f"{page}: {kind}: {said!r}" for page, bare in found.items() for kind, said in bare)
