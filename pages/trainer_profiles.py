"""Trainers' path to certification: every trainer for officers and admins (who record it), one's own
for a trainer."""
import streamlit as st

from tracker import errors, trainers
from tracker.activities import MODULES
from tracker.countries import COUNTRY_HELP, country_label
from tracker.models import TRAINER_STATUSES
from ui import shared

PATH = ("A trainer attends a Training of Trainers (ToT) and is then a candidate; after delivering a Training of "
        "Enterprises (ToE) cycle an Expert Trainer recommends them, and they are certified.")
NO_PROFILE = "no profile yet"
TOE_CONFIG = {"start_date": st.column_config.DateColumn("start"), "end_date": st.column_config.DateColumn("end"),
              "managers_female": "managers (women)", "managers_male": "managers (men)",
              "workers_female": "workers (women)", "workers_male": "workers (men)"}


def _status(value: str) -> str:
    return value or NO_PROFILE


def _day(value) -> str:
    return "–" if value is None or value != value else f"{value:%Y-%m-%d}"


def _toe(profile: dict) -> None:
    """The ToE cycle: the module records that name the trainer, and advice on the path."""
    toe = profile["toe"]
    st.subheader(f"Training of Enterprises: {len(toe)} module(s) in {toe['enterprise'].nunique()} enterprise(s)")
    if toe.empty:
        st.caption("No module record names this trainer yet: the module records on the enterprises' profiles say who "
                   "delivered each module.")
    else:
        st.dataframe(toe, hide_index=True, key="toe_table", column_config=TOE_CONFIG)
    for text in profile["advice"]:
        st.info(shared.plain(text))


def _own(user) -> None:
    """A trainer's own path, read only."""
    try:
        profile = trainers.trainer_profile(shared.engine(), user, user.id)
    except (errors.AccessDenied, LookupError) as exc:
        st.error(shared.plain(exc))
        st.stop()
    st.title("My path as a trainer")
    st.caption(PATH + " Officers and administrators record it; tell them when something here is out of date.")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Status", _status(profile["status"]))
    c2.metric("ToT", _day(profile["tot_date"]))
    c3.metric("Recommended", _day(profile["recommended_on"]))
    c4.metric("Certified", _day(profile["certified_on"]))
    facts = [("Training provider", profile["provider"]), ("Country", country_label(profile["country"])),
             ("Recommended by", profile["recommended_by"]), ("Modules I deliver", ", ".join(profile["modules"]))]
    st.markdown("\n".join(f"- {label}: **{shared.plain(value) or '–'}**" for label, value in facts))
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
        st.error(f"{shared.plain(exc)} Trainers' profiles are for officers and admins.")
        st.stop()

    st.title("Trainers")
    st.caption(PATH + " Every change here is written to the audit log; a trainer sees their own profile only.")
    shared.flash("trainer")
    if table.empty:
        st.info("No trainer account yet: an administrator creates one on the Users page (role trainer).")
        return
    shown = table.drop(columns=["user_id"]).assign(status=table["status"].map(_status),
                                                   country=table["country"].map(country_label),
                                                   modules=table["modules"].map(", ".join))
    st.dataframe(shown, hide_index=True, key="trainers_table",
                 column_config={"tot_date": st.column_config.DateColumn("ToT"),
                                "recommended_by": "recommended by (Expert Trainer)",
                                "recommended_on": st.column_config.DateColumn("recommended on"),
                                "certified_on": st.column_config.DateColumn("certified on"),
                                "modules": "modules they deliver", "modules_delivered": "ToE modules",
                                "enterprises_delivered": "ToE enterprises"})

    st.subheader("Record a trainer's path")
    names = dict(zip(table["user_id"].astype(int), table["username"], strict=True))
    tid = st.selectbox("Trainer", list(names), format_func=names.get, key="trainer_pick")
    profile = trainers.trainer_profile(engine, user, tid)
    k = f"trainer_{tid}"  # widget keys carry the trainer: picking another shows their values
    with st.form(f"{k}_form"):
        c1, c2, c3 = st.columns([3, 1, 2])
        provider = shared.partner_picker(c1, profile["provider"], key=f"{k}_provider", label="Training provider")
        country = c2.text_input("Country (ISO code)", value=profile["country"], max_chars=60, help=COUNTRY_HELP,
                                key=f"{k}_country")
        tot = c3.date_input("ToT (Training of Trainers) date", value=profile["tot_date"], key=f"{k}_tot")
        c1, c2, c3, c4 = st.columns([1, 2, 1, 1])
        status = c1.selectbox("Status", TRAINER_STATUSES, key=f"{k}_status",
                              index=TRAINER_STATUSES.index(profile["status"]) if profile["status"] else 0)
        expert = c2.text_input("Recommended by (Expert Trainer)", value=profile["recommended_by"],
                               max_chars=trainers.EXPERT_LENGTH, key=f"{k}_expert")
        recommended = c3.date_input("Recommended on", value=profile["recommended_on"], key=f"{k}_recommended")
        certified = c4.date_input("Certified on", value=profile["certified_on"], key=f"{k}_certified")
        modules = st.multiselect("Modules they deliver", MODULES, default=profile["modules"], key=f"{k}_modules")
        if st.form_submit_button(f"Save path of {shared.plain(names[tid])}"):
            try:
                changed = trainers.save_profile(engine, user, tid, status=status, provider=provider, country=country,
                                                tot_date=tot, recommended_by=expert, recommended_on=recommended,
                                                certified_on=certified, modules=modules)
            except (ValueError, LookupError, errors.AccessDenied) as exc:
                st.error(f"{shared.plain(exc)} Nothing was saved.")
            else:
                st.session_state["trainer_flash"] = (f"Path of {shared.plain(names[tid])} saved." if changed
                                                     else "Nothing had changed.")
                st.rerun()
    _toe(profile)


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
