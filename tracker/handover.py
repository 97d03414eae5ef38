"""Hand-over: the enterprise report as a self-contained HTML page and its figures as Excel.

The HTML carries plotly.js inline, so it opens offline, and has a print stylesheet. Every
text from the database is HTML-escaped.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import io

import pandas as pd

from metrics import formatting, labels
from tracker import charts, tables
from tracker.countries import country_name
from tracker.io import neutralise
from tracker.pdf import print_pdf
from tracker.report import EnterpriseReport

CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 2rem auto; max-width: 1000px;
       padding: 0 1rem; color: #222; }
h1 { margin-bottom: .2rem; overflow-wrap: anywhere; } .meta { color: #666; margin-bottom: 1rem; }
.note { background: #eef5fb; border-left: 4px solid #4a90d9; padding: .5rem .8rem; margin: 1rem 0; }
.table { overflow-x: auto; margin: .5rem 0 1.5rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border: 1px solid #ddd; padding: .3rem .5rem; text-align: left; } th { background: #f4f4f4; }
.chart { width: 100%; } .modebar-container { display: none; }
footer { color: #777; font-size: .8rem; margin-top: 2rem; }
@media (max-width: 600px) { body { margin: 1rem auto; padding: 0 .6rem; } table { font-size: .8rem; }
                            th, td { padding: .2rem .35rem; } }
@media print { body { margin: 0; padding: 0; max-width: none; } .chart { page-break-inside: avoid; }
               h2 { page-break-after: avoid; } .table { overflow: visible; }
               table { font-size: 7.5pt; } th, td { padding: .2rem .3rem; } }
"""

#: where everyday paper is US Letter: the CLDR territories with paperSize type="US-Letter"
#: (Unicode CLDR supplementalData.xml, measurementData; UTS #35 Part 6). Everywhere else: A4.
LETTER_COUNTRIES = frozenset("BZ CA CL CO CR GT MX NI PA PH PR SV US VE".split())
#: the printed page's margin, and the width of its content in CSS pixels (96 per inch) per paper
PAGE_MARGIN_MM = 12
_PAPER_MM = {"A4": (210, 297), "Letter": (215.9, 279.4)}


def paper_for(country) -> str:
    """'Letter' for an enterprise in a country whose everyday paper is US Letter, else 'A4'."""
    return "Letter" if str(country or "").strip().upper() in LETTER_COUNTRIES else "A4"


def _content_px(paper: str) -> int:
    """The width a printed page leaves for content, in CSS pixels: what the charts are drawn at."""
    return int((_PAPER_MM[paper][0] - 2 * PAGE_MARGIN_MM) / 25.4 * 96)


#: the charts of a hand-over file: no toolbar (it would be printed), the page's whole width
_CHART_CONFIG = {"displayModeBar": False, "responsive": True}


def _table(df: pd.DataFrame, *, words: bool = True) -> str:
    """A table in a box that scrolls sideways on a narrow screen (the page itself does not)."""
    shown = labels.people_table(df) if words else df
    return "<div class='table'>" + shown.to_html(index=False, escape=True, na_rep="", float_format=formatting.number,
                                                  border=0) + "</div>"


def _chart(fig, include_plotlyjs: bool) -> str:
    return "<div class='chart'>" + fig.to_html(full_html=False, include_plotlyjs=include_plotlyjs,
                                               config=_CHART_CONFIG, default_width="100%") + "</div>"


def fingerprint(report: EnterpriseReport) -> str:
    """A digest of the figures a hand-over file is made from: it changes when they change."""
    digest = hashlib.sha256(repr(sorted(report.enterprise.items())).encode())
    for frame in (report.measurements, report.actions, report.targets):
        digest.update(frame.to_csv(index=False).encode())
    return digest.hexdigest()


