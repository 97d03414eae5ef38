"""My account: who I am, and changing my own password."""
import streamlit as st

from metrics import i18n, labels
from metrics.i18n import _
from tracker import accounts, errors
from ui import shared


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    engine = shared.engine()
    st.title(_("My account"))
    st.caption(_("Signed in as {name} with the role {role}.").format(name=shared.plain(user.username),
                                                                     role=labels.role_label(user.role)))
    _language(engine, user)
    with st.form("change_password_form", clear_on_submit=True):
        current = st.text_input(_("Current password"), type="password", key="own_current")
        new = st.text_input(_("New password (at least {n} characters)").format(n=accounts.MIN_PASSWORD_LENGTH),
                            type="password", key="own_new")
        repeat = st.text_input(_("Repeat the new password"), type="password", key="own_repeat")
        submitted = st.form_submit_button(_("Change password"))
    if submitted:
        if new != repeat:
            st.error(_("The two new passwords differ. Type them again."))
        else:
            try:
                accounts.change_own_password(engine, user, current, new)
            except (ValueError, errors.AccessDenied) as exc:
                st.error(_("{error} Your password was not changed.").format(error=shared.plain(exc)))
            else:
                st.success(_("Password changed. Use the new one next time you sign in."))



def _language(engine, user) -> None:
    """The language (and number format) the person reads and types in, stored on the account."""
    options = i18n.offered(st.context.locale)
    here = shared.language()
    if here not in options:
        options.append(here)
    with st.form("language_form"):
        picked = st.selectbox(i18n._("Language and number format"), options, index=options.index(here),
                              format_func=i18n.display_name, key="own_language")
        submitted = st.form_submit_button(i18n._("Save language"))
    if submitted and picked != here:
        try:
            st.session_state["user"] = accounts.set_language(engine, user, picked)
        except (ValueError, errors.AccessDenied) as exc:
            st.error(shared.plain(exc))
        else:
            st.rerun()


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
