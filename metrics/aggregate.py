"""Per-enterprise changes and programme aggregates, vectorised over long tables.

Definitions (METHODS.md states them for users, with examples):

* A **series** is one enterprise's figures for one indicator and one carrier (energy carrier,
  or waste destination) in one canonical unit. Yield has one series per enterprise.
* A series' **baseline rate** is its baseline total divided by the days covered by its
  baseline periods (the union of the periods, both ends counted: overlaps count once).
  Its **follow-up rate** is the total of its latest follow-up period (latest period_end,
  then latest period_start) divided by that period's days.
* An enterprise's **baseline** (and **follow-up**) for an extensive indicator is the sum of its
  series' rates: "summed over carriers", whatever the billing cycle of each carrier.
  A carrier reported in one phase only counts as 0 in the other.
* For **yield**, the mean of the baseline rows against the mean of the latest follow-up
  period's rows (fractions).
* **relative change** = follow-up / baseline - 1 per enterprise (NaN when the baseline is 0);
  **points** = (follow-up - baseline) x 100 for yield.
* ``summarize`` is ``metrics.programme.aggregate_changes`` of these changes, the one rule for
  every aggregate: who counts (both figures numbers, a baseline other than 0), once per
  enterprise, mean and median unweighted, pooled weighted (extensive indicators in one unit).

Everything runs on integer codes with numpy: one sort per phase, bincounts, no Python loop
over enterprises.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.frames import period_dates, to_canonical
from metrics.indicators import INDICATORS
from metrics.programme import AGGREGATE_COLUMNS, aggregate_changes, improved
from metrics.reference import FACTOR_SET_VERSION

CHANGE_COLUMNS = ["enterprise", "indicator", "baseline", "followup", "unit", "relative_change", "points", "improved",
                  "baseline_days", "followup_days", "followup_end"]
SUMMARY_COLUMNS = AGGREGATE_COLUMNS
_DAY_NS = 86_400_000_000_000


def _prepared(df: pd.DataFrame) -> pd.DataFrame:
    if "value_canonical" not in df.columns or "unit_canonical" not in df.columns:
        df = to_canonical(df)
    return df


def _days(series: pd.Series) -> np.ndarray:
    """Parsed dates as int64 days since 1970-01-01."""
    ns = series.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    return np.floor_divide(ns, _DAY_NS)


def _run_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Index of the first element of each run of equal keys in a sorted array."""
    change = np.empty(len(sorted_keys), dtype=bool)
    change[:1] = True
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=change[1:])
    return np.flatnonzero(change)


