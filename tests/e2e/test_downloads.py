"""The files a person downloads are made when the button is pressed (not on every run of the
page) and hold what the page shows: the report as HTML, the figures as Excel, the templates."""
import io

import openpyxl
from playwright.sync_api import expect

from tests.e2e.conftest import download, sign_in

CASE = "Mechanical seals maker (case study, India)"


def test_report_figures_and_templates_download(downloads, app_url, tmp_path):
    page = downloads
    sign_in(page, app_url, "demo-manager")
    expect(page.get_by_role("heading", name=CASE)).to_be_visible()
    html = download(page, "Report (HTML, works offline and prints)", tmp_path, "report.html").decode()
    assert CASE in html and "Plotly.newPlot" in html
    book = openpyxl.load_workbook(io.BytesIO(download(page, "Figures (Excel)", tmp_path, "figures.xlsx")))
    assert book.sheetnames and any(CASE in str(c.value) for ws in book for row in ws.iter_rows() for c in row)
    page.screenshot(path=str(tmp_path / "report-after-downloads.png"), full_page=True)

    page.get_by_role("link", name="Enter figures").click()
    expect(page.get_by_role("heading", name=f"Enter figures: {CASE}")).to_be_visible()
    template = openpyxl.load_workbook(io.BytesIO(download(page, "Template (Excel)", tmp_path, "template.xlsx")))
    assert {"measurements", "Instructions"} <= set(template.sheetnames)
    assert [c.value for c in template["measurements"][1]][:3] == ["enterprise", "country", "sector"]
    csv = download(page, "Template (CSV)", tmp_path, "template.csv").decode()
    assert csv.splitlines()[0].startswith("enterprise,country,sector,period_start,period_end,phase")
    page.screenshot(path=str(tmp_path / "entry-after-downloads.png"), full_page=True)
