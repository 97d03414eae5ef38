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
this run happens in a working copy, mutants-tracker/ (ignored by git): links to the code, tests
and data of the repository, and tools/mutation-tracker.cfg as its setup.cfg. Its mutants are in
mutants-tracker/mutants/, its equivalent mutants in tests/integration/EQUIVALENT_MUTANTS.md; the
other options work the same way on it.

One worker process (the machine is shared). mutmut's own output goes to mutants/mutmut-run.log;
the diff of every mutant that was not killed goes to mutants/survivors.txt. The last line is
the score: "killed X of Y (Z %)", where killed counts mutants that made a test fail or time
out, and Y is every mutant mutmut made. Mutants listed in tests/unit/EQUIVALENT_MUTANTS.md
(with the reason they cannot be told apart from the original) stay in Y: the score is not
raised by them. The exit status is 1 when a mutant survives that the list does not explain,
or when the list names a mutant that no longer survives.

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
TRACKER_LINKS = ("tracker", "metrics", "tests", "data", "alembic.ini", "METHODS.md", "README.md", "pytest.ini")
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


def listed_equivalent() -> set[str]:
    """Mutant names in EQUIVALENT_MUTANTS.md (each on a line of its own table or list)."""
    if not TARGET.equivalent.exists():
        return set()
    text = TARGET.equivalent.read_text(encoding="utf-8")
    return set(re.findall(rf"`({TARGET.package}\.[\w.]+__mutmut_\d+)`", text))


def run_mutmut(names: list[str]) -> int:
    log = TARGET.mutants / "mutmut-run.log"
    TARGET.mutants.mkdir(exist_ok=True)
    print(f"mutmut runs with {WORKERS} worker; its output: {log.relative_to(ROOT)}", flush=True)
    with log.open("w", encoding="utf-8") as fh:
        done = subprocess.run(["mutmut", "run", "--max-children", WORKERS, *names], cwd=TARGET.cwd, stdout=fh,
                              stderr=subprocess.STDOUT, check=False)
    return done.returncode


def write_survivors(names: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.utils.file_utils import change_cwd

    parts = []
    with change_cwd(TARGET.cwd):
        for name in names:
            try:
                parts.append(f"# {name}\n{get_diff_for_mutant(name)}\n")
            except Exception as exc:  # a diff that cannot be shown does not hide the name
                parts.append(f"# {name}\n(no diff: {exc})\n")
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
    equivalent = listed_equivalent()
    unexplained = [n for n in alive if n not in equivalent]
    stale = sorted(n for n in equivalent if codes.get(n) in KILLED | TIMEOUT
                   or (n not in codes and only is None))
    write_survivors(alive)
    for name in unexplained:
        print(f"not killed ({_status(codes[name])}): {name}")
    for name in stale:
        print(f"listed as equivalent but {'killed' if name in codes else 'no longer a mutant'}: {name}")
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
    return {33: "no tests", 5: "no tests", 34: "skipped"}.get(code, f"exit code {code}")


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
        code = run_mutmut(todo) if todo else 0
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
    code = run_mutmut(names)
    if code != 0:
        print(f"mutmut exited with {code}: see {TARGET.mutants.relative_to(ROOT)}/mutmut-run.log")
    return report() or (1 if code else 0)


if __name__ == "__main__":
    sys.exit(main())
