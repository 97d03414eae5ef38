"""The SCORE4Climate tracker application: database, accounts, services, import/export, CLI.

tracker imports metrics (the unit-aware library) but never streamlit.
"""
