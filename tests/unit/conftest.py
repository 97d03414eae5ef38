"""Unit-test setup that keeps results independent of test order and of mutation testing.

metrics caches unit factors and reference tables with functools.lru_cache. A cached answer
would hide a mutant of the function behind the cache (and of everything it calls), and would
tell mutmut that only the first test to ask reaches those functions: every test starts with
empty caches. Under mutmut (MUTANT_UNDER_TEST set), hypothesis draws the same examples every
run and has no deadline (the mutated code is slower), so a score can be reproduced.
"""
import importlib
import os
import pkgutil

import pytest
from hypothesis import settings

import metrics

#: every lru_cache of metrics (found, not listed, so a cache added later is emptied too)
CACHED = list({id(obj): obj for info in pkgutil.iter_modules(metrics.__path__)
          for obj in vars(importlib.import_module(f"metrics.{info.name}")).values()
          if callable(getattr(obj, "cache_clear", None))}.values())

settings.register_profile("mutation", derandomize=True, deadline=None)
if os.environ.get("MUTANT_UNDER_TEST"):
    settings.load_profile("mutation")


@pytest.fixture(autouse=True)
def _empty_metrics_caches():
    for cached in CACHED:
        cached.cache_clear()
    yield


def pytest_collection_modifyitems(config, items):
    """Under mutmut, the quick tests first: a mutant is killed by the first failure (-x), so the
    hypothesis tests and the subprocess test only run for mutants that survive the others."""
    if os.environ.get("MUTANT_UNDER_TEST"):
        items.sort(key=lambda item: hasattr(item.obj, "hypothesis") or item.name.startswith("test_metrics_imports"))
