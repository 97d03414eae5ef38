"""The services the pages and the command line call.

Every function takes the signed-in :class:`~tracker.auth.CurrentUser` and checks, here at the
service layer, that the user may do what is asked: a manager reads and changes their own
enterprise only, a trainer the enterprises assigned to them, an officer reads aggregates and
the list of participants, an admin everything.
"""
from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import metrics
from tracker import audit
from tracker.auth import CurrentUser
from tracker.config import DATA_DIR
from tracker.db import duckdb_view, session_scope
from tracker.models import Action, Base, Enterprise, Measurement, Training

TEMPLATE_COLUMNS = ["enterprise", "country", "sector", "period_start", "period_end", "phase",
                    "indicator", "carrier", "value", "unit", "note"]
KEY_COLUMNS = ["enterprise_id", "period_start", "period_end", "phase", "indicator", "carrier"]


class AccessDenied(PermissionError):
    """The signed-in user may not do this."""


class RejectedInput(ValueError):
    """Input refused as a whole; ``problems`` has one row per problem (row, column, reason)."""

    def __init__(self, problems: pd.DataFrame):
        self.problems = problems.reset_index(drop=True)
        lines = [f"row {p.row}, column {p.column}: {p.reason}" for p in self.problems.itertuples()]
        more = "" if len(lines) <= 20 else f"\n... and {len(lines) - 20} more"
        super().__init__(f"{len(lines)} problem(s); nothing was stored:\n" + "\n".join(lines[:20]) + more)


# --- access ---------------------------------------------------------------------------------

def require_role(user: CurrentUser, *roles: str) -> None:
    """Raise AccessDenied unless the user has one of ``roles``."""
    if user is None or user.role not in roles:
        raise AccessDenied(f"This needs the role {' or '.join(roles)}.")


def can_read_enterprise(user: CurrentUser, enterprise_id: int) -> bool:
    """Admins read every enterprise; managers and trainers the ones assigned to them."""
    if user.role == "admin":
        return True
    if user.role in ("manager", "trainer"):
        return enterprise_id in user.enterprise_ids
    return False


def require_enterprise(user: CurrentUser, enterprise_id: int) -> None:
    """Raise AccessDenied unless the user may read and change that enterprise's figures."""
    if not can_read_enterprise(user, enterprise_id):
        raise AccessDenied("You do not have access to this enterprise.")


# --- reference data -------------------------------------------------------------------------

def programme_reference() -> pd.DataFrame:
    """The programme's reported averages (indicator, reported_mean_change, label, source)."""
    return pd.read_csv(DATA_DIR / "programme_reference.csv")


# --- enterprises ----------------------------------------------------------------------------

def _enterprise_frame(session: Session, ids: list[int] | None) -> pd.DataFrame:
    stmt = select(Enterprise.id, Enterprise.name, Enterprise.country, Enterprise.sector, Enterprise.size,
                  Enterprise.partner, Enterprise.synthetic).order_by(Enterprise.name)
    if ids is not None:
        stmt = stmt.where(Enterprise.id.in_(ids))
    rows = session.execute(stmt).all()
    return pd.DataFrame(rows, columns=["id", "name", "country", "sector", "size", "partner", "synthetic"])


def list_enterprises(engine: Engine, user: CurrentUser) -> pd.DataFrame:
    """The enterprises the user may see (officers see the list of participants, not figures)."""
    with session_scope(engine, readonly=True) as session:
        if user.role in ("admin", "officer"):
            return _enterprise_frame(session, None)
        return _enterprise_frame(session, list(user.enterprise_ids))


def get_or_create_enterprise(session: Session, name: str, country: str, sector: str = "", *, size: str = "",
                             partner: str = "", synthetic: bool = False, actor: str = "system") -> Enterprise:
    """The enterprise called ``name``; created (and audited) when it does not exist."""
    ent = session.scalars(select(Enterprise).where(Enterprise.name == name)).one_or_none()
    if ent is None:
        ent = Enterprise(name=name, country=country.upper(), sector=sector, size=size, partner=partner,
                         synthetic=synthetic)
        session.add(ent)
        session.flush()
        audit.record(session, actor, "insert", "enterprises", ent.id, None,
                     {"name": name, "country": country, "sector": sector})
    return ent


