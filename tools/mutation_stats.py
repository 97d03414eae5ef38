"""pytest plugin of tools/mutation_runner.py: which mutated functions each test calls, and how long it takes.

Loaded with ``-p mutation_stats`` (tools/ on PYTHONPATH) in a run with ``MUTANT_UNDER_TEST=stats``, where
every trampoline of mutmut calls the original function and records its name (``mutmut.state``). After each
test the names recorded are that test's; at the end the file named by ``MUTATION_STATS_OUT`` gets
``{"tests": {nodeid: {"functions": [...], "seconds": s}}, "failed": [nodeid, ...]}``. A test that fails
here fails on the original code: the run is no clean run, and the runner refuses to score mutants with it.
"""
from __future__ import annotations

import json
import os

from mutmut.state import state

_tests: dict[str, dict] = {}
_failed: list[str] = []


def pytest_runtest_logreport(report) -> None:
    entry = _tests.setdefault(report.nodeid, {"functions": [], "seconds": 0.0})
    entry["seconds"] += report.duration
    if report.failed:
        _failed.append(report.nodeid)


def pytest_runtest_teardown(item, nextitem) -> None:
    entry = _tests.setdefault(item.nodeid, {"functions": [], "seconds": 0.0})
    entry["functions"] = sorted(set(entry["functions"]) | state()._stats)
    state()._stats.clear()


def pytest_sessionfinish(session, exitstatus) -> None:
    out = os.environ.get("MUTATION_STATS_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump({"tests": _tests, "failed": _failed}, fh, indent=1)
