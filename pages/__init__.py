"""Streamlit pages: one module per user task, each defining ``render()``, which app.py hands to st.Page.

A ``pages/`` folder beside app.py puts a freshly started Streamlit server in its legacy multipage
mode until the first session calls st.navigation: the first request for ``/<file name>`` would
run that file by itself, without app.py's sign-in, and list every file in the sidebar. So:

- a module here does nothing when run as a file but send the visitor to app.py
  (``if __name__ == "__main__"``);
- its URL path (given in app.py) differs from its file name, so a page's URL never names a file;
- every run of app.py ends in st.navigation (even when the database cannot be opened), whose
  navigation replaces the legacy list of files.

``client.showSidebarNavigation`` stays on: turned off, Streamlit hides st.navigation's sidebar as
well (commands/navigation.py; app_session sends hide_sidebar_nav), and a navigation across the
top overflows into "3 more" for an administrator. Tested in Chromium on fresh servers, the first
request for every page's URL and file name, and with a database that cannot be opened:
tests/e2e/test_pages_folder.py.
"""
