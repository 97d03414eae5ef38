"""Forms that belong to one enterprise, in a real browser (AppTest keeps no browser-side widget state).

A trainer types figures for one enterprise, picks another in the sidebar: the fields are empty
and Save stores nothing there. After a successful save the form is empty. The form starts at the
period after the enterprise's last stored one. The action form behaves the same.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import demo_database, serve, sign_in

CASE = "Mechanical seals maker (case study, India)"


@pytest.fixture(scope="module")
def entry_url(tmp_path_factory):
    """A server of its own: these tests save figures."""
    with serve(demo_database(tmp_path_factory.mktemp("entry"))) as base:
        yield base


def _form(page):
    return page.locator("[data-testid='stForm']").first


def _pick_enterprise(page, name: str) -> None:
    box = page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Enterprise")
    box.click()
    page.get_by_role("option", name=name, exact=True).click()
    expect(box).to_have_value(name)


def _line(page, label: str):
    """The value box of the form line labelled ``label`` (Electricity, Yield ...)."""
    return _form(page).get_by_role("textbox", name=f"{label} value")


def test_figures_typed_for_one_enterprise_do_not_follow_the_trainer(entry_url, page, tmp_path):
    sign_in(page, entry_url, "demo-trainer")
    page.get_by_role("link", name="Enter figures").click()
    expect(page.get_by_role("heading", name=f"Enter figures: {CASE}")).to_be_visible()
    _line(page, "Electricity").fill("9999")
    _line(page, "Yield (good output / material input)").fill("91")
    page.screenshot(path=str(tmp_path / "1-typed-for-case-study.png"), full_page=True)

    other = "Synthetic Food SME 29 (IN)"
    _pick_enterprise(page, other)
    expect(page.get_by_role("heading", name=f"Enter figures: {other}")).to_be_visible()
    stored = page.get_by_text("Stored periods (2)", exact=True)  # a baseline and a follow-up
    expect(stored).to_be_visible()
    expect(_line(page, "Electricity")).to_have_value("")
    expect(_line(page, "Yield (good output / material input)")).to_have_value("")
    save = _form(page).get_by_role("button", name=re.compile("^Save"))
    expect(save).to_have_text(f"Save for {other}")
    save.click()
    expect(page.get_by_text("Nothing to save: enter at least one value.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Saved for "))).to_have_count(0)
    expect(stored).to_be_visible()
    page.screenshot(path=str(tmp_path / "2-other-enterprise-empty.png"), full_page=True)

    _pick_enterprise(page, CASE)  # and back: nothing typed earlier comes back either
    expect(page.get_by_role("heading", name=f"Enter figures: {CASE}")).to_be_visible()
    expect(_line(page, "Electricity")).to_have_value("")


def test_the_form_is_empty_after_a_save_and_starts_after_the_last_period(entry_url, page, tmp_path):
    sign_in(page, entry_url, "demo-manager")
    page.get_by_role("link", name="Enter figures").click()
    expect(page.get_by_role("heading", name=f"Enter figures: {CASE}")).to_be_visible()
    # the case study's last stored period is a follow-up from 2024-01-01 to 2024-03-31: the next quarter
    phase = _form(page).get_by_role("combobox", name=re.compile("Phase"))
    expect(phase).to_have_value("follow-up")
    start, end = _form(page).locator("input[type='date']").nth(0), _form(page).locator("input[type='date']").nth(1)
    expect(start).to_have_value("2024-04-01")
    expect(end).to_have_value("2024-06-30")
    page.screenshot(path=str(tmp_path / "3-defaults-after-history.png"), full_page=True)

    _line(page, "Water").fill("120")
    _form(page).get_by_role("button", name=f"Save for {CASE}").click()
    expect(page.get_by_text(re.compile(r"^Saved for .*follow-up 2024-04-01 to 2024-06-30: 1 new figure,"))) \
        .to_be_visible()
    expect(_line(page, "Water")).to_have_value("")  # the browser's box, not only the session's state
    # and the next period is offered now
    expect(start).to_have_value("2024-07-01")
    expect(end).to_have_value("2024-09-30")
    page.screenshot(path=str(tmp_path / "4-empty-after-save.png"), full_page=True)
    _form(page).get_by_role("button", name=f"Save for {CASE}").click()
    expect(page.get_by_text("Nothing to save: enter at least one value.")).to_be_visible()


def test_a_refused_save_keeps_what_was_typed(entry_url, page):
    sign_in(page, entry_url, "demo-manager")
    page.get_by_role("link", name="Enter figures").click()
    _line(page, "Yield (good output / material input)").fill("120")
    _form(page).get_by_role("button", name=f"Save for {CASE}").click()
    expect(page.get_by_text("Nothing was saved. Correct the lines marked above and save again.")).to_be_visible()
    expect(_line(page, "Yield (good output / material input)")).to_have_value("120")


def test_a_baseline_after_the_follow_ups_needs_confirmation(entry_url, page, tmp_path):
    sign_in(page, entry_url, "demo-manager")
    page.get_by_role("link", name="Enter figures").click()
    phase = _form(page).get_by_role("combobox", name=re.compile("Phase"))
    phase.click()
    page.get_by_role("option", name="baseline", exact=True).click()
    _line(page, "Electricity").fill("18000")
    _form(page).get_by_role("button", name=f"Save for {CASE}").click()
    expect(page.get_by_text(re.compile("This baseline is dated after follow-up figures"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Saved for "))).to_have_count(0)
    expect(_line(page, "Electricity")).to_have_value("18000")
    page.screenshot(path=str(tmp_path / "5-baseline-after-follow-up.png"), full_page=True)


def test_an_action_description_does_not_follow_the_trainer(entry_url, page, tmp_path):
    sign_in(page, entry_url, "demo-trainer")
    page.get_by_role("link", name="Improvement actions").click()
    expect(page.get_by_role("heading", name=f"Improvement actions: {CASE}")).to_be_visible()
    what = _form(page).get_by_role("textbox", name="What was done")
    what.fill("New boiler insulation")
    other = "Synthetic Food SME 29 (IN)"
    _pick_enterprise(page, other)
    expect(page.get_by_role("heading", name=f"Improvement actions: {other}")).to_be_visible()
    expect(_form(page).get_by_role("textbox", name="What was done")).to_have_value("")
    page.screenshot(path=str(tmp_path / "6-action-form-other-enterprise.png"), full_page=True)
    _form(page).get_by_role("button", name=f"Save for {other}").click()
    expect(page.get_by_text("Action saved.")).to_have_count(0)
