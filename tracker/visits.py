"""Offline visits: take a trainer's enterprises out to a laptop, bring the changes back.

- :func:`export_visit` (server; the trainer for themselves, or an admin for any trainer): the
  package of the trainer's enterprises (profiles, figures, actions, module records, targets), signed
  by this server (``tracker.visit_package``).
- :func:`open_visit` (laptop): an empty database filled from the package; the trainer signs in
  with their usual password and every enterprise page works as on the server.
- :func:`pack_visit` (laptop): the export as it came, plus the records as the laptop has them.
- :func:`merge_visit` (server; the package's trainer or an admin): all or nothing, in one
  transaction. The package must be one this server signed; every record the laptop part names
  must belong to an enterprise of the signed manifest, and every record it changes to one the
  trainer still works with now. Records are merged three ways (``tracker.visit_merge``);
  conflicts come back as :class:`~tracker.errors.VisitConflicts` until each is resolved. A
  package is merged once: again, it changes nothing.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

import metrics
from metrics.i18n import _, ngettext
from metrics.labels import module_label
from tracker import audit, summary, tables, visit_package
from tracker.access import require_role
from tracker.auth import CurrentUser
from tracker.db import current_revision, session_scope
from tracker.errors import AccessDenied, VisitConflicts, VisitRefused
from tracker.models import (
    Action,
    Cluster,
    Enterprise,
    Measurement,
    Partner,
    Setting,
    Target,
    Training,
    User,
    UserEnterprise,
    VisitMerge,
)
from tracker.visit_merge import Conflict, Destination, apply, plan
from tracker.visit_package import Package, PackageError
from tracker.visit_records import KEYED_BY_ENTERPRISE, collect, describe, enterprise_of, from_json, to_json

#: a password hash that no password matches (other trainers' accounts on a laptop: names only)
NO_PASSWORD = "!offline-visit: no password"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _trainers_of(session, enterprise_ids) -> dict[int, list[str]]:
    rows = session.execute(select(UserEnterprise.enterprise_id, User.username)
                           .join(User, User.id == UserEnterprise.user_id)
                           .where(User.role == "trainer", UserEnterprise.enterprise_id.in_(enterprise_ids))).all()
    out: dict[int, list[str]] = {}
    for eid, name in rows:
        out.setdefault(eid, []).append(name)
    return out


def _trainer_account(session, name: str) -> User:
    account = session.scalars(select(User).where(User.username == name)).first()
    if account is None or account.role != "trainer" or not account.active:
        raise LookupError(_("{name} is not an active trainer's account.").format(name=repr(name)))
    return account


def _assigned(session, account: User) -> list[int]:
    return sorted(session.scalars(select(UserEnterprise.enterprise_id)
                                  .where(UserEnterprise.user_id == account.id)).all())


def export_visit(engine: Engine, user: CurrentUser, trainer: str) -> bytes:
    """The visit package of ``trainer``'s enterprises (a trainer takes their own; an admin any
    trainer's), signed by this server; the export is audited."""
    user = require_role(engine, user, "admin", "trainer")
    if user.role == "trainer" and user.username != trainer:
        raise AccessDenied(_("A trainer takes out their own visit only."))
    with session_scope(engine) as session:
        account = _trainer_account(session, trainer)
        ids = _assigned(session, account)
        if not ids:
            raise LookupError(_("{trainer} works with no enterprise: there is nothing to take out.").format(
                trainer=trainer))
        partners = {p.id: p for p in session.scalars(select(Partner))}
        clusters = {c.id: c for c in session.scalars(select(Cluster))}
        trainers = _trainers_of(session, ids)
        ents = list(session.scalars(select(Enterprise).where(Enterprise.id.in_(ids)).order_by(Enterprise.name)))
        visit = {
            "records": to_json(collect(session, ids)),
            "enterprises": [{"gid": e.gid, "name": e.name, "country": e.country, "sector": e.sector, "size": e.size,
                             "partner": partners[e.partner_id].name if e.partner_id in partners else "",
                             "cluster": clusters[e.cluster_id].name if e.cluster_id in clusters else "",
                             "synthetic": bool(e.synthetic), "trainers": sorted(trainers.get(e.id, []))}
                            for e in ents],
            "partners": [{"name": p.name, "type": p.type, "country": p.country} for p in partners.values()],
            "clusters": [{"name": c.name, "country": c.country, "region": c.region, "sector": c.sector,
                          "criteria": c.criteria, "note": c.note,
                          "selected_on": c.selected_on.isoformat() if c.selected_on else None}
                         for c in clusters.values()],
            "account": {"username": account.username, "password_hash": account.password_hash},
        }
        package_id = str(uuid.uuid4())
        manifest = {"package_id": package_id, "server_id": visit_package.server_id(session), "trainer": trainer,
                    "enterprises": [e.gid for e in ents], "factor_set": metrics.FACTOR_SET_VERSION,
                    "revision": current_revision(engine), "exported_at": _now().isoformat(sep=" ", timespec="seconds")}
        data = visit_package.build_export(visit_package.server_key(session), manifest, visit)
        audit.record(session, user.username, "visit export", "visit_merges", package_id, None,
                     {"trainer": trainer, "enterprises": [e.name for e in ents]})
    return data


