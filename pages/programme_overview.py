"""Programme overview for officers: honest aggregates across enterprises, never one enterprise's figures."""
import streamlit as st

from metrics import formatting, labels
from metrics.normalise import NORMALISED
from tracker import avoided, charts, delivery_charts, disclosure, disclosures, errors, overview, published
from tracker import io as tio
from tracker.countries import country_label
from ui import shared

MEANINGS = {
    "mean": "the average of each enterprise's own change: every enterprise counts once (what the programme reports)",
    "median": "the middle enterprise: half changed more, half less",
    "pooled": "the change of all enterprises' totals together: larger enterprises weigh more",
}
FILTERS = [("country", "Country"), ("sector", "Sector"), ("cluster", "Cluster"), ("partner", "Implementation partner"),
           ("module", "Module"), ("cohort", "Cohort"), ("trainer", "Trainer")]


def _label(indicator: str) -> str:
    return labels.indicator_label(indicator)


COUNT_COLUMNS = {"enterprises": "enterprises", "with_modules": "with module records", "modules": "module records",
                 "module_kinds": "modules (kinds)"}
RESULT_COLUMNS = {"indicator": "indicator", "enterprises": "enterprises", "mean_change": "mean",
                  "median_change": "median", "pooled_change": "pooled", "mean_points": "yield, points"}
RESULT_FORMATS = {"mean_change": formatting.percent, "median_change": formatting.percent,
                  "pooled_change": formatting.percent, "mean_points": formatting.points}


def _delivery(user, filters: overview.Filters, reference) -> None:
    """The Delivery tab: the chain from trainers to results, aggregates only (tracker.published)."""
    with st.spinner("Aggregating the delivery figures"):
        dv = published.delivery_overview(shared.engine(), user, filters)
    if dv.hidden_as_too_close:
        st.info(f"On this tab, {dv.hidden_as_too_close} more figure(s) are hidden as “{disclosure.FEWER}”: each "
                "differs from a figure shown before by only one or two enterprises.",
                icon=":material/lock:")
    st.subheader("Trainers along their path")
    st.caption("Training of Trainers → candidate → recommended by an Expert Trainer → certified; per country and "
               "training provider, as recorded on the Trainers page. "
               + ("Every trainer account." if filters == overview.Filters() else
                  "The trainers who support, or delivered a module to, an enterprise of this selection."))
    shared.chart(delivery_charts.pipeline_chart(dv.pipeline), "pipeline_chart")
    st.dataframe(dv.pipeline.assign(country=dv.pipeline["country"].map(country_label)).rename(
        columns={"provider": "training provider"}), hide_index=True, key="pipeline_table")

    st.subheader("Enterprises and modules")
    st.caption("Per implementation partner: its enterprises, those with module records, the records and kinds.")
    st.dataframe(dv.by_partner.rename(columns={"partner": "implementation partner", **COUNT_COLUMNS}),
                 hide_index=True, key="partner_counts")
    st.caption("Per trainer: the enterprises they support, those they delivered a module to, the records naming "
               "them and kinds.")
    st.dataframe(dv.by_trainer.rename(columns={"enterprises": "enterprises supported", "with_modules": "delivered to",
                                               "modules": "module records", "module_kinds": "modules (kinds)"}),
                 hide_index=True, key="trainer_counts")

    st.subheader("Attendance per module")
    whole = {c: formatting.count for c in ("managers_female", "managers_male", "workers_female", "workers_male",
                                           "attendees")}
    st.dataframe(formatting.cells(dv.attendance, {
        "module": "module", "enterprises": "enterprises", "records": "records", "managers_female": "managers (women)",
        "managers_male": "managers (men)", "workers_female": "workers (women)", "workers_male": "workers (men)",
        "attendees": "attendees", "women_share": "women's share", "two_and_two_share": "two managers and two workers"},
        {**whole, "women_share": lambda v: formatting.percent(v, signed=False),
         "two_and_two_share": lambda v: formatting.percent(v, signed=False)}, hidden=disclosure.FEWER),
        hide_index=True, key="attendance_table")
    st.caption("two managers and two workers: the share of module records with at least two of each attending, as "
               "the programme recommends.")
    ooo = dv.out_of_order.iloc[0]
    st.metric("Took another module before Workplace Cooperation (enterprises)",
              disclosure.FEWER if ooo["suppressed"] else formatting.count(ooo["out_of_order"]),
              help="Workplace Cooperation (SCORE Basics) comes first. Counted among the "
                   f"{int(ooo['with_modules']):,} enterprises with module records; a count, never names.")

    st.subheader("Results by implementation partner and by trainer")
    indicators = sorted(set(dv.results_by_partner["indicator"]) - {"production"}, key=_label)
    if not indicators:
        st.info("No enterprise has both a baseline and a follow-up for this selection yet.")
        return
    pick = st.selectbox("Indicator", indicators, format_func=_label, key="dl_indicator",
                        index=indicators.index("energy") if "energy" in indicators else 0)
    left, right = st.columns(2)
    for where, table, by, key in ((left, dv.results_by_partner, "partner", "partner_results"),
                                  (right, dv.results_by_trainer, "trainer", "trainer_results")):
        title = f"{_label(pick)}: change by {'implementation partner' if by == 'partner' else 'trainer'}"
        shared.chart(charts.breakdown_chart(table, by, pick, reference, title), f"{key}_chart", where)
    for table, by, key in ((dv.results_by_partner, "partner", "partner_results"),
                           (dv.results_by_trainer, "trainer", "trainer_results")):
        # the page's width: in half of it a partner's long name pushed the figures out of sight
        sub = table[table["indicator"] == pick]
        st.dataframe(formatting.cells(sub.assign(indicator=sub["indicator"].map(_label)),
                                      {by: "implementation partner" if by == "partner" else by, **RESULT_COLUMNS},
                                      RESULT_FORMATS, hidden=disclosure.FEWER), hide_index=True, key=key)
    st.caption("The change figures of the Results tab, per partner and per trainer (the enterprises they support; an "
               "enterprise with two trainers counts for each).")



