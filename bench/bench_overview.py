"""Benchmark the programme overview at scale on DuckDB and PostgreSQL (prints figures and ratios;
not part of the tests).

    python bench/bench_overview.py [--enterprises 100000] [--url duckdb --url postgresql] [--repeat 3]
                                   [--no-apptest] [--browser]

1. Builds each database with ``--enterprises`` enterprises (20 figures each: about 2M
   measurements over 20 countries, 8 sectors, 40 partners, 10 cohorts, 300 trainers), inserted
   directly, then times the per-enterprise summary rebuilt in bulk (``summary.rebuild``).
2. Times the overview's service, back to back on each database: the cold load (read the summary
   and the enterprises, build every aggregate) and filter changes (build again for a filter).
3. Times the page through AppTest (a child process per database): sign-in to the overview
   (cold), then filter changes; prints that process's peak RSS.
4. With ``--browser``, times the page in Chromium against ``streamlit run app.py`` and prints the
   server's peak RSS.

Targets: PostgreSQL within 1.3x of DuckDB for the cold load and a filter change, within 1.5x
for the rebuild; cold load under 2 s (AppTest, DuckDB, 100k); page server under 1 GB.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402

PASSWORD = "bench-password"
COUNTRIES = ["IN", "VN", "ID", "CN", "BO", "KE", "KG", "MU", "GH", "ET", "BD", "PK", "LK", "TH", "PH", "MX", "CO",
             "PE", "EG", "MA"]
SECTORS = ["Rubber and plastics", "Textiles and garments", "Food processing", "Metal products", "Furniture and wood",
           "Chemicals", "Electronics", "Leather"]
MODULES = ["Quality Management", "Safety and Health at Work", "Workforce Management", "Lean Manufacturing",
           "SCORE4Climate"]
#: per figure of bench_import.FIGURES: a baseline amount per day and the typical change
AMOUNT_PER_DAY = [900.0, 40.0, 180.0, 0.12, 5.0, 1100.0, 80.0, 25.0, 2000.0, 8.0]
CHANGE = [-0.27, -0.2, -0.4, -0.4, -0.03, -0.35, 0.0, -0.15, 0.05, -0.2]
STEPS = [("country", "IN"), ("sector", "Textiles and garments"), ("partner", None), ("module", "SCORE4Climate")]


def generate(n: int, seed: int = 5):
    """(enterprises, trainings, trainer of each enterprise, measurements in the template)."""
    from bench_import import FIGURES

    rng = np.random.default_rng(seed)
    idx = np.arange(n)
    country = rng.integers(0, len(COUNTRIES), n)
    ents = pd.DataFrame({"id": idx + 1, "name": [f"Bench SME {i:06d}" for i in idx],
                         "country": np.array(COUNTRIES)[country], "sector": np.array(SECTORS)[rng.integers(0, 8, n)],
                         "size": "small", "partner": [f"Partner {c * 2 + k:02d}" for c, k in
                                                      zip(country, rng.integers(0, 2, n), strict=True)],
                         "synthetic": True, "created_at": dt.datetime(2025, 1, 1)})
    cohort = rng.integers(0, 10, n)
    year = 2019 + cohort // 2
    half = cohort % 2
    second = rng.integers(0, len(MODULES), n)
    trainings = pd.DataFrame({
        "enterprise_id": np.concatenate([idx + 1, idx + 1]),
        "module": np.concatenate([np.full(n, "Workplace Cooperation", dtype=object), np.array(MODULES)[second]]),
        "cohort": np.tile([f"{y}-H{h + 1}" for y, h in zip(year, half, strict=True)], 2),
        "start_date": np.tile(pd.to_datetime([f"{y}-{1 + 6 * h:02d}-01" for y, h in zip(year, half, strict=True)]),
                              2),
        "managers_female": 1, "managers_male": 1, "workers_female": 1, "workers_male": 1})
    trainer = rng.integers(0, 300, n)

    k = len(FIGURES)
    ent = np.repeat(idx, 2 * k)
    fig = np.tile(np.arange(k), 2 * n)
    follow = np.tile(np.repeat([False, True], k), n)
    figs = np.array(FIGURES, dtype=object)
    base_start = pd.to_datetime([f"{y}-{1 + 6 * h:02d}-01" for y, h in zip(year + 1, half, strict=True)]).to_numpy()
    start = base_start[ent] + np.where(follow, np.timedelta64(365, "D"), np.timedelta64(0, "D"))
    days = np.where(follow, 90, 91)
    scale = rng.lognormal(0, 0.6, n)[ent]
    change = np.array(CHANGE)[fig] + rng.normal(0, 0.12, len(ent))
    jump = (rng.random(n) < 0.01)[ent] & follow
    value = np.array(AMOUNT_PER_DAY)[fig] * scale * days * np.where(follow, 1 + change, 1) * np.where(jump, 20, 1)
    is_yield = figs[fig, 0] == "yield"
    value = np.where(is_yield, np.clip(np.where(follow, 80 + 100 * change, 80), 5, 99), value)
    keep = ~(follow & (rng.random(n) < 0.05)[ent])  # 5% still wait for their follow-up
    rows = pd.DataFrame({"enterprise_id": ent + 1, "country": np.array(COUNTRIES)[country][ent],
                         "period_start": start, "period_end": start + (days - 1).astype("timedelta64[D]"),
                         "phase": np.where(follow, "follow-up", "baseline"), "indicator": figs[fig, 0],
                         "carrier": figs[fig, 1], "value": value, "unit": figs[fig, 2], "note": ""})[keep]
    return ents, trainings, trainer, rows.reset_index(drop=True)


def with_partners(ents: pd.DataFrame, first_id: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the partners table, the enterprises with partner_id instead of the partner's name)."""
    names = sorted(ents["partner"].unique())
    partners = pd.DataFrame({"id": np.arange(first_id, first_id + len(names)), "name": names, "type": "",
                             "country": "", "created_at": dt.datetime(2025, 1, 1)})
    ids = dict(zip(partners["name"], partners["id"], strict=True))
    return partners, ents.assign(partner_id=ents["partner"].map(ids)).drop(columns="partner")


