"""Charts draw user text as text: plotly reads tags such as <a href> and <b> in labels."""
import re

import pandas as pd

from tracker import chart_style, charts
from tracker.countries import country_label, country_name

LINK = '<a href="http://x.example">click</a>'
REFERENCE = pd.DataFrame({"indicator": ["energy"], "reported_mean_change": [-0.27]})


def test_actions_are_numbered_inert_and_whole_on_hover():
    stages = pd.DataFrame({"stage": ["baseline", "follow-up"],
                           "period_start": pd.to_datetime(["2023-01-01", "2023-07-01"]),
                           "period_end": pd.to_datetime(["2023-03-31", "2023-09-30"]), "yield_pct": [78.0, 95.0],
                           "waste_share_pct": [22.0, 5.0]})
    long = "Preforming machine for rubber pellets, installed by the maintenance team " + LINK
    actions = pd.DataFrame({"action_date": pd.to_datetime(["2023-05-01", "2023-06-01"]),
                            "description": [LINK + "<b>bold</b>", long]})
    fig = charts.stage_chart(stages, actions)
    # numbers on the chart never run into each other, however close the actions or narrow the screen
    assert [a.text for a in fig.layout.annotations] == ["▲ 1", "▲ 2"]
    assert fig.layout.annotations[1].hovertext.endswith("&lt;a href=\"http://x.example\"&gt;click&lt;/a&gt;")
    assert not any("<a " in (a.hovertext or "") or "<b>" in (a.hovertext or "") for a in fig.layout.annotations)
    assert charts.action_key(actions)[1] == f"2: {long} (01 Jun 2023)"  # whole; escaped where it is shown
    assert fig.layout.yaxis.range[1] > 105  # the numbers sit above the 100% line, clear of the yield line


def test_group_names_are_inert_in_breakdowns():
    table = pd.DataFrame({"sector": [LINK, "<b>Rubber</b>", "Textiles"], "indicator": "energy",
                          "suppressed": [False, False, True], "mean_change": [-0.2, -0.3, None],
                          "median_change": [-0.2, -0.3, None], "enterprises": [5, 4, 2]})
    fig = charts.breakdown_chart(table, "sector", "energy", REFERENCE, "Energy by sector")
    labels = [x for trace in fig.data for x in (trace.y or [])] + list(fig.layout.yaxis.tickvals)
    assert "&lt;b&gt;Rubber&lt;/b&gt;" in labels and "Textiles" in labels
    assert not any("<" in str(x) for x in labels)
    assert not any("<a " in t or "<b>" in t for t in fig.layout.yaxis.ticktext)


# --- the figures as JSON (go.Figure.to_dict()): where each mark stands, what labels say ----------

def _words(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text or "").split())


def _distribution(rows):
    cols = ["indicator", "enterprises", "p05", "q1", "median", "q3", "p95", "mean", "suppressed"]
    return pd.DataFrame(rows, columns=cols)


REPORTED = pd.DataFrame({"indicator": ["waste", "material_wasted", "energy"],
                         "reported_mean_change": [-0.40, -0.35, -0.27]})


def test_every_box_stands_at_its_indicator_with_its_count():
    dist = _distribution([["waste", 12, -0.6, -0.5, -0.4, -0.3, -0.1, -0.41, False],
                          ["energy", 30, -0.5, -0.3, -0.25, -0.2, 0.0, -0.26, False],
                          ["water", 4, None, None, None, None, None, None, True]])
    fig = charts.overview_distribution_chart(dist, REPORTED).to_dict()
    boxes = [t for t in fig["data"] if t["type"] == "box"]
    assert [(b["name"], list(b["x"])) for b in boxes] == [("Waste produced", ["Waste produced"]),
                                                          ("Energy", ["Energy"])]
    assert [list(b["q1"]) for b in boxes] == [[-50.0], [-30.0]] and [list(b["median"]) for b in boxes] == [[-40], [-25]]
    assert not any("y" in b for b in boxes)  # quantiles only: no enterprise's own figure
    marks = next(t for t in fig["data"] if t["type"] == "scatter")
    assert list(marks["x"]) == ["Waste produced", "Energy"]  # the same categories as the boxes
    assert [round(v, 9) for v in marks["y"]] == [-40, -27]
    axis = fig["layout"]["xaxis"]
    assert list(axis["tickvals"]) == ["Waste produced", "Energy"]
    assert [_words(t) for t in axis["ticktext"]] == ["Waste produced n = 12", "Energy n = 30"]
    # the hidden one: a single note under the axis, no text mark among the boxes
    assert _words(axis["title"]["text"]) == "Spread not shown for Water (n = 4): fewer than 10 enterprises."
    assert not [t for t in fig["data"] if t.get("mode") == "text"]


