"""Run mutants of tracker/ one at a time against the integration tests that call the mutated function.

mutmut runs every test file twice over before the first mutant (once to record which test calls which
function, once clean) and then, per mutant, every test that called the function: over an hour on two
shared cores for tests/integration. This runner uses the mutants mutmut made (mutants-tracker/mutants/,
each function a trampoline that calls the mutant named in MUTANT_UNDER_TEST) and

- runs one pass, the stats pass, over the integration test files that assert the figures of the mutated
  modules (``FOCUS``; DuckDB only, ``-k "not postgresql"``) with ``MUTANT_UNDER_TEST=stats``: every
  trampoline calls the original and records its name (tools/mutation_stats.py, a pytest plugin), so the
  pass is also the clean run (a test failing there stops the run: it would "kill" every mutant); its
  result, mutants/runner-stats.json, is reused for every test file unchanged since (a file changed or
  added is run again);
- then runs each mutant once, in that folder, against only the tests that called its function in the
  stats pass, the quickest first, with ``-x`` (the first failure kills it) and a timeout. A mutant of a
  function that none of those tests calls is not run ("no tests": not killed).

The exit code is stored in mutmut's .meta file of the mutated module, as mutmut stores its own, so
``python tools/mutation.py --tracker --report`` reads either.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

#: the integration test files that assert the figures of each mutated module (what a person reads in the report,
#: its tables and hand-over files, the summary rows, the overview's aggregates and suppression); the stats pass
#: runs their union once, and each mutant then runs the tests of it that called the mutated function
FOCUS = {
    "report": ["test_tracker_texts", "test_report_periods", "test_one_path", "test_normalised", "test_optional_inputs",
               "test_targets", "test_regression_overview"],
    "tables": ["test_tracker_texts", "test_one_path", "test_normalised", "test_report_periods", "test_handover",
               "test_statements"],
    "summary": ["test_summary_scopes", "test_overview", "test_overview_quality", "test_one_path"],
    "overview": ["test_tracker_texts", "test_overview", "test_overview_quality", "test_regression_overview",
                 "test_clusters", "test_summary_scopes", "test_disclosures", "test_delivery", "test_one_path",
                 "test_targets"],
    "overview_data": ["test_tracker_texts", "test_overview", "test_overview_quality", "test_regression_overview",
                      "test_clusters", "test_summary_scopes", "test_disclosures", "test_delivery", "test_one_path"],
    "published": ["test_overview", "test_disclosures", "test_delivery", "test_clusters", "test_targets",
                  "test_one_path", "test_normalised"],
    "disclosure": ["test_disclosure", "test_overview"],
    "handover": ["test_tracker_texts", "test_handover", "test_file_languages", "test_report_periods", "test_one_path",
                 "test_normalised", "test_optional_inputs"],
}
#: a mutant whose tests ran past the timeout: on a loaded machine that is often slowness, not a mutant that
#: loops, so it is not counted as killed (mutmut's own timeout codes are); `--again` runs it again
TIMEOUT_CODE = 124
#: mutmut's code for a mutant that no test reaches ("no tests": not killed)
NO_TESTS = 33
HERE = Path(__file__).resolve().parent
#: left out of the metrics/ run (setup.cfg): the catalogues against the words of all the code, not a figure
UNIT_LEFT_OUT = {"test_catalogues.py"}


def test_files(modules: list[str]) -> list[str]:
    """The integration test files of the stats pass for these mutated modules, each once."""
    out: list[str] = []
    for module in modules:
        out += [f"tests/integration/{f}.py" for f in FOCUS.get(module, []) if f"tests/integration/{f}.py" not in out]
    return out


def stats(cwd: Path, files: list[str], log, timeout: float) -> dict[str, dict]:
    """nodeid -> {"functions": the mutated functions the test called, "seconds": its duration}, over ``files``,
    from the stats pass (cwd/runner-stats.json, rerun for the files changed since). Raises when a test
    fails on the original code."""
    path = cwd / "runner-stats.json"
    saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"files": {}, "tests": {}}
    digest = {f: hashlib.sha256((cwd / f).read_bytes()).hexdigest() for f in files}
    todo = [f for f in files if saved["files"].get(f) != digest[f]]
    if todo:
        out = cwd / "runner-stats.part.json"
        out.unlink(missing_ok=True)
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "mutation_stats",
               "-k", "not postgresql", *todo]
        env = {**os.environ, "MUTANT_UNDER_TEST": "stats", "MUTATION_STATS_OUT": str(out),
               "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))}
        started = time.monotonic()
        line = f"stats pass (the clean run) over {len(todo)} test files: {' '.join(Path(f).stem for f in todo)}"
        print(line, flush=True)
        log.write(line + "\n")
        done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=timeout * len(todo))
        tail = done.stdout.strip().splitlines()[-1:]
        line = f"stats pass: exit {done.returncode} in {time.monotonic() - started:.0f} s: {' '.join(tail)}"
        print(line, flush=True)
        log.write(line + "\n")
        part = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {"tests": {}, "failed": ["?"]}
        if done.returncode != 0 or part["failed"]:
            log.write(done.stdout)
            raise SystemExit(f"the tests fail on the original code ({', '.join(part['failed'])}): no mutant is "
                             "scored; see the log")
        saved["tests"] = {t: v for t, v in saved["tests"].items() if t.split("::")[0] not in todo}
        saved["tests"].update(part["tests"])
        saved["files"].update({f: digest[f] for f in todo})
        path.write_text(json.dumps(saved, indent=1), encoding="utf-8")
    return {t: v for t, v in saved["tests"].items() if t.split("::")[0] in files}


def tracker_tests(tests: dict[str, dict], names: list[str], limit: int = 0) -> dict[str, list[str]]:
    """mutant -> the node ids of the stats pass that called its function, the quickest first (with ``limit``, that
    many at most: a mutant that survives them is not killed, even if a slower test would kill it)."""
    out = {}
    for name in names:
        function = name.rpartition("__mutmut_")[0]
        hit = sorted((t for t, v in tests.items() if function in v["functions"]), key=lambda t: tests[t]["seconds"])
        out[name] = hit[:limit] if limit else hit
    return out


def unit_map(cwd: Path, names: list[str]) -> dict[str, list[str]]:
    """metrics/: mutant -> the unit test files holding a test that mutmut's last stats (cwd/mutmut-stats.json)
    found calling its function, and every unit test file changed since those stats (new tests), those first."""
    stats = json.loads((cwd / "mutmut-stats.json").read_text(encoding="utf-8"))
    known = {t.split("[")[0] for tests in stats["tests_by_mangled_function_name"].values() for t in tests}
    changed = []  # the files with a test the stats do not know
    for path in sorted((cwd / "tests" / "unit").glob("test_*.py")):
        if path.name in UNIT_LEFT_OUT:
            continue
        rel = str(path.relative_to(cwd))
        defined = re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), flags=re.M)
        if any(f"{rel}::{t}" not in known for t in defined):
            changed.append(rel)
    out = {}
    for name in names:
        function = name.rpartition("__mutmut_")[0]
        tests = stats["tests_by_mangled_function_name"].get(function, [])
        files = sorted({t.split("::")[0] for t in tests})
        out[name] = changed + [f for f in files if f not in changed]  # new tests first: written for survivors
    return out


def run(names: list[str], cwd: Path, files: dict[str, list[str]], timeout: float, log,
        extra: tuple[str, ...] = (), warm: list[str] | None = None) -> None:
    """Run each mutant (``tracker.summary.x_refresh__mutmut_3``) against ``files[name]`` (test files or node ids)
    in ``cwd`` (mutants/ of the run), storing the exit code in the module's .meta file after each one; a mutant
    with nothing to run is stored as "no tests". With ``warm`` (test files), one server process imports them
    (and so pandas, tracker, the fixtures) once and forks a child per mutant: on a loaded machine starting
    Python and collecting the tests takes longer than most mutants' tests."""
    server = _Server(cwd, warm, log) if warm else None
    try:
        for i, name in enumerate(names, 1):
            module = name.split(".")[1]
            selected = files.get(name, [])
            started = time.monotonic()
            if not selected:
                code, tail = NO_TESTS, ["no test calls its function"]
            elif server is not None:
                code, tail = server.run(name, ["-x", "-q", "-p", "no:cacheprovider", *extra, *selected], timeout)
            else:
                code, tail = _run_one(name, cwd, ["-x", "-q", "-p", "no:cacheprovider", *extra, *selected], timeout)
            seconds = time.monotonic() - started
            _store(cwd / name.split(".")[0] / f"{module}.py.meta", name, code)
            line = (f"{i}/{len(names)} {name}: exit {code} in {seconds:.0f} s ({len(selected)} to run): "
                    f"{' '.join(tail)}")
            log.write(line + "\n")
            log.flush()
            print(line, flush=True)
    finally:
        if server is not None:
            server.close()


