"""Emissions by scope (issue 11, item 4) as a person sees them in a real browser: the report's
table of emissions by period gives scope 1 (fuels: CO2, CH4, N2O), scope 2 (grid electricity)
and their total, and the programme overview gives emissions avoided by scope and in total.

The enterprise below (India) uses 100 kWh of grid electricity and 20 kWh of diesel a day in its
baseline (2024 Q1, 91 days) and 90 and 15 in its follow-up (2025 Q1, 90 days). By hand:
India's grid factor 713.441 g CO2e/kWh (2023, the latest figure by 2024); diesel
(74,100 + 3 x 28 + 0.6 x 265) kg/TJ x 3.6e-6 TJ/kWh = 0.2676348 kg CO2e/kWh (AR5 GWPs).
"""
import datetime as dt
import re

import pandas as pd
import pytest
from playwright.sync_api import expect

import metrics
from tests.e2e.conftest import demo_database, idle, open_report, serve, sign_in, table_rows
from tracker import auth, measurements

NAME = "Scopes SME (browser test)"
Q1_24 = (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
Q1_25 = (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
GRID_IN = 0.713441
DIESEL = (74_100 + 3 * 28 + 0.6 * 265) * 3.6e-6
FIGURES = [(Q1_24, "baseline", "electricity", 91 * 100), (Q1_24, "baseline", "diesel", 91 * 20),
           (Q1_25, "follow-up", "electricity", 90 * 90), (Q1_25, "follow-up", "diesel", 90 * 15)]


#: materials (issue 11, item 6): 10 t of rubber in, 7.8 t of good product at baseline (78 %), 9.5 t after (95 %);
#: waste 1,650 kg landfilled and 550 kg recycled (25 % diverted), then 100 landfilled, 300 recycled, 100 sold (80 %)
MATERIALS = [(Q1_24, "baseline", "material_input", "", 10_000, "kg"),
             (Q1_24, "baseline", "production", "", 7_800, "kg"),
             (Q1_24, "baseline", "waste", "landfill", 1_650, "kg"), (Q1_24, "baseline", "waste", "recycled", 550, "kg"),
             (Q1_25, "follow-up", "material_input", "", 10_000, "kg"),
             (Q1_25, "follow-up", "production", "", 9_500, "kg"), (Q1_25, "follow-up", "waste", "landfill", 100, "kg"),
             (Q1_25, "follow-up", "waste", "recycled", 300, "kg"), (Q1_25, "follow-up", "waste", "sold", 100, "kg")]


def _add(engine):
    rows = [dict(enterprise=NAME, country="IN", sector="Rubber products", period_start=p[0], period_end=p[1],
                 phase=phase, indicator="energy", carrier=carrier, value=kwh, unit="kWh", note="")
            for p, phase, carrier, kwh in FIGURES]
    rows += [dict(enterprise=NAME, country="IN", sector="Rubber products", period_start=p[0], period_end=p[1],
                  phase=phase, indicator=i, carrier=c, value=v, unit=u, note="") for p, phase, i, c, v, u in MATERIALS]
    measurements.save_measurements(engine, auth.system_user("browser-test"), metrics.parse(pd.DataFrame(rows)),
                                   create_enterprises=True)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with serve(demo_database(tmp_path_factory.mktemp("scopes"), _add)) as url:
        yield url


def test_the_report_shows_scope_1_scope_2_and_their_total(base, page, tmp_path):
    page.context.add_init_script("delete window.showSaveFilePicker")
    sign_in(page, base, "demo-admin")
    open_report(page, NAME)
    heading = page.get_by_role("heading", name="Energy, emissions and intensities by period")
    expect(heading).to_be_visible()
    idle(page)
    # the emissions table: the first table below its heading (tables draw after the page's text)
    tables = page.locator("[data-testid='stDataFrame']")
    expect(tables.nth(2)).to_be_visible()
    top = heading.bounding_box()["y"]
    below = [i for i in range(tables.count()) if tables.nth(i).bounding_box()["y"] > top]
    table = tables.nth(below[0])
    rows = {r["Stage"]: r for r in table_rows(page, table)}
    base_s1, base_s2 = 91 * 20 * DIESEL, 91 * 100 * GRID_IN
    fu_s1, fu_s2 = 90 * 15 * DIESEL, 90 * 90 * GRID_IN
    for stage, s1, s2 in (("Baseline", base_s1, base_s2), ("Follow-up 1", fu_s1, fu_s2)):
        row = rows[stage]
        assert float(row["Scope 1, fuels (kg CO2e)"]) == pytest.approx(s1, rel=1e-6)
        assert float(row["Scope 2, electricity (kg CO2e)"]) == pytest.approx(s2, rel=1e-6)
        assert float(row["Emissions, total scope 1 + 2 (kg CO2e)"]) == pytest.approx(s1 + s2, rel=1e-6)
    assert base_s1 == pytest.approx(487.0953, rel=1e-6) and base_s2 == pytest.approx(6492.3131, rel=1e-6)
    note = page.get_by_text("Emissions by scope (GHG Protocol): scope 1 is fuels burnt on site", exact=False)
    expect(note).to_be_visible()
    expect(note).to_contain_text("IPCC AR5, 100-year GWPs")
    expect(note).to_contain_text(f"factor set {metrics.FACTOR_SET_VERSION}")
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "1-report-scopes.png"), full_page=False)
    table.screenshot(path=str(tmp_path / "2-report-scopes-table.png"))