# --- the laptop ---------------------------------------------------------------------------------

def open_visit(engine: Engine, data: bytes) -> dict:
    """Fill the empty database behind ``engine`` from an exported package; returns what it holds.
    ValueError when the database is not empty or the package is not an export of this version."""
    package = visit_package.read(data)
    manifest, visit = package.manifest, package.visit
    if package.laptop_bytes is not None:
        raise PackageError(_("This is a pack to merge on the server, not an export to open on a laptop."))
    if manifest.get("factor_set") != metrics.FACTOR_SET_VERSION:
        raise PackageError(_("This package was exported with the factor set {package}; this tracker has {ours}: "
                             "install the server's version.").format(package=manifest.get("factor_set"),
                                                                     ours=metrics.FACTOR_SET_VERSION))
    records = from_json(visit.get("records"))
    with session_scope(engine) as session:
        if session.scalars(select(User.id)).first() or session.scalars(select(Enterprise.id)).first():
            raise ValueError(_("This database is not empty: open a visit into a new database (SCORE_DB_URL)."))
        for p in visit["partners"]:
            session.add(Partner(name=p["name"], type=p["type"], country=p["country"]))
        for c in visit["clusters"]:
            session.add(Cluster(name=c["name"], country=c["country"], region=c["region"], sector=c["sector"],
                                criteria=c["criteria"], note=c["note"],
                                selected_on=dt.date.fromisoformat(c["selected_on"]) if c["selected_on"] else None))
        session.flush()
        partner_ids = dict(session.execute(select(Partner.name, Partner.id)).all())
        cluster_ids = dict(session.execute(select(Cluster.name, Cluster.id)).all())
        me = User(username=visit["account"]["username"], password_hash=visit["account"]["password_hash"],
                  role="trainer", active=True)
        session.add(me)
        others = sorted({t for e in visit["enterprises"] for t in e["trainers"]} - {me.username})
        users = {name: User(username=name, password_hash=NO_PASSWORD, role="trainer", active=False)
                 for name in others}
        session.add_all(users.values())
        users[me.username] = me
        ents = {e["gid"]: Enterprise(gid=e["gid"], name=e["name"], country=e["country"], sector=e["sector"],
                                     size=e["size"], partner_id=partner_ids.get(e["partner"]),
                                     cluster_id=cluster_ids.get(e["cluster"]), synthetic=e["synthetic"])
                for e in visit["enterprises"]}
        session.add_all(ents.values())
        session.flush()
        for e in visit["enterprises"]:
            for name in set(e["trainers"]) | {me.username}:
                session.add(UserEnterprise(user_id=users[name].id, enterprise_id=ents[e["gid"]].id))
        _fill(session, records, {g: e.id for g, e in ents.items()}, {n: u.id for n, u in users.items()})
        for name, value in (("visit_manifest", package.manifest_bytes.decode()),
                            ("visit_signature", package.signature), ("visit_records", package.visit_bytes.decode())):
            session.add(Setting(name=name, value=value))
        audit.record(session, me.username, "visit open", "visit_merges", manifest["package_id"], None,
                     {"enterprises": len(ents), "records": len(records)})
    summary.rebuild(engine)
    return {"trainer": me.username, "enterprises": len(ents), "records": len(records)}


