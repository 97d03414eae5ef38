"""Uploading a file on Enter figures, in a real browser: after an import the progress bar is gone and
the stored periods are current; deleting a period starts with nothing picked; a malformed CSV is
refused in words that name its line."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import demo_database, serve, sign_in

CASE = "Mechanical seals maker (case study, India)"
HEAD = "enterprise,country,sector,period_start,period_end,phase,indicator,carrier,value,unit,note\n"


@pytest.fixture(scope="module")
def upload_url(tmp_path_factory):
    """A server of its own: these tests store figures."""
    with serve(demo_database(tmp_path_factory.mktemp("upload"))) as base:
        yield base


def _open_entry(page, base):
    sign_in(page, base, "demo-manager")
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Enter figures", exact=True).click()
    expect(page.get_by_role("heading", name=f"Enter figures: {CASE}")).to_be_visible()


def _import(page, path):
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.get_by_role("button", name="Import file").click()


def test_after_an_import_the_bar_is_gone_and_the_periods_are_current(upload_url, page, tmp_path):
    _open_entry(page, upload_url)
    page.get_by_text("Stored periods (3)", exact=True).click()
    pick = page.get_by_role("combobox", name="Delete a period entered by mistake (wrong dates or phase)")
    expect(pick).to_have_value("")  # nothing preselected: the baseline is not offered for deletion by default
    expect(pick).to_have_attribute("placeholder", "Choose the period to delete")
    page.screenshot(path=str(tmp_path / "1-delete-nothing-picked.png"), full_page=True)

    good = tmp_path / "april.csv"
    good.write_text(HEAD + f'"{CASE}",IN,Rubber and plastics,2024-04-01,2024-06-30,follow-up,water,,"1,20,000",L,\n')
    _import(page, good)
    expect(page.get_by_text("april.csv: 1 figure added, 0 updated.")).to_be_visible()
    expect(page.locator('[data-testid="stProgress"]')).to_have_count(0)
    expect(page.get_by_text("Stored periods (4)", exact=True)).to_be_visible()
    expect(page.get_by_text("Stored periods (3)", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Import file")).to_have_count(0)  # the uploader is emptied
    page.get_by_text("Stored periods (4)", exact=True).click()
    expect(page.get_by_role("combobox", name=re.compile("^Delete a period"))).to_have_value("")
    page.screenshot(path=str(tmp_path / "2-after-import.png"), full_page=True)


def test_a_malformed_csv_is_refused_in_words_naming_its_line(upload_url, page, tmp_path):
    _open_entry(page, upload_url)
    bad = tmp_path / "figures.csv"
    bad.write_text(HEAD + f'"{CASE}",IN,Rubber,2024-07-01,2024-09-30,follow-up,water,,5,m3,\n'
                   + "Seals, Ltd,IN,Rubber,2024-07-01,2024-09-30,follow-up,water,,5,m3,\n")
    _import(page, bad)
    expect(page.get_by_text("figures.csv was refused; nothing was stored.", exact=False)).to_be_visible()
    expect(page.get_by_text('line 3: 12 cells where the header line has 11: a name or note with a comma in it must '
                            'be put in double quotes ("Seals, Ltd")')).to_be_visible()
    expect(page.get_by_text(re.compile("tokenizing|C error"))).to_have_count(0)
    page.screenshot(path=str(tmp_path / "3-malformed.png"), full_page=True)
