"""Clusters: sectors within regions that the programme chose to work in, with why.

A rapid sector selection study picks clusters with growth potential, room to improve quality,
productivity or environmental management, lead buyers present, competent partners and a fit
with government priorities (:data:`CLUSTER_CRITERIA`). Everyone signed in may list them (pickers
and the overview's filter need them); admins add, change and delete them. An enterprise belongs
to at most one, in its own country.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from metrics.i18n import _
from metrics.labels import criterion_label
from tracker import audit, lengths
from tracker.access import require_role
from tracker.auth import CurrentUser
from tracker.countries import country_code
from tracker.db import name_taken, session_scope
from tracker.models import CLUSTER_CRITERIA, Cluster, Enterprise

CLUSTER_COLUMNS = ["id", "name", "country", "region", "sector", "criteria", "note", "selected_on", "enterprises"]
NAME_LENGTH = lengths.limit(Cluster.name)
TEXT_LENGTH = lengths.limit(Cluster.region)
NOTE_LENGTH = lengths.limit(Cluster.note)


def check_cluster(name: str, country: str, region: str = "", sector: str = "", criteria=(), note: str = "",
                  selected_on: dt.date | None = None) -> dict:
    """The fields as stored, or ValueError with what to do. ``criteria`` are keys of
    :data:`CLUSTER_CRITERIA` (or their meanings), stored comma-separated in that order."""
    name = lengths.fit(Cluster.name, name, _("The cluster's name"))
    if not name:
        raise ValueError(_("The cluster needs a name."))
    country = country_code(country)
    region = lengths.fit(Cluster.region, region, _("The cluster's region"))
    sector = lengths.fit(Cluster.sector, sector, _("The cluster's sector"))
    note = lengths.fit(Cluster.note, note, _("The note"))
    by_meaning = {v: k for k, v in CLUSTER_CRITERIA.items()}
    keys = {by_meaning.get(c.strip(), c.strip()) for c in criteria if c and c.strip()}
    unknown = sorted(keys - set(CLUSTER_CRITERIA))
    if unknown:
        raise ValueError(_("Unknown selection criteria {unknown}; the criteria are: {criteria}.").format(
            unknown=", ".join(map(repr, unknown)), criteria="; ".join(criterion_label(c) for c in CLUSTER_CRITERIA)))
    if selected_on is not None and selected_on > dt.date.today():
        raise ValueError(_("The selection study's date is in the future."))
    return dict(name=name, country=country, region=region, sector=sector, note=note, selected_on=selected_on,
                criteria=",".join(k for k in CLUSTER_CRITERIA if k in keys))


def list_clusters(engine: Engine, user: CurrentUser) -> pd.DataFrame:
    """Every cluster with its number of enterprises, by name (anyone signed in); ``criteria`` is
    a list of keys of :data:`CLUSTER_CRITERIA`."""
    user = require_role(engine, user, "admin", "officer", "trainer", "manager")
    linked = (select(Enterprise.cluster_id, func.count().label("n")).where(Enterprise.cluster_id.is_not(None))
              .group_by(Enterprise.cluster_id).subquery())
    stmt = (select(Cluster.id, Cluster.name, Cluster.country, Cluster.region, Cluster.sector, Cluster.criteria,
                   Cluster.note, Cluster.selected_on, func.coalesce(linked.c.n, 0))
            .outerjoin(linked, linked.c.cluster_id == Cluster.id).order_by(Cluster.name))
    with session_scope(engine, readonly=True) as session:
        frame = pd.DataFrame(session.execute(stmt).all(), columns=CLUSTER_COLUMNS)
    frame["criteria"] = [[k for k in c.split(",") if k] for c in frame["criteria"]]
    return frame.astype({"id": int, "enterprises": int})


def cluster_for(session: Session, name: str, country: str) -> int | None:
    """The id of the cluster called ``name`` (trimmed) for an enterprise in ``country``; None for
    an empty name; ValueError when there is none, or it lies in another country."""
    name = (name or "").strip()
    if not name:
        return None
    row = session.execute(select(Cluster.id, Cluster.country).where(Cluster.name == name)).one_or_none()
    if row is None:
        raise ValueError(_("There is no cluster called {name}: an administrator adds it on the Clusters page "
                           "first.").format(name=repr(name)))
    if row.country != country:
        raise ValueError(_("{name} is a cluster in {country}; this enterprise is in {country2}.").format(
            name=name, country=row.country, country2=country))
    return row.id


def write_cluster(session: Session, actor: str, values: dict, cid: int | None = None) -> int:
    """Insert (``cid`` None) or update cluster ``cid`` with checked ``values`` in the caller's
    transaction, audited; returns its id. A cluster keeps its country while enterprises belong to it."""
    stmt = select(Cluster.id).where(Cluster.name == values["name"])
    if session.scalar(stmt if cid is None else stmt.where(Cluster.id != cid)) is not None:
        raise ValueError(_("A cluster called {name} exists already.").format(name=repr(values["name"])))
    taken = name_taken(_("A cluster called {name} exists already.").format(name=repr(values["name"])))
    if cid is None:
        row = Cluster(**values)
        session.add(row)
        with taken:
            session.flush()
        audit.record(session, actor, "insert", "clusters", row.id, None, values)
        return row.id
    row = session.get(Cluster, int(cid))
    if row is None:
        raise LookupError(_("No cluster with id {cid} (it may have been deleted meanwhile).").format(cid=cid))
    if values["country"] != row.country:
        elsewhere = session.scalar(select(func.count()).where(Enterprise.cluster_id == row.id,
                                                              Enterprise.country != values["country"]))
        if elsewhere:
            raise ValueError(_("{elsewhere} enterprise(s) of {name} are in {country}: move them to another cluster "
                               "before changing its country.").format(
                elsewhere=elsewhere, name=row.name, country=row.country))
    before = {k: getattr(row, k) for k in values}
    if before != values:
        for k, v in values.items():
            setattr(row, k, v)
        with taken:
            session.flush()
        audit.record(session, actor, "update", "clusters", row.id, before, values)
    return row.id


def create_cluster(engine: Engine, user: CurrentUser, name: str, country: str, region: str = "", sector: str = "",
                   criteria=(), note: str = "", selected_on: dt.date | None = None) -> int:
    """Add a cluster (admins); returns its id."""
    user = require_role(engine, user, "admin")
    values = check_cluster(name, country, region, sector, criteria, note, selected_on)
    with session_scope(engine) as session:
        return write_cluster(session, user.username, values)


def edit_cluster(engine: Engine, user: CurrentUser, cid: int, *, name: str, country: str, region: str = "",
                 sector: str = "", criteria=(), note: str = "", selected_on: dt.date | None = None) -> None:
    """Change a cluster (admins); its enterprises stay in it."""
    user = require_role(engine, user, "admin")
    values = check_cluster(name, country, region, sector, criteria, note, selected_on)
    with session_scope(engine) as session:
        write_cluster(session, user.username, values, cid)


def delete_cluster(engine: Engine, user: CurrentUser, cid: int) -> None:
    """Delete a cluster no enterprise belongs to (admins)."""
    user = require_role(engine, user, "admin")
    with session_scope(engine) as session:
        row = session.get(Cluster, int(cid))
        if row is None:
            raise LookupError(_("No cluster with id {cid} (it may have been deleted meanwhile).").format(cid=cid))
        used = session.scalar(select(func.count()).where(Enterprise.cluster_id == row.id))
        if used:
            raise ValueError(_("{used} enterprise(s) belong to {name}: move them to another cluster (or none) "
                               "first.").format(used=used, name=row.name))
        audit.record(session, user.username, "delete", "clusters", row.id, {"name": row.name, "country": row.country},
                     None)
        session.delete(row)
