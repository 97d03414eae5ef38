"""Per-enterprise changes and programme aggregates, vectorised over long tables.

Definitions (METHODS.md states them for users):

* An enterprise's **baseline** for an extensive indicator (energy, waste, material_input,
  material_wasted, water, production) is its baseline total, summed over carriers, divided by
  the days of its baseline periods (distinct periods of that indicator, ends inclusive).
* Its **follow-up** is its latest follow-up period (latest period_end, then latest start) total
  per day of that period.
* For **yield**, the mean of the baseline periods' values against the mean of the latest
  follow-up period's values (fractions).
* **relative change** = follow-up / baseline - 1 per enterprise (NaN when the baseline is 0);
  **points** = (follow-up - baseline) x 100 for yield.
* ``summarize``: ``enterprises`` with both; ``mean_change`` and ``median_change`` over those
  enterprises (unweighted: each enterprise counts once); ``pooled_change`` = sum of follow-ups
  / sum of baselines - 1 (weighted by size; extensive indicators only); ``mean_points`` (yield).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.frames import to_canonical
from metrics.indicators import INDICATORS

CHANGE_COLUMNS = ["enterprise", "indicator", "baseline", "followup", "unit", "relative_change", "points", "improved",
                  "baseline_days", "followup_days", "followup_end"]


def _prepared(df: pd.DataFrame) -> pd.DataFrame:
    if "value_canonical" not in df.columns or "unit_canonical" not in df.columns:
        df = to_canonical(df)
    cols = ["enterprise", "indicator", "phase", "period_start", "period_end", "value_canonical", "unit_canonical"]
    out = df[cols].copy()
    out["period_start"] = pd.to_datetime(out["period_start"])
    out["period_end"] = pd.to_datetime(out["period_end"])
    return out


def enterprise_changes(df: pd.DataFrame) -> pd.DataFrame:
    """One row per enterprise and indicator that has a baseline and a follow-up.

    Columns: enterprise, indicator, baseline, followup (per-day rates in the canonical unit, or
    yield fractions), unit, relative_change, points (yield only), improved (None for
    production), baseline_days, followup_days, followup_end.
    """
    d = _prepared(df)
    if d.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    d["days"] = (d["period_end"] - d["period_start"]).dt.days.to_numpy() + 1
    is_ratio = d["indicator"].map({k: v.kind == "ratio" for k, v in INDICATORS.items()}).fillna(False).astype(bool)
    keys = ["enterprise", "indicator"]
    # baseline
    base = d[d["phase"] == "baseline"]
    b_sum = base.groupby(keys, sort=False).agg(total=("value_canonical", "sum"), n=("value_canonical", "size"),
                                               unit=("unit_canonical", "first"))
    b_days = (base.drop_duplicates(keys + ["period_start", "period_end"])
              .groupby(keys, sort=False)["days"].sum().rename("baseline_days"))
    b = b_sum.join(b_days)
    # latest follow-up period per enterprise and indicator
    fu = d[d["phase"] == "follow-up"]
    if fu.empty or base.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    last_end = fu.groupby(keys, sort=False)["period_end"].transform("max")
    fu = fu[fu["period_end"] == last_end]
    last_start = fu.groupby(keys, sort=False)["period_start"].transform("max")
    fu = fu[fu["period_start"] == last_start]
    f = fu.groupby(keys, sort=False).agg(ftotal=("value_canonical", "sum"), fn=("value_canonical", "size"),
                                         followup_days=("days", "first"), followup_end=("period_end", "first"))
    both = b.join(f, how="inner")
    if both.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    both = both.reset_index()
    ratio = both["indicator"].map({k: v.kind == "ratio" for k, v in INDICATORS.items()}).astype(bool)
    both["baseline"] = np.where(ratio, both["total"] / both["n"], both["total"] / both["baseline_days"])
    both["followup"] = np.where(ratio, both["ftotal"] / both["fn"], both["ftotal"] / both["followup_days"])
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = both["followup"] / both["baseline"] - 1
    both["relative_change"] = rel.where(both["baseline"] != 0)
    both["points"] = ((both["followup"] - both["baseline"]) * 100).where(ratio)
    direction = both["indicator"].map({k: v.direction for k, v in INDICATORS.items()})
    lower = both["followup"] < both["baseline"]
    higher = both["followup"] > both["baseline"]
    improved = pd.Series(np.where(direction == "lower", lower, higher), index=both.index, dtype=object)
    improved[direction.isna()] = None
    both["improved"] = improved
    del is_ratio
    return both[CHANGE_COLUMNS].sort_values(["enterprise", "indicator"], kind="stable").reset_index(drop=True)


def summarize(df: pd.DataFrame, by: list[str] | str | None = None) -> pd.DataFrame:
    """One row per indicator (and ``by`` group): enterprises, mean_change, median_change,
    pooled_change (extensive indicators), mean_points (yield), plus baseline_total and
    followup_total (sums of the per-day rates behind the pooled change).

    ``by`` names columns of ``df`` that are constant per enterprise (country, sector, ...).
    """
    by = [by] if isinstance(by, str) else list(by or [])
    per = enterprise_changes(df)
    columns = by + ["indicator", "enterprises", "mean_change", "median_change", "pooled_change", "mean_points",
                    "baseline_total", "followup_total"]
    if per.empty:
        return pd.DataFrame(columns=columns)
    if by:
        groups = df[["enterprise"] + by].drop_duplicates("enterprise")
        per = per.merge(groups, on="enterprise", how="left")
    g = per.groupby(by + ["indicator"], sort=True, dropna=False)
    out = g.agg(enterprises=("enterprise", "size"), mean_change=("relative_change", "mean"),
                median_change=("relative_change", "median"), mean_points=("points", "mean"),
                baseline_total=("baseline", "sum"), followup_total=("followup", "sum")).reset_index()
    extensive = out["indicator"].map({k: v.kind == "extensive" for k, v in INDICATORS.items()}).astype(bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = out["followup_total"] / out["baseline_total"] - 1
    out["pooled_change"] = pooled.where(extensive & (out["baseline_total"] != 0))
    return out[columns]
