"""Nobody reads or changes what is not theirs: every service, table-driven over roles x targets.

The checks live in tracker/ (the service layer), so these tests call the services directly as
each demo account, as a page would. "own" is the case-study enterprise (the manager's, and one
of the trainer's); "other" is an enterprise assigned to neither. A refused call must raise
AccessDenied and leave every table exactly as it was; an allowed call must succeed.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

import metrics
from tracker import (
    accounts,
    activities,
    auth,
    backup,
    clusters,
    db,
    demo,
    enterprises,
    errors,
    measurements,
    overview,
    partners,
    published,
    trainers,
)
from tracker import io as tio
from tracker.models import Base
from tracker.report import enterprise_report

PW = "demo-password"
ROLES = ["admin", "officer", "trainer", "manager"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    engine = db.open_database(f"duckdb:///{tmp_path_factory.mktemp('access') / 'demo.duckdb'}")
    demo.load(engine, PW)
    users = {role: auth.authenticate(engine, f"demo-{role}", PW) for role in ROLES}
    own = users["manager"].enterprise_ids[0]
    assert own in users["trainer"].enterprise_ids
    assigned = set(users["trainer"].enterprise_ids) | set(users["manager"].enterprise_ids)
    other = int(next(i for i in enterprises.list_enterprises(engine, users["admin"])["id"] if i not in assigned))
    yield engine, users, {"own": own, "other": other}
    engine.dispose()


def snapshot(engine) -> dict[str, int]:
    """Row counts of every table plus the audit log's last id: any write changes it."""
    with db.session_scope(engine) as s:
        counts = {name: s.scalar(select(func.count()).select_from(Base.metadata.tables[name]))
                  for name, _ in backup.TABLES}
        enterprises = s.execute(select(Base.metadata.tables["enterprises"])).all()
    return {"counts": counts, "enterprises": sorted(map(tuple, enterprises))}


def _name(engine, users, eid) -> str:
    return measurements.enterprise_info(engine, users["admin"], eid)[0]["name"]


def _training(engine, users, eid) -> int:
    """A module record of ``eid`` made by the admin for the call under test to change."""
    activities.add_training(engine, users["admin"], eid, "Workplace Cooperation", dt.date(2024, 1, 1),
                          dt.date(2024, 1, 2), "", 2, 2, 2, 2)
    return int(enterprises.enterprise_profile(engine, users["admin"], eid)["trainings"]["id"].max())


def _action(engine, users, eid) -> int:
    activities.add_action(engine, users["admin"], eid, dt.date(2024, 2, 1), "made by the test", investment=None)
    return int(activities.list_actions(engine, users["admin"], eid)["id"].max())


def _period(engine, users, eid) -> tuple:
    """A period of ``eid`` stored by the admin for the call under test to delete."""
    measurements.save_measurements(engine, users["admin"], metrics.parse(_rows(engine, users, eid).assign(
        period_start="2031-01-01", period_end="2031-01-31")))
    return "follow-up", dt.date(2031, 1, 1), dt.date(2031, 1, 31)


def _rows(engine, users, eid) -> pd.DataFrame:
    ent = measurements.enterprise_info(engine, users["admin"], eid)[0]
    return pd.DataFrame([dict(enterprise=ent["name"], country=ent["country"], sector=ent["sector"],
                              period_start="2030-01-01", period_end="2030-01-31", phase="follow-up",
                              indicator="water", carrier="", value=12.5, unit="m3", note="access test")])


