"""Two people saving the same period at once, each in their own browser: the second is shown what
the first saved and decides (row versions); the audit log holds both values."""
import datetime as dt
import json
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import PASSWORD, idle, new_page, pg_demo_database, pick, serve, sign_in
from tracker import db
from tracker.db import session_scope
from tracker.models import AuditEntry, Measurement

CASE = "Mechanical seals maker (case study, India)"


@pytest.fixture(scope="module")
def entry_db(pg_cluster):
    """The demo on PostgreSQL (a shared server's database, which the test reads while the app runs)."""
    url = pg_demo_database(pg_cluster, "concurrent_entry")
    with serve(url) as base:
        yield base, url


def _form(page):
    return page.locator("[data-testid='stForm']").first


def _electricity(page):
    return _form(page).get_by_role("textbox", name="Electricity value")


def _open_form(page, base, username, opens_at="2024-04-01"):
    """``username`` signs in on ``page`` (a browser of their own) and opens Enter figures."""
    sign_in(page, base, username, PASSWORD)
    page.get_by_role("link", name="Enter figures").click()
    expect(page.get_by_role("heading", name=f"Enter figures: {CASE}")).to_be_visible()
    # the quarter after the last one stored (the case study's last follow-up, for both in the first test)
    expect(_form(page).locator("input[type='date']").nth(0)).to_have_value(opens_at)


def _stored(url):
    engine = db.open_database(url, wait_seconds=10)
    try:
        with session_scope(engine, readonly=True) as s:
            figure = s.execute(select(Measurement.value, Measurement.updated_by, Measurement.version).where(
                Measurement.indicator == "energy", Measurement.period_start == dt.date(2024, 4, 1))).all()
            audit = s.execute(select(AuditEntry.username, AuditEntry.action, AuditEntry.before, AuditEntry.after)
                              .where(AuditEntry.table_name == "measurements",
                                     AuditEntry.action.in_(["insert", "update"])).order_by(AuditEntry.id)).all()
        return figure, audit
    finally:
        engine.dispose()


def test_the_second_person_sees_what_the_first_saved_and_decides(entry_db, browser, tmp_path):
    base, url = entry_db
    with new_page(browser) as manager_page, new_page(browser) as trainer_page:
        _open_form(manager_page, base, "demo-manager")
        _open_form(trainer_page, base, "demo-trainer")  # both forms open on the same period
        _electricity(manager_page).fill("17000")
        _form(manager_page).get_by_role("button", name=f"Save for {CASE}").click()
        expect(manager_page.get_by_text(re.compile(r"^Saved for .*2024-04-01 to 2024-06-30: 1 new figure,"))) \
            .to_be_visible()
        manager_page.screenshot(path=str(tmp_path / "1-manager-saved.png"), full_page=True)

        _electricity(trainer_page).fill("16500")
        _form(trainer_page).get_by_role("button", name=f"Save for {CASE}").click()
        expect(trainer_page.get_by_text(re.compile(r"^Nothing was saved: demo-manager saved figures of this period"))) \
            .to_be_visible()
        table = trainer_page.get_by_test_id("stTable").filter(has_text="saved by them")
        expect(table).to_be_visible()
        trainer_page.screenshot(path=str(tmp_path / "2-trainer-told.png"), full_page=True)
        row = table.locator("tbody tr")
        expect(row).to_have_count(1)
        expect(row.locator("td")).to_have_text(["Electricity", "follow-up", "2024-04-01", "2024-06-30", "17000 kWh",
                                                "demo-manager", re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$"),
                                                "16500 kWh"])
        expect(_electricity(trainer_page)).to_have_value("16500")  # what they typed is still there
        figure, _ = _stored(url)
        assert figure == [(17000.0, "demo-manager", 1)]  # nothing overwritten yet

        trainer_page.get_by_role("button", name="Replace theirs with mine").click()
        expect(trainer_page.get_by_text(re.compile(r"^Saved for .*: 0 new figures, 1 updated"))).to_be_visible()
        expect(_electricity(trainer_page)).to_have_value("")
        trainer_page.screenshot(path=str(tmp_path / "3-trainer-replaced.png"), full_page=True)
        figure, audit = _stored(url)
        assert figure == [(16500.0, "demo-trainer", 2)]
        inserted = [(e.username, f[6]) for e in audit if e.action == "insert"
                    for f in json.loads(e.after)["figures"] if f[1] == "2024-04-01"]
        assert inserted == [("demo-manager", 17000.0)]
        update = [e for e in audit if e.action == "update"][-1]
        assert (update.username, json.loads(update.before)["value"], json.loads(update.after)["value"]) == (
            "demo-trainer", 17000.0, 16500.0)

        # the other way round: the manager, whose form opened before the trainer's save, keeps theirs
        _electricity(manager_page).fill("18000")  # the manager's form is a new one, on the next quarter
        start = _form(manager_page).locator("input[type='date']").nth(0)
        start.fill("2024-04-01")
        _form(manager_page).locator("input[type='date']").nth(1).fill("2024-06-30")
        _form(manager_page).get_by_role("button", name=f"Save for {CASE}").click()
        expect(manager_page.get_by_text(re.compile(r"^Nothing was saved: demo-trainer saved figures"))).to_be_visible()
        manager_page.get_by_role("button", name="Keep theirs (discard mine)").click()
        expect(manager_page.get_by_text(re.compile(r"^Kept the figures demo-trainer saved"))).to_be_visible()
        manager_page.screenshot(path=str(tmp_path / "4-manager-kept-theirs.png"), full_page=True)
        assert _stored(url)[0] == [(16500.0, "demo-trainer", 2)]


