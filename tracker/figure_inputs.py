"""The optional inputs beside a stored figure (``metrics.OPTIONAL_COLUMNS``: the renewable share of electricity, a
material's price and currency), as the write path compares, stores and shows them (tracker/measurements.py)."""
from __future__ import annotations

import pandas as pd

from metrics.i18n import _


def changed(old: pd.DataFrame) -> pd.Series:
    """True where an optional input (renewable share, price, currency) differs from the stored one (NULL and NaN and
    '' are all "not entered")."""
    out = pd.Series(False, index=old.index)
    for col in ("renewable_pct", "price"):
        a, b = old[col].astype(float), old[f"old_{col}"].astype(float)
        out |= ~((a == b) | (a.isna() & b.isna()))
    return out | (old["currency"].fillna("").astype(str) != old["old_currency"].fillna("").astype(str))


def text(price, currency, renewable_pct) -> str:
    """', 40 % renewable' or ', at 150 INR per unit': a figure's optional inputs beside it, where entered."""
    out = ""
    if renewable_pct is not None and not pd.isna(renewable_pct):
        out += ", " + _("{share} % renewable").format(share=f"{float(renewable_pct):g}")
    if price is not None and not pd.isna(price):
        out += ", " + _("at {price} {currency} per unit").format(price=f"{float(price):g}",
                                                                 currency=currency or "").replace("  ", " ")
    return out


def stored(r) -> dict:
    """A row's optional inputs as stored: None where not entered."""
    return {"renewable_pct": None if pd.isna(r.renewable_pct) else float(r.renewable_pct),
            "price": None if pd.isna(r.price) else float(r.price), "currency": r.currency or None}