#: (service, reads or writes, the call); each call gets (engine, the user, target id, users)
ENTERPRISE_SERVICES = {
    "enterprise_info": lambda e, u, eid, us: measurements.enterprise_info(e, u, eid),
    "enterprise_profile": lambda e, u, eid, us: enterprises.enterprise_profile(e, u, eid),
    "enterprise_report": lambda e, u, eid, us: enterprise_report(e, u, eid),
    "list_actions": lambda e, u, eid, us: activities.list_actions(e, u, eid),
    "update_profile": lambda e, u, eid, us: enterprises.update_profile(
        e, u, eid, country="KE", sector="Access test", size="small", partner=demo.PARTNERS["KE"], cluster=""),
    "add_training": lambda e, u, eid, us: activities.add_training(
        e, u, eid, "Quality Management", dt.date(2024, 3, 1), dt.date(2024, 3, 2)),
    "update_training": lambda e, u, eid, us: activities.update_training(
        e, u, eid, _training(e, us, eid), "Quality Management", dt.date(2024, 3, 1), dt.date(2024, 3, 3)),
    "delete_training": lambda e, u, eid, us: activities.delete_training(e, u, eid, _training(e, us, eid)),
    "add_action": lambda e, u, eid, us: activities.add_action(e, u, eid, dt.date(2024, 4, 1), "test action"),
    "delete_action": lambda e, u, eid, us: activities.delete_action(e, u, eid, _action(e, us, eid)),
    "save_measurements": lambda e, u, eid, us: measurements.save_measurements(e, u, metrics.parse(_rows(e, us, eid))),
    "stored_periods": lambda e, u, eid, us: measurements.stored_periods(e, u, eid),
    "delete_period": lambda e, u, eid, us: measurements.delete_period(e, u, eid, *_period(e, us, eid)),
    "import_file": lambda e, u, eid, us: tio.import_file(e, u, tio.frame_bytes(_rows(e, us, eid), "csv"), "x.csv"),
}


def allowed(role: str, target: str) -> bool:
    return role == "admin" or (role in ("manager", "trainer") and target == "own")


@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("service", list(ENTERPRISE_SERVICES))
def test_enterprise_services_by_role_and_target(env, service, role, target):
    engine, users, targets = env
    call = ENTERPRISE_SERVICES[service]
    eid = targets[target]
    if allowed(role, target):
        call(engine, users[role], eid, users)
        return
    # the admin's set-up (a record to change) happens before the snapshot, inside the call:
    # prepare it here so that the snapshot covers only what the refused user could have done
    if service in ("update_training", "delete_training", "delete_action", "delete_period"):
        record = {"update_training": _training, "delete_training": _training, "delete_action": _action,
                  "delete_period": _period}[service](engine, users, eid)
        call = {"update_training": lambda e, u, i, us: activities.update_training(
                    e, u, i, record, "Quality Management", dt.date(2024, 3, 1), dt.date(2024, 3, 3)),
                "delete_training": lambda e, u, i, us: activities.delete_training(e, u, i, record),
                "delete_action": lambda e, u, i, us: activities.delete_action(e, u, i, record),
                "delete_period": lambda e, u, i, us: measurements.delete_period(e, u, i, *record)}[service]
    before = snapshot(engine)
    with pytest.raises(errors.AccessDenied):
        call(engine, users[role], eid, users)
    assert snapshot(engine) == before


def test_a_record_of_another_enterprise_is_not_reached_through_one_s_own(env):
    """The record id must belong to the enterprise named: own id + other's record is refused."""
    engine, users, targets = env
    record = _training(engine, users, targets["other"])
    action = _action(engine, users, targets["other"])
    before = snapshot(engine)
    manager = users["manager"]
    with pytest.raises(LookupError):
        activities.delete_training(engine, manager, targets["own"], record)
    with pytest.raises(LookupError):
        activities.update_training(engine, manager, targets["own"], record, "Quality Management",
                                 dt.date(2024, 1, 1), dt.date(2024, 1, 2))
    with pytest.raises(LookupError):
        activities.delete_action(engine, manager, targets["own"], action)
    assert snapshot(engine) == before


def test_lists_and_exports_hold_only_what_the_role_may_read(env):
    engine, users, targets = env
    for role in ("manager", "trainer"):
        user = users[role]
        assert set(enterprises.list_enterprises(engine, user)["id"]) == set(user.enterprise_ids)
        exported = set(tio.export_frame(engine, user)["enterprise"])
        names = {_name(engine, users, i) for i in user.enterprise_ids}
        assert exported and exported <= names
    everyone = enterprises.list_enterprises(engine, users["admin"])
    assert len(enterprises.list_enterprises(engine, users["officer"])) == len(everyone)
    with pytest.raises(errors.AccessDenied):
        tio.export_frame(engine, users["officer"])  # officers get aggregates, not figures


@pytest.mark.parametrize("role", ROLES)
def test_programme_overview_is_for_officers_and_admins(env, role):
    engine, users, _ = env
    if role in ("officer", "admin"):
        assert published.programme_overview(engine, users[role]).enterprises > 30
    else:
        with pytest.raises(errors.AccessDenied):
            published.programme_overview(engine, users[role])


