"""Offline visits end to end: export on the server, a laptop database from the package, work there,
pack, merge back (DuckDB laptop into DuckDB and PostgreSQL servers), conflicts, refusals, audit."""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from alembic import command
from sqlalchemy import func, select

import metrics
from tests import visit_helpers as vh
from tests.demo_db import open_demo
from tracker import accounts, activities, db, enterprises, targets, visits
from tracker.errors import AccessDenied, VisitConflicts, VisitRefused
from tracker.models import (
    Action,
    AuditEntry,
    Enterprise,
    Measurement,
    Target,
    Training,
    User,
    UserEnterprise,
    VisitMerge,
)
from tracker.visit_package import PackageError

CASE = vh.CASE
D = dt.date


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return vh.demo_file(tmp_path_factory.mktemp("visits"))


@pytest.fixture
def server(template, tmp_path):
    engine = vh.copy_of(template, tmp_path, "server")
    yield engine
    engine.dispose()


def laptop_from(data: bytes, tmp_path, name: str = "laptop"):
    engine = db.open_database(f"duckdb:///{tmp_path / name}.duckdb")
    visits.open_visit(engine, data)
    return engine


def _counts(engine) -> dict:
    with db.session_scope(engine, readonly=True) as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                for m in (Enterprise, Measurement, Action, Training, Target, AuditEntry)}


def _targets(engine, name: str = CASE) -> dict:
    """{indicator: (basis, reduction, target date)} of the enterprise ``name``, as stored."""
    with db.session_scope(engine, readonly=True) as s:
        rows = s.execute(select(Target.indicator, Target.basis, Target.reduction, Target.target_date)
                         .join(Enterprise, Enterprise.id == Target.enterprise_id).where(Enterprise.name == name)).all()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _gids_unique(engine) -> None:
    with db.session_scope(engine, readonly=True) as s:
        for model in (Enterprise, Measurement, Action, Training):
            gids = s.scalars(select(model.gid)).all()
            assert None not in gids and len(gids) == len(set(gids)), model.__tablename__


def _visit(server, tmp_path, trainer="demo-trainer"):
    """Export ``trainer``'s visit on the server, open it on a laptop; (laptop engine, laptop's trainer)."""
    data = visits.export_visit(server, vh.sign_in(server, trainer), trainer)
    laptop = laptop_from(data, tmp_path, f"laptop-{trainer}")
    return laptop, vh.sign_in(laptop, trainer)


