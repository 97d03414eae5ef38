"""Run mutants of tracker/ one at a time against the integration tests that reach the mutated module.

mutmut runs every test file twice over before the first mutant (once to record which test calls which
function, once clean) and then, per mutant, every test that called the function: over an hour on two
shared cores for tests/integration. This runner skips both passes. It uses the mutants mutmut made
(mutants-tracker/mutants/, each function a trampoline that calls the mutant named in MUTANT_UNDER_TEST)
and, for each mutant, runs pytest once, in that folder, with

- only the integration test files that import the mutated module or a module that imports it (the
  closure over tracker/'s imports, computed once from the source with ast), the files importing the
  module itself first; tests/integration/test_access.py (the role matrix, 177 tests) is left out;
- DuckDB only (``-k "not postgresql"``), ``-x`` (the first failure kills the mutant), and a timeout.

The exit code is stored in mutmut's .meta file of the mutated module, as mutmut stores its own, so
``python tools/mutation.py --tracker --report`` reads either.
"""
from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

#: left out of every selection: the access matrix (who may call what), not a figure test
LEFT_OUT = {"test_access.py"}
#: the modules through which a figure travels (the mutated ones and those that read their figures): a test
#: reaches a mutated module when it imports it or one of these that imports it, directly or through others
#: of these (not through measurements, io or cli, which nearly every test imports)
FIGURE_PATH = {"report", "tables", "summary", "overview", "published", "disclosure", "handover", "statements",
               "avoided", "disclosures", "delivery", "targets"}
#: a mutant whose tests ran past the timeout: on a loaded machine that is often slowness, not a mutant that
#: loops, so it is not counted as killed (mutmut's own timeout codes are); `--again` runs it again
TIMEOUT_CODE = 124


def tracker_imports(root: Path) -> dict[str, set[str]]:
    """tracker module -> the tracker modules it imports (``from tracker import x``, ``from tracker.x import``,
    ``from . import x``, ``import tracker.x``), read from the source."""
    out = {}
    for path in sorted((root / "tracker").glob("*.py")):
        out[path.stem] = _imported(path)
    return out


def _imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.module == "tracker" or (node.level == 1 and node.module is None):
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("tracker."):
                found.add(node.module.split(".")[1])
            elif node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("tracker."))
    return found


def test_map(root: Path, modules: list[str]) -> dict[str, list[str]]:
    """mutated module (``summary``) -> the integration test files to run, direct importers first."""
    imports = tracker_imports(root)
    tests = {p.name: _imported(p) for p in sorted((root / "tests" / "integration").glob("test_*.py"))
             if p.name not in LEFT_OUT}
    out = {}
    for module in modules:
        reach, todo = {module}, [module]
        while todo:  # every tracker module through which a call can reach `module`
            current = todo.pop()
            for other, used in imports.items():
                if current in used and other not in reach and other in FIGURE_PATH:
                    reach.add(other)
                    todo.append(other)
        direct = [f for f, used in tests.items() if module in used]
        further = [f for f, used in tests.items() if f not in direct and used & reach]
        out[module] = [f"tests/integration/{f}" for f in direct + further]
    return out


def unit_map(cwd: Path, names: list[str]) -> dict[str, list[str]]:
    """metrics/: mutant -> the unit test files holding a test that mutmut's last stats (cwd/mutmut-stats.json)
    found calling its function, and every unit test file changed since those stats (new tests)."""
    stats = json.loads((cwd / "mutmut-stats.json").read_text(encoding="utf-8"))
    known = {t.split("[")[0] for tests in stats["tests_by_mangled_function_name"].values() for t in tests}
    changed = []  # the files with a test the stats do not know
    for path in sorted((cwd / "tests" / "unit").glob("test_*.py")):
        rel = str(path.relative_to(cwd))
        defined = re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), flags=re.M)
        if any(f"{rel}::{t}" not in known for t in defined):
            changed.append(rel)
    out = {}
    for name in names:
        function = name.rpartition("__mutmut_")[0]
        tests = stats["tests_by_mangled_function_name"].get(function, [])
        files = sorted({t.split("::")[0] for t in tests})
        out[name] = files + [f for f in changed if f not in files]
    return out


def run(names: list[str], cwd: Path, files: dict[str, list[str]], timeout: float, log: Path,
        extra: tuple[str, ...] = ("-k", "not postgresql")) -> None:
    """Run each mutant (``tracker.summary.x_refresh__mutmut_3``) against ``files[module]`` (or ``files[name]``)
    in ``cwd`` (mutants-tracker/mutants), storing the exit code in the module's .meta file after each one."""
    with log.open("a", encoding="utf-8") as fh:
        for i, name in enumerate(names, 1):
            module = name.split(".")[1]
            cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *extra,
                   *files.get(name, files.get(module, []))]
            env = {**os.environ, "MUTANT_UNDER_TEST": name}
            started = time.monotonic()
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True)
            try:
                out, _ = proc.communicate(timeout=timeout)
                code, tail = proc.returncode, out.strip().splitlines()[-1:]
            except subprocess.TimeoutExpired:
                code, tail = TIMEOUT_CODE, [f"timed out after {timeout:.0f} s"]
            finally:  # stopped (a timeout, Ctrl-C, a SIGTERM made SystemExit by main): no pytest left behind
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            seconds = time.monotonic() - started
            _store(cwd / name.split(".")[0] / f"{module}.py.meta", name, code)
            line = f"{i}/{len(names)} {name}: exit {code} in {seconds:.0f} s: {' '.join(tail)}"
            fh.write(line + "\n")
            fh.flush()
            print(line, flush=True)


def _store(meta: Path, name: str, code: int) -> None:
    data = json.loads(meta.read_text(encoding="utf-8"))
    data["exit_code_by_key"][name] = code
    meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