def build(url: str, n: int, folder: Path) -> None:
    """Insert the data set directly (the summary is built by the timed rebuild)."""
    import metrics
    from tracker import auth, db

    t0 = time.perf_counter()
    ents, trainings, trainer, rows = generate(n)
    rows = metrics.to_canonical(rows)
    rows["unit_canonical"] = rows["unit_canonical"].astype(str)
    t1 = time.perf_counter()
    engine = db.open_database(url)
    names = ["bench-officer"] + [f"trainer-{i:03d}" for i in range(300)]
    users = pd.DataFrame({"id": np.arange(1, len(names) + 1), "username": names,
                          "password_hash": auth.hash_password(PASSWORD),  # one hash: argon2 is slow by design
                          "role": ["officer"] + ["trainer"] * 300, "active": True, "failed_attempts": 0,
                          "created_at": dt.datetime(2025, 1, 1)})
    with engine.begin() as conn:
        links = pd.DataFrame({"user_id": trainer + 2, "enterprise_id": ents["id"]})
        meas = rows.drop(columns=["country"]).assign(factor_set=metrics.FACTOR_SET_VERSION,
                                                     updated_at=dt.datetime(2025, 1, 1), updated_by="bench")
        # implementation partners are records (tracker.partners): one per name, enterprises point to them
        names = sorted(ents["partner"].unique())
        partners = pd.DataFrame({"id": np.arange(1, len(names) + 1), "name": names, "type": "industry association",
                                 "country": "", "created_at": dt.datetime(2025, 1, 1)})
        ids = dict(zip(names, partners["id"], strict=True))
        stored = ents.drop(columns=["partner"]).assign(partner_id=ents["partner"].map(ids))
        for table, frame in [("users", users), ("partners", partners), ("enterprises", stored),
                             ("trainings", trainings), ("user_enterprises", links), ("measurements", meas)]:
            db.bulk_insert(conn, table, frame)
        if engine.dialect.name == "postgresql":
            for table, seq in [("users", "user_id_seq"), ("enterprises", "enterprise_id_seq"),
                               ("partners", "partner_id_seq")]:
                conn.exec_driver_sql(f"SELECT setval('{seq}', (SELECT max(id) FROM {table}))")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    t2 = time.perf_counter()
    engine.dispose()
    expected = {}
    sel = ents.assign(trainer=trainer)
    mask = np.ones(len(sel), dtype=bool)
    for col, value in STEPS:
        if col == "partner":
            value = sorted(sel.loc[mask, "partner"].unique())[0]
        if col == "module":
            hit = trainings.loc[trainings["module"] == value, "enterprise_id"]
            mask &= sel["id"].isin(hit).to_numpy()
        else:
            mask &= (sel[col] == value).to_numpy()
        expected[col] = [value, int(mask.sum())]
    (folder / "expected.json").write_text(json.dumps({"total": n, "steps": expected}))
    print(f"    {url.split(':')[0]}: {n:,} enterprises, {len(rows):,} measurements, {len(trainings):,} trainings "
          f"(generated in {t1 - t0:.1f} s, inserted in {t2 - t1:.1f} s)")


