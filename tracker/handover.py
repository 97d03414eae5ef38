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

from metrics import formatting, i18n, labels
from metrics.i18n import N_, _
from tracker import charts, tables
from tracker.countries import country_name
from tracker.io import neutralise, sheet_name
from tracker.pdf import print_pdf
from tracker.report import EnterpriseReport

CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', sans-serif;
       margin: 2rem auto; max-width: 1000px; padding: 0 1rem; color: #222; }
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


def _h2(text: str) -> str:
    return f"<h2>{html.escape(text)}</h2>"


def _h3(text: str) -> str:
    return f"<h3>{html.escape(text)}</h3>"


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def html_lang() -> str:
    """The run's locale as an HTML ``lang`` attribute ('zh_Hans_CN' -> 'zh-Hans-CN'): a browser then picks the
    script's fonts (Chinese glyphs from the CJK font the stylesheet names) and hyphenates in that language."""
    return i18n.current().replace("_", "-")


def _chart(fig, include_plotlyjs: bool) -> str:
    return "<div class='chart'>" + fig.to_html(full_html=False, include_plotlyjs=include_plotlyjs,
                                               config=_CHART_CONFIG, default_width="100%") + "</div>"


def fingerprint(report: EnterpriseReport) -> str:
    """A digest of the figures a hand-over file is made from, and of the language it is written in: it changes
    when they change (a PDF made in another language is not offered as this one's)."""
    digest = hashlib.sha256(repr(sorted(report.enterprise.items())).encode())
    digest.update(i18n.current().encode())
    for frame in (report.measurements, report.actions, report.targets):
        digest.update(frame.to_csv(index=False).encode())
    return digest.hexdigest()


def report_html(report: EnterpriseReport, *, generated: dt.datetime | None = None, for_pdf: bool = False) -> str:
    """The report as one self-contained HTML document (charts included, works offline, reads on a
    phone, prints on the paper of the enterprise's country), in the run's language
    (``metrics.i18n.current()``). ``for_pdf``: laid out at the printed page's width, so that the charts
    fill it."""
    ent = report.enterprise
    generated = generated or dt.datetime.now(dt.UTC)
    paper = paper_for(ent.get("country"))
    page = f"@page {{ size: {paper}; margin: {PAGE_MARGIN_MM}mm; }}"
    if for_pdf:
        page += " body { margin: 0; padding: 0; max-width: none; }"
    title = _("{name} - SCORE4Climate report").format(name=ent["name"])
    parts = [f"<!DOCTYPE html><html lang='{html_lang()}'><head><meta charset='utf-8'>"
             "<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>{html.escape(title)}</title><style>{CSS}{page}</style></head><body>",
             f"<h1>{html.escape(ent['name'])}</h1>",
             "<div class='meta'>" + html.escape(" · ".join(x for x in [country_name(ent['country']), ent['sector'],
                                                                       ent['size'], ent['partner']] if x)) + "</div>"]
    if ent.get("synthetic"):
        parts.append("<div class='note'>" + html.escape(_("Synthetic demo enterprise: every figure is made up for "
                                                          "demonstration.")) + "</div>")
    elif not report.measurements.empty and report.measurements["note"].str.contains("synthetic").any():
        parts.append("<div class='note'>" + html.escape(_("Figures noted 'synthetic' are demo values; the others "
                                                          "are published figures.")) + "</div>")
    if report.periods_differ:
        parts.append(_p(_("Periods differ in length, so extensive figures are compared as per-day rates.")))
    first = True
    if not report.stages.empty and report.stages["yield_pct"].notna().any():
        parts.append(_chart(charts.stage_chart(report.stages, report.actions), include_plotlyjs=True))
        if not report.actions.empty:
            key = _("Improvement actions marked ▲ on the chart: {actions}.").format(
                actions="; ".join(charts.action_key(report.actions)))
            parts.append(f"<p class='key'>{html.escape(key)}</p>")
        first = False
    if not report.changes.empty:
        parts.append(_h2(_("Changes: baseline to latest follow-up")))
        parts.append(_table(tables.changes_table(report.changes, report.periods), words=False))
        parts.append(f"<p>{html.escape(report.periods_note())}</p>")
        parts.append(f"<p>{html.escape(report.comparable_note())}</p>")
        if not report.same_months_changes.empty:
            parts.append(_table(tables.changes_table(report.same_months_changes), words=False))
        if not report.normalised.empty:
            parts.append(_h3(_("Per unit of production (ISO 50006), beside the absolute change"))
                         + _table(tables.normalised_table(report.normalised), words=False)
                         + _p(_(labels.NORMALISED_NOTE)))
        if report.followups_differ and report.common_period is not None:
            parts.append(f"<h3>{html.escape(report.common_title())}</h3>"
                         + _table(tables.changes_table(report.common_changes, report.common_periods), words=False))
        if report.regression is not None:
            parts.append(_h3(_("Regression baseline (energy on production and, where entered, degree days)"))
                         + _p(tables.regression_text(report.regression)))
            if report.regression.valid:
                parts.append(_chart(charts.cusum_chart(report.regression.cusum), include_plotlyjs=first))
                first = False
        parts.append(_chart(charts.changes_vs_reference(report.changes, report.reference,
                                                        _("This enterprise beside the programme's reported averages")),
                            include_plotlyjs=first))
    if not report.targets.empty:
        parts.append(_h2(_("Targets and progress")) + _table(tables.targets_table(report.targets), words=False)
                     + _p(_(labels.ON_TRACK_NOTE)))
    if not report.materials.empty:
        parts.append(_h2(_("Materials and waste")) + _table(report.materials))
    if not report.diversion.empty:
        parts.append(f"<p>{html.escape(report.diversion_note())}</p>")
    if not report.savings.empty:
        parts.append(_h2(_("Value of material saved"))
                     + _table(tables.savings_table(report.savings, report.savings_totals), words=False)
                     + _p(_(tables.SAVINGS_NOTE)))
    if not report.impacts.empty:
        parts.append(_h2(_("Energy, emissions and intensities by period"))
                     + _table(report.impacts.drop(columns=["phase"], errors="ignore")))
        if not report.factors.empty:
            parts.append(f"<p>{html.escape(report.emissions_note())}</p>" + _table(report.factors))
    parts.append(_h2(_("Programme averages for comparison"))
                 + _table(tables.averages_table(report.reference, report.database_averages), words=False)
                 + _p(_("Reported: the programme's published averages (mean over enterprises of each one's reported "
                        "change). Database: the same mean, and the median, over the enterprises in this database "
                        "with both a baseline and a follow-up (the baseline other than 0), each counted once.")))
    if not report.actions.empty:
        parts.append(_h2(_("Improvement actions")) + _table(report.actions))
    footer = _("SCORE4Climate tracker · generated {when} UTC").format(when=f"{generated:%Y-%m-%d %H:%M}")
    parts.append(f"<footer>{html.escape(footer)}</footer></body></html>")
    return "".join(parts)