def _run_one(name: str, cwd: Path, args: list[str], timeout: float) -> tuple[int, list[str]]:
    """One mutant in a fresh ``python -m pytest``."""
    proc = subprocess.Popen([sys.executable, "-m", "pytest", *args], cwd=cwd, env={**os.environ,
                            "MUTANT_UNDER_TEST": name}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, out.strip().splitlines()[-1:]
    except subprocess.TimeoutExpired:
        return TIMEOUT_CODE, [f"timed out after {timeout:.0f} s"]
    finally:  # stopped (a timeout, Ctrl-C, a SIGTERM made SystemExit by main): no pytest left behind
        if proc.poll() is None:
            proc.kill()
            proc.wait()


#: the fork server: imports the test files once (a collection), then per line of stdin (a mutant's name and
#: pytest's arguments, JSON) forks a child that runs pytest with that mutant, its output to a file; it answers
#: on its own copy of stdout, first the child's pid, then its exit code
_SERVER = r"""
import json, os, sys
proto = os.fdopen(os.dup(1), "w")
quiet = os.open(os.devnull, os.O_WRONLY)
os.dup2(quiet, 1)
os.dup2(quiet, 2)
sys.path.insert(0, os.getcwd())
import pytest
pytest.main(["--collect-only", "-qq", "-p", "no:cacheprovider", *json.loads(sys.argv[1])])
proto.write("ready\n")
proto.flush()
for line in sys.stdin:
    name, args, out = json.loads(line)
    pid = os.fork()
    if pid == 0:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.environ["MUTANT_UNDER_TEST"] = name
        try:
            code = int(pytest.main(args))
        except BaseException:
            code = 3
        sys.stdout.flush()
        os._exit(code)
    proto.write(json.dumps(pid) + "\n")
    proto.flush()
    _, status = os.waitpid(pid, 0)
    proto.write(json.dumps(os.waitstatus_to_exitcode(status)) + "\n")
    proto.flush()
"""


class _Server:
    """The fork server (``_SERVER``) in ``cwd``, warmed up on ``warm``."""

    def __init__(self, cwd: Path, warm: list[str], log) -> None:
        self.out = cwd / "runner-mutant.out"
        self.child = None
        self.buffer = b""
        started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "-c", _SERVER, json.dumps(warm)], cwd=cwd,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        if self._line(None) != "ready":
            raise SystemExit("the fork server of tools/mutation_runner.py did not start")
        line = f"fork server: {len(warm)} test files imported in {time.monotonic() - started:.0f} s"
        log.write(line + "\n")
        print(line, flush=True)

    def _line(self, timeout: float | None) -> str | None:
        """The server's next line, or None when ``timeout`` seconds pass first (unbuffered: select sees it all)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                raise SystemExit("the fork server of tools/mutation_runner.py stopped")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode().strip()

    def run(self, name: str, args: list[str], timeout: float) -> tuple[int, list[str]]:
        self.proc.stdin.write((json.dumps([name, args, str(self.out)]) + "\n").encode())
        self.proc.stdin.flush()
        self.child = json.loads(self._line(None))
        answer = self._line(timeout)
        if answer is None:  # past the timeout: the child is killed, its exit code read and dropped
            os.kill(self.child, signal.SIGKILL)
            self._line(None)
            self.child = None
            return TIMEOUT_CODE, [f"timed out after {timeout:.0f} s"]
        self.child = None
        text = self.out.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return json.loads(answer), text[-1:]

    def close(self) -> None:
        if self.child is not None:  # stopped while a mutant runs: no pytest left behind
            try:
                os.kill(self.child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _store(meta: Path, name: str, code: int) -> None:
    data = json.loads(meta.read_text(encoding="utf-8"))
    data["exit_code_by_key"][name] = code
    meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
