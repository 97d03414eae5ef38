"""Admin: clusters, the sectors within regions the programme chose, with the selection criteria."""
import datetime as dt

import streamlit as st

from metrics import labels
from metrics.i18n import _, ngettext
from tracker import clusters, errors
from tracker.countries import COUNTRY_HELP, country_label
from tracker.models import CLUSTER_CRITERIA
from ui import shared


def _fields(prefix: str, row=None) -> dict:
    """The cluster's fields as widgets keyed ``prefix``, filled from ``row`` (None: empty)."""
    get = (lambda k, d: row[k]) if row is not None else (lambda k, d: d)
    c1, c2, c3, c4 = st.columns([3, 1, 2, 2])
    values = dict(
        name=c1.text_input(_("Name"), value=get("name", ""), key=f"{prefix}_name", max_chars=clusters.NAME_LENGTH,
                           placeholder=_("e.g. Auto parts, Pune")),
        country=c2.text_input(_("Country (ISO code)"), value=get("country", ""), max_chars=60, help=_(COUNTRY_HELP),
                              key=f"{prefix}_country"),
        region=c3.text_input(_("Region"), value=get("region", ""), key=f"{prefix}_region",
                             max_chars=clusters.TEXT_LENGTH),
        sector=c4.text_input(_("Sector"), value=get("sector", ""), key=f"{prefix}_sector",
                            max_chars=clusters.TEXT_LENGTH))
    c1, c2 = st.columns([3, 1])
    values["criteria"] = c1.multiselect(_("Why it was chosen (the selection study's criteria)"),
                                        list(CLUSTER_CRITERIA), default=get("criteria", []),
                                        format_func=labels.criterion_label,
                                        placeholder=_("Choose options"), key=f"{prefix}_criteria")
    values["selected_on"] = c2.date_input(_("Selection study (date)"), format=shared.date_format(),
                                          value=get("selected_on", None),
                                          max_value=dt.date.today(), key=f"{prefix}_selected_on")
    values["note"] = st.text_area(_("Note (what the study found)"), value=get("note", ""), key=f"{prefix}_note",
                                  max_chars=clusters.NOTE_LENGTH, height=80)
    return values


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    engine = shared.engine()
    if user.role != "admin":
        st.error(_("Only administrators manage clusters."))
        st.stop()
    table = clusters.list_clusters(engine, user)

    st.title(_("Clusters"))
    st.caption(_("Sectors within regions that the programme chose after a rapid sector selection study: where there "
                 "is growth potential, room to improve quality, productivity or environmental management, lead "
                 "buyers, competent partners and a fit with government priorities. An enterprise belongs to one "
                 "cluster of its country (on its profile); the programme overview filters by cluster. Every change "
                 "here is written to the audit log."))
    shared.flash("cluster")
    if table.empty:
        st.info(_("No cluster recorded yet: add the first one below."))
    else:
        shown = table.drop(columns=["id"]).assign(
            country=table["country"].map(country_label),
            criteria=["; ".join(labels.criterion_label(k) for k in keys) for keys in table["criteria"]])
        shared.dataframe(shown, hide_index=True, key="clusters_table",
                     column_config={"name": _("name"), "country": _("country"), "region": _("region"),
                                    "sector": _("sector"),
                                    "selected_on": st.column_config.DateColumn(_("selection study")),
                                    "criteria": _("why it was chosen"), "note": _("note"),
                                    "enterprises": _("enterprises")})

    with st.expander(_("Add a cluster"), expanded=table.empty):
        with st.form("create_cluster_form", clear_on_submit=True):
            values = _fields("new_cluster")
            if st.form_submit_button(_("Add cluster")):
                try:
                    clusters.create_cluster(engine, user, **values)
                except (ValueError, errors.AccessDenied) as exc:
                    st.error(_("{error} Nothing was added.").format(error=shared.plain(exc)))
                else:
                    st.session_state["cluster_flash"] = _("{name} added.").format(
                        name=shared.plain(values["name"].strip()))
                    st.rerun()

    if table.empty:
        return
    st.subheader(_("Change a cluster"))
    names = dict(zip(table["id"].astype(int), table["name"], strict=True))
    cid = st.selectbox(_("Cluster"), list(names), format_func=names.get, key="edit_cluster_pick")
    row = table.set_index("id").loc[cid]
    with st.form("edit_cluster_form"):  # keys carry the id: picking another cluster shows its values
        values = _fields(f"edit_cluster_{cid}", row)
        b1, b2 = st.columns([1, 3])
        save = b1.form_submit_button(_("Save {name}").format(name=shared.plain(row["name"])))
        n = int(row["enterprises"])
        sure = b2.checkbox(ngettext("Delete this cluster ({n} enterprise; tick, then press Delete)",
                                    "Delete this cluster ({n} enterprises; tick, then press Delete)", n).format(n=n),
                           key=f"edit_cluster_sure_{cid}")
        delete = b2.form_submit_button(_("Delete"))
    try:
        if save:
            clusters.edit_cluster(engine, user, cid, **values)
            st.session_state["cluster_flash"] = _("{name} saved.").format(name=shared.plain(values["name"].strip()))
            st.rerun()
        elif delete and not sure:
            st.warning(_("Tick the box to confirm the deletion, then press Delete again."))
        elif delete:
            clusters.delete_cluster(engine, user, cid)
            st.session_state["cluster_flash"] = _("{name} deleted.").format(name=shared.plain(row["name"]))
            st.rerun()
    except (ValueError, LookupError, errors.AccessDenied) as exc:
        st.error(_("{error} Nothing was changed.").format(error=shared.plain(exc)))


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
