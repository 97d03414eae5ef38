"""Enterprises: who may see which, their profile, and adding or changing one.

A name, country, sector and size are checked here, once, for every way an enterprise is created
or changed (the admin's form, the profile page, an upload that names a new enterprise): texts
within their column's length (tracker.lengths), the country an ISO 3166 code or a country's name
(tracker.countries).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from metrics.i18n import _
from tracker import activities, audit, clusters, lengths, partners
from tracker.access import require_enterprise, require_role, verified
from tracker.auth import CurrentUser
from tracker.countries import country_code
from tracker.db import bulk_insert, name_taken, read_frame, session_scope
from tracker.models import Cluster, Enterprise, Partner, User, UserEnterprise

SIZES = ("micro", "small", "medium", "large")
#: an enterprise as services hand it out; ``partner`` and ``cluster`` are names ('' for none)
ENTERPRISE_COLUMNS = ["id", "name", "country", "sector", "size", "partner", "cluster", "synthetic"]
_SELECTED = [Enterprise.id, Enterprise.name, Enterprise.country, Enterprise.sector, Enterprise.size,
             func.coalesce(Partner.name, ""), func.coalesce(Cluster.name, ""), Enterprise.synthetic]


def check_country(country: str) -> str:
    """The country as stored (its ISO 3166 alpha-2 code) from a code or a name, or ValueError."""
    return country_code(country)


def check_size(size: str) -> str:
    """The size, or ValueError when it is not one of :data:`SIZES` (empty: not given)."""
    if size and size not in SIZES:
        raise ValueError(_("The size is one of {sizes}.").format(sizes=", ".join(SIZES)))
    return size


def _fields(session: Session, name: str, country: str, sector: str, size: str, partner: str,
            cluster: str | None, ent: Enterprise | None = None) -> dict:
    name = lengths.fit(Enterprise.name, name, _("The enterprise's name"))
    if not name:
        raise ValueError(_("The enterprise needs a name."))
    return dict(name=name, **profile_values(session, country, sector, size, partner, cluster, ent))


def profile_values(session: Session, country: str, sector: str, size: str, partner: str, cluster: str | None,
             ent: Enterprise | None) -> dict:
    """Country, sector, size, partner and cluster as stored. ``cluster`` None keeps ``ent``'s
    cluster, which must then lie in the (new) country."""
    country = check_country(country)
    if cluster is None:
        cluster_id = ent.cluster_id if ent is not None else None
        if cluster_id is not None:
            kept = session.get(Cluster, cluster_id)
            if kept.country != country:
                raise ValueError(_("The enterprise belongs to the cluster {name} in {country}: pick a cluster in "
                                   "{country2}, or none, with the new country.").format(
                    name=kept.name, country=kept.country, country2=country))
    else:
        cluster_id = clusters.cluster_for(session, cluster, country)
    return dict(country=country, sector=lengths.fit(Enterprise.sector, sector, _("The sector")), size=check_size(size),
                partner_id=partners.partner_id(session, partner), cluster_id=cluster_id)


def _selected():
    """SELECT of :data:`ENTERPRISE_COLUMNS` (the partner's and cluster's names through their records)."""
    return (select(*_SELECTED).outerjoin(Partner, Partner.id == Enterprise.partner_id)
            .outerjoin(Cluster, Cluster.id == Enterprise.cluster_id))


# --- reading ----------------------------------------------------------------------------------

def list_enterprises(engine: Engine, user: CurrentUser) -> pd.DataFrame:
    """The enterprises the user may see (officers see the list of participants, not figures)."""
    user = verified(engine, user, reuse=True)
    stmt = _selected().order_by(Enterprise.name)
    if user.role not in ("admin", "officer"):
        stmt = stmt.where(Enterprise.id.in_(list(user.enterprise_ids)))
    with session_scope(engine, readonly=True) as session:
        return pd.DataFrame(session.execute(stmt).all(), columns=ENTERPRISE_COLUMNS)


def enterprise_dict(session: Session, enterprise_id: int) -> dict:
    """One enterprise's attributes (LookupError when there is none with that id)."""
    row = session.execute(_selected().where(Enterprise.id == enterprise_id)).one_or_none()
    if row is None:
        raise LookupError(_("No enterprise with id {enterprise_id}.").format(enterprise_id=enterprise_id))
    return dict(zip(ENTERPRISE_COLUMNS, row, strict=True))


