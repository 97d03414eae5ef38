"""The enterprise profile: who it is, who supports it, which SCORE modules it attended."""
import datetime as dt

import streamlit as st

from metrics import formatting, labels
from metrics.i18n import _
from metrics.targets import TARGET_BASES, TARGET_INDICATORS
from tracker import activities, enterprises, errors, tables, targets
from tracker.countries import COUNTRY_HELP
from ui import shared


def _delivered_by(trainers: list[str], current: str, key: str) -> str:
    """The trainer who delivered the module: one of the enterprise's trainers, or none."""
    names = ["", *trainers] + ([current] if current and current not in trainers else [])
    return st.selectbox(_("Delivered by (trainer)"), names, index=names.index(current), key=key,
                        format_func=lambda n: n or _("not recorded"),
                        help=_("The module counts in this trainer's Training of Enterprises cycle."))


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user, enterprise_id = shared.enterprise_page()
    engine = shared.engine()
    try:
        profile = enterprises.enterprise_profile(engine, user, enterprise_id)
    except errors.AccessDenied as exc:
        st.error(shared.plain(exc))
        st.stop()

    # every form's widgets belong to this enterprise (keys with its id and a counter bumped after a save)
    pk, tk = shared.form_keys("profile", enterprise_id), shared.form_keys("training", enterprise_id)

    def done(message: str) -> None:
        """Show ``message`` after a rerun that redraws the tables with the change (and an empty module form)."""
        shared.form_saved("training", enterprise_id, message)

    st.title(_("Profile: {name}").format(name=shared.plain(profile["name"])))
    st.caption(_("Trainers: {names}").format(names=shared.plain(", ".join(profile["trainers"]))) if profile["trainers"]
               else _("Trainers: none assigned yet"))
    shared.flash("profile")
    shared.flash("training")

    with st.form(f"{pk}_form"):
        c1, c2 = st.columns(2)
        country = c1.text_input(_("Country (ISO code)"), value=profile["country"], max_chars=60, help=_(COUNTRY_HELP),
                                key=f"{pk}_country")
        sector = c2.text_input(_("Sector"), value=profile["sector"], key=f"{pk}_sector")
        sizes = ["", *enterprises.SIZES]
        size = c1.selectbox(_("Size"), sizes, index=sizes.index(profile["size"]) if profile["size"] in sizes else 0,
                            format_func=labels.size_label,
                            key=f"{pk}_size")
        partner = shared.partner_picker(c2, profile["partner"], key=f"{pk}_partner")
        cluster = shared.cluster_picker(c1, profile["cluster"], key=f"{pk}_cluster")
        if st.form_submit_button(_("Save profile of {name}").format(name=shared.plain(profile["name"]))):
            try:
                enterprises.update_profile(engine, user, enterprise_id, country=country, sector=sector, size=size,
                                           partner=partner, cluster=cluster)
            except (ValueError, errors.AccessDenied) as exc:
                st.error(_("{error} Nothing was saved.").format(error=shared.plain(exc)))
            else:
                shared.form_saved("profile", enterprise_id, _("Profile saved."))

    _targets(engine, user, enterprise_id)

    st.subheader(_("SCORE modules attended"))
    trainings = profile["trainings"]
    if not trainings.empty:
        shared.dataframe(trainings.drop(columns=["id"]).assign(module=trainings["module"].map(labels.module_label)),
                     hide_index=True, key="trainings_table",
                     column_config={"module": _("module"), "start_date": st.column_config.DateColumn(_("start")),
                                    "end_date": st.column_config.DateColumn(_("end")), "cohort": _("cohort"),
                                    "trainer": _("delivered by"),
                                    "managers_female": _("managers (women)"), "managers_male": _("managers (men)"),
                                    "workers_female": _("workers (women)"), "workers_male": _("workers (men)")})
    for text in profile["advice"]:
        st.info(shared.plain(text))

    with st.form(f"{tk}_form"):  # kept when refused, cleared after a save
        st.markdown(_("**Record a module**"))
        c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
        module = c1.selectbox(_("Module"), activities.MODULES, format_func=labels.module_label, key=f"{tk}_module")
        start = c2.date_input(_("Start"), format=shared.date_format(), value=dt.date.today(), key=f"{tk}_start")
        end = c3.date_input(_("End"), format=shared.date_format(), value=dt.date.today(), key=f"{tk}_end")
        cohort = c4.text_input(_("Cohort"), key=f"{tk}_cohort", placeholder=_("e.g. 2025-H1"))
        st.caption(_("Attendees (the programme recommends two managers and two workers)"))
        a1, a2, a3, a4 = st.columns(4)
        mf = a1.number_input(_("Managers, women"), 0, 100, 1, key=f"{tk}_mf")
        mm = a2.number_input(_("Managers, men"), 0, 100, 1, key=f"{tk}_mm")
        wf = a3.number_input(_("Workers, women"), 0, 500, 1, key=f"{tk}_wf")
        wm = a4.number_input(_("Workers, men"), 0, 500, 1, key=f"{tk}_wm")
        mine = user.username if user.username in profile["trainers"] else ""
        by = _delivered_by(profile["trainers"], mine, f"{tk}_trainer")
        if st.form_submit_button(_("Save module")):
            try:
                activities.add_training(engine, user, enterprise_id, module, start, end, cohort, int(mf), int(mm),
                                        int(wf), int(wm), trainer=by)
            except (ValueError, errors.AccessDenied) as exc:
                st.error(_("{error} Nothing was saved.").format(error=shared.plain(exc)))
            else:
                done(_("{module} saved.").format(module=shared.plain(labels.module_label(module))))

    if not trainings.empty:
        st.markdown(_("**Correct or delete a recorded module**"))
        records = {int(r.id): _("{module} ({start})").format(module=labels.module_label(r.module),
                                                             start=formatting.day(r.start_date))
                   if r.start_date else labels.module_label(r.module) for r in trainings.itertuples()}
        tid = st.selectbox(_("Recorded module"), list(records), format_func=records.get,
                           key=f"training_edit_pick_{enterprise_id}")
        row = trainings.set_index("id").loc[tid]
        with st.form("edit_training_form"):  # widget keys carry the id: picking another record shows its values
            c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
            e_module = c1.selectbox(_("Module"), activities.MODULES, index=activities.MODULES.index(row["module"])
                                    if row["module"] in activities.MODULES else 0, format_func=labels.module_label,
                                    key=f"edit_module_{tid}")
            e_start = c2.date_input(_("Start"), format=shared.date_format(),
                                    value=row["start_date"], key=f"edit_start_{tid}")
            e_end = c3.date_input(_("End"), format=shared.date_format(), value=row["end_date"], key=f"edit_end_{tid}")
            e_cohort = c4.text_input(_("Cohort"), value=row["cohort"], key=f"edit_cohort_{tid}")
            a1, a2, a3, a4 = st.columns(4)
            e_counts = [col.number_input(label, 0, 500, int(row[name]), key=f"edit_{name}_{tid}")
                        for col, label, name in [(a1, _("Managers, women"), "managers_female"),
                                                 (a2, _("Managers, men"), "managers_male"),
                                                 (a3, _("Workers, women"), "workers_female"),
                                                 (a4, _("Workers, men"), "workers_male")]]
            e_by = _delivered_by(profile["trainers"], row["trainer"], f"edit_trainer_{tid}")
            b1, b2 = st.columns([1, 3])
            save_edit = b1.form_submit_button(_("Save changes"))
            sure = b2.checkbox(_("Delete this record (tick, then press Delete)"), key=f"edit_sure_{tid}")
            delete = b2.form_submit_button(_("Delete"))
        try:
            if save_edit:
                activities.update_training(engine, user, enterprise_id, tid, e_module, e_start, e_end, e_cohort,
                                           *map(int, e_counts), trainer=e_by)
                done(_("{module} record updated.").format(module=shared.plain(labels.module_label(e_module))))
            elif delete and not sure:
                st.warning(_("Tick the box to confirm the deletion, then press Delete again."))
            elif delete:
                activities.delete_training(engine, user, enterprise_id, tid)
                done(_("{module} record deleted.").format(module=shared.plain(labels.module_label(row["module"]))))
        except (ValueError, LookupError, errors.AccessDenied) as exc:
            st.error(_("{error} Nothing was changed.").format(error=shared.plain(exc)))


