"""A language per person, in Chromium: the browser's first, picked on the sign-in page, kept on
the account, changed on My account; figures typed and shown in that locale."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, browser_in, demo_database, idle, serve, table_rows, words_in


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


def test_a_target_and_an_investment_are_typed_and_shown_the_spanish_way(browser, base, tmp_path):
    """Streamlit's number box knows only a point ('20.00'): the target's reduction and an action's
    investment are boxes read in the person's locale, shown the same way."""
    with browser_in(browser, "es-ES") as page:
        page.goto(base)
        _sign_in(page, "es", "demo-trainer")  # (the manager's account keeps English: the test above)
        page.get_by_role("link", name=words_in("es", "Profile and modules")).click()
        save = page.get_by_role("button", name=words_in("es", "Save target"))
        expect(save).to_be_visible()
        form = page.get_by_test_id("stForm").filter(has=save)
        reduction = form.get_by_role("textbox", name=words_in("es", "Reduction (%)"))
        expect(reduction).to_have_value("20")  # the default, as the person writes it (not '20.00')
        reduction.fill("12.5")  # the English way: refused, and kept to correct
        save.click()
        idle(page)
        expect(page.get_by_test_id("stAlert").filter(has_text="12.5").first).to_contain_text("1,5")
        expect(reduction).to_have_value("12.5")
        page.screenshot(path=tmp_path / "1-target-point-refused.png", full_page=True)
        reduction.fill("12,5")
        save.click()
        expect(page.get_by_text(words_in("es", "Target for {indicator} saved.").format(
            indicator=words_in("es", "Energy")))).to_be_visible()
        idle(page)
        expect(reduction).to_have_value("20")  # saved: a fresh form
        rows = table_rows(page, page.get_by_test_id("stDataFrame").first, words_in("es", "indicator"))
        assert rows[words_in("es", "Energy")][words_in("es", "target")].startswith("-12,5")  # 12.5 %, not 125
        page.screenshot(path=tmp_path / "2-target-comma-saved.png", full_page=True)

        page.get_by_role("link", name=words_in("es", "Improvement actions")).click()
        form = page.get_by_test_id("stForm").filter(has=page.get_by_role("textbox", name=words_in("es", "Investment")))
        expect(form).to_be_visible()
        form.get_by_role("textbox", name=words_in("es", "What was done")).fill("Secadora nueva")
        form.get_by_role("textbox", name=words_in("es", "Investment")).fill("1.200,5")
        save_for = words_in("es", "Save for {name}").split("{name}")[0]
        form.get_by_role("button", name=re.compile("^" + re.escape(save_for))).click()
        expect(page.get_by_text(words_in("es", "Action saved."))).to_be_visible()
        idle(page)
        rows = table_rows(page, page.get_by_test_id("stDataFrame").first, words_in("es", "What was done"))
        assert float(rows["Secadora nueva"][words_in("es", "Investment")]) == 1200.5  # twelve hundred and a half
        page.screenshot(path=tmp_path / "3-investment-saved.png", full_page=True)


def test_the_audit_log_names_its_actions_in_the_readers_language(browser, base, tmp_path):
    with browser_in(browser, "es-ES") as page:
        page.goto(base)
        _sign_in(page, "es", "demo-admin")
        page.get_by_role("link", name=words_in("es", "Audit log")).click()
        table = page.get_by_test_id("stDataFrame").first
        expect(table).to_be_visible()
        idle(page)
        rows = table_rows(page, table)
        actions = {r["action"] for r in rows}  # the CSV names its columns as the data does
        assert words_in("es", "signed in") in actions  # this sign-in, newest first
        assert not actions & {"login", "insert", "update", "delete", "logout"}, actions  # no stored code shown
        tables = {r["table_name"] for r in rows}
        assert not tables & {"users", "measurements", "enterprises"}, tables
        page.screenshot(path=tmp_path / "1-audit-es.png", full_page=True)


def test_streamlit_s_own_typing_hint_is_in_the_person_s_language(browser, base, tmp_path):
    """Streamlit writes 'Press Enter to submit form' under a box being typed in, with no setting for
    its words: a French page shows it in French (its English drawn at size 0, the French in its place)."""
    with browser_in(browser, "fr-FR") as page:
        page.goto(base)
        name = page.get_by_role("textbox", name=words_in("fr", "User name"))
        name.fill("demo-trai")  # typed, not yet sent: the hint shows
        expect(page.get_by_test_id("InputInstructions")).to_be_visible()
        hint = page.get_by_test_id("InputInstructions").locator("span").first  # its own box is 0 high
        drawn = hint.evaluate("el => [getComputedStyle(el).fontSize, getComputedStyle(el, '::after').content]")
        assert drawn == ["0px", '"Appuyez sur Entrée pour envoyer le formulaire"'], drawn  # the French, by hand
        page.screenshot(path=tmp_path / "1-hint-fr.png")


def test_the_first_text_box_of_the_sign_in_page_is_the_user_name(browser, base, tmp_path):
    """A password manager, or a script, that fills the page's first text box and the password signs in: the
    language's box (a combobox with a text input of its own, for typing a language's name) comes after the form.
    Regression: it stood first, and the user name typed there was taken for a language."""
    with browser_in(browser, "es-ES") as page:
        page.goto(base)
        first = page.locator('input[type="text"]').first
        expect(first).to_have_attribute("aria-label", words_in("es", "User name"))
        first.fill("demo-officer")
        page.locator('input[type="password"]').first.fill(PASSWORD)
        page.locator('input[type="password"]').first.press("Enter")
        expect(page.get_by_role("button", name=words_in("es", "Sign out"))).to_be_visible()
        idle(page)
        page.screenshot(path=tmp_path / "signed-in-by-the-first-boxes.png", full_page=True)
