"""Plotly figures, built from service results (no Streamlit here, so reports can reuse them).

Charts only lay out figures that tracker services computed with metrics/ (a fraction shown in
per cent is the one conversion done here). Every chart must read on a phone 360 px wide as on a
desktop: titles are wrapped to short lines (plotly never wraps), long group names are rows of a
horizontal bar chart, the number of enterprises behind a bar is written beside it, and a chart
with nothing to draw is one line of text instead.
"""
from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from metrics import formatting, labels
from metrics.i18n import N_, _
from metrics.normalise import NORMALISED_OF, is_normalised
from tracker.chart_style import GREEN, GREY, KEY_CHARS, MARGIN, ORANGE, coloured, line_count, plain, title_layout, wrap
from tracker.countries import country_name
from tracker.disclosure import MIN_CELL, SPREAD_MIN

indicator_label = labels.indicator_label  # one home for display names: metrics.labels, in the run's language

def action_key(actions: pd.DataFrame) -> list[str]:
    """The improvement actions as the stage chart numbers them: '1: Guillotine machine... (15 May 2023)'."""
    return [f"{i}: {a.description} ({formatting.date_words(a.action_date)})"
            for i, a in enumerate(actions.itertuples(), start=1)]


def stage_chart(stages: pd.DataFrame, actions: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Yield (line) and waste share (bars) per period, with the improvement actions marked by number
    (``action_key`` lists them; the whole description is on hover): numbers never run into each other."""
    title = title or _("Yield and waste share by stage")
    fig = go.Figure()
    x = stages["period_end"]
    labels = [f"{s}<br>{formatting.month(a)}–{formatting.month(b)}"
              for s, a, b in zip(stages["stage"], stages["period_start"], stages["period_end"], strict=True)]
    fig.add_bar(x=x, y=stages["waste_share_pct"], name=_("Waste share (%)"), marker_color=ORANGE, opacity=0.55,
                text=[formatting.percent_value(v) for v in stages["waste_share_pct"]], textposition="outside",
                hovertext=labels, width=1000 * 3600 * 24 * 40)
    fig.add_scatter(x=x, y=stages["yield_pct"], name=_("Yield (%)"), mode="lines+markers+text",
                    line=dict(color=GREEN, width=3), marker=dict(size=11),
                    text=[formatting.percent_value(v) for v in stages["yield_pct"]], textposition="top center",
                    hovertext=labels)
    for i, a in enumerate(actions.itertuples(), start=1):
        # numbered above the 100% line (the axis runs to 118), the whole text on hover
        fig.add_vline(x=pd.Timestamp(a.action_date).value / 1e6, line_dash="dash", line_color=GREY)
        fig.add_annotation(x=pd.Timestamp(a.action_date), y=1.0, yref="paper", showarrow=False,
                           text=f"▲ {i}", hovertext=plain([a.description])[0],
                           xanchor="left", yanchor="top", font=dict(size=12, color=GREY))
    key = [_("▲ improvement action (numbered below the chart)")] if len(actions) else []
    fig.update_layout(title=title_layout(title, key), margin=dict(MARGIN, b=40), barmode="overlay",
                      yaxis=dict(title="%", range=[0, 118], tickvals=[0, 20, 40, 60, 80, 100], automargin=True),
                      xaxis=dict(title=_("end of period"), automargin=True),
                      legend=dict(orientation="h", yanchor="top", y=-0.25))
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
    labels = [indicator_label(i) for i in ext["indicator"]]
    fig.add_bar(x=labels, y=(ext["relative_change"] * 100).tolist(), name=_("This enterprise"), marker_color=GREEN,
                text=[formatting.percent(v, 0) for v in ext["relative_change"]], textposition="outside",
                cliponaxis=False)
    fig.add_scatter(x=[indicator_label(i) for i in reference["indicator"]],
                    y=(reference["reported_mean_change"] * 100).tolist(), mode="markers",
                    name=_("Programme's reported average"),
                    marker=dict(symbol="line-ew-open", size=30, color=GREY, line=dict(width=3, color=GREY)))
    ticks = list(dict.fromkeys(labels + [indicator_label(i) for i in reference["indicator"]]))
    key = [_("{mark} this enterprise").format(mark=coloured("■", GREEN)),
           _("{mark} the programme's reported average").format(mark=coloured("▬", GREY))]
    fig.update_layout(title=title_layout(title, key), showlegend=False, margin=MARGIN,
                      yaxis=dict(ticksuffix="%", zeroline=True, automargin=True),
                      xaxis=dict(type="category", tickmode="array", tickvals=ticks, autotickangles=[0, 90],
                                 ticktext=[wrap(t, 10) for t in ticks], automargin=True))
    return fig


def cusum_chart(cusum: pd.DataFrame, title: str | None = None) -> go.Figure:
    """The CUSUM of a regression baseline (metrics.regression): per period, the running sum of actual minus
    modelled energy in kWh; it falls from where savings took hold."""
    title = title or _("CUSUM: cumulative actual minus expected energy")
    fig = go.Figure()
    for phase, colour in (("baseline", GREY), ("follow-up", GREEN)):
        part = cusum[cusum["phase"].eq(phase)]
        fig.add_scatter(x=pd.to_datetime(part["period_end"]).tolist(), y=part["cusum_kwh"].astype(float).tolist(),
                        mode="lines+markers", name=_(_PHASE_WORDS[phase]), line=dict(color=colour),
                        marker=dict(color=colour))
    key = [_("{mark} baseline months (the model's own scatter)").format(mark=coloured("●", GREY)),
           _("{mark} follow-up periods: below 0, less energy than the model expects").format(mark=coloured("●", GREEN))]
    fig.update_layout(title=title_layout(title, key), showlegend=False, margin=MARGIN,
                      yaxis=dict(title="kWh", zeroline=True, automargin=True), xaxis=dict(automargin=True))
    return fig


# --- the programme overview: aggregates only; hidden cells say so --------------------------------
#
# A breakdown names its groups (countries by name) with the number of enterprises behind each
# bar; a group whose figure is hidden keeps its row and says why; a chart with nothing left to
# draw is one line of text instead (the builders then return that text, a ``str``).

#: the phases as the CUSUM chart names its lines
_PHASE_WORDS = {"baseline": N_("baseline"), "follow-up": N_("follow-up")}


def _count(n, hidden: bool, fewest: int = MIN_CELL) -> str:
    """'n = 5', or that the figure is hidden and why: 'n = 2: hidden (fewer than 3)', 'n = 7: hidden'."""
    if not hidden:
        return f"n = {int(n)}"
    if n < fewest:
        return _("n = {n}: hidden ({fewer})").format(n=int(n), fewer=formatting.fewer_than(fewest))
    return _("n = {n}: hidden").format(n=int(n))


def _group_names(values: pd.Series, by: str) -> list[str]:
    """Group names as people read them: countries by name, quarters as '2024 Q1' (not escaped)."""
    if by == "country":
        return [country_name(v) for v in values]
    if by == "followup_quarter":
        return [str(v).replace("Q", " Q") for v in values]
    return [str(v) for v in values]


#: a group's name on its axis: at most this many characters, in lines of NAME_CHARS
NAME_LIMIT, NAME_CHARS = 60, 24


def _tick_name(name: str, width: int = NAME_CHARS) -> str:
    """A group's (unescaped) name as its tick label: shortened past NAME_LIMIT characters with an
    ellipsis (whole on hover), wrapped, a word longer than a line broken, made inert for plotly."""
    short = name if len(name) <= NAME_LIMIT else name[:NAME_LIMIT - 1].rstrip(" ,;:-") + "…"
    return "<br>".join(plain(textwrap.wrap(short, width, break_on_hyphens=False))) or plain([name])[0]


def _row_height(ticks: list[str]) -> int:
    """Pixels per row of a horizontal bar chart: room for its longest tick label."""
    return max(46, 15 * max(t.count("<br>") + 1 for t in ticks) + 14)


def _all_hidden(title: str, sub: pd.DataFrame, by: str) -> str:
    """The one line that stands in for a breakdown whose every cell is hidden."""
    fewer = formatting.fewer_than(MIN_CELL)
    if (sub["enterprises"] < MIN_CELL).all():
        text = _ALL_FEW.get(by, _ALL_FEW["sector"])
    else:
        text = _ALL_HIDDEN.get(by, _ALL_HIDDEN["sector"])
    return _(text).format(title=title, fewer=fewer)


#: a breakdown whose every group has too few enterprises, and whose every figure is hidden, per kind of group
_ALL_FEW = {"country": N_("{title}: not drawn, as every country has {fewer} enterprises with a baseline and a "
                          "follow-up (their figures are hidden)."),
            "sector": N_("{title}: not drawn, as every sector has {fewer} enterprises with a baseline and a "
                         "follow-up (their figures are hidden)."),
            "followup_quarter": N_("{title}: not drawn, as every quarter has {fewer} enterprises with a baseline "
                                   "and a follow-up (their figures are hidden).")}
_ALL_HIDDEN = {"country": N_("{title}: not drawn, as every country's figure is hidden ({fewer} enterprises, or one "
                             "that would give a hidden figure away)."),
               "sector": N_("{title}: not drawn, as every sector's figure is hidden ({fewer} enterprises, or one "
                            "that would give a hidden figure away)."),
               "followup_quarter": N_("{title}: not drawn, as every quarter's figure is hidden ({fewer} enterprises, "
                                      "or one that would give a hidden figure away).")}


def _reference_line(fig: go.Figure, reference: pd.DataFrame, indicator: str, horizontal: bool) -> list[str]:
    """The programme's reported average as a dashed line (named in the chart's key, not written
    over the bars); returns the key's item."""
    ref = reference[reference["indicator"] == indicator]
    if ref.empty:
        return []
    fraction = float(ref["reported_mean_change"].iloc[0])
    v, text = fraction * 100, formatting.percent(fraction, 0)  # drawn in per cent
    words = _("programme's reported average {change}").format(change=text)
    line = dict(line_dash="dash", line_color=ORANGE, line_width=2, name=words)
    (fig.add_vline(x=v, **line) if horizontal else fig.add_hline(y=v, **line))
    return [coloured("- -", ORANGE) + " " + words]