def union_days(key: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(keys ascending, days): per key, the days covered by the union of its [start, end]
    periods (integer days, both ends counted; overlapping periods count once)."""
    key = np.asarray(key, dtype=np.int64)
    start, end = np.asarray(start, dtype=np.int64), np.asarray(end, dtype=np.int64)
    if len(key) == 0:
        return key, np.zeros(0, dtype=np.int64)
    # keys with one period need no sort: only the others go through the sweep below
    counts = np.bincount(key - key.min())
    single = counts[key - key.min()] == 1
    keys_1, days_1 = key[single], np.maximum(0, end[single] - start[single] + 1)
    key, start, end = key[~single], start[~single], end[~single]
    if len(key):
        lo = min(start.min(), end.min())
        span = int(max(start.max(), end.max()) - lo) + 2
        s = key * span + (start - lo)  # one sort key: (key, start)
        order = np.argsort(s)
        s, e, k = s[order], key[order] * span + (end - lo)[order], key[order]
        reach = np.maximum.accumulate(e)  # each key's offset keeps its reach below the next key's periods
        prev = np.empty_like(reach)
        prev[0] = s[0] - 1
        prev[1:] = reach[:-1]
        covered = np.maximum(0, e - np.maximum(s - 1, prev))
        first = _run_starts(k)
        key, days = k[first], np.add.reduceat(covered, first)
    else:
        days = key
    keys = np.concatenate([keys_1, key])
    order = np.argsort(keys)
    return keys[order], np.concatenate([days_1, days])[order]


def _changes(df: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """(per-enterprise changes, enterprise code per change row, first row index per enterprise)."""
    d = _prepared(df)
    empty = (pd.DataFrame(columns=CHANGE_COLUMNS), np.zeros(0, np.intp), np.zeros(0, np.intp))
    if d.empty:
        return empty
    phase = d["phase"]
    is_base = (phase == "baseline").to_numpy(dtype=bool, na_value=False)
    is_fu = (phase == "follow-up").to_numpy(dtype=bool, na_value=False)
    if not is_base.any() or not is_fu.any():
        return empty
    ent_codes, ent_names = pd.factorize(d["enterprise"])
    ind_codes, ind_names = pd.factorize(d["indicator"])
    # degree days explain energy use (metrics.regression); they are no result: no change of their own
    driver = np.array([str(n) in INDICATORS and INDICATORS[str(n)].kind == "driver" for n in ind_names] + [False])
    known = (ent_codes >= 0) & (ind_codes >= 0) & ~driver[ind_codes]
    is_base, is_fu = is_base & known, is_fu & known
    if not is_base.any() or not is_fu.any():
        return empty
    unit_codes, unit_names = pd.factorize(d["unit_canonical"].astype(str) if not isinstance(
        d["unit_canonical"].dtype, pd.CategoricalDtype) else d["unit_canonical"])
    if "carrier" in d.columns:
        car_codes, car_names = pd.factorize(d["carrier"])
        car_codes = car_codes.astype(np.int64) + 1  # missing (-1) -> 0
    else:
        car_codes, car_names = np.zeros(len(d), dtype=np.int64), []
    specs = [INDICATORS.get(str(n)) for n in ind_names]
    ratio_ind = np.array([s is not None and s.kind == "ratio" for s in specs], dtype=bool)
    car_codes = np.where(ratio_ind[ind_codes], 0, car_codes)  # yield: one series per enterprise
    n_ind, n_unit, n_car = len(ind_names), max(len(unit_names), 1), len(car_names) + 1
    gkey = (ent_codes.astype(np.int64) * n_ind + ind_codes) * n_unit + unit_codes
    sid, skeys = pd.factorize(gkey * n_car + car_codes)  # compact series ids
    n_series = len(skeys)
    start, end = (_days(s) for s in period_dates(d))
    value = d["value_canonical"].to_numpy(dtype=float)
    s_ratio = ratio_ind[(skeys // n_car // n_unit) % n_ind]

    # baseline per series: total over the union of its periods
    b_sid = sid[is_base]
    b_total = np.bincount(b_sid, weights=value[is_base], minlength=n_series)
    b_n = np.bincount(b_sid, minlength=n_series)
    keys, days = union_days(b_sid, start[is_base], end[is_base])
    b_days = np.zeros(n_series, dtype=np.int64)
    b_days[keys] = days

    # follow-up per series: its latest period (latest end, then latest start)
    f_sid, f_start, f_end = sid[is_fu], start[is_fu], end[is_fu]
    lo = min(f_start.min(), f_end.min())
    span = int(max(f_start.max(), f_end.max()) - lo) + 1
    period = (f_end - lo) * span + (f_start - lo)
    latest = np.full(n_series, -1, dtype=np.int64)
    np.maximum.at(latest, f_sid, period)
    in_latest = period == latest[f_sid]
    f_total = np.bincount(f_sid[in_latest], weights=value[is_fu][in_latest], minlength=n_series)
    f_n = np.bincount(f_sid[in_latest], minlength=n_series)
    has_f = latest >= 0
    l_end = np.where(has_f, latest // span + lo, 0)
    l_start = np.where(has_f, latest % span + lo, 0)

    with np.errstate(divide="ignore", invalid="ignore"):
        b_rate = np.where(b_n > 0, np.where(s_ratio, b_total / np.maximum(b_n, 1), b_total / np.maximum(b_days, 1)), 0)
        f_rate = np.where(has_f, np.where(s_ratio, f_total / np.maximum(f_n, 1),
                                          f_total / np.maximum(l_end - l_start + 1, 1)), 0)

    # per enterprise, indicator and unit: the sum of its series' rates
    gid, gkeys = pd.factorize(skeys // n_car)
    n_groups = len(gkeys)
    g_b = np.bincount(gid, weights=b_rate, minlength=n_groups)
    g_f = np.bincount(gid, weights=f_rate, minlength=n_groups)
    g_has_b = np.bincount(gid, weights=b_n > 0, minlength=n_groups) > 0
    g_has_f = np.bincount(gid, weights=has_f, minlength=n_groups) > 0
    # days covered by each enterprise's periods (several carriers: the union of their periods)
    n_series_in_group = np.bincount(gid, minlength=n_groups)
    g_bdays = np.zeros(n_groups, dtype=np.int64)
    g_fdays = np.zeros(n_groups, dtype=np.int64)
    alone = n_series_in_group[gid] == 1
    g_bdays[gid[alone]] = b_days[alone]
    g_fdays[gid[alone & has_f]] = (l_end - l_start + 1)[alone & has_f]
    several = n_series_in_group > 1
    if several.any():
        rows = is_base & several[gid[sid]]
        keys, days = union_days(gid[sid[rows]], start[rows], end[rows])
        g_bdays[keys] = days
        pick = has_f & ~alone
        keys, days = union_days(gid[pick], l_start[pick], l_end[pick])
        g_fdays[keys] = days
    g_fend = np.full(n_groups, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(g_fend, gid[has_f], l_end[has_f])

    keep = np.flatnonzero(g_has_b & g_has_f)
    keep = keep[np.argsort(gkeys[keep], kind="stable")]  # enterprises in order of appearance, then indicators
    gk = gkeys[keep]
    e_code, i_code, u_code = gk // n_unit // n_ind, (gk // n_unit) % n_ind, gk % n_unit
    ratio = ratio_ind[i_code]
    baseline, followup = g_b[keep], g_f[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(baseline != 0, followup / baseline - 1, np.nan)
    better = improved(np.asarray(ind_names, dtype=object)[i_code], baseline, followup)
    out = pd.DataFrame({
        "enterprise": pd.Index(ent_names).take(e_code),
        "indicator": np.asarray(ind_names, dtype=object)[i_code],
        "baseline": baseline,
        "followup": followup,
        "unit": np.asarray(unit_names, dtype=object)[u_code],
        "relative_change": relative,
        "points": np.where(ratio, (followup - baseline) * 100, np.nan),
        "improved": better,
        "baseline_days": g_bdays[keep],
        "followup_days": g_fdays[keep],
        "followup_end": (g_fend[keep] * _DAY_NS).astype("datetime64[ns]"),
    })
    first_row = np.full(len(ent_names), len(ent_codes), dtype=np.intp)
    np.minimum.at(first_row, ent_codes[ent_codes >= 0], np.flatnonzero(ent_codes >= 0))
    out.attrs["factor_set"] = d.attrs.get("factor_set", FACTOR_SET_VERSION)
    return out, e_code, first_row


def enterprise_changes(df: pd.DataFrame) -> pd.DataFrame:
    """One row per enterprise and indicator (and canonical unit) with a baseline and a follow-up.

    Columns: enterprise, indicator, baseline, followup (per-day rates in the canonical unit, or
    yield fractions), unit, relative_change, points (yield only), improved (None for
    production or no change), baseline_days, followup_days, followup_end.
    """
    return _changes(df)[0]


def summarize(df: pd.DataFrame, by: list[str] | str | None = None) -> pd.DataFrame:
    """One row per indicator (and ``by`` group): unit, enterprises, mean_change, median_change,
    pooled_change (extensive indicators), mean_points (yield), improved_share, baseline_total
    and followup_total (sums of the per-day rates behind the pooled change).

    ``by`` names columns of ``df`` that are constant per enterprise (country, sector, ...);
    each enterprise takes the values of its first row.
    """
    by = [by] if isinstance(by, str) else list(by or [])
    d = _prepared(df)
    per, e_code, first_row = _changes(d)
    rows = first_row[e_code]
    for col in by:
        per[col] = d[col].to_numpy()[rows] if len(per) else pd.Series(dtype=object)
    out = aggregate_changes(per, by)[by + SUMMARY_COLUMNS]
    out.attrs["factor_set"] = per.attrs.get("factor_set", FACTOR_SET_VERSION)
    return out