# --- measurements ---------------------------------------------------------------------------

def _measurement_frame(session: Session, enterprise_ids: list[int] | None) -> pd.DataFrame:
    stmt = (select(Enterprise.name, Enterprise.country, Enterprise.sector, Measurement.period_start,
                   Measurement.period_end, Measurement.phase, Measurement.indicator, Measurement.carrier,
                   Measurement.value, Measurement.unit, Measurement.note, Measurement.enterprise_id,
                   Measurement.value_canonical, Measurement.unit_canonical)
            .join(Enterprise, Enterprise.id == Measurement.enterprise_id)
            .order_by(Enterprise.name, Measurement.period_start, Measurement.indicator, Measurement.carrier))
    if enterprise_ids is not None:
        stmt = stmt.where(Measurement.enterprise_id.in_(enterprise_ids))
    rows = session.execute(stmt).all()
    df = pd.DataFrame(rows, columns=TEMPLATE_COLUMNS + ["enterprise_id", "value_canonical", "unit_canonical"])
    for col in ("period_start", "period_end"):
        df[col] = pd.to_datetime(df[col])
    df["carrier"] = df["carrier"].fillna("")
    return df


def save_measurements(engine: Engine, user: CurrentUser, rows: pd.DataFrame, *, create_enterprises: bool = False,
                      progress=None, validated: bool = False) -> dict[str, int]:
    """Validate and store template rows, all or nothing, in one transaction.

    Rows with the same enterprise, period, phase, indicator and carrier as a stored figure
    update it instead of duplicating it; an update without a note (None) keeps the stored
    note. Raises :class:`RejectedInput` naming every bad row,
    or :class:`AccessDenied`. Returns counts of inserted and updated rows. The audit log gets
    one entry per call (with the counts) and one per updated figure (before and after).
    Conflicting concurrent writers are retried, so nothing is lost.
    """
    require_role(user, "admin", "trainer", "manager")
    df = rows.copy()
    for col in TEMPLATE_COLUMNS:
        if col not in df.columns:
            df[col] = None if col == "note" else ""
    # no note given (None, not ''): an updated figure keeps the note it has (the entry form has none)
    df["_keep_note"] = df["note"].isna().to_numpy()
    if not validated:  # tracker.io.read_table has validated a file's rows already
        problems = metrics.validate(df)
        if len(problems):
            raise RejectedInput(problems)
    df = metrics.to_canonical(df)
    df["carrier"] = df["carrier"].astype(object).fillna("").astype(str)
    df["note"] = df["note"].astype(object).fillna("").astype(str)
    start, end = metrics.period_dates(df)
    df["period_start"], df["period_end"] = start.dt.date, end.dt.date
    df["unit_canonical"] = df["unit_canonical"].astype(str)
    df = df.drop_duplicates(["enterprise"] + KEY_COLUMNS[1:], keep="last")
    step = progress or (lambda fraction, text: None)
    for attempt in range(20):
        try:
            return _save(engine, user, df, create_enterprises, step)
        except Exception as exc:  # noqa: BLE001 - driver errors from bulk paths are not always wrapped
            if not _is_conflict(exc) or attempt == 19:
                raise
            time.sleep(min(1.0, 0.01 * 2 ** attempt) * (0.5 + random.random()))  # back off, then retry
    raise AssertionError("unreachable")


def _is_conflict(exc: BaseException) -> bool:
    """A write that lost a race with another transaction (safe to retry from the start)."""
    if isinstance(exc, (RejectedInput, AccessDenied)):
        return False
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc)
    return any(t in text for t in ("Conflict", "conflict", "could not serialize", "deadlock",
                                   "duplicate key", "Duplicate key", "violates unique"))