ADMIN_SERVICES = {
    "list_users": lambda e, u, us: accounts.list_users(e, u),
    "create_user": lambda e, u, us: accounts.create_user(e, u, "access-new", "officer", password="long-enough-pw"),
    "update_user": lambda e, u, us: accounts.update_user(e, u, us["officer"].id, role="admin"),
    "assign_enterprises": lambda e, u, us: accounts.assign_enterprises(e, u, us["trainer"].id, [1]),
    "reset_password": lambda e, u, us: accounts.reset_password(e, u, us["admin"].id, "taken-over-pw"),
    "set_active": lambda e, u, us: accounts.set_active(e, u, us["admin"].id, False),
    "create_enterprise": lambda e, u, us: enterprises.create_enterprise(e, u, "Access test Ltd", "KE"),
    "edit_enterprise": lambda e, u, us: enterprises.edit_enterprise(e, u, 1, name="Renamed", country="KE", cluster=""),
    "create_partner": lambda e, u, us: partners.create_partner(e, u, "Access BSO", "other"),
    "edit_partner": lambda e, u, us: partners.edit_partner(e, u, 1, name="Renamed BSO", type_="other"),
    "merge_partner": lambda e, u, us: partners.merge_partner(e, u, 2, 1),
    "delete_partner": lambda e, u, us: partners.delete_partner(e, u, partners.create_partner(e, u, "Gone", "other")
                                                               if u.role == "admin" else 1),
    "create_cluster": lambda e, u, us: clusters.create_cluster(e, u, "Access cluster", "KE"),
    "edit_cluster": lambda e, u, us: clusters.edit_cluster(e, u, 1, name="Renamed cluster", country="IN"),
    "delete_cluster": lambda e, u, us: clusters.delete_cluster(e, u, clusters.create_cluster(e, u, "Gone", "KE")
                                                               if u.role == "admin" else 1),
    "audit_log": lambda e, u, us: accounts.audit_log(e, u),
    "audit_choices": lambda e, u, us: accounts.audit_choices(e, u),
}


@pytest.mark.parametrize("role", ["officer", "trainer", "manager"])
@pytest.mark.parametrize("service", list(ADMIN_SERVICES))
def test_only_admins_manage_accounts_enterprises_and_read_the_audit_log(env, service, role):
    engine, users, _ = env
    before = snapshot(engine)
    with pytest.raises(errors.AccessDenied):
        ADMIN_SERVICES[service](engine, users[role], users)
    assert snapshot(engine) == before


def test_the_admin_may_call_every_admin_service(tmp_path):
    """The positive control of the table above, on a database of its own (it changes accounts)."""
    engine = db.open_database(f"duckdb:///{tmp_path / 'admin.duckdb'}")
    demo.load(engine, PW)
    users = {role: auth.authenticate(engine, f"demo-{role}", PW) for role in ROLES}
    for name, call in ADMIN_SERVICES.items():
        if name in ("reset_password", "set_active"):  # not on oneself: on the officer
            call = {"reset_password": lambda e, u, us: accounts.reset_password(e, u, us["officer"].id),
                    "set_active": lambda e, u, us: accounts.set_active(e, u, us["officer"].id, False)}[name]
        call(engine, users["admin"], users)
    engine.dispose()


HOSTILE = ['<img src=x onerror=alert(1)>', '=HYPERLINK("http://x")']


