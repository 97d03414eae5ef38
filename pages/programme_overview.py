"""Programme overview for officers: honest aggregates across enterprises, never one enterprise's figures."""
import streamlit as st

from metrics import formatting, labels
from metrics.i18n import N_, _, ngettext, pgettext
from metrics.normalise import NORMALISED
from tracker import avoided, charts, delivery_charts, disclosure, disclosures, errors, overview, published
from tracker import io as tio
from tracker.countries import country_label
from tracker.delivery import label as group_label
from ui import shared

MEANINGS = {
    "mean": N_("the average of each enterprise's own change: every enterprise counts once (what the programme "
               "reports)"),
    "median": N_("the middle enterprise: half changed more, half less"),
    "pooled": N_("the change of all enterprises' totals together: larger enterprises weigh more"),
}
FILTERS = [("country", N_("Country")), ("sector", N_("Sector")), ("cluster", N_("Cluster")),
           ("partner", N_("Implementation partner")), ("module", N_("Module")), ("cohort", N_("Cohort")),
           ("trainer", N_("Trainer"))]


def _label(indicator: str) -> str:
    return labels.indicator_label(indicator)


COUNT_COLUMNS = {"enterprises": N_("enterprises"), "with_modules": N_("with module records"),
                 "modules": N_("module records"), "module_kinds": N_("modules (kinds)")}
RESULT_COLUMNS = {"indicator": N_("indicator"), "enterprises": N_("enterprises"), "mean_change": N_("mean"),
                  "median_change": N_("median"), "pooled_change": N_("pooled"), "mean_points": N_("yield, points")}


def _words(columns: dict) -> dict:
    """A {column: header} dict with the headers in the reader's language."""
    return {column: _(header) for column, header in columns.items()}


def _sentence(text: str) -> str:
    """``text`` with a capital first letter."""
    return text[:1].upper() + text[1:]
RESULT_FORMATS = {"mean_change": formatting.percent, "median_change": formatting.percent,
                  "pooled_change": formatting.percent, "mean_points": formatting.points}


#: the pipeline's columns besides the steps of a trainer's path (metrics.labels.trainer_status_label)
PIPELINE_COLUMNS = {"country": N_("country"), "provider": N_("training provider"), "trainers": N_("trainers")}
TRAINER_COLUMNS = {"trainer": N_("trainer"), "enterprises": N_("enterprises supported"),
                   "with_modules": N_("delivered to"), "modules": N_("module records"),
                   "module_kinds": N_("modules (kinds)")}


