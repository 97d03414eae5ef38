"""Trainers' path in a real browser: an officer records a candidate's recommendation and
certification (a refused save keeps what was typed), and a trainer sees their own path only."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import demo_database, idle, pick, serve, sign_in

KE = "synthetic-trainer-ke"


@pytest.fixture(scope="module")
def trainers_url(tmp_path_factory):
    """A server of its own: these tests change trainers' profiles."""
    with serve(demo_database(tmp_path_factory.mktemp("trainers"))) as base:
        yield base


def _toe(modules: int, enterprises: int):
    return re.compile(rf"^Training of Enterprises: {modules} module\(s\) in {enterprises} enterprise\(s\)")


def _date(form, label: str):
    return form.locator("[data-testid='stDateInput']").filter(has_text=label).locator("input")


def test_an_officer_records_a_path_and_a_trainer_sees_their_own(trainers_url, page, tmp_path):
    sign_in(page, trainers_url, "demo-officer")
    page.get_by_role("link", name="Trainers", exact=True).click()
    expect(page.get_by_role("heading", name="Trainers", exact=True)).to_be_visible()
    idle(page)
    pick(page, page, "Trainer", KE)
    form = page.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name=f"Save path of {KE}"))
    expect(_date(form, "ToT (Training of Trainers) date")).to_have_value("2020-09-14")  # the demo's candidate
    expect(page.get_by_text(_toe(10, 5))).to_be_visible()
    idle(page)
    pick(page, form, "Status", "certified")
    form.get_by_role("textbox", name="Recommended by (Expert Trainer)").fill("E. Wanjiru, Expert Trainer")
    _date(form, "Recommended on").fill("2023-02-01")
    form.get_by_role("button", name=f"Save path of {KE}").click()
    expect(page.get_by_text("Give the date of certification. Nothing was saved.")).to_be_visible()
    # what was typed is still there
    expect(form.get_by_role("textbox", name="Recommended by (Expert Trainer)")).to_have_value(
        "E. Wanjiru, Expert Trainer")
    expect(_date(form, "Recommended on")).to_have_value("2023-02-01")
    idle(page)
    page.screenshot(path=str(tmp_path / "1-refused-keeps-what-was-typed.png"), full_page=True)
    _date(form, "Certified on").fill("2023-06-30")
    form.get_by_role("button", name=f"Save path of {KE}").click()
    expect(page.get_by_text(f"Path of {KE} saved.")).to_be_visible()
    idle(page)
    expect(form.get_by_role("combobox", name="Status")).to_have_value("certified")
    expect(_date(form, "Certified on")).to_have_value("2023-06-30")
    page.screenshot(path=str(tmp_path / "2-certified.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, trainers_url, "demo-trainer")
    page.get_by_role("link", name="My trainer path").click()
    expect(page.get_by_role("heading", name="My path as a trainer")).to_be_visible()
    status = page.locator("[data-testid='stMetric']").filter(has_text="Status")
    expect(status).to_contain_text("certified")
    expect(page.get_by_text(_toe(14, 7))).to_be_visible()
    idle(page)
    expect(page.get_by_role("combobox", name="Trainer")).to_have_count(0)  # no other trainer to pick
    expect(page.get_by_text(KE)).to_have_count(0)
    page.screenshot(path=str(tmp_path / "3-own-path.png"), full_page=True)
