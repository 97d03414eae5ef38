"""Mutation testing of metrics/ against tests/unit, with mutmut (configured in setup.cfg).

    python tools/mutation.py            # every mutant of metrics/ afresh (mutants/ is rebuilt)
    python tools/mutation.py --again    # only the mutants not killed last time (after adding tests)
    python tools/mutation.py --report   # the score of the last run, without running anything
    python tools/mutation.py --report --sample 200 --seed 19   # the score of that sample so far, without running
    python tools/mutation.py --sample 200 --seed 19   # a random sample of the mutants, reproducible
    python tools/mutation.py --tracker --sample 100 --seed 19   # tracker/'s figure paths instead

`--tracker` mutates the modules of tracker/ that hold figure paths (tools/mutation-tracker.cfg
lists them) and runs tests/integration on DuckDB only (`-k "not postgresql"`). mutmut reads its
settings from the setup.cfg of the folder it runs in and writes to that folder's mutants/, so
mutmut makes these mutants in a working copy, mutants-tracker/ (ignored by git): links to the code,
tests and data of the repository, and tools/mutation-tracker.cfg as its setup.cfg. mutmut only
makes them: tools/mutation_runner.py runs one stats pass over the integration test files that assert
the figures of the sampled modules (which test calls which mutated function; the clean run too), then
each mutant against only the tests that called its function, with -x and a timeout (`--timeout`,
600 s), skipping mutmut's two full passes over the tests (over an hour on two shared cores). Its
equivalent mutants are listed in tests/integration/EQUIVALENT_MUTANTS.md; the other options work the same way on it.

One worker process (the machine is shared). mutmut's own output goes to mutants/mutmut-run.log;
the diff of every mutant that was not killed goes to mutants/survivors.txt. The last line is
the score: "killed X of Y (Z %)", where killed counts mutants that made a test fail or time
out, and Y is every mutant mutmut made. Mutants listed in tests/unit/EQUIVALENT_MUTANTS.md
(with the reason they cannot be told apart from the original) stay in Y: the score is not
raised by them. The list names each by its function and its mutated line (the `+` line of
mutmut's diff), not by mutmut's number, which any edit to the function moves;
survivors.txt gives each survivor's row to paste. The exit status is 1 when a mutant survives
that the list does not explain, or when the list names a mutant that a test now kills (or, after
a full run, that no longer exists).

`--sample N --seed S` picks N of all the mutants (random.Random(S) over their sorted names),
runs those not yet killed and scores the sample alone: for when a full run takes too long
(over an hour on two shared cores). It reuses the results in mutants/ when there are any (of the
functions unchanged since; `--sample` and `--again` first make the mutants of the code as it is).

`--again` is sound because adding tests can only kill more mutants; a change to a function of
metrics/ gives that function new, unchecked mutants, which `--again` runs too. A change to an
existing test can turn a kill back into a survivor: run afresh then.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = "1"


@dataclass(frozen=True)
class Target:
    """What one run mutates: ``package`` (the mutants' names start with it), the folder mutmut runs
    in (its setup.cfg configures the run; mutmut writes cwd/mutants) and the list of equivalents."""
    package: str
    cwd: Path
    equivalent: Path

    @property
    def mutants(self) -> Path:
        return self.cwd / "mutants"


METRICS = Target("metrics", ROOT, ROOT / "tests" / "unit" / "EQUIVALENT_MUTANTS.md")
TRACKER = Target("tracker", ROOT / "mutants-tracker", ROOT / "tests" / "integration" / "EQUIVALENT_MUTANTS.md")
#: what the tracker run's working copy links to (a link to a folder is copied as a folder by mutmut)
TRACKER_LINKS = ("tracker", "metrics", "tests", "data", "locale", "tools", "alembic.ini", "METHODS.md", "README.md",
                 "pytest.ini", "babel.cfg")
TARGET = METRICS

KILLED = {1, 3}  # a test failed (3: pytest's internal error, also caused by the mutant)
TIMEOUT = {36, 24, -24, 152, 255}  # mutmut's codes for a mutant that ran out of time (SIGXCPU)
SURVIVED = {0}


def prepare_tracker() -> None:
    """The working copy of the tracker run: links to the repository and its own setup.cfg."""
    cwd = TRACKER.cwd
    cwd.mkdir(exist_ok=True)
    (cwd / ".streamlit").mkdir(exist_ok=True)
    links = [(cwd / name, ROOT / name) for name in TRACKER_LINKS]
    links.append((cwd / ".streamlit" / "config.toml", ROOT / ".streamlit" / "config.toml"))  # not the secrets
    for link, target in links:
        if not link.is_symlink():
            link.symlink_to(target)
    shutil.copyfile(ROOT / "tools" / "mutation-tracker.cfg", cwd / "setup.cfg")


def generate() -> None:
    """Make the mutants (mutants/ and its .meta files) without running any, as `mutmut run` starts."""
    code = ("from os import makedirs; import mutmut.__main__ as m; "
            "from mutmut.mutation.trampoline import set_mutant_under_test; "
            "set_mutant_under_test('mutant_generation'); makedirs('mutants', exist_ok=True); m.copy_src_dir(); "
            "m.copy_also_copy_files(); m.setup_source_paths(); m.store_lines_covered_by_tests(); m.create_mutants(1)")
    subprocess.run([sys.executable, "-c", code], cwd=TARGET.cwd, check=True, stdout=subprocess.DEVNULL)


def sample(n: int, seed: int) -> list[str]:
    """``n`` mutant names drawn with ``random.Random(seed)`` from all of them (sorted first)."""
    names = sorted(results(), key=_natural)
    return sorted(random.Random(seed).sample(names, min(n, len(names))), key=_natural)


def results() -> dict[str, int | None]:
    """mutant name -> mutmut's exit code (None: not run), over every mutated file."""
    out: dict[str, int | None] = {}
    for meta in sorted(TARGET.mutants.glob(f"{TARGET.package}/**/*.py.meta")):
        out.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return out


#: a row of EQUIVALENT_MUTANTS.md: | `function` | `mutated line` | why |  (a | in the line written \|)
_ROW = re.compile(r"^\| `(?P<function>[\w.]+)` \| `(?P<line>.*?)` \| (?P<why>.*) \|\s*$")


def function_of(name: str) -> str:
    """The mutated function of a mutant: its name without the number (``metrics.report.x_report_impacts``)."""
    return name.rpartition("__mutmut_")[0]


def diff_of(name: str) -> str:
    """mutmut's diff of one mutant against its original function."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.utils.file_utils import change_cwd

    parts = function_of(name).split(".")[:-1]  # metrics.report.x_f -> metrics/report.py
    path = Path(*parts).with_suffix(".py")
    if not (TARGET.cwd / path).exists():
        path = Path(*parts, "__init__.py")
    with change_cwd(TARGET.cwd):
        return get_diff_for_mutant(name, path=path)


def changed_line(diff: str) -> str:
    """The mutated line(s) of a diff, stripped (several joined by " ⏎ "); a removed line as "(removed) ...".

    With the function's name this is the key of an equivalent mutant: mutmut numbers a function's mutants
    in order, so any edit to the function renumbers them, while the key of a line left as it was stays."""
    body = [ln for ln in diff.splitlines() if not ln.startswith(("---", "+++"))]
    added = [ln[1:].strip() for ln in body if ln.startswith("+")]
    if added:
        return " ⏎ ".join(added)
    return "(removed) " + " ⏎ ".join(ln[1:].strip() for ln in body if ln.startswith("-"))


def key_of(name: str) -> tuple[str, str]:
    """(function, mutated line) of a mutant, the stable key of EQUIVALENT_MUTANTS.md."""
    return function_of(name), changed_line(diff_of(name))


def listed_equivalent() -> dict[tuple[str, str], str]:
    """(function, mutated line) -> the reason, from the table in EQUIVALENT_MUTANTS.md."""
    if not TARGET.equivalent.exists():
        return {}
    out = {}
    for line in TARGET.equivalent.read_text(encoding="utf-8").splitlines():
        m = _ROW.match(line)
        if m and m["function"].startswith(TARGET.package + "."):
            out[m["function"], m["line"].replace("\\|", "|")] = m["why"]
    return out


def table_row(name: str, why: str = "(why it is equivalent)") -> str:
    """A row of EQUIVALENT_MUTANTS.md for a mutant, to paste and complete."""
    function, line = key_of(name)
    return f"| `{function}` | `{line.replace('|', chr(92) + '|')}` | {why} |"


def run_own(names: list[str], timeout: float, most: int = 0) -> int:
    """Run the mutants through tools/mutation_runner.py, without mutmut's two passes over the tests: tracker/'s
    against the integration tests that called the mutated function in the runner's stats pass, metrics/'s
    (--quick) against the unit test files that mutmut's last stats name."""
    import mutation_runner

    log = TARGET.mutants / "runner.log"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `kill PID` stops the mutant's pytest too
    with log.open("a", encoding="utf-8") as fh:
        if TARGET is METRICS:  # --quick: the unit test files that mutmut's stats found calling the function
            print(f"{len(names)} mutants to run, one at a time, each with -x against the unit test files that call "
                  f"its function (mutmut's stats) and those with new tests; the log: {log.relative_to(ROOT)}",
                  flush=True)
            files = mutation_runner.unit_map(TARGET.mutants, names)
            mutation_runner.run(names, TARGET.mutants, files, timeout, fh,
                                extra=("--ignore=tests/unit/test_catalogues.py",),
                                warm=sorted({f for fs in files.values() for f in fs}))
            return 0
        modules = sorted({n.split(".")[1] for n in names})
        files = mutation_runner.test_files(modules)
        tests = mutation_runner.stats(TARGET.mutants, files, fh, timeout)
        selected = mutation_runner.tracker_tests(tests, names, most)
        print(f"{len(names)} mutants to run, one at a time, each with -x against the tests of {len(files)} files "
              f"that called its function in the stats pass ({len(tests)} tests, DuckDB only; the {most or 'all'} "
              f"quickest at most), a timeout of {timeout:.0f} s; the log: {log.relative_to(ROOT)}", flush=True)
        mutation_runner.run(names, TARGET.mutants, selected, timeout, fh, warm=files)
    return 0


def _have_stats() -> bool:
    """Whether mutmut's statistics of an earlier run are there (``--quick`` picks each mutant's unit test files
    from them); on a fresh checkout they are not, and mutmut runs the mutants itself, its two passes first."""
    if TARGET is TRACKER or (TARGET.mutants / "mutmut-stats.json").exists():
        return True
    print("--quick: no statistics of an earlier mutmut run in mutants/ (a fresh checkout); mutmut runs these "
          "mutants itself, after its two passes over the tests", flush=True)
    return False


def run_mutmut(names: list[str]) -> int:
    log = TARGET.mutants / "mutmut-run.log"
    TARGET.mutants.mkdir(exist_ok=True)
    print(f"mutmut runs with {WORKERS} worker; its output: {log.relative_to(ROOT)}", flush=True)
    with log.open("w", encoding="utf-8") as fh:
        done = subprocess.run(["mutmut", "run", "--max-children", WORKERS, *names], cwd=TARGET.cwd, stdout=fh,
                              stderr=subprocess.STDOUT, check=False)
    return done.returncode


def _keys(names) -> dict[str, tuple[str, str] | None]:
    """name -> (function, mutated line), None where mutmut cannot show the diff."""
    sys.path.insert(0, str(ROOT))
    out = {}
    for name in names:
        try:
            out[name] = key_of(name)
        except Exception:  # a diff that cannot be shown does not hide the name
            out[name] = None
    return out


def write_survivors(keys: dict[str, tuple[str, str] | None], listed: dict[tuple[str, str], str]) -> None:
    """survivors.txt: each mutant not killed, its diff and its row for EQUIVALENT_MUTANTS.md (or the reason listed)."""
    parts = []
    for name, key in keys.items():
        try:
            diff = diff_of(name)
        except Exception as exc:
            diff = f"(no diff: {exc})"
        row = table_row(name, listed.get(key, "(why it is equivalent)")) if key else ""
        parts.append(f"# {name}\n{diff}\n{row}\n")
    (TARGET.mutants / "survivors.txt").write_text("\n".join(parts), encoding="utf-8")


def report(only: list[str] | None = None) -> int:
    codes = results()
    if only is not None:
        codes = {n: codes.get(n) for n in only}
        print(f"a sample of {len(codes)} mutants (the score is the sample's)")
    if not codes:
        print(f"No mutation results in {TARGET.mutants.relative_to(ROOT)}: run python tools/mutation.py first.")
        return 1
    total = len(codes)
    killed = sum(1 for c in codes.values() if c in KILLED | TIMEOUT)
    timeouts = sum(1 for c in codes.values() if c in TIMEOUT)
    alive = sorted((n for n, c in codes.items() if c not in KILLED | TIMEOUT), key=_natural)
    listed = listed_equivalent()
    # the keys of every mutant of a function that the list names: a listed line that a test now kills,
    # or (over every mutant) that is no mutant any more, is stale
    functions = {f for f, _ in listed}
    keys = _keys(n for n in codes if n in alive or function_of(n) in functions)
    unexplained = [n for n in alive if keys[n] not in listed]
    killed_keys = {keys[n] for n in keys if codes[n] in KILLED | TIMEOUT}
    alive_keys = {keys[n] for n in alive}
    stale = [(k, "killed") for k in listed if k in killed_keys and k not in alive_keys]
    if only is None:
        stale += [(k, "no longer a mutant") for k in listed if k not in killed_keys | alive_keys]
    write_survivors({n: keys[n] for n in alive}, listed)
    for name in unexplained:
        print(f"not killed ({_status(codes[name])}): {name}    {keys[name][1] if keys[name] else ''}")
    for (function, line), why in stale:
        print(f"listed as equivalent but {why}: {function}: {line}")
    not_run = sum(1 for c in codes.values() if c is None)
    if not_run:
        run = total - not_run
        print(f"{not_run} mutants were not run (an interrupted run): the score below counts them as not killed; "
              f"of the {run} run, killed {killed} ({100 * killed / run if run else 0:.1f} %)")
    print(f"{len(alive)} not killed, {len(alive) - len(unexplained)} of them listed as equivalent in "
          f"{TARGET.equivalent.relative_to(ROOT)}; diffs in {TARGET.mutants.relative_to(ROOT)}/survivors.txt; "
          f"{timeouts} of the kills were timeouts")
    print(f"killed {killed} of {total} ({100 * killed / total:.1f} %)")
    return 1 if unexplained or stale else 0


def _status(code: int | None) -> str:
    if code is None:
        return "not run"
    if code in SURVIVED:
        return "survived"
    return {33: "no tests", 5: "no tests", 34: "skipped",
            124: "timed out in tools/mutation_runner.py, not counted as killed"}.get(code, f"exit code {code}")


def _natural(name: str):
    head, _, number = name.rpartition("__mutmut_")
    return head, int(number) if number.isdigit() else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--again", action="store_true", help="rerun only the mutants not killed last time")
    mode.add_argument("--sample", type=int, metavar="N", help="run and score N mutants drawn at random")
    parser.add_argument("--report", action="store_true",
                        help="print the last score without running (with --sample: that sample's, so far)")
    parser.add_argument("--seed", type=int, default=19, help="the seed of --sample (default 19)")
    parser.add_argument("--timeout", type=float, default=600,
                        help="with --tracker or --quick: seconds a mutant's tests may take before it counts as a "
                             "timeout (not killed)")
    parser.add_argument("--most-tests", type=int, default=6, metavar="N",
                        help="with --tracker: run each mutant against the N quickest tests that call its function at "
                             "most (0: all of them; default 6)")
    parser.add_argument("--quick", action="store_true",
                        help="metrics/ with --sample or --again: run the mutants not killed through "
                             "tools/mutation_runner.py (the test files mutmut's last stats name, and new tests), "
                             "without mutmut's two passes over the tests")
    parser.add_argument("--tracker", action="store_true",
                        help="tracker/'s figure paths against tests/integration on DuckDB (tools/mutation-tracker.cfg)")
    args = parser.parse_args(argv)
    global TARGET
    TARGET = TRACKER if args.tracker else METRICS
    if args.tracker:
        prepare_tracker()
    if args.report and args.again:
        parser.error("--report runs nothing: it goes with --sample or alone")
    if args.report:
        return report(sample(args.sample, args.seed) if args.sample else None)
    if args.sample or args.again:
        generate()  # mutants of the code as it is now: a changed or new function has new, unchecked mutants
    if args.sample:
        chosen = sample(args.sample, args.seed)
        print(f"{TARGET.package}: sample of {len(chosen)} mutants, seed {args.seed}", flush=True)
        codes = results()
        todo = [n for n in chosen if codes[n] not in KILLED | TIMEOUT]
        if args.quick:  # the survivors listed as equivalent stay as they are (a full mutmut run rechecks them)
            listed, keys = listed_equivalent(), _keys(n for n in todo if codes[n] is not None)
            todo = [n for n in todo if codes[n] is None or keys[n] not in listed]
        own = TARGET is TRACKER or (args.quick and _have_stats())
        code = (run_own(todo, args.timeout, args.most_tests) if own else run_mutmut(todo)) if todo else 0
        if code != 0:
            print(f"mutmut exited with {code}: see {TARGET.mutants.relative_to(ROOT)}/mutmut-run.log")
        return report(chosen) or (1 if code else 0)
    if args.again:
        names = [n for n, c in results().items() if c not in KILLED | TIMEOUT]
        if not names:
            return report()
    else:
        shutil.rmtree(TARGET.mutants, ignore_errors=True)
        names = []
    if TARGET is TRACKER or (args.quick and args.again and _have_stats()):  # through tools/mutation_runner.py
        if not names:
            generate()
            names = sorted(results(), key=_natural)
        run_own(names, args.timeout, args.most_tests)
        return report()
    code = run_mutmut(names)
    if code != 0:
        print(f"mutmut exited with {code}: see {TARGET.mutants.relative_to(ROOT)}/mutmut-run.log")
    return report() or (1 if code else 0)


if __name__ == "__main__":
    sys.exit(main())