def _save(engine: Engine, user: CurrentUser, df: pd.DataFrame, create_enterprises: bool, step) -> dict[str, int]:
    factor_set = getattr(metrics, "FACTOR_SET_VERSION", "")
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with session_scope(engine) as session:
        ids: dict[str, int] = {}
        new_countries = pd.Series(dtype=str)  # of the enterprises this batch creates, by name
        firsts = df.groupby("enterprise", sort=False)[["country", "sector"]].first()
        known = _ids_by_name(session, list(firsts.index))
        existed = set(known.values())
        missing = firsts[~firsts.index.isin(list(known))]
        if len(missing):
            if not (create_enterprises and user.role == "admin"):
                lines, where = df.index[df["enterprise"].isin(missing.index)], ""
                if pd.api.types.is_integer_dtype(lines):  # a file's rows: name their lines
                    shown = ", ".join(str(int(i) + metrics.frames.FIRST_LINE) for i in lines[:10])
                    where = f" (line {shown}{' ...' if len(lines) > 10 else ''})"
                raise AccessDenied(f"Unknown enterprise {missing.index[0]!r}{where}: only an admin can add enterprises.")
            step(0.2, f"Adding {len(missing):,} enterprises")
            now_ = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            new_countries = missing["country"].astype(str).str.upper().str[:2]
            _bulk_insert(session, pd.DataFrame({
                "name": missing.index.astype(str), "country": new_countries,
                "sector": missing["sector"].astype(str), "size": "", "partner": "", "synthetic": False,
                "created_at": now_}), table="enterprises")
            known.update(_ids_by_name(session, list(missing.index)))
            audit.record(session, user.username, "insert", "enterprises", "", None,
                         {"created": list(map(str, missing.index[:100])), "count": len(missing)})
        for name in firsts.index:
            require_enterprise(user, known[name])
            ids[name] = known[name]
        df = df.assign(enterprise_id=df["enterprise"].map(ids))
        step(0.4, "Comparing with stored figures")
        stmt = select(Measurement.id, Measurement.enterprise_id, Measurement.period_start, Measurement.period_end,
                      Measurement.phase, Measurement.indicator, Measurement.carrier, Measurement.value,
                      Measurement.unit, Measurement.note)
        wanted = [i for i in ids.values() if i in existed]  # new enterprises have nothing stored yet
        if len(wanted) <= MANY:
            stmt = stmt.where(Measurement.enterprise_id.in_(wanted))
        stored = pd.DataFrame(session.execute(stmt).all() if wanted else [],
                              columns=["id"] + KEY_COLUMNS + ["old_value", "old_unit", "old_note"])
        if len(wanted) > MANY:  # one scan beats a statement with a hundred thousand parameters
            stored = stored[stored["enterprise_id"].isin(wanted)]
        merged = df.merge(stored, on=KEY_COLUMNS, how="left")
        keep = merged["_keep_note"].to_numpy() & merged["id"].notna().to_numpy()
        if keep.any():
            merged.loc[keep, "note"] = merged.loc[keep, "old_note"]
        new = merged[merged["id"].isna()]
        old = merged[merged["id"].notna()]
        changed = old[(old["old_value"] != old["value"]) | (old["old_unit"] != old["unit"])
                      | (old["old_note"] != old["note"])]
        columns = KEY_COLUMNS + ["value", "unit", "note", "value_canonical", "unit_canonical"]
        if len(new):
            step(0.5, f"Adding {len(new):,} figures")
            _bulk_insert(session, new[columns].assign(factor_set=factor_set, updated_at=now,
                                                      updated_by=user.username))
        if len(changed):
            step(0.8, f"Updating {len(changed):,} figures")
            session.execute(
                Measurement.__table__.update().where(Measurement.id == bindparam("mid")),
                [dict(mid=int(r.id), value=float(r.value), unit=r.unit, note=r.note,
                      value_canonical=float(r.value_canonical), unit_canonical=r.unit_canonical,
                      factor_set=factor_set, updated_at=now, updated_by=user.username)
                 for r in changed.itertuples(index=False)])
            for r in changed.itertuples(index=False):
                audit.record(session, user.username, "update", "measurements", int(r.id),
                             {"value": r.old_value, "unit": r.old_unit, "note": r.old_note},
                             {"value": float(r.value), "unit": r.unit, "note": r.note})
        counts = {"inserted": int(len(new)), "updated": int(len(changed))}
        if counts["inserted"] or counts["updated"]:
            audit.record(session, user.username, "save", "measurements", ",".join(map(str, sorted(ids.values())))[:100],
                         None, dict(counts, enterprises=sorted(ids)[:50]))
            # the programme overview's summary, same transaction; enterprises that had nothing
            # stored have all their figures in this batch, which need not be read back
            fresh = df[df["enterprise"].isin(new_countries.index)]
            complete = (fresh.assign(country=fresh["enterprise"].map(new_countries))[overview.MEASUREMENT_COLUMNS]
                        if len(fresh) else None)
            overview.refresh(session, ids.values(), complete=complete)
        step(0.95, "Committing")
    return counts


