"""How this product's plotly charts look, shared by tracker.charts and tracker.delivery_charts:
colours, titles wrapped to lines that fit a phone 360 px wide, a key under the title in place of a
legend, and user text made inert for plotly (which reads tags such as <a href> in labels)."""
from __future__ import annotations

import html
import re
import textwrap

GREEN = "#2e7d32"
ORANGE = "#ef6c00"
GREY = "#757575"

#: characters per title line: a bold title line this long fits a chart 360 px wide
TITLE_CHARS = 34
#: characters per line of a chart's key (small type)
KEY_CHARS = 48


def plain(values) -> list[str]:
    """User text made inert for plotly, which reads tags such as <a href> and <b> in labels."""
    return [html.escape(str(v), quote=False) for v in values]


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of about ``width`` characters for plotly (``<br>``); words stay whole."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or text


def line_count(text: str, width: int = TITLE_CHARS) -> int:
    return wrap(text, width).count("<br>") + 1


def key_lines(items: list[str], width: int = KEY_CHARS) -> str:
    """Key items ('■ mean', '◆ median'...) joined by ' · ', a line broken only between items."""
    lines, line, length = [], [], 0
    for item in items:
        visible = len(re.sub(r"<[^>]+>", "", item))
        if line and length + 3 + visible > width:
            lines.append(" · ".join(line))
            line, length = [], 0
        line.append(item)
        length += visible + (3 if length else 0)
    return "<br>".join(lines + [" · ".join(line)] if line else lines)


def coloured(text: str, colour: str) -> str:
    return f'<span style="color:{colour}">{text}</span>'


def title_layout(text: str, key: list[str] = ()) -> dict:
    """A title wrapped to lines that fit a phone-wide chart, pushing the plot down as far as it needs
    (plotly's automargin); ``key`` (what the marks mean: in place of a legend, which plotly places
    by a fraction of the plot's height and so runs into tick labels) in smaller grey type under it."""
    lines = wrap(text, TITLE_CHARS)
    if key:  # one text with the title, so that automargin makes room for both (a subtitle it overlooks)
        lines += f'<br><span style="font-size:12px;color:{GREY};font-weight:normal">' + key_lines(list(key)).replace(
            "<br>", f'</span><br><span style="font-size:12px;color:{GREY};font-weight:normal">') + "</span>"
    # from the figure's left edge (not the plot's, which long row names push to the right)
    return dict(text=lines, automargin=True, yref="paper", y=1, yanchor="bottom", x=0, xref="container",
                xanchor="left", pad=dict(b=10, l=4))


#: around the plot: the axes' and the title's automargin add what their labels need
MARGIN = dict(t=10, b=10, l=10, r=24)
