"""Admin: accounts (create, change role and enterprises, reset password, deactivate) and enterprises."""
import streamlit as st

from metrics import labels
from metrics.i18n import _
from tracker import accounts, enterprises, errors
from tracker.countries import COUNTRY_HELP
from tracker.models import ROLES
from ui import shared


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    engine = shared.engine()
    try:
        users = accounts.list_users(engine, user)
    except errors.AccessDenied as exc:
        st.error(_("{error} Only administrators manage accounts.").format(error=shared.plain(exc)))
        st.stop()
    ents = enterprises.list_enterprises(engine, user)
    ent_names = dict(zip(ents["id"].astype(int), ents["name"], strict=True))

    st.title(_("Users and enterprises"))
    st.caption(_("Managers see and change their own enterprise only, trainers the enterprises assigned to them, "
                 "officers the programme's aggregates, admins everything. Every change here is written to the audit "
                 "log."))

    shared.dataframe(users.drop(columns=["enterprise_ids"]).assign(role=users["role"].map(labels.role_label)),
                 hide_index=True, key="users_table",
                 column_config={"id": _("id"), "username": _("username"), "role": _("role"), "active": _("active"),
                                "enterprises": _("enterprises"),
                                "created_at": st.column_config.DatetimeColumn(_("created (UTC)")),
                                "email": _("single sign-on e-mail"), "failed_attempts": _("failed sign-ins")})

    if done := st.session_state.pop("admin_flash", None):
        st.success(done)
    shared.flash("new_user")
    new_password = st.session_state.pop("admin_new_password", None)
    if new_password:
        st.success(_("Password for **{name}** (pass it on once; they can change it under My account):").format(
            name=shared.plain(new_password[0])))
        st.code(new_password[1], language=None)

    with st.expander(_("Create an account"), expanded=False):
        nu = shared.form_keys("new_user", 0)  # kept when refused, empty after an account is created
        with st.form(f"{nu}_form"):
            c1, c2 = st.columns(2)
            username = c1.text_input(_("User name"), key=f"{nu}_name")
            role = c2.selectbox(_("Role"), ROLES, index=ROLES.index("manager"), format_func=labels.role_label,
                                key=f"{nu}_role")
            chosen = st.multiselect(_("Enterprises (a manager's one, or a trainer's)"), list(ent_names),
                                    format_func=ent_names.get, placeholder=_("Choose options"),
                                    key=f"{nu}_enterprises")
            email = c1.text_input(_("Single sign-on e-mail (optional)"), key=f"{nu}_email")
            password = c2.text_input(_("Password (empty: a random one)"), type="password", key=f"{nu}_password")
            if st.form_submit_button(_("Create account")):
                try:
                    pw = accounts.create_user(engine, user, username, role, chosen, password=password or None,
                                              email=email or None)
                except (ValueError, errors.AccessDenied) as exc:
                    st.error(_("{error} No account was created.").format(error=shared.plain(exc)))
                else:
                    st.session_state["admin_new_password"] = (username.strip(), pw)
                    shared.form_saved("new_user", 0, _("Account {name} ({role}) created.").format(
                        name=shared.plain(username.strip()), role=labels.role_label(role)))

    st.subheader(_("Change an account"))
    # the user name alone: a label that changed with the role or the status would make the browser's
    # pick a new widget, and the next click would act on the first account instead
    names = {int(r.id): r.username for r in users.itertuples()}
    uid = st.selectbox(_("Account"), list(names), format_func=names.get, key="edit_user_pick")
    row = users.set_index("id").loc[uid]
    st.caption((_("{name}: {role}, active") if row["active"] else
                _("{name}: {role}, **deactivated**: cannot sign in until reactivated")).format(
        name=shared.plain(row["username"]), role=labels.role_label(row["role"])))
    with st.form("edit_user_form"):  # keys carry the id: switching accounts shows that account's values
        c1, c2 = st.columns(2)
        e_role = c1.selectbox(_("Role"), ROLES, index=ROLES.index(row["role"]), format_func=labels.role_label,
                               key=f"edit_user_role_{uid}")
        e_email = c2.text_input(_("Single sign-on e-mail"), value=row["email"], key=f"edit_user_email_{uid}")
        e_ents = st.multiselect(_("Enterprises"), list(ent_names),
                                default=[e for e in row["enterprise_ids"] if e in ent_names],
                                format_func=ent_names.get, placeholder=_("Choose options"),
                                key=f"edit_user_enterprises_{uid}")
        if st.form_submit_button(_("Save account")):
            try:
                accounts.update_user(engine, user, uid, role=e_role, enterprise_ids=e_ents, email=e_email or None)
            except (ValueError, LookupError, errors.AccessDenied) as exc:
                st.error(_("{error} Nothing was changed.").format(error=shared.plain(exc)))
            else:
                st.success(_("Account saved."))
    # resetting a password and deactivating lock a person out: asked once more, then said what was done
    name = shared.plain(row["username"])
    toggle = "reactivate" if not row["active"] else "deactivate"
    pending = st.session_state.get("admin_confirm")
    if pending and pending[1] != uid:
        pending = st.session_state["admin_confirm"] = None
    if not pending:
        b1, b2 = st.columns(2)
        if b1.button(_("Reset password"), key="reset_password"):
            st.session_state["admin_confirm"] = ("reset", uid)
            st.rerun()
        if b2.button(_("Reactivate") if toggle == "reactivate" else _("Deactivate"), key="toggle_active"):
            st.session_state["admin_confirm"] = (toggle, uid)
            st.rerun()
    else:
        question = {"reset": _("Reset the password of **{name}**? Their current password stops working at once; "
                               "you pass the new one on to them."),
                    "deactivate": _("Deactivate **{name}**? They are signed out at once and cannot sign in until "
                                    "an administrator reactivates the account."),
                    "reactivate": _("Reactivate **{name}**? They can sign in again with their password.")
                    }[pending[0]].format(name=name)
        st.warning(question, icon=":material/help:")
        c1, c2 = st.columns(2)
        yes = c1.button({"reset": _("Yes, reset the password"), "deactivate": _("Yes, deactivate"),
                         "reactivate": _("Yes, reactivate")}[pending[0]], key="confirm_yes", type="primary")
        if c2.button(_("Cancel"), key="confirm_no"):
            st.session_state["admin_confirm"] = None
            st.rerun()
        if yes:
            st.session_state["admin_confirm"] = None
            try:
                if pending[0] == "reset":
                    pw = accounts.reset_password(engine, user, uid)
                else:
                    accounts.set_active(engine, user, uid, pending[0] == "reactivate")
            except (ValueError, LookupError, errors.AccessDenied) as exc:
                st.error(_("{error} Nothing was changed.").format(error=shared.plain(exc)))
            else:
                if pending[0] == "reset":
                    st.session_state["admin_new_password"] = (row["username"], pw)
                    st.session_state["admin_flash"] = _("The password of {name} was reset; the old one no longer "
                                                        "works.").format(name=name)
                else:
                    st.session_state["admin_flash"] = (
                        _("{name} was deactivated: they are signed out and cannot sign in.")
                        if pending[0] == "deactivate" else _("{name} was reactivated: they can sign in again.")
                    ).format(name=name)
                st.rerun()

    st.divider()
    st.subheader(_("Enterprises"))
    with st.expander(_("Add an enterprise"), expanded=False):
        ne = shared.form_keys("new_enterprise", 0)  # kept when refused, empty after an enterprise is added
        shared.flash("new_enterprise")
        with st.form(f"{ne}_form"):
            c1, c2 = st.columns(2)
            ent_name = c1.text_input(_("Name"), key=f"{ne}_name")
            country = c2.text_input(_("Country (ISO code)"), max_chars=60, help=_(COUNTRY_HELP), key=f"{ne}_country")
            sector = c1.text_input(_("Sector"), key=f"{ne}_sector")
            size = c2.selectbox(_("Size"), ["", *enterprises.SIZES], format_func=labels.size_label, key=f"{ne}_size")
            partner = shared.partner_picker(c1, "", key=f"{ne}_partner")
            cluster = shared.cluster_picker(c2, "", key=f"{ne}_cluster")
            if st.form_submit_button(_("Add enterprise")):
                try:
                    enterprises.create_enterprise(engine, user, ent_name, country, sector, size, partner, cluster)
                except (ValueError, errors.AccessDenied) as exc:
                    st.error(_("{error} Nothing was added; correct it and press Add enterprise again.").format(
                        error=shared.plain(exc)))
                else:
                    shared.form_saved("new_enterprise", 0, _("Enterprise {name} added.").format(
                        name=shared.plain(ent_name.strip())))
    if ent_names:
        eid = st.selectbox(_("Enterprise"), list(ent_names), format_func=ent_names.get, key="edit_ent_pick")
        ent = ents.set_index("id").loc[eid]
        with st.form("edit_enterprise_form"):
            c1, c2 = st.columns(2)
            e_name = c1.text_input(_("Name"), value=ent["name"], key=f"edit_ent_name_{eid}")
            e_country = c2.text_input(_("Country (ISO code)"), value=ent["country"], max_chars=60, help=_(COUNTRY_HELP),
                                      key=f"edit_ent_country_{eid}")
            e_sector = c1.text_input(_("Sector"), value=ent["sector"], key=f"edit_ent_sector_{eid}")
            sizes = ["", *enterprises.SIZES]
            e_size = c2.selectbox(_("Size"), sizes, index=sizes.index(ent["size"]) if ent["size"] in sizes else 0,
                                  format_func=labels.size_label,
                                  key=f"edit_ent_size_{eid}")
            e_partner = shared.partner_picker(c1, ent["partner"], key=f"edit_ent_partner_{eid}")
            e_cluster = shared.cluster_picker(c2, ent["cluster"], key=f"edit_ent_cluster_{eid}")
            if st.form_submit_button(_("Save enterprise")):
                try:
                    enterprises.edit_enterprise(engine, user, eid, name=e_name, country=e_country, sector=e_sector,
                                                size=e_size, partner=e_partner, cluster=e_cluster)
                except (ValueError, LookupError, errors.AccessDenied) as exc:
                    st.error(_("{error} Nothing was changed.").format(error=shared.plain(exc)))
                else:
                    st.rerun()


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
