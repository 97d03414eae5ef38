"""AppTest of the programme overview page: headline, filters, suppression in charts, tables, exports."""
import io

import pandas as pd

from tests.app.conftest import charts, metric, new_app, sign_in, table_with
from tracker import demo

FEWER = "fewer than 3"


def _officer(demo_db, use_db):
    use_db(demo_db)
    at = sign_in(new_app(), "demo-officer")
    assert not at.exception, at.exception
    return at


def _select(at, key, values):
    at.multiselect(key=key).set_value(values)
    at.run()
    assert not at.exception, at.exception
    return at


def test_officer_sees_headline_distribution_and_reference(demo_db, use_db):
    at = _officer(demo_db, use_db)
    assert metric(at, "Enterprises") == "37"
    assert int(metric(at, "Countries")) >= 5
    figs = charts(at)
    dist = figs[0]
    boxes = [t for t in dist.data if t.type == "box"]
    assert {b.name for b in boxes} >= {"Energy", "Waste produced", "Materials wasted"}
    ref = next(t for t in dist.data if t.name == "Programme's reported average")
    assert sorted(ref.y) == [-40.0, -35.0, -27.0]
    # the box is drawn from quantiles: no enterprise's own point reaches the browser
    assert all(b.y is None and b.q1 is not None for b in boxes)
    table = table_with(at, "mean", "median", "pooled", "reported")
    assert (table["enterprises"] >= 3).all()
    energy = table[table["indicator"] == "Energy"].iloc[0]
    assert energy["reported"] == "-27.0%" and energy["mean"].startswith("-")
    assert metric(at, "Energy: mean change").startswith("-")
    # change by country and sector carry the reported average as a line; energy avoided is shown
    country = next(f for f in figs if "by country" in (f.layout.title.text or ""))
    assert "reported average -40%" in country.layout.title.text  # waste first, named in the chart's key
    assert [s.x0 for s in country.layout.shapes] == [-40]
    at.selectbox(key="ov_indicator").set_value("energy").run()
    country = next(f for f in charts(at) if "by country" in (f.layout.title.text or ""))
    assert country.layout.title.text.startswith("Energy")
    assert {str(y) for y in country.data[0].y} >= {"India", "Vietnam", "Kenya"}  # by name
    assert "reported average -27%" in country.layout.title.text
    assert "MWh per year" in next(m.value for m in at.metric if m.label.startswith("Energy avoided"))


def test_filters_narrow_every_figure_and_small_cells_are_suppressed(demo_db, use_db):
    at = _officer(demo_db, use_db)
    _select(at, "flt_country", ["IN"])
    assert metric(at, "Enterprises") == "7"  # the case study and six synthetic Indian SMEs
    assert metric(at, "Countries") == "1"
    _select(at, "flt_sector", ["Rubber and plastics"])  # three, one still without a follow-up
    n = int(metric(at, "Enterprises"))
    assert n == 3
    table = table_with(at, "mean", "median", "pooled", "reported")
    assert (table["enterprises"] < 3).all()
    assert (table["mean"] == FEWER).all() and (table["median"] == FEWER).all() and (table["pooled"] == FEWER).all()
    assert set(table["reported"].dropna()) >= {"-27.0%"}  # the programme's own figure is not suppressed
    # nothing to draw: every chart of figures is one line of text saying why (the Delivery tab's
    # trainers' pipeline counts trainers, not enterprises' figures, and is drawn)
    assert [f.layout.title.text for f in charts(at)] == ["Trainers by step of their path"]
    notes = [i.value.replace("\\", "") for i in at.info]  # as shown (Markdown escapes removed)
    assert any(n.startswith("Each enterprise's change, baseline to latest follow-up: not drawn") for n in notes)
    assert any("change by country: not drawn, as every country has fewer than 3" in n for n in notes)
    assert FEWER in next(m.value for m in at.metric if m.label.startswith("Energy avoided"))
    # participants are listed by name, without figures
    part = table_with(at, "Name", "Modules", "Data completeness")
    assert len(part) == n and not {"baseline", "followup", "relative_change"} & set(part.columns)


