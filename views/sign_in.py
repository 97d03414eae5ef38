"""Sign in with a user name and password."""
import streamlit as st

from views import shared
from tracker import auth

st.title("SCORE4Climate tracker")
st.caption("Resource-efficiency results of SMEs trained under the ILO SCORE programme.")
with st.form("sign_in_form"):
    username = st.text_input("User name", key="sign_in_username")
    password = st.text_input("Password", type="password", key="sign_in_password")
    submitted = st.form_submit_button("Sign in")
if submitted:
    try:
        st.session_state["user"] = auth.authenticate(shared.engine(), username, password)
    except auth.SignInThrottled as exc:
        st.error(str(exc))
    except auth.SignInError as exc:
        st.error(f"{exc} Check both and try again.")
    else:
        st.rerun()