def _round_trip(server, tmp_path):
    trainer = vh.sign_in(server, "trainer")
    admin = vh.sign_in(server, "admin")
    # targets as exported: waste and material input (the case study's baseline ends 31 Mar 2023)
    targets.set_target(server, admin, vh.enterprise_id(server), "waste", "absolute", 0.5, D(2030, 12, 31))
    targets.set_target(server, admin, vh.enterprise_id(server), "material_input", "absolute", 0.1, D(2029, 6, 30))
    laptop, me = _visit(server, tmp_path)
    assert _targets(laptop) == _targets(server) == {"waste": ("absolute", 0.5, D(2030, 12, 31)),
                                                    "material_input": ("absolute", 0.1, D(2029, 6, 30))}
    # the laptop: the trainer's enterprises and their stored history, nothing else
    mine = set(enterprises.list_enterprises(laptop, me)["name"])
    assert mine == set(enterprises.list_enterprises(server, trainer)["name"]) and CASE in mine
    assert vh.figures(laptop) == {k: v for k, v in vh.figures(server).items() if k[0] in mine}
    # on the laptop: a new follow-up figure, a new action, a module record deleted, the sector changed
    vh.save_figure(laptop, me, CASE, 4300, unit="kWh")
    eid = vh.enterprise_id(laptop)
    activities.add_action(laptop, me, eid, dt.date(2030, 2, 1), "Compressed-air leaks fixed", 1200, "INR", ["energy"])
    with db.session_scope(laptop, readonly=True) as s:
        training_id = s.scalars(select(Training.id).where(Training.enterprise_id == eid).order_by(Training.id)).first()
    activities.delete_training(laptop, me, eid, training_id)
    profile = enterprises.enterprise_profile(laptop, me, eid)
    enterprises.update_profile(laptop, me, eid, country=profile["country"], sector="Rubber seals", size=profile["size"],
                               partner=profile["partner"])
    # targets on the laptop: energy set, waste changed, material input deleted
    targets.set_target(laptop, me, eid, "energy", "per_production", 0.3, D(2031, 12, 31))
    targets.set_target(laptop, me, eid, "waste", "absolute", 0.6, D(2030, 12, 31))
    targets.delete_target(laptop, me, eid, "material_input")
    # meanwhile on the server: the admin enters another figure of the same enterprise, and a water target
    vh.save_figure(server, admin, CASE, 77, indicator="water", carrier="", unit="m3")
    targets.set_target(server, admin, vh.enterprise_id(server), "water", "absolute", 0.2, D(2028, 12, 31))
    before = _counts(server)
    pack = visits.pack_visit(laptop)
    merged = visits.merge_visit(server, trainer, pack)
    assert (merged.changed, merged.kept, merged.already) == (7, 0, False)
    got = vh.figures(server, CASE)
    assert got[vh.key_of(CASE)] == (4300.0, "kWh")

    def gid_of(engine):
        with db.session_scope(engine, readonly=True) as s:
            return s.scalar(select(Measurement.gid).join(Enterprise, Enterprise.id == Measurement.enterprise_id)
                            .where(Enterprise.name == CASE, Measurement.period_start == dt.date(2030, 1, 1),
                                   Measurement.indicator == "energy"))

    assert gid_of(server) == gid_of(laptop) is not None  # the figure keeps the identifier it got on the laptop
    assert got[vh.key_of(CASE, indicator="water", carrier="")] == (77.0, "m3")  # the server's own change kept
    after = _counts(server)
    assert after["measurements"] == before["measurements"] + 1
    assert after["actions"] == before["actions"] + 1
    assert after["trainings"] == before["trainings"] - 1
    assert after["targets"] == before["targets"]  # one set, one deleted
    assert _targets(server) == {"energy": ("per_production", 0.3, D(2031, 12, 31)),
                                "waste": ("absolute", 0.6, D(2030, 12, 31)),
                                "water": ("absolute", 0.2, D(2028, 12, 31))}  # the server's own target kept
    assert enterprises.enterprise_profile(server, admin, vh.enterprise_id(server))["sector"] == "Rubber seals"
    # every change audited as the trainer's offline visit with the package's id
    with db.session_scope(server, readonly=True) as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == "offline visit")).all()
    assert len(rows) == 7 and {r.username for r in rows} == {"demo-trainer"}
    assert all(merged.package_id in r.after for r in rows)
    assert {r.table_name for r in rows} == {"measurements", "actions", "trainings", "enterprises", "targets"}
    # the targets' entries (energy inserted, material input deleted, waste changed), before and after
    target_rows = sorted((r for r in rows if r.table_name == "targets"), key=lambda r: r.id)
    assert [(json.loads(r.before or "null") or {}).get("reduction") for r in target_rows] == [None, 0.1, 0.5]
    assert [(json.loads(r.after)["state"] or {}).get("reduction") for r in target_rows] == [0.3, None, 0.6]
    # merging the same package again changes nothing
    again = visits.merge_visit(server, trainer, pack)
    assert again.already and again.changed == 0 and _counts(server) == after
    # and the merge itself finds nothing to do, even without the record that it was merged
    with db.session_scope(server) as s:
        s.execute(VisitMerge.__table__.delete())
    figures_now = vh.figures(server)
    assert visits.merge_visit(server, trainer, pack).changed == 0
    assert vh.figures(server) == figures_now
    _gids_unique(server)
    laptop.dispose()


def test_a_visit_goes_out_to_a_duckdb_laptop_and_back_into_a_duckdb_server(server, tmp_path):
    _round_trip(server, tmp_path)


def test_a_visit_goes_out_to_a_duckdb_laptop_and_back_into_a_postgresql_server(pg_cluster, tmp_path):
    if pg_cluster is None:  # SCORE_TEST_PG_URL: a server of someone else's, not ours to add databases to
        pytest.skip("needs the throwaway cluster")
    engine = next(open_demo(pg_cluster.create_database("visits_pg")))
    try:
        _round_trip(engine, tmp_path)
    finally:
        engine.dispose()


