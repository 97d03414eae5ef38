"""An administrator in a real browser: confirmations that say what they did, a refused form that
keeps what was typed, sign-ins and sign-outs in the audit log, and no Deploy button for anyone."""
from __future__ import annotations

import re
import tomllib

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, demo_database, pick, serve, sign_in


@pytest.fixture(scope="module")
def admin_url(tmp_path_factory):
    """A server of its own: these tests change accounts and add an enterprise."""
    with serve(demo_database(tmp_path_factory.mktemp("admin"))) as base:
        yield base


def _idle(page):
    """Wait until the script run is over: a click during a run may be lost to the next one."""
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)


def _click(page, button: str):
    _idle(page)
    page.get_by_role("button", name=button).click()


def _users(page):
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("heading", name="Users and enterprises")).to_be_visible()


def _pick_account(page, label: str):
    _idle(page)
    box = page.get_by_role("combobox", name="Account")
    box.click()
    page.get_by_role("option", name=label, exact=True).click()
    expect(box).to_have_value(label)


def test_reset_and_deactivate_ask_first_and_say_what_they_did(admin_url, page, tmp_path):
    sign_in(page, admin_url, "demo-admin")
    _users(page)
    _pick_account(page, "demo-trainer")
    _click(page, "Reset password")
    expect(page.get_by_text("Reset the password of demo-trainer? Their current password stops working at once"))\
        .to_be_visible()
    page.screenshot(path=str(tmp_path / "1-reset-asks.png"), full_page=True)
    _click(page, "Cancel")
    expect(page.get_by_role("button", name="Reset password")).to_be_visible()
    expect(page.get_by_text(re.compile("was reset"))).to_have_count(0)

    _click(page, "Reset password")
    _click(page, "Yes, reset the password")
    expect(page.get_by_text("The password of demo-trainer was reset; the old one no longer works.")).to_be_visible()
    new_password = page.locator('[data-testid="stCode"] code').inner_text().strip()
    assert len(new_password) >= 8

    expect(page.get_by_role("combobox", name="Account")).to_have_value("demo-trainer")  # still the one picked
    _click(page, "Deactivate")
    expect(page.get_by_text("Deactivate demo-trainer? They are signed out at once")).to_be_visible()
    _click(page, "Yes, deactivate")
    expect(page.get_by_text("demo-trainer was deactivated: they are signed out and cannot sign in.")).to_be_visible()
    expect(page.get_by_text("demo-trainer: trainer, deactivated: cannot sign in until reactivated")).to_be_visible()
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)  # the run is over
    page.screenshot(path=str(tmp_path / "2-deactivated.png"), full_page=True)

    _click(page, "Reactivate")
    _click(page, "Yes, reactivate")
    expect(page.get_by_text("demo-trainer was reactivated: they can sign in again.")).to_be_visible()


def test_a_refused_enterprise_keeps_what_was_typed(admin_url, page, tmp_path):
    sign_in(page, admin_url, "demo-admin")
    _users(page)
    page.get_by_text("Add an enterprise", exact=True).click()
    form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name="Add enterprise"))
    form.get_by_role("textbox", name="Name").fill("Ceramic Tiles Ltd")
    form.get_by_role("textbox", name="Country (ISO code)").fill("K1")  # not a country code
    form.get_by_role("textbox", name="Sector").fill("Ceramics")
    partner = form.get_by_role("combobox", name="Implementation partner")
    _idle(page)  # the run that opened the users page may still redraw the form and close a list
    pick(page, form, "Implementation partner", "Kenya Association of Manufacturers (synthetic)")
    form.get_by_role("button", name="Add enterprise").click()
    expect(page.get_by_text(re.compile("Nothing was added"))).to_be_visible()
    expect(form.get_by_role("textbox", name="Name")).to_have_value("Ceramic Tiles Ltd")
    expect(form.get_by_role("textbox", name="Sector")).to_have_value("Ceramics")
    expect(partner).to_have_value("Kenya Association of Manufacturers (synthetic)")
    page.screenshot(path=str(tmp_path / "3-refused-keeps.png"), full_page=True)

    form.get_by_role("textbox", name="Country (ISO code)").fill("KE")
    form.get_by_role("button", name="Add enterprise").click()
    expect(page.get_by_text("Enterprise Ceramic Tiles Ltd added.")).to_be_visible()
    expect(form.get_by_role("textbox", name="Name")).to_have_value("")  # an empty form for the next one
    page.screenshot(path=str(tmp_path / "4-added.png"), full_page=True)


def test_sign_ins_and_sign_outs_are_in_the_audit_log(admin_url, page, tmp_path):
    sign_in(page, admin_url, "demo-officer")
    expect(page.get_by_role("heading", name="Programme overview")).to_be_visible()
    _click(page, "Sign out")
    # the sign-in page itself, not the form left on screen while the first run drew the overview
    expect(page.get_by_text("Signed in as demo-officer", exact=False)).to_have_count(0)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    _idle(page)

    sign_in(page, admin_url, "demo-admin")
    expect(page.get_by_role("heading", name="Programme overview")).to_be_visible()
    _idle(page)
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Audit log", exact=True).click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    user = page.get_by_role("combobox", name="User")
    user.click()
    page.get_by_role("option", name="demo-officer", exact=True).click()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("2 entries shown")).to_be_visible()
    grid = page.locator('[data-testid="stDataFrame"]')
    expect(grid.locator("td").filter(has_text=re.compile(r"^signed out$"))).to_have_count(1)
    expect(grid.locator("td").filter(has_text=re.compile(r"^signed in$"))).to_have_count(1)
    page.screenshot(path=str(tmp_path / "5-audit-sign-ins.png"), full_page=True)


def test_no_deploy_button_and_no_usage_statistics(admin_url, page, tmp_path):
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["browser"]["gatherUsageStats"] is False
    sign_in(page, admin_url, "demo-admin")
    expect(page.get_by_role("heading", name="Programme overview")).to_be_visible()
    expect(page.locator('[data-testid="stToolbar"]')).to_be_attached()
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)  # the run is over
    expect(page.locator('[data-testid="stAppDeployButton"]')).to_have_count(0)
    expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
    page.locator('[data-testid="stMainMenu"]').click()  # the menu has no developer entries either
    menu = page.locator('[data-testid="stMainMenuList"]')
    expect(menu).to_be_visible()
    page.screenshot(path=str(tmp_path / "6-menu.png"))
    assert not re.search(r"Deploy|Clear cache|Developer options", menu.inner_text())
