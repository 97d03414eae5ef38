"""What the screenshot tour of the demo found in words people read: pages that pointed a user at a
developer's file, or dressed an absent figure as a hidden one."""
from __future__ import annotations

from playwright.sync_api import expect

from tests import visit_helpers as vh
from tests.e2e.conftest import demo_database, idle, open_report, serve, sign_in, table_rows


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


def _landfilled(engine) -> None:
    """150 kg of the case study's baseline waste went to landfill (beside the 2,792.3 kg sold): waste diverted is
    then 2,792.307692 / 2,942.307692 = 94.902 %."""
    admin = vh.sign_in(engine, "admin")
    vh.save_figure(engine, admin, vh.CASE, 150, indicator="waste", carrier="landfill", unit="kg",
                   start="2023-01-01", end="2023-03-31", phase="baseline")


def test_the_report_shows_waste_diverted_as_the_hand_over_does_not_to_four_decimals(page, tmp_path):
    """The Materials and waste table read 94.902 and 85.4096 (%) where the hand-over file reads 94.9: the page shows
    the figures as metrics.formatting writes them (four significant digits), the same text as the hand-over."""
    with serve(demo_database(tmp_path, _landfilled)) as base:
        page.context.add_init_script("delete window.showSaveFilePicker")  # the table's CSV as a download
        sign_in(page, base, "demo-trainer")
        open_report(page, vh.CASE)
        heading = page.get_by_role("heading", name="Materials and waste")
        heading.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "materials.png"))
        # the changes, per unit of production, then materials and waste (no regression or target table here)
        rows = table_rows(page, page.locator("[data-testid='stDataFrame']").nth(2), "Stage")
    assert rows["Baseline"]["Waste diverted (%)"] == "94.9"  # 2,792.307692 / 2,942.307692
    assert rows["Follow-up 2"]["Waste diverted (%)"] == "100"  # the follow-ups' waste is all sold
    assert rows["Baseline"]["Material lost per kg of good product (kg)"] == "0.2821"  # 22 / 78


def test_the_results_by_partner_show_their_figures_without_scrolling_sideways(page, app_url, tmp_path):
    """The partner table sat in half the page beside the trainer table: the partners' long names filled it and its
    figures (enterprises, mean, median, pooled) were out of sight, to the right. The two results tables now have the
    page's width, under the two charts side by side."""
    sign_in(page, app_url, "demo-officer")
    expect(page.get_by_role("heading", name="Programme overview")).to_be_visible()
    idle(page)
    page.get_by_role("tab", name="Delivery").click()
    heading = page.get_by_role("heading", name="Results by implementation partner and by trainer")
    expect(heading).to_be_visible()
    idle(page)
    page.get_by_text("The change figures of the Results tab, per partner").scroll_into_view_if_needed()  # drawn in view
    tables = page.locator("[data-testid='stDataFrame']")
    for name in ("Bolivian Chamber of Industry (synthetic)", "synthetic-trainer-cn"):
        table = tables.filter(has=page.locator("td", has_text=name)).filter(has=page.locator("th", has_text="median"))
        expect(table).to_have_count(1)
        for column in ("enterprises", "mean", "median", "pooled"):  # the grid names only the columns it draws
            expect(table.locator("th").filter(has_text=column).first).to_be_attached()
    page.screenshot(path=str(tmp_path / "delivery.png"))


def test_on_a_phone_the_figures_avoided_come_in_their_order(browser, app_url, tmp_path):
    """Two columns filled alternately stacked on a phone as energy, scope 2, energy adjusted, ..., then scope 1,
    total: a row of two at a time keeps energy, scope 1, scope 2, total, one under the other."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, app_url, "demo-officer")
        expect(page.get_by_role("heading", name="Programme overview")).to_be_visible()
        idle(page)
        names = ["Energy avoided (", "Emissions avoided, scope 1 (", "Emissions avoided, scope 2 (",
                 "Emissions avoided, total (", "Energy avoided, production-adjusted ("]
        metrics = [page.get_by_test_id("stMetric").filter(has_text=n) for n in names]
        for m in metrics:
            expect(m).to_have_count(1)
        metrics[0].scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "phone-avoided.png"))
        tops = [m.bounding_box()["y"] for m in metrics]
        assert tops == sorted(tops), list(zip(names, tops, strict=True))
    finally:
        context.close()
