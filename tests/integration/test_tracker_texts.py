"""tracker's pure pieces of the figure paths, read as people read them: the report's tables and notes, the
regression in words and in the hand-over sheet, the overview's counts. Every expected text is written out by
hand from the inputs (English, the code's language); no database."""
import datetime as dt
from html import unescape

import numpy as np
import pandas as pd
import pytest

from metrics.regression import RegressionBaseline
from tracker import disclosure, handover, overview, overview_data, summary, tables
from tracker.report import EnterpriseReport


def _model(**kw) -> RegressionBaseline:
    given = dict(valid=True, reason="", months=12,
                 coefficients={"intercept": 100.0, "production": 2.5, "heating_degree_days": 3.0,
                               "cooling_degree_days": 1.2},
                 p_values={"production": 0.001, "heating_degree_days": 0.04, "cooling_degree_days": 0.2},
                 r_squared=0.91, production_range=(10.0, 40.0), production_unit="t", savings_kwh=1500.0,
                 savings_uncertainty_kwh=300.0, followup_days=90,
                 notes=["cooling degree days entered for 9 of 12 months", "one month left out"])
    given.update(kw)
    return RegressionBaseline(**given)


def test_the_regression_in_words_names_every_term_check_and_note():
    text = tables.regression_text(_model())
    assert text == (
        "Energy a day = 100 kWh + 2.5 kWh per t x production a day"
        " + 3 kWh per heating degree day x heating degree days a day"
        " + 1.2 kWh per cooling degree day x cooling degree days a day"
        " (R squared 0.91; p-value of production 0.001, of heating degree days 0.04, of cooling degree days 0.2;"
        " 12 baseline months, production 10-40 t a day)."
        " Cooling degree days entered for 9 of 12 months. One month left out. "
        "Modelled savings over the follow-up: +1,500 kWh ± 300 kWh (95 %), expected minus actual energy.")


def test_a_regression_in_pieces_and_one_not_valid_says_why():
    model = _model(production_unit="piece", coefficients={"intercept": 50.0, "production": 0.25},
                   p_values={"production": 0.3}, notes=[], valid=False, reason="p-value of production above 0.1")
    assert tables.regression_text(model) == (
        "Energy a day = 50 kWh + 0.25 kWh per piece x production a day"
        " (R squared 0.91; p-value of production 0.3; 12 baseline months, production 10-40 pieces a day). "
        "No regression baseline: p-value of production above 0.1. The figures per unit of production (intensity) "
        "stand instead.")


def test_the_regression_sheet_gives_each_term_its_unit_and_each_note_a_row():
    sheet = handover._regression_sheet(_model()).set_index("Figure")
    assert sheet.loc["Coefficient: heating degree days", "Unit"] == "kWh a day per heating degree day a day"
    assert sheet.loc["Coefficient: cooling degree days", "Unit"] == "kWh a day per cooling degree day a day"
    assert sheet.loc["Coefficient: production", "Unit"] == "kWh a day per t a day"
    assert sheet.loc["p-value: cooling degree days", "Value"] == 0.2
    assert sheet.loc["Baseline production a day, highest", "Value"] == 40.0
    left_out = sheet.loc["Left out", "Value"].tolist()
    assert left_out == ["cooling degree days entered for 9 of 12 months", "one month left out"]
    assert sheet.loc["Days of the follow-up periods", "Value"] == 90


def _changes():
    return pd.DataFrame({
        "indicator": ["energy", "water"], "unit": ["kWh", "m3"], "shown_baseline": [1000.0, 20.0],
        "shown_followup": [800.0, 25.0], "shown_unit": ["kWh", "m3"], "relative_change": [-0.2, 0.25],
        "points": [np.nan, np.nan], "absolute_change": [-200.0, 5.0], "improved": [True, False]})