def test_a_spread_hidden_for_another_reason_says_so():
    dist = _distribution([["waste", 12, -0.6, -0.5, -0.4, -0.3, -0.1, -0.41, False],
                          ["energy", 25, None, None, None, None, None, None, True]])
    note = charts.overview_distribution_chart(dist, REPORTED).to_dict()["layout"]["xaxis"]["title"]["text"]
    assert _words(note) == "Spread not shown for Energy (n = 25): too close to a figure shown to you before."


def test_a_spread_with_nothing_to_draw_is_one_line():
    dist = _distribution([["waste", 4, None, None, None, None, None, None, True],
                          ["energy", 9, None, None, None, None, None, None, True]])
    line = charts.overview_distribution_chart(dist, REPORTED)
    assert isinstance(line, str) and "\n" not in line and "<" not in line
    assert line.startswith("Each enterprise's change, baseline to latest follow-up: not drawn")
    assert isinstance(charts.overview_distribution_chart(_distribution([]), REPORTED), str)


def _by_country(rows):
    return pd.DataFrame(rows, columns=["country", "indicator", "enterprises", "mean_change", "median_change",
                                       "suppressed"])


def test_countries_by_name_each_bar_with_its_enterprises():
    table = _by_country([["KE", "waste", 4, -0.36, -0.38, False], ["BO", "waste", 5, -0.45, -0.43, False],
                         ["XK", "waste", 2, None, None, True], ["KG", "energy", 5, -0.2, -0.2, False]])
    fig = charts.breakdown_chart(table, "country", "waste", REPORTED, "Waste produced: change by country").to_dict()
    bar = next(t for t in fig["data"] if t["type"] == "bar")
    assert bar["orientation"] == "h" and list(bar["y"]) == ["Bolivia", "Kenya"]  # by name, hidden XK not drawn
    assert [round(v, 9) for v in bar["x"]] == [-45, -36] and list(bar["customdata"]) == [5, 4]
    assert list(bar["text"]) == ["-45%", "-36%"] and "%{customdata} enterprises" in bar["hovertemplate"]
    axis = fig["layout"]["yaxis"]
    assert [_words(t) for t in axis["ticktext"]] == ["Bolivia n = 5", "Kenya n = 4",
                                                     "Kosovo n = 2: hidden (fewer than 3)"]
    assert list(axis["range"]) == [2.5, -0.5]  # the first name on top
    # the programme's average is a dashed line named in the key under the title, not written over the bars
    assert [s["x0"] for s in fig["layout"]["shapes"]] == [-40.0]
    assert "programme's reported average -40%" in _words(fig["layout"]["title"]["text"])
    assert not fig["layout"].get("annotations")


def test_long_group_names_stay_whole_and_the_title_fits_a_phone():
    long = "Textiles, garments and leather goods for export"
    table = pd.DataFrame({"sector": [long, "Food"], "indicator": "energy", "enterprises": [7, 3],
                          "mean_change": [-0.2, 0.05], "median_change": [-0.2, 0.05], "suppressed": False})
    title = "Energy: change by sector, every enterprise counting once"
    fig = charts.breakdown_chart(table, "sector", "energy", REPORTED, title).to_dict()
    assert _words(fig["layout"]["yaxis"]["ticktext"][1]) == long + " n = 7"
    heading = fig["layout"]["title"]["text"].split("<span")[0]
    lines = [_words(line) for line in heading.split("<br>") if _words(line)]
    assert " ".join(lines) == title and all(len(line) <= chart_style.TITLE_CHARS for line in lines)
    assert fig["layout"]["title"]["automargin"] is True
    assert list(fig["data"][0]["text"]) == ["+5%", "-20%"]  # a rise keeps its sign


def test_quarters_are_columns_in_time_order():
    table = pd.DataFrame({"followup_quarter": ["2024Q1", "2023Q4"], "indicator": "waste", "enterprises": [3, 4],
                          "mean_change": [-0.3, -0.4], "median_change": [-0.3, -0.4], "suppressed": False})
    fig = charts.over_time_chart(table, "waste", REPORTED).to_dict()
    bar = fig["data"][0]
    assert list(bar["x"]) == ["2023 Q4", "2024 Q1"] and list(bar["customdata"]) == [4, 3]
    assert [_words(t) for t in fig["layout"]["xaxis"]["ticktext"]] == ["2023 Q4 n = 4", "2024 Q1 n = 3"]


def test_a_breakdown_with_every_cell_hidden_is_one_line():
    table = _by_country([["KE", "waste", 1, None, None, True], ["IN", "waste", 2, None, None, True]])
    line = charts.breakdown_chart(table, "country", "waste", REPORTED, "Waste produced: change by country")
    assert line == ("Waste produced: change by country: not drawn, as every country has fewer than 3 enterprises "
                    "with a baseline and a follow-up (their figures are hidden).")
    complemented = _by_country([["KE", "waste", 2, None, None, True], ["IN", "waste", 5, None, None, True]])
    line = charts.breakdown_chart(complemented, "country", "waste", REPORTED, "W")
    assert line.startswith("W: not drawn, as every country's figure is hidden")
    assert isinstance(charts.breakdown_chart(table, "country", "energy", REPORTED, "E"), str)  # no row at all


