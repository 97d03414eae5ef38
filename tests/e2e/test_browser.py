"""Flows a person performs, in a real browser."""
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def test_manager_signs_in_and_sees_the_yield_chart(page, app_url):
    sign_in(page, app_url, "demo-manager")
    expect(page.get_by_role("heading", name="Mechanical seals maker (case study, India)")).to_be_visible()
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_be_visible()
    # the rendered SVG carries the stage labels of the yield line
    expect(chart.locator("text", has_text="95%").first).to_be_attached()
    expect(chart.locator("text", has_text="78%").first).to_be_attached()
    expect(chart.locator(".legendtext", has_text="Yield (%)")).to_be_attached()
