"""Implementation partners in a real browser: an admin adds one, an enterprise is linked to it on
its profile, and two spellings of one organisation are merged (after a confirmation)."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import demo_database, idle, pick, serve, sign_in
from tracker import demo

CASE = "Mechanical seals maker (case study, India)"
NEW = "Pump Buyers Network (synthetic)"


@pytest.fixture(scope="module")
def partners_url(tmp_path_factory):
    """A server of its own: these tests change partners."""
    with serve(demo_database(tmp_path_factory.mktemp("partners"))) as base:
        yield base


def _options(page, label: str) -> list[str]:
    """What the selectbox ``label`` offers (opened, read, closed)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    items = page.get_by_role("option")
    try:
        expect(items.first).to_be_visible(timeout=3000)
    except AssertionError:  # as in _pick
        box.click()
    expect(items.first).to_be_visible()
    texts = items.all_inner_texts()
    box.press("Escape")
    return texts


def test_an_admin_adds_a_partner_links_an_enterprise_and_merges_two(partners_url, page, tmp_path):
    sign_in(page, partners_url, "demo-admin")
    page.get_by_role("link", name="Partners", exact=True).click()
    expect(page.get_by_role("heading", name="Implementation partners")).to_be_visible()
    page.get_by_text("Add a partner").click()
    add = page.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name="Add partner"))
    add.get_by_role("textbox", name="Name").fill(NEW)
    pick(page, add, "Type", "lead buyer")
    add.get_by_role("textbox", name="Country (ISO code)").fill("in")
    add.get_by_role("button", name="Add partner").click()
    expect(page.get_by_text(f"{NEW} added.")).to_be_visible()
    idle(page)
    page.screenshot(path=str(tmp_path / "1-partner-added.png"), full_page=True)

    # the enterprise's profile offers the new partner in its picker; the choice is kept after the save
    page.get_by_role("link", name="Profile and modules").click()
    side = page.locator("[data-testid='stSidebar']")
    pick(page, side, "Enterprise", CASE)
    expect(page.get_by_role("heading", name=f"Profile: {CASE}")).to_be_visible()
    idle(page)
    profile = page.locator("[data-testid='stForm']").first
    expect(profile.get_by_role("combobox", name="Implementation partner")).to_have_value(demo.PARTNERS["IN"])
    pick(page, profile, "Implementation partner", NEW)
    profile.get_by_role("button", name=f"Save profile of {CASE}").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    expect(profile.get_by_role("combobox", name="Implementation partner")).to_have_value(NEW)
    idle(page)
    page.screenshot(path=str(tmp_path / "2-profile-linked.png"), full_page=True)

    # merged into the Indian federation: the case study follows, the new partner is gone
    page.get_by_role("link", name="Partners", exact=True).click()
    expect(page.get_by_role("heading", name="Implementation partners")).to_be_visible()
    pick(page, page, "Partner", NEW)
    merge = page.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name="Merge"))
    expect(merge.get_by_text(f"Merge or delete {NEW} (1 enterprise)")).to_be_visible()
    idle(page)
    pick(page, merge, "Merge into (its enterprises move there, then it is deleted)", demo.PARTNERS["IN"])
    merge.get_by_role("button", name="Merge").click()
    expect(page.get_by_text("Tick the box to confirm, then press the button again.")).to_be_visible()
    expect(merge.get_by_text(f"Merge or delete {NEW} (1 enterprise)")).to_be_visible()  # nothing merged
    merge.get_by_text("I am sure").click()
    merge.get_by_role("button", name="Merge").click()
    merged = page.get_by_text(f"{NEW} merged into {demo.PARTNERS['IN']} (1 moved).")
    expect(merged).to_be_visible()
    idle(page)
    merged.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "3-merged.png"))
    offered = _options(page, "Partner")
    assert NEW not in offered and demo.PARTNERS["IN"] in offered

    page.get_by_role("link", name="Profile and modules").click()
    expect(page.get_by_role("heading", name=f"Profile: {CASE}")).to_be_visible()
    expect(page.locator("[data-testid='stForm']").first.get_by_role("combobox", name="Implementation partner")
           ).to_have_value(demo.PARTNERS["IN"])
