"""What every page shares: the cached engine, the signed-in user, the enterprise picker.

Pages read inputs, call one tracker service, and draw the result; they never build SQL or
convert units themselves.
"""
from __future__ import annotations

import streamlit as st

from tracker import enterprises
from tracker.auth import CurrentUser
from tracker.config import database_url
from tracker.db import open_database


@st.cache_resource(show_spinner="Opening the database")
def _engine(url: str):
    return open_database(url, wait_seconds=5.0)


def engine():
    """The one engine of this process, for the database SCORE_DB_URL names."""
    return _engine(database_url())


def init_state() -> None:
    """All session state is initialised here, once."""
    st.session_state.setdefault("user", None)
    st.session_state.setdefault("enterprise_id", None)


def sign_out(reason: str = "") -> None:
    """End the session (and a single sign-on session); ``reason`` ('expired') is shown at sign-in."""
    from ui import sso

    st.session_state.clear()
    init_state()
    if reason:
        st.session_state["signed_out_reason"] = reason
    sso.log_out()


def current_user() -> CurrentUser:
    """The signed-in user; stops the page when nobody is signed in."""
    user = st.session_state.get("user")
    if user is None:
        st.warning("Please sign in.")
        st.stop()
    return user


def pick_enterprise(user: CurrentUser) -> int | None:
    """The enterprise the page is about: a sidebar choice for trainers and admins."""
    ents = enterprises.list_enterprises(engine(), user)
    if ents.empty:
        st.info("No enterprise is assigned to you yet. An administrator can assign one.")
        return None
    ids = ents["id"].tolist()
    names = dict(zip(ents["id"], ents["name"], strict=True))
    if len(ids) == 1:
        st.session_state["enterprise_id"] = ids[0]
        return ids[0]
    current = st.session_state.get("enterprise_id")
    index = ids.index(current) if current in ids else 0
    chosen = st.sidebar.selectbox("Enterprise", ids, index=index, format_func=lambda i: names[i],
                                  key="enterprise_picker")
    st.session_state["enterprise_id"] = chosen
    return chosen


_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~:$")


def plain(text) -> str:
    """``text`` with every Markdown-special character backslash-escaped, so Streamlit shows it literally.

    For anything a user typed (names, sector, partner, cohort, descriptions, user names, filter
    values, messages quoting them) that goes into an element rendering Markdown (st.title,
    st.caption, st.markdown, st.write, st.info, ...): a name like ``[x](https://evil) ![i](http://h/p.png)``
    then reads as typed instead of becoming a live link and a remote image. Escaped are
    ``\\ ` * _ { } [ ] ( ) # + - . ! | < > ~ : $`` (':' for Streamlit's ``:color[...]`` directives,
    emoji and icon shortcodes, '$' for LaTeX). ``None`` gives ''.
    """
    if text is None:
        return ""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text))


def pct(value, digits: int = 1, signed: bool = True) -> str:
    """A fraction as a percentage string ('-27.0%'); '–' for missing."""
    if value is None or value != value:
        return "–"
    return f"{value * 100:+.{digits}f}%" if signed else f"{value * 100:.{digits}f}%"


def enterprise_page() -> tuple[CurrentUser, int]:
    """The signed-in user and the enterprise the page is about; stops the page when there is none."""
    user = current_user()
    enterprise_id = pick_enterprise(user)
    if enterprise_id is None:
        st.stop()
    return user, enterprise_id


def start_afresh(flag: str, keys: list[str]) -> None:
    """Clear the widgets ``keys`` at the top of a run when ``flag`` was raised by the last one
    (a form that saved starts empty; one that was refused keeps what was typed)."""
    if st.session_state.pop(flag, False):
        for key in keys:
            st.session_state.pop(key, None)