def _targets(engine, user, enterprise_id: int) -> None:
    """The enterprise's targets: a reduction of an indicator by a date, from the baseline (set, change, delete)."""
    st.subheader(_("Targets"))
    shared.flash("target")
    progress = targets.enterprise_progress(engine, user, enterprise_id)
    if progress.empty:
        st.caption(_("No target yet. A target is a reduction of an indicator, absolute or per unit of production, "
                     "by a date, counted from the baseline; the report shows whether the enterprise is on track."))
    else:
        shared.dataframe(tables.targets_table(progress), hide_index=True, key="profile_targets_table")
        st.caption(_(labels.ON_TRACK_NOTE))
    gk = shared.form_keys("target", enterprise_id)
    with st.form(f"{gk}_form"):  # kept when refused, cleared after a save
        st.markdown(_("**Set a target** (one per indicator: setting it again replaces it)"))
        c1, c2, c3, c4 = st.columns([2, 2, 1, 1])
        indicator = c1.selectbox(_("Indicator"), TARGET_INDICATORS, format_func=labels.indicator_label,
                                 key=f"{gk}_indicator")
        basis = c2.selectbox(_("Reduce"), TARGET_BASES, format_func=labels.basis_label,
                             key=f"{gk}_basis")
        reduction = shared.number_field(c3, _("Reduction (%)"), value=20.0, key=f"{gk}_reduction")
        by = c4.date_input(_("By"), format=shared.date_format(),
                           value=dt.date(dt.date.today().year + 3, 12, 31), key=f"{gk}_date",
                           min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
        if st.form_submit_button(_("Save target")):
            try:
                targets.set_target(engine, user, enterprise_id, indicator, basis, shared.read_number(reduction) / 100,
                                   by)
            except (ValueError, errors.AccessDenied) as exc:
                st.error(_("{error} Nothing was saved.").format(error=shared.plain(exc)))
            else:
                shared.form_saved("target", enterprise_id, _("Target for {indicator} saved.").format(
                    indicator=labels.indicator_label(indicator)))
    if not progress.empty:
        with st.form(f"target_delete_{enterprise_id}"):
            c1, c2 = st.columns([2, 3])
            which = c1.selectbox(_("Target"), list(progress["indicator"]), format_func=labels.indicator_label,
                                 key=f"target_delete_pick_{enterprise_id}")
            sure = c2.checkbox(_("Delete this target (tick, then press Delete)"),
                               key=f"target_delete_sure_{enterprise_id}")
            if st.form_submit_button(_("Delete target")):
                if not sure:
                    st.warning(_("Tick the box to confirm the deletion, then press Delete target again."))
                else:
                    try:
                        targets.delete_target(engine, user, enterprise_id, which)
                    except (LookupError, errors.AccessDenied) as exc:
                        st.error(_("{error} Nothing was changed.").format(error=shared.plain(exc)))
                    else:
                        shared.form_saved("target", enterprise_id, _("Target deleted."))


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
