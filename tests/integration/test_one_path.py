"""One computation path: one data set through the enterprise report, the programme overview (read
side, from enterprise_summary), the aggregate exports (CSV, Excel), the hand-over Excel and
metrics.summarize, every shared figure agreeing with figures worked out by hand below.

The data set holds the four cases that used to diverge (issue 10, item 6):

* enterprise A enters two yield rows in one period (rubber and steel): its stage yield is their
  mean, 84 % then 90 %, not their sum (168 %, waste share -68 %);
* enterprise Z's water baseline is 0: it has no relative change and is left out of the count,
  the mean, the median and the pooled change everywhere (metrics/programme.py, "Who counts");
* enterprise P enters production in pieces and in kg: it counts once, with the mean of its two
  changes, in the mean and the median;
* the report's database averages count enterprises as the overview does.

Every period below is 10 days long (baseline 2024-01-01..10, follow-up 2025-01-01..10), so a
per-day rate is the figure / 10 and a relative change is follow-up / baseline - 1.
"""
import datetime as dt
import io
import statistics

import openpyxl
import pandas as pd
import pytest

import metrics
from metrics import labels
from tracker import auth, charts, db, enterprises, handover, measurements, overview, published, tables
from tracker import io as tio
from tracker.db import session_scope
from tracker.report import enterprise_report

ADMIN = auth.system_user("test-admin")
OFFICER = auth.system_user("test-officer", role="officer")
BASE = (dt.date(2024, 1, 1), dt.date(2024, 1, 10))
FOLLOW = (dt.date(2025, 1, 1), dt.date(2025, 1, 10))

# (enterprise, indicator, carrier, unit, baseline figure, follow-up figure), each over 10 days
FIGURES = [
    ("A", "energy", "electricity", "kWh", 1000, 800),  # -20 %
    ("B", "energy", "electricity", "kWh", 500, 450),  # -10 %
    ("C", "energy", "electricity", "kWh", 200, 260),  # +30 %
    ("D", "energy", "electricity", "kWh", 300, 150),  # -50 %
    ("A", "water", "", "m3", 100, 80),  # -20 %
    ("B", "water", "", "m3", 50, 40),  # -20 %
    ("C", "water", "", "m3", 40, 50),  # +25 %
    ("Z", "water", "", "m3", 0, 50),  # zero baseline: no relative change
    ("A", "production", "", "piece", 1000, 1100),  # +10 %
    ("B", "production", "", "piece", 2000, 1800),  # -10 %
    ("C", "production", "", "kg", 500, 600),  # +20 %
    ("P", "production", "seals", "piece", 100, 150),  # +50 % } P counts once:
    ("P", "production", "rubber", "kg", 1000, 900),  # -10 %    } (+50 % - 10 %) / 2 = +20 %
    ("A", "yield", "rubber", "%", 78, 88),  # } A's yield: (78 + 90) / 2 = 84 % -> (88 + 92) / 2 = 90 %
    ("A", "yield", "steel", "%", 90, 92),  # }
    ("B", "yield", "", "%", 80, 84),
    ("C", "yield", "", "%", 90, 88),
]
# ten more enterprises, alike, so that the report may publish the database's mean and median (3 and
# 10 enterprises besides its own: tracker.published) and the overview's spread is counted in full
FILLERS = [f"F{i:02d}" for i in range(1, 11)]
FIGURES += [(f, indicator, carrier, unit, before, after) for f in FILLERS
            for indicator, carrier, unit, before, after in [
                ("energy", "electricity", "kWh", 100, 90),  # -10 %
                ("water", "", "m3", 10, 9),  # -10 %
                ("production", "", "piece", 100, 100),  # 0 %
                ("yield", "", "%", 80, 82)]]  # +2.5 %, +2 points


def _rows() -> pd.DataFrame:
    rows = []
    for name, indicator, carrier, unit, before, after in FIGURES:
        common = dict(enterprise=name, country="IN", sector="Textiles", indicator=indicator, carrier=carrier,
                      unit=unit, note="")
        rows += [dict(common, period_start=BASE[0], period_end=BASE[1], phase="baseline", value=before),
                 dict(common, period_start=FOLLOW[0], period_end=FOLLOW[1], phase="follow-up", value=after)]
    return pd.DataFrame(rows)


