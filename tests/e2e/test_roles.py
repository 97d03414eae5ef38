"""Each demo role in a real browser sees only its pages; hostile names render as plain text."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, demo_database, serve, sign_in
from tracker import accounts, auth, enterprises, partners

ALL_PAGES = ["Programme overview", "Trainers", "Enterprise report", "Enter figures", "Improvement actions",
             "Profile and modules", "Users", "Partners", "Clusters", "Delivery workbook", "Audit log", "My account",
             "My trainer path", "Offline visit"]
ENTERPRISE = ["Enterprise report", "Enter figures", "Improvement actions", "Profile and modules", "My account"]
ROLE_PAGES = {"manager": ENTERPRISE, "trainer": ENTERPRISE + ["My trainer path", "Offline visit"],
              "officer": ["Programme overview", "Trainers", "My account"],
              "admin": [p for p in ALL_PAGES if p != "My trainer path"]}
LANDING = {"manager": "Mechanical seals maker (case study, India)",
           "trainer": "Mechanical seals maker (case study, India)",
           "officer": "Programme overview", "admin": "Programme overview"}


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_each_role_sees_only_its_pages(app_url, page, role):
    sign_in(page, app_url, f"demo-{role}")
    expect(page.get_by_role("heading", name=LANDING[role], exact=True)).to_be_visible()
    expect(page.get_by_test_id("stSidebarNavViewButton")).to_have_count(0)  # no page folded under "View more"
    links = page.locator('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]')
    expect(links).to_have_count(len(ROLE_PAGES[role]))
    shown = sorted(t.strip().splitlines()[-1] for t in links.all_inner_texts())  # after the icon's name
    assert shown == sorted(ROLE_PAGES[role])
    for title in set(ALL_PAGES) - set(ROLE_PAGES[role]):
        expect(page.get_by_role("link", name=title, exact=True)).to_have_count(0)
    expect(page.get_by_text(f"Signed in as demo-{role} ({role})")).to_be_visible()


HOSTILE = '<img src=x onerror=alert(1)>'


def _hostile(engine):
    admin = auth.authenticate(engine, "demo-admin", PASSWORD)
    partners.create_partner(engine, admin, "<script>alert(2)</script>", "other", "KE")
    eid = enterprises.create_enterprise(engine, admin, HOSTILE, "KE", sector='=HYPERLINK("http://x")',
                                        partner="<script>alert(2)</script>")
    accounts.create_user(engine, admin, "hostile-manager", "manager", [eid], password="hostile-password")


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    with serve(demo_database(tmp_path_factory.mktemp("hostile"), _hostile)) as base:
        yield base


def test_a_name_written_as_html_is_shown_as_text(hostile_url, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, hostile_url, "hostile-manager", "hostile-password")
    expect(page.get_by_role("heading", name=HOSTILE, exact=True)).to_be_visible()
    page.get_by_role("link", name="Profile and modules", exact=True).click()
    expect(page.get_by_role("heading", name=f"Profile: {HOSTILE}", exact=True)).to_be_visible()
    expect(page.get_by_role("combobox", name="Implementation partner")).to_have_value("<script>alert(2)</script>")
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []
