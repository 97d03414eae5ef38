"""What the screenshot tour of the demo found in words people read: pages that pointed a user at a
developer's file, or dressed an absent figure as a hidden one."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import idle, sign_in


def test_the_offline_visit_page_gives_its_five_steps_itself(page, app_url, tmp_path):
    """A trainer has no README.md: the page says the five steps of a visit, not where a file has them."""
    sign_in(page, app_url, "demo-trainer")
    page.get_by_role("link", name="Offline visit").click()
    expect(page.get_by_role("heading", name="Offline visit")).to_be_visible()
    idle(page)
    main = page.locator("[data-testid='stMain']")
    steps = main.get_by_text("The five steps of a visit")
    expect(steps).to_be_visible()
    steps.click()  # an expander: its steps are shown when opened
    for step in ("Take the visit out", "Set up the laptop", "Work without a connection", "Pack the visit",
                 "Merge it"):
        expect(main.get_by_text(step, exact=False).first).to_be_visible()
    main.get_by_text("Merge it").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "offline-visit.png"), full_page=True)
    assert "README" not in main.inner_text()


def test_no_regression_baseline_is_said_in_words_not_hidden_as_fewer_than_3(page, app_url, tmp_path):
    """The demo has no enterprise with 12 monthly baseline periods: the overview says there is no regression
    baseline, instead of '0 enterprises ... fewer than 3' (nothing is hidden: there is nothing)."""
    sign_in(page, app_url, "demo-officer")
    expect(page.get_by_role("heading", name="Programme overview")).to_be_visible()
    idle(page)
    main = page.locator("[data-testid='stMain']")
    note = main.get_by_text("No enterprise of this selection has a regression baseline", exact=False)
    expect(note).to_be_visible()
    note.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
    assert "(0 enterprises" not in main.inner_text()