def _rows_height(rows: int, title_lines: int, per_row: int = 46) -> int:
    """Pixels for a chart of ``rows`` bars, its title and key: a row keeps its height on any screen."""
    return 120 + 22 * title_lines + per_row * max(rows, 1)


#: the spread charts' titles: the absolute figures, and those per unit of production (shown through _)
SPREAD_TITLE = N_("Each enterprise's change, baseline to latest follow-up")
SPREAD_PER_UNIT_TITLE = N_("Per unit of production: each enterprise's change, baseline to latest follow-up")


def overview_distribution_charts(distribution: pd.DataFrame, reference: pd.DataFrame) -> list[go.Figure | str]:
    """The spread of the absolute figures (:func:`overview_distribution_chart`) and, beside it when
    there are any, that of the figures per unit of production, each box named by its indicator
    under the chart's title: twelve boxes in one chart would not leave their names room."""
    per = distribution["indicator"].astype(str).map(is_normalised).to_numpy(dtype=bool)
    charts = [overview_distribution_chart(distribution[~per], reference)]
    if per.any():
        charts.append(overview_distribution_chart(distribution[per], reference, title=SPREAD_PER_UNIT_TITLE,
                                                  name=lambda i: indicator_label(NORMALISED_OF.get(i, i))))
    return charts


