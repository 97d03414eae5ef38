"""First run: create the first administrator, optionally load the demo data; or, on a trainer's laptop,
open an offline visit package."""
import streamlit as st

from metrics.i18n import _, ngettext
from tracker import auth, demo, visits
from tracker import io as tio
from tracker.db import session_scope
from tracker.visit_package import PackageError
from ui import shared


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    if auth.has_users(shared.engine()):  # only ever for an empty database, whatever the URL asked
        st.error(_("This tracker is already set up. Sign in instead."))
        st.stop()

    st.title(_("Welcome to the SCORE4Climate tracker"))
    st.write(_("The database is empty. Create the first administrator account to start."))
    with st.form("setup_form"):
        username = st.text_input(_("Administrator user name"), value="admin", key="setup_username")
        password = st.text_input(_("Password (at least 8 characters)"), type="password", key="setup_password")
        repeat = st.text_input(_("Repeat the password"), type="password", key="setup_repeat")
        load_demo = st.checkbox(_("Also load the demo data (the case study and synthetic enterprises, with accounts "
                                  "demo-admin, demo-officer, demo-trainer and demo-manager using this password)"),
                                value=True, key="setup_demo")
        submitted = st.form_submit_button(_("Create account"))
    if submitted:
        if password != repeat:
            st.error(_("The two passwords differ. Type them again."))
        else:
            try:
                engine = shared.engine()
                with session_scope(engine) as session:
                    auth.upsert_user(session, username, password, "admin", actor=username.strip())
                if load_demo:
                    bar = st.progress(0.0, text=_("Loading demo data"))
                    demo.load(engine, password, progress=lambda f, t: bar.progress(f, text=t))
                st.session_state["user"] = auth.authenticate(engine, username, password)
            except ValueError as exc:
                st.error(shared.plain(exc))
            else:
                st.rerun()
    _open_visit()


def _open_visit() -> None:
    """A trainer's laptop: the database made from a visit package (then the trainer signs in)."""
    st.subheader(_("Or: a laptop for an offline visit"))
    st.write(_("Upload the visit package your trainer account took out on the server (Offline visit page). Then "
               "sign in with your usual user name and password."))
    package = st.file_uploader(_("Visit package (visit-NAME.zip)"), type=["zip"], key="setup_visit_file")
    if package is None or not st.button(_("Open {file}").format(file=package.name), key="setup_visit_open"):
        return
    try:
        tio.check_upload_size(package.size)
        done = visits.open_visit(shared.engine(), package.getvalue())
    except (PackageError, ValueError) as exc:
        st.error(shared.plain(exc))
    else:
        st.session_state["visit_opened"] = ngettext(
            "The visit of {trainer} is open: {n} enterprise. Sign in with your usual password.",
            "The visit of {trainer} is open: {n} enterprises. Sign in with your usual password.",
            done["enterprises"]).format(trainer=done["trainer"], n=done["enterprises"])
        st.rerun()


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
