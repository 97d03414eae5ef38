"""No upload takes the app over 1 GB: decompression bombs and the largest file accepted, uploaded in
Chromium to a real `streamlit run app.py`, with the server's peak memory read from /proc."""
import json
import re

from playwright.sync_api import expect

from tests import bombs
from tests.e2e.conftest import demo_database, sign_in, start_server, stop_server, wait_ready
from tracker import uploads

LIMIT_MB = 1024


def _peak_mb(pid: int) -> int:
    """The server's peak resident memory so far (VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) // 1024


def test_no_upload_takes_the_server_over_1_gb(browser, tmp_path):
    files = {"bomb-300MB.xlsx": bombs.bomb(300), "bomb-3GB.xlsx": bombs.bomb(3000),
             "rows-300MB.xlsx": bombs.many_rows(300), "lying.xlsx": bombs.lying_sizes(),
             "sparse.xlsx": bombs.sparse_rows(), "wide.xlsx": bombs.wide_rows(),
             "entities.xlsx": bombs.entity_expansion(),
             "too-many-rows.csv": bombs.csv_rows(uploads.MAX_CSV_ROWS + 1),
             "largest-accepted.csv": bombs.csv_rows(uploads.MAX_CSV_ROWS)}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    proc, base = start_server(demo_database(tmp_path))
    measured = {}
    try:
        wait_ready(proc, base)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(120_000)
        sign_in(page, base, "demo-admin")
        page.get_by_role("link", name="Enter figures").click()
        expect(page.get_by_role("heading", name=re.compile("^Enter figures"))).to_be_visible()
        measured["signed in"] = _peak_mb(proc.pid)
        for name in files:
            page.locator("input[type='file']").set_input_files(str(tmp_path / name))
            expect(page.get_by_test_id("stFileUploader").get_by_text(name, exact=True)).to_be_visible()  # sent
            # the rerun the new file starts clears the last refusal: the page is ready for the click
            expect(page.get_by_text(re.compile("was refused; nothing was stored"))).to_have_count(0)
            page.get_by_role("button", name="Import file").click()
            if name == "largest-accepted.csv":
                expect(page.get_by_text(re.compile(rf"{name}: {uploads.MAX_CSV_ROWS} figures added"))).to_be_visible(
                    timeout=600_000)
            else:
                expect(page.get_by_text(re.compile(rf"^{re.escape(name)} was refused; nothing was stored"))) \
                    .to_be_visible()
            measured[name] = _peak_mb(proc.pid)
            page.screenshot(path=str(tmp_path / f"upload-{name}.png"), full_page=True)
        context.close()
    finally:
        stop_server(proc)
    (tmp_path / "peak-memory-mb.json").write_text(json.dumps(measured, indent=1))
    print("server peak memory (MB) after each upload:", json.dumps(measured))
    assert max(measured.values()) < LIMIT_MB, measured
