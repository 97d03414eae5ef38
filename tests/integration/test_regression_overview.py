"""The regression baseline on the programme overview, in its exports and in the report's Excel file (issue 11,
item 2), and energy and emissions avoided by country against the production-adjusted baseline (item 1): figures
worked out by hand (numpy), small cells hidden, and no enterprise revealed by subtracting two views."""
import io

import numpy as np
import pandas as pd
import pytest

from tests import regression_data as rd
from tests.demo_db import demo_user, open_demo
from tracker import avoided, handover, overview, published
from tracker import io as tio
from tracker import report as tracker_report


@pytest.fixture
def engine(db_url):  # DuckDB and PostgreSQL: the summary's new column read by the overview on both
    for e in open_demo(db_url):
        rd.add(e)
        yield e


def test_the_overview_sums_the_modelled_savings_with_their_uncertainty(engine):
    ov = published.programme_overview(engine, demo_user(engine, "officer"), overview.Filters())
    row = ov.impacts.set_index("figure").loc[avoided.REGRESSION_FIGURE]
    hand = [rd.by_hand(*e[2:]) for e in rd.ENTERPRISES]
    assert row["enterprises"] == 4 and not row["suppressed"]
    assert row["avoided"] == pytest.approx(sum(h[1] for h in hand))
    assert row["uncertainty"] == pytest.approx(np.sqrt(sum(h[2] ** 2 for h in hand)))
    # the weather SME's model has its degree-day term, within the noise of what the series was made from
    assert hand[3][0] == pytest.approx([200, 2.5, 4.0], abs=1.5)
    # exported as shown: the figure, its enterprises and its uncertainty
    csv = pd.read_csv(io.BytesIO(tio.overview_csv(ov)))
    reg = csv[csv["Figure"].eq(avoided.REGRESSION_FIGURE)].iloc[0]
    assert float(reg["± (95 %)"]) == pytest.approx(row["uncertainty"], abs=1e-3)


def test_a_small_or_subtracted_regression_figure_is_hidden(engine):
    officer = demo_user(engine, "officer")
    published.programme_overview(engine, officer, overview.Filters())  # four enterprises shown
    # the three metal makers: one enterprise from the four shown before, so the difference would be the
    # weather SME's savings
    metal = published.programme_overview(engine, officer, overview.Filters(sector=("Metal products",)))
    row = metal.impacts.set_index("figure").loc[avoided.REGRESSION_FIGURE]
    assert row["enterprises"] == 3 and row["suppressed"] and np.isnan(row["avoided"]) and np.isnan(row["uncertainty"])
    textiles = published.programme_overview(engine, officer, overview.Filters(sector=("Textiles",)))
    row = textiles.impacts.set_index("figure").loc[avoided.REGRESSION_FIGURE]
    assert row["enterprises"] == 1 and row["suppressed"] and np.isnan(row["avoided"])


def _adjusted_by_hand(intercept, slope, per_hdd, share):
    """Energy avoided a year against the production-adjusted baseline, MWh (METHODS.md, "Per unit of
    production"): the baseline's per-day rates over its 365 days, the latest follow-up's (March 2024, 31 days)."""
    base, follow = rd.series(intercept, slope, per_hdd, share)
    b_energy = sum(e * d for _, _, d, _, _, e in base) / 365
    b_prod = sum(p * d for _, _, d, p, _, _ in base) / 365
    _, _, d, p, _, e = follow[-1]
    return (b_energy * p / b_prod - e) * 365 / 1000


def test_energy_avoided_by_country_against_the_production_adjusted_baseline(engine):
    ov = published.programme_overview(engine, demo_user(engine, "officer"), overview.Filters())
    adj = ov.impacts_by_country_adjusted
    assert set(adj["figure"]) == {"energy avoided, production-adjusted"}
    assert (adj["enterprises"] >= 3).all() and not adj["suppressed"].any()
    total = ov.impacts.set_index("figure").loc["energy avoided, production-adjusted"]
    assert adj["energy_avoided_mwh_per_year"].sum() == pytest.approx(total["avoided"])
    assert adj["enterprises"].sum() == total["enterprises"] == 33 + 4
    # the demo's 5,831 MWh a year (issue 11) and the four enterprises above, each worked out by hand
    assert total["avoided"] == pytest.approx(5831 + sum(_adjusted_by_hand(*e[2:]) for e in rd.ENTERPRISES), abs=0.5)
    measured = ov.impacts_by_country.set_index("country")["energy_avoided_mwh_per_year"]
    assert (adj.set_index("country")["energy_avoided_mwh_per_year"] != measured).any()  # two figures, not one
    sheets = pd.read_excel(io.BytesIO(tio.overview_excel(ov)), sheet_name=None)
    assert "energy by country, adjusted" in sheets


def test_the_report_excel_has_the_model_its_savings_and_the_cusum(engine):
    admin = demo_user(engine, "admin")
    ent_id = int(pd.read_sql("SELECT id FROM enterprises WHERE name = 'Weather SME'", engine)["id"].iloc[0])
    report = tracker_report.enterprise_report(engine, admin, ent_id)
    book = pd.read_excel(io.BytesIO(handover.report_xlsx(report)), sheet_name=None)
    model = book["Regression baseline"].set_index("Figure")["Value"]
    beta, savings, half = rd.by_hand(*rd.ENTERPRISES[3][2:])
    assert model["Valid"] == "yes"
    assert float(model["Coefficient: heating degree days"]) == pytest.approx(beta[2])
    assert float(model["Coefficient: production"]) == pytest.approx(beta[1])
    days = 31 + 29 + 31
    assert float(model["Modelled savings over the follow-up (expected - actual)"]) == pytest.approx(
        savings * 1000 * days / 365)
    assert float(model["Uncertainty of the savings (95 %, ±)"]) == pytest.approx(half * 1000 * days / 365)
    cusum = book["CUSUM"]
    assert len(cusum) == 15 and cusum["CUSUM (kWh)"].iloc[-1] == pytest.approx(cusum["Actual - expected (kWh)"].sum())


def test_degree_days_imported_from_a_template_enter_the_model(engine):
    # the template's rows for the weather SME, read back from CSV as a person uploads it, degree days included
    admin = demo_user(engine, "admin")
    rows = rd.rows()
    rows = rows[rows["enterprise"].eq("Weather SME").to_numpy()].assign(enterprise="Weather SME (imported)")
    counts = tio.import_file(engine, admin, rows.to_csv(index=False).encode(), "weather.csv")
    assert counts["inserted"] == len(rows)
    ent_id = int(pd.read_sql("SELECT id FROM enterprises WHERE name = 'Weather SME (imported)'", engine)["id"].iloc[0])
    model = tracker_report.enterprise_report(engine, admin, ent_id).regression
    beta = rd.by_hand(*rd.ENTERPRISES[3][2:])[0]
    assert model.coefficients["heating_degree_days"] == pytest.approx(beta[2])
    # no summary row of their own: degree days are no result
    summary = pd.read_sql(f"SELECT indicator, has_baseline, has_followup FROM enterprise_summary WHERE enterprise_id = "
                          f"{ent_id}", engine)
    assert "degree_days" not in set(summary["indicator"]) and "energy_regression" in set(summary["indicator"])
    # the regression's row compares an expected baseline with the follow-up: it has both
    row = summary[summary["indicator"].eq("energy_regression")].iloc[0]
    assert bool(row["has_baseline"]) and bool(row["has_followup"])
