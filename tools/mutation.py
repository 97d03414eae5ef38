"""Mutation testing of metrics/ against tests/unit, with mutmut (configured in setup.cfg).

    python tools/mutation.py            # every mutant of metrics/ afresh (mutants/ is rebuilt)
    python tools/mutation.py --again    # only the mutants not killed last time (after adding tests)
    python tools/mutation.py --report   # the score of the last run, without running anything

One worker process (the machine is shared). mutmut's own output goes to mutants/mutmut-run.log;
the diff of every mutant that was not killed goes to mutants/survivors.txt. The last line is
the score: "killed X of Y (Z %)", where killed counts mutants that made a test fail or time
out, and Y is every mutant mutmut made. Mutants listed in tests/unit/EQUIVALENT_MUTANTS.md
(with the reason they cannot be told apart from the original) stay in Y: the score is not
raised by them. The exit status is 1 when a mutant survives that the list does not explain,
or when the list names a mutant that no longer survives.

`--again` is sound because adding tests can only kill more mutants; a change to a function of
metrics/ gives that function new, unchecked mutants, which `--again` runs too. A change to an
existing test can turn a kill back into a survivor: run afresh then.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
EQUIVALENT = ROOT / "tests" / "unit" / "EQUIVALENT_MUTANTS.md"
WORKERS = "1"

KILLED = {1, 3}  # a test failed (3: pytest's internal error, also caused by the mutant)
TIMEOUT = {36, 24, -24, 152, 255}  # mutmut's codes for a mutant that ran out of time (SIGXCPU)
SURVIVED = {0}


def results() -> dict[str, int | None]:
    """mutant name -> mutmut's exit code (None: not run), over every mutated file."""
    out: dict[str, int | None] = {}
    for meta in sorted(MUTANTS.glob("metrics/**/*.py.meta")):
        out.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return out


def listed_equivalent() -> set[str]:
    """Mutant names in EQUIVALENT_MUTANTS.md (each on a line of its own table or list)."""
    if not EQUIVALENT.exists():
        return set()
    return set(re.findall(r"`(metrics\.[\w.]+__mutmut_\d+)`", EQUIVALENT.read_text(encoding="utf-8")))


def run_mutmut(names: list[str]) -> int:
    log = MUTANTS / "mutmut-run.log"
    MUTANTS.mkdir(exist_ok=True)
    print(f"mutmut runs with {WORKERS} worker; its output: {log.relative_to(ROOT)}", flush=True)
    with log.open("w", encoding="utf-8") as fh:
        done = subprocess.run(["mutmut", "run", "--max-children", WORKERS, *names], cwd=ROOT, stdout=fh,
                              stderr=subprocess.STDOUT, check=False)
    return done.returncode


def write_survivors(names: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.utils.file_utils import change_cwd

    parts = []
    with change_cwd(ROOT):
        for name in names:
            try:
                parts.append(f"# {name}\n{get_diff_for_mutant(name)}\n")
            except Exception as exc:  # a diff that cannot be shown does not hide the name
                parts.append(f"# {name}\n(no diff: {exc})\n")
    (MUTANTS / "survivors.txt").write_text("\n".join(parts), encoding="utf-8")


def report() -> int:
    codes = results()
    if not codes:
        print("No mutation results: run python tools/mutation.py first.")
        return 1
    total = len(codes)
    killed = sum(1 for c in codes.values() if c in KILLED | TIMEOUT)
    timeouts = sum(1 for c in codes.values() if c in TIMEOUT)
    alive = sorted((n for n, c in codes.items() if c not in KILLED | TIMEOUT), key=_natural)
    equivalent = listed_equivalent()
    unexplained = [n for n in alive if n not in equivalent]
    stale = sorted(n for n in equivalent if codes.get(n) in KILLED | TIMEOUT or n not in codes)
    write_survivors(alive)
    for name in unexplained:
        print(f"not killed ({_status(codes[name])}): {name}")
    for name in stale:
        print(f"listed as equivalent but {'killed' if name in codes else 'no longer a mutant'}: {name}")
    not_run = sum(1 for c in codes.values() if c is None)
    if not_run:
        print(f"{not_run} mutants were not run (an interrupted run): the score below counts them as not killed")
    print(f"{len(alive)} not killed, {len(alive) - len(unexplained)} of them listed as equivalent in "
          f"{EQUIVALENT.relative_to(ROOT)}; diffs in mutants/survivors.txt; {timeouts} of the kills were timeouts")
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
    mode.add_argument("--report", action="store_true", help="print the last score without running")
    args = parser.parse_args(argv)
    if args.report:
        return report()
    if args.again:
        names = [n for n, c in results().items() if c not in KILLED | TIMEOUT]
        if not names:
            return report()
    else:
        shutil.rmtree(MUTANTS, ignore_errors=True)
        names = []
    code = run_mutmut(names)
    if code != 0:
        print(f"mutmut exited with {code}: see mutants/mutmut-run.log")
    return report() or (1 if code else 0)


if __name__ == "__main__":
    sys.exit(main())
