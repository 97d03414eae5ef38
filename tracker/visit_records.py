"""The records an offline visit carries, read alike from the server and from a laptop.

A record is a key and a value. Keys are tuples of text, stable wherever the record goes:

- ``("profile", enterprise gid, field)``: one field of an enterprise's profile (country, sector,
  size, partner and cluster by name); value ``{"value": text}``;
- ``("figure", enterprise gid, period start, period end, phase, indicator, carrier)``: one
  figure (what makes a figure one figure, as the database's unique key says); value its value,
  unit and note, with its gid, canonical value and factor set carried along (not compared);
- ``("action", gid)`` and ``("module", gid)``: an improvement action, a module record (training),
  each naming its enterprise by gid, and a module record its trainer by user name;
- ``("target", enterprise gid, indicator)``: the enterprise's target for the indicator (one per
  enterprise and indicator, as the database's unique key says); value its basis, reduction and
  target date, with who set it and when carried along (not compared).

A record that is absent has the value None. Two values are the same record state when their
:func:`compared` parts are equal. Nothing here changes the database.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from metrics.i18n import N_, _
from metrics.labels import carrier_label, indicator_label, phase_label
from tracker.models import Action, Cluster, Enterprise, Measurement, Partner, Target, Training, User

#: an enterprise's profile fields an offline visit may change (its name, trainers and manager only
#: an administrator changes, online)
PROFILE_FIELDS = ("country", "sector", "size", "partner", "cluster")
PROFILE_WORDS = {"country": N_("country"), "sector": N_("sector"), "size": N_("size"),
                 "partner": N_("implementation partner"), "cluster": N_("cluster")}
#: the fields of a figure that make two states of it differ (the rest is carried along)
FIGURE_FIELDS = ("value", "unit", "note", "renewable_pct", "price", "currency")
ACTION_FIELDS = ("action_date", "description", "investment", "currency", "indicators")
MODULE_FIELDS = ("module", "start_date", "end_date", "cohort", "managers_female", "managers_male", "workers_female",
                 "workers_male")
TARGET_FIELDS = ("basis", "reduction", "target_date")
#: the kinds of record, in the words a person reads
KINDS = {"profile": N_("profile field"), "figure": N_("figure"), "action": N_("improvement action"),
         "module": N_("module record"), "target": N_("target")}
#: the kinds whose key names their enterprise (the others name it in their value)
KEYED_BY_ENTERPRISE = ("profile", "figure", "target")
#: the kinds of which only some fields count when two states are compared
_COMPARED = {"figure": FIGURE_FIELDS, "target": TARGET_FIELDS}

Key = tuple[str, ...]
#: how many parts each kind's key has
_LENGTHS = {"profile": 3, "figure": 7, "action": 2, "module": 2, "target": 3}


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def compared(key: Key, value: dict | None) -> dict | None:
    """What of ``value`` counts when two states of the record ``key`` are compared."""
    fields = _COMPARED.get(key[0])
    if value is None or fields is None:
        return value
    return {f: value.get(f) for f in fields}


def same(key: Key, a: dict | None, b: dict | None) -> bool:
    """True when ``a`` and ``b`` are the same state of the record ``key``."""
    return compared(key, a) == compared(key, b)


def enterprise_of(key: Key, value: dict | None) -> str | None:
    """The gid of the enterprise a record belongs to (for actions and modules: as ``value`` says)."""
    if key[0] in KEYED_BY_ENTERPRISE:
        return key[1]
    return None if value is None else value.get("enterprise")


def collect(session: Session, enterprise_ids: list[int]) -> dict[Key, dict]:
    """Every record of ``enterprise_ids`` as it is stored now."""
    ids = [int(i) for i in enterprise_ids]
    if not ids:
        return {}
    gids: dict[int, str] = {}
    out: dict[Key, dict] = {}
    partners = dict(session.execute(select(Partner.id, Partner.name)).all())
    clusters = dict(session.execute(select(Cluster.id, Cluster.name)).all())
    for e in session.scalars(select(Enterprise).where(Enterprise.id.in_(ids))):
        gids[e.id] = e.gid
        values = {"country": e.country, "sector": e.sector, "size": e.size,
                  "partner": partners.get(e.partner_id, ""), "cluster": clusters.get(e.cluster_id, "")}
        for name in PROFILE_FIELDS:
            out[("profile", e.gid, name)] = {"value": values[name] or ""}
    for m in session.scalars(select(Measurement).where(Measurement.enterprise_id.in_(ids))):
        key = ("figure", gids[m.enterprise_id], m.period_start.isoformat(), m.period_end.isoformat(), m.phase,
               m.indicator, m.carrier)
        out[key] = {"value": float(m.value), "unit": m.unit, "note": m.note or "", "gid": m.gid,
                    "value_canonical": m.value_canonical, "unit_canonical": m.unit_canonical,
                    "factor_set": m.factor_set, "updated_by": m.updated_by,
                    # the optional inputs, None when not entered (so a package made before them compares equal)
                    "renewable_pct": m.renewable_pct, "price": m.price, "currency": m.currency or None}
    for a in session.scalars(select(Action).where(Action.enterprise_id.in_(ids))):
        out[("action", a.gid)] = {"enterprise": gids[a.enterprise_id], "action_date": _day(a.action_date),
                                  "description": a.description,
                                  "investment": None if a.investment is None else float(a.investment),
                                  "currency": a.currency or "", "indicators": a.indicators or ""}
    names = dict(session.execute(select(User.id, User.username)).all())
    for t in session.scalars(select(Training).where(Training.enterprise_id.in_(ids))):
        out[("module", t.gid)] = {"enterprise": gids[t.enterprise_id], "module": t.module,
                                  "start_date": _day(t.start_date), "end_date": _day(t.end_date),
                                  "cohort": t.cohort or "", "managers_female": int(t.managers_female),
                                  "managers_male": int(t.managers_male), "workers_female": int(t.workers_female),
                                  "workers_male": int(t.workers_male), "trainer": names.get(t.trainer_id, "")}
    for g in session.scalars(select(Target).where(Target.enterprise_id.in_(ids))):
        out[("target", gids[g.enterprise_id], g.indicator)] = {
            "basis": g.basis, "reduction": float(g.reduction), "target_date": _day(g.target_date),
            "set_by": g.set_by or "", "set_at": None if g.set_at is None else g.set_at.isoformat(timespec="seconds")}
    return out


def to_json(records: dict[Key, dict]) -> list[dict]:
    """``records`` as a JSON list (sorted by key, so that a package is the same file each time)."""
    return [{"key": list(k), "value": records[k]} for k in sorted(records)]


def from_json(items) -> dict[Key, dict]:
    """The records of :func:`to_json`; ValueError when the list is not of that shape."""
    if not isinstance(items, list):
        raise ValueError(_("the records are not a list"))
    out: dict[Key, dict] = {}
    for item in items:
        key, value = (item.get("key"), item.get("value")) if isinstance(item, dict) else (None, None)
        if (not isinstance(key, list) or not key or not all(isinstance(k, str) for k in key)
                or key[0] not in KINDS or not isinstance(value, dict)):
            raise ValueError(_("a record is not of the package's shape"))
        if len(key) != _LENGTHS[key[0]] or (key[0] == "profile" and key[2] not in PROFILE_FIELDS):
            raise ValueError(_("a record's key is not one a package holds ({key})").format(
                key=" ".join(key[:1] + key[2:3])))
        if tuple(key) in out:
            raise ValueError(_("the record {record} is in the package twice").format(record=describe(tuple(key))))
        out[tuple(key)] = value
    return out


def describe(key: Key, value: dict | None = None) -> str:
    """The record ``key`` in words (for a conflict or a refusal)."""
    kind = key[0]
    if kind == "profile":
        if len(key) <= 2:
            return _("profile field")
        return _("profile field {field}").format(field=_(PROFILE_WORDS[key[2]]) if key[2] in PROFILE_WORDS else key[2])
    if kind == "figure":
        if len(key) < 7:
            return _("figure")
        what = (_("figure {indicator} ({carrier}), {phase} {start} to {end}") if key[6] else
                _("figure {indicator}, {phase} {start} to {end}"))
        return what.format(indicator=indicator_label(key[5]), carrier=carrier_label(key[6]),
                           phase=phase_label(key[4]), start=key[2], end=key[3])
    if kind == "target":
        return _("target for {indicator}").format(indicator=indicator_label(key[2])) if len(key) > 2 else _("target")
    if value:
        what = value.get("description") or value.get("module") or ""
        return f"{_(KINDS[kind]) if kind in KINDS else kind} {str(what)[:60]!r}"
    return f"{_(KINDS[kind]) if kind in KINDS else kind} {key[1] if len(key) > 1 else ''}"