def test_a_period_deleted_and_entered_again_while_a_form_is_open_is_no_silent_overwrite(entry_db, browser, tmp_path):
    """Regression: the figure entered again started at version 1, the version the other form had
    seen, and the other person's save replaced it without a word."""
    base, url = entry_db
    with new_page(browser) as manager_page:
        _open_form(manager_page, base, "demo-manager", "2024-07-01")
        _electricity(manager_page).fill("17500")
        _form(manager_page).get_by_role("button", name=f"Save for {CASE}").click()
        expect(manager_page.get_by_text(re.compile(r"^Saved for .*2024-07-01 to 2024-09-30: 1 new figure,"))) \
            .to_be_visible()  # the manager's new form has seen it, at version 1

        with new_page(browser) as trainer_page:  # the trainer deletes the quarter and enters it again
            _open_form(trainer_page, base, "demo-trainer", "2024-10-01")
            trainer_page.get_by_text(re.compile(r"^Stored periods")).click()
            delete = trainer_page.locator("[data-testid='stForm']").filter(
                has=trainer_page.get_by_role("button", name="Delete"))
            pick(trainer_page, delete, "Delete a period entered by mistake",
                 "follow-up 2024-07-01 to 2024-09-30 (1 figure)")
            delete.get_by_text("Yes, delete its figures").click()
            delete.get_by_role("button", name="Delete").click()
            expect(trainer_page.get_by_text("Deleted 1 figure: follow-up 2024-07-01 to 2024-09-30 (1 figure).")) \
                .to_be_visible()
            expect(_form(trainer_page).locator("input[type='date']").nth(0)).to_have_value("2024-07-01")
            _electricity(trainer_page).fill("18000")
            _form(trainer_page).get_by_role("button", name=f"Save for {CASE}").click()
            expect(trainer_page.get_by_text(re.compile(r"^Saved for .*2024-07-01 to 2024-09-30: 1 new figure,"))) \
                .to_be_visible()

        # the manager, whose form saw the deleted figure, saves the quarter over it
        idle(manager_page)
        dates = _form(manager_page).locator("input[type='date']")
        dates.nth(0).fill("2024-07-01")
        dates.nth(1).fill("2024-09-30")
        _electricity(manager_page).fill("16000")
        _form(manager_page).get_by_role("button", name=f"Save for {CASE}").click()
        expect(manager_page.get_by_text(re.compile(r"^Nothing was saved: demo-trainer saved figures"))).to_be_visible()
        row = manager_page.get_by_test_id("stTable").filter(has_text="saved by them").locator("tbody tr")
        expect(row.locator("td").nth(4)).to_have_text("18000 kWh")
        expect(row.locator("td").nth(5)).to_have_text("demo-trainer")
        manager_page.screenshot(path=str(tmp_path / "5-manager-told-of-the-figure-entered-again.png"),
                                full_page=True)
        engine = db.open_database(url, wait_seconds=10)
        try:
            with session_scope(engine, readonly=True) as s:
                stored = s.execute(select(Measurement.value, Measurement.updated_by, Measurement.version).where(
                    Measurement.indicator == "energy", Measurement.period_start == dt.date(2024, 7, 1))).all()
        finally:
            engine.dispose()
        assert stored == [(18000.0, "demo-trainer", 1)]
