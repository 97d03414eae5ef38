"""Offline visits: take a trainer's enterprises out to a laptop, bring the visit back and merge it."""
import streamlit as st

from metrics.i18n import N_, _, ngettext
from tracker import accounts, errors, visits
from tracker import io as tio
from tracker.visit_package import PackageError
from ui import shared

ZIP = "application/zip"
#: the two sides of a conflict, as the choice between them reads
KEEP = {"server": N_("the server's"), "laptop": N_("the laptop's")}
#: a visit from start to end, for the trainer on this page (README.md, "An offline visit", says the same)
STEPS = N_("""1. **Take the visit out**: below, download the visit package. It holds your enterprises and your account:
   keep it on your laptop only.
2. **Set up the laptop**: install the tracker there (Python 3.11: `pip install -r requirements.txt`, then
   `streamlit run app.py`); on its empty database the first page offers to open the package.
3. **Work without a connection**: sign in on the laptop with your usual user name and password; every enterprise
   page works as here.
4. **Pack the visit**: on the laptop's Offline visit page, press *Pack the visit to bring back*.
5. **Merge it**: back here, upload `visit-back.zip` under *Bring a visit back* and press *Merge*. A record changed
   here too since the package was taken out is shown side by side: say which to keep.""")


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    engine = shared.engine()
    if user.role not in ("trainer", "admin"):
        st.error(_("Offline visits are for trainers and administrators."))
        st.stop()
    st.title(_("Offline visit"))
    laptop = visits.laptop_visit(engine)
    if laptop is not None:
        _laptop(engine, laptop)
        return
    st.caption(_("Take your enterprises to a laptop for a visit without a connection, then bring the visit back: "
                 "what changed only on the laptop is merged, what changed on both sides is shown side by side for "
                 "you to decide, nothing is overwritten silently."))
    with st.expander(_("The five steps of a visit")):
        st.markdown(_(STEPS))
    _take_out(engine, user)
    _bring_back(engine, user)


def _laptop(engine, manifest: dict) -> None:
    st.info(_("This is the laptop of {trainer}'s visit (exported {at} UTC). Enter figures, actions, modules and "
              "targets as usual; at the end, pack the visit and upload it on the server's Offline visit page.").format(
        trainer=shared.plain(manifest.get("trainer")), at=shared.plain(manifest.get("exported_at"))))
    st.download_button(_("Pack the visit to bring back"), lambda: visits.pack_visit(engine), "visit-back.zip", ZIP,
                       key="visit_pack", on_click="ignore")


def _take_out(engine, user) -> None:
    st.subheader(_("Take a visit out"))
    trainer = user.username
    if user.role == "admin":
        table = accounts.list_users(engine, user)
        names = table[(table["role"] == "trainer") & table["active"]]["username"].tolist()
        trainer = st.selectbox(_("Trainer"), names, index=None, key="visit_trainer", placeholder=_("Pick a trainer"))
        if trainer is None:
            return
    st.caption(_("The package holds {trainer}'s enterprises with their figures, actions, modules, targets and "
                 "profiles, and their account (its password hash): keep it on their laptop only.").format(
        trainer=shared.plain(trainer)))
    st.download_button(_("Download the visit package of {trainer}").format(trainer=trainer),
                       lambda: visits.export_visit(engine, user, trainer),
                       f"visit-{trainer}.zip", ZIP, key="visit_export", on_click="ignore")


def _bring_back(engine, user) -> None:
    st.subheader(_("Bring a visit back"))
    shared.flash("visit")
    u = shared.form_keys("visit", 0)
    upload = st.file_uploader(_("The packed visit (visit-back.zip)"), type=["zip"], key=f"{u}_file")
    if upload is None:
        return
    conflicts = st.session_state.get(f"{u}_conflicts")
    if conflicts is not None and conflicts[0] != upload.file_id:
        conflicts = None
    if conflicts is None:
        if st.button(_("Merge {file}").format(file=upload.name), key=f"{u}_merge"):
            _merge(engine, user, upload, u, None)
        return
    table = conflicts[1]
    st.warning(ngettext("{n} record was changed both on the server and during the visit since the export. Nothing "
                        "is merged yet: say which to keep.",
                        "{n} records were changed both on the server and during the visit since the export. Nothing "
                        "is merged yet: say for each which to keep.", len(table)).format(n=len(table)))
    choices = {}
    for i, row in enumerate(table.itertuples()):
        with st.container(border=True, key=f"{u}_conflict_{i}"):
            st.markdown(f"**{shared.plain(row.enterprise)}**: {shared.plain(row.record)}")
            base, server, laptop = st.columns(3)
            base.caption(_("As exported"))
            base.write(shared.plain(row.base))
            server.caption(_("On the server now"))
            server.write(shared.plain(row.server))
            laptop.caption(_("On the laptop"))
            laptop.write(shared.plain(row.laptop))
            pick = st.radio(_("Keep"), ["server", "laptop"], index=None, horizontal=True, key=f"{u}_pick_{i}",
                            format_func=lambda side: _(KEEP[side]))
            if pick is not None:
                choices[row.key] = pick
    if st.button(_("Merge {file} with these choices").format(file=upload.name), key=f"{u}_resolve"):
        if len(choices) < len(table):
            st.error(_("Say which to keep for every record ({n} left).").format(n=len(table) - len(choices)))
            return
        _merge(engine, user, upload, u, choices)


def _merge(engine, user, upload, u: str, resolutions) -> None:
    try:
        tio.check_upload_size(upload.size)
        with st.spinner(_("Checking and merging the visit")):
            done = visits.merge_visit(engine, user, upload.getvalue(), resolutions)
    except errors.VisitConflicts as exc:
        st.session_state[f"{u}_conflicts"] = (upload.file_id, exc.conflicts)
        st.rerun()
    except errors.VisitRefused as exc:
        st.error(_("{file} was refused; nothing was merged:").format(file=shared.plain(upload.name)) + "\n"
                 + "\n".join(f"- {shared.plain(r)}: {shared.plain(why)}" for r, why in exc.problems[:20]))
    except (PackageError, errors.AccessDenied, errors.RejectedInput) as exc:
        st.error(shared.plain(exc))
    else:
        said = (_("It was merged before; nothing changed.") if done.already else
                ngettext("{changed} record changed, {kept} kept as the server has them.",
                         "{changed} records changed, {kept} kept as the server has them.", done.changed).format(
                    changed=done.changed, kept=done.kept))
        shared.form_saved("visit", 0, _("{file}: the visit of {trainer}. {outcome}").format(
            file=shared.plain(upload.name), trainer=shared.plain(done.trainer), outcome=said))


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
