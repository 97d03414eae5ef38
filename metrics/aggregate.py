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
    return df


def _ns(series: pd.Series) -> np.ndarray:
    """Dates as int64 nanoseconds (whatever date type came in)."""
    if not pd.api.types.is_datetime64_any_dtype(series):
        series = pd.to_datetime(series)
    return series.to_numpy(dtype="datetime64[ns]").astype(np.int64)


def enterprise_changes(df: pd.DataFrame) -> pd.DataFrame:
    """One row per enterprise and indicator that has a baseline and a follow-up.

    Columns: enterprise, indicator, baseline, followup (per-day rates in the canonical unit, or
    yield fractions), unit, relative_change, points (yield only), improved (None for
    production), baseline_days, followup_days, followup_end.

    Vectorised: enterprise and indicator are factorised once and every step groups on one
    integer key.
    """
    d = _prepared(df)
    if d.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    ent_codes, ent_names = pd.factorize(d["enterprise"])
    ind_codes, ind_names = pd.factorize(d["indicator"])
    n_ind = max(len(ind_names), 1)
    key = ent_codes.astype(np.int64) * n_ind + ind_codes
    start, end = _ns(d["period_start"]), _ns(d["period_end"])
    days = (end - start) // 86_400_000_000_000 + 1
    value = d["value_canonical"].to_numpy(dtype=float)
    is_base = (d["phase"] == "baseline").to_numpy(dtype=bool, na_value=False)
    is_fu = (d["phase"] == "follow-up").to_numpy(dtype=bool, na_value=False)
    if not is_base.any() or not is_fu.any():
        return pd.DataFrame(columns=CHANGE_COLUMNS)

    base = pd.DataFrame({"key": key[is_base], "v": value[is_base], "s": start[is_base], "e": end[is_base],
                         "days": days[is_base], "row": np.flatnonzero(is_base)})
    b = base.groupby("key", sort=False).agg(total=("v", "sum"), n=("v", "size"), row=("row", "first"))
    b["baseline_days"] = base.drop_duplicates(["key", "s", "e"]).groupby("key", sort=False)["days"].sum()

    fu = pd.DataFrame({"key": key[is_fu], "v": value[is_fu], "s": start[is_fu], "e": end[is_fu],
                       "days": days[is_fu]})
    fu = fu[fu["e"].to_numpy() == fu.groupby("key", sort=False)["e"].transform("max").to_numpy()]
    fu = fu[fu["s"].to_numpy() == fu.groupby("key", sort=False)["s"].transform("max").to_numpy()]
    f = fu.groupby("key", sort=False).agg(ftotal=("v", "sum"), fn=("v", "size"), followup_days=("days", "first"),
                                          followup_end=("e", "first"))
    both = b.join(f, how="inner")
    if both.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    k = both.index.to_numpy()
    e_code, i_code = k // n_ind, k % n_ind
    names = np.asarray(ind_names, dtype=object)
    is_ratio_ind = np.array([INDICATORS[i].kind == "ratio" if i in INDICATORS else False for i in names])
    direction_ind = np.array([INDICATORS[i].direction if i in INDICATORS else None for i in names], dtype=object)
    order = np.lexsort((i_code, e_code))  # enterprises in order of appearance, then indicators
    e_code, i_code, both = e_code[order], i_code[order], both.iloc[order]
    ratio, direction = is_ratio_ind[i_code], direction_ind[i_code]
    total, n, bdays = both["total"].to_numpy(), both["n"].to_numpy(), both["baseline_days"].to_numpy()
    ftotal, fn, fdays = both["ftotal"].to_numpy(), both["fn"].to_numpy(), both["followup_days"].to_numpy()
    baseline = np.where(ratio, total / n, total / bdays)
    followup = np.where(ratio, ftotal / fn, ftotal / fdays)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(baseline != 0, followup / baseline - 1, np.nan)
    improved = np.where(direction == "lower", followup < baseline, followup > baseline).astype(object)
    improved[pd.isna(direction)] = None
    out = pd.DataFrame({
        "enterprise": pd.Index(ent_names).take(e_code),
        "indicator": pd.Index(ind_names).take(i_code),
        "baseline": baseline,
        "followup": followup,
        "unit": d["unit_canonical"].iloc[both["row"].to_numpy()].astype(str).to_numpy(),
        "relative_change": relative,
        "points": np.where(ratio, (followup - baseline) * 100, np.nan),
        "improved": improved,
        "baseline_days": bdays,
        "followup_days": fdays,
        "followup_end": pd.to_datetime(both["followup_end"].to_numpy()),
    })
    return out


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
    extensive = out["indicator"].isin([k for k, v in INDICATORS.items() if v.kind == "extensive"])
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = out["followup_total"] / out["baseline_total"] - 1
    out["pooled_change"] = pooled.where(extensive & (out["baseline_total"] != 0))
    return out[columns]
