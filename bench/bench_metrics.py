"""Benchmark the metrics library (prints figures; not part of the test suite).

    python bench/bench_metrics.py [--rows 1000000] [--enterprises 100000]

1. to_canonical on N mixed-unit rows against (a) a hand-written numpy floor that multiplies by
   one precomputed factor per distinct (indicator, carrier, unit) and (b) a pint Quantity per
   row, timed on a 10k-row sample and extrapolated. Targets: within 3x of (a), >1000x (b).
2. summarize on E enterprises (about 20 rows each) against a plain pandas groupby of the same
   definitions. Target: no slower.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import metrics  # noqa: E402

MIX = [("energy", "electricity", "kWh"), ("energy", "electricity", "MWh"), ("energy", "diesel", "L"),
       ("energy", "natural_gas", "m3"), ("energy", "lpg", "kg"), ("waste", "landfill", "kg"),
       ("waste", "recycled", "t"), ("material_input", "", "t"), ("material_wasted", "", "kg"),
       ("yield", "", "%"), ("water", "", "m3"), ("water", "", "L"), ("production", "", "piece")]


def mixed_rows(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(MIX), n)
    ind, car, unit = (np.array([m[i] for m in MIX], dtype=object)[pick] for i in range(3))
    return pd.DataFrame({"enterprise": "E", "country": "IN", "sector": "S", "period_start": "2024-01-01",
                         "period_end": "2024-01-31", "phase": "baseline", "indicator": ind, "carrier": car,
                         "value": rng.uniform(1, 90, n), "unit": unit, "note": ""})


def numpy_floor(df: pd.DataFrame) -> np.ndarray:
    """The floor: factorise the key columns, one factor per distinct key, one multiplication."""
    (ci, ui), (cc, uc), (cu, uu) = (pd.factorize(df[c]) for c in ("indicator", "carrier", "unit"))
    kcodes, keys = pd.factorize((ci.astype(np.int64) * len(uc) + cc) * len(uu) + cu)
    table = np.empty(len(keys))
    for n, k in enumerate(keys):
        i, rest = divmod(int(k), len(uc) * len(uu))
        c, u = divmod(rest, len(uu))
        table[n] = metrics.canonical_factor(ui[i], uc[c], uu[u])[0]
    return df["value"].to_numpy() * table[kcodes]


def per_row_pint(df: pd.DataFrame) -> list[float]:
    """The slow way: one pint Quantity per row."""
    out = []
    for ind, car, unit, value in zip(df["indicator"], df["carrier"], df["unit"], df["value"], strict=True):
        q = metrics.Q_(value, metrics.parse_unit(unit))
        if ind == "energy":
            if q.dimensionality == metrics.ureg.kWh.dimensionality:
                out.append(q.to("kWh").magnitude)
            else:
                out.append(q.magnitude * metrics.canonical_factor(ind, car, unit)[0])
        else:
            target = metrics.canonical_factor(ind, "", unit)[1]
            out.append(q.to(metrics.parse_unit(target)).magnitude)
    return out


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def enterprises_frame(n_ent: int, seed: int = 2) -> pd.DataFrame:
    """About 20 rows per enterprise: 2 baseline months + 1 follow-up, several indicators."""
    rng = np.random.default_rng(seed)
    per = [("energy", "electricity", "kWh"), ("energy", "diesel", "L"), ("waste", "landfill", "kg"),
           ("material_wasted", "", "kg"), ("yield", "", "%"), ("water", "", "m3"), ("material_input", "", "t")]
    periods = [("baseline", "2024-01-01", "2024-01-31"), ("baseline", "2024-02-01", "2024-02-29"),
               ("follow-up", "2025-01-01", "2025-03-31")]
    k = len(per) * len(periods)
    ent = np.repeat(np.arange(n_ent), k)
    pi = np.tile(np.repeat(np.arange(len(periods)), len(per)), n_ent)
    ii = np.tile(np.arange(len(per)), len(periods) * n_ent)
    per_a = np.array(per, dtype=object)
    periods_a = np.array(periods, dtype=object)
    value = rng.uniform(50, 95, len(ent))
    df = pd.DataFrame({"enterprise": pd.Categorical(ent), "phase": periods_a[pi, 0],
                       "period_start": pd.to_datetime(periods_a[pi, 1]), "period_end": pd.to_datetime(periods_a[pi, 2]),
                       "indicator": per_a[ii, 0], "carrier": per_a[ii, 1], "unit": per_a[ii, 2], "value": value})
    return metrics.to_canonical(df)


def plain_groupby(d: pd.DataFrame) -> pd.DataFrame:
    """The same definitions as metrics.summarize, written as straightforward pandas groupbys."""
    day = pd.Timedelta(days=1)
    d = d.assign(carrier=d["carrier"].where(d["indicator"] != "yield", ""))
    series = ["enterprise", "indicator", "unit_canonical", "carrier"]
    keys = ["enterprise", "indicator", "unit_canonical"]
    # baseline per series: total over the union of its periods (overlaps count once)
    base = d[d["phase"] == "baseline"].sort_values(series + ["period_start"])
    reach = base.groupby(series, observed=True)["period_end"].cummax()
    prev = reach.groupby([base[k] for k in series], observed=True).shift()
    lower = base["period_start"] - day
    lower = lower.where(prev.isna() | (prev < lower), prev)
    base = base.assign(covered=(base["period_end"] - lower).dt.days.clip(lower=0))
    b = base.groupby(series, observed=True).agg(total=("value_canonical", "sum"), mean=("value_canonical", "mean"),
                                                days=("covered", "sum")).reset_index()
    b["rate"] = np.where(b["indicator"].eq("yield"), b["mean"], b["total"] / b["days"])
    # follow-up per series: its latest period (latest end, then latest start)
    fu = d[(d["phase"] == "follow-up")]
    fu = fu[fu["period_end"] == fu.groupby(series, observed=True)["period_end"].transform("max")]
    fu = fu[fu["period_start"] == fu.groupby(series, observed=True)["period_start"].transform("max")]
    fu = fu.assign(days=(fu["period_end"] - fu["period_start"]).dt.days + 1)
    f = fu.groupby(series, observed=True).agg(total=("value_canonical", "sum"), mean=("value_canonical", "mean"),
                                              days=("days", "first")).reset_index()
    f["rate"] = np.where(f["indicator"].eq("yield"), f["mean"], f["total"] / f["days"])
    # per enterprise: the sum over carriers of the series' rates; both phases needed
    bg = b.groupby(keys, observed=True)["rate"].sum().rename("b")
    fg = f.groupby(keys, observed=True)["rate"].sum().rename("f")
    j = pd.concat([bg, fg], axis=1, join="inner").reset_index()
    j["rel"] = j["f"] / j["b"] - 1
    return j.groupby("indicator", observed=True).agg(enterprises=("rel", "size"), mean_change=("rel", "mean"),
                                                     median_change=("rel", "median"), bt=("b", "sum"),
                                                     ft=("f", "sum"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--enterprises", type=int, default=100_000)
    args = ap.parse_args()

    for label, df in (("text columns", mixed_rows(args.rows)), ("categorical text columns", categorical(args.rows))):
        bench_to_canonical(label, df)
    bench_summarize(args.enterprises)


def categorical(n: int) -> pd.DataFrame:
    """The same rows with low-cardinality text as pandas categoricals (as a store hands them over)."""
    df = mixed_rows(n)
    for col in ("enterprise", "country", "sector", "phase", "indicator", "carrier", "unit", "note"):
        df[col] = df[col].astype("category")
    return df


def bench_to_canonical(label: str, df: pd.DataFrame) -> None:
    floor = best_of(lambda: numpy_floor(df), repeat=5)
    ours = best_of(lambda: metrics.to_canonical(df), repeat=5)
    np.testing.assert_allclose(metrics.to_canonical(df)["value_canonical"].to_numpy(), numpy_floor(df), rtol=1e-12)
    sample = df.iloc[:10_000]
    t = time.perf_counter()
    slow = per_row_pint(sample)
    per_row = (time.perf_counter() - t) / len(sample) * len(df)
    np.testing.assert_allclose(slow, numpy_floor(sample), rtol=1e-9)
    print(f"to_canonical, {len(df):,} mixed-unit rows, {label} ({len(MIX)} distinct indicator/carrier/unit keys)")
    print(f"  metrics.to_canonical      {ours * 1000:9.1f} ms")
    print(f"  numpy floor               {floor * 1000:9.1f} ms   -> to_canonical is {ours / floor:5.2f}x the floor "
          f"(target <= 3x)")
    print(f"  pint Quantity per row     {per_row * 1000:9.1f} ms (extrapolated from 10,000 rows: "
          f"{per_row / len(df) * 1e6:.0f} us/row) -> to_canonical is {per_row / ours:,.0f}x faster (target > 1000x)")


def bench_summarize(n_enterprises: int) -> None:
    ents = enterprises_frame(n_enterprises)
    ours_s = best_of(lambda: metrics.summarize(ents), repeat=2)
    plain = best_of(lambda: plain_groupby(ents), repeat=2)
    a = metrics.summarize(ents).set_index("indicator")
    b = plain_groupby(ents)
    for col in ("enterprises", "mean_change", "median_change"):
        np.testing.assert_allclose(a[col].to_numpy(float), b.loc[a.index, col].to_numpy(float), rtol=1e-9)
    print(f"summarize, {n_enterprises:,} enterprises, {len(ents):,} rows")
    print(f"  metrics.summarize         {ours_s * 1000:9.1f} ms")
    print(f"  plain pandas groupby      {plain * 1000:9.1f} ms   -> summarize is {ours_s / plain:5.2f}x "
          f"(target <= 1x)")


if __name__ == "__main__":
    main()
