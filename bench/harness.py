"""What the benchmarks share: databases named by ``--url``, CPU time beside wall time, steps run
back to back on each database, and ratios.

``--url`` may be given more than once; each is a database URL or one of two words:

- ``duckdb``: a fresh DuckDB file in a temporary folder;
- ``postgresql``: a throwaway PostgreSQL 15 cluster (tests/pg.py: initdb as the postgres user,
  loopback only, removed at the end), or the server ``SCORE_BENCH_PG_URL`` names.

Default: both. Each database gets its own fresh database (a new file, or a new database inside
the PostgreSQL server). The machine is shared and noisy, so every step is timed several times,
alternating between the databases (A B A B ...), and reported as the median with the minimum,
in wall seconds and in CPU seconds. CPU counts this process and, for PostgreSQL, the server:
the postmaster and its backends, read from /proc (only when the server runs on this machine).
The ratio is taken pair by pair (PostgreSQL / DuckDB of the same repetition), then the median;
a target is judged on the CPU ratio, as the wall clock of a loaded machine mostly measures the
other users.
"""
from __future__ import annotations

import contextlib
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TICK = os.sysconf("SC_CLK_TCK")


def add_arguments(parser, repeat: int = 3) -> None:
    """``--url`` (repeatable) and ``--repeat``."""
    parser.add_argument("--url", action="append", default=None,
                        help="a database URL, or 'duckdb' (a temporary file) or 'postgresql' (a throwaway cluster, "
                             "or SCORE_BENCH_PG_URL); repeat for several; default: duckdb and postgresql")
    parser.add_argument("--repeat", type=int, default=repeat, help="repetitions of each step (median and min shown)")


def load() -> str:
    """The machine's load averages, to print beside the figures."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


# --- CPU time ---------------------------------------------------------------------------------

def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from 3 (state) on


def process_tree_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and its children, live ones and those it has reaped."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    total = sum(int(fields[i]) for i in (11, 12, 13, 14)) / TICK  # utime stime cutime cstime
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            child = _stat(int(entry.name))
            if child is not None and int(child[1]) == pid:
                total += sum(int(child[i]) for i in (11, 12)) / TICK
    return total


def own_cpu() -> float:
    """CPU seconds of this process (DuckDB's threads included) and of children it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


# --- databases --------------------------------------------------------------------------------

class Database:
    """One ``--url``: makes fresh databases and reads its server's CPU time."""

    def __init__(self, spec: str, stack: contextlib.ExitStack):
        self.spec = spec
        self.stack = stack
        self.kind = "duckdb" if spec.startswith("duckdb") else "postgresql"
        self.label = self.kind
        self.server_pid: int | None = None
        self._folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        self._base = None
        if spec == "postgresql":
            self._base = os.environ.get("SCORE_BENCH_PG_URL") or self._cluster()
        elif self.kind == "postgresql":
            self._base = spec

    def _cluster(self) -> str:
        from tests import pg

        reason = pg.available()
        if reason:
            raise SystemExit(f"cannot start PostgreSQL for the bench: {reason}")
        cluster = pg.Cluster()
        cluster.start()
        self.stack.callback(cluster.stop)
        self.server_pid = int((cluster.data / "postmaster.pid").read_text().split()[0])
        return cluster.url

    def fresh(self) -> str:
        """The URL of a new, empty database (dropped or deleted at the end)."""
        if self.kind == "duckdb":
            if self.spec.startswith("duckdb:///") and self.spec != "duckdb":
                return self.spec  # a file named by the caller is used as it is
            return f"duckdb:///{self._folder / (uuid.uuid4().hex[:8] + '.duckdb')}"
        import sqlalchemy as sa

        name = "bench_" + uuid.uuid4().hex[:10]
        admin = sa.create_engine(self._base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            if self.server_pid is None:  # a server we did not start: find its postmaster, if local
                backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
                fields = _stat(int(backend))
                self.server_pid = int(fields[1]) if fields else None
        admin.dispose()
        self.stack.callback(self._drop, name)
        return self._base.rsplit("/", 1)[0] + "/" + name

    def _drop(self, name: str) -> None:
        import sqlalchemy as sa

        admin = sa.create_engine(self._base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    def server_cpu(self) -> float:
        """CPU seconds the database server has used (0 for DuckDB: it runs in this process)."""
        return process_tree_cpu(self.server_pid) if self.server_pid else 0.0


def databases(args, stack: contextlib.ExitStack) -> list[Database]:
    specs = args.url or ["duckdb", "postgresql"]
    out = [Database(spec, stack) for spec in specs]
    for n, d in enumerate(out):  # two of a kind get numbered labels
        if sum(x.kind == d.kind for x in out) > 1:
            d.label = f"{d.kind}#{n + 1}"
    return out


# --- timing -----------------------------------------------------------------------------------

@dataclass
class Sample:
    wall: float
    cpu: float  # this process + the database server


@dataclass
class Step:
    """The samples of one step on each database, in the order they were taken."""

    name: str
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    note: dict[str, str] = field(default_factory=dict)


def timed(db: Database, fn):
    """(fn's result, Sample)."""
    cpu0, srv0, t0 = own_cpu(), db.server_cpu(), time.perf_counter()
    result = fn()
    wall = time.perf_counter() - t0
    return result, Sample(wall, own_cpu() - cpu0 + db.server_cpu() - srv0)


def record(step: Step, db: Database, fn):
    """Run ``fn`` once on ``db``, add its sample to ``step``, return its result."""
    result, sample = timed(db, fn)
    step.samples.setdefault(db.label, []).append(sample)
    return result


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):7.2f} ({min(values):6.2f})"


def print_step(step: Step, labels: list[str], target: float | None = None) -> None:
    """One line per database (median (min) of wall and CPU seconds), then the ratio of each to
    the first database, pair by pair, median, with the target when there is one."""
    print(f"  {step.name}")
    for label in labels:
        s = step.samples.get(label, [])
        if not s:
            continue
        note = f"  {step.note[label]}" if label in step.note else ""
        print(f"    {label:<12} wall {_fmt([x.wall for x in s])} s   cpu {_fmt([x.cpu for x in s])} s"
              f"   n={len(s)}{note}")
    base = step.samples.get(labels[0], [])
    for label in labels[1:]:
        other = step.samples.get(label, [])
        pairs = list(zip(other, base, strict=False))
        if not pairs:
            continue
        wall = statistics.median(a.wall / b.wall for a, b in pairs)
        cpu = statistics.median(a.cpu / b.cpu for a, b in pairs if b.cpu > 0) if any(b.cpu for _, b in pairs) else 0
        # judged on CPU: on a shared machine the wall clock mostly measures the other users' load
        verdict = "" if target is None else f"   target <= {target:.1f}x (cpu): {'met' if cpu <= target else 'NOT met'}"
        print(f"    ratio {label} / {labels[0]}: wall {wall:5.2f}x   cpu {cpu:5.2f}x{verdict}")