def _fill(session, records: dict, ents: dict[str, int], users: dict[str, int]) -> None:
    """Store the exported records (figures, actions, module records with their gids; targets)."""
    day = dt.date.fromisoformat
    for key, v in records.items():
        if key[0] == "figure":
            session.add(Measurement(gid=v["gid"], enterprise_id=ents[key[1]], period_start=day(key[2]),
                                    period_end=day(key[3]), phase=key[4], indicator=key[5], carrier=key[6],
                                    value=v["value"], unit=v["unit"], note=v["note"],
                                    value_canonical=v["value_canonical"], unit_canonical=v["unit_canonical"],
                                    factor_set=v["factor_set"], updated_by=v.get("updated_by") or "",
                                    renewable_pct=v.get("renewable_pct"), price=v.get("price"),
                                    currency=v.get("currency")))
        elif key[0] == "action":
            session.add(Action(gid=key[1], enterprise_id=ents[v["enterprise"]], action_date=day(v["action_date"]),
                               description=v["description"], investment=v["investment"], currency=v["currency"],
                               indicators=v["indicators"]))
        elif key[0] == "module":
            session.add(Training(gid=key[1], enterprise_id=ents[v["enterprise"]], module=v["module"],
                                 start_date=day(v["start_date"]) if v["start_date"] else None,
                                 end_date=day(v["end_date"]) if v["end_date"] else None, cohort=v["cohort"],
                                 managers_female=v["managers_female"], managers_male=v["managers_male"],
                                 workers_female=v["workers_female"], workers_male=v["workers_male"],
                                 trainer_id=users.get(v["trainer"])))
        elif key[0] == "target":
            session.add(Target(enterprise_id=ents[key[1]], indicator=key[2], basis=v["basis"],
                               reduction=v["reduction"], target_date=day(v["target_date"]),
                               set_by=v.get("set_by") or "",
                               set_at=dt.datetime.fromisoformat(v["set_at"]) if v.get("set_at") else _now()))


def laptop_visit(engine: Engine) -> dict | None:
    """On a laptop opened from a package: its manifest (package id, trainer, when exported); else None."""
    with session_scope(engine, readonly=True) as session:
        row = session.get(Setting, "visit_manifest")
        return None if row is None else json.loads(row.value)


def pack_visit(engine: Engine) -> bytes:
    """The pack to bring back: the export as it came, and every record of its enterprises now."""
    with session_scope(engine, readonly=True) as session:
        stored = {s.name: s.value for s in session.scalars(select(Setting).where(Setting.name.like("visit_%")))}
        if "visit_manifest" not in stored:
            raise LookupError(_("This database was not opened from a visit package: there is nothing to pack."))
        package = Package(stored["visit_manifest"].encode(), stored["visit_signature"],
                          stored["visit_records"].encode(), None)
        gids = package.manifest["enterprises"]
        ids = list(session.scalars(select(Enterprise.id).where(Enterprise.gid.in_(gids))))
        records = collect(session, ids)
    return visit_package.build_pack(package, {"package_id": package.manifest["package_id"],
                                              "records": to_json(records),
                                              "packed_at": _now().isoformat(timespec="seconds")})


# --- back on the server -----------------------------------------------------------------------

@dataclass(frozen=True)
class Merged:
    """What a merge did: records changed, conflicts resolved for the server, and whether the
    package had been merged before (then nothing changed now)."""

    package_id: str
    trainer: str
    changed: int
    kept: int
    already: bool = False


def _words(key, value: dict | None) -> str:
    """A record's state in words, for a conflict shown side by side."""
    if value is None:
        return _("(none: deleted or not entered)")
    kind = key[0]
    if kind == "profile":
        return value.get("value") or _("(empty)")
    if kind == "figure":
        note = f" ({value['note']})" if value.get("note") else ""
        return f"{float(value['value']):,.10g} {value['unit']}{note}"
    if kind == "target":
        try:
            return tables.target_words(value.get("reduction"), value.get("basis"), value.get("target_date"))
        except (ValueError, TypeError):  # a laptop's state that the merge would refuse: as it came
            return _("{reduction} {basis} by {date}").format(reduction=value.get("reduction"), basis=value.get("basis"),
                                                             date=value.get("target_date"))
    if kind == "action":
        inv = f"; {value['investment']:,.10g} {value.get('currency') or ''}".rstrip() if value.get("investment") \
            is not None else ""
        return f"{value.get('action_date')}: {value.get('description')}{inv}"
    people = sum(int(value.get(f) or 0) for f in ("managers_female", "managers_male", "workers_female",
                                                   "workers_male"))
    text = ngettext("{module} {start} to {end}, {n} attendee", "{module} {start} to {end}, {n} attendees",
                    people).format(module=module_label(value.get("module")), start=value.get("start_date"),
                                   end=value.get("end_date"), n=people)
    return text + (", " + _("by {trainer}").format(trainer=value["trainer"]) if value.get("trainer") else "")


def conflict_table(conflicts: list[Conflict], names: dict[str, str]) -> pd.DataFrame:
    """One row per conflict: key, enterprise, record, base, server, laptop (in words)."""
    return pd.DataFrame({
        "key": [c.key for c in conflicts],
        "enterprise": [names.get(enterprise_of(c.key, c.laptop or c.server or c.base) or "", "") for c in conflicts],
        "record": [describe(c.key, c.laptop or c.server or c.base) for c in conflicts],
        "base": [_words(c.key, c.base) for c in conflicts],
        "server": [_words(c.key, c.server) for c in conflicts],
        "laptop": [_words(c.key, c.laptop) for c in conflicts]},
        columns=["key", "enterprise", "record", "base", "server", "laptop"])


