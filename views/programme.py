"""Programme overview for officers: honest aggregates across enterprises."""
import streamlit as st

from views import shared
from tracker import charts, services

user = shared.current_user()
try:
    overview = services.programme_overview(shared.engine(), user)
except services.AccessDenied as exc:
    st.error(str(exc))
    st.stop()

st.title("Programme overview")
c1, c2, c3, c4 = st.columns(4)
c1.metric("Enterprises", overview.enterprises)
c2.metric("With figures", overview.enterprises_with_data)
c3.metric("Countries", overview.countries)
c4.metric("Sectors", overview.sectors)

if overview.summary.empty:
    st.info("No figures yet. Enterprises' baselines and follow-ups will show here.")
    st.stop()

st.plotly_chart(charts.distribution_chart(overview.distribution, overview.reference), key="distribution_chart")

st.subheader("Change per indicator")
s = overview.summary.merge(overview.reference[["indicator", "reported_mean_change"]], on="indicator", how="left")
table = s.assign(
    indicator=s["indicator"].map(lambda i: charts.INDICATOR_LABELS.get(i, i)),
    mean=s["mean_change"].map(shared.pct), median=s["median_change"].map(shared.pct),
    pooled=s["pooled_change"].map(shared.pct) if "pooled_change" in s else "",
    reported=s["reported_mean_change"].map(shared.pct),
)[["indicator", "enterprises", "mean", "median", "pooled", "reported"]]
table.loc[s["suppressed"].values, ["mean", "median", "pooled"]] = "fewer than 3"
st.dataframe(table, hide_index=True, key="summary_table")
st.caption("mean: the average of each enterprise's relative change (unweighted, as the programme reports). "
           "median: the middle enterprise. pooled: the change of all enterprises' totals together (weighted by "
           "size). reported: the programme's published average. Extensive figures are compared as per-day rates "
           "of the baseline periods and the latest follow-up.")
