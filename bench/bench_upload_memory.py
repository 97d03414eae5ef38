"""The app's peak memory for the largest uploads it accepts (prints figures; not part of the tests).

    python bench/bench_upload_memory.py

Starts `streamlit run app.py` on a demo database, signs in as demo-admin in Chromium, uploads the
largest CSV file (tracker.uploads.MAX_CSV_ROWS rows) and the largest workbook
(MAX_XLSX_ROWS rows, written by pandas as Excel would be) the app accepts, and prints the
server's peak resident memory (VmHWM) after each, with the time each import took. The hostile
uploads (decompression bombs and the like) are measured by tests/e2e/test_upload_memory.py.
"""
from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from bench.bench_import import frame  # noqa: E402
from tests import bombs  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, demo_database, sign_in, start_server, stop_server, wait_ready  # noqa: E402
from tracker import io as tio  # noqa: E402
from tracker import uploads  # noqa: E402


def peak_mb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) // 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {"largest.csv": bombs.csv_rows(uploads.MAX_CSV_ROWS),
                 "largest.xlsx": tio.frame_bytes(frame(uploads.MAX_XLSX_ROWS // 20, 20), "xlsx")}
        for name, data in files.items():
            (folder / name).write_bytes(data)
            print(f"{name}: {len(data) / 1e6:.1f} MB")
        proc, base = start_server(demo_database(folder))
        try:
            wait_ready(proc, base)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(900_000)
                sign_in(page, base, "demo-admin")
                page.get_by_role("link", name="Enter figures").click()
                print(f"signed in: server peak {peak_mb(proc.pid)} MB")
                for name in files:
                    page.locator("input[type='file']").set_input_files(str(folder / name))
                    expect(page.get_by_test_id("stFileUploader").get_by_text(name, exact=True)).to_be_visible()
                    t = time.perf_counter()
                    page.get_by_role("button", name="Import file").click()
                    expect(page.get_by_text(re.compile(rf"^{re.escape(name)}: \d+ figures added"))).to_be_visible(
                        timeout=900_000)
                    print(f"{name}: imported in {time.perf_counter() - t:.0f} s, server peak {peak_mb(proc.pid)} MB")
                browser.close()
        finally:
            stop_server(proc)


if __name__ == "__main__":
    main()
