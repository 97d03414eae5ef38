"""The words tracker/ and metrics/ give a page (chart titles, legends, axis titles; report table headings;
indicator names) reach the browser in the session's language: a server whose catalogue is the
pseudo-language (every translation the English between ⟦ ⟧, tools/i18n.py pseudo), a French browser."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import browser_in, idle, sign_in_any

CASE = "Mechanical seals maker (case study, India)"


def test_the_report_draws_its_chart_and_table_words_in_the_session_language(browser, tmp_path, pseudo_app):
    base = pseudo_app
    with browser_in(browser, "fr-FR") as page:
        sign_in_any(page, base, "demo-admin")
        page.get_by_role("link", name=re.compile("Enterprise report")).click()
        box = page.locator("[data-testid='stSidebar']").get_by_role("combobox").last  # the enterprise picker
        box.click()
        page.keyboard.type(CASE)
        page.get_by_role("option", name=CASE, exact=True).click()
        expect(page.get_by_role("heading", name=CASE)).to_be_visible()
        chart = page.locator("[data-testid='stPlotlyChart']").first
        expect(chart.locator(".xtick text").first).to_be_visible()
        idle(page)
        page.screenshot(path=tmp_path / "report-pseudo.png", full_page=True)
        chart.screenshot(path=tmp_path / "stage-chart-pseudo.png")
        drawn = chart.locator(".js-plotly-plot").evaluate(
            "el => ({names: el.data.map(t => t.name), title: el.layout.title.text, "
            "x: el.layout.xaxis.title.text})")
        assert drawn["names"][:2] == ["⟦Waste share (%)⟧", "⟦Yield (%)⟧"], drawn
        assert "⟦Yield and waste share by stage⟧" in drawn["title"], drawn
        assert drawn["x"] == "⟦end of period⟧", drawn
        # the legend as drawn, not only as sent
        expect(chart.locator(".legendtext").first).to_have_text("⟦Waste share (%)⟧")
        table = page.locator("[data-testid='stDataFrame']").nth(0)  # the changes
        table.scroll_into_view_if_needed()
        table.screenshot(path=tmp_path / "changes-pseudo.png")
        # the grid's accessible table (what a screen reader reads; the cells themselves are drawn on a canvas)
        heads = table.locator("th").evaluate_all("els => els.map(e => e.textContent.trim())")
        cells = table.locator("td").evaluate_all("els => els.map(e => e.textContent.trim())")
        assert "⟦relative change⟧" in heads and "⟦latest follow-up⟧" in heads, heads
        assert "⟦Energy⟧" in cells and "Energy" not in cells, cells

