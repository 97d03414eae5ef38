"""Versioned reference data: the factor set in force and where its numbers come from."""
from __future__ import annotations

import json

from metrics.units import DATA_DIR

_SET = json.loads((DATA_DIR / "factor_sets.json").read_text(encoding="utf-8"))

#: the version of units, calorific values, densities and emission factors in use
FACTOR_SET_VERSION: str = _SET["version"]


def factor_set() -> dict:
    """The factor set in force: version, release date and the source of each component."""
    return dict(_SET)
