"""AppTest helpers: a demo database per module, and signing in through the real form."""
from __future__ import annotations

import base64
import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from tracker import db, demo

APP = "../../app.py"  # AppTest resolves paths relative to this folder
PASSWORD = "demo-password"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    url = f"duckdb:///{tmp_path_factory.mktemp('app') / 'demo.duckdb'}"
    engine = db.open_database(url)
    demo.load(engine, PASSWORD)
    engine.dispose()
    return url


@pytest.fixture(autouse=True)
def _navigation_as_on_a_running_server(monkeypatch):
    """AppTest starts every run in Streamlit's legacy multipage mode (pages/ exists beside app.py),
    which a real server leaves for good once any session has called st.navigation. Run as the
    server does after its first request; the first request itself is tested in Chromium
    (tests/e2e/test_pages_folder.py)."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class _Running(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    monkeypatch.setattr(app_test, "PagesManager", _Running)


@pytest.fixture
def use_db(monkeypatch):
    def _use(url):
        monkeypatch.setenv("SCORE_DB_URL", url)
        return url
    return _use


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    """Run the app and sign in through the sign-in form."""
    at.run()
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    click(at, "Sign in")
    return at


def open_page(username: str, url_path: str) -> AppTest:
    """A new session signed in as ``username`` (the demo password) on the page registered under
    ``url_path``, drawn without an exception."""
    at = goto(sign_in(new_app(), username), url_path)
    at.run()
    assert not at.exception, at.exception
    return at


def goto(at: AppTest, url_path: str) -> AppTest:
    """Switch to the page registered under ``url_path`` (pages are functions handed to st.Page, so
    AppTest.switch_page, which matches files, cannot find them); run ``at`` first. A page outside
    the signed-in role's navigation is not registered: ValueError 'Could not find'."""
    page_hash = calc_hash(url_path)
    if page_hash not in at._registered_pages:
        raise ValueError(f"Could not find a page {url_path!r} in this session's navigation")
    at._page_hash = page_hash
    return at


def field(at: AppTest, kind: str, form: str, name: str):
    """The widget ``name`` of an enterprise's form (keys are ``{form}_{enterprise}_{saves}_{name}``,
    see ui.shared.form_keys), e.g. ``field(at, "text_input", "entry", "water_value")``."""
    pattern = re.compile(rf"^{form}_\d+_\d+_{name}$")
    found = [w for w in getattr(at, kind) if w.key and pattern.match(w.key)]
    assert len(found) == 1, (form, name, [w.key for w in getattr(at, kind)])
    return found[0]


def click(at: AppTest, label: str) -> AppTest:
    """Click the (form submit) button labelled ``label`` (or ``label`` followed by what it saves,
    as in 'Save for <enterprise>') and run the script."""
    matches = [b for b in at.button if b.label == label] or [b for b in at.button if b.label.startswith(label + " ")]
    assert matches, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    matches[0].click()
    at.run()
    return at


def _decode(obj):
    """Plotly's JSON encodes numeric arrays as {"bdata": base64, "dtype": ...}: decode them."""
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=obj["dtype"])
            return arr.reshape(obj["shape"]).tolist() if "shape" in obj else arr.tolist()
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


def charts(at: AppTest) -> list[go.Figure]:
    """The plotly figures on the page, rebuilt from their JSON with typed arrays decoded."""
    return [go.Figure(_decode(json.loads(c.proto.spec))) for c in at.get("plotly_chart")]


def metric(at: AppTest, label: str) -> str:
    """The value of the st.metric labelled ``label``."""
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}; metrics: {[m.label for m in at.metric]}"
    return found[0].value


def table_with(at: AppTest, *columns: str):
    """The first st.dataframe whose columns include ``columns``."""
    for df in at.dataframe:
        if set(columns) <= set(df.value.columns):
            return df.value
    raise AssertionError(f"no table with columns {columns}")


def choose(at: AppTest, key: str, label: str, candidates=range(1, 100_000)) -> AppTest:
    """Select the option shown as ``label`` in a selectbox of ids shown through a format_func.

    AppTest's ``select_index`` would set the shown text as the value, which the format_func of
    an id list does not map back; this finds the id whose text is ``label`` and selects it.
    """
    box = at.selectbox(key=key)
    assert label in box.options, f"{label!r} not among {box.options}"

    def shown(v):
        try:
            return box.format_func(v)
        except (KeyError, IndexError, TypeError, ValueError):
            return None

    box.select(next(v for v in candidates if shown(v) == label))
    return at