#: above this many names or ids, read the whole (small) key table instead of binding them all
MANY = 2000


def _ids_by_name(session: Session, names: list[str]) -> dict[str, int]:
    """{name: id} of the enterprises among ``names`` that exist."""
    if len(names) <= MANY:
        return dict(session.execute(select(Enterprise.name, Enterprise.id).where(Enterprise.name.in_(names))).all())
    wanted = set(names)
    return {n: i for n, i in session.execute(select(Enterprise.name, Enterprise.id)).all() if n in wanted}


def _bulk_insert(session: Session, frame: pd.DataFrame, table: str = "measurements") -> None:
    """Insert many rows at once: DuckDB reads the DataFrame directly, PostgreSQL uses COPY."""
    conn = session.connection()
    dialect = conn.dialect.name
    cols = list(frame.columns)
    if dialect == "duckdb":
        staged = frame.copy()
        for col in ("period_start", "period_end"):
            if col in staged.columns:
                staged[col] = pd.to_datetime(staged[col])
        with duckdb_view(conn, staged) as name:
            conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM {name}")
    elif dialect == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for rec in frame.itertuples(index=False, name=None):
                    copy.write_row(rec)
    else:  # pragma: no cover - any other SQLAlchemy database
        session.execute(Base.metadata.tables[table].insert(), frame.to_dict("records"))


def enterprise_info(engine: Engine, user: CurrentUser, enterprise_id: int) -> tuple[dict, pd.DataFrame]:
    """(profile, stored measurements) of one enterprise the user may read."""
    require_enterprise(user, enterprise_id)
    with session_scope(engine, readonly=True) as session:
        return _enterprise_dict(session, enterprise_id), _measurement_frame(session, [enterprise_id])


def _enterprise_dict(session: Session, enterprise_id: int) -> dict:
    ent = session.get(Enterprise, enterprise_id)
    if ent is None:
        raise LookupError(f"No enterprise with id {enterprise_id}.")
    return dict(id=ent.id, name=ent.name, country=ent.country, sector=ent.sector, size=ent.size,
                partner=ent.partner, synthetic=ent.synthetic)


MODULES = ("Workplace Cooperation", "Quality Management", "Safety and Health at Work", "Workforce Management",
           "Gender Equality", "Lean Manufacturing", "SCORE4Climate")
SIZES = ("micro", "small", "medium", "large")


def enterprise_profile(engine: Engine, user: CurrentUser, enterprise_id: int) -> dict:
    """Profile, trainers and module participation of one enterprise the user may read."""
    from tracker.models import User, UserEnterprise

    info, _ = enterprise_info(engine, user, enterprise_id)
    with session_scope(engine, readonly=True) as session:
        trainers = session.scalars(select(User.username).join(UserEnterprise, UserEnterprise.user_id == User.id)
                                   .where(UserEnterprise.enterprise_id == enterprise_id, User.role == "trainer")
                                   .order_by(User.username)).all()
        rows = session.execute(select(Training.id, Training.module, Training.start_date, Training.end_date,
                                      Training.cohort, Training.managers_female, Training.managers_male,
                                      Training.workers_female, Training.workers_male)
                               .where(Training.enterprise_id == enterprise_id)
                               .order_by(Training.start_date, Training.id)).all()
    trainings = pd.DataFrame(rows, columns=["id", "module", "start_date", "end_date", "cohort", "managers_female",
                                           "managers_male", "workers_female", "workers_male"])
    return dict(info, trainers=list(trainers), trainings=trainings, advice=module_advice(trainings))


