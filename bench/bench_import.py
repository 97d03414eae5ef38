"""Benchmark importing measurements into DuckDB and PostgreSQL (prints figures and ratios; not
part of the tests).

    python bench/bench_import.py [--enterprises 20000] [--rows-per-enterprise 20]
                                 [--url duckdb --url postgresql] [--repeat 3] [--big 2000000]

Times the whole path a user's file takes (read the CSV, check every row, convert to canonical
units, store all or nothing with the programme summary), back to back on each database, each
repetition into a fresh database: the file into an empty database, the same file again (nothing
changes), and the same rows handed over as a DataFrame. Then, with ``--big N``, imports an
N-row CSV file in a child process per database and prints rows per second and the child's peak
memory.

Targets: PostgreSQL within 1.5x of DuckDB (400,000 rows); 2M rows from CSV at 50,000 rows/s or
more on DuckDB with peak memory under 1.5 GB.
"""
from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

import metrics  # noqa: E402
from tracker import db, measurements, uploads  # noqa: E402
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
    # more than len(FIGURES) figures per period: the later ones are other months of the same figures
    month = np.tile(np.arange(k) // len(FIGURES), 2 * n_ent)
    figs = np.array(FIGURES, dtype=object)
    start = np.where(phase == "baseline", "2024", "2025")
    return pd.DataFrame({
        "enterprise": pd.Series(ent).map(lambda i: f"SME {i:06d}").to_numpy(),
        "country": "IN", "sector": "Textiles",
        "period_start": [f"{y}-{m + 1:02d}-01" for y, m in zip(start, month, strict=True)],
        "period_end": [f"{y}-{m + 1:02d}-28" for y, m in zip(start, month, strict=True)],
        "phase": phase, "indicator": figs[fig, 0], "carrier": figs[fig, 1],
        "value": np.where(figs[fig, 0] == "yield", rng.uniform(60, 99, len(ent)), rng.uniform(1, 1e5, len(ent))),
        "unit": figs[fig, 2], "note": "",
    })


#: the command line's limits (a process of its own), which allow more rows than an upload to the app
CLI = dict(max_rows=uploads.CLI_MAX_CSV_ROWS, max_bytes=uploads.CLI_MAX_BYTES)


def big(url: str, path: Path, server_pid: int) -> None:
    """Import one file in this (child) process; print rows/s (wall and CPU, the database server's
    included) and the peak memory."""
    engine = db.open_database(url)
    cpu0, server0, t = harness.own_cpu(), harness.process_tree_cpu(server_pid), time.perf_counter()
    counts = tio.import_file(engine, ADMIN, path, path.name, max_rows=uploads.CLI_MAX_CSV_ROWS,
                             max_bytes=uploads.CLI_MAX_BYTES)  # the command line's limits: a process of its own
    took = time.perf_counter() - t
    cpu = harness.own_cpu() - cpu0 + harness.process_tree_cpu(server_pid) - server0
    engine.dispose()
    status = Path("/proc/self/status").read_text()
    peak = int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1]) / 1024
    n = counts["inserted"] + counts["updated"]
    print(f"    {url.split(':')[0]:<20} {n:,} rows in {took:6.1f} s = {n / took:9,.0f} rows/s "
          f"(cpu {cpu:6.1f} s = {n / cpu:9,.0f} rows per CPU second); peak memory {peak:,.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=20_000)
    ap.add_argument("--rows-per-enterprise", type=int, default=20)
    ap.add_argument("--big", type=int, default=0, help="also import a CSV of this many rows (child process per "
                                                        "database) and print rows/s and peak memory")
    harness.add_arguments(ap)
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    ap.add_argument("--server-pid", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase == "big":
        big(args.db, Path(args.file), args.server_pid)
        return
    df = frame(args.enterprises, args.rows_per_enterprise)
    n = len(df)
    with contextlib.ExitStack() as stack:
        bases = harness.databases(args, stack)
        labels = [d.label for d in bases]
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-import-")))
        csv_path = tmp / "rows.csv"
        csv_path.write_bytes(tio.frame_bytes(df, "csv"))
        data = csv_path.read_bytes()
        print(f"Import benchmark: {args.enterprises:,} enterprises x {args.rows_per_enterprise} rows = {n:,} rows "
              f"({len(data) / 1e6:.0f} MB CSV); {harness.load()}")
        steps = [harness.Step(f"CSV file into an empty database ({n:,} rows, {args.enterprises:,} new enterprises)"),
                 harness.Step("the same file again (every row compared, nothing changes)"),
                 harness.Step("the rows as a DataFrame (metrics.parse + save_measurements) into an empty database")]
        for _ in range(args.repeat):
            for d in bases:
                engine = db.open_database(d.fresh())
                load = lambda e=engine: tio.import_file(e, ADMIN, data, "rows.csv", **CLI)  # noqa: E731
                counts = harness.record(steps[0], d, load)
                assert counts == {"inserted": n, "updated": 0}, counts
                counts = harness.record(steps[1], d, load)
                assert counts == {"inserted": 0, "updated": 0}, counts
                engine.dispose()
                engine = db.open_database(d.fresh())
                harness.record(steps[2], d, lambda e=engine: measurements.save_measurements(
                    e, ADMIN, metrics.parse(df), create_enterprises=True))
                engine.dispose()
        for step in steps:
            for label in labels:
                cpu = sorted(s.cpu for s in step.samples[label])[len(step.samples[label]) // 2]
                step.note[label] = f"{n / cpu:,.0f} rows per CPU second"
            harness.print_step(step, labels, target=1.5)
        if args.big:
            per = args.rows_per_enterprise
            big_path = tmp / "big.csv"
            big_path.write_bytes(tio.frame_bytes(frame(args.big // per, per, seed=4), "csv"))
            print(f"  {args.big:,}-row CSV ({big_path.stat().st_size / 1e6:.0f} MB), one child process per database "
                  "(target >= 50,000 rows/s, peak < 1,536 MB on DuckDB)")
            for d in bases:
                subprocess.run([sys.executable, __file__, "--phase", "big", "--db", d.fresh(), "--file", str(big_path),
                                "--server-pid", str(d.server_pid or 0)],
                               check=True)
        print(f"  after: {harness.load()}")


if __name__ == "__main__":
    main()
