"""Admin: the audit log (who changed what, when), filtered."""

import streamlit as st

from metrics import audit_words
from metrics.i18n import _, ngettext
from tracker import accounts, errors
from ui import shared


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    engine = shared.engine()
    try:
        choices = accounts.audit_choices(engine, user)
    except errors.AccessDenied as exc:
        st.error(_("{error} Only administrators read the audit log.").format(error=shared.plain(exc)))
        st.stop()

    st.title(_("Audit log"))
    st.caption(_("Every change and sign-in with who, when (UTC), and the values before and after. Newest first."))
    with st.form("audit_filters"):
        c1, c2, c3 = st.columns(3)
        username = c1.selectbox(_("User"), ["", *choices["username"]], key="audit_user",
                                format_func=lambda v: v or _("any"))
        action = c2.selectbox(_("Action"), ["", *choices["action"]], key="audit_action",
                              format_func=lambda v: audit_words.action_label(v) or _("any"))
        table = c3.selectbox(_("Table"), ["", *choices["table_name"]], key="audit_table",
                             format_func=lambda v: audit_words.table_label(v) or _("any"))
        d1, d2, d3 = st.columns(3)
        since = d1.date_input(_("From"), format=shared.date_format(), value=None, key="audit_since")
        until = d2.date_input(_("Until"), format=shared.date_format(), value=None, key="audit_until")
        text = d3.text_input(_("Containing"), key="audit_text", placeholder=_("a value, a name, an id"))
        limit = st.number_input(_("Show at most"), 10, 100_000, 500, step=100, key="audit_limit")
        st.form_submit_button(_("Apply filters"))

    filters = accounts.AuditFilters(username=username, action=action, table=table, since=since, until=until, text=text)
    if since and until and until < since:
        st.error(_("'Until' is before 'From'. Pick an end date after the start date."))
        st.stop()
    log = accounts.audit_log(engine, user, filters, limit=int(limit))
    n = f"{len(log):,}"
    st.caption(ngettext("{n} entries shown (the limit; narrow the filters to see older ones)",
                        "{n} entries shown (the limit; narrow the filters to see older ones)", len(log)).format(n=n)
               if len(log) == limit else ngettext("{n} entry shown", "{n} entries shown", len(log)).format(n=n))
    # before and after as stored (JSON), read in words
    shown = log.assign(**{c: log[c].map(audit_words.record_words) for c in ("before", "after") if c in log.columns})
    shown["table_name"] = shown["table_name"].map(audit_words.table_label)
    shown["action"] = shown["action"].map(audit_words.action_label)
    shared.dataframe(shown, hide_index=True, key="audit_table_view", width="stretch",
                 column_config={"at": st.column_config.DatetimeColumn(_("when (UTC)"), format="YYYY-MM-DD HH:mm:ss"),
                                "username": _("username"), "action": _("action"), "table_name": _("table"),
                                "record_id": _("record"), "before": _("before"), "after": _("after")})


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
