"""Plotly figures of the Delivery tab (no Streamlit): layout only, figures from tracker.delivery.

Like tracker.charts: groups as rows of a horizontal bar chart, names made inert for plotly,
a chart with nothing to draw is one line of text instead.
"""
from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go

from metrics.delivery import PIPELINE
from metrics.i18n import _
from metrics.labels import trainer_status_label
from tracker.chart_style import GREEN, GREY, MARGIN, ORANGE
from tracker.countries import country_name

#: each step of the path, its colour (certified the programme's green)
STEP_COLOURS = {"not recorded": "#bdbdbd", "candidate": ORANGE, "recommended": "#1565c0", "certified": GREEN}
NAME_CHARS = 30


def _row_name(country: str, provider: str) -> str:
    where = country_name(country) if country else _("country not recorded")
    return html.escape(f"{where} · {provider}", quote=False)


def pipeline_chart(pipeline: pd.DataFrame, title: str | None = None) -> go.Figure | str:
    """Trainers per step of their path (stacked bars: not recorded, candidate, recommended,
    certified), one row per country and training provider, the number of trainers at its end."""
    title = title or _("Trainers by step of their path")
    if pipeline.empty or int(pipeline["trainers"].sum()) == 0:
        return _("{title}: no trainer account in this selection.").format(title=title)
    t = pipeline.assign(row=[_row_name(c, p) for c, p in zip(pipeline["country"], pipeline["provider"], strict=True)])
    t = t.sort_values("row", key=lambda s: s.str.casefold(), kind="stable")
    rows = t["row"].tolist()
    ticks = ["<br>".join(textwrap.wrap(r, NAME_CHARS, break_on_hyphens=False)) or r for r in rows]
    fig = go.Figure()
    for step in PIPELINE:
        counts = t[step].astype(int).tolist()
        status = trainer_status_label(step)
        fig.add_bar(y=rows, x=counts, orientation="h", name=status, marker_color=STEP_COLOURS[step],
                    text=[str(n) if n else "" for n in counts], textposition="inside",
                    hovertemplate=_("{row}: {n} {status}").format(row="%{y}", n="%{x}", status=status)
                    + "<extra></extra>")
    fig.add_scatter(y=rows, x=t["trainers"].astype(int).tolist(), mode="text", showlegend=False,
                    text=["  " + _("{n} in all").format(n=n) for n in t["trainers"]], textposition="middle right",
                    textfont=dict(color=GREY), hoverinfo="skip")
    lines = sum(tick.count("<br>") + 1 for tick in ticks)
    fig.update_layout(barmode="stack", title=dict(text=title), margin=MARGIN, height=160 + 22 * lines + 18 * len(rows),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, traceorder="normal"),
                      yaxis=dict(type="category", categoryorder="array", categoryarray=rows, tickmode="array",
                                 tickvals=rows, ticktext=ticks, range=[len(rows) - 0.5, -0.5], automargin=True),
                      xaxis=dict(title=_("trainers"), dtick=1, rangemode="tozero", automargin=True))
    return fig
