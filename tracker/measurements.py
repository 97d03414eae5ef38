"""The figures: reading an enterprise's measurements, and the write path.

:func:`save_measurements` stores a table that ``metrics.parse`` has read (a ``metrics.Parsed``):
all or nothing, one transaction, updating figures that exist instead of duplicating them, the
programme summary refreshed in the same transaction. It never parses again. A file read in
pieces is stored piece by piece in that one transaction (:func:`save_pieces`).

Every stored figure has a version (1, then one more with each change). The entry form passes the
versions it saw when it opened (:func:`versions`): a figure someone else changed since then is
not overwritten, :class:`~tracker.errors.ConcurrentChange` says what changed and by whom. Every
value written goes into the audit log: inserted figures (in entries of up to
:data:`AUDIT_CHUNK`), updated ones with before and after, deleted ones with what they were.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import metrics
from metrics.i18n import _, ngettext
from tracker import audit, enterprises, figure_inputs, lengths, summary
from tracker.access import EDITORS, check_enterprise, require_enterprise, require_role
from tracker.auth import CurrentUser
from tracker.db import MANY, bulk_insert, one_duckdb_thread, read_frame, session_scope
from tracker.errors import AccessDenied, ConcurrentChange, RejectedInput
from tracker.models import Measurement

#: what makes a figure one figure: a second row with the same key updates it
KEY_COLUMNS = ["enterprise_id", "period_start", "period_end", "phase", "indicator", "carrier"]
#: the columns of a stored figure
STORED_COLUMNS = ["value", "unit", "note", "renewable_pct", "price", "currency", "value_canonical", "unit_canonical"]
#: the optional inputs beside a figure (metrics.indicators.OPTIONAL_COLUMNS): NULL when not entered
OPTIONAL = list(metrics.OPTIONAL_COLUMNS)
#: how often a write that lost a race with another transaction is tried again
ATTEMPTS = 20
#: DuckDB runs a save of this many rows or more on one thread (:func:`tracker.db.one_duckdb_thread`):
#: the setting is the database's, so a save of a few lines leaves other readers their threads
ONE_THREAD_ROWS = MANY
#: inserted figures listed per audit entry
AUDIT_CHUNK = 1000
#: inserted figures written as JSON at a time for their audit entries (a multiple of AUDIT_CHUNK)
AUDIT_PIECE = 10 * AUDIT_CHUNK
#: what an audit entry lists of each inserted figure
AUDIT_COLUMNS = ["enterprise_id", "period_start", "period_end", "phase", "indicator", "carrier", "value", "unit",
                 "note", "renewable_pct", "price", "currency"]


class _LostRace(RuntimeError):
    """A figure this save read changed before it could be locked: start again."""


# --- reading ----------------------------------------------------------------------------------

MEASUREMENT_SQL = ("SELECT e.name AS enterprise, e.country, e.sector, m.period_start, m.period_end, m.phase, "
                   "m.indicator, m.carrier, m.value, m.unit, m.note, m.renewable_pct, m.price, m.currency, "
                   "m.enterprise_id, m.value_canonical, m.unit_canonical "
                   "FROM measurements m JOIN enterprises e ON e.id = m.enterprise_id")
STORED_SQL = ("SELECT id, enterprise_id, period_start, period_end, phase, indicator, carrier, value AS old_value, "
              "unit AS old_unit, note AS old_note, renewable_pct AS old_renewable_pct, price AS old_price, "
              "currency AS old_currency, version AS old_version, updated_by AS old_by, updated_at AS old_at "
              "FROM measurements")


def measurement_frame(session: Session, enterprise_ids: list[int] | None) -> pd.DataFrame:
    """The stored figures of ``enterprise_ids`` (None: all) in the template's columns, value and
    unit as entered, with enterprise_id, value_canonical and unit_canonical."""
    df = read_frame(session, MEASUREMENT_SQL, enterprise_ids, "enterprise_id",
                    order="enterprise, period_start, indicator, carrier")
    for col in ("period_start", "period_end"):
        df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
    df["carrier"] = df["carrier"].fillna("")
    df["currency"] = df["currency"].fillna("").astype(object)
    for col in ("renewable_pct", "price"):
        df[col] = df[col].astype(float)
    return df


def enterprise_info(engine: Engine, user: CurrentUser, enterprise_id: int) -> tuple[dict, pd.DataFrame]:
    """(profile, stored measurements) of one enterprise the user may read."""
    user = require_enterprise(engine, user, enterprise_id, reuse=True)
    with session_scope(engine, readonly=True) as session:
        return enterprises.enterprise_dict(session, enterprise_id), measurement_frame(session, [enterprise_id])


def stored_periods(engine: Engine, user: CurrentUser, enterprise_id: int) -> pd.DataFrame:
    """The periods an enterprise has figures for: phase, period_start, period_end, figures."""
    user = require_enterprise(engine, user, enterprise_id, reuse=True)
    with session_scope(engine, readonly=True) as session:
        rows = session.execute(
            select(Measurement.phase, Measurement.period_start, Measurement.period_end, func.count())
            .where(Measurement.enterprise_id == enterprise_id)
            .group_by(Measurement.phase, Measurement.period_start, Measurement.period_end)
            .order_by(Measurement.period_start, Measurement.period_end, Measurement.phase)).all()
    return pd.DataFrame(rows, columns=["phase", "period_start", "period_end", "figures"])


# --- writing ----------------------------------------------------------------------------------

def versions(engine: Engine, user: CurrentUser, enterprise_id: int) -> dict[tuple, tuple[int, int]]:
    """{(enterprise_id, period_start, period_end, phase, indicator, carrier): (id, version)} of
    every stored figure of an enterprise: what a form saw when it opened (pass it to
    save_measurements as ``expected``). The row's id is part of it: a figure deleted and entered
    again starts at version 1 once more, but as another row."""
    user = require_enterprise(engine, user, enterprise_id, reuse=True)
    with session_scope(engine, readonly=True) as session:
        rows = session.execute(select(Measurement.period_start, Measurement.period_end, Measurement.phase,
                                      Measurement.indicator, Measurement.carrier, Measurement.id, Measurement.version)
                               .where(Measurement.enterprise_id == enterprise_id)).all()
    return {(int(enterprise_id), r.period_start, r.period_end, r.phase, r.indicator, r.carrier or ""):
            (int(r.id), int(r.version)) for r in rows}


def save_measurements(engine: Engine, user: CurrentUser, parsed: metrics.Parsed, *, create_enterprises: bool = False,
                      progress=None, expected: dict | None = None) -> dict[str, int]:
    """Store a parsed template table, all or nothing, in one transaction.

    Rows with the same enterprise, period, phase, indicator and carrier as a stored figure
    update it instead of duplicating it; an update without a note (None) keeps the stored
    note. Raises :class:`RejectedInput` with the table's problems, or :class:`AccessDenied`
    (an enterprise that is not the user's, or one that does not exist unless an admin asks to
    create it). Returns counts of inserted and updated rows. The audit log gets one entry per
    call (with the counts), the inserted figures' values, and one entry per updated figure
    (before and after). Conflicting concurrent writers are retried, so nothing is lost.

    ``expected`` (the entry form's :func:`versions` when it opened) makes a save refuse, with
    :class:`ConcurrentChange`, to change a stored figure whose version is not the one seen
    (someone else saved it meanwhile) unless it already holds the same value and unit; without
    it (imports) the file's figures are stored over whatever is there, each change audited.
    """
    user = require_role(engine, user, *EDITORS)
    if not isinstance(parsed, metrics.Parsed):
        raise TypeError(_("save_measurements takes what metrics.parse returns."))
    if not parsed.ok:
        raise RejectedInput(parsed.problems)
    return _save_attempts(engine, user, lambda: [parsed], len(parsed.rows), create_enterprises, progress, expected)


def save_pieces(engine: Engine, user: CurrentUser, pieces: Callable[[], Iterable[metrics.Parsed]], rows: int, *,
                create_enterprises: bool = False, progress=None, expected: dict | None = None) -> dict[str, int]:
    """:func:`save_measurements` for a table parsed in pieces (``metrics.parse_chunks`` of a
    file read in chunks; about ``rows`` rows in all): each piece is stored as it comes, in one
    transaction, so a file never needs to be held whole. Once a piece has a problem nothing more
    is stored but every piece is still parsed, so that every problem is named; then the
    transaction is rolled back (nothing stored) and :class:`RejectedInput` raised. ``pieces`` is
    called again when a conflicting writer forces a retry."""
    user = require_role(engine, user, *EDITORS)
    return _save_attempts(engine, user, pieces, rows, create_enterprises, progress, expected)


def _save_attempts(engine: Engine, user: CurrentUser, pieces: Callable[[], Iterable[metrics.Parsed]], rows: int,
                   create_enterprises: bool, progress, expected: dict | None) -> dict[str, int]:
    """:func:`save_pieces` for ``user`` as its caller has just read the account (no second read)."""
    step = progress or (lambda fraction, text: None)
    for attempt in range(ATTEMPTS):
        try:
            return _save(engine, user, pieces(), max(rows, 1), create_enterprises, step, expected)
        except Exception as exc:  # noqa: BLE001 - driver errors from bulk paths are not always wrapped
            if not _is_conflict(exc) or attempt == ATTEMPTS - 1:
                raise
            time.sleep(min(1.0, 0.01 * 2 ** attempt) * (0.5 + random.random()))  # back off, then retry
    raise AssertionError("unreachable")


def _line_numbers(df: pd.DataFrame) -> pd.Series:
    """The line of a file each row comes from (its index counted from metrics' first line)."""
    index = df.index.to_series(index=df.index)
    return index + metrics.frames.FIRST_LINE if pd.api.types.is_integer_dtype(index) else pd.Series(0, df.index)


def _is_conflict(exc: BaseException) -> bool:
    """A write that lost a race with another transaction (safe to retry from the start)."""
    if isinstance(exc, _LostRace):
        return True
    if isinstance(exc, (RejectedInput, AccessDenied, ConcurrentChange)):
        return False
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc)
    return any(t in text for t in ("Conflict", "conflict", "could not serialize", "deadlock",
                                   "duplicate key", "Duplicate key", "violates unique"))


@dataclass
class _Progress:
    """What a save has done so far, piece by piece."""

    stamp: dict
    counts: dict = field(default_factory=lambda: {"inserted": 0, "updated": 0})
    ids: dict = field(default_factory=dict)  # name -> id of every enterprise named
    created: dict = field(default_factory=dict)  # id -> country of the enterprises this save adds
    fresh: list = field(default_factory=list)  # their figures (all of them: they had none stored)
    repeated: bool = False  # a figure of theirs given again in a later piece: the file is refused


def _save(engine: Engine, user: CurrentUser, pieces: Iterable[metrics.Parsed], rows: int, create_enterprises: bool,
          step, expected: dict | None) -> dict[str, int]:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    saved = _Progress(stamp=dict(factor_set=metrics.FACTOR_SET_VERSION, updated_at=now, updated_by=user.username))
    problems: list[pd.DataFrame] = []
    refused: AccessDenied | None = None
    done = 0
    with (one_duckdb_thread(engine) if rows >= ONE_THREAD_ROWS else contextlib.nullcontext()), \
            session_scope(engine) as session:
        for parsed in pieces:
            if not parsed.ok:
                problems.append(parsed.problems)
            stop = bool(problems) or refused is not None or saved.repeated
            if stop and parsed.ok and create_enterprises:
                problems.append(_new_problems(session, parsed.rows)[1])  # not stored, but its texts named
            if stop or parsed.rows.empty:
                continue  # refused: the rest is only parsed, so that every problem is named
            lo, hi = 0.9 * done / rows, 0.9 * (done + len(parsed.rows)) / rows
            try:
                _store(session, user, parsed.rows, create_enterprises, saved, expected,
                       lambda f, text, lo=lo, hi=hi: step(lo + (hi - lo) * f, text))
            except AccessDenied as exc:  # said after the parse of every piece, as for a table read whole
                refused = exc
            except RejectedInput as exc:  # a text or a new enterprise that cannot be stored: named with the rest
                problems.append(exc.problems)
            done += len(parsed.rows)
        if problems:
            out = pd.concat(problems, ignore_index=True)
            raise RejectedInput(out.sort_values(["row", "column"], kind="stable").reset_index(drop=True))
        if refused is not None:
            raise refused
        if saved.repeated:  # metrics.parse_chunks names every figure given again: not reached
            raise RuntimeError("a figure given twice in a file was not named by its parse")
        counts = saved.counts
        if counts["inserted"] or counts["updated"]:
            ids = saved.ids
            audit.record(session, user.username, "save", "measurements", ",".join(map(str, sorted(ids.values())))[:100],
                         None, dict(counts, enterprises=sorted(ids)[:50]))
            # the programme overview's summary, same transaction; enterprises that had nothing
            # stored have all their figures in this save, which need not be read back
            step(0.92, _("Updating the programme summary"))
            # held by refresh alone, which sorts it and lets the unsorted rows go
            summary.refresh(session, ids.values(), complete=_fresh_rows(saved))
        step(0.97, _("Committing"))
    return counts


def _fresh_rows(saved: _Progress) -> pd.DataFrame | None:
    """Every figure of the enterprises the save adds, as one table (their pieces let go)."""
    rows = pd.concat(saved.fresh, ignore_index=True) if saved.fresh else None
    saved.fresh.clear()
    return rows


def _store(session: Session, user: CurrentUser, df: pd.DataFrame, create_enterprises: bool, saved: _Progress,
           expected: dict | None, step) -> None:
    """Store one piece (rows added or updated, counted in ``saved``)."""
    # no note given (None, not ''): an updated figure keeps the note it has (the entry form has none)
    df = df.assign(_keep_note=df["note"].isna().to_numpy(), note=df["note"].astype(object).fillna("").astype(str))
    piece_ids, created = _enterprise_ids(session, user, df, create_enterprises, step)
    df = df.assign(enterprise_id=df["enterprise"].map(piece_ids))
    step(0.4, _("Comparing with stored figures"))
    new_ids = set(created["id"])
    # enterprises created now have nothing stored, and those this save created in an earlier piece have only
    # its figures, held in saved.fresh: not read back from the database (a scan of every figure stored so far,
    # once per piece). One of theirs given again is refused with the whole file (metrics.parse_chunks names it
    # after the last piece): nothing more is stored
    earlier = [i for i in piece_ids.values() if i not in new_ids and i in saved.created]
    if earlier and _given_again(df, saved.fresh, earlier):
        saved.repeated = True
        return
    existed = [i for i in piece_ids.values() if i not in new_ids and i not in saved.created]
    merged = df.merge(_stored(session, existed), on=KEY_COLUMNS, how="left")
    keep = merged["_keep_note"].to_numpy() & merged["id"].notna().to_numpy()
    if keep.any():
        merged.loc[keep, "note"] = merged.loc[keep, "old_note"]
    if expected is not None:
        conflicts = _conflicts(merged, expected)
        if len(conflicts):
            raise ConcurrentChange(conflicts)
    new = merged[merged["id"].isna()]
    old = merged[merged["id"].notna()]
    changed = old[(old["old_value"] != old["value"]) | (old["old_unit"] != old["unit"])
                  | (old["old_note"] != old["note"]) | figure_inputs.changed(old)]
    if len(new):
        step(0.5, ngettext("Adding {n} figure", "Adding {n} figures", len(new)).format(n=f"{len(new):,}"))
        bulk_insert(session, "measurements", new[KEY_COLUMNS + STORED_COLUMNS].assign(version=1, **saved.stamp))
        _audit_new(session, user, new)
    if len(changed):
        step(0.8, ngettext("Updating {n} figure", "Updating {n} figures", len(changed)).format(n=f"{len(changed):,}"))
        _lock(session, changed)
        _update(session, user, changed, saved.stamp)
    saved.counts["inserted"] += int(len(new))
    saved.counts["updated"] += int(len(changed))
    saved.ids.update(piece_ids)
    saved.created.update(zip(created["id"].tolist(), created["country"].tolist(), strict=True))
    mine = df[df["enterprise_id"].isin(list(saved.created)).to_numpy()]
    if len(mine):  # kept compact: a million figures are some tens of megabytes
        part = mine.assign(country=mine["enterprise_id"].map(saved.created))[summary.MEASUREMENT_COLUMNS]
        saved.fresh.append(part.astype({"enterprise_id": np.int32, **{c: "category" for c in (
            "country", "phase", "indicator", "carrier", "unit_canonical")}}))


def _given_again(df: pd.DataFrame, fresh: list[pd.DataFrame], ids: list[int]) -> bool:
    """Whether a figure of the enterprises ``ids`` in ``df`` is among the figures ``fresh`` this save stored."""
    def keys(rows: pd.DataFrame) -> set:
        return set(zip(rows["enterprise_id"].astype(int), rows["period_start"], rows["period_end"],
                       *(rows[c].astype(object) for c in ("phase", "indicator", "carrier")), strict=True))
    mine = keys(df[df["enterprise_id"].isin(ids).to_numpy()])
    return any(not mine.isdisjoint(keys(part[part["enterprise_id"].isin(ids).to_numpy()])) for part in fresh)


def _enterprise_ids(session: Session, user: CurrentUser, df: pd.DataFrame, create: bool, step
                    ) -> tuple[dict[str, int], pd.DataFrame]:
    """{name: id} of the enterprises ``df`` names, each checked against the user's access, and
    those created now (an admin's upload that asks for it: index name, columns id, country)."""
    firsts = df.groupby("enterprise", sort=False)[["country", "sector"]].first()
    known = enterprises.ids_by_name(session, list(firsts.index))
    if user.role != "admin":
        # one message whether the enterprise does not exist or is someone else's: a manager must
        # not learn which names exist
        theirs = set(user.enterprise_ids)
        refused = [name for name in firsts.index if known.get(name) not in theirs]
        if refused:
            raise AccessDenied(_("{name}{lines} is not an enterprise you enter figures for: check the name, or ask an "
                                 "administrator to assign it to you.").format(name=repr(refused[0]),
                                                                              lines=_lines(df, refused[0])))
    missing = firsts[~firsts.index.isin(list(known))]
    created = pd.DataFrame({"id": pd.Series(dtype="int64"), "country": pd.Series(dtype=object)})
    if len(missing) and not create:
        raise AccessDenied(_("Unknown enterprise {name}{lines}: add it first (Users page) or import the file with new "
                             "enterprises allowed.").format(name=repr(missing.index[0]),
                                                            lines=_lines(df, missing.index[0])))
    missing, problems = _new_problems(session, df, firsts, known)
    if len(problems):
        raise RejectedInput(problems)
    if len(missing):
        step(0.2, ngettext("Adding {n} enterprise", "Adding {n} enterprises", len(missing)).format(
            n=f"{len(missing):,}"))
        created = enterprises.add_enterprises(session, user.username, missing)
        known.update(created["id"].to_dict())
    for name in firsts.index:
        check_enterprise(user, known[name])
    return {name: known[name] for name in firsts.index}, created


def _new_problems(session: Session, df: pd.DataFrame, firsts: pd.DataFrame | None = None, known: dict | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the enterprises ``df`` would create, checked; problems by line: units and notes that
    cannot be stored, and a new enterprise's name, sector or country)."""
    lines = _line_numbers(df)
    texts = lengths.table_problems(df, lines, {"unit": (Measurement.unit, _("The unit")), "note": (Measurement.note,
                                                                                              _("The note"))})
    missing, new = enterprises.check_new_in(session, df, lines, firsts, known)
    out = pd.concat([texts, new], ignore_index=True)
    return missing, out.sort_values(["row", "column"], kind="stable").reset_index(drop=True)


def _lines(df: pd.DataFrame, name: str) -> str:
    """' (line 2, 3 ...)': where a file names ``name`` (nothing for rows that are not a file's)."""
    if not pd.api.types.is_integer_dtype(df.index):
        return ""
    lines = _line_numbers(df)[df["enterprise"] == name]
    shown = ", ".join(str(int(i)) for i in lines[:10])
    return " " + _("(line {lines})").format(lines=shown + (" ..." if len(lines) > 10 else ""))


def _stored(session: Session, enterprise_ids: list[int]) -> pd.DataFrame:
    """The stored figures of ``enterprise_ids`` with their keys (dates as datetime64, as parsed
    rows have them), id, old value, unit, note and version, and who changed them when."""
    if enterprise_ids:
        stored = read_frame(session, STORED_SQL, enterprise_ids, "enterprise_id")
    else:  # nothing to look for (the query would still scan the table)
        stored = read_frame(session, STORED_SQL + " WHERE false")
    for col in ("period_start", "period_end"):
        stored[col] = pd.to_datetime(stored[col]).astype("datetime64[ns]")
    return stored


def _conflicts(merged: pd.DataFrame, expected: dict) -> pd.DataFrame:
    """The stored figures about to change whose (id, version) is not the one the form saw (someone
    saved them since, or deleted and entered them again), unless they hold the same value and unit
    already; ``seen`` is what the form may pass once the person has seen them."""
    stored = merged[merged["id"].notna()]
    if stored.empty:
        return pd.DataFrame()
    keys = zip(stored["enterprise_id"].astype(int), stored["period_start"].dt.date, stored["period_end"].dt.date,
               stored["phase"], stored["indicator"], stored["carrier"], strict=True)
    seen = [expected.get(k) for k in keys]
    now = list(zip(stored["id"].astype(int), stored["old_version"].astype(int), strict=True))
    same = ((stored["old_value"] == stored["value"]) & (stored["old_unit"] == stored["unit"])
            & ~figure_inputs.changed(stored)).tolist()
    hit = stored[[tuple(s or ()) != n and not eq for s, n, eq in zip(seen, now, same, strict=True)]]
    return pd.DataFrame({
        "phase": hit["phase"], "period_start": hit["period_start"].dt.date, "period_end": hit["period_end"].dt.date,
        "indicator": hit["indicator"], "carrier": hit["carrier"],
        "theirs": [f"{v:g} {u}{figure_inputs.text(p, c, r)}" for v, u, p, c, r in zip(
            hit["old_value"], hit["old_unit"], hit["old_price"], hit["old_currency"], hit["old_renewable_pct"],
            strict=True)],
        "by": hit["old_by"], "at": hit["old_at"],
        "yours": [f"{v:g} {u}{figure_inputs.text(p, c, r)}" for v, u, p, c, r in zip(
            hit["value"], hit["unit"], hit["price"], hit["currency"], hit["renewable_pct"], strict=True)],
        "key": list(zip(hit["enterprise_id"].astype(int), hit["period_start"].dt.date, hit["period_end"].dt.date,
                        hit["phase"], hit["indicator"], hit["carrier"], strict=True)),
        "seen": list(zip(hit["id"].astype(int), hit["old_version"].astype(int), strict=True))}).reset_index(drop=True)


def _lock(session: Session, changed: pd.DataFrame) -> None:
    """Lock the figures about to be updated (PostgreSQL; on DuckDB writers take turns) and make
    sure they are still the versions read: a save that lost the race starts again."""
    if session.get_bind().dialect.name != "postgresql":
        return
    ids = [int(i) for i in changed["id"]]
    locked: dict[int, int] = {}
    for start in range(0, len(ids), MANY):
        locked.update(session.execute(select(Measurement.id, Measurement.version)
                                      .where(Measurement.id.in_(ids[start:start + MANY])).with_for_update()).all())
    if any(locked.get(int(i)) != int(v) for i, v in zip(changed["id"], changed["old_version"], strict=True)):
        raise _LostRace("a figure changed while this save was comparing")


def _audit_new(session: Session, user: CurrentUser, new: pd.DataFrame) -> None:
    """Every inserted figure's value, unit and note in the audit log, up to AUDIT_CHUNK per entry."""
    listed = new[AUDIT_COLUMNS].assign(enterprise_id=new["enterprise_id"].astype(int),
                                       period_start=_days(new["period_start"]), period_end=_days(new["period_end"]),
                                       value=new["value"].astype(float))
    # strict JSON (an optional input left empty is null), written a column at a time, AUDIT_PIECE rows at
    # a time (a piece's whole would be a Python text per cell)
    texts = (entry for start in range(0, len(listed), AUDIT_PIECE)
             for entry in audit.table_json(listed.iloc[start:start + AUDIT_PIECE], AUDIT_CHUNK))
    audit.record_texts(session, user.username, "insert", "measurements",
                       ((f"{n} figures", "", text) for n, text in texts))


def _days(dates: pd.Series) -> np.ndarray:
    """Dates as YYYY-MM-DD texts (a missing one None), each distinct date written once (a file has few)."""
    codes, uniques = pd.factorize(dates)
    return np.append(pd.DatetimeIndex(uniques).strftime("%Y-%m-%d").to_numpy(dtype=object), None)[codes]


def _update(session: Session, user: CurrentUser, changed: pd.DataFrame, stamp: dict) -> None:
    """Write the changed figures (one version more), each audited with its value, unit and note
    before and after."""
    session.execute(
        Measurement.__table__.update().where(Measurement.id == bindparam("mid")),
        [dict(mid=int(r.id), value=float(r.value), unit=r.unit, note=r.note, value_canonical=float(r.value_canonical),
              unit_canonical=r.unit_canonical, version=int(r.old_version) + 1, **figure_inputs.stored(r), **stamp)
         for r in changed.itertuples(index=False)])
    for r in changed.itertuples(index=False):
        before = {"value": r.old_value, "unit": r.old_unit, "note": r.old_note}
        after = {"value": float(r.value), "unit": r.unit, "note": r.note}
        old = figure_inputs.stored(pd.Series({"renewable_pct": r.old_renewable_pct, "price": r.old_price,
                                   "currency": r.old_currency}))
        new = figure_inputs.stored(r)
        for col in OPTIONAL:  # said only where entered or changed, so earlier entries read as before
            if old[col] is not None or new[col] is not None:
                before[col], after[col] = old[col], new[col]
        audit.record(session, user.username, "update", "measurements", int(r.id), before, after)


def delete_period(engine: Engine, user: CurrentUser, enterprise_id: int, phase: str, period_start: dt.date,
                  period_end: dt.date) -> int:
    """Delete every figure of one period of an enterprise (a period entered with the wrong
    dates or phase); each figure goes into the audit log with its value. Returns how many."""
    user = require_enterprise(engine, user, enterprise_id)
    where = (Measurement.enterprise_id == enterprise_id, Measurement.phase == phase,
             Measurement.period_start == period_start, Measurement.period_end == period_end)
    with session_scope(engine) as session:
        rows = session.execute(select(Measurement.id, Measurement.indicator, Measurement.carrier, Measurement.value,
                                      Measurement.unit, Measurement.note).where(*where)).all()
        if not rows:
            raise LookupError(_("No {phase} figures from {period_start} to {period_end} are stored.").format(
                phase=phase, period_start=period_start, period_end=period_end))
        session.execute(Measurement.__table__.delete().where(*where))
        for r in rows:
            audit.record(session, user.username, "delete", "measurements", r.id,
                         {"enterprise_id": enterprise_id, "phase": phase, "period_start": period_start,
                          "period_end": period_end, "indicator": r.indicator, "carrier": r.carrier,
                          "value": r.value, "unit": r.unit, "note": r.note}, None)
        summary.refresh(session, [enterprise_id])
    return len(rows)