def overview_distribution_chart(distribution: pd.DataFrame, reference: pd.DataFrame, *, title: str = SPREAD_TITLE,
                                name=None) -> go.Figure | str:
    """Spread of each enterprise's change per indicator, drawn from quantiles (whiskers 5th-95th
    percentile, box quartiles, line median, dashed line mean), each box at its indicator (named
    by ``name`` of it, its label by default) with the number of enterprises under it, the
    programme's reported averages marked. Indicators whose spread is hidden are named in one
    note under the axis. No single enterprise's point is sent to the browser. Returns a line of
    text instead when no indicator's spread can be shown."""
    name = name or indicator_label
    title = _(title)
    if distribution.empty:
        return _("{title}: no enterprise has a baseline and a follow-up in this selection.").format(title=title)
    suppressed = distribution["suppressed"].astype(bool)
    shown, hidden = distribution[~suppressed], distribution[suppressed]
    labels = [name(i) for i in shown["indicator"]]
    hidden_note = _spread_hidden_note(hidden, name)
    if shown.empty:
        if (hidden["enterprises"] < SPREAD_MIN).all():
            return _("{title}: not drawn, as no indicator has the {least} enterprises with a baseline and a "
                     "follow-up that a spread needs.").format(title=title, least=SPREAD_MIN)
        return _("{title}: not drawn. {why}").format(title=title, why=hidden_note)
    fig = go.Figure()
    for label, r in zip(labels, shown.itertuples(), strict=True):
        fig.add_box(x=[label], name=label, q1=[r.q1 * 100], median=[r.median * 100], q3=[r.q3 * 100],
                    lowerfence=[r.p05 * 100], upperfence=[r.p95 * 100], mean=[r.mean * 100], boxmean=True,
                    marker=dict(color=GREEN), line=dict(color=GREEN), showlegend=False,
                    hovertext=_("{indicator}: {n} enterprises").format(indicator=label, n=int(r.enterprises)),
                    hoverinfo="y+text")
    ref = reference[reference["indicator"].isin(set(shown["indicator"]))]
    if len(ref):
        fig.add_scatter(x=[name(i) for i in ref["indicator"]],
                        y=(ref["reported_mean_change"] * 100).tolist(), mode="markers",
                        name=_("Programme's reported average"), showlegend=False,
                        marker=dict(symbol="line-ew-open", size=30, color=ORANGE, line=dict(width=3, color=ORANGE)))
    ticks = [f"{label}<br>n = {int(n)}" for label, n in zip(labels, shown["enterprises"], strict=True)]
    fig.update_layout(
        title=title_layout(title, [_("box: middle half"), _("whiskers: 5th to 95th percentile"), _("line: median"),
                             _("dashed: mean"),
                             *([_("{mark} programme's reported average").format(mark=coloured("▬", ORANGE))]
                               if len(ref) else []),
                             _("per-day rates")]),
        showlegend=False, margin=MARGIN, yaxis=dict(ticksuffix="%", zeroline=True, automargin=True),
        xaxis=dict(type="category", categoryorder="array", categoryarray=labels, tickmode="array", tickvals=labels,
                   ticktext=ticks, automargin=True, autotickangles=[0, 90],  # upright where they would meet
                   title=dict(text=wrap(hidden_note, KEY_CHARS) if hidden_note else "",
                              font=dict(size=12, color=GREY))),
        height=520)
    return fig


