"""Text reads as typed (issue 16, item 9): an enterprise, sector, partner, cluster or action named
with a bare URL, Markdown or HTML shows as those characters in a real browser, in titles,
captions, buttons, the sidebar picker, the filters, the charts and the hand-over HTML: no live
link, no bold."""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect

import metrics
from tests.e2e.conftest import PASSWORD, demo_database, idle, pick, serve, sign_in
from tracker import accounts, activities, auth, clusters, demo, enterprises, measurements, partners

ENTERPRISE = "https://evil.example **bold** <b>x</b>"
SECTOR = "www.evil.example **bold** <b>x</b> sector"
PARTNER = "http://evil.example/p **bold** <b>x</b> [here](https://evil.example/l) partner"
CLUSTER = "https://evil.example/c **bold** <b>x</b> info@evil.example"
ACTION = "[click](https://evil.example/a) **bold** <b>x</b> https://evil.example/b"
CASE = "Mechanical seals maker (case study, India)"
#: an imported name may hold line breaks: Markdown would make a heading or a code block of them
LINES = "Two lines\n===\n\n    indented"

#: in the page: every link to the attacker's host (not a heading's own anchor, '#https-evil-example...'),
#: and every element that bolds, emphasises or links one of the words the names wrap in Markdown or
#: HTML
LEAKS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    const href = el.getAttribute('href') || el.getAttribute('xlink:href') || el.getAttribute('src') || '';
    if (href.includes('evil') && !href.startsWith('#')) out.push(tag + ' ' + href);
    const own = (el.textContent || '').trim();
    const style = (el.getAttribute('style') || '').replace(/ /g, '');
    if (['pre', 'code'].includes(tag) && own.includes('indented')) out.push(tag + ' ' + own);
    if (['bold', 'x', 'here', 'click'].includes(own)
        && (['a', 'b', 'strong', 'em', 'i'].includes(tag) || style.includes('font-weight:bold')))
      out.push(tag + ' ' + own);
  }
  return out;
}"""


def typed(text: str, prefix: str = "", suffix: str = "", whole: bool = True) -> re.Pattern:
    """``prefix + text + suffix`` as typed, as a person sees it (the whole text, or a part of it): the
    same characters, with invisible word joiners (U+2060, which stop bare links) allowed between them."""
    chars = [re.escape(ch).replace("/", "\\/") for ch in prefix + text + suffix]  # '/' ends a selector's regex
    pattern = "(?:\\u2060)?".join(chars)
    return re.compile(f"^{pattern}$" if whole else pattern)


def _hostile(engine):
    admin = auth.authenticate(engine, "demo-admin", PASSWORD)
    partners.create_partner(engine, admin, PARTNER, "other", "KE")
    clusters.create_cluster(engine, admin, CLUSTER, "KE", sector=SECTOR)
    eid = enterprises.create_enterprise(engine, admin, ENTERPRISE, "KE", sector=SECTOR, partner=PARTNER,
                                        cluster=CLUSTER)
    rows = demo.case_study_rows().assign(enterprise=ENTERPRISE, country="KE", sector=SECTOR)
    measurements.save_measurements(engine, admin, metrics.parse(rows))
    activities.add_action(engine, admin, eid, dt.date(2023, 2, 1), ACTION, 1000.0, "KES", ["yield"])
    case = int(enterprises.list_enterprises(engine, admin).set_index("name").loc[CASE, "id"])
    lines = enterprises.create_enterprise(engine, admin, LINES, "KE", sector=SECTOR)
    accounts.create_user(engine, admin, "plain-trainer", "trainer", [case, eid, lines], password="plain-password")


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    with serve(demo_database(tmp_path_factory.mktemp("plain"), _hostile)) as base:
        yield base


def _inert(page, where: str, shots, n: int) -> None:
    idle(page)
    page.screenshot(path=str(shots / f"{n}-{where}.png"), full_page=True)
    assert page.evaluate(LEAKS) == [], where


def _visit(page, link: str, heading) -> None:
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=heading, exact=isinstance(heading, str))).to_be_visible()


def test_names_with_urls_markdown_and_html_read_as_typed(hostile_url, page, tmp_path):
    sign_in(page, hostile_url, "plain-trainer", "plain-password")
    expect(page.get_by_role("heading", name=CASE, exact=True)).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    pick(page, sidebar, "Enterprise", ENTERPRISE)  # the picker lists the name as typed

    # the report: title, caption (sector, partner), the actions' key under the chart, the chart
    expect(page.get_by_role("heading", name=typed(ENTERPRISE))).to_be_visible()
    caption = page.get_by_test_id("stCaptionContainer").filter(has_text="Kenya · ")
    expect(caption).to_have_text(typed(f"Kenya · {SECTOR} · {PARTNER}"))
    expect(page.get_by_text(typed(f"Improvement actions marked ▲ on the chart: 1: {ACTION} (01 Feb 2023)."))) \
        .to_be_visible()
    _inert(page, "report", tmp_path, 1)
    with page.expect_download() as got:
        page.get_by_role("button", name="Report (HTML, works offline and prints)").click()
    handed = got.value.path().read_text(encoding="utf-8")

    _visit(page, "Enter figures", typed(ENTERPRISE, "Enter figures: "))
    expect(page.get_by_role("button", name=typed(ENTERPRISE, "Save for "))).to_be_visible()
    _inert(page, "entry", tmp_path, 2)

    _visit(page, "Improvement actions", typed(ENTERPRISE, "Improvement actions: "))
    _inert(page, "actions", tmp_path, 3)

    _visit(page, "Profile and modules", typed(ENTERPRISE, "Profile: "))
    expect(page.get_by_role("combobox", name="Implementation partner")).to_have_value(PARTNER)
    expect(page.get_by_role("combobox", name="Cluster")).to_have_value(CLUSTER)
    expect(page.get_by_role("button", name=typed(ENTERPRISE, "Save profile of "))).to_be_visible()
    _inert(page, "profile", tmp_path, 4)

    # a name with line breaks: one line of text, no code block
    sidebar.get_by_role("combobox", name="Enterprise").click()  # (its input holds the name without the breaks)
    page.get_by_role("option", name="Two lines === indented").click()
    expect(page.get_by_role("heading", name=typed("Two lines === indented", "Profile: "))).to_be_visible()
    _inert(page, "profile-lines", tmp_path, 5)

    # the hand-over file, opened as a person opens it
    page.set_content(handed)
    expect(page.get_by_role("heading", name=ENTERPRISE, exact=True)).to_be_visible()
    expect(page.get_by_text(ACTION, exact=False).first).to_be_visible()
    assert page.title() == f"{ENTERPRISE} - SCORE4Climate report"
    page.screenshot(path=str(tmp_path / "6-handover.png"), full_page=True)
    assert page.evaluate(LEAKS) == []


def _filter(page, label, value):
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
    box.locator("input").click()  # opens the list (filling alone may leave it shut)
    box.locator("input").fill(value)
    expect(page.get_by_role("option").first).to_be_visible()  # the list narrowed to the value typed
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def test_an_admin_sees_the_names_as_typed_in_the_overview_and_the_lists(hostile_url, page, tmp_path):
    sign_in(page, hostile_url, "demo-admin")
    expect(page.get_by_role("heading", name="Programme overview", exact=True)).to_be_visible()
    idle(page)
    bars = page.locator(".js-plotly-plot").filter(has_text="change by sector").first
    expect(bars).to_contain_text("<b>x</b>")  # the sector's tick label holds the characters typed
    bars.scroll_into_view_if_needed()
    bars.screenshot(path=str(tmp_path / "6-sector-chart.png"))
    _inert(page, "overview-all", tmp_path, 6)
    _filter(page, "Sector", SECTOR)  # the filter's value is named in the caption
    expect(page.get_by_text(typed(SECTOR, "Showing sector: ", ". ", whole=False))).to_be_visible()
    _inert(page, "overview-sector", tmp_path, 7)
    _filter(page, "Cluster", CLUSTER)
    expect(page.get_by_text(typed(CLUSTER, "; cluster: ", ". ", whole=False))).to_be_visible()
    _inert(page, "overview-cluster", tmp_path, 8)

    _visit(page, "Partners", "Implementation partners")
    pick(page, page, "Partner", PARTNER)
    expect(page.get_by_role("button", name=typed(PARTNER, "Save "))).to_be_visible()
    expect(page.get_by_text(typed(PARTNER, "Merge or delete "))).to_be_visible()
    _inert(page, "partners", tmp_path, 9)

    _visit(page, "Clusters", "Clusters")
    pick(page, page, "Cluster", CLUSTER)
    expect(page.get_by_role("button", name=typed(CLUSTER, "Save "))).to_be_visible()
    _inert(page, "clusters", tmp_path, 10)

    _visit(page, "Users", "Users and enterprises")
    picker = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Enterprise", exact=True))
    pick(page, picker, "Enterprise", ENTERPRISE)
    expect(page.get_by_role("textbox", name="Sector")).to_have_value(SECTOR)
    _inert(page, "users", tmp_path, 11)