def test_the_changes_table_says_yes_and_no_and_where_each_figure_comes_from():
    periods = pd.DataFrame({
        "indicator": ["energy", "energy", "water"], "unit": ["kWh", "kWh", "m3"],
        "carrier": ["electricity", "diesel", ""],
        "baseline_from": [pd.Timestamp("2024-01-01")] * 3, "baseline_to": [pd.Timestamp("2024-12-31")] * 3,
        "baseline_periods": [4, 4, 1],
        "followup_from": [pd.Timestamp("2025-04-01"), pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-01")],
        "followup_to": [pd.Timestamp("2025-06-30"), pd.Timestamp("2025-03-31"), pd.Timestamp("2025-03-31")]})
    table = tables.changes_table(_changes(), periods)
    assert list(table.columns) == ["indicator", "baseline", "latest follow-up", "unit", "relative change",
                                   "percentage points", "follow-up period", "baseline period", "absolute change",
                                   "improved"]
    assert table["improved"].tolist() == ["yes", "no"]
    assert table["relative change"].tolist() == ["-20.0%", "+25.0%"]
    assert table["absolute change"].tolist() == ["-200", "+5"]
    assert table["follow-up period"].tolist() == ["Electricity Apr–Jun 2025; Diesel Jan–Mar 2025", "Jan–Mar 2025"]
    assert table["baseline period"].tolist() == ["Jan–Dec 2024 (4 periods)", "Jan–Dec 2024"]


def test_the_targets_table_reads_the_status_and_what_is_still_needed():
    progress = pd.DataFrame({
        "indicator": ["energy", "water"], "reduction": [0.2, 0.1], "basis": ["absolute", "absolute"],
        "target_date": [dt.date(2026, 12, 31), dt.date(2026, 12, 31)], "achieved": [0.05, np.nan],
        "expected": [0.1, np.nan], "status": ["behind", None], "still_needed_per_year": [15_000.0, np.nan],
        "unit": ["kWh", "m3"], "still_needed_share": [0.158, np.nan]})
    table = tables.targets_table(progress)
    assert list(table.columns) == ["indicator", "target", "achieved", "expected by the latest follow-up", "status",
                                   "still needed"]
    assert table["status"].tolist() == ["behind", "no follow-up yet"]
    assert table["achieved"].tolist() == ["5.0%", ""]
    assert table["still needed"].tolist() == ["15,000 kWh a year (15.8% of today's)", ""]


def test_the_averages_table_counts_enterprises_as_whole_numbers():
    reference = pd.DataFrame({"indicator": ["energy"], "reported_mean_change": [-0.12], "source": ["ILO"]})
    database = pd.DataFrame({"indicator": ["energy"], "enterprises": [33.0], "mean_change": [-0.2],
                             "median_change": [-0.15]})
    table = tables.averages_table(reference, database)
    assert table.loc[0, "enterprises"] == "33"
    assert table.loc[0, "database mean"] == "-20.0%" and table.loc[0, "database median"] == "-15.0%"
    assert table.loc[0, "reported"] == "-12.0%"


def test_the_savings_table_of_one_material_and_of_none():
    savings = pd.DataFrame({"material": ["cotton"], "baseline_kg_per_day": [12.5], "followup_kg_per_day": [10.0],
                            "saved_kg_per_year": [912.5], "price": [2.0], "currency": ["EUR"], "price_unit": ["kg"],
                            "value_saved_per_year": [1825.0]})
    totals = pd.DataFrame({"currency": ["EUR"], "materials": [1], "value_saved_per_year": [1825.0]})
    row = tables.savings_table(savings, totals).iloc[0]
    assert row["baseline"] == "12.5 kg per day" and row["latest follow-up"] == "10 kg per day"
    assert row["saved a year"] == "912.5 kg" and row["value saved a year"] == "1,825 EUR"
    assert row["price"] == "2 EUR per kg"
    none = tables.savings_table(savings.iloc[:0], totals.iloc[:0])
    assert list(none.columns) == ["material", "baseline", "latest follow-up", "saved a year", "price",
                                  "value saved a year"] and none.empty


def _report(**kw) -> EnterpriseReport:
    empty = pd.DataFrame()
    return EnterpriseReport(enterprise={}, measurements=empty, stages=kw.pop("stages", empty),
                            changes=kw.pop("changes", empty), actions=kw.pop("actions", empty), reference=empty,
                            database_averages=empty, **kw)


def test_the_report_notes_in_words():
    assert _report().common_title() == ""
    comparable = pd.DataFrame({"same_months": [True], "baseline_months": ["Jan–Dec"], "followup_months": ["Jan–Dec"],
                               "extrapolated": [False], "followup_days": [365]})
    assert _report(comparable=comparable).comparable_note() == (
        "Same months of the year: baseline Jan–Dec, follow-up Jan–Dec.")
    periods = pd.DataFrame({"enterprise": ["A", "A"], "indicator": ["energy", "water"],
                            "followup_from": [pd.Timestamp("2025-01-01")] * 2,
                            "followup_to": [pd.Timestamp("2025-03-31")] * 2})
    one = _report(changes=_changes(), periods=periods)
    assert one.periods_note() == "Every follow-up figure compared comes from one period: Jan–Mar 2025."
    stored = _report(factor_sets={"2025.2": 1, "2026.1": 1200}).emissions_note()
    assert stored.endswith("; the stored figures were converted to kWh, kg and m3 with factor set 2025.2 (1 figure), "
                           "2026.1 (1,200 figures).")


def test_the_overview_counts_countries_and_sectors_given_guards_its_spread_and_lists_by_name():
    ids = np.arange(1, 6)
    summary = pd.DataFrame({
        "enterprise_id": ids, "indicator": "energy", "unit": "kWh", "has_baseline": True, "has_followup": True,
        "baseline": 100.0, "followup": [70.0, 80.0, 90.0, 60.0, 50.0],
        "relative_change": [-0.3, -0.2, -0.1, -0.4, -0.5], "points": np.nan,
        "co2e_baseline": 10.0, "co2e_followup": 7.0, "flags": "jump", "quarter": "2025Q1"})
    ents = pd.DataFrame({"enterprise_id": ids, "name": ["Eve", "Dan", "Cy", "Bo", "Al"],
                         "country": ["IN", "IN", "KE", "KE", "KE"], "sector": ["Food", "Food", "Textiles", "", ""],
                         "partner": [""] * 5, "cluster": [""] * 5, "modules": "SCORE4Climate"})
    members = pd.DataFrame({"enterprise_id": ids, "kind": "module", "value": "SCORE4Climate"})
    data = overview.OverviewData(summary=summary, enterprises=ents, memberships=members,
                                 reference=overview.programme_reference())
    ov = overview.build(data)
    # two sectors named (an enterprise without one is no third sector), two countries, five enterprises
    assert (ov.enterprises, ov.countries, ov.sectors) == (5, 2, 2)
    # the spread of the five changes is a guarded cell like the others: its five elements' power sums
    e = [int(k) % disclosure.P for k in data.summary["element"]]
    assert ov.cells[("distribution", "energy")] == (5, sum(e) % disclosure.P, sum(k * k for k in e) % disclosure.P,
                                                    sum(k ** 3 for k in e) % disclosure.P)
    # the data-quality list goes by the enterprises' names, not by when they were added
    assert ov.quality["enterprise"].tolist() == ["Al", "Bo", "Cy", "Dan", "Eve"]


def test_a_category_read_as_null_becomes_the_empty_text():
    sectors = pd.Series(["Food", None, "Apparel"], dtype="category")
    read = overview_data._no_nulls(sectors)
    assert read.tolist() == ["Food", "", "Apparel"] and list(read.cat.categories) == ["", "Apparel", "Food"]
    full = pd.Series(["Food", "Apparel"], dtype="category")
    assert list(overview_data._no_nulls(full).cat.categories) == ["Apparel", "Food"]  # nothing missing: left as it is


def test_a_hand_over_table_reads_in_words_unless_it_already_does():
    df = pd.DataFrame({"indicator": ["material_wasted"], "carrier": ["landfill"], "value": [440.0]})
    html = handover._table(df)
    assert "Materials wasted" in html and "material_wasted" not in html
    assert "material_wasted" in handover._table(df, words=False)  # a table already in words is left as it is


def test_the_hand_over_html_prints_on_the_country_s_paper_with_its_headings():
    progress = pd.DataFrame({"indicator": ["energy"], "reduction": [0.2], "basis": ["absolute"],
                             "target_date": [dt.date(2026, 12, 31)], "status": [None]})
    for country, paper in (("MX", "Letter"), (" us ", "Letter"), ("IN", "A4"), (None, "A4")):
        assert handover.paper_for(country) == paper
    report = _report(targets=progress)
    report.enterprise = {"name": "Seals", "country": "MX", "sector": "Rubber", "size": "", "partner": ""}
    report.reference = overview.programme_reference()
    page = handover.report_html(report, generated=dt.datetime(2026, 1, 2, 3, 4))
    html = unescape(page)
    assert "@page { size: Letter;" in html
    assert "<h2>Targets and progress</h2>" in html
    assert "<p>Reported: the programme's published averages (mean over enterprises of each one's reported" in html
    assert "SCORE4Climate tracker · generated 2026-01-02 03:04 UTC" in html


def test_the_hand_over_html_names_the_actions_marked_on_the_stage_chart():
    stages = pd.DataFrame({"stage": ["Baseline", "Follow-up 1"], "phase": ["baseline", "follow-up"],
                           "period_start": [pd.Timestamp("2023-01-01"), pd.Timestamp("2023-07-01")],
                           "period_end": [pd.Timestamp("2023-03-31"), pd.Timestamp("2023-09-30")],
                           "yield_pct": [78.0, 88.0], "waste_share_pct": [22.0, 12.0]})
    actions = pd.DataFrame({"id": [1, 2], "action_date": [dt.date(2023, 5, 15), dt.date(2023, 6, 1)],
                            "description": ["Guillotine machine", "Mould repair"], "investment": [None, None],
                            "currency": ["", ""], "indicators": ["", ""]})
    report = _report(stages=stages, actions=actions)
    report.enterprise = {"name": "Seals", "country": "IN", "sector": "Rubber", "size": "", "partner": ""}
    report.reference = overview.programme_reference()
    html = unescape(handover.report_html(report))
    assert ("<p class='key'>Improvement actions marked ▲ on the chart: 1: Guillotine machine (15 May 2023); "
            "2: Mould repair (01 Jun 2023).</p>") in html


def test_a_regression_row_of_the_summary_carries_no_data_quality_flag():
    # a year's baseline against a quarter's follow-up would flag "periods_differ" on an indicator's own row; the
    # regression's row compares expected and actual energy over the same follow-up: 80 / 100 - 1 = -20 %
    regression = pd.DataFrame({"enterprise": [7], "baseline": [100.0], "followup": [80.0], "savings_uncertainty": [3.0],
                               "baseline_days": [365], "followup_days": [90],
                               "followup_end": [pd.Timestamp("2025-03-31")]})
    rows = summary._regression_rows(regression, dt.datetime(2026, 1, 1))
    assert rows["flags"].tolist() == [""] and "FLAGS" not in rows.columns
    assert rows["relative_change"].tolist() == [pytest.approx(-0.2)]
    assert rows["savings_uncertainty"].tolist() == [3.0] and rows["enterprise_id"].tolist() == [7]
