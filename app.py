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
from metrics import i18n, labels
from metrics.i18n import N_, _
from tracker import accounts, auth
from ui import shared, sso

#: every page: its key, its module (which defines render()), its title, its icon and its address
PAGE_TABLE = (
    ("report", pages.enterprise_report, N_("Enterprise report"), "factory", "report"),
    ("entry", pages.data_entry, N_("Enter figures"), "edit_note", "entry"),
    ("profile", pages.enterprise_profile, N_("Profile and modules"), "badge", "profile"),
    ("actions", pages.improvement_actions, N_("Improvement actions"), "construction", "actions"),
    ("programme", pages.programme_overview, N_("Programme overview"), "public", "programme"),
    ("trainers", pages.trainer_profiles, N_("Trainers"), "school", "trainers"),
    ("my_path", pages.trainer_profiles, N_("My trainer path"), "school", "my-path"),
    ("users", pages.admin_users, N_("Users"), "group", "users"),
    ("partners", pages.admin_partners, N_("Partners"), "handshake", "partners"),
    ("clusters", pages.admin_clusters, N_("Clusters"), "hub", "clusters"),
    ("workbook", pages.admin_delivery_workbook, N_("Delivery workbook"), "table_view", "delivery-workbook"),
    ("audit", pages.admin_audit, N_("Audit log"), "history", "audit"),
    ("visits", pages.offline_visits, N_("Offline visit"), "cloud_off", "visits"),
    ("account", pages.my_account, N_("My account"), "person", "account"),
)

shared.init_state()
i18n.use(shared.language())  # every word of this run in the session's language
st.set_page_config(page_title=_("SCORE4Climate tracker"), page_icon=":recycle:", layout="wide")

try:
    engine = shared.engine()
except Exception as exc:  # the database cannot be opened: say why and what to do
    st.error(_("The database cannot be opened. {error}").format(error=shared.plain(exc)))
    # every run ends in st.navigation: on a fresh server it replaces the legacy list of pages/ files
    st.navigation([st.Page(lambda: None, title=_("Database unavailable"), url_path="unavailable")]).run()
    st.stop()

# the services a page calls take the account as read at the start of this run (refresh_user below), not
# once each; writes read it afresh (tracker.auth.one_run)
with auth.one_run():
    # the session: single sign-on maps to an account; inactivity signs out; role and enterprises
    # are re-read on every run (an admin's change or deactivation applies at once)
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

    # the pages, titled in the session's language (set above: the account's, as stored now)
    PAGES = {key: st.Page(module.render, title=_(title), icon=f":material/{icon}:", url_path=path)
             for key, module, title, icon, path in PAGE_TABLE}
    # the sidebar's groups (shown in the reader's language)
    ROLE_PAGES = {
        "manager": {N_("My enterprise"): ["report", "entry", "actions", "profile"]},
        "trainer": {N_("Enterprises"): ["report", "entry", "actions", "profile", "visits"], N_("Account"): ["my_path"]},
        "officer": {N_("Programme"): ["programme", "trainers"]},
        "admin": {N_("Programme"): ["programme", "trainers"],
                  N_("Enterprises"): ["report", "entry", "actions", "profile"],
                  N_("Administration"): ["users", "partners", "clusters", "workbook", "visits", "audit"]},
    }
    for role_groups in ROLE_PAGES.values():  # every role manages its own account
        role_groups.setdefault(N_("Account"), []).append("account")

    user = st.session_state["user"]
    # an account just re-read exists, so there is no need to ask whether any does
    if user is None and not auth.has_users(engine):
        nav = st.navigation([st.Page(pages.first_setup.render, title=_("Set up"), icon=":material/settings:",
                                     url_path="setup")])
    elif user is None:
        nav = st.navigation([st.Page(pages.sign_in_form.render, title=_("Sign in"), icon=":material/login:",
                                     url_path="sign-in")])
    else:
        with st.sidebar:
            st.caption(_("Signed in as **{name}** ({role})").format(name=shared.plain(user.username),
                                                                      role=labels.role_label(user.role)))
            if st.button(_("Sign out"), key="sign_out"):
                shared.sign_out()
                st.rerun()
        # every run ends in st.navigation (the role's pages, grouped in the sidebar): on a fresh server
        # it replaces the list of pages/ files that Streamlit's legacy multipage mode would show
        # expanded: every page listed (an admin's 13 would otherwise fold after 10 under "View more")
        nav = st.navigation({_(group): [PAGES[k] for k in keys] for group, keys in ROLE_PAGES[user.role].items()},
                            expanded=True)
    shared.streamlit_words()  # Streamlit's own words on uploaders, in the session's language
    nav.run()
