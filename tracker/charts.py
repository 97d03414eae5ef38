"""Plotly figures, built from service results (no Streamlit here, so reports can reuse them)."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from metrics import labels

GREEN = "#2e7d32"
ORANGE = "#ef6c00"
GREY = "#757575"

INDICATOR_LABELS = labels.INDICATOR_LABELS  # one home for display names: metrics.labels


def _plain(values) -> list[str]:
    """User text made inert for plotly, which reads tags such as <a href> and <b> in labels."""
    return [html.escape(str(v), quote=False) for v in values]


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip(" ,;:-") + "…"


def stage_chart(stages: pd.DataFrame, actions: pd.DataFrame, title: str = "Yield and waste share by stage"
                ) -> go.Figure:
    """Yield (line) and waste share (bars) per period, with the improvement actions marked."""
    fig = go.Figure()
    x = stages["period_end"]
    labels = [f"{s}<br>{pd.Timestamp(a):%b %Y}–{pd.Timestamp(b):%b %Y}"
              for s, a, b in zip(stages["stage"], stages["period_start"], stages["period_end"], strict=True)]
    fig.add_bar(x=x, y=stages["waste_share_pct"], name="Waste share (%)", marker_color=ORANGE, opacity=0.55,
                text=[f"{v:.0f}%" if v == v else "" for v in stages["waste_share_pct"]], textposition="outside",
                hovertext=labels, width=1000 * 3600 * 24 * 40)
    fig.add_scatter(x=x, y=stages["yield_pct"], name="Yield (%)", mode="lines+markers+text",
                    line=dict(color=GREEN, width=3), marker=dict(size=11),
                    text=[f"{v:.0f}%" if v == v else "" for v in stages["yield_pct"]], textposition="top center",
                    hovertext=labels)
    for i, a in enumerate(actions.itertuples()):
        # labels above the 100% line (the axis runs to 118), alternating rows, full text on hover
        fig.add_vline(x=pd.Timestamp(a.action_date).value / 1e6, line_dash="dash", line_color=GREY)
        fig.add_annotation(x=pd.Timestamp(a.action_date), y=1.0 - 0.055 * (i % 2), yref="paper", showarrow=False,
                           text="▲ " + _plain([_short(a.description)])[0], hovertext=_plain([a.description])[0],
                           xanchor="left", yanchor="top", font=dict(size=11, color=GREY))
    fig.update_layout(title=title, yaxis=dict(title="%", range=[0, 118], tickvals=[0, 20, 40, 60, 80, 100]),
                      xaxis=dict(title="end of period"),
                      legend=dict(orientation="h", y=-0.2), margin=dict(t=60, b=40), barmode="overlay")
    fig.update_xaxes(range=period_range(stages))  # the periods with figures, not the years around an action
    return fig


def period_range(stages: pd.DataFrame) -> list[pd.Timestamp]:
    """The stage chart's time axis: from the first period's start to the last period's end, with a
    margin of a twentieth of that span, at least 45 days (a bar, 40 days wide, stands on each
    period's end). An action dated years later does not stretch the axis over years without figures."""
    first, last = pd.Timestamp(stages["period_start"].min()), pd.Timestamp(stages["period_end"].max())
    pad = max((last - first) / 20, pd.Timedelta(days=45))
    return [first - pad, last + pad]


def changes_vs_reference(changes: pd.DataFrame, reference: pd.DataFrame, title: str) -> go.Figure:
    """Relative change per indicator beside the programme's reported averages."""
    fig = go.Figure()
    ext = changes.dropna(subset=["relative_change"])
    ext = ext[ext["indicator"].isin(["energy", "waste", "material_wasted", "material_input", "water"])]
    fig.add_bar(x=[INDICATOR_LABELS.get(i, i) for i in ext["indicator"]], y=ext["relative_change"] * 100,
                name="This enterprise", marker_color=GREEN,
                text=[f"{v * 100:+.0f}%" for v in ext["relative_change"]], textposition="outside")
    fig.add_scatter(x=[INDICATOR_LABELS.get(i, i) for i in reference["indicator"]],
                    y=reference["reported_mean_change"] * 100, mode="markers", name="Programme's reported average",
                    marker=dict(symbol="line-ew-open", size=40, line=dict(width=3, color=GREY)))
    fig.update_layout(title=title, yaxis=dict(title="change, %"), legend=dict(orientation="h", y=-0.2))
    return fig


def distribution_chart(distribution: pd.DataFrame, reference: pd.DataFrame) -> go.Figure:
    """Each enterprise's relative change per indicator (box + points), reference averages marked."""
    fig = go.Figure()
    for indicator, sub in distribution.groupby("indicator", sort=False):
        fig.add_box(y=sub["relative_change"] * 100, name=INDICATOR_LABELS.get(indicator, indicator),
                    boxpoints="all", jitter=0.4, pointpos=0, marker=dict(size=5, color=GREEN),
                    line=dict(color=GREEN), showlegend=False)
    present = set(distribution["indicator"])
    ref = reference[reference["indicator"].isin(present)]
    fig.add_scatter(x=[INDICATOR_LABELS.get(i, i) for i in ref["indicator"]], y=ref["reported_mean_change"] * 100,
                    mode="markers", name="Programme's reported average",
                    marker=dict(symbol="line-ew-open", size=44, line=dict(width=3, color=ORANGE)))
    fig.update_layout(title="Change per enterprise, baseline to latest follow-up (per-day rates)",
                      yaxis=dict(title="change, %"), legend=dict(orientation="h", y=-0.15))
    return fig


def _pct(v, missing: str = "") -> str:
    """A fraction as a signed percentage ('-27.0%'), ``missing`` for None or NaN."""
    return missing if v is None or v != v else f"{v * 100:+.1f}%"


def changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    """The changes per indicator as people read them: labels, % for yield, per-day units,
    relative change in %, percentage points, improved yes/no."""
    pct = _pct
    is_yield = changes["indicator"].eq("yield")
    scale = is_yield.map({True: 100.0, False: 1.0})
    return pd.DataFrame({
        "indicator": changes["indicator"].map(lambda i: INDICATOR_LABELS.get(i, i)),
        "baseline": (changes["baseline"] * scale).map(lambda v: f"{v:,.4g}"),
        "latest follow-up": (changes["followup"] * scale).map(lambda v: f"{v:,.4g}"),
        "absolute change": ((changes["followup"] - changes["baseline"]) * scale).map(lambda v: f"{v:+,.4g}"),
        "unit": changes["unit"].where(~is_yield, "%").map(lambda u: u if u == "%" else f"{u} per day"),
        "relative change": changes["relative_change"].map(pct),
        "percentage points": changes["points"].map(lambda v: "" if v is None or v != v else f"{v:+.1f} pp"),
        "improved": changes["improved"].map({True: "yes", False: "no"}).fillna(""),
    })


def averages_table(reference: pd.DataFrame, database: pd.DataFrame) -> pd.DataFrame:
    """The programme's reported averages beside the database's own mean and median, as people
    read them (percentages; '–' where missing)."""
    def pct(v):
        return _pct(v, missing="–")

    ref = reference.assign(reported=reference["reported_mean_change"].map(pct))
    if not database.empty:
        ref = ref.merge(database[["indicator", "enterprises", "mean_change", "median_change"]], on="indicator",
                        how="left")
        ref["database mean"] = ref["mean_change"].map(pct)
        ref["database median"] = ref["median_change"].map(pct)
        ref["enterprises"] = ref["enterprises"].map(lambda n: "–" if n != n else f"{n:,.0f}")  # a count: 33, not 33.0
    # the indicator as the programme publishes it ("Energy consumption"), not its internal name
    ref["indicator"] = ref["label"] if "label" in ref.columns else ref["indicator"].map(labels.indicator_label)
    return ref.drop(columns=[c for c in ("reported_mean_change", "mean_change", "median_change", "source", "label")
                             if c in ref.columns])


# --- the programme overview: aggregates only; suppressed cells read "fewer than 3" ------------

FEWER = "fewer than 3"
#: the spread (quantiles) of a handful of enterprises gives each one's figure away
FEWER_FOR_SPREAD = "fewer than 10: spread not shown"


def _fewer_marks(fig: go.Figure, x: list, name: str = FEWER, text: str = FEWER) -> None:
    """Text marks where a cell is suppressed (built from fewer than 3 enterprises)."""
    if len(x):
        fig.add_scatter(x=x, y=[0] * len(x), mode="text", text=[text] * len(x), name=name,
                        textfont=dict(color=GREY), hoverinfo="skip", showlegend=False)


def _reference_line(fig: go.Figure, reference: pd.DataFrame, indicator: str) -> None:
    ref = reference[reference["indicator"] == indicator]
    if len(ref):
        v = float(ref["reported_mean_change"].iloc[0]) * 100
        fig.add_hline(y=v, line_dash="dash", line_color=ORANGE,
                      annotation_text=f"programme's reported average {v:+.0f}%", annotation_position="top left")


def overview_distribution_chart(distribution: pd.DataFrame, reference: pd.DataFrame) -> go.Figure:
    """Spread of each enterprise's change per indicator, drawn from quantiles (whiskers 5th-95th
    percentile, box quartiles, line median, dot mean), the programme's reported averages marked.
    No single enterprise's point is sent to the browser."""
    fig = go.Figure()
    shown = distribution[~distribution["suppressed"].astype(bool)]
    for r in shown.itertuples():
        fig.add_box(name=INDICATOR_LABELS.get(r.indicator, r.indicator), q1=[r.q1 * 100], median=[r.median * 100],
                    q3=[r.q3 * 100], lowerfence=[r.p05 * 100], upperfence=[r.p95 * 100], mean=[r.mean * 100],
                    marker=dict(color=GREEN), line=dict(color=GREEN), showlegend=False,
                    hovertext=f"{r.enterprises} enterprises")
    hidden = distribution[distribution["suppressed"].astype(bool)]
    _fewer_marks(fig, [INDICATOR_LABELS.get(i, i) for i in hidden["indicator"]], text=FEWER_FOR_SPREAD)
    present = set(shown["indicator"])
    ref = reference[reference["indicator"].isin(present)]
    fig.add_scatter(x=[INDICATOR_LABELS.get(i, i) for i in ref["indicator"]], y=ref["reported_mean_change"] * 100,
                    mode="markers", name="Programme's reported average",
                    marker=dict(symbol="line-ew-open", size=44, line=dict(width=3, color=ORANGE)))
    fig.update_layout(title="Each enterprise's change, baseline to latest follow-up (per-day rates): "
                            "box = middle half, whiskers = 5th to 95th percentile",
                      yaxis=dict(title="change, %"), legend=dict(orientation="h", y=-0.15))
    return fig


def breakdown_chart(table: pd.DataFrame, by: str, indicator: str, reference: pd.DataFrame, title: str
                    ) -> go.Figure:
    """Mean (bars) and median (markers) change of ``indicator`` per ``by`` group, with the
    programme's reported average as a line; suppressed groups marked "fewer than 3"."""
    sub = table[table["indicator"] == indicator]
    ok = sub[~sub["suppressed"].astype(bool)]
    fig = go.Figure()
    fig.add_bar(x=_plain(ok[by]), y=ok["mean_change"] * 100, name="mean (each enterprise counts once)",
                marker_color=GREEN,
                text=[f"{v * 100:+.0f}%" for v in ok["mean_change"]], textposition="outside",
                customdata=ok["enterprises"], hovertemplate="%{x}: %{y:.1f}% (%{customdata} enterprises)")
    fig.add_scatter(x=_plain(ok[by]), y=ok["median_change"] * 100, mode="markers", name="median",
                    marker=dict(symbol="diamond", size=10, color="black"))
    _fewer_marks(fig, _plain(sub.loc[sub["suppressed"].astype(bool), by]))
    _reference_line(fig, reference, indicator)
    fig.update_layout(title=title, yaxis=dict(title="change, %"), xaxis=dict(type="category"),
                      legend=dict(orientation="h", y=-0.2))
    return fig


def over_time_chart(table: pd.DataFrame, indicator: str, reference: pd.DataFrame) -> go.Figure:
    """Mean and median change of ``indicator`` by quarter of the follow-up period's end."""
    return breakdown_chart(table.sort_values("followup_quarter"), "followup_quarter", indicator, reference,
                           f"{INDICATOR_LABELS.get(indicator, indicator)}: change by quarter of the follow-up's end")


def impact_chart(impacts_by_country: pd.DataFrame) -> go.Figure:
    """Energy (MWh per year) and emissions (t CO2e per year) avoided, by country."""
    t = impacts_by_country
    ok = t[~t["suppressed"].astype(bool)]
    fig = go.Figure()
    fig.add_bar(x=_plain(ok["country"]), y=ok["energy_avoided_mwh_per_year"], name="energy avoided, MWh per year",
                marker_color=GREEN)
    fig.add_bar(x=_plain(ok["country"]), y=ok["emissions_avoided_t_per_year"],
                name="emissions avoided, t CO2e per year",
                marker_color=GREY)
    _fewer_marks(fig, _plain(t.loc[t["suppressed"].astype(bool), "country"]))
    fig.update_layout(title="Energy and emissions avoided per year, by country (baseline rate minus follow-up rate)",
                      barmode="group", xaxis=dict(type="category"), legend=dict(orientation="h", y=-0.2))
    return fig