def _delivery(user, filters: overview.Filters, reference) -> None:
    """The Delivery tab: the chain from trainers to results, aggregates only (tracker.published)."""
    with st.spinner(_("Aggregating the delivery figures")):
        dv = published.delivery_overview(shared.engine(), user, filters)
    if dv.hidden_as_too_close:
        st.info(ngettext("On this tab, {n} more figure is hidden as “{fewer}”: it differs from a figure shown "
                         "before by only one or two enterprises.",
                         "On this tab, {n} more figures are hidden as “{fewer}”: each differs from a figure shown "
                         "before by only one or two enterprises.", dv.hidden_as_too_close).format(
            n=dv.hidden_as_too_close, fewer=shared.fewer()), icon=":material/lock:")
    st.subheader(_("Trainers along their path"))
    st.caption(_("Training of Trainers → candidate → recommended by an Expert Trainer → certified; per country and "
                 "training provider, as recorded on the Trainers page. Every trainer account.")
               if filters == overview.Filters() else
               _("Training of Trainers → candidate → recommended by an Expert Trainer → certified; per country and "
                 "training provider, as recorded on the Trainers page. The trainers who support, or delivered a "
                 "module to, an enterprise of this selection."))
    shared.chart(delivery_charts.pipeline_chart(dv.pipeline), "pipeline_chart")
    shared.dataframe(dv.pipeline.assign(country=dv.pipeline["country"].map(country_label),
                                    provider=dv.pipeline["provider"].map(group_label)).rename(
        columns=lambda c: _(PIPELINE_COLUMNS[c]) if c in PIPELINE_COLUMNS else labels.trainer_status_label(c)),
        hide_index=True, key="pipeline_table")

    st.subheader(_("Enterprises and modules"))
    st.caption(_("Per implementation partner: its enterprises, those with module records, the records and kinds."))
    shared.dataframe(dv.by_partner.assign(partner=dv.by_partner["partner"].map(group_label)).rename(
        columns=_words({"partner": N_("implementation partner"), **COUNT_COLUMNS})), hide_index=True,
        key="partner_counts")
    st.caption(_("Per trainer: the enterprises they support, those they delivered a module to, the records naming "
                 "them and kinds."))
    shared.dataframe(dv.by_trainer.assign(trainer=dv.by_trainer["trainer"].map(group_label)).rename(
        columns=_words(TRAINER_COLUMNS)), hide_index=True, key="trainer_counts")

    st.subheader(_("Attendance per module"))
    whole = {c: formatting.count for c in ("managers_female", "managers_male", "workers_female", "workers_male",
                                           "attendees")}
    attendance = dv.attendance.assign(module=dv.attendance["module"].map(labels.module_label))
    shared.dataframe(formatting.cells(attendance, _words({
        "module": N_("module"), "enterprises": N_("enterprises"), "records": N_("records"),
        "managers_female": N_("managers (women)"), "managers_male": N_("managers (men)"),
        "workers_female": N_("workers (women)"), "workers_male": N_("workers (men)"), "attendees": N_("attendees"),
        "women_share": N_("women's share"), "two_and_two_share": N_("two managers and two workers")}),
        {**whole, "women_share": lambda v: formatting.percent(v, signed=False),
         "two_and_two_share": lambda v: formatting.percent(v, signed=False)}, hidden=shared.fewer()),
        hide_index=True, key="attendance_table")
    st.caption(_("two managers and two workers: the share of module records with at least two of each attending, "
                 "as the programme recommends."))
    ooo = dv.out_of_order.iloc[0]
    st.metric(_("Took another module before Workplace Cooperation (enterprises)"),
              shared.fewer() if ooo["suppressed"] else formatting.count(ooo["out_of_order"]),
              help=ngettext("Workplace Cooperation (SCORE Basics) comes first. Counted among the {n} enterprises with "
                            "module records; a count, never names.",
                            "Workplace Cooperation (SCORE Basics) comes first. Counted among the {n} enterprises with "
                            "module records; a count, never names.", int(ooo["with_modules"])).format(
                  n=f"{int(ooo['with_modules']):,}"))

    st.subheader(_("Results by implementation partner and by trainer"))
    indicators = sorted(set(dv.results_by_partner["indicator"]) - {"production"}, key=_label)
    if not indicators:
        st.info(_("No enterprise has both a baseline and a follow-up for this selection yet."))
        return
    pick = st.selectbox(_("Indicator"), indicators, format_func=_label, key="dl_indicator",
                        index=indicators.index("energy") if "energy" in indicators else 0)
    left, right = st.columns(2)
    for where, table, by, key in ((left, dv.results_by_partner, "partner", "partner_results"),
                                  (right, dv.results_by_trainer, "trainer", "trainer_results")):
        title = (_("{indicator}: change by implementation partner") if by == "partner" else
                 _("{indicator}: change by trainer")).format(indicator=_label(pick))
        shared.chart(charts.breakdown_chart(table, by, pick, reference, title), f"{key}_chart", where)
    for table, by, key in ((dv.results_by_partner, "partner", "partner_results"),
                           (dv.results_by_trainer, "trainer", "trainer_results")):
        # the page's width: in half of it a partner's long name pushed the figures out of sight
        sub = table[table["indicator"] == pick]
        sub = sub.assign(indicator=sub["indicator"].map(_label), **{by: sub[by].map(group_label)})
        shared.dataframe(formatting.cells(sub,
                                      _words({by: N_("implementation partner") if by == "partner" else N_("trainer"),
                                              **RESULT_COLUMNS}),
                                      RESULT_FORMATS, hidden=shared.fewer()), hide_index=True, key=key)
    st.caption(_("The change figures of the Results tab, per partner and per trainer (the enterprises they support; "
                 "an enterprise with two trainers counts for each)."))



