"""A real browser (Debian's Chromium driven by Playwright) against `streamlit run app.py`."""
from __future__ import annotations

import contextlib
import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tracker import db, demo

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# a busy 2-core CI machine can take a while to load the chart bundle: wait up to 30 s, not 5
expect.set_options(timeout=30_000)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
PASSWORD = "demo-password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_url: str) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on ``db_url`` on a free loopback port; returns the process and base URL."""
    port = _free_port()
    env = dict(os.environ, SCORE_DB_URL=db_url)
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(proc: subprocess.Popen, base: str) -> None:
    """Wait until the server answers its health check (or fail with what it printed)."""
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(base + "/_stcore/health", timeout=2)
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("streamlit did not start: " + proc.stderr.read().decode()[-2000:]) from None
            time.sleep(0.3)  # polling a server's readiness, not synchronising the test


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextlib.contextmanager
def serve(db_url: str):
    """`streamlit run app.py` on ``db_url``, on a free loopback port; yields the base URL."""
    proc, base = start_server(db_url)
    try:
        wait_ready(proc, base)
        yield base
    finally:
        stop_server(proc)


def demo_database(folder: Path, extra=None) -> str:
    """A demo database in ``folder`` (``extra(engine)`` adds to it); returns its URL."""
    return _with_demo(f"duckdb:///{folder / 'demo.duckdb'}", extra)


def pg_demo_database(pg_cluster, name: str, extra=None) -> str:
    """The demo in a new database ``name`` of the throwaway PostgreSQL cluster (a shared server's
    database; ``extra(engine)`` adds to it); returns its URL. Skips the test without the cluster."""
    if pg_cluster is None:
        pytest.skip("needs the throwaway PostgreSQL cluster")
    return _with_demo(pg_cluster.create_database(name), extra)


def _with_demo(url: str, extra) -> str:
    engine = db.open_database(url)
    demo.load(engine, PASSWORD)
    if extra is not None:
        extra(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The app on a demo database, served by a real `streamlit run` on loopback."""
    with serve(demo_database(tmp_path_factory.mktemp("e2e"))) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{CHROMIUM} is required in CI")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


#: the browser window of the tests (a laptop's)
WINDOW = {"width": 1400, "height": 1000}


@contextlib.contextmanager
def new_page(browser, *, timeout_ms: int = 30_000, **options):
    """A page of a browser context of its own (another person: cookies and Streamlit session of its
    own), in a :data:`WINDOW` unless ``options`` (Playwright's ``new_context``) say otherwise; closed
    afterwards."""
    context = browser.new_context(**({"viewport": WINDOW} | options))
    try:
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser):
    with new_page(browser) as pg:
        yield pg


@pytest.fixture
def second_page(browser):
    """A browser of its own (another person, or the same one on another app process)."""
    with new_page(browser) as pg:
        yield pg


@pytest.fixture
def downloads(browser):
    """A page whose downloads are kept (read them with :func:`download`)."""
    with new_page(browser, accept_downloads=True) as pg:
        yield pg


def download(page, label, folder: Path, name: str) -> bytes:
    """Press the download button named ``label`` (a text, or a compiled pattern) as a person does,
    save the file as ``folder/name`` and give its bytes."""
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    path = folder / name
    info.value.save_as(path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def pseudo_app(tmp_path_factory):
    """The app on a demo database whose catalogue is the pseudo-language (every translation the English
    between ⟦ ⟧, tools/i18n.py pseudo; SCORE_LOCALE_DIR, read by the server started here), so that a word
    left in English shows in any language the browser asks for."""
    folder = tmp_path_factory.mktemp("pseudo")
    subprocess.run([sys.executable, "tools/i18n.py", "pseudo", str(folder)], cwd=ROOT, check=True,
                   capture_output=True)
    url = demo_database(tmp_path_factory.mktemp("e2e-pseudo"))
    before = os.environ.get("SCORE_LOCALE_DIR")
    os.environ["SCORE_LOCALE_DIR"] = str(folder)
    try:
        with serve(url) as base:
            yield base
    finally:
        if before is None:
            os.environ.pop("SCORE_LOCALE_DIR", None)
        else:
            os.environ["SCORE_LOCALE_DIR"] = before


def words_in(code: str, message: str) -> str:
    """``message`` as the catalogue of ``code`` has it (what a page speaking ``code`` shows)."""
    from metrics import i18n

    before = i18n.current()
    i18n.use(code)
    try:
        return i18n._(message)
    finally:
        i18n.use(before)


@contextlib.contextmanager
def browser_in(browser, tag: str):
    """A page of a new browser whose language is ``tag`` ('es-ES'); closed afterwards."""
    with new_page(browser, locale=tag, extra_http_headers={"Accept-Language": tag}) as page:
        page.add_init_script("delete window.showSaveFilePicker")  # a table's CSV as a download (table_rows)
        yield page


def sign_in_any(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Sign in whatever language the sign-in page speaks (its first text box, its password box);
    returns once the signed-in run has ended."""
    page.goto(base)
    secret = page.locator("input[type='password']")
    expect(secret).to_be_visible()
    page.locator("[data-testid='stTextInput'] input").first.fill(username)
    secret.fill(password)
    secret.press("Enter")
    expect(secret).to_have_count(0)
    idle(page)


def sign_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the form as a person would."""
    page.goto(base)
    page.get_by_role("textbox", name="User name").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def pick(page, scope, label: str, option: str) -> None:
    """Choose ``option`` in the selectbox labelled ``label`` within ``scope`` (the page, a form, the sidebar).

    A rerun that ends while the list is open redraws the box and closes the list (the option then
    detaches under the pointer): the list is opened again, up to three times, as a person would."""
    box = scope.get_by_role("combobox", name=label)
    item = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        try:
            box.click()
            try:
                expect(page.get_by_role("option").first).to_be_visible(timeout=3000)
            except AssertionError:  # a click just after a rerun sometimes only focuses the box
                box.click()
            if not item.is_visible():  # a long list shows its first options only: typing narrows it
                page.keyboard.type(option)
            item.click(timeout=5000)
            break
        except (AssertionError, PlaywrightTimeout):
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    expect(box).to_have_value(option)


def open_report(page, enterprise: str) -> None:
    """Open the Enterprise report from the sidebar and pick ``enterprise`` there; returns once its
    heading is drawn and the run has ended (nothing of the enterprise before is left)."""
    page.get_by_role("link", name="Enterprise report").click()
    pick(page, page.locator("[data-testid='stSidebar']"), "Enterprise", enterprise)
    expect(page.get_by_role("heading", name=enterprise)).to_be_visible()
    idle(page)


def table_rows(page, table, key: str | None = None):
    """The cells of ``table`` (a locator of a dataframe) as Streamlit writes them into its own
    "Download as CSV" file: a list of rows, or {row[key]: row} with ``key``."""
    table.evaluate("el => el.scrollIntoView({block: 'center'})")
    table.hover()  # the toolbar shows above the table while the pointer is over it
    button = table.get_by_role("button", name="Download as CSV")
    expect(button).to_be_visible()
    with page.expect_download() as download:  # from the keyboard: the toolbar slides while the pointer moves
        button.press("Enter")
    with open(download.value.path(), encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(io.StringIO(f.read())))
    return rows if key is None else {r[key]: r for r in rows}


def idle(page) -> None:
    """Wait until the script run that drew what the test waited for has finished (call it after
    waiting for something that run draws): the app says it is not running, and no element of the
    run before is left (Streamlit marks those data-stale until the run ends)."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
    expect(page.locator("[data-testid='stElementContainer'][data-stale='true']")).to_have_count(0)