def _spread_hidden_note(hidden: pd.DataFrame, name) -> str:
    """One sentence naming the indicators whose spread is not shown, with their counts and why."""
    few, close = [], []
    for i, n in zip(hidden["indicator"], hidden["enterprises"], strict=True):
        (few if n < SPREAD_MIN else close).append(f"{name(i)} (n = {int(n)})")
    parts = ([_("{indicators}: {fewer} enterprises").format(indicators=", ".join(few),
                                                              fewer=formatting.fewer_than(SPREAD_MIN))] if few else []
             ) + ([_("{indicators}: too close to a figure shown to you before").format(indicators=", ".join(close))]
                  if close else [])
    return _("Spread not shown for {which}.").format(which="; ".join(parts)) if parts else ""


def breakdown_chart(table: pd.DataFrame, by: str, indicator: str, reference: pd.DataFrame, title: str
                    ) -> go.Figure | str:
    """Mean (bars, value written in the bar) and median (diamonds) change of ``indicator`` per
    ``by`` group, each group named with its number of enterprises; countries by name, groups as
    rows (long names stay whole), quarters as columns in time order; the programme's reported
    average a dashed line, named in the key under the title. A hidden group keeps its row, labelled why. Returns a
    line of text instead when every group is hidden or there is none."""
    sub = table[table["indicator"] == indicator]
    if sub.empty:
        return _("{title}: no enterprise has a baseline and a follow-up in this selection.").format(title=title)
    hidden = sub["suppressed"].to_numpy(dtype=bool)
    if hidden.all():
        return _all_hidden(title, sub, by)
    horizontal = by != "followup_quarter"
    raw = _group_names(sub[by], by)
    order = sorted(range(len(raw)), key=lambda i: raw[i].casefold()) if horizontal else list(range(len(raw)))
    raw = [raw[i] for i in order]
    names = plain(raw)  # the categories: whole names (distinct), shown whole on hover
    sub, hidden = sub.iloc[order], hidden[order]
    ticks = [f"{_tick_name(name, NAME_CHARS if horizontal else 10)}<br>{_count(n, h)}"
             for name, n, h in zip(raw, sub["enterprises"], hidden, strict=True)]
    ok = sub[~hidden]
    shown = [n for n, h in zip(names, hidden, strict=True) if not h]
    mean, median = (ok["mean_change"] * 100).tolist(), (ok["median_change"] * 100).tolist()
    counts = [int(n) for n in ok["enterprises"]]
    fig = go.Figure()
    bar = dict(name=_("mean (each enterprise counts once)"), marker_color=GREEN,
               text=[formatting.percent(v / 100, 0) for v in mean],
               textposition="auto", insidetextanchor="start", insidetextfont=dict(color="white"),
               outsidetextfont=dict(color=GREY), cliponaxis=False, customdata=counts)
    cat, val = ("y", "x") if horizontal else ("x", "y")
    fig.add_bar(**{cat: shown, val: mean}, orientation="h" if horizontal else "v", **bar,
                hovertemplate=_("{group}: mean {value}%, {n} enterprises").format(
                    group=f"%{{{cat}}}", value=f"%{{{val}:+.1f}}", n="%{customdata}") + "<extra></extra>")
    fig.add_scatter(**{cat: shown, val: median}, mode="markers", name=_("median"), customdata=counts,
                    marker=dict(symbol="diamond", size=10, color="black", line=dict(width=1, color="white")),
                    hovertemplate=_("{group}: median {value}%, {n} enterprises").format(
                        group=f"%{{{cat}}}", value=f"%{{{val}:+.1f}}", n="%{customdata}") + "<extra></extra>")
    key = [_("{mark} mean (each enterprise counts once)").format(mark=coloured("■", GREEN)), _("◆ median")]
    key += _reference_line(fig, reference, indicator, horizontal)
    cat_axis = dict(type="category", categoryorder="array", categoryarray=names, tickmode="array", tickvals=names,
                    ticktext=ticks, automargin=True, range=[-0.5, len(names) - 0.5])
    val_axis = dict(ticksuffix="%", zeroline=True, zerolinecolor=GREY, automargin=True)
    if horizontal:
        cat_axis.update(range=[len(names) - 0.5, -0.5])  # the first name on top
        layout = dict(yaxis=cat_axis, xaxis=val_axis,
                      height=_rows_height(len(names), line_count(title), per_row=_row_height(ticks)))
    else:
        layout = dict(xaxis=dict(cat_axis, autotickangles=[0, 90]), yaxis=val_axis, height=460)
    fig.update_layout(title=title_layout(title, key), showlegend=False, margin=MARGIN, **layout)
    return fig


