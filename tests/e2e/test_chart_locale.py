"""Charts in the person's locale, in Chromium: plotly's own date and number ticks follow the
language of the session (plotly draws them itself, in English unless given a locale)."""
from __future__ import annotations

from playwright.sync_api import expect

from metrics import i18n
from tests.e2e.conftest import PASSWORD, idle

CASE = "Mechanical seals maker (case study, India)"


def _in(code, message):
    i18n.use(code)
    try:
        return i18n._(message)
    finally:
        i18n.use("en")


def _ticks(page, chart) -> list[str]:
    return chart.locator(".xtick text").evaluate_all("els => els.map(e => e.textContent)")


def test_a_spanish_session_reads_month_ticks_in_spanish(browser, app_url, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="es-ES",
                                  extra_http_headers={"Accept-Language": "es-ES"})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(app_url)
        page.locator("[data-testid='stTextInput'] input").first.fill("demo-admin")
        page.locator("input[type='password']").fill(PASSWORD)
        page.locator("input[type='password']").press("Enter")
        expect(page.locator("input[type='password']")).to_have_count(0)
        idle(page)
        page.get_by_role("link", name=_in("es", "Enterprise report")).click()
        box = page.locator("[data-testid='stSidebar']").get_by_role("combobox").last  # the enterprise picker
        box.click()
        page.keyboard.type(CASE)
        page.get_by_role("option", name=CASE, exact=True).click()
        expect(page.get_by_role("heading", name=CASE)).to_be_visible()
        chart = page.locator("[data-testid='stPlotlyChart']").first
        expect(chart.locator(".xtick text").first).to_be_visible()
        idle(page)
        chart.screenshot(path=tmp_path / "stage-chart-es.png")
        ticks = _ticks(page, chart)
        months = {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"}
        assert any(t.split()[0] in months for t in ticks), ticks
        assert not any(t.split()[0] in {"Jan", "Apr", "Aug", "Dec"} for t in ticks), ticks
    finally:
        context.close()