def service_steps(bases: list, urls: dict, folder: Path, repeat: int, rebuilds: int | None = None) -> None:
    """The rebuild, the cold load and the filter changes, back to back on each database."""
    from tracker import db, overview, summary
    expected = json.loads((folder / "expected.json").read_text())
    engines = {d.label: db.open_database(urls[d.label]) for d in bases}
    labels = [d.label for d in bases]
    rebuild = harness.Step("summary rebuild (summary.rebuild: read every measurement, compute, store)")
    cold = harness.Step("cold load (overview.read_data + build, every enterprise)")
    filters = [harness.Step(f"filter change: + {col} (build)") for col in expected["steps"]]
    for _ in range(rebuilds or repeat):
        for d in bases:
            rows = harness.record(rebuild, d, lambda d=d: summary.rebuild(engines[d.label]))
            rebuild.note[d.label] = f"{rows:,} summary rows"
    for _ in range(repeat):
        for d in bases:
            data = harness.record(cold, d, lambda d=d: overview.build(overview.read_data(engines[d.label])))
            cold.note[d.label] = f"{data.enterprises:,} enterprises"
            loaded = overview.read_data(engines[d.label])
            chosen: dict[str, tuple] = {}
            for step, (col, (value, count)) in zip(filters, expected["steps"].items(), strict=True):
                chosen[col] = (value,)
                ov = harness.record(step, d, lambda c=dict(chosen), data=loaded: overview.build(
                    data, overview.Filters(**c)))
                assert ov.enterprises == count, (col, ov.enterprises, count)
                step.note[d.label] = f"{count:,} enterprises"
    normalised_ratio(engines, labels, expected, repeat)
    for engine in engines.values():
        engine.dispose()
    harness.print_step(rebuild, labels, target=1.5)
    harness.print_step(cold, labels, target=1.3)
    for step in filters:
        harness.print_step(step, labels, target=1.3)


def normalised_ratio(engines: dict, labels: list[str], expected: dict, repeat: int) -> None:
    """Issue 11: the filter changes with the figures per unit of production (today's summary) against the
    same summary without their rows (what the overview aggregated before them), as a ratio of CPU time
    (target at most 1.2x). Both go through today's build, whose line on like-with-like periods and whose
    second avoided-energy figure count in both."""
    import metrics
    from tracker import overview
    for label in labels:
        full = overview.read_data(engines[label])
        # the overview's summary holds the indicators entered only; the rows that count, theirs and those per unit
        # of production (made on reading)
        keep = ~full.counted["indicator"].isin(list(metrics.NORMALISED_OF)).to_numpy()
        before = overview.OverviewData(summary=full.summary, enterprises=full.enterprises,
                                       memberships=full.memberships, reference=full.reference,
                                       counted=full.counted[keep].reset_index(drop=True), regression=full.regression)
        times = {"with": [], "without": []}
        for _ in range(repeat):
            for kind, data in (("without", before), ("with", full)):
                chosen: dict[str, tuple] = {}
                cpu0 = time.process_time()
                for col, (value, _count) in expected["steps"].items():
                    chosen[col] = (value,)
                    overview.build(data, overview.Filters(**chosen))
                times[kind].append(time.process_time() - cpu0)
        w, wo = float(np.median(times["with"])), float(np.median(times["without"]))
        print(f"  filter changes ({len(expected['steps'])} steps) on {label}: with the figures per unit of production "
              f"{w:.2f} s CPU, without {wo:.2f} s; ratio {w / wo:.2f}x (target at most 1.2x); rows that count "
              f"{len(full.counted):,} against {len(before.counted):,}")


def _rss_peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not start from the
    parent's size at fork)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1]) / 1024


def apptest(url: str, folder: Path) -> None:
    """Time the page through AppTest (child process, so its peak RSS is the page's alone)."""
    os.environ["SCORE_DB_URL"] = url
    from streamlit.testing.v1 import AppTest

    expected = json.loads((folder / "expected.json").read_text())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.text_input(key="sign_in_username").input("bench-officer")
    at.text_input(key="sign_in_password").input(PASSWORD)
    t = time.perf_counter()
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    assert not at.exception, at.exception
    print(f"  AppTest: sign in -> overview, cold (reads the summary)  {time.perf_counter() - t:6.2f} s")
    t = time.perf_counter()
    at.run()
    print(f"  AppTest: rerun, nothing changed                          {time.perf_counter() - t:6.2f} s")
    for col, (value, count) in expected["steps"].items():
        current = list(at.multiselect(key=f"flt_{col}").value)
        at.multiselect(key=f"flt_{col}").set_value(current + [value])
        t = time.perf_counter()
        at.run()
        took = time.perf_counter() - t
        assert not at.exception, at.exception
        shown = next(m.value for m in at.metric if m.label == "Enterprises")
        assert shown == f"{count:,}", (col, shown, count)
        print(f"  AppTest: filter {col:<8} -> {count:>7,} enterprises            {took:6.2f} s")
    at.selectbox(key="ov_indicator").set_value("energy")
    t = time.perf_counter()
    at.run()
    print(f"  AppTest: breakdown indicator changed                     {time.perf_counter() - t:6.2f} s")
    print(f"  AppTest process peak RSS {_rss_peak_mb():,.0f} MB")