def test_the_report_shows_the_mass_balance_yield_and_the_waste_diverted(base, page, tmp_path):
    page.context.add_init_script("delete window.showSaveFilePicker")
    sign_in(page, base, "demo-admin")
    open_report(page, NAME)
    heading = page.get_by_role("heading", name="Materials and waste")
    expect(heading).to_be_visible()
    idle(page)
    tables = page.locator("[data-testid='stDataFrame']")
    expect(tables.nth(2)).to_be_visible()
    top = heading.bounding_box()["y"]
    table = tables.nth([i for i in range(tables.count()) if tables.nth(i).bounding_box()["y"] > top][0])
    rows = {r["Stage"]: r for r in table_rows(page, table)}
    assert float(rows["Baseline"]["Yield from the mass balance (%)"]) == pytest.approx(7_800 / 10_000 * 100)
    assert float(rows["Follow-up 1"]["Yield from the mass balance (%)"]) == pytest.approx(95.0)
    # shown as the hand-over writes it, to four significant digits: 0.2821
    assert rows["Baseline"]["Material lost per kg of good product (kg)"] == "0.2821"  # 2,200 / 7,800 = 0.28205
    assert float(rows["Baseline"]["Waste diverted (%)"]) == pytest.approx(550 / 2_200 * 100)  # 25 %
    assert float(rows["Follow-up 1"]["Waste diverted (%)"]) == pytest.approx(400 / 500 * 100)  # 80 %
    note = page.get_by_text("Waste diverted from disposal", exact=False)
    expect(note).to_contain_text("25.0% at baseline, 80.0% in the latest follow-up (+55.0 pp)")
    heading.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "4-report-materials.png"))


def _tonnes(text: str) -> float:
    return float(re.search(r"(-?[\d,]+(?:\.\d+)?)\s*t CO2e", text).group(1).replace(",", ""))


def test_the_overview_shows_emissions_avoided_by_scope_and_in_total(base, page, tmp_path):
    sign_in(page, base, "demo-officer")
    expect(page.get_by_role("heading", name="Programme overview")).to_be_visible()
    metric = page.locator('[data-testid="stMetric"]')
    s1 = metric.filter(has_text=re.compile(r"^Emissions avoided, scope 1 \(\d+ enterprises\)"))
    s2 = metric.filter(has_text=re.compile(r"^Emissions avoided, scope 2 \(\d+ enterprises\)"))
    total = metric.filter(has_text=re.compile(r"^Emissions avoided, total \(\d+ enterprises\)"))
    for m in (s1, s2, total):
        expect(m).to_contain_text("t CO2e")
    idle(page)
    counts = [int(re.search(r"\((\d+) enterprises\)", m.inner_text()).group(1)) for m in (s1, s2, total)]
    assert counts[0] == counts[1] == counts[2] >= 3
    # every enterprise counted in both scopes: the total is their sum (each shown rounded)
    a, b, t = (_tonnes(m.inner_text()) for m in (s1, s2, total))
    assert t == pytest.approx(a + b, abs=2)
    expect(page.get_by_text("scope 2 is grid electricity, location based", exact=False)).to_be_visible()
    total.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "3-overview-scopes.png"))
