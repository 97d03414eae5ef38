"""PDF files, printed from HTML by headless Chromium: the one way the tracker makes a PDF (the hand-over report,
results statements). No second PDF engine: a page prints as the browser shows it, charts included."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from metrics.i18n import _

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def pdf_available() -> str | None:
    """The browser that can print a PDF on this machine, or None."""
    for path in CHROMIUM_CANDIDATES:
        if Path(path).exists():
            return path
    return shutil.which("chromium")


def print_pdf(page_html: str, *, width: int, fallback: str, timeout: float = 90.0) -> bytes:
    """``page_html`` printed to PDF by headless Chromium in a window ``width`` px wide (charts are drawn to fill
    it; the paper is the page's CSS ``@page``). RuntimeError with what to do instead (``fallback``, e.g. "download
    the HTML report") when no Chromium is installed or printing fails."""
    browser = pdf_available()
    if browser is None:
        raise RuntimeError(_("PDF needs Chromium on the server (apt-get install chromium); {fallback} and print it "
                             "from a browser instead.").format(fallback=fallback))
    with tempfile.TemporaryDirectory() as tmp:
        page, out = Path(tmp) / "page.html", Path(tmp) / "page.pdf"
        page.write_text(page_html, encoding="utf-8")
        cmd = [browser, f"--window-size={width},1200", "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
               f"--user-data-dir={tmp}/profile",
               "--no-pdf-header-footer", "--virtual-time-budget=15000", f"--print-to-pdf={out}", page.as_uri()]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise RuntimeError(_("Printing the PDF took too long; {fallback} instead.").format(fallback=fallback)) \
                from None
        if not out.exists() or out.stat().st_size == 0:
            raise RuntimeError(_("Chromium could not print the PDF; {fallback} instead.").format(fallback=fallback))
        return out.read_bytes()
