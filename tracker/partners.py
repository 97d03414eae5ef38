"""Implementation partners (business support organisations) as records.

Everyone signed in may list them (a name and a kind are not secrets; pickers need them); admins
add, change, merge and delete them. Enterprises point to one (``Enterprise.partner_id``), and
trainers to their training provider (``TrainerProfile.provider_id``). A name, type and country
are checked here, once, for every way a partner is written (the admin's form, the delivery
workbook).
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from metrics.i18n import N_, _
from tracker import audit, lengths
from tracker.access import require_role
from tracker.auth import CurrentUser
from tracker.countries import country_code
from tracker.db import name_taken, session_scope
from tracker.models import PARTNER_TYPES, Enterprise, Partner, TrainerProfile

PARTNER_COLUMNS = ["id", "name", "type", "country", "enterprises"]
NAME_LENGTH = lengths.limit(Partner.name)


def check_partner(name: str, type_: str, country: str) -> dict:
    """The fields as stored (name trimmed, country its ISO code), or ValueError with what to do.
    ``type_`` is one of :data:`PARTNER_TYPES`; ``country`` a code, a country's name or empty."""
    name = lengths.fit(Partner.name, name, _("The partner's name"))
    if not name:
        raise ValueError(_("The partner needs a name."))
    type_ = (type_ or "").strip()
    if type_ not in PARTNER_TYPES:
        raise ValueError(_("The partner's type is one of: {types}.").format(types=", ".join(PARTNER_TYPES)))
    country = (country or "").strip()
    return dict(name=name, type=type_, country=country_code(country) if country else "")


def list_partners(engine: Engine, user: CurrentUser) -> pd.DataFrame:
    """Every partner with its number of enterprises, by name (anyone signed in)."""
    user = require_role(engine, user, "admin", "officer", "trainer", "manager")
    linked = (select(Enterprise.partner_id, func.count().label("n")).where(Enterprise.partner_id.is_not(None))
              .group_by(Enterprise.partner_id).subquery())
    stmt = (select(Partner.id, Partner.name, Partner.type, Partner.country, func.coalesce(linked.c.n, 0))
            .outerjoin(linked, linked.c.partner_id == Partner.id).order_by(Partner.name))
    with session_scope(engine, readonly=True) as session:
        frame = pd.DataFrame(session.execute(stmt).all(), columns=PARTNER_COLUMNS)
    return frame.astype({"id": int, "enterprises": int})


def partner_id(session: Session, name: str) -> int | None:
    """The id of the partner called ``name`` (trimmed); None for an empty name; ValueError when
    there is no such partner (an admin adds it first)."""
    name = (name or "").strip()
    if not name:
        return None
    found = session.scalar(select(Partner.id).where(Partner.name == name))
    if found is None:
        raise ValueError(_("There is no implementation partner called {name}: an administrator adds it on the "
                           "Partners page first.").format(name=repr(name)))
    return found


def partner_name(session: Session, pid: int | None) -> str:
    """The name of partner ``pid`` ('' for None)."""
    return "" if pid is None else session.scalar(select(Partner.name).where(Partner.id == pid)) or ""


def _row(session: Session, pid: int) -> Partner:
    row = session.get(Partner, int(pid))
    if row is None:
        raise LookupError(_("No partner with id {pid} (it may have been deleted meanwhile).").format(pid=pid))
    return row


_TAKEN = N_("A partner called {name} exists already.")


def _clash(session: Session, name: str, pid: int | None = None) -> None:
    stmt = select(Partner.id).where(Partner.name == name)
    if pid is not None:
        stmt = stmt.where(Partner.id != pid)
    if session.scalar(stmt) is not None:
        raise ValueError(_(_TAKEN).format(name=repr(name)))


def write_partner(session: Session, actor: str, values: dict, pid: int | None = None) -> int:
    """Insert (``pid`` None) or update partner ``pid`` with checked ``values`` in the caller's
    transaction, audited; returns its id."""
    _clash(session, values["name"], pid)
    taken = name_taken(_(_TAKEN).format(name=repr(values["name"])))
    if pid is None:
        row = Partner(**values)
        session.add(row)
        with taken:
            session.flush()
        audit.record(session, actor, "insert", "partners", row.id, None, values)
        return row.id
    row = _row(session, pid)
    before = {k: getattr(row, k) for k in values}
    if before != values:
        for k, v in values.items():
            setattr(row, k, v)
        with taken:
            session.flush()
        audit.record(session, actor, "update", "partners", row.id, before, values)
    return row.id


def create_partner(engine: Engine, user: CurrentUser, name: str, type_: str, country: str = "") -> int:
    """Add a partner (admins); returns its id."""
    user = require_role(engine, user, "admin")
    values = check_partner(name, type_, country)
    with session_scope(engine) as session:
        return write_partner(session, user.username, values)


def edit_partner(engine: Engine, user: CurrentUser, pid: int, *, name: str, type_: str, country: str = "") -> None:
    """Rename a partner or change its type and country (admins); its enterprises follow."""
    user = require_role(engine, user, "admin")
    values = check_partner(name, type_, country)
    with session_scope(engine) as session:
        write_partner(session, user.username, values, pid)


def merge_partner(engine: Engine, user: CurrentUser, pid: int, into: int) -> int:
    """Move every enterprise of partner ``pid`` to partner ``into`` and delete ``pid`` (admins):
    two spellings of one organisation become one. Returns how many enterprises moved."""
    user = require_role(engine, user, "admin")
    if int(pid) == int(into):
        raise ValueError(_("Pick two different partners to merge."))
    with session_scope(engine) as session:
        gone, kept = _row(session, pid), _row(session, into)
        moved = session.execute(update(Enterprise).where(Enterprise.partner_id == gone.id)
                                .values(partner_id=kept.id)).rowcount
        session.execute(update(TrainerProfile).where(TrainerProfile.provider_id == gone.id)
                        .values(provider_id=kept.id))
        audit.record(session, user.username, "merge", "partners", gone.id,
                     {"name": gone.name, "type": gone.type, "country": gone.country},
                     {"into": kept.name, "enterprises moved": moved})
        session.delete(gone)
    return int(moved)


def delete_partner(engine: Engine, user: CurrentUser, pid: int) -> None:
    """Delete a partner that no enterprise points to (admins)."""
    user = require_role(engine, user, "admin")
    with session_scope(engine) as session:
        row = _row(session, pid)
        used = session.scalar(select(func.count()).where(Enterprise.partner_id == row.id))
        if used:
            raise ValueError(_("{used} enterprise(s) belong to {name}: merge it into another partner instead, or "
                               "change their partner first.").format(used=used, name=row.name))
        trainers = session.scalar(select(func.count()).where(TrainerProfile.provider_id == row.id))
        if trainers:
            raise ValueError(_("{trainers} trainer(s) name {name} as their training provider: merge it into another "
                               "partner instead, or change their provider first.").format(
                trainers=trainers, name=row.name))
        audit.record(session, user.username, "delete", "partners", row.id,
                     {"name": row.name, "type": row.type, "country": row.country}, None)
        session.delete(row)