def _server_rss(pid: int) -> str:
    """A process's peak and current resident memory, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    hwm = next(line for line in status.splitlines() if line.startswith("VmHWM"))
    rss = next(line for line in status.splitlines() if line.startswith("VmRSS"))
    return f"peak RSS {int(hwm.split()[1]) / 1024:,.0f} MB, now {int(rss.split()[1]) / 1024:,.0f} MB"


def browser(url: str, folder: Path) -> None:
    """Time the page in Chromium against a real `streamlit run app.py`; report the server's peak RSS."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port
    from tracker.countries import country_label

    expected = json.loads((folder / "expected.json").read_text())
    port = _free_port()
    env = dict(os.environ, SCORE_DB_URL=url)
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        import urllib.request

        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/_stcore/health", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)  # polling a server's readiness
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = b.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(600_000)  # a cold load of 300,000 enterprises on a loaded machine
            page.goto(base)
            page.get_by_role("textbox", name="User name").fill("bench-officer")
            page.get_by_role("textbox", name="Password").fill(PASSWORD)

            def ready(count: int) -> None:
                page.wait_for_function(
                    """(n) => {
                        const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
                            .find(e => e.innerText.startsWith('Enterprises'));
                        const running = document.querySelector('[data-testid="stStatusWidget"]');
                        const stale = document.querySelector('[data-stale="true"]');
                        return m && m.innerText.includes(n) && !stale &&
                               !(running && running.innerText.includes('Running'))
                               && document.querySelectorAll('.js-plotly-plot').length >= 4;
                    }""", arg=f"{count:,}", polling=50)

            t = time.perf_counter()
            page.get_by_role("button", name="Sign in").click()
            ready(expected["total"])
            print(f"  browser: sign in -> overview ready, cold               {time.perf_counter() - t:6.2f} s")
            labels = {"country": "Country", "sector": "Sector", "partner": "Implementation partner",
                      "module": "Module"}
            print(f"  streamlit server after the cold load: {_server_rss(proc.pid)}")
            for col, (value, count) in expected["steps"].items():
                box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
                    has_text=labels[col])
                box.locator("input").fill(country_label(value) if col == "country" else value)  # as the box shows it
                t = time.perf_counter()
                page.keyboard.press("Enter")
                page.keyboard.press("Escape")
                ready(count)
                print(f"  browser: filter {col:<8} -> {count:>7,} enterprises            "
                      f"{time.perf_counter() - t:6.2f} s")
            b.close()
    finally:  # said even when a step failed: the memory is a target of its own
        print(f"  streamlit server: {_server_rss(proc.pid)} (target < 1,024 MB)")
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=100_000)
    ap.add_argument("--no-apptest", action="store_true", help="skip the page through AppTest")
    ap.add_argument("--browser", action="store_true", help="also time the page in Chromium")
    ap.add_argument("--rebuilds", type=int, help="repetitions of the summary rebuild (default: --repeat)")
    harness.add_arguments(ap)
    ap.add_argument("--phase", choices=["build", "apptest", "browser"], help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--folder", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        folder = Path(args.folder)
        {"build": lambda: build(args.db, args.enterprises, folder), "apptest": lambda: apptest(args.db, folder),
         "browser": lambda: browser(args.db, folder)}[args.phase]()
        return
    with contextlib.ExitStack() as stack:
        bases = harness.databases(args, stack)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-overview-")))
        print(f"Programme overview benchmark, {args.enterprises:,} enterprises; {harness.load()}")
        urls = {d.label: d.fresh() for d in bases}
        print("  building the data sets (child processes)")
        for d in bases:
            subprocess.run([sys.executable, __file__, "--phase", "build", "--db", urls[d.label], "--folder",
                            str(folder), "--enterprises", str(args.enterprises)], check=True, cwd=ROOT)
        service_steps(bases, urls, folder, args.repeat, args.rebuilds)
        for phase in ([] if args.no_apptest else ["apptest"]) + (["browser"] if args.browser else []):
            for d in bases:
                print(f"  {phase} on {d.label}")
                subprocess.run([sys.executable, __file__, "--phase", phase, "--db", urls[d.label], "--folder",
                                str(folder), "--enterprises", str(args.enterprises)], check=True, cwd=ROOT)
        print(f"  after: {harness.load()}")


if __name__ == "__main__":
    main()
