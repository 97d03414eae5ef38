"""Charts draw user text as text: plotly reads tags such as <a href> and <b> in labels."""
import pandas as pd

from tracker import charts

LINK = '<a href="http://x.example">click</a>'
REFERENCE = pd.DataFrame({"indicator": ["energy"], "reported_mean_change": [-0.27]})


def test_action_labels_are_inert_shortened_and_whole_on_hover():
    stages = pd.DataFrame({"stage": ["baseline", "follow-up"],
                           "period_start": pd.to_datetime(["2023-01-01", "2023-07-01"]),
                           "period_end": pd.to_datetime(["2023-03-31", "2023-09-30"]), "yield_pct": [78.0, 95.0],
                           "waste_share_pct": [22.0, 5.0]})
    long = "Preforming machine for rubber pellets, installed by the maintenance team " + LINK
    actions = pd.DataFrame({"action_date": pd.to_datetime(["2023-05-01", "2023-06-01"]),
                            "description": [LINK + "<b>bold</b>", long]})
    fig = charts.stage_chart(stages, actions)
    texts = [a.text for a in fig.layout.annotations]
    assert texts[0] == "▲ &lt;a href=\"http://x.example\"&gt;click&lt;/a&gt;&lt;b&gt;…"  # 40 characters at most
    assert texts[1] == "▲ Preforming machine for rubber pellets…"
    assert fig.layout.annotations[1].hovertext.endswith("&lt;a href=\"http://x.example\"&gt;click&lt;/a&gt;")
    assert not any("<a " in t or "<b>" in t for t in texts)
    assert fig.layout.yaxis.range[1] > 105  # the labels sit above the 100% line, clear of the yield line


def test_group_names_are_inert_in_breakdowns():
    table = pd.DataFrame({"sector": [LINK, "<b>Rubber</b>", "Textiles"], "indicator": "energy",
                          "suppressed": [False, False, True], "mean_change": [-0.2, -0.3, None],
                          "median_change": [-0.2, -0.3, None], "enterprises": [5, 4, 2]})
    fig = charts.breakdown_chart(table, "sector", "energy", REFERENCE, "Energy by sector")
    labels = [x for trace in fig.data for x in (trace.x or [])]
    assert "&lt;b&gt;Rubber&lt;/b&gt;" in labels and "Textiles" in labels
    assert not any("<" in str(x) for x in labels)
