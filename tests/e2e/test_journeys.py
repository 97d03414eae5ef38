"""A journey per role in a real browser: every page the role uses, read as a person reads it.

Each page's visible text (the page itself, the sidebar, the boxes' values, the cells of its tables
and the texts of its charts) is scanned for internal names: a column name such as `period_start`,
a time of 00:00:00 behind a date, `None`, `dimensionless`, a count written as `33.0`, a source
file's path. A full-page screenshot of every page is saved under the test's tmp_path.
"""
from __future__ import annotations

import pprint
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.words import internal_names

CASE = "Mechanical seals maker (case study, India)"
OTHER = "Synthetic Food SME 29 (IN)"

#: the page's texts as a person reads them: what is drawn as text, the values in its boxes, the
#: cells of its tables (drawn on a canvas; the grid keeps an accessible copy) and its charts' texts
READ_PAGE = """() => {
  const hide = document.createElement('style');  // icons are ligatures ('edit_note'), drawn as pictures
  hide.textContent = '[data-testid="stIconMaterial"] { display: none !important; }';
  document.head.appendChild(hide);
  const parts = [];
  for (const sel of ['[data-testid="stMain"]', '[data-testid="stSidebar"]']) {
    const el = document.querySelector(sel); if (el) parts.push(el.innerText);
  }
  for (const i of document.querySelectorAll('input, textarea')) if (i.type !== 'password') parts.push(i.value);
  for (const c of document.querySelectorAll('[data-testid="stDataFrame"] th, [data-testid="stDataFrame"] td'))
    parts.push(c.textContent);
  for (const t of document.querySelectorAll('.js-plotly-plot text')) parts.push(t.textContent);
  hide.remove();
  return parts.join('\\n');
}"""


def settled(page) -> None:
    """Wait until the script run is over and its charts and tables are drawn."""
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    for chart in page.locator('[data-testid="stPlotlyChart"]:visible').all():
        expect(chart.locator(".main-svg").first).to_be_attached()
    for grid in page.locator('[data-testid="stDataFrame"]:visible').all():
        expect(grid.locator("th").first).to_be_attached()


def look(page, folder, name: str) -> str:
    """Save a full-page screenshot of the page as ``name``.png and return the page's texts."""
    settled(page)
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(max(1000, int(height) + 60), 12000)})
    settled(page)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    # the tables draw only the columns in view: a window wide enough for all of them is read
    page.set_viewport_size({"width": 4000, "height": 1000})
    settled(page)
    text = page.evaluate(READ_PAGE)
    page.set_viewport_size({"width": 1400, "height": 1000})
    return text


def visit(page, title: str, heading) -> None:
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)  # a click during a run may be lost
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=heading).first).to_be_visible()


def _walk(page, tmp_path, role: str, steps) -> dict[str, list[str]]:
    bad = {}
    for i, (title, heading) in enumerate(steps, 1):
        visit(page, title, heading)
        name = f"{role}-{i:02d}-{re.sub(r'[^a-z]+', '-', title.lower()).strip('-')}"
        found = internal_names(look(page, tmp_path, name))
        if found:
            bad[title] = found
    return bad


ENTERPRISE_PAGES = [("Enterprise report", CASE), ("Enter figures", f"Enter figures: {CASE}"),
                    ("Improvement actions", f"Improvement actions: {CASE}"),
                    ("Profile and modules", f"Profile: {CASE}"), ("My account", "My account")]


def test_manager_journey_reads_words(app_url, page, tmp_path):
    sign_in(page, app_url, "demo-manager")
    expect(page.get_by_role("heading", name=CASE)).to_be_visible()
    bad = _walk(page, tmp_path, "manager", ENTERPRISE_PAGES)
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Enter figures", exact=True).click()
    page.get_by_text(re.compile(r"^Stored periods \(\d+\)$")).click()  # the table inside the expander
    text = look(page, tmp_path, "manager-06-stored-periods")
    if found := internal_names(text):
        bad["Stored periods"] = found
    assert bad == {}, pprint.pformat(bad)


def _pick(page, name: str) -> None:
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    box = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Enterprise")
    box.click()
    page.get_by_role("option", name=name, exact=True).click()
    expect(box).to_have_value(name)


def test_trainer_journey_reads_words(app_url, page, tmp_path):
    sign_in(page, app_url, "demo-trainer")
    expect(page.get_by_role("heading", name=CASE)).to_be_visible()
    bad = _walk(page, tmp_path, "trainer", ENTERPRISE_PAGES)
    visit(page, "Enterprise report", CASE)
    _pick(page, OTHER)  # a synthetic enterprise: diesel, waste by destination, production in pieces
    other = [(t, h.replace(CASE, OTHER)) for t, h in ENTERPRISE_PAGES if t != "My account"]
    bad.update({f"{t} ({OTHER})": v for t, v in _walk(page, tmp_path, "trainer-other", other).items()})
    assert bad == {}, pprint.pformat(bad)


def test_officer_journey_reads_words(app_url, page, tmp_path):
    sign_in(page, app_url, "demo-officer")
    expect(page.get_by_role("heading", name="Programme overview")).to_be_visible()
    bad = {}
    for i, tab in enumerate(["Results", "Participants", "Data quality", "Export"], 1):
        page.get_by_role("tab", name=tab).click()
        if found := internal_names(look(page, tmp_path, f"officer-{i:02d}-{tab.lower().replace(' ', '-')}")):
            bad[tab] = found
    bad.update(_walk(page, tmp_path, "officer-account", [("My account", "My account")]))
    assert bad == {}, pprint.pformat(bad)


@pytest.mark.parametrize("steps", [[("Programme overview", "Programme overview"), *ENTERPRISE_PAGES[:4],
                                    ("Users", "Users and enterprises"), ("Partners", "Implementation partners"),
                                    ("Clusters", "Clusters"), ("Trainers", "Trainers"),
                                    ("Audit log", "Audit log"),
                                    ("My account", "My account")]])
def test_admin_journey_reads_words(app_url, page, tmp_path, steps):
    sign_in(page, app_url, "demo-admin")
    expect(page.get_by_role("heading", name="Programme overview")).to_be_visible()
    bad = _walk(page, tmp_path, "admin", steps)
    assert bad == {}, pprint.pformat(bad)
