"""The SCORE4Climate tracker application: flat modules, one concern each, importing downward only.

tracker imports metrics (the unit-aware library) but never streamlit.
"""
