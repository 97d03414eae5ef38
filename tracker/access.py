"""Who may do what, checked by every service whatever page or command calls it.

A manager reads and changes their own enterprise only, a trainer the enterprises assigned to
them, an officer reads aggregates and the list of participants, an admin everything.
"""
from __future__ import annotations

from tracker.auth import CurrentUser
from tracker.errors import AccessDenied

#: the roles that enter and change an enterprise's figures, modules and actions
EDITORS = ("admin", "trainer", "manager")
#: the roles that read the programme's aggregates
OFFICERS = ("admin", "officer")


def require_role(user: CurrentUser | None, *roles: str) -> None:
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


def require_enterprise(user: CurrentUser | None, enterprise_id: int) -> None:
    """Raise AccessDenied unless the user may read and change that enterprise's figures (an
    editor's role, and the enterprise among theirs)."""
    require_role(user, *EDITORS)
    if not can_read_enterprise(user, enterprise_id):
        raise AccessDenied("You do not have access to this enterprise.")
