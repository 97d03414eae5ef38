"""Admin: implementation partners (add, change, merge two spellings, delete an unused one)."""
import streamlit as st

from metrics import labels
from metrics.i18n import N_, _, ngettext
from tracker import errors, partners
from tracker.countries import COUNTRY_HELP, country_label
from tracker.models import PARTNER_TYPES
from ui import shared

NOT_RECORDED = N_("(not recorded yet)")


def _type_label(value: str) -> str:
    return labels.partner_type_label(value) if value else _(NOT_RECORDED)


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    engine = shared.engine()
    if user.role != "admin":
        st.error(_("Only administrators manage implementation partners."))
        st.stop()
    table = partners.list_partners(engine, user)

    st.title(_("Implementation partners"))
    st.caption(_("Business support organisations that deliver the programme: industry associations, government SME "
                 "agencies, lead buyers, training organisations. Enterprises are linked to one on their profile. "
                 "Every change here is written to the audit log."))
    shared.flash("partner")
    if table.empty:
        st.info(_("No partner recorded yet: add the first one below."))
    else:
        untyped = int((table["type"] == "").sum())
        if untyped:
            st.info(ngettext("{n} partner has no type or country yet (it was made from the enterprises' former free "
                             "text): pick it below and complete it.",
                             "{n} partners have no type or country yet (they were made from the enterprises' former "
                             "free text): pick each below and complete it.", untyped).format(n=untyped))
        shared.dataframe(table.drop(columns=["id"]).assign(type=table["type"].map(_type_label),
                                                       country=table["country"].map(country_label)),
                     hide_index=True, key="partners_table",
                     column_config={"name": _("name"), "type": _("type"), "country": _("country"),
                                    "enterprises": _("enterprises")})

    with st.expander(_("Add a partner"), expanded=table.empty):
        with st.form("create_partner_form", clear_on_submit=True):
            c1, c2, c3 = st.columns([3, 2, 1])
            name = c1.text_input(_("Name"), key="new_partner_name", max_chars=partners.NAME_LENGTH)
            type_ = c2.selectbox(_("Type"), PARTNER_TYPES, format_func=_type_label, key="new_partner_type")
            country = c3.text_input(_("Country (ISO code)"), max_chars=60, help=_(COUNTRY_HELP),
                                    key="new_partner_country")
            if st.form_submit_button(_("Add partner")):
                try:
                    partners.create_partner(engine, user, name, type_, country)
                except (ValueError, errors.AccessDenied) as exc:
                    st.error(_("{error} Nothing was added.").format(error=shared.plain(exc)))
                else:
                    st.session_state["partner_flash"] = _("{name} added.").format(name=shared.plain(name.strip()))
                    st.rerun()

    if table.empty:
        return
    st.subheader(_("Change a partner"))
    names = dict(zip(table["id"].astype(int), table["name"], strict=True))
    pid = st.selectbox(_("Partner"), list(names), format_func=names.get, key="edit_partner_pick")
    row = table.set_index("id").loc[pid]
    with st.form("edit_partner_form"):  # keys carry the id: picking another partner shows its values
        c1, c2, c3 = st.columns([3, 2, 1])
        e_name = c1.text_input(_("Name"), value=row["name"], key=f"edit_partner_name_{pid}",
                               max_chars=partners.NAME_LENGTH)
        types = list(PARTNER_TYPES) if row["type"] else ["", *PARTNER_TYPES]
        e_type = c2.selectbox(_("Type"), types, index=types.index(row["type"]), format_func=_type_label,
                              key=f"edit_partner_type_{pid}")
        e_country = c3.text_input(_("Country (ISO code)"), value=row["country"], max_chars=60, help=_(COUNTRY_HELP),
                                  key=f"edit_partner_country_{pid}")
        if st.form_submit_button(_("Save {name}").format(name=shared.plain(row["name"]))):
            try:
                partners.edit_partner(engine, user, pid, name=e_name, type_=e_type, country=e_country)
            except (ValueError, LookupError, errors.AccessDenied) as exc:
                st.error(_("{error} Nothing was changed.").format(error=shared.plain(exc)))
            else:
                st.session_state["partner_flash"] = _("{name} saved.").format(name=shared.plain(e_name.strip()))
                st.rerun()

    others = [i for i in names if i != pid]
    with st.form("merge_partner_form"):
        n = int(row["enterprises"])
        st.markdown(ngettext("**Merge or delete {name}** ({n} enterprise)",
                             "**Merge or delete {name}** ({n} enterprises)", n).format(name=shared.plain(row["name"]),
                                                                                         n=n))
        into = st.selectbox(_("Merge into (its enterprises move there, then it is deleted)"), others,
                            format_func=names.get, key=f"merge_partner_into_{pid}", index=None,
                            placeholder=_("pick the partner that stays"))
        sure = st.checkbox(_("I am sure (tick, then press Merge or Delete)"), key=f"merge_partner_sure_{pid}")
        b1, b2 = st.columns(2)
        merge = b1.form_submit_button(_("Merge"))
        delete = b2.form_submit_button(_("Delete"), help=_("Only a partner without enterprises can be deleted."))
    if (merge or delete) and not sure:
        st.warning(_("Tick the box to confirm, then press the button again."))
    elif merge and into is None:
        st.warning(_("Pick the partner to merge into."))
    elif merge or delete:
        try:
            if merge:
                moved = partners.merge_partner(engine, user, pid, into)
                message = _("{name} merged into {other} ({n} moved).").format(name=shared.plain(row["name"]),
                                                                               other=shared.plain(names[into]), n=moved)
            else:
                partners.delete_partner(engine, user, pid)
                message = _("{name} deleted.").format(name=shared.plain(row["name"]))
        except (ValueError, LookupError, errors.AccessDenied) as exc:
            st.error(_("{error} Nothing was changed.").format(error=shared.plain(exc)))
        else:
            st.session_state["partner_flash"] = message
            st.rerun()


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