def report_html(report: EnterpriseReport, *, generated: dt.datetime | None = None, for_pdf: bool = False) -> str:
    """The report as one self-contained HTML document (charts included, works offline, reads on a
    phone, prints on the paper of the enterprise's country). ``for_pdf``: laid out at the printed
    page's width, so that the charts fill it."""
    ent = report.enterprise
    generated = generated or dt.datetime.now(dt.UTC)
    paper = paper_for(ent.get("country"))
    page = f"@page {{ size: {paper}; margin: {PAGE_MARGIN_MM}mm; }}"
    if for_pdf:
        page += " body { margin: 0; padding: 0; max-width: none; }"
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             "<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>{html.escape(ent['name'])} - SCORE4Climate report</title><style>{CSS}{page}</style></head><body>",
             f"<h1>{html.escape(ent['name'])}</h1>",
             "<div class='meta'>" + html.escape(" · ".join(x for x in [country_name(ent['country']), ent['sector'],
                                                                       ent['size'], ent['partner']] if x)) + "</div>"]
    if ent.get("synthetic"):
        parts.append("<div class='note'>Synthetic demo enterprise: every figure is made up for demonstration.</div>")
    elif not report.measurements.empty and report.measurements["note"].str.contains("synthetic").any():
        parts.append("<div class='note'>Figures noted 'synthetic' are demo values; the others are published "
                     "figures.</div>")
    if report.periods_differ:
        parts.append("<p>Periods differ in length, so extensive figures are compared as per-day rates.</p>")
    first = True
    if not report.stages.empty and report.stages["yield_pct"].notna().any():
        parts.append(_chart(charts.stage_chart(report.stages, report.actions), include_plotlyjs=True))
        if not report.actions.empty:
            parts.append("<p class='key'>Improvement actions marked ▲ on the chart: "
                         + "; ".join(html.escape(a) for a in charts.action_key(report.actions)) + ".</p>")
        first = False
    if not report.changes.empty:
        parts.append("<h2>Changes: baseline to latest follow-up</h2>")
        parts.append(_table(tables.changes_table(report.changes, report.periods), words=False))
        parts.append(f"<p>{html.escape(report.periods_note())}</p>")
        parts.append(f"<p>{html.escape(report.comparable_note())}</p>")
        if not report.same_months_changes.empty:
            parts.append(_table(tables.changes_table(report.same_months_changes), words=False))
        if not report.normalised.empty:
            parts.append("<h3>Per unit of production (ISO 50006), beside the absolute change</h3>"
                         + _table(tables.normalised_table(report.normalised), words=False)
                         + f"<p>{html.escape(labels.NORMALISED_NOTE)}</p>")
        if report.followups_differ and report.common_period is not None:
            parts.append(f"<h3>{html.escape(report.common_title())}</h3>"
                         + _table(tables.changes_table(report.common_changes, report.common_periods), words=False))
        if report.regression is not None:
            parts.append(f"<h3>Regression baseline (energy on production and, where entered, degree days)</h3><p>"
                         f"{html.escape(tables.regression_text(report.regression))}</p>")
            if report.regression.valid:
                parts.append(_chart(charts.cusum_chart(report.regression.cusum), include_plotlyjs=first))
                first = False
        parts.append(_chart(charts.changes_vs_reference(report.changes, report.reference,
                                                        "This enterprise beside the programme's reported averages"),
                            include_plotlyjs=first))
    if not report.targets.empty:
        parts.append("<h2>Targets and progress</h2>" + _table(tables.targets_table(report.targets), words=False)
                     + f"<p>{html.escape(labels.ON_TRACK_NOTE)}</p>")
    if not report.materials.empty:
        parts.append("<h2>Materials and waste</h2>" + _table(report.materials))
    if not report.diversion.empty:
        parts.append(f"<p>{html.escape(report.diversion_note())}</p>")
    if not report.savings.empty:
        parts.append("<h2>Value of material saved</h2>"
                     + _table(tables.savings_table(report.savings, report.savings_totals), words=False)
                     + f"<p>{html.escape(tables.SAVINGS_NOTE)}</p>")
    if not report.impacts.empty:
        parts.append("<h2>Energy, emissions and intensities by period</h2>"
                     + _table(report.impacts.drop(columns=["phase"], errors="ignore")))
        if not report.factors.empty:
            parts.append(f"<p>{html.escape(report.emissions_note())}</p>" + _table(report.factors))
    parts.append("<h2>Programme averages for comparison</h2>"
                 + _table(tables.averages_table(report.reference, report.database_averages), words=False)
                 + "<p>Reported: the programme's published averages (mean over enterprises of each one's reported "
                   "change). Database: the same mean, and the median, over the enterprises in this database with "
                   "both a baseline and a follow-up (the baseline other than 0), each counted once.</p>")
    if not report.actions.empty:
        parts.append("<h2>Improvement actions</h2>" + _table(report.actions))
    parts.append(f"<footer>SCORE4Climate tracker · generated {generated:%Y-%m-%d %H:%M} UTC</footer></body></html>")
    return "".join(parts)


