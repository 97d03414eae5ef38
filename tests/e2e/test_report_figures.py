"""The enterprise report's figures as a person sees them, in a real browser: the stage chart of a
period with two yield rows (read from the drawn plotly figure), and the period each row of the
changes table comes from, with the comparison on one common period (issue 10, items 4 and 6).

The enterprise below enters yield for two materials (rubber and steel) in each period; its
energy's latest follow-up mixes periods (electricity of 2025 Q2, diesel of Q1, none since), and
so do its materials (wasted of Q2, input of Q1). Per-day rates are chosen round: baseline 2024 Q1
(91 days), follow-up 2025 Q1 (90 days) and Q2 (91 days).
"""
import datetime as dt
import math

import pandas as pd
import pytest
from playwright.sync_api import expect

import metrics
from tests.e2e.conftest import demo_database, open_report, serve, sign_in, table_rows
from tracker import auth, measurements

NAME = "Two materials SME (browser test)"
Q1_24 = (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
Q1_25 = (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
Q2_25 = (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
FIGURES = [  # period, phase, indicator, carrier, value, unit
    (Q1_24, "baseline", "yield", "rubber", 78, "%"), (Q1_24, "baseline", "yield", "steel", 90, "%"),
    (Q1_25, "follow-up", "yield", "rubber", 88, "%"), (Q1_25, "follow-up", "yield", "steel", 92, "%"),
    (Q1_24, "baseline", "energy", "electricity", 91 * 100, "kWh"),
    (Q1_24, "baseline", "energy", "diesel", 91 * 20, "kWh"),
    (Q1_25, "follow-up", "energy", "electricity", 90 * 90, "kWh"),
    (Q1_25, "follow-up", "energy", "diesel", 90 * 15, "kWh"),
    (Q2_25, "follow-up", "energy", "electricity", 91 * 80, "kWh"),  # no diesel in Q2
    (Q1_24, "baseline", "material_input", "", 91 * 100, "kg"),
    (Q1_25, "follow-up", "material_input", "", 90 * 90, "kg"),  # no input in Q2
    (Q1_24, "baseline", "material_wasted", "", 91 * 20, "kg"),
    (Q1_25, "follow-up", "material_wasted", "", 90 * 12, "kg"),
    (Q2_25, "follow-up", "material_wasted", "", 91 * 10, "kg"),
]


def _add(engine):
    rows = [dict(enterprise=NAME, country="IN", sector="Rubber products", period_start=p[0], period_end=p[1],
                 phase=phase, indicator=ind, carrier=carrier, value=value, unit=unit, note="")
            for p, phase, ind, carrier, value, unit in FIGURES]
    admin = auth.system_user("browser-test")
    measurements.save_measurements(engine, admin, metrics.parse(pd.DataFrame(rows)), create_enterprises=True)


@pytest.fixture(scope="module")
def report_url(tmp_path_factory):
    with serve(demo_database(tmp_path_factory.mktemp("report"), _add)) as base:
        yield base


def _open_report(page, base):
    # Chromium saves a table's CSV through the file-system picker; without it, as a download
    page.context.add_init_script("delete window.showSaveFilePicker")
    sign_in(page, base, "demo-admin")
    open_report(page, NAME)  # returns when nothing of the enterprise before is left on the page


def _table_rows(page, index: int) -> dict[str, dict[str, str]]:
    """The cells of the page's ``index``-th table, by indicator."""
    return table_rows(page, page.locator("[data-testid='stDataFrame']").nth(index), "indicator")


def test_the_stage_chart_draws_the_mean_of_two_yield_rows(report_url, page, tmp_path):
    _open_report(page, report_url)
    chart = page.locator(".js-plotly-plot").first
    expect(chart.locator(".legendtext", has_text="Yield (%)")).to_be_attached()
    drawn = chart.evaluate("el => el._fullData.map(t => ({name: t.name, y: Array.from(t.y)}))")
    by_name = {t["name"]: t["y"] for t in drawn}
    yield_pct, waste = by_name["Yield (%)"], by_name["Waste share (%)"]
    # rubber and steel: (78 + 90) / 2 = 84 %, (88 + 92) / 2 = 90 %; no yield in Q2
    assert yield_pct[:2] == pytest.approx([84.0, 90.0]) and math.isnan(yield_pct[2])
    # materials wasted / material input: 20 / 100, 12 / 90 kg a day; Q2 has no input
    assert waste[:2] == pytest.approx([20.0, 12 / 90 * 100]) and math.isnan(waste[2])
    expect(chart.locator("text", has_text="84%").first).to_be_attached()
    expect(chart.locator("text", has_text="168%")).to_have_count(0)
    chart.screenshot(path=str(tmp_path / "1-stage-chart.png"))


def test_each_row_names_its_periods_and_the_common_period_is_offered(report_url, page, tmp_path):
    _open_report(page, report_url)
    latest = _table_rows(page, 0)
    energy, wasted, used, yld = (latest[k] for k in ("Energy", "Materials wasted", "Material input", "Yield"))
    # energy: (80 + 15) against (100 + 20) kWh a day, electricity of Q2 beside diesel of Q1
    assert (energy["baseline"], energy["latest follow-up"], energy["unit"]) == ("120", "95", "kWh per day")
    assert energy["relative change"] == f"{(95 / 120 - 1) * 100:+.1f}%"
    assert energy["follow-up period"] == "Diesel Jan–Mar 2025; Electricity Apr–Jun 2025"
    assert energy["baseline period"] == "Jan–Mar 2024"
    assert wasted["follow-up period"] == "Apr–Jun 2025" and wasted["relative change"] == "-50.0%"  # 10 / 20
    assert used["follow-up period"] == "Jan–Mar 2025" and used["relative change"] == "-10.0%"  # 90 / 100
    assert yld["follow-up period"] == "Jan–Mar 2025" and yld["percentage points"] == "+6.0 pp"
    expect(page.get_by_text("The latest follow-up mixes periods", exact=False)).to_be_visible()
    heading = page.get_by_text("The same comparison on one common follow-up period, Jan–Mar 2025", exact=False).last
    expect(heading).to_be_visible()
    heading.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "2-periods-and-common-period.png"))

    common = _table_rows(page, 1)
    assert common["Energy"]["relative change"] == f"{((90 + 15) / 120 - 1) * 100:+.1f}%"  # -12.5 %
    assert common["Materials wasted"]["relative change"] == "-40.0%"  # 12 / 20
    assert common["Material input"]["relative change"] == "-10.0%"
    assert {r["follow-up period"] for r in common.values()} == {"Jan–Mar 2025"}
    page.locator("[data-testid='stDataFrame']").nth(0).screenshot(path=str(tmp_path / "3-changes-table.png"))
    page.locator("[data-testid='stDataFrame']").nth(1).screenshot(path=str(tmp_path / "4-common-table.png"))
