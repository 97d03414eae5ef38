"""A results statement's figures: what an issued statement freezes, and how today's figures differ from them.

:func:`statement_figures` flattens the figures a statement shows (headline changes, absolute and per unit of
production; emissions by scope of the reporting period; each target's progress) into {name: value};
:func:`statement_differences` compares a frozen set with today's, figure by figure (METHODS.md, "Results
statement").
"""
from __future__ import annotations

import math

import pandas as pd

#: how close two figures must be to read "the same" (relative; figures are stored as JSON floats)
TOLERANCE = 1e-9


def statement_figures(changes: pd.DataFrame, normalised: pd.DataFrame, datapoints: pd.DataFrame,
                      progress: pd.DataFrame) -> dict[str, float | None]:
    """{figure: value} of a statement: ``change: energy`` (relative, a fraction; yield in points as
    ``points: yield``), ``change per unit of production: energy``, the reporting period's ``scope 1``, ``scope 2``
    and ``scope 1 and 2`` (t CO2e), ``energy`` (MWh), and per target ``target achieved: energy``. None where a
    figure is not collected. From ``metrics.report_changes``, ``metrics.report_normalised``,
    ``metrics.enterprise_datapoints`` and ``metrics.target_progress`` rows."""
    out: dict[str, float | None] = {}

    def put(name, value):
        out[name] = None if value is None or pd.isna(value) else float(value)

    for r in changes.itertuples() if not changes.empty else ():
        if r.indicator == "production":
            continue
        if r.indicator == "yield":
            put("points: yield", r.points)
        else:
            put(f"change: {r.indicator}", r.relative_change)
    for r in normalised.itertuples() if not normalised.empty else ():
        put(f"change per unit of production: {r.indicator}", r.normalised_change)
    if not datapoints.empty:
        v = dict(zip(datapoints["key"], datapoints["value"], strict=True))
        for key, name in (("energy_total", "energy (MWh)"), ("scope1", "scope 1 (t CO2e)"),
                          ("scope2", "scope 2 (t CO2e)"), ("ghg_gross", "scope 1 and 2 (t CO2e)")):
            put(name, v.get(key))
    for r in progress.itertuples() if not progress.empty else ():
        put(f"target achieved: {r.indicator}", getattr(r, "achieved", None))
    return out


def statement_differences(frozen: dict, today: dict) -> pd.DataFrame:
    """Per figure of either set: ``issued``, ``today`` and ``difference`` (today - issued; NaN where either is
    missing), ``changed`` (True where they differ, or one is missing where the other is not)."""
    rows = []
    for name in list(frozen) + [n for n in today if n not in frozen]:
        a, b = frozen.get(name), today.get(name)
        if a is None or b is None:
            changed = (a is None) != (b is None)
            diff = math.nan
        else:
            diff = b - a
            changed = abs(diff) > TOLERANCE * max(1.0, abs(a), abs(b))
        rows.append({"figure": name, "issued": a, "today": b, "difference": diff, "changed": changed})
    return pd.DataFrame(rows, columns=["figure", "issued", "today", "difference", "changed"])
