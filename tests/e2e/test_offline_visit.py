"""An offline visit in a real browser: the trainer downloads the package on the server, opens it on an
empty laptop through the first-run page, signs in there with their usual password and packs the visit;
back on the server, the upload shows the figure and the target changed on both sides, each side by side
(as exported, on the server now, on the laptop), and the trainer's choice for each is merged."""
from __future__ import annotations

import datetime as dt
import json

from playwright.sync_api import expect
from sqlalchemy import select

from tests import visit_helpers as vh
from tests.e2e.conftest import demo_database, idle, serve, sign_in
from tracker import db, targets
from tracker.models import AuditEntry, Target

CASE = vh.CASE


def _with_base_figure(engine) -> None:
    admin = vh.sign_in(engine, "admin")
    vh.save_figure(engine, admin, CASE, 1000)
    targets.set_target(engine, admin, vh.enterprise_id(engine), "energy", "absolute", 0.2, dt.date(2030, 12, 31))


def _boxes_side_by_side(page, box, texts) -> None:
    """The three states in ``box``, each under its caption, in one row from left to right."""
    cells = [box.get_by_text(t, exact=True) for t in texts]
    for label, cell in zip(("As exported", "On the server now", "On the laptop"), cells, strict=True):
        expect(box.get_by_text(label, exact=True)).to_be_visible()
        expect(cell).to_be_visible()
    idle(page)
    boxes = [c.bounding_box() for c in cells]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 5 and abs(boxes[1]["y"] - boxes[2]["y"]) < 5
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]


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
    engine = db.open_database(laptop_url)  # the visit's work on the laptop (the forms have tests of their own)
    me = vh.sign_in(engine, "trainer")
    vh.save_figure(engine, me, CASE, 1200)
    targets.set_target(engine, me, vh.enterprise_id(engine), "energy", "per_production", 0.25, dt.date(2030, 12, 31))
    engine.dispose()
    with serve(laptop_url) as lbase:
        sign_in(page, lbase, "demo-trainer")  # the usual password: its hash came in the package
        _visit_page(page)
        expect(page.get_by_text("This is the laptop of demo-trainer's visit")).to_be_visible()
        with page.expect_download() as info:
            page.get_by_role("button", name="Pack the visit to bring back").click()
        info.value.save_as(back)
        page.screenshot(path=str(tmp_path / "3-laptop-pack.png"), full_page=True)

    # meanwhile on the server: the admin changed the same figure and the same target
    engine = db.open_database(server_url)
    admin = vh.sign_in(engine, "admin")
    vh.save_figure(engine, admin, CASE, 1100)
    targets.set_target(engine, admin, vh.enterprise_id(engine), "energy", "absolute", 0.3, dt.date(2031, 12, 31))
    engine.dispose()

    # 3. back on the server: upload, the conflict side by side, the trainer's choice
    with serve(server_url) as base:
        sign_in(page, base, "demo-trainer")
        _visit_page(page)
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(back))
        page.get_by_role("button", name="Merge visit-back.zip", exact=True).click()
        expect(page.get_by_text("2 records were changed both on the server and during the visit")).to_be_visible()
        figure, target = page.locator(".st-key-visit_0_0_conflict_0"), page.locator(".st-key-visit_0_0_conflict_1")
        expect(figure.get_by_text("Energy (Electricity), follow-up")).to_be_visible()
        expect(target.get_by_text("target for Energy")).to_be_visible()
        _boxes_side_by_side(page, figure, ("1,000 kWh", "1,100 kWh", "1,200 kWh"))
        _boxes_side_by_side(page, target, ("-20.0% absolute by 31 Dec 2030", "-30.0% absolute by 31 Dec 2031",
                                           "-25.0% per unit of production by 31 Dec 2030"))
        page.screenshot(path=str(tmp_path / "4-conflict.png"), full_page=True)
        target.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "4b-target-conflict.png"))
        page.get_by_role("button", name="Merge visit-back.zip with these choices").click()
        expect(page.get_by_text("Say which to keep for every record (2 left)")).to_be_visible()
        figure.get_by_text("the server's").click()  # the figure as the server has it, the target from the laptop
        idle(page)
        target.get_by_text("the laptop's").click()
        idle(page)
        page.get_by_role("button", name="Merge visit-back.zip with these choices").click()
        expect(page.get_by_text("visit-back.zip: the visit of demo-trainer. 1 record changed, 1 kept as the "
                                "server has them.")).to_be_visible()
        idle(page)
        page.screenshot(path=str(tmp_path / "5-merged.png"), full_page=True)
    engine = db.open_database(server_url)
    assert vh.figures(engine, CASE)[vh.key_of(CASE)] == (1100.0, "kWh")
    with db.session_scope(engine, readonly=True) as s:
        stored = s.execute(select(Target.indicator, Target.basis, Target.reduction, Target.target_date)).all()
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "offline visit")).all()
    assert [tuple(r) for r in stored] == [("energy", "per_production", 0.25, dt.date(2030, 12, 31))]
    assert [(e.username, e.table_name) for e in entries] == [("demo-trainer", "targets")]
    after = json.loads(entries[0].after)
    assert after["state"]["reduction"] == 0.25 and after["state"]["basis"] == "per_production"
    engine.dispose()
