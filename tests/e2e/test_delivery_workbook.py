"""The delivery workbook in a real browser: an admin downloads it, fills it in, uploads a file with
a bad line (refused, the line named, nothing stored), then the corrected one (stored)."""
import openpyxl
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import demo_database, idle, serve, sign_in


@pytest.fixture(scope="module")
def workbook_url(tmp_path_factory):
    """A server of its own: this test adds records."""
    with serve(demo_database(tmp_path_factory.mktemp("workbook"))) as base:
        yield base


def _upload(page, path):
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.get_by_role("button", name=f"Import {path.name}").click()


def test_an_admin_fills_the_workbook_and_uploads_it(workbook_url, page, tmp_path):
    sign_in(page, workbook_url, "demo-admin")
    page.get_by_role("link", name="Delivery workbook").click()
    expect(page.get_by_role("heading", name="Delivery workbook")).to_be_visible()
    idle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the delivery workbook").click()
    path = tmp_path / "delivery_workbook.xlsx"
    info.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Instructions", "Partners", "Clusters", "Trainers"]
    book["Partners"].append(["Mombasa Exporters' Union", "lead buyer", "KE"])
    book["Partners"].append(["Coast Chamber", "chamber", "KE"])  # not a type
    bad = book["Partners"].max_row
    bad_path = tmp_path / "filled-with-a-mistake.xlsx"
    book.save(bad_path)
    _upload(page, bad_path)
    expect(page.get_by_text("filled-with-a-mistake.xlsx was refused; nothing was stored")).to_be_visible()
    expect(page.get_by_text(f"Partners, line {bad}: The partner's type is one of")).to_be_visible()
    idle(page)
    page.screenshot(path=str(tmp_path / "1-refused.png"), full_page=True)

    book["Partners"].cell(bad, 2).value = "industry association"
    good_path = tmp_path / "filled.xlsx"
    book.save(good_path)
    _upload(page, good_path)
    expect(page.get_by_text("filled.xlsx stored. partners: 2 added, 0 changed")).to_be_visible()
    idle(page)
    expect(page.get_by_role("button", name="Import filled.xlsx")).to_have_count(0)  # the uploader is emptied
    page.screenshot(path=str(tmp_path / "2-stored.png"), full_page=True)

    page.get_by_role("link", name="Partners", exact=True).click()
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_contain_text("Coast Chamber")
    expect(table).to_contain_text("Mombasa Exporters' Union")
    idle(page)
    page.screenshot(path=str(tmp_path / "3-partners.png"), full_page=True)