def module_advice(trainings: pd.DataFrame) -> list[str]:
    """Advice on recorded module participation: Workplace Cooperation first, and the recommended
    two managers and two workers per module (one sentence per point)."""
    if trainings.empty:
        return ["No module recorded yet. Workplace Cooperation (SCORE Basics) comes first."]
    advice = []
    if "Workplace Cooperation" not in set(trainings["module"]):
        advice.append("Workplace Cooperation (SCORE Basics) is not recorded: it comes before the other modules.")
    managers = trainings["managers_female"] + trainings["managers_male"]
    workers = trainings["workers_female"] + trainings["workers_male"]
    short = trainings.loc[(managers < 2) | (workers < 2), "module"].tolist()
    if short:
        advice.append(f"Fewer than two managers and two workers attended {', '.join(dict.fromkeys(short))}: the "
                      "programme recommends two of each for every module.")
    return advice


def update_profile(engine: Engine, user: CurrentUser, enterprise_id: int, *, country: str, sector: str, size: str,
                   partner: str) -> None:
    """Change an enterprise's country (ISO 3166 alpha-2), sector, size and implementation partner."""
    require_role(user, "admin", "trainer", "manager")
    require_enterprise(user, enterprise_id)
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise ValueError("The country is a two-letter ISO 3166 code, e.g. IN, VN or KE.")
    if size and size not in SIZES:
        raise ValueError(f"The size is one of {', '.join(SIZES)}.")
    with session_scope(engine) as session:
        ent = session.get(Enterprise, enterprise_id)
        before = dict(country=ent.country, sector=ent.sector, size=ent.size, partner=ent.partner)
        after = dict(country=country, sector=sector.strip(), size=size, partner=partner.strip())
        if before != after:
            for k, v in after.items():
                setattr(ent, k, v)
            audit.record(session, user.username, "update", "enterprises", enterprise_id, before, after)


def add_training(engine: Engine, user: CurrentUser, enterprise_id: int, module: str, start: dt.date, end: dt.date,
                 cohort: str = "", managers_female: int = 0, managers_male: int = 0, workers_female: int = 0,
                 workers_male: int = 0) -> list[str]:
    """Record participation in a SCORE module; returns advice (e.g. the recommended attendees)."""
    require_role(user, "admin", "trainer", "manager")
    require_enterprise(user, enterprise_id)
    if module not in MODULES:
        raise ValueError(f"Unknown module {module!r}; expected one of {', '.join(MODULES)}.")
    if end < start:
        raise ValueError("The end date is before the start date.")
    counts = [managers_female, managers_male, workers_female, workers_male]
    if any(c < 0 for c in counts):
        raise ValueError("Attendee numbers cannot be negative.")
    advice = []
    with session_scope(engine) as session:
        modules = set(session.scalars(select(Training.module).where(Training.enterprise_id == enterprise_id)).all())
        if module != "Workplace Cooperation" and "Workplace Cooperation" not in modules:
            advice.append("Workplace Cooperation (SCORE Basics) comes first: record it too.")
        session.add(Training(enterprise_id=enterprise_id, module=module, start_date=start, end_date=end,
                             cohort=cohort.strip(), managers_female=managers_female, managers_male=managers_male,
                             workers_female=workers_female, workers_male=workers_male))
        audit.record(session, user.username, "insert", "trainings", enterprise_id, None,
                     dict(module=module, start=start, end=end, attendees=counts))
    if managers_female + managers_male < 2 or workers_female + workers_male < 2:
        advice.append("The programme recommends two managers and two workers for each module.")
    return advice


def _check_training(module: str, start: dt.date, end: dt.date, counts: list[int]) -> None:
    if module not in MODULES:
        raise ValueError(f"Unknown module {module!r}; expected one of {', '.join(MODULES)}.")
    if end < start:
        raise ValueError("The end date is before the start date.")
    if any(c < 0 for c in counts):
        raise ValueError("Attendee numbers cannot be negative.")


def _own_row(session: Session, model, row_id: int, enterprise_id: int, what: str):
    """The row ``row_id`` of ``model`` when it belongs to ``enterprise_id`` (else LookupError)."""
    row = session.get(model, row_id)
    if row is None or row.enterprise_id != enterprise_id:
        raise LookupError(f"No such {what} for this enterprise (it may have been deleted meanwhile).")
    return row


