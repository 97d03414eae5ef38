"""A language per person, in Chromium: the browser's first, picked on the sign-in page, kept on
the account, changed on My account; figures typed and shown in that locale."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, browser_in, demo_database, idle, serve, words_in


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with serve(demo_database(tmp_path_factory.mktemp("choice"))) as url:
        yield url


def _sign_in(page, code, username, then=None):
    """Sign in on a page speaking ``code``; the pages after speak ``then`` (``code`` unless told)."""
    page.get_by_role("textbox", name=words_in(code, "User name")).fill(username)
    page.get_by_role("textbox", name=words_in(code, "Password")).fill(PASSWORD)
    page.get_by_role("button", name=words_in(code, "Sign in"), exact=True).click()
    expect(page.get_by_role("button", name=words_in(then or code, "Sign out"))).to_be_visible()
    idle(page)


def test_the_browser_language_first_then_the_persons_choice_kept_on_the_account(browser, base, tmp_path):
    with browser_in(browser, "fr-FR") as page:
        page.goto(base)
        # a French browser: the sign-in page speaks French
        expect(page.get_by_role("button", name=words_in("fr", "Sign in"), exact=True)).to_be_visible()
        page.screenshot(path=tmp_path / "1-sign-in-fr.png")
        # the person picks Spanish: the page speaks Spanish at once
        page.get_by_role("combobox").first.click()
        page.get_by_role("option", name="Español", exact=True).click()
        expect(page.get_by_role("button", name=words_in("es", "Sign in"), exact=True)).to_be_visible()
        _sign_in(page, "es", "demo-manager")
        expect(page.get_by_role("link", name=words_in("es", "Enter figures"))).to_be_visible()
        page.screenshot(path=tmp_path / "2-signed-in-es.png")
        # My account: back to English, kept on the account
        page.get_by_role("link", name=words_in("es", "My account")).click()
        form = page.get_by_test_id("stForm").filter(has=page.get_by_role(
            "button", name=words_in("es", "Save language")))
        form.get_by_role("combobox").click()
        page.get_by_role("option", name="English", exact=True).click()
        form.get_by_role("button", name=words_in("es", "Save language")).click()
        expect(page.get_by_role("link", name="Enter figures")).to_be_visible()
        idle(page)
        page.screenshot(path=tmp_path / "3-my-account-en.png")
    # another day, a French browser again: the account's English wins once signed in
    with browser_in(browser, "fr-FR") as page:
        page.goto(base)
        expect(page.get_by_role("button", name=words_in("fr", "Sign in"), exact=True)).to_be_visible()
        _sign_in(page, "fr", "demo-manager", then="en")
        expect(page.get_by_role("link", name="Enter figures")).to_be_visible()
        page.screenshot(path=tmp_path / "4-stored-english-wins.png")


def test_a_spanish_user_types_a_decimal_comma_and_a_point_is_refused(browser, base, tmp_path):
    with browser_in(browser, "es-ES") as page:
        page.goto(base)
        _sign_in(page, "es", "demo-trainer")
        page.get_by_role("link", name=words_in("es", "Enter figures")).click()
        idle(page)
        label = words_in("es", "{label} value").format(label=words_in("es", "Electricity"))
        value = page.get_by_role("textbox", name=label)
        save = page.get_by_test_id("stForm").first.get_by_role("button").last
        two_ways = words_in("es", "{text} can be read two ways: write decimals with '{decimal}' ({half}) and "
                                  "group thousands as in {thousands}, or leave the grouping out.")
        two_ways = two_ways.split("{text}")[1].strip()[:25]
        assert two_ways.startswith("puede leerse")
        value.fill("1.5")  # the English way: refused, never read as 15 or 1500
        save.click()
        idle(page)
        refusal = page.get_by_test_id("stAlert").filter(has_text="1.5")
        expect(refusal.first).to_be_visible()
        expect(refusal.first).to_contain_text("1,5")  # says how to write it
        page.screenshot(path=tmp_path / "1-point-refused.png", full_page=True)
        value.fill("1,5")  # the Spanish way: read as one and a half
        save.click()
        idle(page)
        page.screenshot(path=tmp_path / "2-comma-read.png", full_page=True)
        # read as a number: no refusal, and the check against this enterprise's usual figures (only
        # a figure read can be compared) asks the person to confirm so small a value
        assert page.get_by_test_id("stAlert").filter(has_text=two_ways).count() == 0
        expect(page.get_by_text(words_in("es", "Nothing was saved yet: check the figures or dates flagged above. "
                                               "Correct them, or tick the box to confirm and save again."))
               ).to_be_visible()
