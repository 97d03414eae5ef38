"""The enterprise profile: who it is, who supports it, which SCORE modules it attended."""
import datetime as dt

import streamlit as st

from tracker import services
from views import shared

user, enterprise_id = shared.enterprise_page()
engine = shared.engine()
try:
    profile = services.enterprise_profile(engine, user, enterprise_id)
except services.AccessDenied as exc:
    st.error(str(exc))
    st.stop()

st.title(f"Profile: {profile['name']}")
st.caption("Trainers: " + (", ".join(profile["trainers"]) or "none assigned yet"))

with st.form("profile_form"):
    c1, c2 = st.columns(2)
    country = c1.text_input("Country (ISO code)", value=profile["country"], max_chars=2, key="profile_country")
    sector = c2.text_input("Sector or cluster", value=profile["sector"], key="profile_sector")
    sizes = ["", *services.SIZES]
    size = c1.selectbox("Size", sizes, index=sizes.index(profile["size"]) if profile["size"] in sizes else 0,
                        key="profile_size")
    partner = c2.text_input("Implementation partner", value=profile["partner"], key="profile_partner")
    if st.form_submit_button("Save profile"):
        try:
            services.update_profile(engine, user, enterprise_id, country=country, sector=sector, size=size,
                                    partner=partner)
        except (ValueError, services.AccessDenied) as exc:
            st.error(f"{exc} Nothing was saved.")
        else:
            st.success("Profile saved.")

st.subheader("SCORE modules attended")
if profile["trainings"].empty:
    st.info("No module recorded yet. Workplace Cooperation (SCORE Basics) comes first.")
else:
    st.dataframe(profile["trainings"], hide_index=True, key="trainings_table")

with st.form("training_form", clear_on_submit=True):
    st.markdown("**Record a module**")
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
    module = c1.selectbox("Module", services.MODULES, key="training_module")
    start = c2.date_input("Start", value=dt.date.today(), key="training_start")
    end = c3.date_input("End", value=dt.date.today(), key="training_end")
    cohort = c4.text_input("Cohort", key="training_cohort", placeholder="e.g. 2025-H1")
    st.caption("Attendees (the programme recommends two managers and two workers)")
    a1, a2, a3, a4 = st.columns(4)
    mf = a1.number_input("Managers, women", 0, 100, 1, key="training_mf")
    mm = a2.number_input("Managers, men", 0, 100, 1, key="training_mm")
    wf = a3.number_input("Workers, women", 0, 500, 1, key="training_wf")
    wm = a4.number_input("Workers, men", 0, 500, 1, key="training_wm")
    if st.form_submit_button("Save module"):
        try:
            advice = services.add_training(engine, user, enterprise_id, module, start, end, cohort, int(mf), int(mm),
                                           int(wf), int(wm))
        except (ValueError, services.AccessDenied) as exc:
            st.error(f"{exc} Nothing was saved.")
        else:
            st.success(f"{module} saved.")
            for text in advice:
                st.info(text)