def update_training(engine: Engine, user: CurrentUser, enterprise_id: int, training_id: int, module: str,
                    start: dt.date, end: dt.date, cohort: str = "", managers_female: int = 0, managers_male: int = 0,
                    workers_female: int = 0, workers_male: int = 0) -> None:
    """Correct a recorded module participation (audited with before and after)."""
    require_role(user, "admin", "trainer", "manager")
    require_enterprise(user, enterprise_id)
    counts = [managers_female, managers_male, workers_female, workers_male]
    _check_training(module, start, end, counts)
    fields = ("module", "start_date", "end_date", "cohort", "managers_female", "managers_male", "workers_female",
              "workers_male")
    with session_scope(engine) as session:
        row = _own_row(session, Training, training_id, enterprise_id, "module record")
        before = {f: getattr(row, f) for f in fields}
        after = dict(zip(fields, [module, start, end, cohort.strip(), *counts]))
        if before != after:
            for k, v in after.items():
                setattr(row, k, v)
            audit.record(session, user.username, "update", "trainings", training_id, before, after)


def delete_training(engine: Engine, user: CurrentUser, enterprise_id: int, training_id: int) -> None:
    """Delete a module participation recorded by mistake (audited)."""
    require_role(user, "admin", "trainer", "manager")
    require_enterprise(user, enterprise_id)
    with session_scope(engine) as session:
        row = _own_row(session, Training, training_id, enterprise_id, "module record")
        before = dict(module=row.module, start=row.start_date, end=row.end_date, cohort=row.cohort)
        session.delete(row)
        audit.record(session, user.username, "delete", "trainings", training_id, before, None)


def delete_action(engine: Engine, user: CurrentUser, enterprise_id: int, action_id: int) -> None:
    """Delete an improvement action recorded by mistake (audited)."""
    require_role(user, "admin", "trainer", "manager")
    require_enterprise(user, enterprise_id)
    with session_scope(engine) as session:
        row = _own_row(session, Action, action_id, enterprise_id, "action")
        before = dict(date=row.action_date, description=row.description, investment=row.investment)
        session.delete(row)
        audit.record(session, user.username, "delete", "actions", action_id, before, None)


def stored_periods(engine: Engine, user: CurrentUser, enterprise_id: int) -> pd.DataFrame:
    """The periods an enterprise has figures for: phase, period_start, period_end, figures."""
    require_enterprise(user, enterprise_id)
    with session_scope(engine, readonly=True) as session:
        rows = session.execute(
            select(Measurement.phase, Measurement.period_start, Measurement.period_end, func.count())
            .where(Measurement.enterprise_id == enterprise_id)
            .group_by(Measurement.phase, Measurement.period_start, Measurement.period_end)
            .order_by(Measurement.period_start, Measurement.period_end, Measurement.phase)).all()
    return pd.DataFrame(rows, columns=["phase", "period_start", "period_end", "figures"])


def delete_period(engine: Engine, user: CurrentUser, enterprise_id: int, phase: str, period_start: dt.date,
                  period_end: dt.date) -> int:
    """Delete every figure of one period of an enterprise (a period entered with the wrong
    dates or phase); each figure goes into the audit log with its value. Returns how many."""
    require_role(user, "admin", "trainer", "manager")
    require_enterprise(user, enterprise_id)
    where = (Measurement.enterprise_id == enterprise_id, Measurement.phase == phase,
             Measurement.period_start == period_start, Measurement.period_end == period_end)
    with session_scope(engine) as session:
        rows = session.execute(select(Measurement.id, Measurement.indicator, Measurement.carrier, Measurement.value,
                                      Measurement.unit, Measurement.note).where(*where)).all()
        if not rows:
            raise LookupError(f"No {phase} figures from {period_start} to {period_end} are stored.")
        session.execute(Measurement.__table__.delete().where(*where))
        for r in rows:
            audit.record(session, user.username, "delete", "measurements", r.id,
                         {"enterprise_id": enterprise_id, "phase": phase, "period_start": period_start,
                          "period_end": period_end, "indicator": r.indicator, "carrier": r.carrier,
                          "value": r.value, "unit": r.unit, "note": r.note}, None)
        overview.refresh(session, [enterprise_id])
    return len(rows)


# --- actions and trainings -------------------------------------------------------------------

