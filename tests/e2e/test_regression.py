"""The regression baseline and its CUSUM chart on the enterprise report, as drawn in the browser (issue 11,
item 2). The enterprise below has twelve monthly baseline periods of 2023 (energy a day = 100 + 2 x pieces a
day, +-1 kWh) and three monthly follow-ups of 2024 at 90 % of that line; the expected CUSUM is worked out by
least squares by hand here, never read from the app."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect

import metrics
from tests.e2e.conftest import demo_database, open_report, serve, sign_in
from tracker import auth, measurements

NAME = "Monthly meter SME (browser test)"
PROD = [50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160]
NOISE = [1, -1] * 6
FOLLOW = [100, 120, 140]


def _month(year, m):
    a = dt.date(year, m, 1)
    return a, (pd.Timestamp(a) + pd.offsets.MonthEnd(0)).date()


def _periods():
    base = [(*_month(2023, m + 1), p, 100 + 2 * p + e) for m, (p, e) in enumerate(zip(PROD, NOISE, strict=True))]
    follow = [(*_month(2024, m + 1), p, (100 + 2 * p) * 0.9) for m, p in enumerate(FOLLOW)]
    return base, follow


def _add(engine):
    base, follow = _periods()
    rows = []
    for phase, periods in (("baseline", base), ("follow-up", follow)):
        for a, b, p, e in periods:
            days = (b - a).days + 1
            common = dict(enterprise=NAME, country="IN", sector="Metal products", period_start=a, period_end=b,
                          phase=phase, note="")
            rows += [dict(common, indicator="energy", carrier="electricity", value=e * days, unit="kWh"),
                     dict(common, indicator="production", carrier="", value=p * days, unit="piece")]
    measurements.save_measurements(engine, auth.system_user("browser-test"), metrics.parse(pd.DataFrame(rows)),
                                   create_enterprises=True)


@pytest.fixture(scope="module")
def regression_url(tmp_path_factory):
    with serve(demo_database(tmp_path_factory.mktemp("regression"), _add)) as base:
        yield base


def test_the_cusum_chart_draws_actual_minus_expected(regression_url, page, tmp_path):
    sign_in(page, regression_url, "demo-admin")
    open_report(page, NAME)
    expect(page.get_by_text("Modelled savings over the follow-up:", exact=False)).to_be_visible()
    chart = page.locator(".js-plotly-plot").filter(has_text="CUSUM")
    expect(chart).to_have_count(1)
    chart.scroll_into_view_if_needed()
    drawn = chart.evaluate("el => el._fullData.map(t => ({name: t.name, y: Array.from(t.y)}))")
    y = {t["name"]: t["y"] for t in drawn}

    base, follow = _periods()
    x = np.array(PROD, float)
    e = np.array([p[3] for p in base])
    slope = ((x - x.mean()) * (e - e.mean())).sum() / ((x - x.mean()) ** 2).sum()
    intercept = e.mean() - slope * x.mean()
    diffs = [(energy - intercept - slope * p) * ((b - a).days + 1) for a, b, p, energy in base + follow]
    cusum = np.cumsum(diffs)
    assert y["baseline"] == pytest.approx(cusum[:12].tolist())
    assert y["follow-up"] == pytest.approx(cusum[12:].tolist())
    assert y["follow-up"][-1] < y["baseline"][-1]  # savings: the running sum falls
    chart.screenshot(path=str(tmp_path / "cusum.png"))
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