# --- the expected figures, by hand ---------------------------------------------------------------
ENERGY = [-0.2, -0.1, 0.3, -0.5] + [-0.1] * 10
WATER = [-0.2, -0.2, 0.25] + [-0.1] * 10  # Z left out
PRODUCTION = [0.1, -0.1, 0.2, (0.5 - 0.1) / 2] + [0.0] * 10  # P once, with the mean of its two changes
YIELD_CHANGE = [0.90 / 0.84 - 1, 0.84 / 0.80 - 1, 0.88 / 0.90 - 1] + [0.82 / 0.80 - 1] * 10
YIELD_POINTS = [90 - 84, 84 - 80, 88 - 90] + [2] * 10
EXPECTED = {
    # indicator: (enterprises, mean change, median change, pooled change, mean points); per-day rates:
    # energy A 100 -> 80, B 50 -> 45, C 20 -> 26, D 30 -> 15, each F 10 -> 9 kWh
    "energy": (14, sum(ENERGY) / 14, -0.1, (80 + 45 + 26 + 15 + 10 * 9) / (100 + 50 + 20 + 30 + 10 * 10) - 1, None),
    # water A 10 -> 8, B 5 -> 4, C 4 -> 5, each F 1 -> 0.9 m3 (Z: 0 -> 5, left out)
    "water": (13, sum(WATER) / 13, -0.1, (8 + 4 + 5 + 10 * 0.9) / (10 + 5 + 4 + 10 * 1) - 1, None),
    # sorted: -0.1, ten 0s, 0.1, 0.2, 0.2: the 7th and 8th are 0; pieces and kg: no pooled figure
    "production": (14, sum(PRODUCTION) / 14, 0.0, None, None),
    # sorted: -0.022, ten 0.025s, 0.05, 0.071: the 7th is 0.025
    "yield": (13, sum(YIELD_CHANGE) / 13, 0.82 / 0.80 - 1, None, sum(YIELD_POINTS) / 13),
}
# energy avoided: (100 - 80) + (50 - 45) + (20 - 26) + (30 - 15) + 10 x (10 - 9) = 44 kWh a day, x 365 / 1000
ENERGY_AVOIDED_MWH = 44 * 365 / 1000


def _close(got, want, what):
    if want is None:
        assert got is None or pd.isna(got), what
    else:
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12), what


def _number(cell):
    """A cell of a file as a number, None when empty."""
    return None if cell is None or pd.isna(cell) or cell == "" else float(cell)


def _sheet(xlsx: bytes, name: str) -> pd.DataFrame:
    """A sheet of a workbook, by its first column (the indicator, in words)."""
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx))[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0]).set_index(rows[0][0])


@pytest.fixture
def loaded(db_url):
    engine = db.open_database(db_url)
    measurements.save_measurements(engine, ADMIN, metrics.parse(_rows()), create_enterprises=True)
    ids = enterprises.list_enterprises(engine, ADMIN).set_index("name")["id"]
    yield engine, {name: int(i) for name, i in ids.items()}
    engine.dispose()


def test_one_data_set_gives_the_same_figures_everywhere(loaded):
    engine, ids = loaded

    # metrics.summarize over every measurement
    with session_scope(engine, readonly=True) as session:
        frame = measurements.measurement_frame(session, None)
    summarized = metrics.summarize(frame).set_index("indicator")
    assert sorted(summarized.index) == sorted(EXPECTED)

    # the programme overview, read from enterprise_summary, and its exports
    ov = published.programme_overview(engine, OFFICER)
    headline = ov.summary.set_index("indicator")
    by_country = ov.by_country.set_index(["country", "indicator"])
    over_time = ov.over_time.set_index(["followup_quarter", "indicator"])
    distribution = ov.distribution.set_index("indicator")
    # the files are for people: columns and indicators in words (metrics.labels), changes in %
    csv = pd.read_csv(io.BytesIO(tio.overview_csv(ov)))
    csv = csv[csv["table"] == "change per indicator"].set_index("Indicator")
    excel = _sheet(tio.overview_excel(ov), "change per indicator")


    # the enterprise report of A, its database averages and its hand-over Excel
    report = enterprise_report(engine, ADMIN, ids["A"])
    averages = report.database_averages.set_index("indicator")
    handed = _sheet(handover.report_xlsx(report), "Database averages")

    for indicator, (n, mean, median, pooled, points) in EXPECTED.items():
        for source, table in [("summarize", summarized), ("overview", headline),
                              ("overview by country", by_country.loc["IN"]),
                              ("overview by quarter", over_time.loc["2025Q1"]),
                              ("report's database averages", averages)]:
            row = table.loc[indicator]
            what = f"{indicator} in {source}"
            assert row["enterprises"] == n, what
            _close(row["mean_change"], mean, what + ": mean")
            _close(row["median_change"], median, what + ": median")
            _close(row["mean_points"], points, what + ": mean points")
            if "pooled_change" in table.columns:
                _close(row["pooled_change"], pooled, what + ": pooled")
        assert not headline.loc[indicator, "suppressed"]
        assert distribution.loc[indicator, "enterprises"] == n  # spread hidden below 10, count shown
        label = labels.indicator_label(indicator)
        for source, table in [("CSV", csv), ("Excel", excel)]:
            row = table.loc[label]
            assert int(row["Enterprises"]) == n, (indicator, source)
            for col, want in [("Mean change (%)", mean), ("Median change (%)", median),
                              ("Pooled change (%)", pooled)]:
                assert _number(row[col]) == (None if want is None else pytest.approx(round(want * 100, 2))), \
                    (indicator, source, col)
        row = handed.loc[label]  # the hand-over Excel's database averages, in %
        assert row["Enterprises"] == n
        assert row["Database mean change (%)"] == pytest.approx(mean * 100)
        assert row["Database median change (%)"] == pytest.approx(median * 100)
        assert _number(row["Database mean change (percentage points)"]) == (None if points is None
                                                                           else pytest.approx(points))

    # units: production in pieces and kg is "mixed" everywhere
    assert summarized.loc["production", "unit"] == headline.loc["production", "unit"] == "mixed"

    # energy avoided per year, over the 14 enterprises with energy
    impacts = ov.impacts.set_index("figure")
    assert impacts.loc["energy avoided", "enterprises"] == 14
    assert impacts.loc["energy avoided", "avoided"] == pytest.approx(ENERGY_AVOIDED_MWH)
    assert ov.impacts_by_country.set_index("country").loc["IN", "energy_avoided_mwh_per_year"] == pytest.approx(
        ENERGY_AVOIDED_MWH)

    # Z's zero baseline is named under data quality, not silently dropped
    quality = ov.quality[ov.quality["enterprise"] == "Z"]
    assert quality["issue"].str.contains("baseline of 0").any()