def add_action(engine: Engine, user: CurrentUser, enterprise_id: int, action_date: dt.date, description: str,
               investment: float | None = None, currency: str = "", indicators: list[str] | tuple[str, ...] = (),
               *, exists_ok: bool = True) -> int:
    """Record an improvement action; returns its id. An action with the same date and
    description is not recorded twice: its id is returned, or with ``exists_ok=False``
    ValueError says so (the page: a correction must not look saved when nothing changed)."""
    require_role(user, "admin", "trainer", "manager")
    require_enterprise(user, enterprise_id)
    if not description.strip():
        raise ValueError("Describe the action.")
    unknown = [i for i in indicators if i not in metrics.INDICATORS]
    if unknown:
        raise ValueError(f"Unknown indicator(s): {', '.join(unknown)}")
    if investment is not None and investment < 0:
        raise ValueError("The investment cannot be negative.")
    with session_scope(engine) as session:
        exists = session.scalars(select(Action).where(Action.enterprise_id == enterprise_id,
                                                      Action.action_date == action_date,
                                                      Action.description == description.strip())).first()
        if exists is not None:
            if exists_ok:
                return exists.id
            raise ValueError("This action is recorded already (same date and description). To correct it, delete "
                             "it below and record it again.")
        action = Action(enterprise_id=enterprise_id, action_date=action_date, description=description.strip(),
                        investment=investment, currency=currency, indicators=",".join(indicators))
        session.add(action)
        session.flush()
        audit.record(session, user.username, "insert", "actions", action.id, None,
                     {"date": action_date, "description": description, "investment": investment})
        return action.id


def list_actions(engine: Engine, user: CurrentUser, enterprise_id: int) -> pd.DataFrame:
    """The enterprise's improvement actions, oldest first."""
    require_enterprise(user, enterprise_id)
    with session_scope(engine, readonly=True) as session:
        rows = session.execute(select(Action.id, Action.action_date, Action.description, Action.investment,
                                      Action.currency, Action.indicators).where(Action.enterprise_id == enterprise_id)
                               .order_by(Action.action_date, Action.id)).all()
    return pd.DataFrame(rows, columns=["id", "action_date", "description", "investment", "currency", "indicators"])


# --- the enterprise report ------------------------------------------------------------------

@dataclass
class EnterpriseReport:
    """Everything the enterprise report page draws, computed from the database by metrics."""

    enterprise: dict
    measurements: pd.DataFrame
    stages: pd.DataFrame
    changes: pd.DataFrame
    actions: pd.DataFrame
    reference: pd.DataFrame
    database_averages: pd.DataFrame
    periods_differ: bool = False
    notes: list[str] = field(default_factory=list)
    impacts: pd.DataFrame = field(default_factory=pd.DataFrame)
    factors: pd.DataFrame = field(default_factory=pd.DataFrame)


def _stages(df: pd.DataFrame) -> pd.DataFrame:
    """One row per period, in time order: yield and waste share (percent) where known."""
    if df.empty:
        return pd.DataFrame(columns=["stage", "phase", "period_start", "period_end", "yield_pct", "waste_share_pct"])
    periods = (df[["phase", "period_start", "period_end"]].drop_duplicates()
               .sort_values(["period_end", "period_start"]).reset_index(drop=True))
    labels, n_fu, n_base = [], 0, 0
    for p in periods.itertuples():
        if p.phase == "baseline":
            n_base += 1
            labels.append("Baseline" if n_base == 1 else f"Baseline {n_base}")
        else:
            n_fu += 1
            labels.append(f"Follow-up {n_fu}")
    periods["stage"] = labels

    def pick(indicator: str) -> pd.Series:
        sub = df[df["indicator"] == indicator].groupby(["phase", "period_start", "period_end"])["value_canonical"].sum()
        return periods.set_index(["phase", "period_start", "period_end"]).index.map(lambda k: sub.get(k, float("nan")))

    y = pd.Series(pick("yield"), dtype=float) * 100
    wasted = pd.Series(pick("material_wasted"), dtype=float)
    inp = pd.Series(pick("material_input"), dtype=float)
    share = (wasted / inp * 100).where(inp > 0)
    share = share.fillna(100 - y)
    periods["yield_pct"] = y.values
    periods["waste_share_pct"] = share.values
    return periods[["stage", "phase", "period_start", "period_end", "yield_pct", "waste_share_pct"]]


