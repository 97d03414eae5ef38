"""The enterprise report: stages, changes, actions, and the programme's averages beside them."""
import streamlit as st

from metrics import formatting, labels
from metrics.i18n import _, ngettext, pgettext
from tracker import charts, disclosures, errors, handover, pdf, statements, tables
from tracker.countries import country_name
from tracker.report import enterprise_report
from ui import chart_locale, shared


def _statements(user, enterprise_id: int, slug: str) -> None:
    """Results statements: issue one (frozen as issued); each issued one with whether today's figures differ."""
    st.markdown(_("**Results statement** (one page; its figures are frozen when issued)"))
    if st.button(_("Issue a results statement"), key="issue_statement"):
        try:
            sid, _unused = statements.issue_statement(shared.engine(), user, enterprise_id)
        except (ValueError, errors.AccessDenied) as exc:
            st.error(_("{error} Nothing was issued.").format(error=shared.plain(exc)))
        else:
            st.success(_("Statement {id} issued.").format(id=sid))
    for s in statements.list_statements(shared.engine(), user, enterprise_id):
        with st.container(border=True):
            st.markdown(_("**{id}** · issued {at} UTC by {by} · factor set {factor_set} · {period}").format(
                id=s["id"], at=f"{s['issued_at']:%Y-%m-%d %H:%M}", by=shared.plain(s["issued_by"]),
                factor_set=shared.plain(s["factor_set"]), period=shared.plain(s["period"])))
            diff = s["differences"]
            changed = diff[diff["changed"].to_numpy(dtype=bool)]
            if changed.empty:
                st.caption(_("Today's figures and factor set give the same numbers as issued."))
            else:
                st.warning(ngettext("Today, {why} give different numbers for {n} figure; the statement stays as "
                                    "issued.",
                                    "Today, {why} give different numbers for {n} figures; the statement stays as "
                                    "issued.", len(changed)).format(
                    why=shared.plain(s["why"] or _("the figures")), n=len(changed)))
                shared.dataframe(tables.statement_differences_table(changed), hide_index=True, key=f"diff_{s['id']}")
            c1, c2 = st.columns(2)
            c1.download_button(_("Statement (HTML)"), s["html"].encode("utf-8"), f"{slug}-{s['id']}.html",
                               mime="text/html", key=f"download_{s['id']}", on_click="ignore")
            if s["has_pdf"] or pdf.pdf_available():  # printed the first time it is asked for, the same file after
                c2.download_button(_("Statement (PDF)"),
                                   lambda sid=s["id"]: statements.statement_pdf(shared.engine(), user, sid),
                                   f"{slug}-{s['id']}.pdf", mime="application/pdf", key=f"download_pdf_{s['id']}",
                                   on_click="ignore")
            else:
                c2.caption(_("The PDF needs Chromium on the server; print the HTML statement from a browser instead."))


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user, enterprise_id = shared.enterprise_page()
    try:
        report = enterprise_report(shared.engine(), user, enterprise_id)
    except errors.AccessDenied as exc:
        st.error(shared.plain(exc))
        st.stop()

    ent = report.enterprise
    st.title(shared.plain(ent["name"]))
    st.caption(" · ".join(shared.plain(x) for x in [country_name(ent["country"]), ent["sector"],
                                                    labels.size_label(ent["size"]), ent["partner"]] if x))
    if ent["synthetic"]:
        st.info(_("Synthetic demo enterprise: every figure is made up for demonstration."))
    elif report.measurements["note"].str.contains("synthetic").any():
        st.info(_("Figures noted 'synthetic' below are demo values; the others are published case-study figures."))

    if report.measurements.empty:
        st.info(_("No figures yet for this enterprise."))
        st.stop()

    if report.periods_differ:
        st.caption(_("Periods differ in length, so extensive figures are compared as per-day rates."))

    if report.stages["yield_pct"].notna().any() or report.stages["waste_share_pct"].notna().any():
        st.plotly_chart(charts.stage_chart(report.stages, report.actions), key="stage_chart",
                        config=chart_locale.config())
        if not report.actions.empty:
            st.caption(_("Improvement actions marked ▲ on the chart: {actions}.").format(
                actions="; ".join(shared.plain(a) for a in charts.action_key(report.actions))))

    st.subheader(_("Changes: baseline to latest follow-up"))
    changes = report.changes
    if changes.empty:
        st.info(_("A baseline and a follow-up are both needed to compute changes."))
    else:
        table = tables.changes_table(changes, report.periods)
        shared.dataframe(table, hide_index=True, key="changes_table")
        st.caption(report.periods_note())
        if report.followups_differ and report.common_period is not None:
            st.markdown(f"**{report.common_title()}**")
            shared.dataframe(tables.changes_table(report.common_changes, report.common_periods), hide_index=True,
                         key="common_changes_table")
        st.caption(report.comparable_note())
        if not report.same_months_changes.empty:
            shared.dataframe(tables.changes_table(report.same_months_changes), hide_index=True, key="same_months_table")
        if not report.normalised.empty:
            st.markdown(_("**Per unit of production (ISO 50006), beside the absolute change**"))
            shared.dataframe(tables.normalised_table(report.normalised), hide_index=True, key="normalised_table")
            st.caption(_(labels.NORMALISED_NOTE))
        if report.regression is not None:
            st.markdown(_("**Regression baseline (energy on production and, where entered, degree days)**"))
            st.caption(tables.regression_text(report.regression))
            if report.regression.valid:
                st.plotly_chart(charts.cusum_chart(report.regression.cusum), key="cusum_chart",
                                config=chart_locale.config())
        st.plotly_chart(charts.changes_vs_reference(changes, report.reference,
                                                    _("This enterprise beside the programme's reported averages")),
                        key="reference_chart", config=chart_locale.config())

    if not report.targets.empty:
        st.subheader(_("Targets and progress"))
        shared.dataframe(tables.targets_table(report.targets), hide_index=True, key="targets_table")
        st.caption(_("{note} Targets are set on the Profile page.").format(note=_(labels.ON_TRACK_NOTE)))

    if not report.materials.empty or not report.diversion.empty:
        st.subheader(_("Materials and waste"))
        if not report.materials.empty:
            materials = labels.people_table(report.materials)  # figures as the hand-over writes them: 94.9, not 94.902
            figures = materials.select_dtypes("number").columns
            materials[figures] = materials[figures].map(formatting.number)
            shared.dataframe(materials, hide_index=True, key="materials_table")
            st.caption(_("Yield from the mass balance: good output in kg / material input (ISO 14051); material lost "
                         "per kg of good product: (input - output) / output. Waste diverted: recycled, sold or "
                         "composted / all waste."))
        if not report.diversion.empty:
            st.markdown(shared.plain(report.diversion_note()))
    if not report.savings.empty:
        st.subheader(_("Value of material saved"))
        shared.dataframe(tables.savings_table(report.savings, report.savings_totals), hide_index=True,
                     key="savings_table")
        st.caption(_(tables.SAVINGS_NOTE))

    if not report.impacts.empty:
        st.subheader(_("Energy, emissions and intensities by period"))
        shared.dataframe(labels.people_table(report.impacts.drop(columns=["phase"])), hide_index=True,
                     key="impacts_table", column_config={
                         labels.column_label(c): st.column_config.NumberColumn(format="%.0f")
                         for c in ("energy_kwh", "scope1_kg_co2e", "scope2_kg_co2e", "kg_co2e",
                                   "biogenic_kg_co2_memo")})
        if not report.factors.empty:
            st.caption(_("{note} Intensities are per unit of production of the same period.").format(
                note=report.emissions_note()))
            shared.dataframe(labels.people_table(report.factors), hide_index=True, key="factors_table")

    st.subheader(_("Programme averages for comparison"))
    shared.dataframe(tables.averages_table(report.reference, report.database_averages), hide_index=True,
                 key="reference_table")
    st.caption(_("Reported: the programme's published averages (mean over enterprises of each one's reported "
                 "change). Database: the same mean, and the median, over the enterprises in this database with both a "
                 "baseline and a follow-up (the baseline other than 0), each counted once; '–' where too few other "
                 "enterprises take part (3 for the mean, 10 for the median) or where it would differ from figures "
                 "shown before by one or two enterprises' figures."))

    if not report.actions.empty:
        st.subheader(_("Improvement actions"))
        shared.dataframe(labels.people_table(report.actions), hide_index=True, key="actions_table")

    st.subheader(_("Hand over"))
    slug = ("".join(ch if ch.isalnum() else "-" for ch in ent["name"]).strip("-").lower()[:60]
            or pgettext("file name", "enterprise"))
    h1, h2, h3 = st.columns(3)
    # the files are made when a button is pressed, not on every run of the page, and a press does not
    # run the page again
    h1.download_button(_("Report (HTML, works offline and prints)"),
                       shared.in_language(lambda: handover.report_html(report)),
                       pgettext("file name", "{slug}-report.html").format(slug=slug), mime="text/html",
                       key="download_html", on_click="ignore")
    h2.download_button(_("Figures (Excel)"), shared.in_language(lambda: handover.report_xlsx(report)),
                       pgettext("file name", "{slug}-figures.xlsx").format(slug=slug),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="download_xlsx",
                       on_click="ignore")
    if pdf.pdf_available():
        if h3.button(_("Make a PDF"), key="make_pdf"):
            with st.spinner(_("Printing the report to PDF")):
                try:
                    st.session_state["report_pdf"] = (handover.fingerprint(report), handover.report_pdf(report))
                except RuntimeError as exc:
                    st.error(shared.plain(exc))
        made = st.session_state.get("report_pdf")
        if made and made[0] == handover.fingerprint(report):  # a PDF of figures since changed is not offered
            h3.download_button(_("Report (PDF)"), made[1], pgettext("file name", "{slug}-report.pdf").format(slug=slug),
                               mime="application/pdf", key="download_pdf")
    else:
        h3.caption(_("PDF needs Chromium on the server; print the HTML report from a browser instead."))
    _statements(user, enterprise_id, slug)
    st.download_button(_("Disclosures: VSME basic module and GRI (Excel)"),
                       shared.in_language(
                           lambda: disclosures.enterprise_workbook(shared.engine(), user, enterprise_id)),
                       f"{slug}-vsme-gri.xlsx", mime=disclosures.XLSX, key="download_disclosures", on_click="ignore",
                       help=_("One row per datapoint: the standard's reference, value, unit, period and method "
                              "note; 'not collected' where the figures were not entered, never 0."))


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
