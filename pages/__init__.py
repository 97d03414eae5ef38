"""Streamlit pages: one module per user task, each defining ``render()``, which app.py hands to st.Page.

A ``pages/`` folder beside app.py puts a freshly started Streamlit server in its legacy multipage
mode until the first session calls st.navigation: the first request for ``/<file name>`` would
run that file by itself, without app.py's sign-in. So a module here does nothing when run as a
file but send the visitor to app.py (``if __name__ == "__main__"``), its URL path (given in
app.py) differs from its file name, and ``client.showSidebarNavigation`` is off so the files are
never listed (app.py draws the navigation of the signed-in role itself).
Tested in Chromium on fresh servers: tests/e2e/test_pages_folder.py.
"""