def test_energy_and_emissions_avoided_each_with_their_own_counts():
    t = pd.DataFrame({"country": ["VN", "IN", "KE"], "enterprises": [4, 6, 3],
                      "energy_avoided_mwh_per_year": [493.0, 589.0, 100.0],
                      "emissions_avoided_t_per_year": [203.0, 340.0, None], "emissions_enterprises": [4, 5, 0],
                      "suppressed": False})
    energy = charts.impact_chart(t, "energy").to_dict()
    assert list(energy["data"][0]["y"]) == ["India", "Kenya", "Vietnam"]
    assert list(energy["data"][0]["customdata"]) == [6, 3, 4]
    assert list(energy["data"][0]["text"]) == ["589 MWh", "100 MWh", "493 MWh"]
    emissions = charts.impact_chart(t, "emissions").to_dict()
    assert list(emissions["data"][0]["y"]) == ["India", "Vietnam"]
    assert list(emissions["data"][0]["customdata"]) == [5, 4]
    assert [_words(x) for x in emissions["layout"]["yaxis"]["ticktext"]] == [
        "India n = 5", "Kenya no emission factor", "Vietnam n = 4"]
    hidden = t.assign(energy_avoided_mwh_per_year=None, emissions_avoided_t_per_year=None, suppressed=True,
                      enterprises=[1, 2, 1])
    assert charts.impact_chart(hidden, "energy").startswith("Energy avoided per year, by country: not drawn")


def test_report_charts_number_the_actions_and_wrap_their_labels():
    stages = pd.DataFrame({"stage": ["baseline", "follow-up"],
                           "period_start": pd.to_datetime(["2023-01-01", "2023-07-01"]),
                           "period_end": pd.to_datetime(["2023-03-31", "2023-09-30"]), "yield_pct": [78.0, 95.0],
                           "waste_share_pct": [22.0, 5.0]})
    actions = pd.DataFrame({"action_date": pd.to_datetime(["2023-05-15"]), "description": ["Guillotine machine"]})
    fig = charts.stage_chart(stages, actions).to_dict()
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["▲ 1"]
    assert charts.action_key(actions) == ["1: Guillotine machine (15 May 2023)"]
    changes = pd.DataFrame({"indicator": ["waste", "material_input"], "relative_change": [-0.81, -0.18]})
    fig = charts.changes_vs_reference(changes, REPORTED, "This enterprise beside the programme's reported averages")
    axis = fig.to_dict()["layout"]["xaxis"]
    assert list(axis["ticktext"][:2]) == ["Waste<br>produced", "Material<br>input"]
    assert list(axis["autotickangles"]) == [0, 90]  # upright where they would meet, never at a slant


def test_country_names_come_from_cldr():
    assert [country_name(c) for c in ["KE", "kg", "VN", "BO", "IN"]] == [
        "Kenya", "Kyrgyzstan", "Vietnam", "Bolivia", "India"]
    assert country_name("QQ") == "QQ" and country_name("") == "" and country_name(None) == ""
    assert country_label("KE") == "Kenya (KE)" and country_label("QQ") == "QQ"
    assert country_name("KE", "fr") == "Kenya" and country_name("DE", "es") == "Alemania"


def test_a_huge_group_name_is_shortened_wrapped_and_its_row_made_taller():
    huge = "Cement " * 40 + "X" * 70
    table = pd.DataFrame({"sector": [huge, "Food", "Fish"], "indicator": "waste", "enterprises": [3, 4, 5],
                          "mean_change": [-0.2, -0.3, -0.1], "median_change": [-0.2, -0.3, -0.1],
                          "suppressed": False})
    fig = charts.breakdown_chart(table, "sector", "waste", REPORTED, "Waste produced: change by sector").to_dict()
    tick = next(t for t in fig["layout"]["yaxis"]["ticktext"] if t.startswith("Cement"))
    lines = tick.split("<br>")
    assert lines[-1] == "n = 3" and lines[-2].endswith("…") and len(_words(tick)) < 80
    assert all(len(line) <= charts.NAME_CHARS for line in lines)
    assert huge in fig["data"][0]["y"]  # the category, shown on hover, is the whole name
    short = charts.breakdown_chart(table.iloc[1:], "sector", "waste", REPORTED, "Waste produced: change by sector")
    assert fig["layout"]["height"] - short.layout.height > 46  # a row of its own, taller than the others
