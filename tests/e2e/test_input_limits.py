"""Bad input typed on the pages (issue 16, items 6, 7 and 8), in Chromium against `streamlit run
app.py` on DuckDB and on PostgreSQL: a figure that overflows, a text longer than its column, a
country that is none. Each is refused with a plain message beside what was typed, which stays in
its box; nothing is stored, no page breaks, and no message shows a password hash.

Before the fix, on PostgreSQL the long sector and the long user name broke the page with
StringDataRightTruncation (the user name's error quoting the new password's argon2 hash), and on
DuckDB they, the country 'XQ' and the figure 1e308 kWh were stored.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import demo_database, idle, pg_demo_database, serve, sign_in

CASE = "Mechanical seals maker (case study, India)"
LONG_SECTOR = "Rubber and plastic products for agricultural, automotive and domestic pumps, seals, gaskets and hoses"
LONG_USER = "a-trainer-whose-name-someone-pasted-twice-a-trainer-whose-name-someone-pasted-twice-and-once-more-xyz"
assert len(LONG_SECTOR) == 101 and len(LONG_USER) == 101


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def limits_url(request, tmp_path_factory):
    """The demo on each database, served by a real `streamlit run`."""
    if request.param == "duckdb":
        url = demo_database(tmp_path_factory.mktemp("limits"))
    else:
        url = pg_demo_database(request.getfixturevalue("pg_cluster"), "e2e_limits")
    with serve(url) as base:
        yield base, url


def _no_hash_nor_traceback(page):
    expect(page.get_by_text(re.compile("argon2|Traceback|StringDataRightTruncation"))).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def test_a_profile_keeps_what_was_typed_and_says_why_it_was_refused(limits_url, page, tmp_path):
    base, url = limits_url
    sign_in(page, base, "demo-manager")
    page.get_by_role("link", name="Profile and modules").click()
    expect(page.get_by_role("heading", name=f"Profile: {CASE}")).to_be_visible()
    form = page.locator("[data-testid='stForm']").first
    country, sector = form.get_by_role("textbox", name="Country (ISO code)"), form.get_by_role("textbox", name="Sector")
    save = form.get_by_role("button", name=f"Save profile of {CASE}")

    country.fill("XQ")
    save.click()
    expect(page.get_by_text("'XQ' is not a country: give a two-letter ISO 3166 code (IN, VN, KE) or a country's "
                            "name (India, Viet Nam, Kenya). Nothing was saved.")).to_be_visible()
    idle(page)
    expect(country).to_have_value("XQ")
    _shot(page, tmp_path, f"1-bad-country-{url.split(':')[0]}")

    country.fill("India")
    sector.fill(LONG_SECTOR)
    save.click()
    expect(page.get_by_text("The sector has 101 characters; at most 100 fit. Shorten it. Nothing was saved.")) \
        .to_be_visible()
    idle(page)
    expect(sector).to_have_value(LONG_SECTOR)
    expect(country).to_have_value("India")
    _no_hash_nor_traceback(page)
    _shot(page, tmp_path, f"2-long-sector-{url.split(':')[0]}")

    sector.fill(LONG_SECTOR[:100])  # at the limit, and the country by its name: stored as its code
    save.click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    idle(page)
    expect(country).to_have_value("IN")
    expect(sector).to_have_value(LONG_SECTOR[:100])
    _shot(page, tmp_path, f"3-saved-{url.split(':')[0]}")


def test_a_figure_that_overflows_is_refused_beside_its_line(limits_url, page, tmp_path):
    base, url = limits_url
    sign_in(page, base, "demo-manager")
    page.get_by_role("link", name="Enter figures").click()
    expect(page.get_by_role("heading", name=f"Enter figures: {CASE}")).to_be_visible()
    form = page.locator("[data-testid='stForm']").first
    electricity = form.get_by_role("textbox", name="Electricity value")
    electricity.fill("1e308")  # April to June 2024, 91 days: more than a float holds per year
    form.get_by_role("button", name=re.compile("^Save for")).click()
    expect(form.get_by_text(re.compile(r"value is too large: 1e\+308 kWh over 91 day\(s\) is more than 1\.8e\+308 "
                                       r"kWh a year, over the limit of 1e\+15 kWh a year"))).to_be_visible()
    idle(page)
    expect(electricity).to_have_value("1e308")
    expect(page.get_by_text(re.compile("^Saved for"))).to_have_count(0)
    electricity.scroll_into_view_if_needed()  # the app scrolls in a box of its own: a full-page shot shows the top
    _shot(page, tmp_path, f"4-overflow-{url.split(':')[0]}")
    # past the largest float as typed: refused by the reader, naming what was typed (it was read as infinity)
    electricity.fill("1e999")
    form.get_by_role("button", name=re.compile("^Save for")).click()
    expect(form.get_by_text("1e999 is not a finite number.")).to_be_visible()
    idle(page)
    expect(electricity).to_have_value("1e999")
    expect(page.get_by_text(re.compile("^Saved for"))).to_have_count(0)
    electricity.scroll_into_view_if_needed()
    _shot(page, tmp_path, f"5-infinite-{url.split(':')[0]}")


def test_a_user_name_too_long_is_refused_without_the_hash(limits_url, page, tmp_path):
    base, url = limits_url
    sign_in(page, base, "demo-admin")
    page.get_by_role("link", name="Users").click()
    page.get_by_text("Create an account").click()
    form = page.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name="Create account"))
    name = form.get_by_role("textbox", name="User name")
    name.fill(LONG_USER)
    form.get_by_role("textbox", name="Password (empty: a random one)").fill("a-good-password")
    form.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("The user name has 101 characters; at most 100 fit. Shorten it. No account was created.")) \
        .to_be_visible()
    idle(page)
    expect(name).to_have_value(LONG_USER)
    _no_hash_nor_traceback(page)
    _shot(page, tmp_path, f"5-long-user-name-{url.split(':')[0]}")