def merge_visit(engine: Engine, user: CurrentUser, data: bytes, resolutions: dict | None = None) -> Merged:
    """Merge a pack into this server, all or nothing (see the module's docstring). Raises
    PackageError (not a package this server signed), AccessDenied (not the package's trainer nor
    an admin), VisitRefused (records it may not change, or that cannot be stored, each named),
    VisitConflicts (records changed on both sides: pass ``resolutions`` {key: "laptop" or
    "server"} for each)."""
    user = require_role(engine, user, "admin", "trainer")
    package = visit_package.read(data)
    if package.laptop_bytes is None:
        raise PackageError(_("This is the export itself: on the laptop, `python -m tracker visit pack FILE` makes "
                             "the file to bring back."))
    manifest = package.manifest
    trainer, package_id = str(manifest.get("trainer")), str(manifest.get("package_id"))
    if user.role == "trainer" and user.username != trainer:
        raise AccessDenied(_("This visit is another trainer's: they (or an administrator) merge it."))
    try:
        base = from_json(package.visit.get("records"))
        laptop = from_json(package.laptop.get("records"))
    except ValueError as exc:
        raise PackageError(_("This package's records cannot be read: {exc}.").format(exc=exc)) from None
    with session_scope(engine) as session:
        visit_package.verify(session, package)
        allowed_gids = set(manifest.get("enterprises") or [])
        ents = {e.gid: e for e in session.scalars(select(Enterprise).where(Enterprise.gid.in_(allowed_gids)))}
        ids = sorted(e.id for e in ents.values())
        _lock(session, ids)  # before the check below: two merges of one package at once run one after the other
        if session.get(VisitMerge, package_id) is not None:
            return Merged(package_id, trainer, 0, 0, already=True)
        names = {g: e.name for g, e in ents.items()}
        problems = [(_("enterprise {gid}").format(gid=g), _("is no longer on this server"))
                    for g in sorted(allowed_gids - set(ents))]
        try:
            account = _trainer_account(session, trainer)
            now_theirs = set(_assigned(session, account))
        except LookupError as exc:
            raise VisitRefused([(trainer, _("{problem} Nothing of this visit can be merged.").format(problem=exc))]
                               ) from None
        for key in sorted(set(laptop) | set(base)):
            values = [v for v in (base.get(key), laptop.get(key)) if v is not None or key[0] in KEYED_BY_ENTERPRISE]
            if {enterprise_of(key, v) for v in values} - {None} - set(ents):  # named once, however many sides
                problems.append((describe(key, laptop.get(key) or base.get(key)),
                                 _("belongs to an enterprise that is not in this package")))
        if problems:
            raise VisitRefused(problems)
        server = collect(session, ids)
        merge = plan(base, laptop, server, {tuple(k): v for k, v in (resolutions or {}).items()})
        for key, value in merge.changes.items():
            for gid in {enterprise_of(key, value), enterprise_of(key, server.get(key))} - {None}:
                if ents[gid].id not in now_theirs:
                    problems.append((f"{names[gid]}: {describe(key, value)}",
                                     _("{trainer} no longer works with {enterprise}: ask an administrator").format(
                                         trainer=trainer, enterprise=names[gid])))
        if problems:
            raise VisitRefused(problems)
        if merge.conflicts:
            raise VisitConflicts(conflict_table(merge.conflicts, names))
        target = Destination(ids={g: e.id for g, e in ents.items()}, trainer=trainer, merged_by=user.username,
                        package_id=package_id, now=_now(), names=names)
        changed = apply(session, merge.changes, server, target)
        if target.problems:
            raise VisitRefused(target.problems)
        session.add(VisitMerge(package_id=package_id, trainer=trainer, merged_by=user.username, changes=changed))
        audit.record(session, user.username, "visit merge", "visit_merges", package_id, None,
                     {"trainer": trainer, "changed": changed, "kept": len(merge.kept)})
        session.flush()
        summary.refresh(session, ids)
    return Merged(package_id, trainer, changed, len(merge.kept))


def _lock(session, ids: list[int]) -> None:
    """PostgreSQL: lock the rows a merge compares, so that no save changes them in between (DuckDB:
    writers take turns)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in (Enterprise, Measurement, Action, Training, Target):
        column = Enterprise.id if model is Enterprise else model.enterprise_id
        session.execute(select(model.id).where(column.in_(ids)).with_for_update()).all()
