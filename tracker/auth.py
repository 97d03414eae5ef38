"""Accounts: argon2 password hashes, sign-in with a growing delay after failures (per user name
and per client address: tracker.throttle), roles.

A signed-in person is represented by an immutable :class:`CurrentUser`, issued by this module
only (signed with a key of this process): every service re-reads the account behind it before
acting (tracker.access), so a made-up user, a deactivated account or a demoted admin gets nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from metrics.i18n import _
from tracker import audit, lengths, throttle
from tracker.db import RUN_MEMO, session_scope
from tracker.models import ROLES, Enterprise, User, UserEnterprise

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class CurrentUser:
    """Who is signed in: their role and the enterprises they may see. Made by this module only
    (sign-in, single sign-on, :func:`current`, :func:`system_user`): ``proof`` says so, and one
    made up by hand has none that holds."""

    id: int
    username: str
    role: str
    enterprise_ids: tuple[int, ...] = ()
    #: the locale stored on the account ('' when none was chosen: the browser's is used)
    language: str = field(default="", compare=False)
    proof: str = field(default="", repr=False, compare=False)


#: the key that signs the users this process issues (a session lives in one process)
_KEY = secrets.token_bytes(32)


def _proof(user_id: int, username: str, role: str) -> str:
    return hmac.new(_KEY, f"{user_id}\x00{username}\x00{role}".encode(), hashlib.sha256).hexdigest()


def _signed(user_id: int, username: str, role: str, enterprise_ids=(), language: str = "") -> CurrentUser:
    return CurrentUser(id=user_id, username=username, role=role, enterprise_ids=tuple(enterprise_ids),
                       language=language, proof=_proof(user_id, username, role))


def issued(user) -> bool:
    """True when ``user`` is a :class:`CurrentUser` this process issued (not one made up)."""
    return (isinstance(user, CurrentUser) and isinstance(user.proof, str)
            and hmac.compare_digest(user.proof, _proof(user.id, user.username, user.role)))


def system_user(name: str, role: str = "admin") -> CurrentUser:
    """The identity of a program acting on its own (the command line, the demo loader, tests), with
    no account behind it (id 0): whoever runs them can read the database file anyway."""
    return _signed(0, name, role)


@contextmanager
def one_run() -> Iterator[None]:
    """One run of a page (app.py wraps each): within it, :func:`current` with ``reuse=True`` (the services
    that only read) answers from the account as it was read earlier in the same run, instead of reading it
    again for each service the page calls. The run starts with a read (app.py's ``refresh_user``), so a
    change an admin makes applies from the next run, as before; writes read the account afresh, and
    after any write (tracker.db empties the run's memory) the next read does too."""
    token = RUN_MEMO.set({})
    try:
        yield
    finally:
        RUN_MEMO.reset(token)


def current(engine: Engine, user, *, reuse: bool = False) -> CurrentUser | None:
    """The account behind ``user`` as it is now (role and enterprises re-read from the database);
    None when ``user`` was not issued here, or its account is gone or deactivated.

    ``reuse``: within :func:`one_run`, the account as read earlier in the same run (for services
    that only read); otherwise, and always for writes, it is read again."""
    if not issued(user):
        return None
    if user.id == 0:  # a system_user: no account to re-read
        return user
    run, key = RUN_MEMO.get(), ("account", str(engine.url), user.id, user.username)
    if reuse and run is not None and key in run:
        return run[key]
    with session_scope(engine, readonly=True) as session:
        row = session.get(User, user.id)
        fresh = None if row is None or not row.active or row.username != user.username else issue(session, row)
    if run is not None:
        run[key] = fresh
    return fresh


class SignInError(ValueError):
    """Wrong user name or password (deliberately not saying which)."""


class SignInThrottled(SignInError):
    """Too many failed attempts: the user must wait ``wait_seconds``."""

    def __init__(self, wait_seconds: int):
        super().__init__(_("Too many failed sign-in attempts. Try again in {seconds} s.").format(seconds=wait_seconds))
        self.wait_seconds = wait_seconds


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password(password) -> None:
    """Raise ValueError saying why ``password`` cannot be an account's password (the rules every
    account follows); callers check before they store anything."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(_("The password must have at least {n} characters.").format(n=MIN_PASSWORD_LENGTH))


def random_password() -> str:
    """A random password suitable for printing once."""
    return secrets.token_urlsafe(12)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def issue(session: Session, user: User) -> CurrentUser:
    """The signed-in user for the account ``user`` (its role and enterprises as stored)."""
    ids = session.scalars(
        select(UserEnterprise.enterprise_id).where(UserEnterprise.user_id == user.id)
        .order_by(UserEnterprise.enterprise_id)
    ).all()
    return _signed(user.id, user.username, user.role, ids, user.language or "")


def authenticate(engine: Engine, username: str, password: str, *, address: str | None = None,
                 now: dt.datetime | None = None) -> CurrentUser:
    """Check a user name and password; raise SignInError or SignInThrottled when refused.

    ``address`` is the client's address as the app sees it (None: this machine). Failures are
    counted per user name and per address (tracker.throttle), in the database."""
    now = now or _utcnow()
    name = username.strip()
    with session_scope(engine) as session:
        counters = throttle.hold(session, throttle.keys(name, address))
        wait = throttle.wait_seconds(counters, now)
        if wait > 0:
            raise SignInThrottled(wait)
        user = session.scalars(select(User).where(User.username == name)).one_or_none()
        if user is None or not user.active:
            verify_password(_DUMMY_HASH, password)  # same time whether or not the user exists
            ok = False
        else:
            ok = verify_password(user.password_hash, password)
        if not ok:
            throttle.failed(session, counters, now)  # the same counters whether or not it exists
            if user is not None:
                user.failed_attempts += 1
                user.last_failed_at = now
            # a name without an account is not written down: it may be a password typed in the wrong box
            known = user is not None and user.active
            audit.record(session, user.username if known else "(no such account)", "login-failed", "users",
                         user.id if known else "", None, {"address": _address_of(counters)})
        else:
            throttle.succeeded(session, counters)
            user.failed_attempts = 0
            user.last_failed_at = None
            audit.record(session, user.username, "login", "users", user.id)
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            current = issue(session, user)
    if not ok:
        raise SignInError(_("Unknown user name or wrong password."))
    return current


def _address_of(counters) -> str:
    """The client address an attempt was counted under (as the audit log records it)."""
    return next(key for kind, key in counters if kind == throttle.ADDRESS)[:100]


def record_sign_out(engine: Engine, user: CurrentUser, reason: str = "") -> None:
    """Write a sign-out to the audit log: 'logout', or 'logout-expired' after the inactivity limit."""
    with session_scope(engine) as session:
        audit.record(session, user.username, f"logout-{reason}" if reason else "logout", "users", user.id)


def has_users(engine: Engine) -> bool:
    """True once at least one account exists."""
    with session_scope(engine, readonly=True) as session:
        return session.scalars(select(User.id).limit(1)).first() is not None


def upsert_user(session: Session, username: str, password: str, role: str,
                enterprise_ids: list[int] | tuple[int, ...] = (), *, actor: str = "system") -> User:
    """Create the account, or reset its password, role and enterprises when it exists."""
    username = lengths.fit(User.username, username, _("The user name"))
    if not username:
        raise ValueError(_("A user name is required."))
    if role not in ROLES:
        raise ValueError(_("Unknown role {role}; expected one of {known}.").format(role=repr(role),
                                                                                  known=", ".join(ROLES)))
    check_password(password)
    if role == "manager" and not enterprise_ids:
        raise ValueError(_("A manager account needs the enterprise they manage."))
    known = set(session.scalars(select(Enterprise.id).where(Enterprise.id.in_(list(enterprise_ids)))).all())
    missing = [e for e in enterprise_ids if e not in known]
    if missing:
        raise ValueError(_("Unknown enterprise id(s): {ids}").format(ids=missing))
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    before = None
    if user is None:
        user = User(username=username, password_hash=hash_password(password), role=role, active=True,
                    failed_attempts=0)
        session.add(user)
        session.flush()
    else:
        before = {"role": user.role}
        user.password_hash = hash_password(password)
        user.role = role
        user.failed_attempts = 0
        user.active = True
        throttle.clear_name(session, username)
    session.execute(delete(UserEnterprise).where(UserEnterprise.user_id == user.id))
    for eid in dict.fromkeys(enterprise_ids):
        session.add(UserEnterprise(user_id=user.id, enterprise_id=eid))
    audit.record(session, actor, "insert" if before is None else "update", "users", user.id, before,
                 {"username": username, "role": role, "enterprises": list(enterprise_ids)})
    return user


_DUMMY_HASH = hash_password("not a real password")