def test_module_cohort_trainer_filters(demo_db, use_db):
    at = _officer(demo_db, use_db)
    _select(at, "flt_trainer", ["demo-trainer"])
    assert metric(at, "Enterprises") == "7"  # the trainer's Indian enterprises
    at.multiselect(key="flt_trainer").set_value([])
    _select(at, "flt_cohort", ["2021-H2"])
    n = int(metric(at, "Enterprises"))
    assert 0 < n < 37
    _select(at, "flt_module", ["SCORE4Climate"])
    assert int(metric(at, "Enterprises")) == n


def test_exports_follow_filters_and_suppress(demo_db, use_db):
    from tracker import auth, db, overview
    from tracker import io as tio

    engine = db.open_database(demo_db)
    admin = auth.authenticate(engine, "demo-admin", "demo-password")
    data = overview.load_data(engine, admin)
    small = overview.build(data, overview.Filters(country=("IN",), sector=("Rubber and plastics",)))
    csv = pd.read_csv(io.BytesIO(tio.overview_csv(small)), dtype=str)
    assert "country: IN; sector: Rubber and plastics" in csv["value"].iloc[0]
    per = csv[csv["table"] == "change per indicator"]
    assert (per["Mean change (%)"] == FEWER).all() and (per["Median change (%)"] == FEWER).all()
    xl = pd.read_excel(io.BytesIO(tio.overview_excel(small)), sheet_name=None, dtype=str)
    assert (xl["change per indicator"]["Pooled change (%)"] == FEWER).all()
    assert (xl["distribution"]["Median (%)"] == FEWER).all()
    everyone = overview.build(data)
    per = pd.read_csv(io.BytesIO(tio.overview_csv(everyone)), dtype=str)
    per = per[per["table"] == "change per indicator"]
    assert FEWER not in set(per["Mean change (%)"]) and per["Mean change (%)"].astype(float).lt(0).any()
    engine.dispose()

    at = _officer(demo_db, use_db)
    assert {b.label for b in at.get("download_button")} >= {"Download CSV", "Download Excel"}



def test_delivery_tab_shows_the_chain_and_follows_the_filters(demo_db, use_db):
    at = _officer(demo_db, use_db)
    pipeline = next(f for f in charts(at) if (f.layout.title.text or "").startswith("Trainers by step"))
    steps = {t.name: list(t.x) for t in pipeline.data if t.type == "bar"}
    # the demo's five trainers (README): certified in India, recommended in Viet Nam, three candidates
    assert sum(map(sum, steps.values())) == 5
    assert (sum(steps["certified"]), sum(steps["recommended"]), sum(steps["candidate"])) == (1, 1, 3)
    attendance = table_with(at, "two managers and two workers", "women's share")
    wc = attendance[attendance["module"] == "Workplace Cooperation"].iloc[0]
    # every demo enterprise sent one woman and one man manager, one woman and one man worker to WC
    assert (wc["attendees"], wc["women's share"], wc["two managers and two workers"]) == ("148", "50.0%", "100.0%")
    # the demo's rule (tracker.demo.trainings_for): a Chinese enterprise whose place in the loading
    # order (the case study first) is even took SCORE4Climate first
    first = sum(1 for i, e in enumerate(demo.synthetic_enterprises(), start=1) if e.country == "CN" and i % 2 == 0)
    assert first >= 1
    _select(at, "flt_country", ["CN"])
    assert metric(at, "Took another module before Workplace Cooperation (enterprises)") == (
        str(first) if first >= 3 else "fewer than 3")
    pipeline = next(f for f in charts(at) if (f.layout.title.text or "").startswith("Trainers by step"))
    assert sum(sum(t.x) for t in pipeline.data if t.type == "bar") == 1  # the Chinese candidate
    partners = table_with(at, "implementation partner", "with module records")
    assert partners["enterprises"].tolist() == [5]