def report_xlsx(report: EnterpriseReport) -> bytes:
    """The report's figures as an Excel workbook, one sheet per table (formula cells made inert)."""
    buf = io.BytesIO()
    reference = report.reference.drop(columns=["indicator"]).assign(
        reported_mean_change=report.reference["reported_mean_change"] * 100).rename(
        columns={"reported_mean_change": _("Programme's reported average (%)")})
    averages = report.database_averages
    if not averages.empty:
        averages = averages.assign(**{c: averages[c] * 100 for c in ("mean_change", "median_change")}).rename(
            columns={"mean_change": _("Database mean change (%)"), "median_change": _("Database median change (%)"),
                     "mean_points": _("Database mean change (percentage points)")})
    # sheets and columns in words, in the run's language: this file is read by people (the template keeps
    # machine names)
    sheets = {N_("Changes"): _changes_sheet(report.changes),
              N_("Where figures come from"): _periods_sheet(report.periods),
              N_("Common period"): _changes_sheet(report.common_changes) if report.followups_differ else None,
              N_("Per unit of production"): _normalised_sheet(report.normalised),
              N_("Regression baseline"): _regression_sheet(report.regression),
              N_("CUSUM"): _cusum_sheet(report.regression),
              N_("Stages"): report.stages,
              N_("Materials and waste"): report.materials,
              N_("Value of material saved"): report.savings,
              N_("Energy and emissions"): report.impacts.drop(columns=["phase"], errors="ignore"),
              N_("Emission factors"): report.factors, N_("Improvement actions"): report.actions,
              N_("Figures as entered"): report.measurements.drop(columns=["enterprise_id"], errors="ignore"),
              N_("Programme averages"): reference, N_("Database averages"): averages}
    written: list[str] = []
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for words, df in sheets.items():
            if df is None or df.empty:
                continue
            name = sheet_name(_(words), written)
            written.append(name)
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
        "indicator": changes["indicator"], _("Baseline"): changes["shown_baseline"],
        _("Latest follow-up"): changes["shown_followup"], _("Absolute change"): changes["absolute_change"],
        "unit": changes["shown_unit"], _("Relative change (%)"): changes["relative_change"] * 100,
        "points": changes["points"], "improved": changes["improved"],
        _("Baseline periods from"): changes["baseline_from"], _("Baseline periods to"): changes["baseline_to"],
        _("Follow-up periods from"): changes["followup_from"], _("Follow-up periods to"): changes["followup_to"],
        _("Follow-up periods used"): changes["followup_periods"]})