def _changes(df: pd.DataFrame) -> pd.DataFrame:
    """Baseline vs latest follow-up per indicator, as metrics.summarize defines them."""
    if df.empty:
        return pd.DataFrame()
    per = metrics.enterprise_changes(df)
    return per


def _impacts(df: pd.DataFrame, stages: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per period: energy (kWh), emissions (kg CO2e, biogenic memo) and intensities per unit of
    production; and the emission factors used, with their sources."""
    if df.empty or stages.empty:
        return pd.DataFrame(), pd.DataFrame()
    keys = ["phase", "period_start", "period_end"]
    out = stages[["stage"] + keys].copy()
    em = metrics.emissions_frame(df)
    if not em.empty:
        sums = em.groupby(keys)[["value_canonical", "kg_co2e", "biogenic_kg_co2"]].sum()
        sums.columns = ["energy_kwh", "kg_co2e", "biogenic_kg_co2_memo"]
        out = out.merge(sums.reset_index(), on=keys, how="left")
    for indicator in ("energy", "waste", "material_wasted", "water"):
        inten = metrics.intensity(df, indicator)
        for unit, part in inten.groupby("unit", sort=False):  # production in pieces and in kg: two columns
            col = f"{indicator} per {unit.split(' per ')[-1]}"
            out = out.merge(part[keys + ["intensity"]].rename(columns={"intensity": col}), on=keys, how="left")
    factors = (em[["carrier", "factor_kg_per_kwh", "factor_source"]].drop_duplicates().reset_index(drop=True)
               if not em.empty else pd.DataFrame())
    if not factors.empty:
        factors.attrs["factor_set"] = em.attrs.get("factor_set", "")
    return out, factors


def _database_averages(session: Session) -> pd.DataFrame:
    """Per indicator over every enterprise with a baseline and a follow-up: enterprises, mean and
    median relative change, mean points (yield). The same figures as ``metrics.summarize`` over
    all measurements, read from the precomputed ``enterprise_summary`` (no measurement scanned)."""
    from tracker.models import EnterpriseSummary as S

    rows = session.execute(select(S.indicator, S.relative_change, S.points)
                           .where(S.baseline.is_not(None), S.followup.is_not(None))).all()
    per = pd.DataFrame(rows, columns=["indicator", "relative_change", "points"])
    if per.empty:
        return pd.DataFrame(columns=["indicator", "enterprises", "mean_change", "median_change", "mean_points"])
    out = (per.groupby("indicator", sort=True)
           .agg(enterprises=("relative_change", "size"), mean_change=("relative_change", "mean"),
                median_change=("relative_change", "median"), mean_points=("points", "mean")).reset_index())
    # the same rule as the programme overview: a manager must not read another enterprise's
    # change off an average of two
    return overview.suppress(out).drop(columns="suppressed")


def enterprise_report(engine: Engine, user: CurrentUser, enterprise_id: int) -> EnterpriseReport:
    """The report for one enterprise: stages, changes, actions, and the reference averages."""
    require_enterprise(user, enterprise_id)
    with session_scope(engine, readonly=True) as session:
        info = _enterprise_dict(session, enterprise_id)
        df = _measurement_frame(session, [enterprise_id])
        actions = pd.DataFrame(
            session.execute(select(Action.action_date, Action.description, Action.investment, Action.currency,
                                   Action.indicators).where(Action.enterprise_id == enterprise_id)
                            .order_by(Action.action_date)).all(),
            columns=["action_date", "description", "investment", "currency", "indicators"])
        db_avg = _database_averages(session)
    stages = _stages(df)
    changes = _changes(df)
    lengths = (df["period_end"] - df["period_start"]).dt.days.add(1).unique() if not df.empty else []
    impacts, factors = _impacts(df, stages)
    return EnterpriseReport(enterprise=info, measurements=df, stages=stages, changes=changes, actions=actions,
                            reference=programme_reference(), database_averages=db_avg,
                            periods_differ=len(lengths) > 1, impacts=impacts, factors=factors)


# --- the programme overview (tracker.overview) ----------------------------------------------

from tracker import overview  # noqa: E402 - overview imports this module's access checks
from tracker.overview import MIN_CELL, ProgrammeOverview, programme_overview  # noqa: E402,F401
