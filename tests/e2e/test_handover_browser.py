"""The hand-over files as a person opens them: the offline HTML on a 390 px phone, the PDF on paper.

The HTML is downloaded from the report page as a manager would, then opened from disk in a
phone-sized window: the page itself never scrolls sideways, each table scrolls inside its own
box, the charts fit. The PDF is made and downloaded the same way: A4 for the Indian case study,
no chart toolbar, charts as wide as the tables; its pages are saved as pictures to look at.
"""
from __future__ import annotations

import re
import shutil
import subprocess

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.words import internal_names

CASE = "Mechanical seals maker (case study, India)"

LAYOUT = """() => ({
  page: document.documentElement.scrollWidth,
  body: document.body.scrollWidth,
  tables: [...document.querySelectorAll('.table')].map(t => ({
      box: t.getBoundingClientRect().width, inside: t.scrollWidth, overflow: getComputedStyle(t).overflowX})),
  charts: [...document.querySelectorAll('.js-plotly-plot .main-svg')].map(s => s.getBoundingClientRect().width),
  toolbars: [...document.querySelectorAll('.modebar')].filter(m => m.offsetParent !== null).length,
  text: document.body.innerText,
})"""


def _download(page, button: str, path):
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    info.value.save_as(path)
    return path


def test_the_offline_report_reads_on_a_390px_phone(app_url, page, browser, tmp_path):
    sign_in(page, app_url, "demo-manager")
    expect(page.get_by_role("heading", name=CASE)).to_be_visible()
    saved = _download(page, "Report (HTML, works offline and prints)", tmp_path / "report.html")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True)
    try:
        p = phone.new_page()
        p.goto(saved.as_uri())
        expect(p.locator(".js-plotly-plot .main-svg").first).to_be_attached()
        p.screenshot(path=str(tmp_path / "phone-390.png"), full_page=True)
        layout = p.evaluate(LAYOUT)
    finally:
        phone.close()
    assert layout["page"] <= 390 and layout["body"] <= 390, "the page scrolls sideways on a phone"
    assert layout["tables"] and all(t["box"] <= 390 and t["overflow"] == "auto" for t in layout["tables"])
    assert any(t["inside"] > t["box"] for t in layout["tables"]), "a wide table scrolls inside its own box"
    assert layout["charts"] and all(w <= 390 for w in layout["charts"])
    assert layout["toolbars"] == 0
    assert internal_names(layout["text"]) == []


def test_the_pdf_is_a4_without_toolbars_and_charts_fill_the_page(app_url, page, browser, tmp_path):
    sign_in(page, app_url, "demo-manager")
    expect(page.get_by_role("heading", name=CASE)).to_be_visible()
    html_file = _download(page, "Report (HTML, works offline and prints)", tmp_path / "report.html")
    page.get_by_role("button", name="Make a PDF").click()
    pdf = _download(page, "Report (PDF)", tmp_path / "report.pdf").read_bytes()
    boxes = {(round(float(w)), round(float(h))) for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
    assert boxes == {(595, 842)}, "an Indian enterprise's report is printed on A4"
    if shutil.which("pdftoppm"):  # the pages as pictures, to look at
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(tmp_path / "report.pdf"), str(tmp_path / "pdf-page")],
                       check=True, timeout=120)

    # the same page as Chromium prints it: laid out at A4's width less the margins (186 mm = 703 px)
    printed = browser.new_context(viewport={"width": 703, "height": 1000})
    try:
        p = printed.new_page()
        p.emulate_media(media="print")
        p.goto(html_file.as_uri())
        expect(p.locator(".js-plotly-plot .main-svg").first).to_be_attached()
        p.screenshot(path=str(tmp_path / "print-emulated.png"), full_page=True)
        layout = p.evaluate(LAYOUT)
    finally:
        printed.close()
    assert layout["toolbars"] == 0, "a chart toolbar would be printed"
    assert layout["charts"] and min(layout["charts"]) >= max(t["box"] for t in layout["tables"]) - 1
    assert all(t["inside"] <= t["box"] + 1 for t in layout["tables"]), "a table wider than the paper"
