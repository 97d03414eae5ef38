"""pages/ beside app.py: a fresh server's first request for any page URL or page file gets the sign-in.

Streamlit runs a fresh server in its legacy multipage mode until a session calls st.navigation;
in that mode a request for /<file name> runs pages/<file name>.py by itself, and the sidebar
would list every file. Each URL here is the first request of a server of its own.
"""
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import demo_database, start_server, stop_server, wait_ready

ROOT = Path(__file__).resolve().parents[2]
URL_PATHS = ["report", "entry", "profile", "actions", "programme", "users", "audit", "account"]
FILES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if p.stem != "__init__")
PAGE_TEXT = ["Programme overview", "Enter figures", "Improvement actions", "Profile:", "Audit log", "Users",
             "My account", "Mechanical seals maker", "Please sign in"]


@pytest.fixture(scope="module")
def fresh_servers(tmp_path_factory):
    """One fresh server per URL (each on its own copy of the demo database), started together."""
    folder = tmp_path_factory.mktemp("fresh")
    template = Path(demo_database(folder).removeprefix("duckdb:///"))
    servers = {}
    try:
        for path in URL_PATHS + FILES:
            copy = folder / f"{path}.duckdb"
            shutil.copy(template, copy)
            servers[path] = start_server(f"duckdb:///{copy}")
        for proc, base in servers.values():
            wait_ready(proc, base)
        yield {path: base for path, (_, base) in servers.items()}
    finally:
        for proc, _ in servers.values():
            stop_server(proc)


def test_every_page_file_is_a_render_function_only():
    assert set(FILES) >= {"data_entry", "programme_overview", "sign_in_form"}
    assert not set(FILES) & set(URL_PATHS)  # a URL that named a file would run it in legacy mode


@pytest.mark.parametrize("path", URL_PATHS + FILES)
def test_first_request_of_a_fresh_server_gets_the_sign_in_only(fresh_servers, page, path, tmp_path):
    page.goto(f"{fresh_servers[path]}/{path}")
    expect(page.get_by_role("textbox", name="User name")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.screenshot(path=str(tmp_path / f"first-request-{path}.png"), full_page=True)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert not [t for t in PAGE_TEXT if t in body], body
    assert page.locator("[data-testid='stSidebarNav']").count() == 0  # no list of files
    for stem in FILES:
        assert page.get_by_text(stem.replace("_", " "), exact=False).count() == 0
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_fresh_server_that_cannot_open_its_database_lists_no_files(page, tmp_path):
    # app.py stops early there: it still ends in st.navigation, which replaces the legacy file list
    proc, base = start_server("postgresql+psycopg://nobody:x@127.0.0.1:9/none?connect_timeout=2")
    try:
        wait_ready(proc, base)
        page.goto(f"{base}/data_entry")
        expect(page.get_by_text("The database cannot be opened.", exact=False)).to_be_visible()
        page.screenshot(path=str(tmp_path / "database-unavailable.png"), full_page=True)
        links = page.locator("[data-testid='stSidebarNav'] a")
        assert links.count() == 0, links.all_inner_texts()
        for stem in FILES:
            assert page.get_by_text(stem.replace("_", " "), exact=False).count() == 0
    finally:
        stop_server(proc)