def test_the_package_carries_the_trainers_account_only(server, tmp_path):
    data = visits.export_visit(server, vh.sign_in(server, "admin"), "demo-trainer")
    visit = json.loads(vh.parts(data)["visit.json"])
    assert visit["account"]["username"] == "demo-trainer"
    with db.session_scope(server, readonly=True) as s:
        hashes = dict(s.execute(select(User.username, User.password_hash)).all())
    text = vh.parts(data)["visit.json"].decode()
    assert hashes["demo-trainer"] in text
    assert not [u for u, h in hashes.items() if u != "demo-trainer" and h in text]
    laptop = laptop_from(data, tmp_path)
    with db.session_scope(laptop, readonly=True) as s:
        users = {u.username: (u.role, u.active, u.password_hash) for u in s.scalars(select(User))}
    assert users["demo-trainer"][:2] == ("trainer", True)
    assert all(not active and h == visits.NO_PASSWORD for n, (_r, active, h) in users.items() if n != "demo-trainer")
    with pytest.raises(ValueError, match="not empty"):
        visits.open_visit(laptop, data)
    # a trainer takes out their own visit only; a manager or an officer none
    with pytest.raises(AccessDenied):
        visits.export_visit(server, vh.sign_in(server, "trainer"), "synthetic-trainer-ke")
    for role in ("manager", "officer"):
        with pytest.raises(AccessDenied):
            visits.export_visit(server, vh.sign_in(server, role), "demo-trainer")


def test_a_record_changed_on_both_sides_is_a_conflict_shown_side_by_side_until_resolved(server, tmp_path):
    trainer, admin = vh.sign_in(server, "trainer"), vh.sign_in(server, "admin")
    vh.save_figure(server, admin, CASE, 1000)  # the base: 1,000 kWh
    laptop, me = _visit(server, tmp_path)
    vh.save_figure(laptop, me, CASE, 1200)
    vh.save_figure(laptop, me, CASE, 5, indicator="waste", carrier="landfill", unit="t")  # no conflict
    vh.save_figure(server, admin, CASE, 1100)
    pack = visits.pack_visit(laptop)
    before = _counts(server)
    with pytest.raises(VisitConflicts) as caught:
        visits.merge_visit(server, trainer, pack)
    table = caught.value.conflicts
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["enterprise"], row["base"], row["server"], row["laptop"]) == (CASE, "1,000 kWh", "1,100 kWh",
                                                                              "1,200 kWh")
    assert _counts(server) == before  # nothing merged, the waste figure neither
    assert vh.figures(server, CASE)[vh.key_of(CASE)] == (1100.0, "kWh")
    kept = visits.merge_visit(server, trainer, pack, {row["key"]: "server"})
    assert (kept.changed, kept.kept) == (1, 1)
    assert vh.figures(server, CASE)[vh.key_of(CASE)] == (1100.0, "kWh")
    assert vh.figures(server, CASE)[vh.key_of(CASE, indicator="waste", carrier="landfill")] == (5.0, "t")


def test_a_conflict_resolved_for_the_laptop_takes_the_laptops_value(server, tmp_path):
    trainer, admin = vh.sign_in(server, "trainer"), vh.sign_in(server, "admin")
    vh.save_figure(server, admin, CASE, 1000)
    laptop, me = _visit(server, tmp_path)
    vh.save_figure(laptop, me, CASE, 1200)
    vh.save_figure(server, admin, CASE, 1100)
    pack = visits.pack_visit(laptop)
    with pytest.raises(VisitConflicts) as caught:
        visits.merge_visit(server, trainer, pack)
    merged = visits.merge_visit(server, trainer, pack, {caught.value.conflicts.iloc[0]["key"]: "laptop"})
    assert merged.changed == 1
    assert vh.figures(server, CASE)[vh.key_of(CASE)] == (1200.0, "kWh")


