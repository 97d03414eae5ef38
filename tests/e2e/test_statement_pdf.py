"""The results statement as a PDF, as a person gets it (issue 14 item 2): the seal maker's manager issues a
statement on the report page and downloads its HTML and its PDF; the PDF is the same one-page statement (its id,
period, factor set and figures), a second download is the same file, and `statement verify` accepts it as issued
and refuses it with one byte changed.

By hand (as in tests/e2e/test_targets_browser.py): energy 18,400 kWh over 90 days at baseline, 16,900 kWh over 91
days in Jan-Mar 2024: a change of (16,900 / 91) / (18,400 / 90) - 1 = -9.2 %; the -20 % target by 31 Mar 2025 is
behind with (16,900 / 91 - 0.8 x 18,400 / 90) x 365 = 8,088 kWh a year still needed.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import demo_database, idle, serve, sign_in
from tracker import auth, db, statements, targets

CASE = "Mechanical seals maker (case study, India)"


def _energy_target(engine):
    seal = auth.authenticate(engine, "demo-manager", "demo-password").enterprise_ids[0]
    targets.set_target(engine, auth.system_user("test-admin"), seal, "energy", "absolute", 0.20, dt.date(2025, 3, 31))


def _download(page, name: str, path):
    button = page.get_by_role("button", name=name)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as info:  # the first PDF is printed on the click
        button.click()
    info.value.save_as(path)
    return path.read_bytes()


def test_the_statement_downloads_as_a_one_page_pdf_that_verify_accepts(page, tmp_path):
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("pdftotext (poppler-utils) is required in CI")
        pytest.skip("no pdftotext on this machine (apt-get install poppler-utils)")
    url = demo_database(tmp_path, _energy_target)
    with serve(url) as base:
        sign_in(page, base, "demo-manager")
        expect(page.get_by_role("heading", name=CASE)).to_be_visible()
        page.get_by_role("button", name="Issue a results statement").click()
        issued = page.get_by_text(re.compile(r"^Statement S4C-[0-9A-F]{16} issued\.$"))
        expect(issued).to_be_visible()
        sid = re.search(r"S4C-[0-9A-F]{16}", issued.inner_text()).group(0)
        idle(page)
        page.get_by_role("button", name="Statement (PDF)").scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "1-statement-buttons.png"))
        html_file = _download(page, "Statement (HTML)", tmp_path / "statement.html")
        pdf_file = _download(page, "Statement (PDF)", tmp_path / "statement.pdf")
        again = _download(page, "Statement (PDF)", tmp_path / "statement-again.pdf")
        page.screenshot(path=str(tmp_path / "2-after-downloads.png"))
    assert pdf_file.startswith(b"%PDF") and again == pdf_file  # printed once: the same file every time
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(tmp_path / "statement.pdf"), str(tmp_path / "3-pdf-page")],
                   check=True, timeout=120)  # the page as a picture, to look at
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "statement.pdf"), "-"], capture_output=True,
                          check=True, timeout=60).stdout.decode("utf-8")
    assert text.count("\f") == 1, "one page"
    flat = " ".join(text.split())
    page_html = html_file.decode("utf-8")
    assert f"Statement {sid}" in flat and f"Statement {sid}" in page_html
    assert "2024-01-01 to 2024-03-31" in flat and "2024-01-01 to 2024-03-31" in page_html
    change = f"{((16_900 / 91) / (18_400 / 90) - 1) * 100:+.1f}%"  # -9.2 %
    assert f"Change: Energy {change}" in flat and change in page_html
    needed = f"{(16_900 / 91 - 0.8 * 18_400 / 90) * 365:,.0f} kWh a year"  # 8,088
    assert needed in flat and needed in page_html and "behind" in flat

    engine = db.open_database(url)  # the server stopped: verify as `python -m tracker statement verify` does
    try:
        assert statements.issued_form(engine, sid, pdf_file) == "PDF"
        assert statements.issued_form(engine, sid, html_file) == "HTML"
        changed = bytearray(pdf_file)
        changed[len(changed) // 3] ^= 0x20
        assert statements.issued_form(engine, sid, bytes(changed)) is None
    finally:
        engine.dispose()