def _targets(user, filters: overview.Filters) -> None:
    """The share of enterprises on track for their targets, per indicator (tracker.published, suppressed and
    guarded like every cell)."""
    shares = published.target_shares(shared.engine(), user, filters)
    st.subheader("Targets: enterprises on track")
    if shares.empty:
        st.caption("No enterprise of this selection has a target and a follow-up yet (targets are set on the "
                   "Profile page).")
        return
    table = formatting.cells(shares.assign(indicator=shares["indicator"].map(_label)),
                             {"indicator": "indicator", "enterprises": "enterprises with a target and a follow-up",
                              "share": "on track"}, {"share": lambda v: formatting.percent(v, signed=False)},
                             hidden=disclosure.FEWER)
    st.dataframe(table, hide_index=True, key="targets_share_table")
    hidden = shares.attrs.get("hidden_as_too_close", 0)
    st.caption(labels.ON_TRACK_NOTE + (f" {hidden} share(s) hidden: each differs from one shown before by only one "
                                       "or two enterprises." if hidden else ""))


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    try:
        with st.spinner("Reading the programme summary"):
            options = published.filter_options(shared.engine(), user)
    except errors.AccessDenied as exc:
        st.error(f"{shared.plain(exc)} Programme figures are for officers and admins; ask an administrator for access.")
        st.stop()

    st.title("Programme overview")
    with st.sidebar:
        st.subheader("Filters")
        chosen = {f: tuple(st.multiselect(label, options[f], key=f"flt_{f}", placeholder="all",
                                          format_func=country_label if f == "country" else str))
                  for f, label in FILTERS}
    filters = overview.Filters(**chosen)
    # aggregates only; what was shown before (to anyone, in any process) decides what is hidden now
    with st.spinner("Aggregating"):
        ov = published.programme_overview(shared.engine(), user, filters)
    st.caption(f"Showing {shared.plain(filters.describe())}. Any figure built from fewer than {disclosure.MIN_CELL} "
               f"enterprises is shown as “{disclosure.FEWER}”, here and in the exports.")
    if ov.hidden_as_too_close:
        st.info(f"{ov.hidden_as_too_close} figure(s) read “{disclosure.FEWER}” although they are built from more "
                f"enterprises: they differ from figures shown before (to you or another officer) by only one or "
                "two enterprises, and the difference would give those enterprises' own figures away. Change the "
                "filters by more than that to see them.", icon=":material/lock:")

    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Enterprises", f"{ov.enterprises:,}")
    c2.metric("With figures", f"{ov.enterprises_with_data:,}")
    c3.metric("Countries", ov.countries)
    c4.metric("Sectors", ov.sectors)

    results, delivery, participants, quality, export = st.tabs(["Results", "Delivery", "Participants",
                                                                "Data quality", "Export"])

    with results:
        if ov.summary.empty:
            st.info("No enterprise has both a baseline and a follow-up for this selection yet. Widen the filters, "
                    "or see the Data quality tab for enterprises waiting for a follow-up.")
        else:
            st.subheader("Headline: change from baseline to latest follow-up")
            st.caption(labels.comparable_text(ov.comparable))
            heads = ov.summary[ov.summary["indicator"].isin(overview.HEADLINE)]
            for col, r in zip(st.columns(max(len(heads), 1)), heads.itertuples(), strict=False):
                with col.container(border=True):
                    st.markdown(f"**{_label(r.indicator)}** · {r.enterprises:,} enterprises with baseline and "
                                "follow-up")
                    if r.suppressed:
                        st.markdown(f"mean, median, pooled: {disclosure.FEWER} enterprises")
                    else:
                        st.metric(f"{_label(r.indicator)}: mean change", formatting.percent(r.mean_change),
                                  help=MEANINGS["mean"])
                        st.markdown(f"median **{formatting.percent(r.median_change)}** · "
                                    f"pooled **{formatting.percent(r.pooled_change)}**")
                    per = ov.summary[ov.summary["indicator"].eq(NORMALISED.get(r.indicator, ""))]
                    for n in per.itertuples():
                        figure = disclosure.FEWER if n.suppressed else formatting.percent(n.mean_change)
                        st.markdown(f"per unit of production: mean **{figure}** · {n.enterprises:,} enterprises",
                                    help=labels.FIGURE_MEANINGS["normalised"])
                    st.caption(f"programme's reported average: {formatting.percent(r.reported_mean_change, 0)}")
            table = formatting.cells(ov.summary.assign(indicator=ov.summary["indicator"].map(_label)),
                           {"indicator": "indicator", "enterprises": "enterprises", "mean_change": "mean",
                            "median_change": "median", "pooled_change": "pooled", "mean_points": "yield, points",
                            "reported_mean_change": "reported"},
                           {"mean_change": formatting.percent, "median_change": formatting.percent,
                            "pooled_change": formatting.percent, "mean_points": formatting.points,
                            "reported_mean_change": formatting.percent},
                           hidden=disclosure.FEWER, keep=("reported_mean_change",))
            st.dataframe(table, hide_index=True, key="summary_table")
            st.caption("enterprises: those with both a baseline and a follow-up, the baseline other than 0 (a baseline "
                       "of 0 has no relative change; Data quality lists it), each counted once. " + " ".join(
                f"{k}: {v}." for k, v in MEANINGS.items()) + " reported: the programme's published average. Extensive "
                "figures are compared as per-day rates of the baseline periods and the latest follow-up; yield in "
                "percentage points. Pooled is blank where units differ (production) or for yield.")
            for key, spread in zip(("distribution_chart", "distribution_chart_per_unit"),
                                   charts.overview_distribution_charts(ov.distribution, ov.reference), strict=False):
                shared.chart(spread, key)

            indicators = [i for i in ov.summary["indicator"] if i not in ("production",)]
            pick = st.selectbox("Indicator for the breakdowns", indicators, format_func=_label, key="ov_indicator")
            left, right = st.columns(2)
            shared.chart(charts.breakdown_chart(ov.by_country, "country", pick, ov.reference,
                                                f"{_label(pick)}: change by country"), "country_chart", left)
            shared.chart(charts.breakdown_chart(ov.by_sector, "sector", pick, ov.reference,
                                                f"{_label(pick)}: change by sector"), "sector_chart", right)
            shared.chart(charts.over_time_chart(ov.over_time, pick, ov.reference), "time_chart")

            st.subheader("Energy and emissions avoided")
            measured = ov.impacts[ov.impacts["figure"].ne(avoided.REGRESSION_FIGURE)]
            for i, r in enumerate(measured.itertuples()):
                if i % 2 == 0:  # a row of two at a time: a phone stacks them in the order of the figures
                    e1, e2 = st.columns(2)
                value = disclosure.FEWER if r.suppressed else formatting.amount(r.avoided, r.unit)
                (e1, e2)[i % 2].metric(f"{r.figure.capitalize()} ({r.enterprises:,} enterprises)", value,
                                       help=labels.FIGURE_MEANINGS["adjusted" if "adjusted" in r.figure else "avoided"])
            for r in ov.impacts[ov.impacts["figure"].eq(avoided.REGRESSION_FIGURE)].itertuples():
                if not r.enterprises:  # nothing hidden: there is nothing to show
                    st.caption(labels.NO_REGRESSION)
                    continue
                st.metric(f"{r.figure.capitalize()} ({r.enterprises:,} enterprises with a valid regression baseline)",
                          disclosure.FEWER if r.suppressed else formatting.amount_with_uncertainty(
                              r.avoided, r.uncertainty, r.unit), help=labels.FIGURE_MEANINGS["regression"])
            for adjusted, table, key in ((False, ov.impacts_by_country, ""),
                                         (True, ov.impacts_by_country_adjusted, "_adjusted")):
                e1, e2 = st.columns(2)
                shared.chart(charts.impact_chart(table, "energy", adjusted=adjusted), f"impact_chart{key}", e1)
                shared.chart(charts.impact_chart(table, "emissions", adjusted=adjusted), f"emissions_chart{key}", e2)
            st.caption("Annualised: each enterprise's baseline per-day rate minus its latest follow-up per-day rate, "
                       "times 365, summed. Emissions (GHG Protocol): scope 1 is fuels burnt on site, CO2 (IPCC 2006 "
                       "Vol. 2 Table 1.4) plus CH4 and N2O (Table 2.3) in CO2e with the "
                       f"{overview.GWP_LABEL} GWPs; scope 2 is grid electricity, location based (the country's grid "
                       f"factor); total = scope 1 + scope 2 (factor set {overview.FACTOR_SET}). Biogenic CO2 (wood, "
                       "biogas) is not counted (the CH4 and N2O of their burning are); enterprises with a carrier or "
                       "country without a factor are left out of the emissions.")

        _targets(user, filters)

    with delivery:
        _delivery(user, filters, ov.reference)

    with participants:
        st.caption("Who takes part: no enterprise's figures are shown here; those are for its manager, its trainers "
                   "and admins.")
        total = ov.participants.attrs.get("total", len(ov.participants))
        if total > len(ov.participants):
            st.caption(f"Showing the first {len(ov.participants):,} of {total:,} (by name); narrow the filters to "
                       "see others.")
        st.dataframe(labels.people_table(ov.participants), hide_index=True, key="participants_table")

    with quality:
        counts = ov.quality.attrs.get("counts", {})
        if not counts:
            st.success("No data-quality issue for this selection.")
        else:
            st.markdown("\n".join(f"- **{n:,}** × {issue}" for issue, n in counts.items()))
            total = ov.quality.attrs.get("total", len(ov.quality))
            if total > len(ov.quality):
                st.caption(f"Listing the first {len(ov.quality):,} of {total:,}; narrow the filters to see others.")
            st.dataframe(labels.people_table(ov.quality), hide_index=True, key="quality_table")
            st.caption("Follow up with these enterprises (their trainers can correct figures on the Enter figures "
                       "page).")

    with export:
        st.write("The aggregate tables above with the filters applied: change per indicator, by country, by sector, "
                 "over time, the distribution's quantiles, energy and emissions avoided. Cells from fewer than 3 "
                 "enterprises read “fewer than 3”.")
        d1, d2 = st.columns(2)
        # the files are made when a button is pressed, not on every filter change
        d1.download_button("Download CSV", shared.in_language(lambda: tio.overview_csv(ov)), "programme_overview.csv",
                           "text/csv",
                           key="export_csv")
        d2.download_button("Download Excel", shared.in_language(lambda: tio.overview_excel(ov)),
                           "programme_overview.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="export_xlsx")
        st.write("The disclosures buyers and banks ask for (EFRAG VSME basic module, GRI 302, 303, 305, 306) over "
                 "this selection: each enterprise's figure a year, summed, with the enterprises behind each; hidden "
                 "like every cell.")
        st.download_button("Disclosures: VSME and GRI, aggregated (Excel)", shared.in_language(
            lambda: disclosures.programme_workbook(published.programme_disclosures(shared.engine(), user, filters),
                                                   filters.describe())),
            "programme_disclosures.xlsx", disclosures.XLSX, key="export_disclosures", on_click="ignore")


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
