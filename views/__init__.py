"""Streamlit pages: one file per user task (plus ``shared``, the glue they have in common).

This folder is deliberately not called ``pages/``: Streamlit treats a ``pages/`` folder next to
the main script as the legacy multipage mode, in which a request for a page's URL can run that
file directly, without app.py's sign-in and role check (AppTest does so on every run). The
pages are listed explicitly with st.Page/st.navigation in app.py instead.
"""
