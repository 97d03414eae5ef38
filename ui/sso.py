"""Optional single sign-on through st.login (OIDC), used when secrets.toml has an [auth] section.

The identity provider only proves an e-mail address; :func:`tracker.accounts.user_for_identity`
maps it to an existing account, whose role and enterprises apply as with a password sign-in.
Without [auth], the built-in sign-in form is the only way in.
"""
from __future__ import annotations

import streamlit as st

from metrics.i18n import _
from tracker import accounts


def configured() -> bool:
    """True when .streamlit/secrets.toml configures an OIDC provider ([auth] section)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file, or an unreadable one: no single sign-on
        return False


def logged_in() -> bool:
    """True when the browser holds an identity from the provider."""
    try:
        return bool(st.user.get("is_logged_in", False))
    except Exception:  # noqa: BLE001 - st.user is unavailable (e.g. in AppTest)
        return False


def signed_in_user(engine):
    """The account mapped to the provider's identity; None (with a message) when there is none."""
    if not logged_in() or st.session_state.get("sso_unmapped"):
        return None
    claims = st.user.to_dict()
    user = accounts.user_for_identity(engine, claims)
    if user is None:  # the sign-in page says so and offers to leave the provider's session
        st.session_state["sso_unmapped"] = accounts.identity_email(claims) or _("(no verified e-mail)")
    return user


def log_out() -> None:
    """End the provider's session too, so that signing out (or expiry) really signs out."""
    if configured() and logged_in():
        st.logout()
