"""Benchmark a room full of people on one server: the server's CPU per person and the time from
sign-in to the report, one person at a time and ten at once (prints figures and ratios; not part
of the tests).

    python bench/bench_people.py [--enterprises 4800] [--people 5] [--together 10]
                                 [--url duckdb --url postgresql] [--py-spy [--py-spy-raw FILE]]

For each database: builds it (the demo data, then synthetic enterprises up to ``--enterprises``,
each person a manager of an enterprise with 10 years of monthly figures), starts
``streamlit run app.py`` on it and drives Debian's Chromium (Playwright) through what a person
does: sign in, read the enterprise report, open Enter figures, type three lines and save them.

1. ``--people`` such flows one after the other: the CPU seconds the server used (the Streamlit
   process, and for PostgreSQL the database server too), divided by the number of people; the
   median time from pressing Sign in to the report drawn.
2. ``--together`` people at once (a browser context each): the same CPU per person, and the
   95th percentile of sign-in to report beside one person's median.
3. With ``--py-spy``, py-spy samples the Streamlit server (200 a second, the GIL's holder) during the
   one-at-a-time flows and the functions that took most of its time are printed (``pip install py-spy``);
   ``--py-spy-raw FILE`` keeps its collapsed stacks for a closer look.

Target: at most 1.0 s of server CPU per person.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import datetime as dt
import os
import re
import shutil
import signal
import statistics
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
MONTHLY = [("energy", "electricity", "kWh", 30_000.0), ("energy", "diesel", "L", 900.0),
           ("waste", "landfill", "kg", 800.0), ("material_input", "", "t", 40.0),
           ("material_wasted", "", "kg", 1500.0), ("yield", "", "%", 85.0), ("water", "", "m3", 300.0),
           ("production", "", "piece", 20_000.0)]


def person(n: int) -> str:
    return f"person-{n:02d}"


def heavy_rows(name: str, country: str, seed: int) -> pd.DataFrame:
    """Ten years of monthly figures (baseline the first year, follow-ups after)."""
    rng = np.random.default_rng(seed)
    rows = []
    for m in range(120):
        start = dt.date(2014 + m // 12, m % 12 + 1, 1)
        end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
        for indicator, carrier, unit, amount in MONTHLY:
            value = amount * (1 - 0.002 * m) * rng.uniform(0.9, 1.1) if indicator != "yield" else min(99.0, 80 + m / 10)
            rows.append(dict(enterprise=name, country=country, sector="Metal products", period_start=str(start),
                             period_end=str(end), phase="baseline" if m < 12 else "follow-up", indicator=indicator,
                             carrier=carrier, value=round(value, 2), unit=unit, note="synthetic"))
    return pd.DataFrame(rows)


def build(url: str, enterprises: int, people: int) -> None:
    """The demo data, synthetic enterprises up to ``enterprises`` (inserted directly), and one
    manager account with a heavy enterprise per person (child process)."""
    from bench_overview import generate, with_partners

    import metrics
    from tracker import auth, db, demo, measurements, summary

    engine = db.open_database(url)
    demo.load(engine, PASSWORD)
    admin = auth.system_user("bench")
    heavy = pd.concat([heavy_rows(f"Heavy SME {n:02d}", "IN", n) for n in range(people)], ignore_index=True)
    measurements.save_measurements(engine, admin, metrics.parse(heavy), create_enterprises=True)
    extra = max(enterprises - 37 - people, 0)
    if extra:  # inserted directly, with ids after the last (no enterprise is created after them)
        ents, trainings, _, rows = generate(extra, seed=9)
        with db.session_scope(engine) as session:
            first = session.connection().exec_driver_sql("SELECT max(id) FROM enterprises").scalar() + 1
            first_partner = session.connection().exec_driver_sql("SELECT coalesce(max(id), 0) FROM partners").scalar()
            partners, ents = with_partners(ents.assign(id=ents["id"] + first - 1, name="Bulk " + ents["name"],
                                                       partner="Bulk " + ents["partner"]), first_partner + 1)
            rows = metrics.to_canonical(rows.assign(enterprise_id=rows["enterprise_id"] + first - 1))
            rows["unit_canonical"] = rows["unit_canonical"].astype(str)
            meas = rows.drop(columns=["country"]).assign(factor_set=metrics.FACTOR_SET_VERSION,
                                                         updated_at=dt.datetime(2025, 1, 1), updated_by="bench")
            db.bulk_insert(session, "partners", partners)
            db.bulk_insert(session, "enterprises", ents)
            db.bulk_insert(session, "measurements", meas)
    with db.session_scope(engine) as session:
        ids = dict(session.connection().exec_driver_sql(
            "SELECT name, id FROM enterprises WHERE left(name, 10) = 'Heavy SME '").all())
        for n in range(people):
            auth.upsert_user(session, person(n), PASSWORD, "manager", [ids[f"Heavy SME {n:02d}"]], actor="bench")
    summary.rebuild(engine)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


async def flow(browser, base: str, username: str, screenshots: Path | None = None) -> float:
    """One person: sign in, the report, Enter figures, three lines saved. Returns the seconds
    from pressing Sign in to the report drawn."""
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(300_000)
    try:
        await page.goto(base)
        await page.get_by_role("textbox", name="User name").fill(username)
        await page.get_by_role("textbox", name="Password").fill(PASSWORD)
        t = time.perf_counter()
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("heading", name="Hand over")).to_be_visible(timeout=300_000)
        await _idle(page)
        await _drawn(page)
        to_report = time.perf_counter() - t
        if screenshots:
            await page.screenshot(path=str(screenshots / f"{username}-report.png"), full_page=True)
        await page.get_by_role("link", name="Enter figures").click()
        form = page.locator("[data-testid='stForm']").first
        for label, value in (("Electricity", "31000"), ("Water", "290"), ("Production", "21000")):
            await form.get_by_role("textbox", name=f"{label} value").fill(value)
        await form.get_by_role("button", name=re.compile("^Save for")).click()
        await expect(page.get_by_text(re.compile(r"^Saved for .*: 3 new figures"))).to_be_visible(timeout=300_000)
        await _idle(page)
        await _drawn(page)
        if screenshots:
            await page.screenshot(path=str(screenshots / f"{username}-saved.png"), full_page=True)
        return to_report
    finally:
        await context.close()


async def _idle(page) -> None:
    """Until the script run has finished (no 'Running' status, nothing stale)."""
    await page.wait_for_function(
        """() => { const s = document.querySelector('[data-testid="stStatusWidget"]');
                   return !(s && s.innerText.includes('Running'))
                          && !document.querySelector('[data-stale="true"]'); }""",
        polling=100, timeout=300_000)


async def _drawn(page) -> None:
    """Until the page is drawn as a person sees it: its charts drawn by plotly and no element still
    a grey placeholder while its code loads (Streamlit's stSkeleton)."""
    await page.wait_for_function(
        """() => !document.querySelector('[data-testid="stSkeleton"]')
                 && [...document.querySelectorAll('.js-plotly-plot')].every(el => el.querySelector('.main-svg'))""",
        polling=100, timeout=300_000)


def _server_cpu(pid: int, db_server) -> float:
    return harness.process_tree_cpu(pid) + db_server.server_cpu()


async def run_people(base: str, names: list[str], together: bool, screenshots: Path | None) -> list[float]:
    from playwright.async_api import async_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            if together:
                return list(await asyncio.gather(*(flow(browser, base, n, screenshots) for n in names)))
            return [await flow(browser, base, n, screenshots) for n in names]
        finally:
            await browser.close()


def profile_summary(raw: Path, top: int = 25) -> None:
    """The functions where the server spent its time (py-spy's collapsed stacks): own time, and
    time including what they call, for the app's own code."""
    own, incl, total = collections.Counter(), collections.Counter(), 0
    for line in raw.read_text().splitlines():
        if not line.strip():
            continue
        stack, n = line.rsplit(" ", 1)
        frames = stack.split(";")
        total += int(n)
        own[frames[-1]] += int(n)
        for f in set(frames):
            incl[f] += int(n)
    print(f"    py-spy: {total:,} samples of the server's Python while it held the GIL (its CPU, less native code "
          "running without the GIL)")
    print("    most own time:")
    for f, n in own.most_common(top):
        print(f"      {100 * n / total:5.1f}%  {f}")
    print("    most time including callees (the app's code):")
    mine = [(f, n) for f, n in incl.items() if re.search(r"\((tracker|pages|ui|metrics|app)/|\(app\.py", f)]
    for f, n in sorted(mine, key=lambda x: -x[1])[:top]:
        print(f"      {100 * n / total:5.1f}%  {f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=4800)
    ap.add_argument("--people", type=int, default=5, help="flows one after the other")
    ap.add_argument("--together", type=int, default=10, help="people at once")
    ap.add_argument("--py-spy", action="store_true", help="sample the server with py-spy during the one-at-a-time "
                                                           "flows")
    ap.add_argument("--py-spy-raw", help="keep py-spy's collapsed stacks in this file (with --py-spy)")
    ap.add_argument("--screenshots", help="a folder for screenshots of each person's report and save")
    harness.add_arguments(ap, repeat=1)
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()
    people = max(args.people, args.together)
    if args.phase == "build":
        build(args.db, args.enterprises, people)
        return
    from tests.e2e.conftest import start_server, stop_server, wait_ready

    shots = Path(args.screenshots) if args.screenshots else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    results = {}
    with contextlib.ExitStack() as stack:
        bases = harness.databases(args, stack)
        print(f"A room full of people: {args.enterprises:,} enterprises, {people} managers each with 10 years of "
              f"monthly figures; {harness.load()}")
        for d in bases:
            url = d.fresh()
            t = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--phase", "build", "--db", url, "--enterprises",
                            str(args.enterprises), "--people", str(people), "--together", "0"], check=True, cwd=ROOT)
            print(f"  {d.label}: built in {time.perf_counter() - t:.0f} s")
            proc, base = start_server(url)
            try:
                wait_ready(proc, base)
                # a first visit warms the server up (imports, caches), as on a server already running
                asyncio.run(run_people(base, [person(people - 1)], False, None))
                spy = None
                if args.py_spy and shutil.which("py-spy"):
                    raw = (Path(args.py_spy_raw) if args.py_spy_raw
                           else Path(stack.enter_context(tempfile.TemporaryDirectory())) / "spy.txt")
                    spy = subprocess.Popen(["py-spy", "record", "--pid", str(proc.pid), "--rate", "200", "--format",
                                            "raw", "--output", str(raw), "--nonblocking", "--gil"],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    time.sleep(1.0)  # py-spy attaching
                for mode, names in (("one at a time", [person(n) for n in range(args.people)]),
                                    ("together", [person(n) for n in range(args.together)])):
                    if not names:
                        continue
                    cpu0, wall0 = _server_cpu(proc.pid, d), time.perf_counter()
                    times = asyncio.run(run_people(base, names, mode == "together", shots))
                    cpu = (_server_cpu(proc.pid, d) - cpu0) / len(names)
                    wall = time.perf_counter() - wall0
                    results[(d.label, mode)] = (cpu, times)
                    print(f"    {mode:<14} {len(names):>2} people in {wall:6.1f} s: server CPU per person {cpu:5.2f} s "
                          f"(target <= 1.0); sign-in to report median {statistics.median(times):5.2f} s, "
                          f"p95 {np.percentile(times, 95):5.2f} s, max {max(times):5.2f} s")
                    if spy is not None and mode == "one at a time":
                        spy.send_signal(signal.SIGINT)  # py-spy writes its samples when interrupted
                        spy.wait(timeout=120)
                        profile_summary(raw)
                        spy = None
                status = Path(f"/proc/{proc.pid}/status").read_text()
                hwm = next(line for line in status.splitlines() if line.startswith("VmHWM"))
                print(f"    server peak memory {int(hwm.split()[1]) / 1024:,.0f} MB")
            finally:
                stop_server(proc)
        labels = [d.label for d in bases]
        for mode in ("one at a time", "together"):
            rows = [(label, results.get((label, mode))) for label in labels]
            if len(rows) > 1 and all(r for _, r in rows):
                base_cpu, base_times = rows[0][1]
                for label, (cpu, times) in rows[1:]:
                    print(f"  {mode}: ratio {label} / {labels[0]}: server CPU per person {cpu / base_cpu:4.2f}x, "
                          f"sign-in to report median {statistics.median(times) / statistics.median(base_times):4.2f}x")
        for label in labels:
            one, many = results.get((label, "one at a time")), results.get((label, "together"))
            if one and many:
                print(f"  {label}: {args.together} together, p95 sign-in to report {np.percentile(many[1], 95):.2f} s "
                      f"beside one person's {statistics.median(one[1]):.2f} s "
                      f"({np.percentile(many[1], 95) / statistics.median(one[1]):.1f}x)")
        print(f"  after: {harness.load()}")
    os.environ.pop("SCORE_DB_URL", None)


if __name__ == "__main__":
    main()
