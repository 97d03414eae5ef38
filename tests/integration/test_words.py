"""What people read in files and messages: words, not internal names; paper of the country;
a malformed CSV named by line; sign-ins and sign-outs in the audit log; the stage chart's axis."""
from __future__ import annotations

import datetime as dt
import html as htmlmod
import io
import re

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import select

from tests.words import internal_names
from tracker import activities, auth, charts, db, demo, enterprises, handover, pdf
from tracker import io as tio
from tracker.errors import RejectedInput
from tracker.models import AuditEntry
from tracker.report import enterprise_report

PASSWORD = "demo-password"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    eng = db.open_database(f"duckdb:///{tmp_path_factory.mktemp('words') / 'd.duckdb'}")
    demo.load(eng, PASSWORD)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def admin(engine):
    return auth.authenticate(engine, "demo-admin", PASSWORD)


def _id(engine, admin, name):
    ents = enterprises.list_enterprises(engine, admin)
    return int(ents.loc[ents["name"] == name, "id"].iloc[0])


def visible_text(page: str) -> str:
    """What a person reads of an HTML page: without scripts, styles and tags."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return htmlmod.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("name", [demo.CASE_STUDY, "Synthetic Food SME 29 (IN)"])
def test_the_handover_html_reads_in_words(engine, admin, name):
    page = handover.report_html(enterprise_report(engine, admin, _id(engine, admin, name)))
    text = visible_text(page)
    assert internal_names(text) == []
    assert "Period start" in text and "Emission factor (kg CO2e per kWh)" in text
    # the charts' texts, which plotly draws from the figure's JSON
    figures = re.findall(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\]),\s*\{", page, flags=re.S)
    assert figures and not any(re.search(r"material_wasted|natural_gas|period_start", f) for f in figures)


def test_the_handover_html_reads_on_a_phone_and_prints_without_a_toolbar(engine, admin):
    page = handover.report_html(enterprise_report(engine, admin, _id(engine, admin, demo.CASE_STUDY)))
    assert "<meta name='viewport' content='width=device-width, initial-scale=1'>" in page
    assert page.count("<div class='table'>") == page.count("<table") >= 4  # each table scrolls in its own box
    assert '"displayModeBar": false' in page and '"responsive": true' in page
    assert "@page { size: A4;" in page  # an Indian enterprise: A4


def test_paper_follows_the_country(engine, admin):
    # the CLDR US-Letter territories (BZ CA CL CO CR GT MX NI PA PH PR SV US VE); everywhere else A4
    assert [handover.paper_for(c) for c in ("US", "ca", "MX", "PH", "CO", "IN", "BO", "KE", "GB", "", None)] == \
        ["Letter"] * 5 + ["A4"] * 6
    report = enterprise_report(engine, admin, _id(engine, admin, demo.CASE_STUDY))
    report.enterprise = dict(report.enterprise, country="MX")
    assert "@page { size: Letter;" in handover.report_html(report)


def _media_boxes(data: bytes) -> set[tuple[float, float]]:
    return {(round(float(w)), round(float(h)))
            for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)}


def test_the_pdf_is_a4_in_india_and_letter_in_mexico(engine, admin):
    if pdf.pdf_available() is None:
        pytest.skip("no Chromium on this machine")
    report = enterprise_report(engine, admin, _id(engine, admin, demo.CASE_STUDY))
    assert _media_boxes(handover.report_pdf(report)) == {(595, 842)}  # A4: 210 x 297 mm in points
    report.enterprise = dict(report.enterprise, country="MX")
    assert _media_boxes(handover.report_pdf(report)) == {(612, 792)}  # Letter: 8.5 x 11 in


def test_the_handover_excel_reads_in_words(engine, admin):
    report = enterprise_report(engine, admin, _id(engine, admin, "Synthetic Food SME 29 (IN)"))
    book = openpyxl.load_workbook(io.BytesIO(handover.report_xlsx(report)))
    cells = "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                      for v in row if v is not None and not isinstance(v, (int, float, dt.datetime)))
    assert internal_names(cells) == []
    figures = list(book["Figures as entered"].iter_rows(values_only=True))
    head = figures[0]
    assert head[:4] == ("Enterprise", "Country", "Sector or cluster", "Period start")
    diesel = [r for r in figures[1:] if r[head.index("Carrier or destination")] == "Diesel"]
    assert diesel and isinstance(diesel[0][head.index("Period start")], dt.datetime)  # a date Excel can sort
    assert book["Figures as entered"]["D2"].number_format == "YYYY-MM-DD"  # shown without 00:00:00


def test_the_template_keeps_its_machine_names_and_explains_them_in_words():
    book = openpyxl.load_workbook(io.BytesIO(tio.template_bytes("xlsx")))
    head = [c.value for c in book["measurements"][1]]
    assert head[:5] == ["enterprise", "country", "sector", "period_start", "period_end"]  # a file format


CSV_HEAD = "enterprise,country,sector,period_start,period_end,phase,indicator,carrier,value,unit,note\n"
ROW = "Seal maker,IN,Rubber,2024-01-01,2024-03-31,baseline,energy,electricity,4300,kWh,\n"


def test_a_malformed_csv_names_its_lines_in_words():
    text = (CSV_HEAD + ROW                                                              # line 2
            + "Seals, Ltd,IN,Rubber,2024-01-01,2024-03-31,baseline,water,,5,m3,\n"    # line 3: a comma in a name
            + '"A note\nover two lines",IN,Rubber,2024-01-01,2024-03-31,baseline,water,,5,m3,\n'  # lines 4-5
            + ROW.replace("4300", '"1,20,000"') + ROW                                 # lines 6, 7
            + "Other,IN,Rubber,2024-01-01,2024-03-31,baseline,water,,5,m3,a,b\n")     # line 8
    with pytest.raises(RejectedInput) as refused:
        tio.read_table(text.encode(), "figures.csv")
    problems = refused.value.problems
    assert problems["row"].tolist() == [3, 8]
    assert problems["reason"].iloc[0] == ('12 cells where the header line has 11: a name or note with a comma in it '
                                          'must be put in double quotes ("Seals, Ltd")')
    assert problems["reason"].iloc[1].startswith("12 cells where the header line has 11")
    assert "tokenizing" not in str(refused.value) and "C error" not in str(refused.value)


def test_an_unclosed_quote_names_its_line():
    with pytest.raises(RejectedInput) as refused:
        tio.read_table((CSV_HEAD + ROW + ROW + '"Seals, Ltd,IN,Rubber\n' + ROW).encode(), "figures.csv")
    assert refused.value.problems["row"].tolist() == [4]
    assert refused.value.problems["reason"].iloc[0].startswith('a double quote (") is opened here and not closed')


def test_indian_grouping_and_form_words_in_a_file():
    parsed = tio.read_table((CSV_HEAD + ROW.replace("4300", '"1,20,000"')).encode(), "figures.csv")
    assert parsed.rows["value"].tolist() == [120000.0]
    with pytest.raises(RejectedInput) as refused:
        tio.read_table((CSV_HEAD + ROW.replace("2024-03-31", "2023-12-31")).encode(), "figures.csv")
    assert refused.value.problems["reason"].tolist() == ["Period end is before period start"]


def test_sign_ins_and_sign_outs_are_audited(engine):
    def log():
        with db.session_scope(engine) as s:
            return [(a.username, a.action) for a in s.scalars(
                select(AuditEntry).where(AuditEntry.table_name == "users").order_by(AuditEntry.id))]

    before = len(log())
    user = auth.authenticate(engine, "demo-officer", PASSWORD)
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, "demo-officer", "wrong-password")
    auth.record_sign_out(engine, user)
    auth.record_sign_out(engine, user, "expired")
    assert log()[before:] == [("demo-officer", "login"), ("demo-officer", "login-failed"),
                              ("demo-officer", "logout"), ("demo-officer", "logout-expired")]


def test_the_stage_chart_axis_covers_the_periods_not_a_later_action(engine, admin):
    eid = _id(engine, admin, demo.CASE_STUDY)
    report = enterprise_report(engine, admin, eid)
    late = pd.concat([report.actions, pd.DataFrame([dict(action_date=dt.date(2027, 6, 1), description="later",
                                                         investment=None, currency="", indicators="")])])
    fig = charts.stage_chart(report.stages, late)
    lo, hi = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    # the case study's periods run from 2023-01-01 to 2024-03-31: 455 days, a twentieth of which (22.75 days)
    # leaves no room for the 40-day bar on the last period's end: 45 days each side
    assert lo == pd.Timestamp("2022-11-17") and hi == pd.Timestamp("2024-05-15")
    assert activities.list_actions(engine, admin, eid)["action_date"].between(lo.date(), hi.date()).all()


def test_the_programme_exports_read_in_words(engine):
    from tracker import overview, published

    officer = auth.authenticate(engine, "demo-officer", PASSWORD)
    ov = published.programme_overview(engine, officer, overview.Filters(country=("IN",)))
    text = tio.overview_csv(ov).decode()
    assert internal_names(text) == []
    head = text.splitlines()[0].split(",")
    assert head[:5] == ["table", "value", "Indicator", "Unit", "Enterprises"] and "Mean change (%)" in head
    assert "change per indicator,,Materials wasted,kg," in text
    book = openpyxl.load_workbook(io.BytesIO(tio.overview_excel(ov)))
    cells = "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
                      if isinstance(v, str))
    assert internal_names(cells) == []
