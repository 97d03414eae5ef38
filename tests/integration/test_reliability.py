"""Nothing lost: concurrent writers, and an import killed half-way."""
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select

import metrics
from tracker import db, measurements
from tracker import io as tio
from tracker.auth import system_user
from tracker.models import Measurement

ROOT = Path(__file__).resolve().parents[2]
ADMIN = system_user("test-admin")


def count(engine):
    with db.session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(Measurement))


def rows_for(thread: int, n: int) -> pd.DataFrame:
    return pd.DataFrame([dict(enterprise=f"Shared SME {thread % 3}", country="IN", sector="S",
                              period_start=f"2024-01-{1 + i % 28:02d}", period_end=f"2024-01-{1 + i % 28:02d}",
                              phase="baseline", indicator="energy", carrier="electricity" if i < 28 else "diesel",
                              value=thread * 1000 + i, unit="kWh", note=f"thread {thread}")
                         for i in range(n)])


def test_twenty_threads_writing_at_once_lose_nothing(db_url):
    engine = db.open_database(db_url)
    # each thread writes its own enterprise and also figures for a shared one
    errors = []

    def work(t):
        try:
            own = rows_for(t, 40).assign(enterprise=f"Thread SME {t}")
            measurements.save_measurements(engine, ADMIN, metrics.parse(own), create_enterprises=True)
            measurements.save_measurements(engine, ADMIN, metrics.parse(rows_for(t, 10)), create_enterprises=True)
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors[:3]
    # 20 x 40 own figures, plus the 10 shared keys of each of the 3 shared enterprises
    assert count(engine) == 20 * 40 + 3 * 10
    engine.dispose()


KILLER = """
import sys, pandas as pd
from tracker import db, io as tio
from tracker.auth import system_user
engine = db.open_database(sys.argv[1])
def progress(f, text):
    print(text, flush=True)
    if text.startswith("Adding"):
        print("READY", flush=True)
        sys.stdin.readline()  # the test kills us here, in the middle of the import
tio.import_file(engine, system_user("k"), open(sys.argv[2], "rb").read(), "big.csv", progress=progress)
print("FINISHED", flush=True)
"""


def test_an_import_killed_half_way_stores_all_or_nothing(duckdb_url, tmp_path):
    n = 50_000
    big = pd.DataFrame(dict(enterprise=[f"SME {i % 500}" for i in range(n)], country="KE", sector="S",
                            period_start=[f"2024-{1 + (i // 500) % 12:02d}-01" for i in range(n)],
                            period_end=[f"2024-{1 + (i // 500) % 12:02d}-28" for i in range(n)],
                            phase=["baseline" if (i // 6000) % 2 == 0 else "follow-up" for i in range(n)],
                            indicator="water", carrier="", value=[float(i) for i in range(n)], unit="m3", note=""))
    big = big.drop_duplicates(["enterprise", "period_start", "period_end", "phase"])
    path = tmp_path / "big.csv"
    path.write_bytes(tio.frame_bytes(big, "csv"))
    proc = subprocess.Popen([sys.executable, "-c", KILLER, duckdb_url, str(path)], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    for line in proc.stdout:
        if line.strip() == "READY":
            break
    else:
        raise AssertionError("the import never reached its insert step")
    # let the insert run, then kill it without warning
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    engine = db.open_database(duckdb_url)
    stored = count(engine)
    assert stored in (0, len(big)), stored
    # and it is usable: the same import now completes
    counts = tio.import_file(engine, ADMIN, path.read_bytes(), "big.csv")
    assert count(engine) == len(big)
    assert counts["inserted"] + stored == len(big)
    engine.dispose()


def test_a_process_killed_right_after_migrating_leaves_a_file_that_opens(duckdb_url):
    # DuckDB cannot replay some schema changes from its write-ahead log; migrate checkpoints
    code = "import os, sys; from tracker import db; db.open_database(sys.argv[1]); os.kill(os.getpid(), 9)"
    proc = subprocess.run([sys.executable, "-c", code, duckdb_url], cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert proc.returncode == -signal.SIGKILL
    engine = db.open_database(duckdb_url)
    assert count(engine) == 0
    engine.dispose()


def test_duckdb_writers_in_one_process_take_turns_instead_of_conflicting(duckdb_url):
    # regression: "Conflict on update!" when two threads changed the same row at once (CI, 20 threads)
    engine = db.open_database(duckdb_url)
    measurements.save_measurements(engine, ADMIN, metrics.parse(rows_for(0, 1)), create_enterprises=True)
    first_in, second_started, second_done = threading.Event(), threading.Event(), threading.Event()
    outcome = {}

    def second():
        first_in.wait(30)
        second_started.set()
        try:
            with db.session_scope(engine) as s:
                s.execute(Measurement.__table__.update().values(note="second"))
            outcome["second"] = "ok"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome["second"] = repr(exc)
        second_done.set()

    t = threading.Thread(target=second)
    t.start()
    with db.session_scope(engine) as s:
        s.execute(Measurement.__table__.update().values(note="first"))
        first_in.set()
        second_started.wait(30)
        # without the writer lock the second update fails at once on the uncommitted row
        assert not second_done.wait(0.5), outcome
    t.join(30)
    assert outcome == {"second": "ok"}
    with db.session_scope(engine, readonly=True) as s:
        assert s.scalars(select(Measurement.note)).all() == ["second"]
    engine.dispose()