def test_a_package_edited_to_touch_another_enterprise_is_refused_per_record(server, tmp_path):
    trainer = vh.sign_in(server, "trainer")
    laptop, me = _visit(server, tmp_path)
    pack = visits.pack_visit(laptop)
    with db.session_scope(server, readonly=True) as s:
        theirs = s.scalars(select(Enterprise).where(Enterprise.country == "KE")).first()
        other_gid, other_name = theirs.gid, theirs.name
    admin = vh.sign_in(server, "admin")
    before = _counts(server)

    def add_foreign(obj):
        obj["records"].append({"key": ["profile", other_gid, "sector"], "value": {"value": "hijacked"}})
        obj["records"].append({"key": ["action", "forged-action"],
                               "value": {"enterprise": other_gid, "action_date": "2030-01-01", "description": "x",
                                         "investment": None, "currency": "", "indicators": ""}})

    with pytest.raises(VisitRefused) as caught:
        visits.merge_visit(server, trainer, vh.edit_json(pack, "laptop.json", add_foreign))
    reasons = dict(caught.value.problems)
    assert reasons["profile field sector"] == "belongs to an enterprise that is not in this package"
    assert reasons["improvement action 'x'"] == "belongs to an enterprise that is not in this package"
    assert _counts(server) == before
    assert enterprises.enterprise_profile(server, admin, vh.enterprise_id(server, other_name))["sector"] != "hijacked"

    # adding the enterprise to the manifest breaks the server's signature
    def widen(obj):
        obj["enterprises"].append(other_gid)

    with pytest.raises(PackageError, match="signature"):
        visits.merge_visit(server, trainer, vh.edit_json(pack, "manifest.json", widen))

    # and changing the exported base breaks the manifest's hash of it
    def rebase(obj):
        obj["records"] = []

    with pytest.raises(PackageError, match="altered"):
        visits.merge_visit(server, trainer, vh.edit_json(pack, "visit.json", rebase))
    assert _counts(server) == before


def test_a_package_signed_by_another_server_is_refused(server, template, tmp_path):
    other = vh.copy_of(template, tmp_path, "other-server")
    trainer = vh.sign_in(other, "trainer")
    data = visits.export_visit(other, trainer, "demo-trainer")
    laptop = laptop_from(data, tmp_path)
    visits.export_visit(server, vh.sign_in(server, "trainer"), "demo-trainer")  # this server has its own key
    with pytest.raises(PackageError, match="another server"):
        visits.merge_visit(server, vh.sign_in(server, "trainer"), visits.pack_visit(laptop))
    other.dispose()


def test_a_package_changes_only_what_its_trainer_may_change_at_merge_time(server, tmp_path):
    laptop, me = _visit(server, tmp_path)
    vh.save_figure(laptop, me, CASE, 999)
    pack = visits.pack_visit(laptop)
    # another trainer, a manager and an officer cannot merge it
    for name in ("synthetic-trainer-ke", "demo-manager", "demo-officer"):
        with pytest.raises(AccessDenied):
            visits.merge_visit(server, vh.sign_in(server, name), pack)
    # the trainer no longer works with the case study: refused, saying why
    eid = vh.enterprise_id(server)
    with db.session_scope(server) as s:
        uid = s.scalar(select(User.id).where(User.username == "demo-trainer"))
        s.execute(UserEnterprise.__table__.delete().where(UserEnterprise.user_id == uid,
                                                          UserEnterprise.enterprise_id == eid))
    with pytest.raises(VisitRefused, match="no longer works with"):
        visits.merge_visit(server, vh.sign_in(server, "admin"), pack)
    assert vh.key_of(CASE) not in vh.figures(server, CASE)
    # a deactivated trainer's visit is refused as a whole
    accounts.set_active(server, vh.sign_in(server, "admin"), uid, False)
    with pytest.raises(VisitRefused, match="not an active trainer"):
        visits.merge_visit(server, vh.sign_in(server, "admin"), pack)


