"""Admin: clusters, the sectors within regions the programme chose, with the selection criteria."""
import datetime as dt

import streamlit as st

from tracker import clusters, errors
from tracker.countries import COUNTRY_HELP, country_label
from tracker.models import CLUSTER_CRITERIA
from ui import shared


def _fields(prefix: str, row=None) -> dict:
    """The cluster's fields as widgets keyed ``prefix``, filled from ``row`` (None: empty)."""
    get = (lambda k, d: row[k]) if row is not None else (lambda k, d: d)
    c1, c2, c3, c4 = st.columns([3, 1, 2, 2])
    values = dict(
        name=c1.text_input("Name", value=get("name", ""), key=f"{prefix}_name", max_chars=clusters.NAME_LENGTH,
                           placeholder="e.g. Auto parts, Pune"),
        country=c2.text_input("Country (ISO code)", value=get("country", ""), max_chars=60, help=COUNTRY_HELP,
                              key=f"{prefix}_country"),
        region=c3.text_input("Region", value=get("region", ""), key=f"{prefix}_region",
                             max_chars=clusters.TEXT_LENGTH),
        sector=c4.text_input("Sector", value=get("sector", ""), key=f"{prefix}_sector", max_chars=clusters.TEXT_LENGTH))
    c1, c2 = st.columns([3, 1])
    values["criteria"] = c1.multiselect("Why it was chosen (the selection study's criteria)", list(CLUSTER_CRITERIA),
                                        default=get("criteria", []), format_func=CLUSTER_CRITERIA.get,
                                        key=f"{prefix}_criteria")
    values["selected_on"] = c2.date_input("Selection study (date)", value=get("selected_on", None),
                                          max_value=dt.date.today(), key=f"{prefix}_selected_on")
    values["note"] = st.text_area("Note (what the study found)", value=get("note", ""), key=f"{prefix}_note",
                                  max_chars=clusters.NOTE_LENGTH, height=80)
    return values


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    engine = shared.engine()
    if user.role != "admin":
        st.error("Only administrators manage clusters.")
        st.stop()
    table = clusters.list_clusters(engine, user)

    st.title("Clusters")
    st.caption("Sectors within regions that the programme chose after a rapid sector selection study: where there is "
               "growth potential, room to improve quality, productivity or environmental management, lead buyers, "
               "competent partners and a fit with government priorities. An enterprise belongs to one cluster of its "
               "country (on its profile); the programme overview filters by cluster. Every change here is written "
               "to the audit log.")
    shared.flash("cluster")
    if table.empty:
        st.info("No cluster recorded yet: add the first one below.")
    else:
        shown = table.drop(columns=["id"]).assign(
            country=table["country"].map(country_label),
            criteria=["; ".join(CLUSTER_CRITERIA[k] for k in keys) for keys in table["criteria"]])
        st.dataframe(shown, hide_index=True, key="clusters_table",
                     column_config={"selected_on": st.column_config.DateColumn("selection study"),
                                    "criteria": "why it was chosen"})

    with st.expander("Add a cluster", expanded=table.empty):
        with st.form("create_cluster_form", clear_on_submit=True):
            values = _fields("new_cluster")
            if st.form_submit_button("Add cluster"):
                try:
                    clusters.create_cluster(engine, user, **values)
                except (ValueError, errors.AccessDenied) as exc:
                    st.error(f"{shared.plain(exc)} Nothing was added.")
                else:
                    st.session_state["cluster_flash"] = f"{shared.plain(values['name'].strip())} added."
                    st.rerun()

    if table.empty:
        return
    st.subheader("Change a cluster")
    names = dict(zip(table["id"].astype(int), table["name"], strict=True))
    cid = st.selectbox("Cluster", list(names), format_func=names.get, key="edit_cluster_pick")
    row = table.set_index("id").loc[cid]
    with st.form("edit_cluster_form"):  # keys carry the id: picking another cluster shows its values
        values = _fields(f"edit_cluster_{cid}", row)
        b1, b2 = st.columns([1, 3])
        save = b1.form_submit_button(f"Save {shared.plain(row['name'])}")
        sure = b2.checkbox(f"Delete this cluster ({int(row['enterprises'])} enterprise(s); tick, then press Delete)",
                           key=f"edit_cluster_sure_{cid}")
        delete = b2.form_submit_button("Delete")
    try:
        if save:
            clusters.edit_cluster(engine, user, cid, **values)
            st.session_state["cluster_flash"] = f"{shared.plain(values['name'].strip())} saved."
            st.rerun()
        elif delete and not sure:
            st.warning("Tick the box to confirm the deletion, then press Delete again.")
        elif delete:
            clusters.delete_cluster(engine, user, cid)
            st.session_state["cluster_flash"] = f"{shared.plain(row['name'])} deleted."
            st.rerun()
    except (ValueError, LookupError, errors.AccessDenied) as exc:
        st.error(f"{shared.plain(exc)} Nothing was changed.")


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
