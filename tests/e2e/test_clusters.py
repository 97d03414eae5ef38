"""Clusters in a real browser: an admin records one with its selection criteria, an enterprise joins
it on its profile (a cluster of another country is refused), and the officer filters by it."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import demo_database, idle, pick, serve, sign_in
from tracker import demo

NEW = "Textiles, Tiruppur (synthetic)"
TEXTILES_IN = "Synthetic Textiles SME 15 (IN)"


@pytest.fixture(scope="module")
def clusters_url(tmp_path_factory):
    """A server of its own: these tests change clusters."""
    with serve(demo_database(tmp_path_factory.mktemp("clusters"))) as base:
        yield base


def _criterion(page, form, meaning: str) -> None:
    box = form.locator("[data-testid='stMultiSelect']").filter(has_text="Why it was chosen")
    box.locator("input").fill(meaning)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def _metric(page, label):
    return page.locator('[data-testid="stMetric"]').filter(has_text=re.compile(f"^{re.escape(label)}"))


def _filter(page, label, value):
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
    box.locator("input").fill(value)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def test_an_admin_records_a_cluster_an_enterprise_joins_and_the_officer_filters(clusters_url, page, tmp_path):
    sign_in(page, clusters_url, "demo-admin")
    page.get_by_role("link", name="Clusters", exact=True).click()
    expect(page.get_by_role("heading", name="Clusters", exact=True)).to_be_visible()
    idle(page)
    page.get_by_text("Add a cluster").click()
    add = page.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name="Add cluster"))
    add.get_by_role("textbox", name="Name").fill(NEW)
    add.get_by_role("textbox", name="Country (ISO code)").fill("IN")
    add.get_by_role("textbox", name="Region").fill("Tiruppur, Tamil Nadu")
    add.get_by_role("textbox", name="Sector").fill("Knitwear")
    _criterion(page, add, "lead buyers present")
    _criterion(page, add, "growth potential")
    add.get_by_role("button", name="Add cluster").click()
    expect(page.get_by_text(f"{NEW} added.")).to_be_visible()
    idle(page)
    page.screenshot(path=str(tmp_path / "1-cluster-added.png"), full_page=True)

    # picked again, it shows what was stored: both criteria, in the list's order
    pick(page, page, "Cluster", NEW)
    edit = page.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name=f"Save {NEW}"))
    chips = edit.locator("[data-testid='stMultiSelect'] [data-tag]")
    expect(chips).to_have_count(2)
    assert [t.strip() for t in chips.all_inner_texts()] == ["growth potential", "lead buyers present"]
    expect(edit.get_by_role("textbox", name="Region")).to_have_value("Tiruppur, Tamil Nadu")

    # an Indian knitwear maker joins; a Kenyan cluster is refused with the reason
    page.get_by_role("link", name="Profile and modules").click()
    pick(page, page.locator("[data-testid='stSidebar']"), "Enterprise", TEXTILES_IN)
    expect(page.get_by_role("heading", name=f"Profile: {TEXTILES_IN}")).to_be_visible()
    idle(page)
    profile = page.locator("[data-testid='stForm']").first
    pick(page, profile, "Cluster", demo.CLUSTER_RECORDS[1]["name"])
    profile.get_by_role("button", name=f"Save profile of {TEXTILES_IN}").click()
    expect(page.get_by_text(re.compile("is a cluster in KE; this enterprise is in IN"))).to_be_visible()
    idle(page)
    pick(page, profile, "Cluster", NEW)
    profile.get_by_role("button", name=f"Save profile of {TEXTILES_IN}").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    expect(profile.get_by_role("combobox", name="Cluster")).to_have_value(NEW)
    idle(page)
    page.screenshot(path=str(tmp_path / "2-enterprise-joined.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, clusters_url, "demo-officer")
    expect(_metric(page, "Enterprises")).to_contain_text("37")
    _filter(page, "Cluster", "Textiles, Tiruppur")
    expect(_metric(page, "Enterprises")).to_contain_text("1")
    _filter(page, "Cluster", "Pump and auto")  # the demo's Pune cluster: the case study and three Indian SMEs
    expect(_metric(page, "Enterprises")).to_contain_text("5")
    expect(_metric(page, "Countries")).to_contain_text("1")
    page.get_by_role("tab", name="Participants").click()
    expect(page.get_by_text("Who takes part")).to_be_visible()
    idle(page)
    page.screenshot(path=str(tmp_path / "3-officer-filters-by-cluster.png"), full_page=True)
