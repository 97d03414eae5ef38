"""A programme officer in a real browser: headline, a filter, suppression, the CSV export."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def _metric(page, label):
    return page.locator('[data-testid="stMetric"]').filter(has_text=re.compile(f"^{re.escape(label)}"))


def _filter(page, label, value):
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
    box.locator("input").fill(value)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def test_officer_filters_sees_suppression_and_exports(app_url, page, tmp_path):
    sign_in(page, app_url, "demo-officer")
    expect(page.get_by_role("heading", name="Programme overview")).to_be_visible()
    expect(_metric(page, "Enterprises")).to_contain_text("37")
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(page.get_by_text("programme's reported average: -27%")).to_be_visible()

    _filter(page, "Country", "KE")
    expect(_metric(page, "Enterprises")).to_contain_text("5")
    expect(_metric(page, "Countries")).to_contain_text("1")

    _filter(page, "Sector", "Food processing")  # one Kenyan food processor: every figure suppressed
    expect(_metric(page, "Enterprises")).to_contain_text("1")
    expect(page.get_by_text("mean, median, pooled: fewer than 3 enterprises").first).to_be_visible()

    page.get_by_role("tab", name="Participants").click()
    expect(page.get_by_text("Who takes part")).to_be_visible()

    page.get_by_role("tab", name="Export").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    path = tmp_path / "overview.csv"
    info.value.save_as(path)
    text = path.read_text()
    assert "country: KE; sector: Food processing" in text
    assert "fewer than 3" in text
    assert not re.search(r"change per indicator,,Energy,kWh,1,-?\d", text)  # no figure from one enterprise
