"""Where each compared figure comes from: the periods behind each series, and one common
follow-up period.

``enterprise_changes`` compares each series (one enterprise's indicator and carrier, in one
canonical unit) over its own baseline periods and its own latest follow-up period, so a latest
follow-up can mix periods: electricity of this quarter beside diesel of an older one, materials
wasted of one period beside material input of another. These functions say which periods, and
offer the comparison on one period that every compared series was entered in.
"""
from __future__ import annotations

import pandas as pd

from metrics.aggregate import enterprise_changes
from metrics.frames import period_dates, to_canonical
from metrics.indicators import INDICATORS

SERIES_PERIOD_COLUMNS = ["enterprise", "indicator", "carrier", "unit", "baseline_from", "baseline_to",
                         "baseline_periods", "followup_from", "followup_to"]
COMMON_COLUMNS = ["enterprise", "period_start", "period_end"]
_SERIES = ["enterprise", "indicator", "unit", "carrier"]


def series_rows(df: pd.DataFrame, changes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows of ``df`` that belong to a compared series: enterprise, indicator, unit, carrier
    ('' for yield, which is one series), phase, period_start, period_end (parsed). What
    :func:`series_periods` and :func:`common_followup` read; a caller of both hands it to each.
    ``changes``: ``enterprise_changes(df)`` where the caller has it already."""
    if "value_canonical" not in df.columns or "unit_canonical" not in df.columns:
        df = to_canonical(df)
    if df.empty:
        return pd.DataFrame(columns=_SERIES + ["phase", "period_start", "period_end"])
    start, end = period_dates(df)
    ratio = df["indicator"].map(lambda i: i in INDICATORS and INDICATORS[i].kind == "ratio").astype(bool)
    carrier = df["carrier"].fillna("").astype(str) if "carrier" in df.columns else pd.Series("", index=df.index)
    rows = pd.DataFrame({"enterprise": df["enterprise"], "indicator": df["indicator"],
                         "unit": df["unit_canonical"].astype(str), "carrier": carrier.where(~ratio, ""),
                         "phase": df["phase"], "period_start": start, "period_end": end})
    compared = (enterprise_changes(df) if changes is None else changes)[["enterprise", "indicator", "unit"]]
    return rows.merge(compared, on=["enterprise", "indicator", "unit"], how="inner")


def series_periods(df: pd.DataFrame, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per compared series (enterprise, indicator, carrier, canonical unit), in order:
    the span of its baseline periods (``baseline_from`` the first start, ``baseline_to`` the last
    end, ``baseline_periods`` how many) and the follow-up period its figure comes from, its latest
    (``followup_from``, ``followup_to``). NaT where the series has no figure in that phase (it
    counts as 0 there). ``rows``: ``series_rows(df)`` where the caller has it already."""
    rows = series_rows(df) if rows is None else rows
    if rows.empty:
        return pd.DataFrame(columns=SERIES_PERIOD_COLUMNS)
    # one integer per series: grouping by it is several times cheaper than by four text columns
    code = rows.groupby(_SERIES, sort=False, dropna=False).ngroup().to_numpy()
    keys = rows[_SERIES].drop_duplicates().reset_index(drop=True)
    start, end = rows["period_start"].to_numpy(), rows["period_end"].to_numpy()
    base = rows["phase"].eq("baseline").to_numpy()
    b = pd.DataFrame({"code": code[base], "start": start[base], "end": end[base]})
    bg = b.groupby("code", sort=False)
    keys = keys.join(bg["start"].min().rename("baseline_from")).join(bg["end"].max().rename("baseline_to"))
    keys = keys.join(b.drop_duplicates().groupby("code", sort=False).size().rename("baseline_periods"))
    fu = rows["phase"].eq("follow-up").to_numpy()
    f = (pd.DataFrame({"code": code[fu], "followup_from": start[fu], "followup_to": end[fu]})
         .sort_values(["followup_to", "followup_from"], kind="stable").groupby("code", sort=False).last())
    out = keys.join(f)
    out["baseline_periods"] = out["baseline_periods"].fillna(0).astype(int)
    return out.sort_values(["enterprise", "indicator", "carrier"], kind="stable")[SERIES_PERIOD_COLUMNS].reset_index(
        drop=True)


def common_followup(df: pd.DataFrame, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per enterprise that has one: the latest follow-up period (latest end, then latest start)
    in which every compared series with a follow-up figure was entered (``COMMON_COLUMNS``).
    ``rows``: ``series_rows(df)`` where the caller has it already."""
    rows = series_rows(df) if rows is None else rows
    fu = rows[rows["phase"].eq("follow-up").to_numpy()]
    if fu.empty:
        return pd.DataFrame(columns=COMMON_COLUMNS)
    needed = fu.drop_duplicates(_SERIES).groupby("enterprise", sort=False).size().rename("needed")
    present = (fu.drop_duplicates(_SERIES + ["period_start", "period_end"])
               .groupby(["enterprise", "period_start", "period_end"], sort=False).size().rename("present")
               .reset_index().join(needed, on="enterprise"))
    complete = present[present["present"].eq(present["needed"]).to_numpy()]
    latest = (complete.sort_values(["period_end", "period_start"], kind="stable")
              .groupby("enterprise", sort=False).tail(1))
    return latest[COMMON_COLUMNS].reset_index(drop=True)


def on_common_period(df: pd.DataFrame, common: pd.DataFrame | None = None) -> pd.DataFrame:
    """``df`` with each enterprise's follow-up figures taken from its :func:`common_followup`
    period only (an enterprise without one keeps no follow-up): ``enterprise_changes`` of it is
    the comparison of the baseline with that one period. ``common``: ``common_followup(df)``
    where the caller has it already."""
    if "value_canonical" not in df.columns or "unit_canonical" not in df.columns:
        df = to_canonical(df)
    common = common_followup(df) if common is None else common
    start, end = period_dates(df)
    key = pd.MultiIndex.from_arrays([df["enterprise"], start, end])
    chosen = pd.MultiIndex.from_frame(common[COMMON_COLUMNS]) if len(common) else key[:0]
    keep = df["phase"].ne("follow-up").to_numpy() | key.isin(chosen)
    return df[keep]


def followups_differ(periods: pd.DataFrame) -> bool:
    """True when the series of ``series_periods`` take their follow-up figures from more than
    one period (within an enterprise): the latest follow-up then mixes periods."""
    fu = periods.dropna(subset=["followup_from", "followup_to"])
    return bool((fu.drop_duplicates(["enterprise", "followup_from", "followup_to"])
                 .groupby("enterprise").size() > 1).any())
