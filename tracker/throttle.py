"""Sign-in throttling: failed sign-ins counted per user name and per client address, in the
database (table ``sign_in_failures``), so that every app process sees the same counters.

* Per **user name** (with or without an account alike, so that a delay never tells which names
  exist): after :data:`FREE` failures each attempt waits 1, 2, 4 ... seconds, capped at
  :data:`CAP` = 30 s for a name. A stranger who keeps failing for the admin's name delays the
  admin by half a minute at most, never for a quarter of an hour.
* Per **client address** (the address the app sees; ``local`` for this machine): after 20
  failures from one address, across every name, each attempt waits 1, 2, 4 ... seconds up to
  15 minutes. One password tried across many accounts from one place is slowed down.
* While a counter says wait, an attempt is refused without its password being checked (and does
  not count). A counter starts again from nothing after :data:`RESET_AFTER` without failures; a
  successful sign-in clears its name's counter (not its address's: a valid account of one's own
  must not reset the slowing of guesses at others).

The rows of one attempt are read and updated in one transaction, locked on PostgreSQL (on DuckDB
one process holds the file and writers take turns), so attempts at the same moment, in one
process or several, are counted one after another.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from tracker.models import SignInFailure

NAME, ADDRESS = "name", "address"
#: failures allowed before each further attempt waits
FREE = {NAME: 5, ADDRESS: 20}
#: the longest wait, in seconds
CAP = {NAME: 30, ADDRESS: 15 * 60}
#: a counter without a failure for this long starts again from nothing
RESET_AFTER = dt.timedelta(hours=1)
#: the address of a caller that names none (this machine: the command line, a local browser)
LOCAL = "local"
KEY_LENGTH = 200


def delay(kind: str, failures: int) -> int:
    """Seconds to wait after ``failures`` consecutive failures of a name or an address."""
    if failures < FREE[kind]:
        return 0
    return min(2 ** min(failures - FREE[kind], 30), CAP[kind])


def keys(username: str, address: str | None) -> list[tuple[str, str]]:
    """The two counters an attempt touches: its user name's and its address's."""
    where = address if isinstance(address, str) and address.strip() else LOCAL
    return [(ADDRESS, where.strip()[:KEY_LENGTH]), (NAME, username.strip()[:KEY_LENGTH])]


def hold(session: Session, counters: list[tuple[str, str]]) -> dict[tuple[str, str], SignInFailure]:
    """The rows of ``counters``, created when missing and locked until the transaction ends."""
    conn = session.connection()
    for kind, key in counters:
        conn.execute(text("INSERT INTO sign_in_failures (kind, key, failures) VALUES (:kind, :key, 0) "
                          "ON CONFLICT DO NOTHING"), {"kind": kind, "key": key})
    stmt = (select(SignInFailure).where(SignInFailure.kind.in_([k for k, _ in counters]),
                                        SignInFailure.key.in_([k for _, k in counters]))
            .order_by(SignInFailure.kind, SignInFailure.key))
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    rows = {(r.kind, r.key): r for r in session.scalars(stmt).all()}
    return {c: rows[c] for c in counters}


def wait_seconds(rows: dict[tuple[str, str], SignInFailure], now: dt.datetime) -> int:
    """How long the attempt must still wait (0: go ahead); stale counters are reset first."""
    wait = 0
    for (kind, _), row in rows.items():
        if row.last_failed_at is not None and now - row.last_failed_at > RESET_AFTER:
            row.failures, row.last_failed_at = 0, None
        seconds = delay(kind, row.failures)
        if seconds and row.last_failed_at is not None:
            wait = max(wait, int((row.last_failed_at + dt.timedelta(seconds=seconds) - now).total_seconds()) + 1)
    return wait


def failed(session: Session, rows: dict[tuple[str, str], SignInFailure], now: dt.datetime) -> None:
    """Count a failure on both counters (and forget counters quiet for long)."""
    for row in rows.values():
        row.failures += 1
        row.last_failed_at = now
    session.execute(delete(SignInFailure).where(SignInFailure.last_failed_at < now - RESET_AFTER))


def succeeded(session: Session, rows: dict[tuple[str, str], SignInFailure]) -> None:
    """A right password: the name's counter is cleared; counters at nothing are dropped."""
    for (kind, _), row in rows.items():
        if kind == NAME:
            row.failures, row.last_failed_at = 0, None
        if row.failures == 0:
            session.delete(row)


def clear_name(session: Session, username: str) -> None:
    """Forget the failures of ``username`` (an admin reset its password or reactivated it)."""
    session.execute(delete(SignInFailure).where(SignInFailure.kind == NAME,
                                                SignInFailure.key == username.strip()[:KEY_LENGTH]))
