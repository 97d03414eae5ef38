"""Benchmark importing measurements into DuckDB (prints figures; not part of the tests).

    python bench/bench_import.py [--enterprises 100000] [--rows-per-enterprise 20]

Times the whole path a user's file takes: read the CSV, validate every row, convert to
canonical units, and store all or nothing; and the same from an in-memory DataFrame.
Target: 50,000 rows/s or better.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import metrics  # noqa: E402
from tracker import db, measurements  # noqa: E402
from tracker import io as tio  # noqa: E402
from tracker.auth import system_user  # noqa: E402

ADMIN = system_user("bench")
FIGURES = [("energy", "electricity", "kWh"), ("energy", "diesel", "L"), ("waste", "landfill", "kg"),
           ("waste", "recycled", "t"), ("material_input", "", "t"), ("material_wasted", "", "kg"),
           ("yield", "", "%"), ("water", "", "m3"), ("production", "", "piece"), ("energy", "lpg", "kg")]


def frame(n_ent: int, per: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    k = per // 2  # baseline and follow-up of `k` figures each
    ent = np.repeat(np.arange(n_ent), per)
    fig = np.tile(np.arange(k), 2 * n_ent) % len(FIGURES)
    phase = np.tile(np.repeat(["baseline", "follow-up"], k), n_ent)
    figs = np.array(FIGURES, dtype=object)
    return pd.DataFrame({
        "enterprise": pd.Series(ent).map(lambda i: f"SME {i:06d}").to_numpy(),
        "country": "IN", "sector": "Textiles",
        "period_start": np.where(phase == "baseline", "2024-01-01", "2025-01-01"),
        "period_end": np.where(phase == "baseline", "2024-03-31", "2025-03-31"),
        "phase": phase, "indicator": figs[fig, 0], "carrier": figs[fig, 1],
        "value": np.where(figs[fig, 0] == "yield", rng.uniform(60, 99, len(ent)), rng.uniform(1, 1e5, len(ent))),
        "unit": figs[fig, 2], "note": "",
    })


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=100_000)
    ap.add_argument("--rows-per-enterprise", type=int, default=20)
    args = ap.parse_args()
    df = frame(args.enterprises, args.rows_per_enterprise)
    n = len(df)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "big.csv"
        csv_path.write_bytes(tio.frame_bytes(df, "csv"))
        print(f"{args.enterprises:,} enterprises x {args.rows_per_enterprise} rows = {n:,} rows "
              f"({csv_path.stat().st_size / 1e6:.0f} MB CSV)")

        engine = db.open_database(f"duckdb:///{Path(tmp) / 'a.duckdb'}")
        t = time.perf_counter()
        measurements.save_measurements(engine, ADMIN, metrics.parse(df), create_enterprises=True)
        took = time.perf_counter() - t
        print(f"  DataFrame -> DuckDB    {took:7.1f} s   {n / took:10,.0f} rows/s  (target >= 50,000)")
        t = time.perf_counter()
        counts = measurements.save_measurements(engine, ADMIN, metrics.parse(df), create_enterprises=True)
        took = time.perf_counter() - t
        print(f"  same again (no change) {took:7.1f} s   {n / took:10,.0f} rows/s  {counts}")
        engine.dispose()

        engine = db.open_database(f"duckdb:///{Path(tmp) / 'b.duckdb'}")
        t = time.perf_counter()
        tio.import_file(engine, ADMIN, csv_path.read_bytes(), "big.csv")
        took = time.perf_counter() - t
        print(f"  CSV file -> DuckDB     {took:7.1f} s   {n / took:10,.0f} rows/s  (target >= 50,000)")
        engine.dispose()


if __name__ == "__main__":
    main()