def test_hostile_names_are_exported_and_reported_harmlessly(tmp_path):
    import csv
    import io

    import openpyxl

    from tracker import handover

    engine = db.open_database(f"duckdb:///{tmp_path / 'hostile.duckdb'}")
    demo.load(engine, PW)
    admin = auth.authenticate(engine, "demo-admin", PW)
    # three enterprises per hostile sector, so that the sector's aggregates are shown, not suppressed
    rows = []
    for name in HOSTILE:
        for k in range(3):
            ent = f"{name}{k}" if k else name
            enterprises.create_enterprise(engine, admin, ent, "KE", sector=name)
            for phase, start, end, value in [("baseline", "2023-01-01", "2023-12-31", 100.0),
                                             ("follow-up", "2024-01-01", "2024-12-31", 80.0)]:
                rows.append(dict(enterprise=ent, country="KE", sector=name, period_start=start, period_end=end,
                                 phase=phase, indicator="water", carrier="", value=value, unit="m3", note=name))
    measurements.save_measurements(engine, admin, metrics.parse(pd.DataFrame(rows)))

    # the measurement export: the formula is text in CSV and in Excel
    exported = list(csv.DictReader(io.StringIO(tio.export_bytes(engine, admin, "csv").decode())))
    cells = {r["enterprise"] for r in exported} | {r["sector"] for r in exported} | {r["note"] for r in exported}
    assert "'" + HOSTILE[1] in cells and HOSTILE[1] not in cells and HOSTILE[0] in cells
    sheet = openpyxl.load_workbook(io.BytesIO(tio.export_bytes(engine, admin, "xlsx"))).active
    formula_cells = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formula_cells == []
    assert any(c.value == "'" + HOSTILE[1] for row in sheet.iter_rows() for c in row)

    # the hand-over report escapes the name; its Excel holds no formula
    eid = int(enterprises.list_enterprises(engine, admin).set_index("name").loc[HOSTILE[0], "id"])
    report = enterprise_report(engine, admin, eid)
    page = handover.report_html(report)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    fid = int(enterprises.list_enterprises(engine, admin).set_index("name").loc[HOSTILE[1], "id"])
    book = openpyxl.load_workbook(io.BytesIO(handover.report_xlsx(enterprise_report(engine, admin, fid))))
    assert [c for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"] == []

    # the officer's aggregate export by sector: the sector name is inert too
    officer = auth.authenticate(engine, "demo-officer", PW)
    ov = published.programme_overview(engine, officer, overview.Filters(sector=(HOSTILE[1],)))
    assert ov.enterprises == 3
    text = tio.overview_csv(ov).decode()
    assert "'" + HOSTILE[1].replace('"', '""') in text
    assert not any(line.split(",", 2)[1].startswith("=") for line in text.splitlines()[1:] if "," in line)
    book = openpyxl.load_workbook(io.BytesIO(tio.overview_excel(ov)))
    assert [c for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"] == []
    assert any(c.value == "'" + HOSTILE[1] for ws in book for row in ws.iter_rows() for c in row)
    engine.dispose()


def test_single_sign_on_maps_a_verified_e_mail_to_an_existing_account_only(tmp_path):
    engine = db.open_database(f"duckdb:///{tmp_path / 'sso.duckdb'}")
    demo.load(engine, PW)
    admin = auth.authenticate(engine, "demo-admin", PW)
    manager = auth.authenticate(engine, "demo-manager", PW)
    claims = {"is_logged_in": True, "email": "Owner@Seals.example", "email_verified": True}
    assert accounts.user_for_identity(engine, claims) is None  # no account has that e-mail yet
    n_users = len(accounts.list_users(engine, admin))
    accounts.update_user(engine, admin, manager.id, role="manager", enterprise_ids=manager.enterprise_ids,
                         email="owner@seals.example")
    mapped = accounts.user_for_identity(engine, claims)
    assert (mapped.username, mapped.role, mapped.enterprise_ids) == ("demo-manager", "manager", manager.enterprise_ids)
    assert accounts.user_for_identity(engine, dict(claims, email_verified=False)) is None
    assert accounts.user_for_identity(engine, {"is_logged_in": True}) is None
    with pytest.raises(ValueError, match="already uses"):
        accounts.create_user(engine, admin, "twin", "officer", email="OWNER@seals.example", password="long-enough-pw")
    accounts.set_active(engine, admin, manager.id, False)
    assert accounts.user_for_identity(engine, claims) is None
    assert len(accounts.list_users(engine, admin)) == n_users  # signing in never created an account
    log = accounts.audit_log(engine, admin, accounts.AuditFilters(action="login-sso"))
    assert list(log["username"]) == ["demo-manager"]
    engine.dispose()


# --- the service layer re-reads the account behind the user it is given ----------------------

@pytest.fixture(scope="module")
def impostors(tmp_path_factory):
    """A made-up admin, a copy of the real admin's id and name made by hand, an admin signed in
    and then deactivated, and one signed in and then demoted to officer."""
    engine = db.open_database(f"duckdb:///{tmp_path_factory.mktemp('impostors') / 'demo.duckdb'}")
    demo.load(engine, PW)
    users = {role: auth.authenticate(engine, f"demo-{role}", PW) for role in ROLES}
    admin = users["admin"]
    for name in ("former-admin", "demoted-admin"):
        accounts.create_user(engine, admin, name, "admin", password="admin-password")
    former = auth.authenticate(engine, "former-admin", "admin-password")
    demoted = auth.authenticate(engine, "demoted-admin", "admin-password")
    accounts.set_active(engine, admin, former.id, False)
    accounts.update_user(engine, admin, demoted.id, role="officer")
    own = users["manager"].enterprise_ids[0]
    records = {"training": _training(engine, users, own), "action": _action(engine, users, own),
               "period": _period(engine, users, own)}
    who = {"made up": auth.CurrentUser(id=99999, username="ghost", role="admin"),
           "a copy of the admin": auth.CurrentUser(id=admin.id, username=admin.username, role="admin",
                                                   enterprise_ids=admin.enterprise_ids),
           "deactivated": former, "demoted": demoted}
    yield engine, users, own, records, who
    engine.dispose()


def _impostor_calls(engine, users, own, records):
    rows = _rows(engine, users, own)
    calls = {name: (lambda e, u, call=call: call(e, u, own, users)) for name, call in ENTERPRISE_SERVICES.items()
             if name not in ("update_training", "delete_training", "delete_action", "delete_period")}
    calls.update({name: (lambda e, u, call=call: call(e, u, users)) for name, call in ADMIN_SERVICES.items()})
    calls.update({
        "update_training": lambda e, u: activities.update_training(e, u, own, records["training"], "Quality Management",
                                                                   dt.date(2024, 3, 1), dt.date(2024, 3, 3)),
        "delete_training": lambda e, u: activities.delete_training(e, u, own, records["training"]),
        "delete_action": lambda e, u: activities.delete_action(e, u, own, records["action"]),
        "delete_period": lambda e, u: measurements.delete_period(e, u, own, *records["period"]),
        "save_measurements (created)": lambda e, u: measurements.save_measurements(
            e, u, metrics.parse(rows.assign(enterprise="Brand new SME")), create_enterprises=True),
        "export_frame": lambda e, u: tio.export_frame(e, u),
        "change_own_password": lambda e, u: accounts.change_own_password(e, u, "admin-password", "new-password-1"),
        "list_enterprises": lambda e, u: enterprises.list_enterprises(e, u),
        "programme_overview": lambda e, u: published.programme_overview(e, u),
        "filter_options": lambda e, u: published.filter_options(e, u),
        "load_data": lambda e, u: overview.load_data(e, u),
        "database_averages": lambda e, u: published.database_averages(e, u, own),
        "list_trainers": lambda e, u: trainers.list_trainers(e, u),
        "trainer_profile": lambda e, u: trainers.trainer_profile(e, u, users["trainer"].id),
        "save_profile": lambda e, u: trainers.save_profile(e, u, users["trainer"].id, status="candidate"),
    })
    return calls


#: what an officer may call, so a demoted admin still may
OFFICER_MAY = {"list_enterprises", "programme_overview", "filter_options", "change_own_password", "list_trainers",
               "trainer_profile", "save_profile"}


@pytest.mark.parametrize("kind", ["made up", "a copy of the admin", "deactivated", "demoted"])
def test_no_service_trusts_the_user_it_is_given(impostors, kind):
    engine, users, own, records, who = impostors
    user = who[kind]
    for name, call in _impostor_calls(engine, users, own, records).items():
        if kind == "demoted" and name in OFFICER_MAY:
            continue
        before = snapshot(engine)
        with pytest.raises(errors.AccessDenied):
            call(engine, user)
            pytest.fail(f"{name} accepted {kind}")
        assert snapshot(engine) == before, name
    if kind == "demoted":  # the role that counts is the database's: an officer's aggregates, no more
        assert published.programme_overview(engine, user).enterprises > 30


def test_the_right_account_passes_after_the_checks(impostors):
    """The positive control: the same calls as the real admin succeed (so the refusals above are
    about who calls, not about the calls)."""
    engine, users, own, records, who = impostors
    admin = users["admin"]
    assert accounts.list_users(engine, admin)["username"].str.contains("former-admin").any()
    assert published.database_averages(engine, admin, own)["enterprises"].gt(0).all()
    assert auth.current(engine, who["demoted"]).role == "officer"
    assert auth.current(engine, who["deactivated"]) is None and auth.current(engine, who["made up"]) is None