def test_an_enterprise_report_and_its_hand_over_agree_with_the_hand_figures(loaded):
    engine, ids = loaded
    report = enterprise_report(engine, ADMIN, ids["A"])
    # two yield rows in one period: their mean (84 %, 90 %), waste share 100 - yield
    assert report.stages["yield_pct"].tolist() == pytest.approx([84.0, 90.0])
    assert report.stages["waste_share_pct"].tolist() == pytest.approx([16.0, 10.0])
    fig = charts.stage_chart(report.stages, report.actions)
    line = next(t for t in fig.data if t.name == "Yield (%)")
    bars = next(t for t in fig.data if t.name == "Waste share (%)")
    assert list(line.y) == pytest.approx([84.0, 90.0]) and list(bars.y) == pytest.approx([16.0, 10.0])

    # A's own changes, in the units the page shows: per-day rates, yield in %
    want = {"energy": (100.0, 80.0, -0.2, "kWh per day"), "water": (10.0, 8.0, -0.2, "m3 per day"),
            "production": (100.0, 110.0, 0.1, "pieces per day"), "yield": (84.0, 90.0, 0.90 / 0.84 - 1, "%")}
    page = tables.changes_table(report.changes, report.periods).set_index("indicator")
    xlsx = handover.report_xlsx(report)
    excel = _sheet(xlsx, "Changes")
    assert _sheet(xlsx, "Stages")["Yield (%)"].tolist() == pytest.approx([84.0, 90.0])
    stored = overview.load_data(engine, ADMIN).summary
    stored = stored[stored["enterprise_id"] == ids["A"]].set_index("indicator")
    for indicator, (before, after, relative, unit) in want.items():
        label = labels.indicator_label(indicator)
        row = excel.loc[label]
        assert (row["Baseline"], row["Latest follow-up"]) == pytest.approx((before, after)), indicator
        assert row["Absolute change"] == pytest.approx(after - before) and row["Unit"] == unit
        assert row["Relative change (%)"] == pytest.approx(relative * 100), indicator
        assert stored.loc[indicator, "relative_change"] == pytest.approx(relative), indicator  # the overview's input
        assert page.loc[label, "relative change"] == f"{relative * 100:+.1f}%"
        assert page.loc[label, "follow-up period"] == "1 Jan–10 Jan 2025"
        assert page.loc[label, "baseline period"] == "1 Jan–10 Jan 2024"
    assert excel.loc["Yield", "Percentage points"] == pytest.approx(6.0)


def test_the_summary_table_and_metrics_agree_after_a_rebuild(loaded):
    """The overview reads enterprise_summary; metrics.counted_changes over it and over the
    measurements gives the same enterprises and changes."""
    engine, ids = loaded
    with session_scope(engine, readonly=True) as session:
        frame = measurements.measurement_frame(session, None)
    changes = metrics.enterprise_changes(frame.assign(enterprise=frame["enterprise_id"]))
    # with the figures per unit of production, which the summary holds as rows of their own
    changes = pd.concat([changes, metrics.normalised_changes(changes)[changes.columns]], ignore_index=True)
    from_rows = metrics.counted_changes(changes)
    from_table = overview.load_data(engine, ADMIN).counted
    key = ["enterprise", "indicator"]
    a = from_rows.sort_values(key)[key + ["relative_change", "points"]].reset_index(drop=True)
    b = from_table.sort_values(key)[key + ["relative_change", "points"]].reset_index(drop=True)
    b["indicator"] = b["indicator"].astype(str)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert statistics.mean(a.loc[a["indicator"] == "water", "relative_change"]) == pytest.approx(sum(WATER) / 13)