def report_xlsx(report: EnterpriseReport) -> bytes:
    """The report's figures as an Excel workbook, one sheet per table (formula cells made inert)."""
    buf = io.BytesIO()
    reference = report.reference.drop(columns=["indicator"]).assign(
        reported_mean_change=report.reference["reported_mean_change"] * 100).rename(
        columns={"reported_mean_change": "Programme's reported average (%)"})
    averages = report.database_averages
    if not averages.empty:
        averages = averages.assign(**{c: averages[c] * 100 for c in ("mean_change", "median_change")}).rename(
            columns={"mean_change": "Database mean change (%)", "median_change": "Database median change (%)",
                     "mean_points": "Database mean change (percentage points)"})
    # sheets and columns in words: this file is read by people (the template keeps machine names)
    sheets = {"Changes": _changes_sheet(report.changes), "Where figures come from": _periods_sheet(report.periods),
              "Common period": _changes_sheet(report.common_changes) if report.followups_differ else None,
              "Per unit of production": _normalised_sheet(report.normalised),
              "Regression baseline": _regression_sheet(report.regression),
              "CUSUM": _cusum_sheet(report.regression),
              "Stages": report.stages,
              "Materials and waste": report.materials,
              "Value of material saved": report.savings,
              "Energy and emissions": report.impacts.drop(columns=["phase"], errors="ignore"),
              "Emission factors": report.factors, "Improvement actions": report.actions,
              "Figures as entered": report.measurements.drop(columns=["enterprise_id"], errors="ignore"),
              "Programme averages": reference, "Database averages": averages}
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, df in sheets.items():
            if df is None or df.empty:
                continue
            safe = labels.people_table(df, dates_as_text=False)
            for col in safe.columns:
                if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
                    safe[col] = safe[col].map(neutralise)
            safe.to_excel(xl, sheet_name=name, index=False)
            for i, col in enumerate(safe.columns, start=1):  # dates Excel sorts, shown without 00:00:00
                if pd.api.types.is_datetime64_any_dtype(safe[col]):
                    for (cell,) in xl.sheets[name].iter_rows(min_row=2, min_col=i, max_col=i):
                        cell.number_format = "YYYY-MM-DD"
    return buf.getvalue()


def _changes_sheet(changes: pd.DataFrame) -> pd.DataFrame:
    """The changes as on the page (metrics.report_changes' shown figures: per-day rates, yield in %,
    changes in %), with the periods they come from."""
    if changes.empty:
        return changes
    return pd.DataFrame({
        "indicator": changes["indicator"], "Baseline": changes["shown_baseline"],
        "Latest follow-up": changes["shown_followup"], "Absolute change": changes["absolute_change"],
        "unit": changes["shown_unit"], "Relative change (%)": changes["relative_change"] * 100,
        "points": changes["points"], "improved": changes["improved"],
        "Baseline periods from": changes["baseline_from"], "Baseline periods to": changes["baseline_to"],
        "Follow-up periods from": changes["followup_from"], "Follow-up periods to": changes["followup_to"],
        "Follow-up periods used": changes["followup_periods"]})


