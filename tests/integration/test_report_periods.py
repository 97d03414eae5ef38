"""The enterprise report says where each figure comes from (issue 10, item 4), on the page's data,
in the hand-over HTML (and so the PDF, printed from it) and in the hand-over Excel, on DuckDB and
PostgreSQL. Enterprise M's latest follow-up mixes periods: electricity of 2025 Q2 beside diesel of
Q1 (none entered since), materials wasted of Q2 beside material input of Q1. Rates per day are
round: baseline 2024 Q1 (91 days), follow-up 2025 Q1 (90 days) and Q2 (91 days)."""
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

import metrics
from tracker import auth, db, enterprises, handover, measurements
from tracker.report import enterprise_report

ADMIN = auth.system_user("test-admin")
Q1_24 = (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
Q1_25 = (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
Q2_25 = (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
FIGURES = [
    (Q1_24, "baseline", "energy", "electricity", 91 * 100), (Q1_24, "baseline", "energy", "diesel", 91 * 20),
    (Q1_25, "follow-up", "energy", "electricity", 90 * 90), (Q1_25, "follow-up", "energy", "diesel", 90 * 15),
    (Q2_25, "follow-up", "energy", "electricity", 91 * 80),
    (Q1_24, "baseline", "material_input", "", 91 * 100), (Q1_25, "follow-up", "material_input", "", 90 * 90),
    (Q1_24, "baseline", "material_wasted", "", 91 * 20), (Q1_25, "follow-up", "material_wasted", "", 90 * 12),
    (Q2_25, "follow-up", "material_wasted", "", 91 * 10),
]


def _save(engine, figures, name="M"):
    rows = [dict(enterprise=name, country="IN", sector="S", period_start=p[0], period_end=p[1], phase=phase,
                 indicator=ind, carrier=carrier, value=value, unit="kWh" if ind == "energy" else "kg", note="")
            for p, phase, ind, carrier, value in figures]
    measurements.save_measurements(engine, ADMIN, metrics.parse(pd.DataFrame(rows)), create_enterprises=True)
    ids = enterprises.list_enterprises(engine, ADMIN).set_index("name")["id"]
    return enterprise_report(engine, ADMIN, int(ids[name]))


@pytest.fixture
def engine(db_url):
    engine = db.open_database(db_url)
    yield engine
    engine.dispose()


def test_mixed_periods_are_named_and_compared_on_one_common_period(engine):
    report = _save(engine, FIGURES)
    assert report.followups_differ and report.common_period == (pd.Timestamp(Q1_25[0]), pd.Timestamp(Q1_25[1]))
    latest = report.changes.set_index("indicator")
    common = report.common_changes.set_index("indicator")
    assert latest.loc["energy", "relative_change"] == pytest.approx((80 + 15) / (100 + 20) - 1)
    assert common.loc["energy", "relative_change"] == pytest.approx((90 + 15) / (100 + 20) - 1)
    assert latest.loc["material_wasted", "relative_change"] == pytest.approx(10 / 20 - 1)
    assert common.loc["material_wasted", "relative_change"] == pytest.approx(12 / 20 - 1)
    assert "mixes periods" in report.periods_note() and "Jan–Mar 2025" in report.periods_note()

    page = handover.report_html(report)
    assert "<th>follow-up period</th>" in page and "<th>baseline period</th>" in page
    assert "Diesel Jan–Mar 2025; Electricity Apr–Jun 2025" in page
    assert "The same comparison on one common follow-up period, Jan–Mar 2025" in page
    assert f"{((90 + 15) / 120 - 1) * 100:+.1f}%" in page and f"{(95 / 120 - 1) * 100:+.1f}%" in page

    book = openpyxl.load_workbook(io.BytesIO(handover.report_xlsx(report)))  # read by people: in words
    periods = list(book["Where figures come from"].iter_rows(values_only=True))
    head = periods[0]
    by_series = {(r[head.index("Indicator")], r[head.index("Carrier or destination")]): r for r in periods[1:]}
    end = head.index("Follow-up period end")
    assert by_series[("Energy", "Electricity")][end] == dt.datetime(2025, 6, 30)
    assert by_series[("Energy", "Diesel")][end] == dt.datetime(2025, 3, 31)
    assert by_series[("Material input", None)][end] == dt.datetime(2025, 3, 31)
    changes = list(book["Changes"].iter_rows(values_only=True))
    row = {r[0]: r for r in changes[1:]}["Energy"]
    assert row[changes[0].index("Follow-up periods used")] == 2
    assert row[changes[0].index("Latest follow-up")] == pytest.approx(95.0)
    same = list(book["Common period"].iter_rows(values_only=True))
    row = {r[0]: r for r in same[1:]}["Energy"]
    assert row[same[0].index("Latest follow-up")] == pytest.approx(105.0)
    assert row[same[0].index("Follow-up periods used")] == 1


def test_one_period_for_every_figure_says_so_and_offers_nothing_more(engine):
    report = _save(engine, [f for f in FIGURES if f[0] != Q2_25])
    assert not report.followups_differ
    assert report.periods_note() == "Every follow-up figure compared comes from one period: Jan–Mar 2025."
    page = handover.report_html(report)
    assert "common follow-up period" not in page and "Jan–Mar 2025" in page
    assert "Common period" not in openpyxl.load_workbook(io.BytesIO(handover.report_xlsx(report))).sheetnames


def test_no_period_with_every_figure_says_what_to_enter(engine):
    figures = [f for f in FIGURES if not (f[2] == "material_input" and f[1] == "follow-up")]
    figures.append((Q2_25, "follow-up", "material_input", "", 91 * 80))  # input in Q2, diesel in Q1 only
    report = _save(engine, figures)
    assert report.followups_differ and report.common_period is None and report.common_changes.empty
    assert report.periods_note() == (
        "The latest follow-up mixes periods: each figure is its own latest one (see each row's follow-up period), "
        "compared as per-day rates. No follow-up period has every figure compared: to compare on one period, enter "
        "every figure for it (0 for a carrier no longer used).")
    assert "(0 for a carrier no longer used)" in handover.report_html(report)


def test_a_carrier_typed_as_markup_or_a_formula_stays_text_in_the_period_columns(engine):
    """Carriers of production and materials are free text: the period columns name them, escaped
    in the HTML and made inert in the Excel."""
    figures = [(Q1_24, "baseline", "material_input", "<img src=x onerror=alert(1)>", 91 * 100),
               (Q1_24, "baseline", "material_input", "=HYPERLINK(\"http://x\")", 91 * 10),
               (Q1_25, "follow-up", "material_input", "<img src=x onerror=alert(1)>", 90 * 90),
               (Q2_25, "follow-up", "material_input", "=HYPERLINK(\"http://x\")", 91 * 5)]
    report = _save(engine, figures)
    page = handover.report_html(report)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt; Jan–Mar 2025" in page
    book = openpyxl.load_workbook(io.BytesIO(handover.report_xlsx(report)))
    carriers = [r[1] for r in book["Where figures come from"].iter_rows(min_row=2, values_only=True)]
    assert "'=hyperlink(\"http://x\")" in carriers  # carriers are stored in lower case
    assert not any(str(c).startswith("=") for c in carriers)


def test_hand_over_files_name_their_parts_in_words(engine):
    report = _save(engine, FIGURES)
    page = handover.report_html(report)
    # the country's name and the sector, then the note on periods (a baseline of 91 days beside
    # follow-ups of 90 and 91), straight before the changes
    assert ("<div class='meta'>India · S</div><p>Periods differ in length, so extensive figures are compared as "
            "per-day rates.</p><h2>Changes") in page
    book = openpyxl.load_workbook(io.BytesIO(handover.report_xlsx(report)))
    assert {"Changes", "Where figures come from", "Energy and emissions", "Emission factors"} <= set(book.sheetnames)
    factors = list(book["Emission factors"].iter_rows(values_only=True))
    assert len(factors) == 1 + 2  # electricity of India in 2024 and in 2025: one factor per carrier, country, year


def test_hand_over_workbook_of_an_enterprise_without_energy(engine):
    q1_24 = dict(period_start=Q1_24[0], period_end=Q1_24[1])
    rows = [dict(enterprise="W", country="KE", sector="S", phase=phase, indicator="water", carrier="", value=value,
                 unit="m3", note="", **period)
            for phase, value, period in [("baseline", 91 * 10, q1_24),
                                         ("follow-up", 90 * 8, dict(period_start=Q1_25[0], period_end=Q1_25[1]))]]
    measurements.save_measurements(engine, ADMIN, metrics.parse(pd.DataFrame(rows)), create_enterprises=True)
    ids = enterprises.list_enterprises(engine, ADMIN).set_index("name")["id"]
    book = openpyxl.load_workbook(io.BytesIO(handover.report_xlsx(enterprise_report(engine, ADMIN, int(ids["W"])))))
    changes = list(book["Changes"].iter_rows(values_only=True))
    row = dict(zip(changes[0], changes[1], strict=True))
    assert row["Indicator"] == "Water" and row["Relative change (%)"] == pytest.approx((8 / 10 - 1) * 100)
    assert "Emission factors" not in book.sheetnames