def enterprise_profile(engine: Engine, user: CurrentUser, enterprise_id: int) -> dict:
    """Profile, trainers and module participation of one enterprise the user may read."""
    user = require_enterprise(engine, user, enterprise_id)
    with session_scope(engine, readonly=True) as session:
        info = enterprise_dict(session, enterprise_id)
        trainers = session.scalars(select(User.username).join(UserEnterprise, UserEnterprise.user_id == User.id)
                                   .where(UserEnterprise.enterprise_id == enterprise_id, User.role == "trainer")
                                   .order_by(User.username)).all()
        trainings = activities.trainings_frame(session, enterprise_id)
    return dict(info, trainers=list(trainers), trainings=trainings, advice=activities.module_advice(trainings))


def ids_by_name(session: Session, names: list[str]) -> dict[str, int]:
    """{name: id} of the enterprises among ``names`` that exist."""
    found = read_frame(session, "SELECT name, id FROM enterprises", [str(n) for n in names], "name")
    return dict(zip(found["name"].tolist(), found["id"].tolist(), strict=True))


# --- adding and changing ----------------------------------------------------------------------

def get_or_create_enterprise(session: Session, name: str, country: str, sector: str = "", *, size: str = "",
                             partner: str = "", cluster: str = "", synthetic: bool = False,
                             actor: str = "system") -> Enterprise:
    """The enterprise called ``name``; created (and audited) when it does not exist. ``partner``
    and ``cluster`` name existing records (or are empty)."""
    ent = session.scalars(select(Enterprise).where(Enterprise.name == name)).one_or_none()
    if ent is None:
        name = lengths.fit(Enterprise.name, name, _("The enterprise's name"))
        country = check_country(country)
        ent = Enterprise(name=name, country=country, sector=lengths.fit(Enterprise.sector, sector, _("The sector")),
                         size=check_size(size), partner_id=partners.partner_id(session, partner),
                         cluster_id=clusters.cluster_for(session, cluster, country), synthetic=synthetic)
        session.add(ent)
        session.flush()
        audit.record(session, actor, "insert", "enterprises", ent.id, None,
                     {"name": name, "country": country, "sector": sector})
    return ent


