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
from metrics.i18n import _
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
    return _("all year") if len(months) == 12 else ", ".join(MONTH_NAMES[m - 1] for m in months)


def _mask(months) -> int:
    """The months of the year as 12 bits (January the lowest)."""
    return sum(1 << (m - 1) for m in months)


def span_masks(start: pd.Series, end: pd.Series) -> np.ndarray:
    """:func:`months_of_year` of each period as 12 bits (January the lowest), every period at once: the
    ``n`` months from the start's month on, wrapped past December; all twelve from a year on, none for a
    period without dates or ending before it starts."""
    a, b = pd.to_datetime(start), pd.to_datetime(end)
    a_month, b_month = a.dt.month.to_numpy(np.float64), b.dt.month.to_numpy(np.float64)
    n = (b.dt.year.to_numpy(np.float64) - a.dt.year.to_numpy(np.float64)) * 12 + b_month - a_month + 1
    valid = np.isfinite(n) & (b >= a).to_numpy(dtype=bool, na_value=False)
    n = np.where(valid, n, 0).astype(np.int64)
    first = np.where(valid, a_month, 1).astype(np.int64) - 1
    run = ((np.int64(1) << np.minimum(n, 12)) - 1) << first  # bits first .. first + n - 1, up to bit 22
    return np.where(n >= 12, 4095, (run | run >> 12) & 4095).astype(np.int64)


def _months(mask: int) -> frozenset[int]:
    return frozenset(m for m in range(1, 13) if mask >> (m - 1) & 1)


def _periods(df: pd.DataFrame) -> pd.DataFrame:
    """Distinct (enterprise, phase, start, end) with ``mask``, the months of the year as 12 bits (worked out
    once per distinct period, not per row)."""
    if "value_canonical" not in df.columns:
        df = to_canonical(df)
    start, end = period_dates(df)
    p = pd.DataFrame({"enterprise": df["enterprise"].to_numpy(), "phase": df["phase"].to_numpy(),
                      "start": start.to_numpy(), "end": end.to_numpy()}).dropna()
    p = p.drop_duplicates(ignore_index=True)
    spans = p[["start", "end"]].drop_duplicates()
    spans["mask"] = span_masks(spans["start"], spans["end"])
    return p.merge(spans, on=["start", "end"], how="left")


def _latest(fu: pd.DataFrame) -> pd.DataFrame:
    """Each enterprise's latest follow-up period (latest end, then latest start), as the changes take it."""
    return fu.sort_values(["enterprise", "end", "start"]).groupby("enterprise", sort=False).tail(1)


def _union(masks: pd.DataFrame) -> pd.Series:
    """Per enterprise, the union of its periods' month masks (one column per bit: vectorised)."""
    bits = np.stack([(masks["mask"].to_numpy(np.int64) >> b) & 1 for b in range(12)], axis=1)
    per = pd.DataFrame(bits, index=masks["enterprise"].to_numpy()).groupby(level=0, sort=False).max()
    return pd.Series((per.to_numpy(np.int64) << np.arange(12)).sum(axis=1), index=per.index)


def comparability(df: pd.DataFrame) -> pd.DataFrame:
    """Per enterprise with a baseline and a follow-up: the months of the year of its baseline periods
    and of its latest follow-up period, ``same_months`` (the two sets are equal), ``followup_days``,
    ``extrapolated`` (the follow-up covers less than a year: a figure a year is 365 x its per-day rate)
    and ``same_months_available`` (its baseline holds periods within the follow-up's months covering
    all of them: :func:`on_same_months` compares on those). Vectorised over enterprises."""
    p = _periods(df)
    base, fu = p[p["phase"].eq("baseline")], _latest(p[p["phase"].eq("follow-up")])
    fu = fu[fu["enterprise"].isin(base["enterprise"]).to_numpy()]
    if fu.empty:
        return pd.DataFrame(columns=COMPARABLE_COLUMNS)
    f_mask = fu.set_index("enterprise")["mask"].astype(np.int64)
    b_mask = _union(base).reindex(f_mask.index)
    b_f = f_mask.reindex(base["enterprise"].to_numpy()).fillna(0).to_numpy(np.int64)  # no follow-up: unused
    inside = base[(base["mask"].to_numpy(np.int64) & ~b_f) == 0]
    within = _union(inside).reindex(f_mask.index).fillna(-1).astype(np.int64) if len(inside) else pd.Series(
        -1, index=f_mask.index)
    days = ((fu["end"] - fu["start"]).dt.days + 1).to_numpy()
    same = (b_mask.to_numpy(np.int64) == f_mask.to_numpy())
    texts = {m: months_text(_months(int(m))) for m in set(b_mask.tolist()) | set(f_mask.tolist())}
    return pd.DataFrame({
        "enterprise": f_mask.index.to_numpy(), "baseline_months": [texts[m] for m in b_mask.tolist()],
        "followup_months": [texts[m] for m in f_mask.tolist()], "same_months": same, "followup_days": days,
        "extrapolated": days < DAYS_PER_YEAR, "same_months_available": (within.to_numpy() == f_mask.to_numpy()) & ~same,
    }, columns=COMPARABLE_COLUMNS)


def on_same_months(df: pd.DataFrame, comparable: pd.DataFrame | None = None) -> pd.DataFrame:
    """``df`` with each enterprise's baseline rows narrowed to the periods within the months of the
    year of its latest follow-up, for the enterprises whose narrowed baseline covers all of those
    months and differs from the whole; other enterprises are left out (empty: none has one).
    ``comparable``: ``comparability(df)`` where the caller has it already."""
    if "value_canonical" not in df.columns:
        df = to_canonical(df)
    c = comparability(df) if comparable is None else comparable
    keep = set(c.loc[c["same_months_available"], "enterprise"])
    if not keep:
        return df.iloc[0:0]
    p = _periods(df)
    fu = _latest(p[p["phase"].eq("follow-up")]).set_index("enterprise")["mask"]
    start, end = period_dates(df)
    ent = df["enterprise"].to_numpy()
    is_base = df["phase"].eq("baseline").to_numpy(dtype=bool, na_value=False)
    # the months of each distinct period worked out once, not per row
    days = pd.MultiIndex.from_arrays([start.to_numpy("datetime64[ns]").astype(np.int64),
                                      end.to_numpy("datetime64[ns]").astype(np.int64)])
    codes, spans = days.factorize()
    first = np.unique(codes, return_index=True)[1]
    masks = span_masks(start.iloc[first], end.iloc[first])[codes]
    mine = np.isin(ent, list(keep))
    f_mask = fu.reindex(ent).fillna(0).to_numpy(np.int64)  # an enterprise without a follow-up is not kept
    ok = mine & (~is_base | ((masks & ~f_mask) == 0))
    return df[ok]
