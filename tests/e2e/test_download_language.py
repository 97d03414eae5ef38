"""A file is made in the language chosen when it is downloaded (issue 12): the hand-over report, its figures,
the disclosures and the template's Instructions, downloaded by a person reading the tracker in French (here a
pseudo-French catalogue, every word as ⟦English⟧, so that a word left in English shows), are in French.

Streamlit makes a download when its button is pressed, in a thread of its own where the run's language is not
set: before ui.shared.in_language the files came out in English whatever the person had chosen."""
import io
import os
import re
import subprocess
import sys

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, ROOT, demo_database, idle, pick, serve

CASE = "Mechanical seals maker (case study, India)"


@pytest.fixture(scope="module")
def french_app(tmp_path_factory):
    """The app on a demo database with a pseudo-French catalogue (SCORE_LOCALE_DIR) for the server."""
    folder = tmp_path_factory.mktemp("pseudo")
    subprocess.run([sys.executable, "tools/i18n.py", "pseudo", str(folder)], cwd=ROOT, check=True,
                   capture_output=True)
    url = demo_database(tmp_path_factory.mktemp("e2e-lang"))
    before = os.environ.get("SCORE_LOCALE_DIR")
    os.environ["SCORE_LOCALE_DIR"] = str(folder)  # read by the server started now
    try:
        with serve(url) as base:
            yield base
    finally:
        if before is None:
            os.environ.pop("SCORE_LOCALE_DIR", None)
        else:
            os.environ["SCORE_LOCALE_DIR"] = before


@pytest.fixture
def downloads(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _download(page, label: str, folder, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile(re.escape(label))).click()
    path = folder / name
    info.value.save_as(path)
    return path.read_bytes()


def test_the_files_downloaded_are_in_the_language_chosen(downloads, french_app, tmp_path):
    page = downloads
    page.goto(french_app)
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

    html = _download(page, "Report (HTML, works offline and prints)", tmp_path, "report.html").decode()
    assert "<html lang='fr'>" in html
    assert "<h2>⟦Changes: baseline to latest follow-up⟧</h2>" in html
    assert "⟦SCORE4Climate tracker · generated " in html and CASE in html  # names stay as entered
    shown = page.context.new_page()  # the file as its reader opens it
    shown.goto((tmp_path / "report.html").as_uri())
    expect(shown.get_by_role("heading", name="⟦Changes: baseline to latest follow-up⟧")).to_be_visible()
    shown.screenshot(path=str(tmp_path / "2b-report-file-french.png"))
    shown.close()

    book = openpyxl.load_workbook(io.BytesIO(_download(page, "Figures (Excel)", tmp_path, "figures.xlsx")))
    assert "⟦Changes⟧" in book.sheetnames and "Changes" not in book.sheetnames
    head = [c.value for c in book["⟦Changes⟧"][1]]
    assert "⟦Relative change (%)⟧" in head

    vsme = openpyxl.load_workbook(io.BytesIO(_download(page, "VSME", tmp_path, "vsme.xlsx")))
    assert vsme.sheetnames[:2] == ["⟦About⟧", "⟦VSME basic module⟧"]
    rows = list(vsme["⟦VSME basic module⟧"].iter_rows(values_only=True))
    assert rows[0][:2] == ("⟦Reference⟧", "⟦Datapoint⟧") and rows[1][1] == "⟦Total energy consumption⟧"

    page.get_by_role("link", name=re.compile("Enter figures")).click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(CASE)))).to_be_visible()
    idle(page)
    template = openpyxl.load_workbook(io.BytesIO(_download(page, "Template (Excel)", tmp_path, "template.xlsx")))
    # the template's one format: the measurements sheet as in every language; its instructions in French
    assert template.sheetnames == ["measurements", "⟦Instructions⟧"]
    assert [c.value for c in template["measurements"][1]][:4] == ["enterprise", "country", "sector", "period_start"]
    first = [c.value for c in template["⟦Instructions⟧"][2]]
    assert first[0] == "⟦format⟧" and "YYYY-MM-DD" in first[1] and first[1].startswith("⟦")
    page.screenshot(path=str(tmp_path / "3-entry-french.png"), full_page=True)