def check_new(new: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Enterprises a file would create, checked: ``new`` has index name and columns country,
    sector and line (where the file names it first). Returns (``new`` with the countries' codes and
    the sectors trimmed, problems: row, column, reason), the same checks as a form's."""
    if new.empty:
        return new, pd.DataFrame({"row": pd.Series(dtype=int), "column": pd.Series(dtype=object),
                                  "reason": pd.Series(dtype=object)})
    lines = new["line"].astype(int)
    names = _texts(pd.Series(new.index, index=new.index))
    sectors = _texts(new["sector"])
    name_why = lengths.problems(Enterprise.name, names, _("The enterprise's name"))
    sector_why = lengths.problems(Enterprise.sector, sectors, _("The sector"))
    countries, country_why = {}, {}
    for raw in pd.unique(new["country"].map(_cell)):  # a few distinct countries in any file
        try:
            countries[raw] = country_code(raw)
        except ValueError as exc:
            countries[raw], country_why[raw] = "", str(exc)
    cells = new["country"].map(_cell)
    found = pd.concat([
        pd.DataFrame({"row": lines, "column": "enterprise", "reason": name_why}),
        pd.DataFrame({"row": lines, "column": "country", "reason": cells.map(country_why)}),
        pd.DataFrame({"row": lines, "column": "sector", "reason": sector_why})])
    found = found[found["reason"].notna()]
    problems = pd.DataFrame({"row": found["row"].astype(int).to_numpy(), "column": found["column"].to_numpy(),
                             "reason": [_("a new enterprise: {reason}").format(reason=r) for r in found["reason"]]})
    sectors = sectors.where(sector_why.isna(), "")
    return new.assign(country=cells.map(countries).to_numpy(), sector=sectors.to_numpy()), problems


def _texts(cells: pd.Series) -> pd.Series:
    """A file's cells as stripped text ('' for empty ones), as :func:`lengths.fit` reads them."""
    return cells.map(_cell).astype(object).str.strip()


def check_new_in(session: Session, df: pd.DataFrame, lines: pd.Series, firsts: pd.DataFrame | None = None,
                 known: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`check_new` of the enterprises a template table ``df`` names that do not exist
    (``firsts``: its first country and sector per name, ``known``: {name: id} of those that
    exist, when the caller has them), each named by the line (``lines``) where it first occurs."""
    if firsts is None:
        firsts = df.groupby("enterprise", sort=False)[["country", "sector"]].first()
        known = ids_by_name(session, list(firsts.index))
    missing = firsts[~firsts.index.isin(list(known))]
    first = lines.groupby(df["enterprise"], sort=False).first()
    return check_new(missing.assign(line=missing.index.map(first)))


def _cell(value) -> str:
    """A file's cell as text ('' for an empty one)."""
    return "" if value is None or value != value else str(value)


def add_enterprises(session: Session, actor: str, new: pd.DataFrame) -> pd.DataFrame:
    """Create the enterprises of ``new`` (index: name; columns country, sector, checked by
    :func:`check_new`) in one insert, audited as one entry. Returns them as stored (index:
    name; columns id, country)."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    stored = pd.DataFrame({"name": new.index.astype(str), "country": new["country"].astype(str).to_numpy(),
                           "sector": new["sector"].astype(str).to_numpy(), "size": "", "partner_id": None,
                           "cluster_id": None, "synthetic": False, "created_at": now})
    bulk_insert(session, "enterprises", stored)
    audit.record(session, actor, "insert", "enterprises", "", None,
                 {"created": list(map(str, new.index[:100])), "count": len(new)})
    ids = ids_by_name(session, list(new.index))
    return stored.set_index("name")[["country"]].assign(id=lambda f: f.index.map(ids))


def create_enterprise(engine: Engine, user: CurrentUser, name: str, country: str, sector: str = "", size: str = "",
                      partner: str = "", cluster: str = "") -> int:
    """Add an enterprise (admins); returns its id. ``partner`` and ``cluster`` name records, or
    are empty."""
    user = require_role(engine, user, "admin")
    with session_scope(engine) as session:
        values = _fields(session, name, country, sector, size, partner, cluster)
        if session.scalars(select(Enterprise.id).where(Enterprise.name == values["name"])).first() is not None:
            raise ValueError(_("An enterprise called {name} exists already.").format(name=repr(values["name"])))
        ent = Enterprise(synthetic=False, **values)
        session.add(ent)
        with name_taken(_("An enterprise called {name} exists already.").format(name=repr(values["name"]))):
            session.flush()
        audit.record(session, user.username, "insert", "enterprises", ent.id, None, values)
        return ent.id


def edit_enterprise(engine: Engine, user: CurrentUser, enterprise_id: int, *, name: str, country: str,
                    sector: str = "", size: str = "", partner: str = "", cluster: str | None = None) -> None:
    """Rename an enterprise or change its country, sector, size, implementation partner and
    cluster (admins; ``cluster`` None keeps it)."""
    user = require_role(engine, user, "admin")
    with session_scope(engine) as session:
        ent = session.get(Enterprise, int(enterprise_id))
        if ent is None:
            raise LookupError(_("No enterprise with id {enterprise_id}.").format(enterprise_id=enterprise_id))
        values = _fields(session, name, country, sector, size, partner, cluster, ent)
        clash = session.scalars(select(Enterprise.id).where(Enterprise.name == values["name"],
                                                            Enterprise.id != ent.id)).first()
        if clash is not None:
            raise ValueError(_("Another enterprise is called {name}.").format(name=repr(values["name"])))
        with name_taken(_("Another enterprise is called {name}.").format(name=repr(values["name"]))):
            _update(session, user, ent, values)
            session.flush()


def update_profile(engine: Engine, user: CurrentUser, enterprise_id: int, *, country: str, sector: str, size: str,
                   partner: str, cluster: str | None = None) -> None:
    """Change an enterprise's country (ISO 3166 alpha-2), sector, size, implementation partner
    and cluster (names of records, or empty; ``cluster`` None keeps it)."""
    user = require_enterprise(engine, user, enterprise_id)
    with session_scope(engine) as session:
        ent = session.get(Enterprise, int(enterprise_id))
        if ent is None:
            raise LookupError(_("No enterprise with id {enterprise_id}.").format(enterprise_id=enterprise_id))
        _update(session, user, ent, profile_values(session, country, sector, size, partner, cluster, ent))


def _update(session: Session, user: CurrentUser, ent: Enterprise, values: dict) -> None:
    """Set ``values`` on ``ent``, audited with before and after (nothing when nothing changes)."""
    before = {k: getattr(ent, k) for k in values}
    if before != values:
        for k, v in values.items():
            setattr(ent, k, v)
        audit.record(session, user.username, "update", "enterprises", ent.id, before, values)
