"""My account: who I am, and changing my own password."""
import streamlit as st

from tracker import accounts, errors
from ui import shared


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    engine = shared.engine()
    st.title("My account")
    st.caption(f"Signed in as {shared.plain(user.username)} with the role {user.role}.")
    with st.form("change_password_form", clear_on_submit=True):
        current = st.text_input("Current password", type="password", key="own_current")
        new = st.text_input(f"New password (at least {accounts.MIN_PASSWORD_LENGTH} characters)", type="password",
                            key="own_new")
        repeat = st.text_input("Repeat the new password", type="password", key="own_repeat")
        submitted = st.form_submit_button("Change password")
    if submitted:
        if new != repeat:
            st.error("The two new passwords differ. Type them again.")
        else:
            try:
                accounts.change_own_password(engine, user, current, new)
            except (ValueError, errors.AccessDenied) as exc:
                st.error(f"{shared.plain(exc)} Your password was not changed.")
            else:
                st.success("Password changed. Use the new one next time you sign in.")


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
