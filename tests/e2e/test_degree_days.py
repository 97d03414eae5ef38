"""Degree days entered on the Enter figures form, and the report's regression then naming its degree-day term;
the overview's regression figure and its energy and emissions avoided by country against the production-adjusted
baseline, as drawn (issue 11, items 1 and 2). Every figure is worked out by hand in tests/regression_data.py
(numpy least squares), never read from the app."""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests import regression_data as rd
from tests.e2e.conftest import demo_database, idle, open_report, pick, serve, sign_in

WEATHER = "Weather SME"


def _number(v):  # how the app writes a figure (METHODS.md, "Words for people"): a format, not a computation
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.4g}"


@pytest.fixture(scope="module")
def form_url(tmp_path_factory):
    # the weather SME's heating degree days of December 2023 are missing: the form enters them
    extra = lambda e: rd.add(e, skip_hdd={dt.date(2023, 12, 1)})  # noqa: E731
    with serve(demo_database(tmp_path_factory.mktemp("degree-days"), extra)) as base:
        yield base


@pytest.fixture(scope="module")
def overview_url(tmp_path_factory):
    with serve(demo_database(tmp_path_factory.mktemp("regression-overview"), rd.add)) as base:
        yield base


def _form(page):
    return page.locator("[data-testid='stForm']").first


def _set_date(page, index, value):
    box = _form(page).locator("input[type='date']").nth(index)
    box.fill(value)
    box.press("Tab")


def _save(page, value):
    _form(page).get_by_role("textbox", name="Heating degree days value").fill(value)
    _form(page).get_by_role("button", name=f"Save for {WEATHER}").click()


def test_degree_days_typed_on_the_form_enter_the_report_regression(form_url, page, tmp_path):
    sign_in(page, form_url, "demo-admin")
    open_report(page, WEATHER)
    missing = page.get_by_text("Heating degree days entered for 11 of the 12 baseline months and 3 of the 3 "
                               "follow-up periods: fitted without them", exact=False)
    expect(missing).to_be_visible()
    expect(page.get_by_text("per heating degree day", exact=False)).to_have_count(0)

    page.get_by_role("link", name="Enter figures").click()
    expect(page.get_by_role("heading", name=f"Enter figures: {WEATHER}")).to_be_visible()
    expect(page.get_by_text("Optional", exact=True)).to_be_visible()
    pick(page, _form(page), "Phase", "baseline")
    _set_date(page, 0, "2023-12-01")
    _set_date(page, 1, "2023-12-31")
    # attacks: negative, then more than any weather gives (3,500 in 31 days is 41,210 a year, over 40,000)
    _save(page, "-5")
    expect(page.get_by_text("value is negative", exact=False)).to_be_visible()
    _save(page, "3500")
    expect(page.get_by_text("over the limit of 4e+04 degree_day a year", exact=False)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Saved for "))).to_have_count(0)
    page.screenshot(path=str(tmp_path / "1-huge-degree-days-refused.png"), full_page=True)
    _save(page, str(13 * 31))  # 13 a day, as rd.HDD's December
    expect(page.get_by_text(re.compile(r"^Saved for Weather SME, baseline 2023-12-01 to 2023-12-31: 1 new"))) \
        .to_be_visible()
    idle(page)

    page.get_by_role("link", name="Enterprise report").click()
    expect(page.get_by_role("heading", name=WEATHER)).to_be_visible()
    beta, savings, half = rd.by_hand(*rd.ENTERPRISES[3][2:])
    term = f"+ {_number(beta[2])} kWh per heating degree day x heating degree days a day"
    expect(page.get_by_text(term, exact=False)).to_be_visible()
    expect(missing).to_have_count(0)
    days = 31 + 29 + 31
    expect(page.get_by_text(f"Modelled savings over the follow-up: +{_number(savings * 1000 * days / 365)} kWh "
                            f"± {_number(half * 1000 * days / 365)} kWh (95 %)", exact=False)).to_be_visible()
    page.screenshot(path=str(tmp_path / "2-report-with-degree-days.png"), full_page=True)


def _adjusted_by_hand(intercept, slope, per_hdd, share):
    """Energy avoided a year against the production-adjusted baseline (MWh): baseline per-day rates over its 365
    days, the latest follow-up's (March 2024)."""
    base, follow = rd.series(intercept, slope, per_hdd, share)
    b_energy = sum(e * d for _, _, d, _, _, e in base) / 365
    b_prod = sum(p * d for _, _, d, p, _, _ in base) / 365
    _, _, _, p, _, e = follow[-1]
    return (b_energy * p / b_prod - e) * 365 / 1000


def _metric(page, label):
    return page.locator("[data-testid='stMetric']").filter(has_text=label)


def test_the_overview_draws_the_regression_figure_and_the_adjusted_figures_by_country(overview_url, page, tmp_path):
    sign_in(page, overview_url, "demo-officer")
    page.get_by_role("link", name="Programme overview").click()
    hand = [rd.by_hand(*e[2:]) for e in rd.ENTERPRISES]
    total, half = sum(h[1] for h in hand), sum(h[2] ** 2 for h in hand) ** 0.5
    regression = _metric(page, "Energy avoided, regression baseline (4 enterprises with a valid regression baseline)")
    expect(regression.get_by_test_id("stMetricValue")).to_have_text(
        f"{_number(total)} ± {_number(half)} MWh per year")

    idle(page)
    plots = page.locator(".js-plotly-plot:visible")
    expect(plots.first).to_be_visible()
    titles = [re.sub(r"<[^>]+>", " ", t) for t in plots.evaluate_all("els => els.map(e => e.layout.title.text)")]
    titles = [" ".join(t.split()) for t in titles]
    adjusted_titles = [i for i, t in enumerate(titles) if "against the production-adjusted baseline" in t]
    assert [titles[i].split(",")[0] for i in adjusted_titles] == ["Energy avoided per year",
                                                                   "Emissions avoided per year (scope 1 + scope 2)"]
    chart = plots.nth(adjusted_titles[0])
    chart.scroll_into_view_if_needed()
    drawn = chart.evaluate("el => ({x: Array.from(el._fullData[0].x), n: Array.from(el._fullData[0].customdata)})")
    # the demo's 5,831 MWh a year (issue 11) and the four monthly enterprises, worked out by hand
    adjusted = 5831 + sum(_adjusted_by_hand(*e[2:]) for e in rd.ENTERPRISES)
    assert sum(drawn["x"]) == pytest.approx(adjusted, abs=0.5)
    assert sum(drawn["n"]) == 33 + 4 and min(drawn["n"]) >= 3
    assert _metric(page, "Energy avoided, production-adjusted (37 enterprises)").count() == 1
    chart.screenshot(path=str(tmp_path / "3-adjusted-by-country.png"))
    regression.screenshot(path=str(tmp_path / "4-regression-figure.png"))

    # an officer narrowing to one enterprise with a regression baseline sees no figure of it
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Sector")
    box.locator("input").fill("Textiles")
    page.get_by_role("option", name="Textiles", exact=True).click()
    page.keyboard.press("Escape")
    expect(box.get_by_role("button", name="Remove Textiles")).to_be_visible()
    idle(page)
    hidden = _metric(page, "Energy avoided, regression baseline (1 enterprise with a valid regression baseline)")
    expect(hidden.get_by_test_id("stMetricValue")).to_have_text("fewer than 3")
    hidden.screenshot(path=str(tmp_path / "5-regression-hidden.png"))