def _targets(user, filters: overview.Filters) -> None:
    """The share of enterprises on track for their targets, per indicator (tracker.published, suppressed and
    guarded like every cell)."""
    shares = published.target_shares(shared.engine(), user, filters)
    st.subheader(_("Targets: enterprises on track"))
    if shares.empty:
        st.caption(_("No enterprise of this selection has a target and a follow-up yet (targets are set on the "
                     "Profile page)."))
        return
    table = formatting.cells(shares.assign(indicator=shares["indicator"].map(_label)),
                             {"indicator": _("indicator"),
                              "enterprises": _("enterprises with a target and a follow-up"),
                              "share": _("on track")}, {"share": lambda v: formatting.percent(v, signed=False)},
                             hidden=shared.fewer())
    shared.dataframe(table, hide_index=True, key="targets_share_table")
    hidden = shares.attrs.get("hidden_as_too_close", 0)
    st.caption(ngettext("{note} {n} share hidden: it differs from one shown before by only one or two enterprises.",
                        "{note} {n} shares hidden: each differs from one shown before by only one or two "
                        "enterprises.", hidden).format(note=_(labels.ON_TRACK_NOTE), n=hidden)
               if hidden else _(labels.ON_TRACK_NOTE))


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    try:
        with st.spinner(_("Reading the programme summary")):
            options = published.filter_options(shared.engine(), user)
    except errors.AccessDenied as exc:
        st.error(_("{error} Programme figures are for officers and admins; ask an administrator for access.").format(
            error=shared.plain(exc)))
        st.stop()

    st.title(_("Programme overview"))
    with st.sidebar:
        st.subheader(_("Filters"))
        chosen = {f: tuple(st.multiselect(_(label), options[f], key=f"flt_{f}", placeholder=_("all"),
                                          format_func=country_label if f == "country" else
                                          labels.module_label if f == "module" else str))
                  for f, label in FILTERS}
    filters = overview.Filters(**chosen)
    # aggregates only; what was shown before (to anyone, in any process) decides what is hidden now
    with st.spinner(_("Aggregating")):
        ov = published.programme_overview(shared.engine(), user, filters)
    st.caption(ngettext("Showing {selection}. Any figure built from fewer than {n} enterprises is shown as "
                        "“{fewer}”, here and in the exports.",
                        "Showing {selection}. Any figure built from fewer than {n} enterprises is shown as "
                        "“{fewer}”, here and in the exports.", disclosure.MIN_CELL).format(
        selection=shared.plain(filters.describe()), n=disclosure.MIN_CELL, fewer=shared.fewer()))
    if ov.hidden_as_too_close:
        st.info(ngettext("{n} figure reads “{fewer}” although it is built from more enterprises: it differs from "
                         "figures shown before (to you or another officer) by only one or two enterprises, and the "
                         "difference would give those enterprises' own figures away. Change the filters by more "
                         "than that to see it.",
                         "{n} figures read “{fewer}” although they are built from more enterprises: they differ "
                         "from figures shown before (to you or another officer) by only one or two enterprises, and "
                         "the difference would give those enterprises' own figures away. Change the filters by more "
                         "than that to see them.", ov.hidden_as_too_close).format(
            n=ov.hidden_as_too_close, fewer=shared.fewer()), icon=":material/lock:")

    c1, c2, c3, c4 = st.columns(4)
    c1.metric(_("Enterprises"), f"{ov.enterprises:,}")
    c2.metric(_("With figures"), f"{ov.enterprises_with_data:,}")
    c3.metric(_("Countries"), ov.countries)
    c4.metric(_("Sectors"), ov.sectors)

    results, delivery, participants, quality, export = st.tabs([_("Results"), _("Delivery"), _("Participants"),
                                                                _("Data quality"), _("Export")])

    with results:
        if ov.summary.empty:
            st.info(_("No enterprise has both a baseline and a follow-up for this selection yet. Widen the filters, "
                      "or see the Data quality tab for enterprises waiting for a follow-up."))
        else:
            st.subheader(_("Headline: change from baseline to latest follow-up"))
            st.caption(labels.comparable_text(ov.comparable))
            heads = ov.summary[ov.summary["indicator"].isin(overview.HEADLINE)]
            for col, r in zip(st.columns(max(len(heads), 1)), heads.itertuples(), strict=False):
                with col.container(border=True):
                    st.markdown(ngettext("**{indicator}** · {n} enterprises with baseline and follow-up",
                                         "**{indicator}** · {n} enterprises with baseline and follow-up",
                                         r.enterprises).format(indicator=_label(r.indicator), n=f"{r.enterprises:,}"))
                    if r.suppressed:
                        st.markdown(_("mean, median, pooled: {fewer} enterprises").format(fewer=shared.fewer()))
                    else:
                        st.metric(_("{indicator}: mean change").format(indicator=_label(r.indicator)),
                                  formatting.percent(r.mean_change), help=_(MEANINGS["mean"]))
                        st.markdown(_("median **{median}** · pooled **{pooled}**").format(
                            median=formatting.percent(r.median_change), pooled=formatting.percent(r.pooled_change)))
                    per = ov.summary[ov.summary["indicator"].eq(NORMALISED.get(r.indicator, ""))]
                    for n in per.itertuples():
                        figure = shared.fewer() if n.suppressed else formatting.percent(n.mean_change)
                        st.markdown(ngettext("per unit of production: mean **{figure}** · {n} enterprises",
                                             "per unit of production: mean **{figure}** · {n} enterprises",
                                             n.enterprises).format(figure=figure, n=f"{n.enterprises:,}"),
                                    help=labels.figure_meaning("normalised"))
                    st.caption(_("programme's reported average: {average}").format(
                        average=formatting.percent(r.reported_mean_change, 0)))
            table = formatting.cells(ov.summary.assign(indicator=ov.summary["indicator"].map(_label)),
                           _words({**RESULT_COLUMNS, "reported_mean_change": N_("reported")}),
                           {"mean_change": formatting.percent, "median_change": formatting.percent,
                            "pooled_change": formatting.percent, "mean_points": formatting.points,
                            "reported_mean_change": formatting.percent},
                           hidden=shared.fewer(), keep=("reported_mean_change",))
            shared.dataframe(table, hide_index=True, key="summary_table")
            st.caption(_("enterprises: those with both a baseline and a follow-up, the baseline other than 0 (a "
                         "baseline of 0 has no relative change; Data quality lists it), each counted once. mean: "
                         "{mean}. median: {median}. pooled: {pooled}. reported: the programme's published average. "
                         "Extensive figures are compared as per-day rates of the baseline periods and the latest "
                         "follow-up; yield in percentage points. Pooled is blank where units differ (production) or "
                         "for yield.").format(**_words(MEANINGS)))
            for key, spread in zip(("distribution_chart", "distribution_chart_per_unit"),
                                   charts.overview_distribution_charts(ov.distribution, ov.reference), strict=False):
                shared.chart(spread, key)

            indicators = [i for i in ov.summary["indicator"] if i not in ("production",)]
            pick = st.selectbox(_("Indicator for the breakdowns"), indicators, format_func=_label,
                                key="ov_indicator")
            left, right = st.columns(2)
            shared.chart(charts.breakdown_chart(ov.by_country, "country", pick, ov.reference,
                                                _("{indicator}: change by country").format(indicator=_label(pick))),
                         "country_chart", left)
            shared.chart(charts.breakdown_chart(ov.by_sector, "sector", pick, ov.reference,
                                                _("{indicator}: change by sector").format(indicator=_label(pick))),
                         "sector_chart", right)
            shared.chart(charts.over_time_chart(ov.over_time, pick, ov.reference), "time_chart")

            st.subheader(_("Energy and emissions avoided"))
            measured = ov.impacts[ov.impacts["figure"].ne(avoided.REGRESSION_FIGURE)]
            for i, r in enumerate(measured.itertuples()):
                if i % 2 == 0:  # a row of two at a time: a phone stacks them in the order of the figures
                    e1, e2 = st.columns(2)
                value = shared.fewer() if r.suppressed else formatting.amount(r.avoided, r.unit)
                (e1, e2)[i % 2].metric(
                    ngettext("{figure} ({n} enterprise)", "{figure} ({n} enterprises)", r.enterprises).format(
                        figure=_sentence(avoided.figure_label(r.figure)), n=f"{r.enterprises:,}"), value,
                    help=labels.figure_meaning("adjusted" if "adjusted" in r.figure else "avoided"))
            for r in ov.impacts[ov.impacts["figure"].eq(avoided.REGRESSION_FIGURE)].itertuples():
                if not r.enterprises:  # nothing hidden: there is nothing to show
                    st.caption(_(labels.NO_REGRESSION))
                    continue
                st.metric(ngettext("{figure} ({n} enterprise with a valid regression baseline)",
                                   "{figure} ({n} enterprises with a valid regression baseline)", r.enterprises).format(
                              figure=_sentence(avoided.figure_label(r.figure)), n=f"{r.enterprises:,}"),
                          shared.fewer() if r.suppressed else formatting.amount_with_uncertainty(
                              r.avoided, r.uncertainty, r.unit), help=labels.figure_meaning("regression"))
            for adjusted, table, key in ((False, ov.impacts_by_country, ""),
                                         (True, ov.impacts_by_country_adjusted, "_adjusted")):
                e1, e2 = st.columns(2)
                shared.chart(charts.impact_chart(table, "energy", adjusted=adjusted), f"impact_chart{key}", e1)
                shared.chart(charts.impact_chart(table, "emissions", adjusted=adjusted), f"emissions_chart{key}", e2)
            st.caption(_("Annualised: each enterprise's baseline per-day rate minus its latest follow-up per-day "
                         "rate, times 365, summed. Emissions (GHG Protocol): scope 1 is fuels burnt on site, CO2 (IPCC "
                         "2006 Vol. 2 Table 1.4) plus CH4 and N2O (Table 2.3) in CO2e with the {gwp} GWPs; scope 2 is "
                         "grid electricity, location based (the country's grid factor); total = scope 1 + scope 2 "
                         "(factor set {factor_set}). Biogenic CO2 (wood, biogas) is not counted (the CH4 and N2O of "
                         "their burning are); enterprises with a carrier or country without a factor are left out of "
                         "the emissions.").format(gwp=overview.GWP_LABEL, factor_set=overview.FACTOR_SET))

        _targets(user, filters)

    with delivery:
        _delivery(user, filters, ov.reference)

    with participants:
        st.caption(_("Who takes part: no enterprise's figures are shown here; those are for its manager, its "
                     "trainers and admins."))
        total = ov.participants.attrs.get("total", len(ov.participants))
        if total > len(ov.participants):
            st.caption(_("Showing the first {shown} of {total} (by name); narrow the filters to see others.").format(
                shown=f"{len(ov.participants):,}", total=f"{total:,}"))
        shared.dataframe(labels.people_table(ov.participants), hide_index=True, key="participants_table")

    with quality:
        counts = ov.quality.attrs.get("counts", {})
        if not counts:
            st.success(_("No data-quality issue for this selection."))
        else:
            st.markdown("\n".join(f"- **{n:,}** × {issue}" for issue, n in counts.items()))
            total = ov.quality.attrs.get("total", len(ov.quality))
            if total > len(ov.quality):
                st.caption(_("Listing the first {shown} of {total}; narrow the filters to see others.").format(
                    shown=f"{len(ov.quality):,}", total=f"{total:,}"))
            shared.dataframe(labels.people_table(ov.quality), hide_index=True, key="quality_table")
            st.caption(_("Follow up with these enterprises (their trainers can correct figures on the Enter figures "
                         "page)."))

    with export:
        st.write(ngettext("The aggregate tables above with the filters applied: change per indicator, by country, by "
                          "sector, over time, the distribution's quantiles, energy and emissions avoided. Cells from "
                          "fewer than {n} enterprises read “{fewer}”.",
                          "The aggregate tables above with the filters applied: change per indicator, by country, by "
                          "sector, over time, the distribution's quantiles, energy and emissions avoided. Cells from "
                          "fewer than {n} enterprises read “{fewer}”.", disclosure.MIN_CELL).format(
            n=disclosure.MIN_CELL, fewer=shared.fewer()))
        d1, d2 = st.columns(2)
        # the files are made when a button is pressed, not on every filter change
        d1.download_button(_("Download CSV"), shared.in_language(lambda: tio.overview_csv(ov)),
                           pgettext("file name", "programme_overview.csv"), "text/csv", key="export_csv")
        d2.download_button(_("Download Excel"), shared.in_language(lambda: tio.overview_excel(ov)),
                           pgettext("file name", "programme_overview.xlsx"),
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="export_xlsx")
        st.write(_("The disclosures buyers and banks ask for (EFRAG VSME basic module, GRI 302, 303, 305, 306) over "
                   "this selection: each enterprise's figure a year, summed, with the enterprises behind each; hidden "
                   "like every cell."))
        st.download_button(_("Disclosures: VSME and GRI, aggregated (Excel)"), shared.in_language(
            lambda: disclosures.programme_workbook(published.programme_disclosures(shared.engine(), user, filters),
                                                   filters.describe())),
            pgettext("file name", "programme_disclosures.xlsx"), disclosures.XLSX, key="export_disclosures",
            on_click="ignore")


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
