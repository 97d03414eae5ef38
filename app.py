"""SCORE4Climate tracker: the router and frame. Run with ``streamlit run app.py``."""
import time

import streamlit as st

import pages.admin_audit
import pages.admin_clusters
import pages.admin_delivery_workbook
import pages.admin_partners
import pages.admin_users
import pages.data_entry
import pages.enterprise_profile
import pages.enterprise_report
import pages.first_setup
import pages.improvement_actions
import pages.my_account
import pages.offline_visits
import pages.programme_overview
import pages.sign_in_form
import pages.trainer_profiles
from metrics import i18n
from tracker import accounts, auth
from ui import shared, sso

st.set_page_config(page_title="SCORE4Climate tracker", page_icon=":recycle:", layout="wide")
shared.init_state()
i18n.use(shared.language())  # every word of this run in the session's language

try:
    engine = shared.engine()
except Exception as exc:  # the database cannot be opened: say why and what to do
    st.error(f"The database cannot be opened. {shared.plain(exc)}")
    # every run ends in st.navigation: on a fresh server it replaces the legacy list of pages/ files
    st.navigation([st.Page(lambda: None, title="Database unavailable", url_path="unavailable")]).run()
    st.stop()

PAGES = {
    "report": st.Page(pages.enterprise_report.render, title="Enterprise report", icon=":material/factory:",
                      url_path="report"),
    "entry": st.Page(pages.data_entry.render, title="Enter figures", icon=":material/edit_note:", url_path="entry"),
    "profile": st.Page(pages.enterprise_profile.render, title="Profile and modules", icon=":material/badge:",
                       url_path="profile"),
    "actions": st.Page(pages.improvement_actions.render, title="Improvement actions", icon=":material/construction:",
                       url_path="actions"),
    "programme": st.Page(pages.programme_overview.render, title="Programme overview", icon=":material/public:",
                         url_path="programme"),
    "trainers": st.Page(pages.trainer_profiles.render, title="Trainers", icon=":material/school:",
                        url_path="trainers"),
    "my_path": st.Page(pages.trainer_profiles.render, title="My trainer path", icon=":material/school:",
                       url_path="my-path"),
    "users": st.Page(pages.admin_users.render, title="Users", icon=":material/group:", url_path="users"),
    "partners": st.Page(pages.admin_partners.render, title="Partners", icon=":material/handshake:",
                        url_path="partners"),
    "clusters": st.Page(pages.admin_clusters.render, title="Clusters", icon=":material/hub:", url_path="clusters"),
    "workbook": st.Page(pages.admin_delivery_workbook.render, title="Delivery workbook", icon=":material/table_view:",
                        url_path="delivery-workbook"),
    "audit": st.Page(pages.admin_audit.render, title="Audit log", icon=":material/history:", url_path="audit"),
    "visits": st.Page(pages.offline_visits.render, title="Offline visit", icon=":material/cloud_off:",
                      url_path="visits"),
    "account": st.Page(pages.my_account.render, title="My account", icon=":material/person:", url_path="account"),
}
ROLE_PAGES = {
    "manager": {"My enterprise": ["report", "entry", "actions", "profile"]},
    "trainer": {"Enterprises": ["report", "entry", "actions", "profile", "visits"], "Account": ["my_path"]},
    "officer": {"Programme": ["programme", "trainers"]},
    "admin": {"Programme": ["programme", "trainers"], "Enterprises": ["report", "entry", "actions", "profile"],
              "Administration": ["users", "partners", "clusters", "workbook", "visits", "audit"]},
}
for _groups in ROLE_PAGES.values():  # every role manages its own account
    _groups.setdefault("Account", []).append("account")


def run() -> None:
    """This run of the page: the session (single sign-on maps to an account; inactivity signs out; role and
    enterprises are re-read on every run, so an admin's change or deactivation applies at once), then the
    role's pages."""
    if st.session_state["user"] is None and sso.configured():
        st.session_state["user"] = sso.signed_in_user(engine)
    if st.session_state["user"] is not None:
        now = time.time()
        if accounts.session_expired(st.session_state.get("last_activity"), now, accounts.session_timeout_minutes()):
            shared.sign_out(reason="expired")
        else:
            st.session_state["user"] = accounts.refresh_user(engine, st.session_state["user"])
            st.session_state["last_activity"] = now
            i18n.use(shared.language())  # the account's language, as stored now

    user = st.session_state["user"]
    # an account just re-read exists, so there is no need to ask whether any does
    if user is None and not auth.has_users(engine):
        nav = st.navigation([st.Page(pages.first_setup.render, title="Set up", icon=":material/settings:",
                                     url_path="setup")])
    elif user is None:
        nav = st.navigation([st.Page(pages.sign_in_form.render, title="Sign in", icon=":material/login:",
                                     url_path="sign-in")])
    else:
        with st.sidebar:
            st.caption(f"Signed in as **{shared.plain(user.username)}** ({user.role})")
            if st.button("Sign out", key="sign_out"):
                shared.sign_out()
                st.rerun()
        # every run ends in st.navigation (the role's pages, grouped in the sidebar): on a fresh server
        # it replaces the list of pages/ files that Streamlit's legacy multipage mode would show
        # expanded: every page listed (an admin's 13 would otherwise fold after 10 under "View more")
        nav = st.navigation({group: [PAGES[k] for k in keys] for group, keys in ROLE_PAGES[user.role].items()},
                            expanded=True)
    nav.run()


# the services a page calls take the account as read at the start of the run (refresh_user), not once
# each; writes read it afresh (tracker.auth.one_run)
with auth.one_run():
    run()
