"""Aggregates over enterprises, from their per-enterprise changes: one rule for every consumer.

The input is a frame of per-enterprise changes as :func:`metrics.enterprise_changes` gives them
(columns enterprise, indicator, unit, baseline, followup, relative_change, points; more columns
are carried along), or the stored rows of the tracker's ``enterprise_summary``, which hold the
same figures. ``metrics.summarize``, the programme overview, the enterprise report's database
averages and the exports all aggregate through :func:`aggregate_changes`, so their counts, means,
medians and pooled changes are one computation (METHODS.md, "Aggregates").

The rules, decided here once:

* **Who counts.** An enterprise counts for an indicator when its baseline and its follow-up are
  numbers and its baseline is not 0. A zero baseline has no relative change; it is left out of
  the count, the mean, the median *and* the pooled sums (the tracker lists it under data quality),
  so that ``enterprises`` is the number behind every figure of its row.
* **Once per enterprise.** An indicator in several kinds of unit (production in pieces and in
  kg) is one enterprise with the mean of its changes (relative, points) and of its improvement.
* **Pooled** = sum of follow-up rates / sum of baseline rates - 1, extensive indicators in one
  unit only (``unit`` reads ``mixed`` otherwise).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.indicators import DAYS_PER_YEAR, INDICATORS
from metrics.normalise import NORMALISED_OF

AGGREGATE_COLUMNS = ["indicator", "unit", "enterprises", "mean_change", "median_change", "pooled_change",
                     "mean_points", "improved_share", "baseline_total", "followup_total"]
SPREAD_COLUMNS = ["indicator", "enterprises", "p05", "q1", "median", "q3", "p95", "mean"]
#: the quantiles behind the spread
QUANTILES = {"p05": 0.05, "q1": 0.25, "median": 0.5, "q3": 0.75, "p95": 0.95}
#: (column prefix, count column) of the emissions avoided: the total (scope 1 + scope 2) and each scope
EMISSION_PARTS = (("co2e", "co2_enterprises"), ("scope1", "scope1_enterprises"), ("scope2", "scope2_enterprises"))
AVOIDED_COLUMNS = ["enterprises", "energy_baseline_mwh_per_year", "energy_avoided_mwh_per_year", "co2_enterprises",
                   "co2e_baseline_t_per_year", "co2e_avoided_t_per_year", "scope1_enterprises",
                   "scope1_baseline_t_per_year", "scope1_avoided_t_per_year", "scope2_enterprises",
                   "scope2_baseline_t_per_year", "scope2_avoided_t_per_year"]
#: figures whose per-day rates add up over enterprises: the extensive indicators and their
#: production-adjusted forms (metrics.normalise), whose baseline and follow-up are in the indicator's unit
EXTENSIVE = tuple(k for k, v in INDICATORS.items() if v.kind == "extensive") + tuple(NORMALISED_OF)
_COUNTED = ["enterprise", "indicator", "unit", "units", "relative_change", "points", "better", "b_pool", "f_pool"]
_FLOATS = ("relative_change", "points", "better", "b_pool", "f_pool")
_DIRECTION = {k: v.direction for k, v in INDICATORS.items()} | {k: INDICATORS[v].direction
                                                                 for k, v in NORMALISED_OF.items()}


def _better(indicator, baseline, followup) -> np.ndarray:
    """Per row 1.0 (better in the indicator's direction), 0.0 (worse) or NaN (production, no
    change, a missing figure, an unknown indicator); one look-up per distinct indicator."""
    codes, names = pd.factorize(np.asarray(indicator, dtype=object) if not isinstance(indicator, pd.Series)
                                else indicator)
    lower = np.array([_DIRECTION.get(str(n)) == "lower" for n in names] + [False])[codes]
    higher = np.array([_DIRECTION.get(str(n)) == "higher" for n in names] + [False])[codes]
    baseline, followup = np.asarray(baseline, dtype=float), np.asarray(followup, dtype=float)
    with np.errstate(invalid="ignore"):
        out = np.where(lower, followup < baseline, followup > baseline).astype(float)
        out[~(lower | higher) | (followup == baseline) | np.isnan(baseline) | np.isnan(followup)] = np.nan
    return out


def improved(indicator, baseline, followup) -> np.ndarray:
    """Per row: True when the follow-up is better than the baseline in the indicator's direction
    (lower energy, higher yield), False when worse, None for production, no change or a missing figure."""
    better = _better(indicator, baseline, followup)
    out = np.full(len(better), None, dtype=object)
    out[better == 1] = True
    out[better == 0] = False
    return out


def counted_changes(changes: pd.DataFrame, rows: np.ndarray | None = None) -> pd.DataFrame:
    """The rows that count in the aggregates, one per enterprise and indicator (the rules of the
    module docstring): columns enterprise, indicator, unit, units (how many kinds of unit it was
    entered in), relative_change, points, better (1 improved, 0 worse, NaN neither), b_pool and
    f_pool (its baseline and follow-up rates for the pooled sums: extensive indicators only),
    followup_end (the latest, where given), and every other column's first value. A frame this
    function returned is returned as it is.

    ``rows`` (a boolean per row) limits it to those rows, as ``changes[rows]`` would, without that copy
    of every column: the rows that count are copied once."""
    if "b_pool" in changes.columns:
        return changes
    if rows is not None and not rows.any():
        changes = changes.iloc[:0]
    if changes.empty:
        carried = [c for c in changes.columns if c not in _COUNTED + ["baseline", "followup", "improved"]]
        return pd.DataFrame({c: pd.Series(dtype=float if c in _FLOATS else changes[c].dtype if c in carried else object)
                             for c in _COUNTED + carried})
    base = changes["baseline"].to_numpy(dtype=float)
    follow = changes["followup"].to_numpy(dtype=float)
    keep = np.isfinite(base) & np.isfinite(follow) & (base != 0)
    if rows is not None:
        keep &= np.asarray(rows, dtype=bool)
    # an indicator in several kinds of unit (one row per canonical unit) is one row, its first, with the mean
    # of the changes: found on the two key columns of the rows that count, so that the rows kept are copied
    # once (not at all when every row counts once) and only those rows are grouped (rare), so that a table of
    # 100,000 enterprises is neither grouped nor reordered as a whole
    key = ["enterprise", "indicator"]
    at = np.flatnonzero(keep)
    keys = changes[key] if len(at) == len(changes) else changes[key].iloc[at]
    several = keys.duplicated(keep=False).to_numpy()
    first = ~keys.duplicated(keep="first").to_numpy() if several.any() else np.ones(len(at), dtype=bool)
    del keys
    pick = at[first]
    per = changes if len(pick) == len(changes) else changes.iloc[pick]
    per = _with_pools(per, base[pick], follow[pick])
    if not several.any():
        return per.reset_index(drop=True)
    group = changes.iloc[at[several]]
    group = _with_pools(group, base[at[several]], follow[at[several]])
    how = {"units": ("units", "size"), "relative_change": ("relative_change", "mean"),
           "points": ("points", "mean"), "better": ("better", "mean")}
    if "followup_end" in group.columns:
        how["followup_end"] = ("followup_end", "max")
    merged = group.groupby(key, sort=False, observed=True, dropna=False).agg(**how)
    out = per.reset_index(drop=True)
    rows = np.flatnonzero(several[first])  # in order of appearance, as the groups
    if isinstance(out["unit"].dtype, pd.CategoricalDtype) and "mixed" not in out["unit"].cat.categories:
        out["unit"] = out["unit"].cat.add_categories(["mixed"])
    for col in merged.columns:
        out.iloc[rows, out.columns.get_loc(col)] = merged[col].to_numpy()
    out.iloc[rows, out.columns.get_loc("unit")] = "mixed"
    out.iloc[rows, [out.columns.get_loc("b_pool"), out.columns.get_loc("f_pool")]] = np.nan  # kg and pieces do not add
    return out


def _with_pools(per: pd.DataFrame, base: np.ndarray, follow: np.ndarray) -> pd.DataFrame:
    """``per`` (rows that count, their baselines and follow-ups ``base`` and ``follow``) with units (1), better
    and the rates for the pooled sums (b_pool, f_pool: extensive indicators only), without baseline, followup
    and improved."""
    if "improved" in per.columns:
        better = pd.Series(per["improved"].to_numpy(dtype=object)).map({True: 1.0, False: 0.0}).to_numpy(dtype=float)
    else:
        better = _better(per["indicator"], base, follow)
    codes, names = pd.factorize(per["indicator"])
    extensive = np.array([str(n) in EXTENSIVE for n in names] + [False])[codes]
    per = per.assign(units=1, better=better,
                     b_pool=np.where(extensive, base, np.nan), f_pool=np.where(extensive, follow, np.nan))
    return per.drop(columns=[c for c in ("baseline", "followup", "improved") if c in per.columns])


def aggregate_changes(changes: pd.DataFrame, by: list[str] | str | None = None) -> pd.DataFrame:
    """Per indicator (and ``by`` group): ``AGGREGATE_COLUMNS``. ``enterprises`` counts the
    enterprises behind every figure of the row; ``mean_change`` and ``median_change`` are
    unweighted over them; ``pooled_change`` = followup_total / baseline_total - 1 (extensive,
    one unit); ``mean_points`` (yield); ``improved_share`` among those whose figure changed.

    ``by`` names columns of ``changes`` constant per enterprise (country, sector); an indicator
    entered in two kinds of unit takes the values of its first row."""
    by = [by] if isinstance(by, str) else list(by or [])
    columns = by + AGGREGATE_COLUMNS
    per = counted_changes(changes)
    if per.empty:
        return pd.DataFrame({c: pd.Series(dtype=float if c not in by + ["indicator", "unit"] else object)
                             for c in columns}).astype({"enterprises": int})
    keys = by + ["indicator"]
    g = per.groupby(keys, sort=True, dropna=False, observed=True)
    out = g.agg(first_unit=("unit", "first"), n_units=("unit", "nunique"), enterprises=("enterprise", "size"),
                mean_change=("relative_change", "mean"), median_change=("relative_change", "median"),
                mean_points=("points", "mean"), improved_share=("better", "mean"),
                baseline_total=("b_pool", "sum"), followup_total=("f_pool", "sum")).reset_index()
    first_unit = out["first_unit"].astype(object)  # categories (the overview's) have no 'mixed'
    one_unit = out["n_units"].eq(1) & first_unit.ne("mixed")
    out["unit"] = first_unit.where(one_unit, "mixed")
    totals_ok = out["indicator"].isin(EXTENSIVE) & one_unit
    out["baseline_total"] = out["baseline_total"].where(totals_ok)
    out["followup_total"] = out["followup_total"].where(totals_ok)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = out["followup_total"] / out["baseline_total"] - 1
    out["pooled_change"] = pooled.where(totals_ok & (out["baseline_total"] > 0))
    out["enterprises"] = out["enterprises"].astype(int)
    for col in ("mean_change", "median_change", "pooled_change", "mean_points", "improved_share", "baseline_total",
                "followup_total"):
        out[col] = out[col].astype(float)
    return out[columns]


def spread(changes: pd.DataFrame) -> pd.DataFrame:
    """Per indicator, the spread of the counted enterprises' relative changes: ``enterprises``,
    the 5th, 25th, 50th, 75th and 95th percentiles (linear interpolation) and the mean."""
    per = counted_changes(changes)[["indicator", "relative_change"]]  # the rows left out: these columns copied
    per = per[per["relative_change"].notna().to_numpy()]
    if per.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "indicator" else float) for c in SPREAD_COLUMNS}
                            ).astype({"enterprises": int})
    g = per.groupby("indicator", observed=True, sort=True)["relative_change"]
    q = g.quantile(list(QUANTILES.values())).unstack()
    q.columns = list(QUANTILES)
    out = pd.concat([g.size().rename("enterprises"), q, g.mean().rename("mean")], axis=1).reset_index()
    out["indicator"] = out["indicator"].astype(str)
    return out[SPREAD_COLUMNS].astype({c: float for c in SPREAD_COLUMNS[2:]})


def avoided_per_year(changes: pd.DataFrame, by: list[str] | str | None = None, *,
                     indicator: str = "energy") -> pd.DataFrame:
    """Energy (MWh per year) and emissions (t CO2e per year) avoided, per ``by`` group (one row
    without): the counted enterprises' energy in kWh, (baseline rate - follow-up rate) x 365 / 1000,
    summed. Emissions need the per-day ``co2e_baseline`` and ``co2e_followup`` columns (kg CO2e,
    scope 1 + scope 2); an enterprise without them (no factor) is left out of the emissions and of
    ``co2_enterprises``. Scope 1 and scope 2 come from ``scope1_*`` and ``scope2_*`` likewise, each
    with its own count (``scope1_enterprises``, ``scope2_enterprises``).

    ``indicator="energy_per_production"`` gives the same against the production-adjusted baseline
    (``metrics.normalised_changes``): the normalised savings, baseline intensity x follow-up
    production - follow-up energy, a year."""
    by = [by] if isinstance(by, str) else list(by or [])
    per = counted_changes(changes)
    en = per[(per["indicator"] == indicator).to_numpy() & (per["unit"] == "kWh").to_numpy()]
    scale = DAYS_PER_YEAR / 1000
    e = pd.DataFrame({
        **{c: en[c].astype(str).to_numpy() for c in by},
        "one": 0,
        "energy_baseline_mwh_per_year": en["b_pool"].to_numpy(dtype=float) * scale,
        "energy_avoided_mwh_per_year": (en["b_pool"].to_numpy(dtype=float) - en["f_pool"].to_numpy(dtype=float))
        * scale,
    })
    sums = dict(enterprises=("one", "size"), energy_baseline_mwh_per_year=("energy_baseline_mwh_per_year", "sum"),
                energy_avoided_mwh_per_year=("energy_avoided_mwh_per_year", "sum"))
    for prefix, count in EMISSION_PARTS:
        b, f = (en[c].to_numpy(dtype=float) if c in en.columns else np.full(len(en), np.nan)
                for c in (f"{prefix}_baseline", f"{prefix}_followup"))
        has = np.isfinite(b) & np.isfinite(f)
        e[count] = has
        e[f"{prefix}_baseline_t_per_year"] = np.where(has, b, np.nan) * scale
        e[f"{prefix}_avoided_t_per_year"] = np.where(has, b - f, np.nan) * scale
        sums.update({count: (count, "sum"), f"{prefix}_baseline_t_per_year": (f"{prefix}_baseline_t_per_year", "sum"),
                     f"{prefix}_avoided_t_per_year": (f"{prefix}_avoided_t_per_year", "sum")})
    out = e.groupby(by or ["one"], sort=True, observed=True).agg(**sums).reset_index()
    if not by:
        out = out.drop(columns="one")
        if out.empty:
            out = pd.DataFrame([{c: 0 for c in AVOIDED_COLUMNS}])
    for prefix, count in EMISSION_PARTS:
        out[count] = out[count].astype(int)
        none = out[count].eq(0)
        out.loc[none, [f"{prefix}_baseline_t_per_year", f"{prefix}_avoided_t_per_year"]] = np.nan
    out = out.astype({"enterprises": int})
    return out[by + AVOIDED_COLUMNS].astype({c: float for c in AVOIDED_COLUMNS if c.endswith("year")})
