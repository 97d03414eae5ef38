"""Comparable periods: does a follow-up cover the same months of the year as its baseline, and is a
yearly figure extrapolated from less than a year? (DOE's SEP M&V protocol wants baseline and reporting
periods covering the same months; METHODS.md, "Comparable periods".)

A July-September follow-up against a January-March baseline compares seasons as well as the
enterprise; 365 times a quarter's per-day rate is a year extrapolated from a quarter. Where the baseline
holds periods of the follow-up's months (monthly bills of a whole year, a follow-up of one quarter),
:func:`on_same_months` gives the comparison on those months only.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.frames import period_dates, to_canonical
from metrics.indicators import DAYS_PER_YEAR

COMPARABLE_COLUMNS = ["enterprise", "baseline_months", "followup_months", "same_months", "followup_days",
                      "extrapolated", "same_months_available"]
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def months_of_year(start, end) -> frozenset[int]:
    """The months of the year (1-12) that the period [start, end] touches; all twelve from a year on."""
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    if pd.isna(a) or pd.isna(b) or b < a:
        return frozenset()
    n = (b.year - a.year) * 12 + b.month - a.month + 1
    return frozenset(range(1, 13)) if n >= 12 else frozenset((a.month - 1 + i) % 12 + 1 for i in range(n))


def months_text(months) -> str:
    """'Jan, Feb, Mar' (every month: 'all year')."""
    months = sorted(months)
    return "all year" if len(months) == 12 else ", ".join(MONTH_NAMES[m - 1] for m in months)


def _periods(df: pd.DataFrame) -> pd.DataFrame:
    if "value_canonical" not in df.columns:
        df = to_canonical(df)
    start, end = period_dates(df)
    p = pd.DataFrame({"enterprise": df["enterprise"].to_numpy(), "phase": df["phase"].to_numpy(),
                      "start": start.to_numpy(), "end": end.to_numpy()}).dropna()
    p = p.drop_duplicates(ignore_index=True)
    p["months"] = [months_of_year(a, b) for a, b in zip(p["start"], p["end"], strict=True)]
    return p


def _latest(fu: pd.DataFrame) -> pd.DataFrame:
    """Each enterprise's latest follow-up period (latest end, then latest start), as the changes take it."""
    return fu.sort_values(["enterprise", "end", "start"]).groupby("enterprise", sort=False).tail(1)


def comparability(df: pd.DataFrame) -> pd.DataFrame:
    """Per enterprise with a baseline and a follow-up: the months of the year of its baseline periods
    and of its latest follow-up period, ``same_months`` (the two sets are equal), ``followup_days``,
    ``extrapolated`` (the follow-up covers less than a year: a figure a year is 365 x its per-day rate)
    and ``same_months_available`` (its baseline holds periods within the follow-up's months covering
    all of them: :func:`on_same_months` compares on those)."""
    p = _periods(df)
    base, fu = p[p["phase"].eq("baseline")], _latest(p[p["phase"].eq("follow-up")])
    rows = []
    for ent, f in fu.groupby("enterprise", sort=False):
        b = base[base["enterprise"].eq(ent)]
        if b.empty:
            continue
        f_months = frozenset().union(*f["months"])
        b_months = frozenset().union(*b["months"])
        within = b[[m <= f_months for m in b["months"]]]
        available = bool(len(within)) and frozenset().union(*within["months"]) == f_months
        days = int(((f["end"] - f["start"]).dt.days + 1).max())
        rows.append({"enterprise": ent, "baseline_months": months_text(b_months),
                     "followup_months": months_text(f_months), "same_months": b_months == f_months,
                     "followup_days": days, "extrapolated": days < DAYS_PER_YEAR,
                     "same_months_available": available and b_months != f_months})
    return pd.DataFrame(rows, columns=COMPARABLE_COLUMNS)


def on_same_months(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with each enterprise's baseline rows narrowed to the periods within the months of the
    year of its latest follow-up, for the enterprises whose narrowed baseline covers all of those
    months and differs from the whole; other enterprises are left out (empty: none has one)."""
    if "value_canonical" not in df.columns:
        df = to_canonical(df)
    c = comparability(df)
    keep = set(c.loc[c["same_months_available"], "enterprise"])
    if not keep:
        return df.iloc[0:0]
    p = _periods(df)
    fu = _latest(p[p["phase"].eq("follow-up")]).groupby("enterprise")["months"].agg(lambda m: frozenset().union(*m))
    start, end = period_dates(df)
    ent = df["enterprise"].to_numpy()
    is_base = df["phase"].eq("baseline").to_numpy()
    ok = np.array([e in keep and (not b or months_of_year(a, z) <= fu[e])
                   for e, b, a, z in zip(ent, is_base, start, end, strict=True)], dtype=bool)
    return df[ok]
