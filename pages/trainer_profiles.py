"""Trainers' path to certification: every trainer for officers and admins (who record it), one's own
for a trainer."""
import streamlit as st

from metrics import formatting, labels
from metrics.i18n import N_, _, ngettext
from tracker import errors, trainers
from tracker.activities import MODULES
from tracker.countries import COUNTRY_HELP, country_label
from tracker.models import TRAINER_STATUSES
from ui import shared

PATH = N_("A trainer attends a Training of Trainers (ToT) and is then a candidate; after delivering a Training of "
          "Enterprises (ToE) cycle an Expert Trainer recommends them, and they are certified.")
NO_PROFILE = N_("no profile yet")


def _toe_config() -> dict:
    """The ToE table's column headers, in the reader's language."""
    return {"enterprise": _("enterprise"), "module": _("module"),
            "start_date": st.column_config.DateColumn(_("start")), "end_date": st.column_config.DateColumn(_("end")),
            "managers_female": _("managers (women)"), "managers_male": _("managers (men)"),
            "workers_female": _("workers (women)"), "workers_male": _("workers (men)")}


def _status(value: str) -> str:
    return labels.trainer_status_label(value) if value else _(NO_PROFILE)


def _day(value) -> str:
    return "–" if value is None or value != value else formatting.day(value)


def _toe(profile: dict) -> None:
    """The ToE cycle: the module records that name the trainer, and advice on the path."""
    toe = profile["toe"]
    st.subheader(ngettext("Training of Enterprises: {n} module(s) in {enterprises} enterprise(s)",
                          "Training of Enterprises: {n} module(s) in {enterprises} enterprise(s)", len(toe)).format(
        n=len(toe), enterprises=toe["enterprise"].nunique()))
    if toe.empty:
        st.caption(_("No module record names this trainer yet: the module records on the enterprises' profiles say "
                     "who delivered each module."))
    else:
        shared.dataframe(toe.assign(module=toe["module"].map(labels.module_label)), hide_index=True, key="toe_table",
                     column_config=_toe_config())
    for text in profile["advice"]:
        st.info(shared.plain(text))


def _own(user) -> None:
    """A trainer's own path, read only."""
    try:
        profile = trainers.trainer_profile(shared.engine(), user, user.id)
    except (errors.AccessDenied, LookupError) as exc:
        st.error(shared.plain(exc))
        st.stop()
    st.title(_("My path as a trainer"))
    st.caption(_("{path} Officers and administrators record it; tell them when something here is out of "
                 "date.").format(path=_(PATH)))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(_("Status"), _status(profile["status"]))
    c2.metric(_("ToT"), _day(profile["tot_date"]))
    c3.metric(_("Recommended"), _day(profile["recommended_on"]))
    c4.metric(_("Certified"), _day(profile["certified_on"]))
    facts = [(_("Training provider"), profile["provider"]), (_("Country"), country_label(profile["country"])),
             (_("Recommended by"), profile["recommended_by"]),
             (_("Modules I deliver"), ", ".join(labels.module_label(m) for m in profile["modules"]))]
    st.markdown("\n".join(_("- {label}: **{value}**").format(label=label, value=shared.plain(value) or "–")
                          for label, value in facts))
    _toe(profile)


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    engine = shared.engine()
    if user.role == "trainer":
        _own(user)
        return
    try:
        table = trainers.list_trainers(engine, user)
    except errors.AccessDenied as exc:
        st.error(_("{error} Trainers' profiles are for officers and admins.").format(error=shared.plain(exc)))
        st.stop()

    st.title(_("Trainers"))
    st.caption(_("{path} Every change here is written to the audit log; a trainer sees their own profile "
                 "only.").format(path=_(PATH)))
    shared.flash("trainer")
    if table.empty:
        st.info(_("No trainer account yet: an administrator creates one on the Users page (role trainer)."))
        return
    shown = table.drop(columns=["user_id"]).assign(status=table["status"].map(_status),
                                                   country=table["country"].map(country_label),
                                                   modules=[", ".join(map(labels.module_label, ms))
                                                            for ms in table["modules"]])
    shared.dataframe(shown, hide_index=True, key="trainers_table",
                 column_config={"username": _("username"), "active": _("active"), "provider": _("provider"),
                                "country": _("country"), "status": _("status"),
                                "tot_date": st.column_config.DateColumn(_("ToT")),
                                "recommended_by": _("recommended by (Expert Trainer)"),
                                "recommended_on": st.column_config.DateColumn(_("recommended on")),
                                "certified_on": st.column_config.DateColumn(_("certified on")),
                                "modules": _("modules they deliver"), "modules_delivered": _("ToE modules"),
                                "enterprises_delivered": _("ToE enterprises")})

    st.subheader(_("Record a trainer's path"))
    names = dict(zip(table["user_id"].astype(int), table["username"], strict=True))
    tid = st.selectbox(_("Trainer"), list(names), format_func=names.get, key="trainer_pick")
    profile = trainers.trainer_profile(engine, user, tid)
    k = f"trainer_{tid}"  # widget keys carry the trainer: picking another shows their values
    with st.form(f"{k}_form"):
        c1, c2, c3 = st.columns([3, 1, 2])
        provider = shared.partner_picker(c1, profile["provider"], key=f"{k}_provider", label=_("Training provider"))
        country = c2.text_input(_("Country (ISO code)"), value=profile["country"], max_chars=60, help=_(COUNTRY_HELP),
                                key=f"{k}_country")
        tot = c3.date_input(_("ToT (Training of Trainers) date"), format=shared.date_format(),
                            value=profile["tot_date"], key=f"{k}_tot")
        c1, c2, c3, c4 = st.columns([1, 2, 1, 1])
        status = c1.selectbox(_("Status"), TRAINER_STATUSES, key=f"{k}_status", format_func=labels.trainer_status_label,
                              index=TRAINER_STATUSES.index(profile["status"]) if profile["status"] else 0)
        expert = c2.text_input(_("Recommended by (Expert Trainer)"), value=profile["recommended_by"],
                               max_chars=trainers.EXPERT_LENGTH, key=f"{k}_expert")
        recommended = c3.date_input(_("Recommended on"), format=shared.date_format(),
                                    value=profile["recommended_on"], key=f"{k}_recommended")
        certified = c4.date_input(_("Certified on"), format=shared.date_format(),
                                  value=profile["certified_on"], key=f"{k}_certified")
        modules = st.multiselect(_("Modules they deliver"), MODULES, default=profile["modules"],
                                 format_func=labels.module_label, placeholder=_("Choose options"),
                                 key=f"{k}_modules")
        if st.form_submit_button(_("Save path of {name}").format(name=shared.plain(names[tid]))):
            try:
                changed = trainers.save_profile(engine, user, tid, status=status, provider=provider, country=country,
                                                tot_date=tot, recommended_by=expert, recommended_on=recommended,
                                                certified_on=certified, modules=modules)
            except (ValueError, LookupError, errors.AccessDenied) as exc:
                st.error(_("{error} Nothing was saved.").format(error=shared.plain(exc)))
            else:
                st.session_state["trainer_flash"] = (_("Path of {name} saved.").format(name=shared.plain(names[tid]))
                                                     if changed else _("Nothing had changed."))
                st.rerun()
    _toe(profile)


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
