"""Two `streamlit run app.py` processes on one PostgreSQL database (how a programme serves more
people than one process holds), each with its own browser (issue 16, item 15): the differencing
memory and the sign-in throttling are the database's, so what happens in one process holds in the
other. Were either kept in a process's memory, process B would show the figure, or sign in."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, idle, pg_demo_database, serve, sign_in

#: two sectors: their union is no cell of the overview's first page (which shows each sector and each country)
SECTORS = ["Rubber and plastics", "Textiles and garments"]
#: every country but Viet Nam, whose two enterprises of those sectors (the demo's Textiles SME 02 and Rubber
#: SME 23) make the difference
COUNTRIES = ["BO", "CN", "ID", "IN", "KE", "KG"]


@pytest.fixture(scope="module")
def two_servers(pg_cluster):
    """The demo on PostgreSQL, served by two app processes: the base URLs of A and B."""
    url = pg_demo_database(pg_cluster, "two_processes")
    with serve(url) as a, serve(url) as b:
        assert a != b
        yield a, b


def _filter(page, label: str, value: str) -> None:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
    box.locator("input").click()  # opens the list (filling alone may leave it shut)
    box.locator("input").fill(value)
    expect(page.get_by_role("option").first).to_be_visible()  # the list narrowed to the value typed
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    idle(page)


def _metric(page, label: str):
    return page.locator('[data-testid="stMetric"]').filter(has_text=re.compile(f"^{re.escape(label)}"))


def _headline(page, indicator: str):
    """The headline card of ``indicator`` (its name, then its figures or why they are hidden)."""
    return page.locator('[data-testid="stColumn"]').filter(has_text=re.compile(f"^{indicator} · "))


def _with_figures(card) -> int:
    return int(re.search(r"· (\d+) enterprises with baseline and follow-up", card.inner_text())[1])


def test_a_view_in_one_process_and_the_complement_in_the_other_leak_nothing(two_servers, page, second_page,
                                                                             tmp_path):
    """A shows two sectors; B the same two sectors without Viet Nam, which never was a cell in B (so a
    memory of B's own would show it): the difference would be Viet Nam's two enterprises' figures."""
    a, b = two_servers
    # process A: an officer looks at the two sectors
    sign_in(page, a, "demo-officer")
    expect(page.get_by_role("heading", name="Programme overview", exact=True)).to_be_visible()
    for sector in SECTORS:
        _filter(page, "Sector", sector)
    expect(page.get_by_text("Showing sector: Rubber and plastics, Textiles and garments.", exact=False)) \
        .to_be_visible()
    shown = _headline(page, "Energy")
    expect(_metric(page, "Energy: mean change")).to_contain_text(re.compile(r"[+-]\d+\.\d%"))
    page.screenshot(path=str(tmp_path / "1-A-two-sectors.png"), full_page=True)

    # process B, another officer: every country but Viet Nam, then the two sectors
    sign_in(second_page, b, "demo-officer")
    expect(second_page.get_by_role("heading", name="Programme overview", exact=True)).to_be_visible()
    for country in COUNTRIES:
        _filter(second_page, "Country", f"({country})")
    for sector in SECTORS:
        _filter(second_page, "Sector", sector)
    expect(second_page.get_by_text("Showing country: BO, CN, ID, IN, KE, KG; sector: Rubber and plastics, "
                                   "Textiles and garments.", exact=False)).to_be_visible()
    hidden = _headline(second_page, "Energy")
    assert _with_figures(hidden) == _with_figures(shown) - 2  # Viet Nam's two
    expect(hidden).to_contain_text("mean, median, pooled: fewer than 3 enterprises")
    expect(_metric(second_page, "Energy: mean change")).to_have_count(0)
    # (the delivery tab says the same of its own figures); one figure is said in the singular
    expect(second_page.get_by_text(re.compile(r"^(1 figure reads “fewer than 3” although it is|\d+ figures read "
                                              r"“fewer than 3” although they are) built from more enterprises"))) \
        .to_be_visible()
    expect(_metric(second_page, "Energy avoided (")).to_contain_text("fewer than 3")
    expect(_metric(second_page, "Energy avoided, production-adjusted (")).to_contain_text("fewer than 3")
    second_page.screenshot(path=str(tmp_path / "2-B-without-viet-nam.png"), full_page=True)


def _attempt(page, password: str) -> str:
    """Press Sign in with ``password`` in the form already filled with a name; the message shown."""
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    message = page.get_by_test_id("stAlertContentError")
    expect(message).to_be_visible()
    idle(page)
    return message.inner_text()


def test_failures_in_one_process_slow_the_sign_in_in_the_other(two_servers, page, second_page, tmp_path):
    a, b = two_servers
    second_page.goto(b)  # process B: the right person, about to sign in
    second_page.get_by_role("textbox", name="User name").fill("demo-trainer")
    page.goto(a)  # process A: a stranger guessing the same name
    page.get_by_role("textbox", name="User name").fill("demo-trainer")
    # 5 failures in A are free; each after that must wait 1, 2, 4 ... seconds
    for _ in range(5):
        assert _attempt(page, "not the password").startswith("Unknown user name or wrong password")
    # four more counted failures (a refused attempt, "try again in 1 s", is not counted): the delay is 16 s,
    # long enough for process B's attempt to fall inside it on a loaded machine
    counted = 5
    while counted < 9:
        if _attempt(page, "not the password").startswith("Unknown user name or wrong password"):
            counted += 1

    # process B, which saw none of them: the right password waits too
    refused = _attempt(second_page, PASSWORD)
    page.screenshot(path=str(tmp_path / "3-A-failures.png"), full_page=True)
    assert re.fullmatch(r"Too many failed sign-in attempts\. Try again in [1-9]\d? s\.", refused), refused
    expect(second_page.get_by_role("button", name="Sign in")).to_be_visible()  # not signed in
    second_page.screenshot(path=str(tmp_path / "4-B-throttled.png"), full_page=True)
