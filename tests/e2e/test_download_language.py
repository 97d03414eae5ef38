"""A file is made in the language chosen when it is downloaded (issue 12): the hand-over report, its figures,
the disclosures and the template's Instructions, downloaded by a person reading the tracker in French (here a
pseudo-French catalogue, every word as ⟦English⟧, so that a word left in English shows), are in French.

Streamlit makes a download when its button is pressed, in a thread of its own where the run's language is not
set: before ui.shared.in_language the files came out in English whatever the person had chosen."""
import io
import re

import openpyxl
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, download, idle, pick

CASE = "Mechanical seals maker (case study, India)"


def _within(label: str) -> re.Pattern:
    """A button whose name holds ``label`` (⟦label⟧ in the pseudo-language)."""
    return re.compile(re.escape(label))


def test_the_files_downloaded_are_in_the_language_chosen(downloads, pseudo_app, tmp_path):
    page = downloads
    page.goto(pseudo_app)
    pick(page, page, "Language", "Français")
    idle(page)
    page.screenshot(path=str(tmp_path / "1-sign-in-french.png"), full_page=True)
    # signed in on the same page (sign_in would load it again: a new session, the language not picked)
    page.get_by_role("textbox", name="User name").fill("demo-manager")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in")).click()
    expect(page.get_by_role("heading", name=CASE)).to_be_visible()
    idle(page)
    page.screenshot(path=str(tmp_path / "2-report-french.png"), full_page=True)

    html = download(page, _within("Report (HTML, works offline and prints)"), tmp_path, "report.html").decode()
    assert "<html lang='fr'>" in html
    assert "<h2>⟦Changes: baseline to latest follow-up⟧</h2>" in html
    assert "⟦SCORE4Climate tracker · generated " in html and CASE in html  # names stay as entered
    shown = page.context.new_page()  # the file as its reader opens it
    shown.goto((tmp_path / "report.html").as_uri())
    expect(shown.get_by_role("heading", name="⟦Changes: baseline to latest follow-up⟧")).to_be_visible()
    shown.screenshot(path=str(tmp_path / "2b-report-file-french.png"))
    shown.close()

    book = openpyxl.load_workbook(io.BytesIO(download(page, _within("Figures (Excel)"), tmp_path, "figures.xlsx")))
    assert "⟦Changes⟧" in book.sheetnames and "Changes" not in book.sheetnames
    head = [c.value for c in book["⟦Changes⟧"][1]]
    assert "⟦Relative change (%)⟧" in head

    vsme = openpyxl.load_workbook(io.BytesIO(download(page, _within("VSME"), tmp_path, "vsme.xlsx")))
    assert vsme.sheetnames[:2] == ["⟦About⟧", "⟦VSME basic module⟧"]
    rows = list(vsme["⟦VSME basic module⟧"].iter_rows(values_only=True))
    assert rows[0][:2] == ("⟦Reference⟧", "⟦Datapoint⟧") and rows[1][1] == "⟦Total energy consumption⟧"

    page.get_by_role("link", name=re.compile("Enter figures")).click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(CASE)))).to_be_visible()
    idle(page)
    template = download(page, _within("Template (Excel)"), tmp_path, "template.xlsx")
    template = openpyxl.load_workbook(io.BytesIO(template))
    # the template's one format: the measurements sheet as in every language; its instructions in French
    assert template.sheetnames == ["measurements", "⟦Instructions⟧"]
    assert [c.value for c in template["measurements"][1]][:4] == ["enterprise", "country", "sector", "period_start"]
    first = [c.value for c in template["⟦Instructions⟧"][2]]
    assert first[0] == "⟦format⟧" and "YYYY-MM-DD" in first[1] and first[1].startswith("⟦")
    page.screenshot(path=str(tmp_path / "3-entry-french.png"), full_page=True)
