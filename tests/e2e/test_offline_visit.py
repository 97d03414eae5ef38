"""An offline visit in a real browser: the trainer downloads the package on the server, opens it on an
empty laptop through the first-run page, signs in there with their usual password and packs the visit;
back on the server, the upload shows the figure changed on both sides side by side (as exported, on the
server now, on the laptop), and the trainer's choice is merged."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from tests import visit_helpers as vh
from tests.e2e.conftest import demo_database, idle, serve, sign_in
from tracker import db
from tracker.models import AuditEntry

CASE = vh.CASE


def _with_base_figure(engine) -> None:
    vh.save_figure(engine, vh.sign_in(engine, "admin"), CASE, 1000)


def _visit_page(page) -> None:
    page.get_by_role("link", name="Offline visit").click()
    expect(page.get_by_role("heading", name="Offline visit")).to_be_visible()
    idle(page)


def test_a_trainer_takes_a_visit_out_and_resolves_a_conflict_on_upload(page, tmp_path):
    server_url = demo_database(tmp_path, _with_base_figure)
    package, back = tmp_path / "visit-demo-trainer.zip", tmp_path / "visit-back.zip"
    # 1. on the server: take the visit out
    with serve(server_url) as base:
        sign_in(page, base, "demo-trainer")
        _visit_page(page)
        with page.expect_download() as info:
            page.get_by_role("button", name="Download the visit package of demo-trainer").click()
        info.value.save_as(package)
        page.screenshot(path=str(tmp_path / "1-take-out.png"), full_page=True)
    assert set(vh.parts(package.read_bytes())) == {"manifest.json", "signature.txt", "visit.json"}

    # 2. the laptop: an empty database, opened from the package on the first-run page
    laptop_url = f"duckdb:///{tmp_path / 'laptop.duckdb'}"
    with serve(laptop_url) as lbase:
        page.goto(lbase)
        expect(page.get_by_text("Or: a laptop for an offline visit")).to_be_visible()
        page.locator("[data-testid='stFileUploaderDropzoneInput']").last.set_input_files(str(package))
        page.get_by_role("button", name=f"Open {package.name}").click()
        expect(page.get_by_text("The visit of demo-trainer is open: 7 enterprises")).to_be_visible()
        page.screenshot(path=str(tmp_path / "2-laptop-opened.png"), full_page=True)
    engine = db.open_database(laptop_url)  # the visit's work on the laptop (the entry form has tests of its own)
    vh.save_figure(engine, vh.sign_in(engine, "trainer"), CASE, 1200)
    engine.dispose()
    with serve(laptop_url) as lbase:
        sign_in(page, lbase, "demo-trainer")  # the usual password: its hash came in the package
        _visit_page(page)
        expect(page.get_by_text("This is the laptop of demo-trainer's visit")).to_be_visible()
        with page.expect_download() as info:
            page.get_by_role("button", name="Pack the visit to bring back").click()
        info.value.save_as(back)
        page.screenshot(path=str(tmp_path / "3-laptop-pack.png"), full_page=True)

    # meanwhile on the server: the admin changed the same figure
    engine = db.open_database(server_url)
    vh.save_figure(engine, vh.sign_in(engine, "admin"), CASE, 1100)
    engine.dispose()

    # 3. back on the server: upload, the conflict side by side, the trainer's choice
    with serve(server_url) as base:
        sign_in(page, base, "demo-trainer")
        _visit_page(page)
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(back))
        page.get_by_role("button", name="Merge visit-back.zip", exact=True).click()
        expect(page.get_by_text("1 record(s) were changed both on the server and during the visit")).to_be_visible()
        box = page.locator(".st-key-visit_0_0_conflict_0")
        cells = [box.get_by_text(t, exact=True) for t in ("1,000 kWh", "1,100 kWh", "1,200 kWh")]
        for label, cell in zip(("As exported", "On the server now", "On the laptop"), cells, strict=True):
            expect(box.get_by_text(label, exact=True)).to_be_visible()
            expect(cell).to_be_visible()
        idle(page)
        boxes = [c.bounding_box() for c in cells]
        # side by side: one row, base left of the server's, the server's left of the laptop's
        assert abs(boxes[0]["y"] - boxes[1]["y"]) < 5 and abs(boxes[1]["y"] - boxes[2]["y"]) < 5
        assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
        page.screenshot(path=str(tmp_path / "4-conflict.png"), full_page=True)
        page.get_by_role("button", name="Merge visit-back.zip with these choices").click()
        expect(page.get_by_text("Say which to keep for every record (1 left)")).to_be_visible()
        box.get_by_text("the laptop's").click()
        page.get_by_role("button", name="Merge visit-back.zip with these choices").click()
        expect(page.get_by_text("visit-back.zip: the visit of demo-trainer. 1 record(s) changed")).to_be_visible()
        idle(page)
        page.screenshot(path=str(tmp_path / "5-merged.png"), full_page=True)
    engine = db.open_database(server_url)
    assert vh.figures(engine, CASE)[vh.key_of(CASE)] == (1200.0, "kWh")
    with db.session_scope(engine, readonly=True) as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "offline visit")).all()
    assert [e.username for e in entries] == ["demo-trainer"] and '"value": 1200.0' in entries[0].after
    engine.dispose()
