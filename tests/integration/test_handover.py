"""Hand-over files: self-contained HTML (escaped, offline) and Excel."""
import io
import re

import openpyxl
import pytest

from tracker import auth, db, demo, handover, pdf
from tracker.report import enterprise_report


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    engine = db.open_database(f"duckdb:///{tmp_path_factory.mktemp('ho') / 'd.duckdb'}")
    demo.load(engine, "demo-password")
    manager = auth.authenticate(engine, "demo-manager", "demo-password")
    yield enterprise_report(engine, manager, manager.enterprise_ids[0])
    engine.dispose()


def test_html_is_self_contained_and_tells_the_case_study(report):
    page = handover.report_html(report)
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    assert len(page) > 1_000_000 and "Plotly.newPlot" in page  # plotly.js inline: works offline
    assert not re.search(r"<script[^>]+src=", page)  # nothing loaded from elsewhere
    assert "Guillotine" in page and "Preforming" in page


def test_html_escapes_names(report):
    report.enterprise["name"] = "<img src=x onerror=alert(1)>"
    page = handover.report_html(report)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_excel_has_the_figures(report):
    book = openpyxl.load_workbook(io.BytesIO(handover.report_xlsx(report)))
    assert {"Changes", "Stages", "Energy and emissions", "Improvement actions", "Figures as entered"} <= \
        set(book.sheetnames)
    stages = [r for r in book["Stages"].iter_rows(values_only=True)]
    assert stages[0][4] == "Yield (%)" and [round(r[4]) for r in stages[1:]] == [78, 88, 95]


def test_pdf_is_printed_by_chromium_where_it_is_installed(report):
    import os

    if pdf.pdf_available() is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("Chromium is required in CI")
        pytest.skip("no Chromium on this machine")
    data = handover.report_pdf(report)
    assert data.startswith(b"%PDF") and len(data) > 20_000


def test_html_numbers_are_readable_and_the_database_averages_stand_beside_the_reported(report):
    page = handover.report_html(report)
    assert not re.search(r"\d\.\d+e\+\d", page.split("<h2>", 1)[1].split("<script", 1)[0])  # no 2.151e+04
    averages = page.split("Programme averages for comparison", 1)[1]
    assert "-40.0%" in averages and "database mean" in averages and "database median" in averages


def test_excel_changes_are_per_day_rates_and_yield_in_percent(report):
    book = openpyxl.load_workbook(io.BytesIO(handover.report_xlsx(report)))
    rows = list(book["Changes"].iter_rows(values_only=True))
    head = rows[0]
    by_indicator = {r[head.index("Indicator")]: r for r in rows[1:]}
    assert by_indicator["Energy"][head.index("Unit")] == "kWh per day"
    assert by_indicator["Yield"][head.index("Unit")] == "%"
    assert round(by_indicator["Yield"][head.index("Baseline")]) == 78
    # the latest follow-up, 16,900 kWh in 91 days, against the baseline's 18,400 kWh in 90 days:
    # (16900 / 91) / (18400 / 90) - 1 = -9.16 %, in per cent
    assert by_indicator["Energy"][head.index("Relative change (%)")] == pytest.approx(-9.16, abs=0.01)


def test_a_pdf_is_tied_to_the_figures_it_was_made_from(report):
    # regression: a PDF made before new figures were saved was still offered afterwards
    again = report.__class__(**dict(report.__dict__))
    assert handover.fingerprint(again) == handover.fingerprint(report)
    fewer = report.__class__(**dict(report.__dict__, measurements=report.measurements.iloc[:-1]))
    assert handover.fingerprint(fewer) != handover.fingerprint(report)
