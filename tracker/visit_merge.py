"""A visit's records merged three ways: the export's base, the laptop, the server now.

:func:`plan` is pure: for every record of the base or the laptop, a record the laptop left as it
was exported is kept as the server has it; one changed on the laptop only is taken from the
laptop (inserted, updated or deleted); one changed on both sides to different states is a
:class:`Conflict` (taken from neither side until the trainer says which: ``resolutions``); one
changed on both sides to the same state needs nothing. Merging the result again changes nothing.

:func:`apply` writes a plan's changes in the caller's transaction, each checked as the pages
check it and audited as "offline visit" with the package's id; a change that cannot be stored
is named (record and why) in :class:`~tracker.errors.VisitRefused`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

import metrics
from metrics.i18n import N_, _
from tracker import activities, audit, enterprises, lengths, targets
from tracker.db import bulk_insert
from tracker.models import Action, Enterprise, Measurement, Target, Training
from tracker.visit_records import (
    ACTION_FIELDS,
    MODULE_FIELDS,
    PROFILE_FIELDS,
    TARGET_FIELDS,
    Key,
    describe,
    enterprise_of,
    same,
)

#: the most attendees of one group (female managers...) a module record may have (an integer column holds more)
MAX_ATTENDEES = 100_000
#: the audit log's action for every change a merge makes
AUDIT_ACTION = "offline visit"


@dataclass(frozen=True)
class Conflict:
    """A record changed on the server and on the laptop since the export, to different states."""

    key: Key
    base: dict | None
    server: dict | None
    laptop: dict | None


@dataclass
class Plan:
    """What a merge writes (key -> the laptop's state, None to delete) and the conflicts left."""

    changes: dict[Key, dict | None] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    kept: list[Key] = field(default_factory=list)  # conflicts resolved for the server's state


def plan(base: dict[Key, dict], laptop: dict[Key, dict], server: dict[Key, dict],
         resolutions: dict[Key, str] | None = None) -> Plan:
    """The three-way merge of ``laptop`` into ``server`` against ``base`` (each key -> state; a
    missing key is an absent record). ``resolutions`` maps a conflict's key to "laptop" (take
    the laptop's state) or "server" (keep the server's)."""
    resolutions = resolutions or {}
    out = Plan()
    for key in sorted(set(base) | set(laptop)):
        b, lap, srv = base.get(key), laptop.get(key), server.get(key)
        if same(key, lap, b) or same(key, srv, lap):
            continue  # not changed on the laptop, or already as the laptop has it
        if same(key, srv, b):
            out.changes[key] = lap
        elif resolutions.get(key) == "laptop":
            out.changes[key] = lap
        elif resolutions.get(key) == "server":
            out.kept.append(key)
        else:
            out.conflicts.append(Conflict(key, b, srv, lap))
    return out


@dataclass
class Destination:
    """Where a merge writes: the enterprises' ids by gid, who made the changes, the package."""

    ids: dict[str, int]
    trainer: str
    merged_by: str
    package_id: str
    now: dt.datetime
    problems: list[tuple[str, str]] = field(default_factory=list)  # (record, why)

    def note(self, key: Key, value: dict | None, why: str) -> None:
        self.problems.append((_("{enterprise}: {record}").format(enterprise=self.enterprise_name(key, value),
                                                                 record=describe(key, value)), why))

    def enterprise_name(self, key: Key, value: dict | None) -> str:
        return self.names.get(enterprise_of(key, value) or "", _("an enterprise not in this visit"))

    names: dict[str, str] = field(default_factory=dict)


def _audit(session: Session, target: Destination, table: str, record: str, before, after) -> None:
    audit.record(session, target.trainer, AUDIT_ACTION, table, record, before,
                 {"state": after, "package": target.package_id, "merged_by": target.merged_by})


def apply(session: Session, changes: dict[Key, dict | None], server: dict[Key, dict], target: Destination) -> int:
    """Write ``changes`` (a plan's) in the session's transaction; returns how many records changed.
    Problems are added to ``target.problems`` (the caller refuses the whole merge when any)."""
    by_kind: dict[str, dict[Key, dict | None]] = {}
    for key, value in changes.items():
        by_kind.setdefault(key[0], {})[key] = value
    _profiles(session, by_kind.get("profile", {}), server, target)
    _figures(session, by_kind.get("figure", {}), server, target)
    for kind, how in KINDS.items():
        _apply(session, how, by_kind.get(kind, {}), server, target)
    return len(changes)


def _profiles(session: Session, changes: dict, server: dict, target: Destination) -> None:
    per: dict[str, dict[str, str]] = {}
    for key, value in changes.items():
        if value is None or not isinstance(value.get("value"), str):
            target.note(key, value, _("a profile field cannot be removed"))
            continue
        per.setdefault(key[1], {})[key[2]] = value["value"]
    for gid, fields in per.items():
        ent = session.get(Enterprise, target.ids[gid])
        now = {f: server[("profile", gid, f)]["value"] for f in PROFILE_FIELDS}
        wanted = {**now, **fields}
        try:
            cluster = wanted["cluster"] if "cluster" in fields or "country" in fields else None
            values = enterprises.profile_values(session, wanted["country"], wanted["sector"], wanted["size"],
                                                wanted["partner"], cluster, ent)
        except ValueError as exc:
            target.note(("profile", gid, ",".join(fields)), None, str(exc))
            continue
        for k, v in values.items():
            setattr(ent, k, v)
        _audit(session, target, "enterprises", gid, {f: now[f] for f in fields}, fields)


def _figures(session: Session, changes: dict, server: dict, target: Destination) -> None:
    keys = [k for k, v in changes.items() if v is not None]
    canonical: dict[Key, tuple[float, str, dict]] = {}
    if keys:
        frame = pd.DataFrame({"enterprise": [k[1] for k in keys], "period_start": [k[2] for k in keys],
                              "period_end": [k[3] for k in keys], "phase": [k[4] for k in keys],
                              "indicator": [k[5] for k in keys], "carrier": [k[6] for k in keys],
                              "value": [changes[k].get("value") for k in keys],
                              "unit": [changes[k].get("unit") for k in keys],
                              "note": [changes[k].get("note") or "" for k in keys],
                              **{c: [changes[k].get(c) for k in keys] for c in metrics.OPTIONAL_COLUMNS}})
        parsed = metrics.parse(frame, first_line=0)
        if not parsed.ok:
            for p in parsed.problems.itertuples():
                key = keys[int(p.row)] if 0 <= int(p.row) < len(keys) else keys[0]
                target.note(key, None, f"{p.column}: {p.reason}")
            return
        rows = parsed.rows
        # the parse reads the figure as the key names it: a key it reads otherwise is not a figure's
        for i, key in enumerate(keys):
            r = rows.iloc[i]
            if (r["phase"], r["indicator"], r["carrier"]) != key[4:7] or str(r["period_start"].date()) != key[2]:
                target.note(key, None, _("the figure's key is not written as the tracker writes it"))
            canonical[key] = (float(r["value_canonical"]), str(r["unit_canonical"]),
                              {c: None if pd.isna(r[c]) or r[c] == "" else r[c] for c in metrics.OPTIONAL_COLUMNS})
        for key in keys:
            problem = lengths.problem(Measurement.note, changes[key].get("note") or "", _("The note"))
            if problem:
                target.note(key, None, problem)
    if target.problems:
        return
    stamp = dict(factor_set=metrics.FACTOR_SET_VERSION, updated_at=target.now, updated_by=target.trainer)
    stored = _stored_figures(session, sorted({target.ids[k[1]] for k in changes}))
    inserts, updates, deletes, entries = [], [], [], []
    for key, value in changes.items():
        eid = target.ids[key[1]]
        row = stored.get((eid, *key[2:]))
        before = None if row is None else {"value": row.value, "unit": row.unit, "note": row.note}
        if value is None:
            if row is not None:
                deletes.append(row.id)
            entries.append((getattr(row, "gid", "") or "", before, None))
            continue
        fields = dict(value=float(value["value"]), unit=value["unit"], note=value.get("note") or "",
                      value_canonical=canonical[key][0], unit_canonical=canonical[key][1], **canonical[key][2],
                      **stamp)
        if row is None:
            inserts.append(dict(enterprise_id=eid, period_start=dt.date.fromisoformat(key[2]),
                                period_end=dt.date.fromisoformat(key[3]), phase=key[4], indicator=key[5],
                                carrier=key[6], version=1, gid=str(value.get("gid") or "") or None, **fields))
        else:
            updates.append(dict(mid=row.id, version=(row.version or 1) + 1, **fields))
        after = {"value": fields["value"], "unit": fields["unit"], "note": fields["note"], "figure": list(key[1:])}
        entries.append((str(value.get("gid") or getattr(row, "gid", "") or "")[:100], before, after))
    table = Measurement.__table__
    if deletes:
        session.execute(table.delete().where(table.c.id.in_(deletes)))
    if updates:
        session.execute(table.update().where(table.c.id == bindparam("mid")), updates)
    if inserts:
        new = pd.DataFrame(inserts)
        with_gid, without = new[new["gid"].notna()], new[new["gid"].isna()].drop(columns="gid")
        bulk_insert(session, "measurements", with_gid)
        bulk_insert(session, "measurements", without)  # the database gives these a gid
    audit.record_many(session, target.trainer, AUDIT_ACTION, "measurements",
                      [(rid, before, {"state": after, "package": target.package_id, "merged_by": target.merged_by})
                       for rid, before, after in entries])


def _stored_figures(session: Session, enterprise_ids: list[int]) -> dict:
    """The stored figures of ``enterprise_ids`` by (enterprise id, start, end, phase, indicator, carrier),
    as ISO dates like a record's key."""
    if not enterprise_ids:
        return {}
    rows = session.execute(select(Measurement.id, Measurement.enterprise_id, Measurement.period_start,
                                  Measurement.period_end, Measurement.phase, Measurement.indicator,
                                  Measurement.carrier, Measurement.value, Measurement.unit, Measurement.note,
                                  Measurement.version, Measurement.gid)
                           .where(Measurement.enterprise_id.in_(enterprise_ids))).all()
    return {(r.enterprise_id, r.period_start.isoformat(), r.period_end.isoformat(), r.phase, r.indicator, r.carrier): r
            for r in rows}


def _day(text) -> dt.date | None:
    return None if text in (None, "") else dt.date.fromisoformat(str(text))


@dataclass(frozen=True)
class Kind:
    """How the records of one kind are written, one row each: the model, the audit log's table name, the words
    of a refusal (``what`` belongs to an enterprise not in this visit), the columns that find a record's row
    (and that a new row gets), the checked columns a state writes (ValueError, TypeError or KeyError with a
    plain message when it cannot be stored, as its page would refuse it), what the audit entry says, and the
    audit entry's record id (the gid; a row id where the page's own audit entries use one)."""

    model: type
    table: str
    what: str
    identity: Callable[[Key, Destination], dict]
    columns: Callable[[Session, Key, dict, Destination], dict]
    audited: Callable[[dict], dict]
    record_id: Callable[[Key, object], str]


def _action_columns(session: Session, key: Key, value: dict, target: Destination) -> dict:
    investment = None if value.get("investment") is None else float(value["investment"])
    indicators = [i for i in str(value.get("indicators") or "").split(",") if i]
    description, currency, indicators = activities.check_action(
        str(value.get("description") or ""), investment, str(value.get("currency") or ""), indicators)
    day = _day(value.get("action_date"))
    if day is None:
        raise ValueError(_("the action has no date"))
    return dict(enterprise_id=target.ids[value["enterprise"]], action_date=day, description=description,
                investment=investment, currency=currency, indicators=",".join(indicators))


def _module_columns(session: Session, key: Key, value: dict, target: Destination) -> dict:
    enterprise_id = target.ids[value["enterprise"]]
    start, end = _day(value.get("start_date")), _day(value.get("end_date"))
    counts = [int(value.get(f) or 0) for f in MODULE_FIELDS[4:]]
    if start is None or end is None:
        raise ValueError(_("the module record needs its start and end dates"))
    if any(c > MAX_ATTENDEES for c in counts):
        raise ValueError(_("more than {MAX_ATTENDEES} attendees in one group").format(
            MAX_ATTENDEES=f"{MAX_ATTENDEES:,}"))
    cohort = activities.check_training(str(value.get("module")), start, end, counts, str(value.get("cohort") or ""))
    trainer_id = activities.trainer_account(session, enterprise_id, str(value.get("trainer") or ""))
    return dict(enterprise_id=enterprise_id, module=str(value["module"]), start_date=start, end_date=end,
                cohort=cohort, trainer_id=trainer_id, **dict(zip(MODULE_FIELDS[4:], counts, strict=True)))


def _target_columns(session: Session, key: Key, value: dict, target: Destination) -> dict:
    basis, reduction, day = value.get("basis"), value.get("reduction"), _day(value.get("target_date"))
    if isinstance(reduction, bool) or not isinstance(reduction, int | float):
        raise ValueError(_("The reduction must be a number (per cent)."))
    metrics.check_target(key[2], str(basis), reduction, day)
    targets.check_after_baseline(session, target.ids[key[1]], day)  # the figures of this merge written already
    return dict(basis=str(basis), reduction=float(reduction), target_date=day, set_by=target.trainer,
                set_at=target.now)


#: the kinds written one row at a time (profiles and figures have writers of their own, above), in this order
KINDS: dict[str, Kind] = {
    "action": Kind(Action, "actions", N_("the action"), lambda key, target: {"gid": key[1]}, _action_columns,
                   lambda value: {f: value.get(f) for f in ACTION_FIELDS}, lambda key, row: key[1]),
    "module": Kind(Training, "trainings", N_("the module record"), lambda key, target: {"gid": key[1]}, _module_columns,
                   lambda value: value, lambda key, row: key[1]),
    "target": Kind(Target, "targets", N_("the target"),
                   lambda key, target: {"enterprise_id": target.ids[key[1]], "indicator": key[2]}, _target_columns,
                   lambda value: {f: value.get(f) for f in TARGET_FIELDS}, lambda key, row: str(row.id)),
}


#: a record of an enterprise not in the visit, per table (whole sentences, for translation)
_NOT_HERE = {"actions": N_("the action belongs to an enterprise not in this visit"),
             "trainings": N_("the module record belongs to an enterprise not in this visit"),
             "targets": N_("the target belongs to an enterprise not in this visit")}


def _apply(session: Session, kind: Kind, changes: dict, server: dict, target: Destination) -> None:
    """Write the ``changes`` of one kind, a row each: find the record's row, refuse one of an enterprise not in
    this visit, delete it or check the new state and insert or update it; audit each change."""
    for key, value in changes.items():
        try:
            identity = kind.identity(key, target)
        except KeyError:
            target.note(key, value, _(_NOT_HERE[kind.table]))
            continue
        row = session.scalars(select(kind.model).filter_by(**identity)).first()
        if row is not None and row.enterprise_id not in target.ids.values():
            target.note(key, value, _(_NOT_HERE[kind.table]))
            continue
        before = server.get(key)
        if value is None:
            if row is not None:
                _audit(session, target, kind.table, kind.record_id(key, row), before, None)
                session.delete(row)
            continue
        try:
            columns = kind.columns(session, key, value, target)
        except (ValueError, TypeError, KeyError) as exc:
            target.note(key, value, str(exc))
            continue
        if row is None:
            row = kind.model(**identity, **columns)
            session.add(row)
            session.flush()  # the row's id, for an audit entry that names it
        else:
            for k, v in columns.items():
                setattr(row, k, v)
        _audit(session, target, kind.table, kind.record_id(key, row), before, kind.audited(value))
