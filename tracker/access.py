"""Who may do what, checked by every service whatever page or command calls it.

A manager reads and changes their own enterprise only, a trainer the enterprises assigned to
them, an officer reads aggregates and the list of participants, an admin everything. Every check
first re-reads the account behind the user it is given (``auth.current``): a user made up by
hand, a deactivated account or a demoted admin is refused, and the role and enterprises that
count are the database's, not the object's. Within one run of a page (``auth.one_run``, which app.py
opens after re-reading the account), the services that only read pass ``reuse=True`` and take the account
as read earlier in that run; writes always read it again.
"""
from __future__ import annotations

from sqlalchemy.engine import Engine

from metrics.i18n import _
from metrics.labels import role_label
from tracker import auth
from tracker.auth import CurrentUser
from tracker.errors import AccessDenied

#: the roles that enter and change an enterprise's figures, modules and actions
EDITORS = ("admin", "trainer", "manager")
#: the roles that read the programme's aggregates
OFFICERS = ("admin", "officer")


def verified(engine: Engine, user: CurrentUser | None, *, reuse: bool = False) -> CurrentUser:
    """The account behind ``user`` as it is now; AccessDenied when there is none (not signed in
    here, made up, deactivated). ``reuse``: a service that only reads may take the account as read
    earlier in the same run of a page (``auth.one_run``); writes never do."""
    fresh = auth.current(engine, user, reuse=reuse) if user is not None else None
    if fresh is None:
        raise AccessDenied(_("Please sign in: this session has no active account."))
    return fresh


def require_role(engine: Engine, user: CurrentUser | None, *roles: str, reuse: bool = False) -> CurrentUser:
    """The account behind ``user`` as it is now, or AccessDenied unless it has one of ``roles``
    (``reuse``: see :func:`verified`)."""
    fresh = verified(engine, user, reuse=reuse)
    if fresh.role not in roles:
        raise AccessDenied(_("This needs the role {roles}.").format(roles=_either(roles)))
    return fresh


def _either(roles) -> str:
    """'admin or officer', in the run's language."""
    words = [role_label(r) for r in roles]
    text = words[0] if words else ""
    for word in words[1:]:
        text = _("{first} or {second}").format(first=text, second=word)
    return text


def can_read_enterprise(user: CurrentUser, enterprise_id: int) -> bool:
    """Admins read every enterprise; managers and trainers the ones assigned to them."""
    if user.role == "admin":
        return True
    if user.role in ("manager", "trainer"):
        return enterprise_id in user.enterprise_ids
    return False


def check_enterprise(user: CurrentUser, enterprise_id: int) -> None:
    """AccessDenied unless ``user`` (already verified) may read and change that enterprise."""
    if not can_read_enterprise(user, enterprise_id):
        raise AccessDenied(_("You do not have access to this enterprise."))


def require_enterprise(engine: Engine, user: CurrentUser | None, enterprise_id: int, *,
                       reuse: bool = False) -> CurrentUser:
    """The account behind ``user`` as it is now, or AccessDenied unless it may read and change
    that enterprise's figures (an editor's role, and the enterprise among theirs); ``reuse``: see
    :func:`verified` (services that only read)."""
    fresh = require_role(engine, user, *EDITORS, reuse=reuse)
    check_enterprise(fresh, enterprise_id)
    return fresh
