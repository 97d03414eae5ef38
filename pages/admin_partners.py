"""Admin: implementation partners (add, change, merge two spellings, delete an unused one)."""
import streamlit as st

from tracker import errors, partners
from tracker.countries import COUNTRY_HELP, country_label
from tracker.models import PARTNER_TYPES
from ui import shared

NOT_RECORDED = "(not recorded yet)"


def _type_label(value: str) -> str:
    return value or NOT_RECORDED


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    engine = shared.engine()
    if user.role != "admin":
        st.error("Only administrators manage implementation partners.")
        st.stop()
    table = partners.list_partners(engine, user)

    st.title("Implementation partners")
    st.caption("Business support organisations that deliver the programme: industry associations, government SME "
               "agencies, lead buyers, training organisations. Enterprises are linked to one on their profile. Every "
               "change here is written to the audit log.")
    shared.flash("partner")
    if table.empty:
        st.info("No partner recorded yet: add the first one below.")
    else:
        untyped = int((table["type"] == "").sum())
        if untyped:
            st.info(f"{untyped} partner(s) have no type or country yet (they were made from the enterprises' former "
                    "free text): pick each below and complete it.")
        st.dataframe(table.drop(columns=["id"]).assign(type=table["type"].map(_type_label),
                                                       country=table["country"].map(country_label)),
                     hide_index=True, key="partners_table")

    with st.expander("Add a partner", expanded=table.empty):
        with st.form("create_partner_form", clear_on_submit=True):
            c1, c2, c3 = st.columns([3, 2, 1])
            name = c1.text_input("Name", key="new_partner_name", max_chars=partners.NAME_LENGTH)
            type_ = c2.selectbox("Type", PARTNER_TYPES, key="new_partner_type")
            country = c3.text_input("Country (ISO code)", max_chars=60, help=COUNTRY_HELP, key="new_partner_country")
            if st.form_submit_button("Add partner"):
                try:
                    partners.create_partner(engine, user, name, type_, country)
                except (ValueError, errors.AccessDenied) as exc:
                    st.error(f"{shared.plain(exc)} Nothing was added.")
                else:
                    st.session_state["partner_flash"] = f"{shared.plain(name.strip())} added."
                    st.rerun()

    if table.empty:
        return
    st.subheader("Change a partner")
    names = dict(zip(table["id"].astype(int), table["name"], strict=True))
    pid = st.selectbox("Partner", list(names), format_func=names.get, key="edit_partner_pick")
    row = table.set_index("id").loc[pid]
    with st.form("edit_partner_form"):  # keys carry the id: picking another partner shows its values
        c1, c2, c3 = st.columns([3, 2, 1])
        e_name = c1.text_input("Name", value=row["name"], key=f"edit_partner_name_{pid}",
                               max_chars=partners.NAME_LENGTH)
        types = list(PARTNER_TYPES) if row["type"] else ["", *PARTNER_TYPES]
        e_type = c2.selectbox("Type", types, index=types.index(row["type"]), format_func=_type_label,
                              key=f"edit_partner_type_{pid}")
        e_country = c3.text_input("Country (ISO code)", value=row["country"], max_chars=60, help=COUNTRY_HELP,
                                  key=f"edit_partner_country_{pid}")
        if st.form_submit_button(f"Save {shared.plain(row['name'])}"):
            try:
                partners.edit_partner(engine, user, pid, name=e_name, type_=e_type, country=e_country)
            except (ValueError, LookupError, errors.AccessDenied) as exc:
                st.error(f"{shared.plain(exc)} Nothing was changed.")
            else:
                st.session_state["partner_flash"] = f"{shared.plain(e_name.strip())} saved."
                st.rerun()

    others = [i for i in names if i != pid]
    with st.form("merge_partner_form"):
        st.markdown(f"**Merge or delete {shared.plain(row['name'])}** ({int(row['enterprises'])} enterprise(s))")
        into = st.selectbox("Merge into (its enterprises move there, then it is deleted)", others,
                            format_func=names.get, key=f"merge_partner_into_{pid}", index=None,
                            placeholder="pick the partner that stays")
        sure = st.checkbox("I am sure (tick, then press Merge or Delete)", key=f"merge_partner_sure_{pid}")
        b1, b2 = st.columns(2)
        merge = b1.form_submit_button("Merge")
        delete = b2.form_submit_button("Delete", help="Only a partner without enterprises can be deleted.")
    if (merge or delete) and not sure:
        st.warning("Tick the box to confirm, then press the button again.")
    elif merge and into is None:
        st.warning("Pick the partner to merge into.")
    elif merge or delete:
        try:
            if merge:
                moved = partners.merge_partner(engine, user, pid, into)
                message = f"{shared.plain(row['name'])} merged into {shared.plain(names[into])} ({moved} moved)."
            else:
                partners.delete_partner(engine, user, pid)
                message = f"{shared.plain(row['name'])} deleted."
        except (ValueError, LookupError, errors.AccessDenied) as exc:
            st.error(f"{shared.plain(exc)} Nothing was changed.")
        else:
            st.session_state["partner_flash"] = message
            st.rerun()


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
