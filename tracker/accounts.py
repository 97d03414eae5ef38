"""Accounts: administration of users, one's own password, the audit log, the session limit,
and the mapping of a single sign-on identity to an account.

Every service takes the signed-in :class:`~tracker.auth.CurrentUser` and checks its role here,
whatever page calls it: only an admin manages users and assignments and reads the audit log;
everyone may change their own password.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import delete, func, or_, select
from sqlalchemy.engine import Engine

from metrics.i18n import _
from tracker import audit, auth, lengths, throttle
from tracker.access import require_role, verified
from tracker.auth import MIN_PASSWORD_LENGTH, CurrentUser
from tracker.db import name_taken, session_scope
from tracker.errors import AccessDenied
from tracker.models import ROLES, AuditEntry, Enterprise, User, UserEnterprise

# --- the session limit ----------------------------------------------------------------------

DEFAULT_SESSION_TIMEOUT_MINUTES = 30


def session_timeout_minutes() -> float:
    """Minutes of inactivity after which a session signs out (SCORE_SESSION_TIMEOUT_MINUTES, default 30)."""
    raw = os.environ.get("SCORE_SESSION_TIMEOUT_MINUTES", "").strip()
    try:
        minutes = float(raw) if raw else DEFAULT_SESSION_TIMEOUT_MINUTES
    except ValueError:
        minutes = DEFAULT_SESSION_TIMEOUT_MINUTES
    return minutes if minutes > 0 else DEFAULT_SESSION_TIMEOUT_MINUTES


def session_expired(last_activity: float | None, now: float, timeout_minutes: float) -> bool:
    """True when more than ``timeout_minutes`` passed between ``last_activity`` and ``now`` (seconds)."""
    return last_activity is not None and now - last_activity > timeout_minutes * 60


# --- the signed-in user, kept current -------------------------------------------------------

def refresh_user(engine: Engine, user: CurrentUser) -> CurrentUser | None:
    """The account as it is now (role and enterprises may have changed); None once deactivated,
    or when ``user`` was not issued by tracker.auth (a session written by hand)."""
    return auth.current(engine, user)


# --- single sign-on -------------------------------------------------------------------------

def identity_email(claims: dict) -> str | None:
    """The e-mail address an OIDC identity proves, lower-cased; None when absent or unverified."""
    email = str(claims.get("email") or "").strip().lower()
    if not email or "@" not in email or claims.get("email_verified") is False:
        return None
    return email


def user_for_identity(engine: Engine, claims: dict) -> CurrentUser | None:
    """The active account whose e-mail matches the OIDC identity (``st.user``'s claims), or None.

    Only an account an admin has given that e-mail is matched: signing in through the identity
    provider never creates an account or a role by itself.
    """
    email = identity_email(claims)
    if email is None:
        return None
    with session_scope(engine) as session:
        row = session.scalars(select(User).where(func.lower(User.email) == email)).one_or_none()
        if row is None or not row.active:
            audit.record(session, email[:100], "login-sso-refused", "users", "")
            return None
        audit.record(session, row.username, "login-sso", "users", row.id)
        return auth.issue(session, row)


# --- one's own password ---------------------------------------------------------------------

def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(_("The password must have at least {n} characters.").format(n=MIN_PASSWORD_LENGTH))


def change_own_password(engine: Engine, user: CurrentUser, current: str, new: str) -> None:
    """Change the signed-in user's password after checking the current one."""
    user = verified(engine, user)
    _check_password(new)
    with session_scope(engine) as session:
        row = session.get(User, user.id)
        if row is None or not row.active:
            raise AccessDenied(_("This account is no longer active."))
        if not auth.verify_password(row.password_hash, current):
            raise ValueError(_("The current password is wrong."))
        if current == new:
            raise ValueError(_("The new password is the same as the current one."))
        row.password_hash = auth.hash_password(new)
        audit.record(session, user.username, "password", "users", row.id)


def set_language(engine: Engine, user: CurrentUser, locale: str) -> CurrentUser:
    """Store the locale the signed-in person reads and types in (one of
    :func:`metrics.i18n.offered`'s, or a regional form of a supported language); returns the user
    as now stored."""
    from metrics import i18n

    user = verified(engine, user)
    tag = i18n.supported(locale)
    if tag is None:
        raise ValueError(i18n._("{locale} is not a language this tracker offers.").format(locale=repr(locale)))
    with session_scope(engine) as session:
        row = session.get(User, user.id)
        if row is None or not row.active:
            raise AccessDenied(_("This account is no longer active."))
        if row.language != tag:
            audit.record(session, user.username, "language", "users", row.id, before=row.language, after=tag)
            row.language = tag
        return auth.issue(session, row)


# --- users (admin) --------------------------------------------------------------------------

USER_COLUMNS = ["id", "username", "role", "active", "email", "enterprises", "enterprise_ids", "failed_attempts",
                "created_at"]


def list_users(engine: Engine, user: CurrentUser) -> pd.DataFrame:
    """Every account with its role, state and enterprises (names and ids)."""
    user = require_role(engine, user, "admin")
    with session_scope(engine, readonly=True) as session:
        users = session.execute(select(User.id, User.username, User.role, User.active, User.email,
                                       User.failed_attempts, User.created_at).order_by(User.username)).all()
        links = session.execute(select(UserEnterprise.user_id, Enterprise.id, Enterprise.name)
                                .join(Enterprise, Enterprise.id == UserEnterprise.enterprise_id)
                                .order_by(Enterprise.name)).all()
    names: dict[int, list[str]] = {}
    ids: dict[int, list[int]] = {}
    for uid, eid, name in links:
        names.setdefault(uid, []).append(name)
        ids.setdefault(uid, []).append(eid)
    df = pd.DataFrame(users, columns=["id", "username", "role", "active", "email", "failed_attempts", "created_at"])
    df["enterprises"] = [", ".join(names.get(i, [])) for i in df["id"]]
    df["enterprise_ids"] = [ids.get(i, []) for i in df["id"]]
    df["email"] = df["email"].fillna("")
    return df[USER_COLUMNS]


def _validate_account(role: str, enterprise_ids, email: str | None) -> str | None:
    if role not in ROLES:
        raise ValueError(_("Unknown role {role}; expected one of {known}.").format(role=repr(role),
                                                                                  known=", ".join(ROLES)))
    if role == "manager" and not enterprise_ids:
        raise ValueError(_("A manager account needs the enterprise they manage."))
    email = lengths.fit(User.email, email, _("The e-mail address")).lower() or None
    if email is not None and ("@" not in email or " " in email):
        raise ValueError(_("{email} is not an e-mail address.").format(email=repr(email)))
    return email


def _set_enterprises(session, user_id: int, enterprise_ids) -> list[int]:
    wanted = list(dict.fromkeys(int(e) for e in enterprise_ids))
    known = set(session.scalars(select(Enterprise.id).where(Enterprise.id.in_(wanted))).all()) if wanted else set()
    missing = [e for e in wanted if e not in known]
    if missing:
        raise ValueError(_("Unknown enterprise id(s): {ids}").format(ids=missing))
    session.execute(delete(UserEnterprise).where(UserEnterprise.user_id == user_id))
    for eid in wanted:
        session.add(UserEnterprise(user_id=user_id, enterprise_id=eid))
    return wanted


def _email_taken(session, email: str | None, user_id: int | None) -> None:
    if email is None:
        return
    other = session.scalars(select(User.id).where(func.lower(User.email) == email)).first()
    if other is not None and other != user_id:
        raise ValueError(_("Another account already uses {email}.").format(email=email))


def create_user(engine: Engine, user: CurrentUser, username: str, role: str, enterprise_ids=(), *,
                password: str | None = None, email: str | None = None) -> str:
    """Create an account; returns its password (a random one when none is given, to pass on once)."""
    user = require_role(engine, user, "admin")
    username = lengths.fit(User.username, username, _("The user name"))
    if not username:
        raise ValueError(_("A user name is required."))
    email = _validate_account(role, enterprise_ids, email)
    password = password or auth.random_password()
    _check_password(password)
    with session_scope(engine) as session:
        if session.scalars(select(User.id).where(User.username == username)).first() is not None:
            raise ValueError(_("The user name {name} is taken. Choose another.").format(name=repr(username)))
        _email_taken(session, email, None)
        row = User(username=username, password_hash=auth.hash_password(password), role=role, active=True,
                   failed_attempts=0, email=email)
        session.add(row)
        with name_taken(_("The user name {name} is taken. Choose another.").format(name=repr(username)),
                        email=_("Another account already uses {email}.").format(email=email)):
            session.flush()
        ids = _set_enterprises(session, row.id, enterprise_ids)
        audit.record(session, user.username, "insert", "users", row.id, None,
                     {"username": username, "role": role, "email": email, "enterprises": ids})
    return password


def _target(session, user_id: int) -> User:
    row = session.get(User, int(user_id))
    if row is None:
        raise LookupError(_("No account with id {id}.").format(id=user_id))
    return row


def update_user(engine: Engine, user: CurrentUser, user_id: int, *, role: str, enterprise_ids=(),
                email: str | None = None) -> None:
    """Change an account's role, enterprises and single sign-on e-mail."""
    user = require_role(engine, user, "admin")
    email = _validate_account(role, enterprise_ids, email)
    if int(user_id) == user.id and role != "admin":
        raise ValueError(_("You cannot take the admin role from yourself; ask another admin."))
    with session_scope(engine) as session:
        row = _target(session, user_id)
        _email_taken(session, email, row.id)
        before_ids = session.scalars(select(UserEnterprise.enterprise_id)
                                     .where(UserEnterprise.user_id == row.id)).all()
        before = {"role": row.role, "email": row.email, "enterprises": sorted(before_ids)}
        row.role = role
        row.email = email
        with name_taken(_("Another account already uses {email}.").format(email=email)):
            session.flush()
        ids = _set_enterprises(session, row.id, enterprise_ids)
        after = {"role": role, "email": email, "enterprises": sorted(ids)}
        if before != after:
            audit.record(session, user.username, "update", "users", row.id, before, after)


def assign_enterprises(engine: Engine, user: CurrentUser, user_id: int, enterprise_ids) -> None:
    """Set the enterprises a trainer supports or a manager runs."""
    user = require_role(engine, user, "admin")
    with session_scope(engine) as session:
        row = _target(session, user_id)
        role, email = row.role, row.email
    update_user(engine, user, user_id, role=role, enterprise_ids=enterprise_ids, email=email)


def reset_password(engine: Engine, user: CurrentUser, user_id: int, password: str | None = None) -> str:
    """Give an account a new password (random when none given) and lift any sign-in delay."""
    user = require_role(engine, user, "admin")
    password = password or auth.random_password()
    _check_password(password)
    with session_scope(engine) as session:
        row = _target(session, user_id)
        row.password_hash = auth.hash_password(password)
        row.failed_attempts = 0
        row.last_failed_at = None
        throttle.clear_name(session, row.username)
        audit.record(session, user.username, "password-reset", "users", row.id)
    return password


def set_active(engine: Engine, user: CurrentUser, user_id: int, active: bool) -> None:
    """Deactivate an account (it can no longer sign in; its sessions end) or reactivate it."""
    user = require_role(engine, user, "admin")
    if int(user_id) == user.id and not active:
        raise ValueError(_("You cannot deactivate your own account; ask another admin."))
    with session_scope(engine) as session:
        row = _target(session, user_id)
        if row.active != active:
            audit.record(session, user.username, "activate" if active else "deactivate", "users", row.id,
                         {"active": row.active}, {"active": active})
            row.active = active
            row.failed_attempts = 0
            throttle.clear_name(session, row.username)


# --- the audit log (admin) ------------------------------------------------------------------

@dataclass(frozen=True)
class AuditFilters:
    """What the admin is looking for; empty means any."""

    username: str = ""
    action: str = ""
    table: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    text: str = ""


AUDIT_COLUMNS = ["at", "username", "action", "table_name", "record_id", "before", "after"]


def audit_log(engine: Engine, user: CurrentUser, filters: AuditFilters = AuditFilters(), *, limit: int = 500
              ) -> pd.DataFrame:
    """The newest audit entries (at most ``limit``) that match ``filters``; times in UTC."""
    user = require_role(engine, user, "admin")
    stmt = select(*(getattr(AuditEntry, c) for c in AUDIT_COLUMNS))
    if filters.username.strip():
        stmt = stmt.where(AuditEntry.username == filters.username.strip())
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.table:
        stmt = stmt.where(AuditEntry.table_name == filters.table)
    if filters.since:
        stmt = stmt.where(AuditEntry.at >= dt.datetime.combine(filters.since, dt.time()))
    if filters.until:
        stmt = stmt.where(AuditEntry.at < dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time()))
    if filters.text.strip():
        like = f"%{filters.text.strip()}%"
        stmt = stmt.where(or_(AuditEntry.before.like(like), AuditEntry.after.like(like),
                              AuditEntry.record_id.like(like)))
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(int(limit))
    with session_scope(engine, readonly=True) as session:
        rows = session.execute(stmt).all()
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def audit_choices(engine: Engine, user: CurrentUser) -> dict[str, list[str]]:
    """The user names, actions and tables that occur in the audit log (for the page's filters)."""
    user = require_role(engine, user, "admin")
    with session_scope(engine, readonly=True) as session:
        return {col: sorted(session.scalars(select(getattr(AuditEntry, col)).distinct()).all())
                for col in ("username", "action", "table_name")}