def over_time_chart(table: pd.DataFrame, indicator: str, reference: pd.DataFrame) -> go.Figure | str:
    """Mean and median change of ``indicator`` by quarter of the follow-up period's end."""
    return breakdown_chart(table.sort_values("followup_quarter"), "followup_quarter", indicator, reference,
                           _("{indicator}: change by quarter of the follow-up's end").format(
                               indicator=indicator_label(indicator)))


IMPACT_FIGURES = {
    "energy": ("energy_avoided_mwh_per_year", "enterprises", N_("Energy avoided per year, by country"), "MWh", GREEN),
    "emissions": ("emissions_avoided_t_per_year", "emissions_enterprises",
                  N_("Emissions avoided per year (scope 1 + scope 2), by country"),
                  "t CO2e", GREY),
}


#: the titles of the charts against the production-adjusted baseline
ADJUSTED_TITLES = {
    "energy": N_("Energy avoided per year, by country, against the production-adjusted baseline"),
    "emissions": N_("Emissions avoided per year (scope 1 + scope 2), by country, against the production-adjusted "
                    "baseline")}


def impact_chart(impacts_by_country: pd.DataFrame, figure: str = "energy", *, adjusted: bool = False
                 ) -> go.Figure | str:
    """Energy (MWh per year) or emissions (t CO2e per year) avoided, by country: countries by
    name as rows, each bar with its value, each country with the number of enterprises behind its
    figure (emissions count those with an emission factor). Returns a line of text instead when
    every country's figure is hidden or there is none."""
    col, count_col, title, unit, colour = IMPACT_FIGURES[figure]
    if adjusted:  # normalised savings: baseline intensity x follow-up production - follow-up energy
        title = ADJUSTED_TITLES[figure]
    title = _(title)
    t = impacts_by_country
    if t.empty:
        return _("{title}: no enterprise has energy figures with a baseline and a follow-up in this selection."
                 ).format(title=title)
    counts = t[count_col] if count_col in t.columns else t["enterprises"]
    if t[col].isna().all():
        return _all_hidden(title, t.assign(enterprises=counts), "country")
    raw = _group_names(t["country"], "country")
    order = sorted(range(len(raw)), key=lambda i: raw[i].casefold())
    raw, t, counts = [raw[i] for i in order], t.iloc[order], counts.iloc[order]
    names = plain(raw)
    ok = t[col].notna().to_numpy()
    ticks = [f"{_tick_name(name)}<br>" + (_("no emission factor") if n == 0 else _count(n, not shown))
             for name, n, shown in zip(raw, counts, ok, strict=True)]
    values = t.loc[ok, col].tolist()
    fig = go.Figure()
    fig.add_bar(y=[n for n, s in zip(names, ok, strict=True) if s], x=values, orientation="h", marker_color=colour,
                name=title, cliponaxis=False, text=[formatting.amount(v, unit) for v in values], textposition="auto",
                insidetextanchor="start", insidetextfont=dict(color="white"), outsidetextfont=dict(color=GREY),
                customdata=[int(n) for n in counts[ok]],
                hovertemplate=_("{country}: {value} {unit} per year, {n} enterprises").format(
                    country="%{y}", value="%{x:,.1f}", unit=unit, n="%{customdata}") + "<extra></extra>")
    # two items, each a line of its own (too long to share one): a phone-wide chart holds them
    key = ([_("{unit} per year: production-adjusted baseline").format(unit=unit),
            _("rate minus latest follow-up rate, times 365")]
           if adjusted else
           [_("{unit} per year: baseline rate minus latest follow-up rate, times 365").format(unit=unit)])
    fig.update_layout(title=title_layout(title, key),
                      showlegend=False, margin=MARGIN, bargap=0.35,
                      height=_rows_height(len(names), line_count(title), per_row=_row_height(ticks)),
                      yaxis=dict(type="category", categoryorder="array", categoryarray=names, tickmode="array",
                                 tickvals=names, ticktext=ticks, range=[len(names) - 0.5, -0.5], automargin=True),
                      xaxis=dict(zeroline=True, zerolinecolor=GREY, automargin=True, ticksuffix=f" {unit}"))
    return fig
