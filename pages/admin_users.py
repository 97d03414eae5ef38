"""Admin: accounts (create, change role and enterprises, reset password, deactivate) and enterprises."""
import streamlit as st

from tracker import accounts, enterprises, errors
from tracker.models import ROLES
from ui import shared


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    engine = shared.engine()
    try:
        users = accounts.list_users(engine, user)
    except errors.AccessDenied as exc:
        st.error(f"{shared.plain(exc)} Only administrators manage accounts.")
        st.stop()
    ents = enterprises.list_enterprises(engine, user)
    ent_names = dict(zip(ents["id"].astype(int), ents["name"], strict=True))

    st.title("Users and enterprises")
    st.caption("Managers see and change their own enterprise only, trainers the enterprises assigned to them, officers "
               "the programme's aggregates, admins everything. Every change here is written to the audit log.")

    st.dataframe(users.drop(columns=["enterprise_ids"]), hide_index=True, key="users_table",
                 column_config={"created_at": st.column_config.DatetimeColumn("created (UTC)"),
                                "email": "single sign-on e-mail", "failed_attempts": "failed sign-ins"})

    new_password = st.session_state.pop("admin_new_password", None)
    if new_password:
        st.success(f"Password for **{shared.plain(new_password[0])}** (pass it on once; they can change it under "
                   "My account):")
        st.code(new_password[1], language=None)

    with st.expander("Create an account", expanded=False):
        with st.form("create_user_form", clear_on_submit=True):
            c1, c2 = st.columns(2)
            username = c1.text_input("User name", key="new_user_name")
            role = c2.selectbox("Role", ROLES, index=ROLES.index("manager"), key="new_user_role")
            chosen = st.multiselect("Enterprises (a manager's one, or a trainer's)", list(ent_names),
                                    format_func=ent_names.get, key="new_user_enterprises")
            email = c1.text_input("Single sign-on e-mail (optional)", key="new_user_email")
            password = c2.text_input("Password (empty: a random one)", type="password", key="new_user_password")
            if st.form_submit_button("Create account"):
                try:
                    pw = accounts.create_user(engine, user, username, role, chosen, password=password or None,
                                              email=email or None)
                except (ValueError, errors.AccessDenied) as exc:
                    st.error(f"{shared.plain(exc)} No account was created.")
                else:
                    st.session_state["admin_new_password"] = (username.strip(), pw)
                    st.rerun()

    st.subheader("Change an account")
    labels = {int(r.id): f"{r.username} ({r.role}{'' if r.active else ', deactivated'})" for r in users.itertuples()}
    uid = st.selectbox("Account", list(labels), format_func=labels.get, key="edit_user_pick")
    row = users.set_index("id").loc[uid]
    with st.form("edit_user_form"):  # keys carry the id: switching accounts shows that account's values
        c1, c2 = st.columns(2)
        e_role = c1.selectbox("Role", ROLES, index=ROLES.index(row["role"]), key=f"edit_user_role_{uid}")
        e_email = c2.text_input("Single sign-on e-mail", value=row["email"], key=f"edit_user_email_{uid}")
        e_ents = st.multiselect("Enterprises", list(ent_names),
                                default=[e for e in row["enterprise_ids"] if e in ent_names],
                                format_func=ent_names.get, key=f"edit_user_enterprises_{uid}")
        if st.form_submit_button("Save account"):
            try:
                accounts.update_user(engine, user, uid, role=e_role, enterprise_ids=e_ents, email=e_email or None)
            except (ValueError, LookupError, errors.AccessDenied) as exc:
                st.error(f"{shared.plain(exc)} Nothing was changed.")
            else:
                st.success("Account saved.")
    b1, b2 = st.columns(2)
    if b1.button("Reset password", key="reset_password"):
        try:
            pw = accounts.reset_password(engine, user, uid)
        except (ValueError, LookupError, errors.AccessDenied) as exc:
            st.error(shared.plain(exc))
        else:
            st.session_state["admin_new_password"] = (row["username"], pw)
            st.rerun()
    toggle = "Reactivate" if not row["active"] else "Deactivate"
    if b2.button(toggle, key="toggle_active"):
        try:
            accounts.set_active(engine, user, uid, not row["active"])
        except (ValueError, LookupError, errors.AccessDenied) as exc:
            st.error(shared.plain(exc))
        else:
            st.rerun()

    st.divider()
    st.subheader("Enterprises")
    with st.expander("Add an enterprise", expanded=False):
        with st.form("create_enterprise_form", clear_on_submit=True):
            c1, c2 = st.columns(2)
            name = c1.text_input("Name", key="new_ent_name")
            country = c2.text_input("Country (ISO code)", max_chars=2, key="new_ent_country")
            sector = c1.text_input("Sector", key="new_ent_sector")
            size = c2.selectbox("Size", ["", *enterprises.SIZES], key="new_ent_size")
            partner = shared.partner_picker(c1, "", key="new_ent_partner")
            cluster = shared.cluster_picker(c2, "", key="new_ent_cluster")
            if st.form_submit_button("Add enterprise"):
                try:
                    enterprises.create_enterprise(engine, user, name, country, sector, size, partner, cluster)
                except (ValueError, errors.AccessDenied) as exc:
                    st.error(f"{shared.plain(exc)} Nothing was added.")
                else:
                    st.rerun()
    if ent_names:
        eid = st.selectbox("Enterprise", list(ent_names), format_func=ent_names.get, key="edit_ent_pick")
        ent = ents.set_index("id").loc[eid]
        with st.form("edit_enterprise_form"):
            c1, c2 = st.columns(2)
            e_name = c1.text_input("Name", value=ent["name"], key=f"edit_ent_name_{eid}")
            e_country = c2.text_input("Country (ISO code)", value=ent["country"], max_chars=2,
                                      key=f"edit_ent_country_{eid}")
            e_sector = c1.text_input("Sector", value=ent["sector"], key=f"edit_ent_sector_{eid}")
            sizes = ["", *enterprises.SIZES]
            e_size = c2.selectbox("Size", sizes, index=sizes.index(ent["size"]) if ent["size"] in sizes else 0,
                                  key=f"edit_ent_size_{eid}")
            e_partner = shared.partner_picker(c1, ent["partner"], key=f"edit_ent_partner_{eid}")
            e_cluster = shared.cluster_picker(c2, ent["cluster"], key=f"edit_ent_cluster_{eid}")
            if st.form_submit_button("Save enterprise"):
                try:
                    enterprises.edit_enterprise(engine, user, eid, name=e_name, country=e_country, sector=e_sector,
                                                size=e_size, partner=e_partner, cluster=e_cluster)
                except (ValueError, LookupError, errors.AccessDenied) as exc:
                    st.error(f"{shared.plain(exc)} Nothing was changed.")
                else:
                    st.rerun()


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
