"""Accounts: argon2 password hashes, sign-in with a growing delay after failures, roles.

A signed-in person is represented by an immutable :class:`CurrentUser`; every service takes
one and checks it (tracker.access).
"""
from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tracker import audit
from tracker.db import session_scope
from tracker.models import ROLES, Enterprise, User, UserEnterprise

_hasher = PasswordHasher()

#: failed attempts allowed before each further attempt must wait (seconds doubling from 1)
FREE_ATTEMPTS = 5
MAX_DELAY_SECONDS = 15 * 60
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class CurrentUser:
    """Who is signed in: their role and the enterprises they may see."""

    id: int
    username: str
    role: str
    enterprise_ids: tuple[int, ...] = ()


def system_user(name: str, role: str = "admin") -> CurrentUser:
    """The identity of a program acting on its own (the command line, the demo loader), with no
    account behind it: whoever runs them can read the database file anyway."""
    return CurrentUser(id=0, username=name, role=role)


class SignInError(ValueError):
    """Wrong user name or password (deliberately not saying which)."""


class SignInThrottled(SignInError):
    """Too many failed attempts: the user must wait ``wait_seconds``."""

    def __init__(self, wait_seconds: int):
        super().__init__(f"Too many failed sign-in attempts. Try again in {wait_seconds} s.")
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


def random_password() -> str:
    """A random password suitable for printing once."""
    return secrets.token_urlsafe(12)


def required_delay(failed_attempts: int) -> int:
    """Seconds a user must wait after ``failed_attempts`` consecutive failures."""
    if failed_attempts < FREE_ATTEMPTS:
        return 0
    return min(2 ** (failed_attempts - FREE_ATTEMPTS), MAX_DELAY_SECONDS)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _current(session: Session, user: User) -> CurrentUser:
    ids = session.scalars(
        select(UserEnterprise.enterprise_id).where(UserEnterprise.user_id == user.id)
        .order_by(UserEnterprise.enterprise_id)
    ).all()
    return CurrentUser(id=user.id, username=user.username, role=user.role, enterprise_ids=tuple(ids))


def authenticate(engine: Engine, username: str, password: str, *, now: dt.datetime | None = None) -> CurrentUser:
    """Check a user name and password; raise SignInError or SignInThrottled when refused."""
    now = now or _utcnow()
    with session_scope(engine) as session:
        user = session.scalars(select(User).where(User.username == username.strip())).one_or_none()
        if user is None or not user.active:
            verify_password(_DUMMY_HASH, password)  # same time whether or not the user exists
            _refuse_unknown(username.strip(), now)  # and the same growing delay
        wait = required_delay(user.failed_attempts)
        if wait and user.last_failed_at is not None:
            remaining = int((user.last_failed_at + dt.timedelta(seconds=wait) - now).total_seconds()) + 1
            if remaining > 0:
                raise SignInThrottled(remaining)
        if not verify_password(user.password_hash, password):
            user.failed_attempts += 1
            user.last_failed_at = now
            audit.record(session, username, "login-failed", "users", user.id)
            failed = True
        else:
            failed = False
            user.failed_attempts = 0
            user.last_failed_at = None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            current = _current(session, user)
    if failed:
        raise SignInError("Unknown user name or wrong password.")
    return current


#: failures per user name that has no active account, so that a name that does not exist is
#: throttled like one that does ("Too many failed attempts" must not tell which names exist);
#: kept in this process, at most _UNKNOWN_MAX names (the oldest are dropped)
_unknown_failures: dict[str, tuple[int, dt.datetime]] = {}
_UNKNOWN_MAX = 10_000
_unknown_lock = threading.Lock()


def _refuse_unknown(username: str, now: dt.datetime) -> None:
    """Raise SignInThrottled or SignInError for a user name without an active account."""
    with _unknown_lock:
        failed, last = _unknown_failures.pop(username, (0, now))
        wait = required_delay(failed)
        remaining = int((last + dt.timedelta(seconds=wait) - now).total_seconds()) + 1 if wait else 0
        if remaining > 0:
            _unknown_failures[username] = (failed, last)
            raise SignInThrottled(remaining)
        _unknown_failures[username] = (failed + 1, now)
        while len(_unknown_failures) > _UNKNOWN_MAX:
            _unknown_failures.pop(next(iter(_unknown_failures)))
    raise SignInError("Unknown user name or wrong password.")


def has_users(engine: Engine) -> bool:
    """True once at least one account exists."""
    with session_scope(engine, readonly=True) as session:
        return session.scalars(select(User.id).limit(1)).first() is not None


def upsert_user(session: Session, username: str, password: str, role: str,
                enterprise_ids: list[int] | tuple[int, ...] = (), *, actor: str = "system") -> User:
    """Create the account, or reset its password, role and enterprises when it exists."""
    username = username.strip()
    if not username:
        raise ValueError("A user name is required.")
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; expected one of {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if role == "manager" and not enterprise_ids:
        raise ValueError("A manager account needs the enterprise they manage.")
    known = set(session.scalars(select(Enterprise.id).where(Enterprise.id.in_(list(enterprise_ids)))).all())
    missing = [e for e in enterprise_ids if e not in known]
    if missing:
        raise ValueError(f"Unknown enterprise id(s): {missing}")
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
    session.execute(delete(UserEnterprise).where(UserEnterprise.user_id == user.id))
    for eid in dict.fromkeys(enterprise_ids):
        session.add(UserEnterprise(user_id=user.id, enterprise_id=eid))
    audit.record(session, actor, "insert" if before is None else "update", "users", user.id, before,
                 {"username": username, "role": role, "enterprises": list(enterprise_ids)})
    return user


_DUMMY_HASH = hash_password("not a real password")
