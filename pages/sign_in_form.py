"""Sign in with a user name and password."""
import streamlit as st

from metrics import i18n
from metrics.i18n import _
from tracker import accounts, auth
from ui import shared, sso


def _picked() -> None:
    st.session_state["locale"] = st.session_state["sign_in_language"]
    st.session_state["locale_picked"] = True


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    here = shared.language()
    st.title(_("SCORE4Climate tracker"))
    st.caption(_("Resource-efficiency results of SMEs trained under the ILO SCORE programme."))
    if opened := st.session_state.pop("visit_opened", None):  # the first-run page opened a visit package
        st.success(shared.plain(opened))
    if st.session_state.get("signed_out_reason") == "expired":
        st.info(_("You were signed out after {minutes} minutes without activity. Sign in again to continue.").format(
            minutes=f"{accounts.session_timeout_minutes():g}"))
    if sso.configured():
        unmapped = st.session_state.get("sso_unmapped")
        if unmapped:
            st.error(_("No account uses the e-mail {email}. Ask an administrator to add it to your account (Users "
                       "page), or sign in with your user name and password below.").format(
                email=shared.plain(unmapped)))
            if st.button(_("Leave single sign-on"), key="sso_logout"):
                st.logout()
        elif st.button(_("Sign in with single sign-on"), key="sso_login", type="primary"):
            st.login()
        st.caption(_("Or with your user name and password:"))
    with st.form("sign_in_form"):
        username = st.text_input(_("User name"), key="sign_in_username")
        password = st.text_input(_("Password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(_("Sign in"))
    if submitted:
        try:
            # failures are counted per name and per client address (None: this machine)
            user = auth.authenticate(shared.engine(), username, password, address=st.context.ip_address)
            if st.session_state.get("locale_picked"):  # chosen here: kept on the account
                user = accounts.set_language(shared.engine(), user, here)
            st.session_state["user"] = user
        except auth.SignInThrottled as exc:
            st.error(shared.plain(exc))
        except auth.SignInError as exc:
            st.error(_("{error} Check both and try again.").format(error=shared.plain(exc)))
        else:
            st.rerun()
    # under the form: the browser's language is already the page's, and the user name is the page's first box
    # (a password manager or a script that fills the first text box fills the user name, not the language's)
    options = i18n.offered(st.context.locale)
    if here not in options:
        options.append(here)
    st.selectbox(i18n._("Language"), options, index=options.index(here), format_func=i18n.display_name,
                 key="sign_in_language", on_change=_picked)


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