def _normalised_sheet(normalised: pd.DataFrame) -> pd.DataFrame:
    """Per unit of production beside the absolute change (metrics.report_normalised), changes in %."""
    if normalised.empty:
        return normalised
    return pd.DataFrame({
        "indicator": normalised["indicator"],
        _("Baseline per unit of production"): normalised["baseline_intensity"],
        _("Latest follow-up per unit of production"): normalised["followup_intensity"],
        _("Intensity unit"): normalised["intensity_unit"].map(labels.unit_words),
        _("Change per unit of production (%)"): normalised["normalised_change"] * 100,
        _("Absolute change (%)"): normalised["absolute_change"] * 100,
        _("Normalised savings a year"): normalised["normalised_savings_per_year"],
        _("Absolute savings a year"): normalised["absolute_savings_per_year"], "unit": normalised["unit"]})


def _regression_sheet(model) -> pd.DataFrame | None:
    """The regression baseline (metrics.regression_baseline): each term's coefficient and p-value, its checks,
    whether it is valid (or why not), what it left out, and the modelled savings with their 95 % uncertainty."""
    if model is None:
        return None
    unit = labels.unit_words(model.production_unit)
    per = {"intercept": _("kWh a day"), "production": _("kWh a day per {unit} a day").format(unit=unit),
           "heating_degree_days": _("kWh a day per heating degree day a day"),
           "cooling_degree_days": _("kWh a day per cooling degree day a day")}
    rows = [(_("Valid"), _("yes") if model.valid else _("no"), ""), (_("Why not valid"), model.reason, ""),
            (_("Monthly baseline periods"), model.months, "")]
    rows += [(_("Coefficient: {term}").format(term=_term(name)), value, per.get(name, "")) for name, value in
             model.coefficients.items()]
    rows += [(_("p-value: {term}").format(term=_term(name)), value, "") for name, value in model.p_values.items()]
    rows += [(_("R squared"), model.r_squared, ""),
             (_("Baseline production a day, lowest"), model.production_range[0], unit),
             (_("Baseline production a day, highest"), model.production_range[1], unit)]
    rows += [(_("Left out"), note, "") for note in model.notes]
    if model.valid:
        rows += [(_("Modelled savings over the follow-up (expected - actual)"), model.savings_kwh, "kWh"),
                 (_("Uncertainty of the savings (95 %, ±)"), model.savings_uncertainty_kwh, "kWh"),
                 (_("Days of the follow-up periods"), model.followup_days, _("days"))]
    return pd.DataFrame(rows, columns=[_("Figure"), _("Value"), _("Unit")]).astype({_("Value"): object})


#: the regression's terms in words
_TERMS = {"intercept": N_("intercept"), "production": N_("production"),
          "heating_degree_days": N_("heating degree days"), "cooling_degree_days": N_("cooling degree days")}


def _term(name: str) -> str:
    return _(_TERMS[name]) if name in _TERMS else name.replace("_", " ")


def _cusum_sheet(model) -> pd.DataFrame | None:
    """Per baseline month and follow-up period: actual, expected, their difference and the CUSUM (kWh)."""
    if model is None or not model.valid:
        return None
    return model.cusum.rename(columns={"actual_kwh": _("Actual energy (kWh)"),
                                       "expected_kwh": _("Expected energy (kWh)"),
                                       "difference_kwh": _("Actual - expected (kWh)"),
                                       "cusum_kwh": _("CUSUM (kWh)")})


def _periods_sheet(periods: pd.DataFrame) -> pd.DataFrame:
    """Where each compared figure comes from, one row per indicator and carrier (metrics.series_periods)."""
    if periods.empty:
        return periods
    return periods.drop(columns=["enterprise"]).rename(columns={
        "baseline_from": _("Baseline from"), "baseline_to": _("Baseline to"), "baseline_periods": _("Baseline periods"),
        "followup_from": _("Follow-up period start"), "followup_to": _("Follow-up period end")})


def report_pdf(report: EnterpriseReport, *, timeout: float = 90.0) -> bytes:
    """The HTML report printed to PDF by headless Chromium (``tracker.pdf``; charts included, as wide as the
    paper of the enterprise's country allows). RuntimeError with what to do when no Chromium is installed or
    printing fails."""
    # the window as wide as the printed page's content: the charts are drawn to fill it
    width = _content_px(paper_for(report.enterprise.get("country")))
    return print_pdf(report_html(report, for_pdf=True), width=width, timeout=timeout,
                     fallback=_("download the HTML report"))
