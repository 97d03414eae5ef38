"""Charts in the person's locale, in Chromium: plotly's own date and number ticks follow the
language of the session (plotly draws them itself, in English unless given a locale)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import browser_in, idle, pick, sign_in_any, words_in

CASE = "Mechanical seals maker (case study, India)"


def test_a_spanish_session_reads_month_ticks_in_spanish(browser, app_url, tmp_path):
    with browser_in(browser, "es-ES") as page:
        sign_in_any(page, app_url, "demo-admin")
        page.get_by_role("link", name=words_in("es", "Enterprise report")).click()
        pick(page, page.locator("[data-testid='stSidebar']"), words_in("es", "Enterprise"), CASE)
        expect(page.get_by_role("heading", name=CASE)).to_be_visible()
        chart = page.locator("[data-testid='stPlotlyChart']").first
        expect(chart.locator(".xtick text").first).to_be_visible()
        idle(page)
        chart.screenshot(path=tmp_path / "stage-chart-es.png")
        ticks = chart.locator(".xtick text").evaluate_all("els => els.map(e => e.textContent)")
        months = {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"}
        assert any(t.split()[0] in months for t in ticks), ticks
        assert not any(t.split()[0] in {"Jan", "Apr", "Aug", "Dec"} for t in ticks), ticks