def _normalised_sheet(normalised: pd.DataFrame) -> pd.DataFrame:
    """Per unit of production beside the absolute change (metrics.report_normalised), changes in %."""
    if normalised.empty:
        return normalised
    return pd.DataFrame({
        "indicator": normalised["indicator"], "Baseline per unit of production": normalised["baseline_intensity"],
        "Latest follow-up per unit of production": normalised["followup_intensity"],
        "Intensity unit": normalised["intensity_unit"].map(labels.unit_words),
        "Change per unit of production (%)": normalised["normalised_change"] * 100,
        "Absolute change (%)": normalised["absolute_change"] * 100,
        "Normalised savings a year": normalised["normalised_savings_per_year"],
        "Absolute savings a year": normalised["absolute_savings_per_year"], "unit": normalised["unit"]})


def _regression_sheet(model) -> pd.DataFrame | None:
    """The regression baseline (metrics.regression_baseline): each term's coefficient and p-value, its checks,
    whether it is valid (or why not), what it left out, and the modelled savings with their 95 % uncertainty."""
    if model is None:
        return None
    unit = labels.unit_words(model.production_unit)
    per = {"intercept": "kWh a day", "production": f"kWh a day per {unit} a day",
           "heating_degree_days": "kWh a day per heating degree day a day",
           "cooling_degree_days": "kWh a day per cooling degree day a day"}
    rows = [("Valid", "yes" if model.valid else "no", ""), ("Why not valid", model.reason, ""),
            ("Monthly baseline periods", model.months, "")]
    rows += [(f"Coefficient: {name.replace('_', ' ')}", value, per.get(name, "")) for name, value in
             model.coefficients.items()]
    rows += [(f"p-value: {name.replace('_', ' ')}", value, "") for name, value in model.p_values.items()]
    rows += [("R squared", model.r_squared, ""),
             ("Baseline production a day, lowest", model.production_range[0], unit),
             ("Baseline production a day, highest", model.production_range[1], unit)]
    rows += [("Left out", note, "") for note in model.notes]
    if model.valid:
        rows += [("Modelled savings over the follow-up (expected - actual)", model.savings_kwh, "kWh"),
                 ("Uncertainty of the savings (95 %, ±)", model.savings_uncertainty_kwh, "kWh"),
                 ("Days of the follow-up periods", model.followup_days, "days")]
    return pd.DataFrame(rows, columns=["Figure", "Value", "Unit"]).astype({"Value": object})


def _cusum_sheet(model) -> pd.DataFrame | None:
    """Per baseline month and follow-up period: actual, expected, their difference and the CUSUM (kWh)."""
    if model is None or not model.valid:
        return None
    return model.cusum.rename(columns={"actual_kwh": "Actual energy (kWh)", "expected_kwh": "Expected energy (kWh)",
                                       "difference_kwh": "Actual - expected (kWh)", "cusum_kwh": "CUSUM (kWh)"})


def _periods_sheet(periods: pd.DataFrame) -> pd.DataFrame:
    """Where each compared figure comes from, one row per indicator and carrier (metrics.series_periods)."""
    if periods.empty:
        return periods
    return periods.drop(columns=["enterprise"]).rename(columns={
        "baseline_from": "Baseline from", "baseline_to": "Baseline to", "baseline_periods": "Baseline periods",
        "followup_from": "Follow-up period start", "followup_to": "Follow-up period end"})


def report_pdf(report: EnterpriseReport, *, timeout: float = 90.0) -> bytes:
    """The HTML report printed to PDF by headless Chromium (``tracker.pdf``; charts included, as wide as the
    paper of the enterprise's country allows). RuntimeError with what to do when no Chromium is installed or
    printing fails."""
    # the window as wide as the printed page's content: the charts are drawn to fill it
    width = _content_px(paper_for(report.enterprise.get("country")))
    return print_pdf(report_html(report, for_pdf=True), width=width, timeout=timeout,
                     fallback="download the HTML report")
