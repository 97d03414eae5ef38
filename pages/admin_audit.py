"""Admin: the audit log (who changed what, when), filtered."""

import streamlit as st

from metrics import labels
from tracker import accounts, errors
from ui import shared


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    engine = shared.engine()
    try:
        choices = accounts.audit_choices(engine, user)
    except errors.AccessDenied as exc:
        st.error(f"{shared.plain(exc)} Only administrators read the audit log.")
        st.stop()

    st.title("Audit log")
    st.caption("Every change and sign-in with who, when (UTC), and the values before and after. Newest first.")
    with st.form("audit_filters"):
        c1, c2, c3 = st.columns(3)
        username = c1.selectbox("User", ["", *choices["username"]], key="audit_user", format_func=lambda v: v or "any")
        action = c2.selectbox("Action", ["", *choices["action"]], key="audit_action", format_func=lambda v: v or "any")
        table = c3.selectbox("Table", ["", *choices["table_name"]], key="audit_table",
                             format_func=lambda v: labels.table_label(v) or "any")
        d1, d2, d3 = st.columns(3)
        since = d1.date_input("From", value=None, key="audit_since")
        until = d2.date_input("Until", value=None, key="audit_until")
        text = d3.text_input("Containing", key="audit_text", placeholder="a value, a name, an id")
        limit = st.number_input("Show at most", 10, 100_000, 500, step=100, key="audit_limit")
        st.form_submit_button("Apply filters")

    filters = accounts.AuditFilters(username=username, action=action, table=table, since=since, until=until, text=text)
    if since and until and until < since:
        st.error("'Until' is before 'From'. Pick an end date after the start date.")
        st.stop()
    log = accounts.audit_log(engine, user, filters, limit=int(limit))
    st.caption(f"{len(log):,} entries shown" + (" (the limit; narrow the filters to see older ones)"
                                                   if len(log) == limit else ""))
    # before and after as stored (JSON), read in words
    shown = log.assign(**{c: log[c].map(labels.record_words) for c in ("before", "after") if c in log.columns})
    shown["table_name"] = shown["table_name"].map(labels.table_label)
    st.dataframe(shown, hide_index=True, key="audit_table_view", width="stretch",
                 column_config={"at": st.column_config.DatetimeColumn("when (UTC)", format="YYYY-MM-DD HH:mm:ss"),
                                "table_name": "table", "record_id": "record"})


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