def test_two_trainers_packages_merge_in_either_order_to_the_same_result(template, tmp_path):
    origin = vh.copy_of(template, tmp_path, "origin")
    packs = {}
    for name, value in (("demo-trainer", 10), ("synthetic-trainer-ke", 20)):
        laptop, me = _visit(origin, tmp_path, name)  # both exported before either comes back
        ent = sorted(enterprises.list_enterprises(laptop, me)["name"])[0]
        vh.save_figure(laptop, me, ent, value)
        activities.add_action(laptop, me, vh.enterprise_id(laptop, ent), dt.date(2030, 1, 5), f"by {name}")
        targets.set_target(laptop, me, vh.enterprise_id(laptop, ent), "energy", "absolute", value / 100,
                           D(2031, 1, 1))
        packs[name] = visits.pack_visit(laptop)
        laptop.dispose()
    origin.dispose()  # its copies share its key: either merges the packs
    results = []
    for order in (("demo-trainer", "synthetic-trainer-ke"), ("synthetic-trainer-ke", "demo-trainer")):
        server = vh.copy_of(tmp_path / "origin.duckdb", tmp_path, "-".join(order))
        for name in order:
            visits.merge_visit(server, vh.sign_in(server, name), packs[name])
        with db.session_scope(server, readonly=True) as s:
            actions = sorted(s.execute(select(Action.gid, Action.description, Action.enterprise_id)).all())
            trainings = sorted(s.execute(select(Training.gid, Training.module, Training.enterprise_id)).all())
            goals = sorted(s.execute(select(Target.enterprise_id, Target.indicator, Target.reduction)).all())
        results.append((vh.figures(server), actions, trainings, goals))
        _gids_unique(server)
        server.dispose()
    assert results[0] == results[1]
    assert {d for _g, d, _e in results[0][1]} >= {"by demo-trainer", "by synthetic-trainer-ke"}
    assert sorted(r for _e, _i, r in results[0][3]) == [0.1, 0.2]


def test_existing_rows_get_global_ids_by_the_migration(template, tmp_path):
    engine = vh.copy_of(template, tmp_path, "old")
    db.run_revisions(engine, command.downgrade, "0010")
    with engine.connect() as c:
        assert "gid" not in [r[1] for r in c.exec_driver_sql("PRAGMA table_info('measurements')").fetchall()]
        before = c.exec_driver_sql("SELECT count(*) FROM measurements").scalar()
    engine.dispose()
    engine = db.open_database(engine.url.render_as_string(hide_password=False))
    _gids_unique(engine)
    with db.session_scope(engine, readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(Measurement)) == before > 0
    engine.dispose()


def test_forged_laptop_records_that_cannot_be_stored_are_refused_each_named(server, tmp_path):
    trainer, admin = vh.sign_in(server, "trainer"), vh.sign_in(server, "admin")
    with db.session_scope(server, readonly=True) as s:
        kenyan = s.scalar(select(Enterprise.id).where(Enterprise.country == "KE"))
    activities.add_action(server, admin, kenyan, dt.date(2029, 5, 1), "Kenyan action")
    laptop, me = _visit(server, tmp_path)
    pack = visits.pack_visit(laptop)
    with db.session_scope(server, readonly=True) as s:
        case_gid = s.scalar(select(Enterprise.gid).where(Enterprise.name == CASE))
        # an action of an enterprise not in the visit, its gid reused as if it were the case study's
        foreign = s.execute(select(Action.gid, Action.description)
                            .join(Enterprise, Enterprise.id == Action.enterprise_id)
                            .where(Enterprise.country != "IN")).first()
    assert foreign is not None
    before = _counts(server)

    def forge(obj):
        obj["records"] += [
            {"key": ["figure", case_gid, "2030-01-01", "2030-03-31", "follow-up", "energy", "electricity"],
             "value": {"value": -5.0, "unit": "kWh", "note": ""}},
            {"key": ["action", "new-action"], "value": {"enterprise": case_gid, "action_date": "2030-01-02",
                                                        "description": "Solar", "investment": 10, "currency": "XXX1",
                                                        "indicators": ""}},
            {"key": ["action", foreign.gid], "value": {"enterprise": case_gid, "action_date": "2030-01-02",
                                                       "description": "taken over", "investment": None,
                                                       "currency": "", "indicators": ""}},
            {"key": ["module", "new-module"], "value": {"enterprise": case_gid, "module": "SCORE4Climate",
                                                        "start_date": "2030-01-01", "end_date": "2030-01-02",
                                                        "cohort": "", "managers_female": 1, "managers_male": 1,
                                                        "workers_female": 1, "workers_male": 1,
                                                        "trainer": "synthetic-trainer-ke"}}]

    def rename(obj):  # an enterprise's name is not a field a visit changes
        obj["records"].append({"key": ["profile", case_gid, "name"], "value": {"value": "renamed"}})

    with pytest.raises(PackageError, match="not one a package holds"):
        visits.merge_visit(server, trainer, vh.edit_json(pack, "laptop.json", rename))
    with pytest.raises(VisitRefused) as caught:
        visits.merge_visit(server, trainer, vh.edit_json(pack, "laptop.json", forge))
    problems = caught.value.problems
    assert len(problems) == 4, problems
    text = "\n".join(f"{r}: {w}" for r, w in problems)
    assert "figure Energy (Electricity), follow-up 2030-01-01 to 2030-03-31" in text and "negative" in text.lower()
    assert "currency" in text
    assert "belongs to an enterprise not in this visit" in text  # the foreign action is not taken over
    assert "synthetic-trainer-ke is not an active trainer of this enterprise" in text
    assert _counts(server) == before
    with db.session_scope(server, readonly=True) as s:
        assert s.scalar(select(Action.description).where(Action.gid == foreign.gid)) == foreign.description


