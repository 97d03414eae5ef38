"""Figures per unit of production beside the absolute ones, as a person sees them (issue 11, item 1): the
overview's energy headline and energy avoided for an officer, the report's table for the seal maker's manager.

The demo's figures are issue 11's: mean change in energy per unit of production -29.2 % where -26.1 % is the
absolute mean; 5,831 MWh a year avoided against the production-adjusted baseline where 4,931 against the
baseline as measured (33 enterprises). The case study's rubber input per kg of good output falls by
0.78 / 0.95 - 1 = -17.9 % and its waste per kg of good output by 0.053 / 0.282 - 1 = -81.3 % (DOMAIN.md).
"""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import demo_database, serve, sign_in, table_rows


@pytest.fixture(scope="module")
def norm_url(tmp_path_factory):
    with serve(demo_database(tmp_path_factory.mktemp("normalised"))) as base:
        yield base


def _metric(page, label):
    return page.locator('[data-testid="stMetric"]').filter(has_text=re.compile(f"^{re.escape(label)}"))


def test_overview_shows_per_unit_of_production_beside_the_absolute(norm_url, page, tmp_path):
    sign_in(page, norm_url, "demo-officer")
    expect(page.get_by_role("heading", name="Programme overview")).to_be_visible()
    expect(_metric(page, "Energy: mean change")).to_contain_text("-26.1%")
    card = page.locator("[data-testid='stColumn']").filter(has_text="Energy: mean change").first
    expect(card).to_contain_text("per unit of production: mean -29.2% · 33 enterprises")
    card.screenshot(path=str(tmp_path / "1-energy-headline.png"))
    # issue 11, item 3: only the case study's follow-up covers its baseline's months of the year
    expect(page.get_by_text("Like with like: 1 of 33 enterprises have a follow-up covering the same months")
           ).to_be_visible()
    absolute = _metric(page, "Energy avoided (33 enterprises)")
    adjusted = _metric(page, "Energy avoided, production-adjusted (33 enterprises)")
    expect(absolute).to_contain_text("4,931 MWh per year")
    expect(adjusted).to_contain_text("5,831 MWh per year")
    adjusted.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "2-energy-avoided.png"))


def test_report_shows_per_unit_of_production_beside_the_absolute(norm_url, page, tmp_path):
    page.context.add_init_script("delete window.showSaveFilePicker")  # the table's CSV as a download
    sign_in(page, norm_url, "demo-manager")
    page.get_by_role("link", name="Enterprise report").click()
    expect(page.get_by_text("Per unit of production (ISO 50006), beside the absolute change")).to_be_visible()
    expect(page.get_by_text("Same months of the year: baseline Jan, Feb, Mar, follow-up Jan, Feb, Mar.",
                            exact=False)).to_be_visible()
    table = page.locator("[data-testid='stDataFrame']").nth(1)  # after the changes table
    table.evaluate("el => el.scrollIntoView({block: 'center'})")
    table.screenshot(path=str(tmp_path / "3-report-table.png"))
    rows = table_rows(page, table, "indicator")
    used, wasted = rows["Material input"], rows["Materials wasted"]
    assert used["change per unit of production"] == f"{(0.78 / 0.95 - 1) * 100:+.1f}%"  # -17.9 %
    assert wasted["baseline per unit of production"] == f"{0.22 / 0.78:.4g}"  # 0.2821
    assert wasted["latest follow-up per unit of production"] == f"{0.05 / 0.95:.4g}"  # 0.05263
    assert wasted["change per unit of production"] == f"{((0.05 / 0.95) / (0.22 / 0.78) - 1) * 100:+.1f}%"
    assert used["unit"] == "kg per kg"
    page.screenshot(path=str(tmp_path / "4-report.png"), full_page=True)
