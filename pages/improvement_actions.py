"""Improvement actions: what the enterprise changed, when, for how much; shown on its charts."""
import datetime as dt

import streamlit as st

from metrics import formatting, labels
from metrics.i18n import _
from tracker import activities, errors, measurements
from ui import shared


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user, enterprise_id = shared.enterprise_page()
    engine = shared.engine()
    try:
        ent, _unused = measurements.enterprise_info(engine, user, enterprise_id)
        actions = activities.list_actions(engine, user, enterprise_id)
    except errors.AccessDenied as exc:
        st.error(shared.plain(exc))
        st.stop()

    k = shared.form_keys("action", enterprise_id)  # the form's widgets belong to this enterprise
    name = shared.plain(ent["name"])
    st.title(_("Improvement actions: {name}").format(name=name))
    st.caption(_("Record each change the improvement team makes (a new machine, a repaired leak, a new procedure). "
                 "Actions are marked on the enterprise's charts at their date."))
    shared.flash("action")

    with st.form(f"{k}_form"):  # kept when refused, empty after a save or for another enterprise
        c1, c2 = st.columns([1, 3])
        when = c1.date_input(_("Date"), format=shared.date_format(), value=dt.date.today(), key=f"{k}_date")
        description = c2.text_input(_("What was done"), key=f"{k}_description",
                                    placeholder=_("e.g. Guillotine machine for cutting rubber pellets"))
        c3, c4, c5 = st.columns([1, 1, 2])
        investment = shared.number_field(c3, _("Investment"), key=f"{k}_investment", placeholder=_("optional"))
        currency = c4.text_input(_("Currency (ISO code)"), max_chars=3, key=f"{k}_currency",
                                 placeholder=_("e.g. INR"))
        indicators = c5.multiselect(_("Indicators affected"), list(labels.INDICATOR_LABELS),
                                    format_func=labels.indicator_label, placeholder=_("Choose options"),
                                    key=f"{k}_indicators")
        added = st.form_submit_button(_("Save for {name}").format(name=name), type="primary")

    if added:
        try:
            activities.add_action(engine, user, enterprise_id, when, description,
                                  shared.read_number(investment, optional=True),
                                  currency.strip().upper(), indicators, exists_ok=False)
        except (ValueError, errors.AccessDenied) as exc:
            st.error(_("{error} Nothing was saved.").format(error=shared.plain(exc)))
        else:
            shared.form_saved("action", enterprise_id, _("Action saved."))

    if actions.empty:
        st.info(_("No actions recorded yet."))
    else:
        shared.dataframe(labels.people_table(actions.drop(columns=["id"])), hide_index=True, key="actions_list")
        with st.form(f"{k}_delete"):
            action_names = {int(r.id): f"{formatting.day(r.action_date)}: {r.description}"
                            for r in actions.itertuples()}
            c1, c2, c3 = st.columns([3, 1, 1])
            gone = c1.selectbox(_("Delete an action recorded by mistake"), list(action_names),
                                format_func=action_names.get, index=None,
                                placeholder=_("Choose the action to delete"), key=f"{k}_delete_pick")
            sure = c2.checkbox(_("Yes, delete it"), key=f"{k}_delete_sure")
            if c3.form_submit_button(_("Delete")):
                if gone is None:
                    st.warning(_("Choose the action to delete first."))
                elif not sure:
                    st.warning(_("Tick 'Yes, delete it' to confirm, then press Delete again."))
                else:
                    try:
                        activities.delete_action(engine, user, enterprise_id, gone)
                    except (LookupError, errors.AccessDenied) as exc:
                        st.error(_("{error} Nothing was deleted.").format(error=shared.plain(exc)))
                    else:
                        shared.form_saved("action", enterprise_id,
                                          _("Deleted: {action}").format(action=shared.plain(action_names[gone])))


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