def test_a_package_that_unpacks_to_too_much_is_refused_from_its_table_of_contents(server):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", b"{}")
        z.writestr("signature.txt", b"x")
        z.writestr("visit.json", b" " * (120 * 2**20))  # 120 MB of spaces, some 120 kB packed
    assert len(buffer.getvalue()) < 2**20
    with pytest.raises(PackageError, match="more than 100 MB"):
        visits.merge_visit(server, vh.sign_in(server, "trainer"), buffer.getvalue())


def test_the_same_pack_merged_twice_at_once_is_merged_once(db_url, tmp_path):
    import threading

    server = next(open_demo(db_url))
    laptop, me = _visit(server, tmp_path)
    vh.save_figure(laptop, me, CASE, 4321)
    activities.add_action(laptop, me, vh.enterprise_id(laptop), dt.date(2030, 3, 1), "Once only")
    pack = visits.pack_visit(laptop)
    users = [vh.sign_in(server, "trainer"), vh.sign_in(server, "admin")]
    start, results = threading.Barrier(2), []

    def merge(user):
        start.wait()
        results.append(visits.merge_visit(server, user, pack))

    threads = [threading.Thread(target=merge, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.already for r in results) == [False, True]
    assert vh.figures(server, CASE)[vh.key_of(CASE)] == (4321.0, "kWh")
    with db.session_scope(server, readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(Action).where(Action.description == "Once only")) == 1
    _gids_unique(server)
    server.dispose()


def test_a_target_changed_on_both_sides_is_a_conflict_and_one_deleted_on_one_side_is_deleted(server, tmp_path):
    trainer, admin = vh.sign_in(server, "trainer"), vh.sign_in(server, "admin")
    eid = vh.enterprise_id(server)
    targets.set_target(server, admin, eid, "energy", "absolute", 0.2, D(2030, 12, 31))
    targets.set_target(server, admin, eid, "waste", "absolute", 0.5, D(2030, 12, 31))
    targets.set_target(server, admin, eid, "water", "absolute", 0.1, D(2029, 12, 31))
    laptop, me = _visit(server, tmp_path)
    leid = vh.enterprise_id(laptop)
    targets.set_target(laptop, me, leid, "energy", "per_production", 0.25, D(2030, 12, 31))
    targets.delete_target(laptop, me, leid, "waste")  # the server left it alone: deleted there too
    targets.set_target(laptop, me, leid, "water", "absolute", 0.15, D(2029, 12, 31))
    targets.set_target(server, admin, eid, "energy", "absolute", 0.3, D(2031, 12, 31))
    targets.delete_target(server, admin, eid, "water")  # deleted on the server, changed on the laptop
    pack = visits.pack_visit(laptop)
    before, stored = _counts(server), _targets(server)
    with pytest.raises(VisitConflicts) as caught:
        visits.merge_visit(server, trainer, pack)
    table = caught.value.conflicts.set_index("record")
    assert list(table.index) == ["target for Energy", "target for Water"]
    assert table.loc["target for Energy", ["enterprise", "base", "server", "laptop"]].tolist() == [
        CASE, "-20.0% absolute by 31 Dec 2030", "-30.0% absolute by 31 Dec 2031",
        "-25.0% per unit of production by 31 Dec 2030"]
    assert table.loc["target for Water", ["base", "server", "laptop"]].tolist() == [
        "-10.0% absolute by 31 Dec 2029", "(none: deleted or not entered)", "-15.0% absolute by 31 Dec 2029"]
    assert _counts(server) == before and _targets(server) == stored  # nothing merged, the waste target kept
    keys = dict(zip(table.index, table["key"], strict=True))
    merged = visits.merge_visit(server, trainer, pack, {keys["target for Energy"]: "laptop",
                                                        keys["target for Water"]: "server"})
    assert (merged.changed, merged.kept) == (2, 1)
    assert _targets(server) == {"energy": ("per_production", 0.25, D(2030, 12, 31))}
    with db.session_scope(server, readonly=True) as s:
        set_by = s.scalar(select(Target.set_by).where(Target.enterprise_id == eid))
    assert set_by == "demo-trainer"
    assert visits.merge_visit(server, trainer, pack).already
    with db.session_scope(server) as s:  # without the record that it was merged, the merge finds nothing to do
        s.execute(VisitMerge.__table__.delete())
    assert visits.merge_visit(server, trainer, pack, {keys["target for Water"]: "server"}).changed == 0
    assert _targets(server) == {"energy": ("per_production", 0.25, D(2030, 12, 31))}


def test_forged_or_unassigned_targets_are_refused_each_named(server, tmp_path):
    trainer = vh.sign_in(server, "trainer")
    laptop, me = _visit(server, tmp_path)
    targets.set_target(laptop, me, vh.enterprise_id(laptop), "energy", "absolute", 0.2, D(2030, 12, 31))
    pack = visits.pack_visit(laptop)
    with db.session_scope(server, readonly=True) as s:
        case_gid = s.scalar(select(Enterprise.gid).where(Enterprise.name == CASE))
        kenyan_gid = s.scalar(select(Enterprise.gid).where(Enterprise.country == "KE"))
    before = _counts(server)

    def target(gid, indicator, basis="absolute", reduction=0.2, day="2030-12-31"):
        return {"key": ["target", gid, indicator],
                "value": {"basis": basis, "reduction": reduction, "target_date": day, "set_by": "x", "set_at": None}}

    def foreign(obj):
        obj["records"].append(target(kenyan_gid, "energy"))

    with pytest.raises(VisitRefused) as caught:
        visits.merge_visit(server, trainer, vh.edit_json(pack, "laptop.json", foreign))
    assert caught.value.problems == [("target for Energy", "belongs to an enterprise that is not in this package")]

    def forge(obj):
        obj["records"] += [target(case_gid, "water", reduction=1.5), target(case_gid, "waste", day="2023-03-31"),
                           target(case_gid, "production"), target(case_gid, "material_input", reduction="0.3"),
                           target(case_gid, "material_wasted", basis="per_person")]

    with pytest.raises(VisitRefused) as caught:
        visits.merge_visit(server, trainer, vh.edit_json(pack, "laptop.json", forge))
    reasons = {r.split(": ", 1)[1]: why for r, why in caught.value.problems}
    assert reasons == {
        "target for Water": "The reduction must be above 0 % and below 100 %.",
        "target for Waste produced": "The target date must come after the end of the baseline (2023-03-31).",
        "target for Production": f"A target can be set for {', '.join(metrics.TARGET_INDICATORS)}; not for this "
                                 "indicator.",
        "target for Material input": "The reduction must be a number (per cent).",
        "target for Materials wasted": "A target reduces the absolute figure or the figure per unit of production.",
    }, caught.value.problems
    assert _counts(server) == before and _targets(server) == {}  # all or nothing: not even the good energy target

    # the trainer no longer works with the case study: the target is refused, saying why
    with db.session_scope(server) as s:
        uid = s.scalar(select(User.id).where(User.username == "demo-trainer"))
        s.execute(UserEnterprise.__table__.delete().where(UserEnterprise.user_id == uid,
                                                          UserEnterprise.enterprise_id == vh.enterprise_id(server)))
    with pytest.raises(VisitRefused) as caught:
        visits.merge_visit(server, vh.sign_in(server, "admin"), pack)
    assert caught.value.problems == [(f"{CASE}: target for Energy",
                                      f"demo-trainer no longer works with {CASE}: ask an administrator")]
    assert _targets(server) == {}
