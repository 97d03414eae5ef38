"""Charts as a person sees them, drawn by plotly in Chromium: each box at its indicator, countries
by name, the number of enterprises behind every bar, titles and labels whole and apart, on a
desktop and on a phone; a chart with every cell hidden is one line of text; the hand-over HTML
draws the report's charts the same way.

Every drawn figure is read in the page (``el.data``, ``el.layout``, the SVG's boxes); the counts
asserted are worked out here from the measurements table, not taken from the overview."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.e2e.conftest import PASSWORD, demo_database, serve, sign_in
from tracker import db

INDICATORS = {"waste": "Waste produced", "material_wasted": "Materials wasted", "energy": "Energy",
              "material_input": "Material input", "yield": "Yield", "water": "Water", "production": "Production"}
#: the demo's countries as people name them (CLDR's English names)
COUNTRIES = {"BO": "Bolivia", "CN": "China", "ID": "Indonesia", "IN": "India", "KE": "Kenya", "KG": "Kyrgyzstan",
             "VN": "Vietnam"}

# What every drawn figure looks like: the SVG boxes of its texts and plot area, its data and layout.
# Typed arrays (plotly's base64 arrays, as Streamlit sends numpy columns) become plain lists.
READ = """el => {
  const box = n => { const r = n.getBoundingClientRect();
                     return {l: r.left, r: r.right, t: r.top, b: r.bottom, w: r.width, h: r.height}; };
  const words = n => { const lines = n.querySelectorAll('tspan.line');
                       return lines.length ? Array.from(lines).map(l => l.textContent).join(' ') : n.textContent; };
  const texts = sel => Array.from(el.querySelectorAll(sel))
      .filter(n => n.textContent.trim() && n.getBoundingClientRect().width > 0)
      .map(n => Object.assign({text: words(n)}, box(n)));
  const types = {f8: Float64Array, f4: Float32Array, i1: Int8Array, u1: Uint8Array, i2: Int16Array,
                 u2: Uint16Array, i4: Int32Array, u4: Uint32Array};
  const plain = v => {
    if (v && v.bdata !== undefined) {  // plotly's base64 typed array
      const bin = atob(v.bdata), bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return Array.from(new types[v.dtype](bytes.buffer));
    }
    return (v && typeof v === 'object' && !Array.isArray(v) && v.length !== undefined) ? Array.from(v) : v;
  };
  const axes = Array.from(el.querySelectorAll('g.xaxislayer-above, g.yaxislayer-above'))
      .map(g => Array.from(g.querySelectorAll('text')).filter(n => n.textContent.trim())
                 .map(n => Object.assign({text: words(n)}, box(n))));
  return {
    root: box(el.querySelector('.svg-container')),
    plot: box(el.querySelector('.draglayer .nsewdrag')),
    title: texts('.g-gtitle text'), axes: axes, axistitles: texts('.g-xtitle text, .g-ytitle text'),
    bartexts: texts('.bartext'), annotations: texts('.annotation-text-g text'),
    data: el.data.map(t => ({type: t.type, name: t.name, x: plain(t.x), y: plain(t.y), text: plain(t.text),
                             customdata: plain(t.customdata), orientation: t.orientation,
                             hovertemplate: t.hovertemplate})),
    layout: {title: el.layout.title, xaxis: el.layout.xaxis, yaxis: el.layout.yaxis, shapes: el.layout.shapes},
    categories: {x: el._fullLayout.xaxis._categories, y: el._fullLayout.yaxis._categories},
  };
}"""


def _tags(s: str) -> str:
    return re.sub(r"<[^>]+>", " ", s or "")


def _words(s: str) -> str:
    return " ".join(_tags(s).split())


def _inside(b: dict, root: dict, what: str) -> None:
    assert b["l"] >= root["l"] - 1 and b["r"] <= root["r"] + 1 and b["t"] >= root["t"] - 1 \
        and b["b"] <= root["b"] + 1, f"{what} {b.get('text')!r} is cut: {b} outside {root}"


def _apart(a: dict, b: dict) -> bool:
    return a["r"] <= b["l"] + 1 or b["r"] <= a["l"] + 1 or a["b"] <= b["t"] + 1 or b["b"] <= a["t"] + 1


def assert_readable(fig: dict, name: str) -> None:
    """Title, tick labels, bar texts and annotations lie within the chart; tick labels of one
    axis, and annotations, do not run into each other; the title stays above the plot area."""
    root = fig["root"]
    assert fig["title"], f"{name}: no title drawn"
    for t in fig["title"]:
        _inside(t, root, f"{name}: title")
        assert t["b"] <= fig["plot"]["t"] + 1, f"{name}: the title runs into the plot: {t} / {fig['plot']}"
    for ticks in fig["axes"]:
        for i, a in enumerate(ticks):
            _inside(a, root, f"{name}: tick label")
            for b in ticks[i + 1:]:
                assert _apart(a, b), f"{name}: tick labels {a['text']!r} and {b['text']!r} overlap"
    for t in fig["bartexts"] + fig["axistitles"]:
        _inside(t, root, f"{name}: text")
    notes = fig["annotations"]
    for i, a in enumerate(notes):
        _inside(a, root, f"{name}: annotation")
        for b in notes[i + 1:]:
            assert _apart(a, b), f"{name}: annotations {a['text']!r} and {b['text']!r} overlap"


def figures(page, count: int | None = None) -> dict[str, dict]:
    """The drawn figures of the page by title (its words), each read with READ, once Streamlit
    has drawn them all (``count`` of them, where given)."""
    plots = page.locator(".js-plotly-plot:visible")
    if count is None:
        expect(plots.first).to_be_visible()
    else:
        expect(plots).to_have_count(count)
    settled(page)
    out = {}
    for i in range(plots.count()):
        handle = plots.nth(i)
        expect(handle.locator(".g-gtitle text").first).to_be_attached()
        fig = handle.evaluate(READ)
        out[_words(fig["layout"]["title"]["text"])] = fig
    return out


def by_title(figs: dict[str, dict], start: str) -> dict:
    found = [f for t, f in figs.items() if t.startswith(start)]
    assert len(found) == 1, f"no single chart titled {start!r}: {list(figs)}"
    return found[0]


def shoot(page, tmp_path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    for i, plot in enumerate(page.locator(".js-plotly-plot:visible").all()):
        plot.scroll_into_view_if_needed()
        plot.screenshot(path=str(tmp_path / f"{name}-chart{i}.png"))


def _both_phases(url: str) -> pd.DataFrame:
    """country, sector, indicator, n: the enterprises with a baseline and a follow-up, counted
    from the measurements as stored (independently of the overview's summary)."""
    engine = db.open_database(url)
    sql = text("SELECT e.country, e.sector, m.indicator, count(*) AS n FROM (SELECT enterprise_id, indicator "
               "FROM measurements GROUP BY enterprise_id, indicator HAVING count(DISTINCT phase) = 2) m "
               "JOIN enterprises e ON e.id = m.enterprise_id GROUP BY e.country, e.sector, m.indicator")
    with engine.connect() as conn:
        counts = pd.DataFrame(conn.execute(sql).all(), columns=["country", "sector", "indicator", "n"])
    engine.dispose()
    return counts


#: the indicators with a figure per unit of production (metrics.normalise), by their names
PER_UNIT = ("energy", "water", "waste", "material_input", "material_wasted")
NAMES = {label: i for i, label in INDICATORS.items()}


def _per_unit_counts(url: str) -> dict[str, int]:
    """indicator -> the enterprises with it and production in both phases, counted from the
    measurements as stored."""
    engine = db.open_database(url)
    sql = text("WITH both_phases AS (SELECT enterprise_id, indicator FROM measurements GROUP BY enterprise_id, "
               "indicator HAVING count(DISTINCT phase) = 2) SELECT b.indicator, count(*) FROM both_phases b JOIN "
               "both_phases p ON p.enterprise_id = b.enterprise_id AND p.indicator = 'production' "
               "GROUP BY b.indicator")
    with engine.connect() as conn:
        found = dict(conn.execute(sql).all())
    engine.dispose()
    return found


def _n(counts: pd.DataFrame, by: str, indicator: str, countries=None) -> dict[str, int]:
    sub = counts[counts["indicator"] == indicator]
    if countries:
        sub = sub[sub["country"].isin(countries)]
    return {k: int(v) for k, v in sub.groupby(by)["n"].sum().items()}


def settled(page) -> None:
    """Wait until Streamlit has redrawn every element of the run (none left stale)."""
    expect(page.locator('[data-stale="true"]')).to_have_count(0)


@pytest.fixture(scope="module")
def charts_app(tmp_path_factory):
    """The app on its own demo database (what one officer was shown decides what is hidden next)."""
    url = demo_database(tmp_path_factory.mktemp("charts"))
    counts = _both_phases(url)
    counts.attrs["per_unit"] = _per_unit_counts(url)
    with serve(url) as base:
        yield base, counts


def _filter(page, label, typed, option):
    """Type ``typed`` into the sidebar filter ``label`` and pick ``option`` from what it offers."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
    box.locator("input").fill(typed)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    expect(box.get_by_role("button", name=f"Remove {option}")).to_be_visible()


@pytest.mark.parametrize("width", [1400, 390])
def test_overview_charts_stand_at_their_names_with_counts(browser, charts_app, tmp_path, width):
    base, counts = charts_app
    page = browser.new_context(viewport={"width": width, "height": 1000}).new_page()
    page.set_default_timeout(30_000)
    sign_in(page, base, "demo-officer" if width > 500 else "demo-admin")
    expect(page.get_by_role("heading", name="Programme overview")).to_be_visible()
    figs = figures(page)
    shoot(page, tmp_path, f"overview-{width}")

    # the spread: every box at its own indicator, the reference marks among them, no category "0"
    spread = by_title(figs, "Each enterprise's change, baseline to latest follow-up")
    boxes = [t for t in spread["data"] if t["type"] == "box"]
    assert [b["name"] for b in boxes] == list(INDICATORS.values())
    for b in boxes:
        assert b["x"] == [b["name"]], f"box {b['name']} drawn at {b['x']}"
    assert spread["categories"]["x"] == list(INDICATORS.values())
    marks = next(t for t in spread["data"] if t["name"] == "Programme's reported average")
    assert marks["x"] == ["Waste produced", "Materials wasted", "Energy"]  # DOMAIN.md: -40 %, -35 %, -27 %
    assert [round(v, 6) for v in marks["y"]] == [-40, -35, -27]
    ticks = [_words(t) for t in spread["layout"]["xaxis"]["ticktext"]]
    everyone = {i: sum(_n(counts, "country", i).values()) for i in INDICATORS}
    assert ticks == [f"{label} n = {everyone[i]}" for i, label in INDICATORS.items()]

    # the figures per unit of production: a spread of their own (twelve boxes in one chart left their
    # names overlapping), each box at its indicator's name, counting the enterprises with the
    # indicator and production in both phases
    per_unit = by_title(figs, "Per unit of production: each enterprise's change")
    p_boxes = [t for t in per_unit["data"] if t["type"] == "box"]
    assert sorted(b["name"] for b in p_boxes) == sorted(INDICATORS[i] for i in PER_UNIT)
    for b in p_boxes:
        assert b["x"] == [b["name"]], f"box {b['name']} drawn at {b['x']}"
    with_production = counts.attrs["per_unit"]
    p_ticks = [_words(t) for t in per_unit["layout"]["xaxis"]["ticktext"]]
    assert p_ticks == [f"{b['name']} n = {with_production[NAMES[b['name']]]}" for b in p_boxes]
    assert not [t for t in per_unit["data"] if t["type"] == "scatter"]  # the reported averages are absolute

    # change by country: names, not codes, each with the enterprises behind its bar
    country = by_title(figs, "Waste produced: change by country")
    bar = next(t for t in country["data"] if t["type"] == "bar")
    assert bar["y"] == sorted(COUNTRIES.values())
    expected = {COUNTRIES[c]: n for c, n in _n(counts, "country", "waste").items()}
    assert dict(zip(bar["y"], bar["customdata"], strict=True)) == expected
    assert "%{customdata} enterprises" in bar["hovertemplate"]
    labels = [_words(t["text"]) for t in country["axes"][1]]  # the drawn tick labels of the country axis
    assert labels == [f"{name} n = {expected[name]}" for name in sorted(COUNTRIES.values())]
    assert not set(COUNTRIES) & {w for label in labels for w in label.split()}
    # the programme's average is a line named in the key, not a label written over the bars
    assert [s["x0"] for s in country["layout"]["shapes"]] == [-40]
    assert "programme's reported average -40%" in _words(country["layout"]["title"]["text"])

    sector = by_title(figs, "Waste produced: change by sector")
    drawn = [_words(t["text"]) for t in sector["axes"][1]]  # long names whole, each with its n
    assert drawn == [f"{s} n = {n}" for s, n in sorted(_n(counts, "sector", "waste").items())]

    energy = by_title({t: f for t, f in figs.items() if "production-adjusted" not in t},
                      "Energy avoided per year, by country")
    e_bar = energy["data"][0]
    assert dict(zip(e_bar["y"], e_bar["customdata"], strict=True)) == {
        COUNTRIES[c]: n for c, n in _n(counts, "country", "energy").items()}

    for name, fig in figs.items():
        assert_readable(fig, name)
    # energy and emissions avoided in a chart each (two units), against the baseline as measured and adjusted
    assert len(figs) == 9
    page.context.close()


def test_hidden_cells_read_cleanly_and_empty_charts_are_one_line(browser, charts_app, tmp_path):
    base, counts = charts_app
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(30_000)
    sign_in(page, base, "demo-officer")
    expect(page.get_by_role("heading", name="Programme overview")).to_be_visible()
    figures(page)

    # India and Viet Nam: water has 9 enterprises, too few for a spread; food processing 2, too few for a mean
    _filter(page, "Country", "India", "India (IN)")  # countries by name, the code beside it
    _filter(page, "Country", "VN", "Vietnam (VN)")
    expect(page.get_by_text("Showing country: IN, VN")).to_be_visible()
    figs = figures(page)
    shoot(page, tmp_path, "overview-in-vn")
    spread = by_title(figs, "Each enterprise's change")
    assert [b["name"] for b in spread["data"] if b["type"] == "box"] == [
        v for k, v in INDICATORS.items() if k != "water"]
    note = _words(spread["layout"]["xaxis"]["title"]["text"])
    water = sum(_n(counts, "country", "water", ["IN", "VN"]).values())
    assert water < 10 and note == f"Spread not shown for Water (n = {water}): fewer than 10 enterprises."
    assert not spread["annotations"] and not any(t["type"] == "scatter" and "text" in (t.get("mode") or "")
                                                 for t in spread["data"])
    sector = by_title(figs, "Waste produced: change by sector")
    rows = [_words(t["text"]) for t in sector["axes"][1]]
    per_sector = sorted(_n(counts, "sector", "waste", ["IN", "VN"]).items())
    assert rows == [f"{s} n = {n}" + (": hidden (fewer than 3)" if n < 3 else "") for s, n in per_sector]
    assert next(t for t in sector["data"] if t["type"] == "bar")["y"] == [s for s, n in per_sector if n >= 3]
    for name, fig in figs.items():
        assert_readable(fig, name)

    page.context.close()

    # Kenya's one food processor: nothing to draw, every chart is one line of text
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(30_000)
    sign_in(page, base, "demo-officer")
    figures(page)
    _filter(page, "Country", "Kenya", "Kenya (KE)")
    _filter(page, "Sector", "Food", "Food processing")
    expect(page.get_by_text("Showing country: KE; sector: Food processing")).to_be_visible()
    settled(page)
    expect(page.get_by_text("Energy avoided per year, by country: not drawn, as every country has fewer than 3")
           ).to_be_visible()
    expect(page.locator(".js-plotly-plot:visible")).to_have_count(0)
    for line in ["Each enterprise's change, baseline to latest follow-up: not drawn, as no indicator has the 10",
                 "Per unit of production: each enterprise's change, baseline to latest follow-up: not drawn, as no "
                 "indicator has the 10",
                 "Waste produced: change by country: not drawn, as every country has fewer than 3",
                 "Waste produced: change by sector: not drawn", "Waste produced: change by quarter of the "
                 "follow-up's end: not drawn", "Emissions avoided per year (scope 1 + scope 2), by country: not drawn"]:
        expect(page.get_by_text(re.compile("^" + re.escape(line)))).to_be_visible()
    for i, line in enumerate(["Each enterprise's change", "Emissions avoided per year"]):
        page.get_by_text(line).first.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / f"overview-all-hidden-{i}.png"))
    page.context.close()


def test_report_and_handover_charts_read_on_a_phone(browser, charts_app, tmp_path):
    base, _ = charts_app
    context = browser.new_context(viewport={"width": 390, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, base, "demo-manager")
    expect(page.get_by_role("heading", name="Mechanical seals maker (case study, India)")).to_be_visible()
    figs = figures(page, 2)
    shoot(page, tmp_path, "report-390")
    stage = by_title(figs, "Yield and waste share by stage")
    assert [a["text"] for a in stage["annotations"]] == ["▲ 1", "▲ 2"]
    expect(page.get_by_text("Improvement actions marked ▲ on the chart: 1: Guillotine machine for cutting rubber "
                            "pellets to a uniform size (15 May 2023); 2: Preforming machine for rubber pellets "
                            "(10 Nov 2023).")).to_be_visible()
    changes = by_title(figs, "This enterprise beside the programme's reported averages")
    # the case study's waste per kg of good product, yield 78 % -> 95 %: (1/0.95 - 1) / (1/0.78 - 1) - 1 = -81 %
    bar = next(t for t in changes["data"] if t["type"] == "bar")
    waste = (1 / .95 - 1) / (1 / .78 - 1) - 1
    assert dict(zip(bar["x"], bar["text"], strict=True))["Waste produced"] == f"{waste * 100:+.0f}%"
    for name, fig in figs.items():
        assert_readable(fig, name)
    expect(page.get_by_text("India · Rubber and plastics")).to_be_visible()  # the country by name

    with page.expect_download() as info:
        page.get_by_role("button", name="Report (HTML, works offline and prints)").click()
    path = tmp_path / "report.html"
    info.value.save_as(path)
    offline = context.new_page()
    offline.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else
                  route.continue_())
    offline.goto(path.as_uri())
    expect(offline.get_by_text("India · Rubber and plastics")).to_be_visible()
    expect(offline.get_by_text("Improvement actions marked ▲ on the chart: 1: Guillotine machine")).to_be_visible()
    figs = figures(offline, 2)
    offline.screenshot(path=str(tmp_path / "handover-390.png"), full_page=True)
    assert [a["text"] for a in by_title(figs, "Yield and waste share")["annotations"]] == ["▲ 1", "▲ 2"]
    for name, fig in figs.items():
        assert_readable(fig, f"hand-over: {name}")
    context.close()


# the longest sector the services store (tracker.lengths: 100 characters)
LONG_SECTOR = ("Manufacture of rubber seals, gaskets and moulded technical parts for pumps and irrigation "
               "equipment")
UNBROKEN = "Polytetrafluoroethylenecompoundingandextrusionworkshops"


def _long_names(engine):
    """Three enterprises in a sector with a very long name and three in one written as one long word."""
    from tracker import auth
    from tracker import io as tio

    rows = ["enterprise,country,sector,period_start,period_end,phase,indicator,carrier,value,unit,note"]
    for i in range(6):
        sector = LONG_SECTOR if i < 3 else UNBROKEN
        rows += [f'Long {i},TZ,"{sector}",2024-01-01,2024-03-31,baseline,waste,landfill,{100 + i},kg,',
                 f'Long {i},TZ,"{sector}",2024-07-01,2024-09-30,follow-up,waste,landfill,{70 + i},kg,']
    admin = auth.authenticate(engine, "demo-admin", PASSWORD)
    tio.import_file(engine, admin, "\n".join(rows).encode(), "long.csv")


def test_long_names_stay_inside_the_chart_on_a_phone(browser, tmp_path_factory, tmp_path):
    with serve(demo_database(tmp_path_factory.mktemp("long"), _long_names)) as base:
        page = browser.new_context(viewport={"width": 390, "height": 1000}).new_page()
        page.set_default_timeout(30_000)
        sign_in(page, base, "demo-officer")
        figs = figures(page)
        shoot(page, tmp_path, "long-names-390")
        sector = by_title(figs, "Waste produced: change by sector")
        bar = next(t for t in sector["data"] if t["type"] == "bar")
        assert LONG_SECTOR in bar["y"] and UNBROKEN in bar["y"]  # whole on hover
        drawn = [t["text"] for t in sector["axes"][1]]
        long = next(t for t in drawn if t.startswith("Manufacture of rubber"))
        assert long.endswith("… n = 3") and len(long) < len(LONG_SECTOR)  # shortened on the axis
        assert any(t.startswith("Polytetrafluoro") and t.endswith(" n = 3") for t in drawn)
        assert "Tanzania n = 6" in [t["text"] for t in by_title(figs, "Waste produced: change by country")["axes"][1]]
        for name, fig in figs.items():
            assert_readable(fig, name)
        page.context.close()
