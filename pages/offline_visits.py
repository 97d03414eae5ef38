"""Offline visits: take a trainer's enterprises out to a laptop, bring the visit back and merge it."""
import streamlit as st

from tracker import accounts, errors, visits
from tracker import io as tio
from tracker.visit_package import PackageError
from ui import shared

ZIP = "application/zip"
#: a visit from start to end, for the trainer on this page (README.md, "An offline visit", says the same)
STEPS = """1. **Take the visit out**: below, download the visit package. It holds your enterprises and your account:
   keep it on your laptop only.
2. **Set up the laptop**: install the tracker there (Python 3.11: `pip install -r requirements.txt`, then
   `streamlit run app.py`); on its empty database the first page offers to open the package.
3. **Work without a connection**: sign in on the laptop with your usual user name and password; every enterprise
   page works as here.
4. **Pack the visit**: on the laptop's Offline visit page, press *Pack the visit to bring back*.
5. **Merge it**: back here, upload `visit-back.zip` under *Bring a visit back* and press *Merge*. A record changed
   here too since the package was taken out is shown side by side: say which to keep."""


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    engine = shared.engine()
    if user.role not in ("trainer", "admin"):
        st.error("Offline visits are for trainers and administrators.")
        st.stop()
    st.title("Offline visit")
    laptop = visits.laptop_visit(engine)
    if laptop is not None:
        _laptop(engine, laptop)
        return
    st.caption("Take your enterprises to a laptop for a visit without a connection, then bring the visit back: "
               "what changed only on the laptop is merged, what changed on both sides is shown side by side for "
               "you to decide, nothing is overwritten silently.")
    with st.expander("The five steps of a visit"):
        st.markdown(STEPS)
    _take_out(engine, user)
    _bring_back(engine, user)


def _laptop(engine, manifest: dict) -> None:
    st.info(f"This is the laptop of {shared.plain(manifest.get('trainer'))}'s visit (exported "
            f"{shared.plain(manifest.get('exported_at'))} UTC). Enter figures, actions, modules and targets as usual; "
            "at the end, pack the visit and upload it on the server's Offline visit page.")
    st.download_button("Pack the visit to bring back", lambda: visits.pack_visit(engine), "visit-back.zip", ZIP,
                       key="visit_pack", on_click="ignore")


def _take_out(engine, user) -> None:
    st.subheader("Take a visit out")
    trainer = user.username
    if user.role == "admin":
        table = accounts.list_users(engine, user)
        names = table[(table["role"] == "trainer") & table["active"]]["username"].tolist()
        trainer = st.selectbox("Trainer", names, index=None, key="visit_trainer", placeholder="Pick a trainer")
        if trainer is None:
            return
    st.caption(f"The package holds {shared.plain(trainer)}'s enterprises with their figures, actions, modules, "
               "targets and profiles, and their account (its password hash): keep it on their laptop only.")
    st.download_button(f"Download the visit package of {trainer}", lambda: visits.export_visit(engine, user, trainer),
                       f"visit-{trainer}.zip", ZIP, key="visit_export", on_click="ignore")


def _bring_back(engine, user) -> None:
    st.subheader("Bring a visit back")
    shared.flash("visit")
    u = shared.form_keys("visit", 0)
    upload = st.file_uploader("The packed visit (visit-back.zip)", type=["zip"], key=f"{u}_file")
    if upload is None:
        return
    conflicts = st.session_state.get(f"{u}_conflicts")
    if conflicts is not None and conflicts[0] != upload.file_id:
        conflicts = None
    if conflicts is None:
        if st.button(f"Merge {upload.name}", key=f"{u}_merge"):
            _merge(engine, user, upload, u, None)
        return
    table = conflicts[1]
    st.warning(f"{len(table)} record(s) were changed both on the server and during the visit since the export. "
               "Nothing is merged yet: say for each which to keep.")
    choices = {}
    for i, row in enumerate(table.itertuples()):
        with st.container(border=True, key=f"{u}_conflict_{i}"):
            st.markdown(f"**{shared.plain(row.enterprise)}**: {shared.plain(row.record)}")
            base, server, laptop = st.columns(3)
            base.caption("As exported")
            base.write(shared.plain(row.base))
            server.caption("On the server now")
            server.write(shared.plain(row.server))
            laptop.caption("On the laptop")
            laptop.write(shared.plain(row.laptop))
            pick = st.radio("Keep", ["the server's", "the laptop's"], index=None, horizontal=True, key=f"{u}_pick_{i}")
            if pick is not None:
                choices[row.key] = "server" if pick == "the server's" else "laptop"
    if st.button(f"Merge {upload.name} with these choices", key=f"{u}_resolve"):
        if len(choices) < len(table):
            st.error(f"Say which to keep for every record ({len(table) - len(choices)} left).")
            return
        _merge(engine, user, upload, u, choices)


def _merge(engine, user, upload, u: str, resolutions) -> None:
    try:
        tio.check_upload_size(upload.size)
        with st.spinner("Checking and merging the visit"):
            done = visits.merge_visit(engine, user, upload.getvalue(), resolutions)
    except errors.VisitConflicts as exc:
        st.session_state[f"{u}_conflicts"] = (upload.file_id, exc.conflicts)
        st.rerun()
    except errors.VisitRefused as exc:
        st.error(f"{shared.plain(upload.name)} was refused; nothing was merged:\n"
                 + "\n".join(f"- {shared.plain(r)}: {shared.plain(why)}" for r, why in exc.problems[:20]))
    except (PackageError, errors.AccessDenied, errors.RejectedInput) as exc:
        st.error(shared.plain(exc))
    else:
        said = ("It was merged before; nothing changed." if done.already else
                f"{done.changed} record(s) changed, {done.kept} kept as the server has them.")
        shared.form_saved("visit", 0, f"{shared.plain(upload.name)}: the visit of {shared.plain(done.trainer)}. {said}")


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
