"""Versioned reference data: the factor set in force and where its numbers come from."""
from __future__ import annotations

import json

from metrics.i18n import _
from metrics.units import DATA_DIR

_SET = json.loads((DATA_DIR / "factor_sets.json").read_text(encoding="utf-8"))

#: the version of units, calorific values, densities and emission factors in use
FACTOR_SET_VERSION: str = _SET["version"]


def factor_set() -> dict:
    """The factor set in force: version, release date and the source of each component."""
    return dict(_SET)


#: the global-warming-potential set in force (``factor_set()["gwp_sets"]`` names them; AR5 by default)
GWP_SET: str = _SET["gwp"]


def gwp(name: str | None = None) -> dict:
    """The 100-year GWPs of the set ``name`` (None: the factor set's own): ``label``,
    ``ch4_fossil``, ``ch4_non_fossil`` and ``n2o`` (kg CO2e per kg of the gas)."""
    sets = _SET["gwp_sets"]
    key = GWP_SET if name is None else str(name).strip().upper()
    if key not in sets:
        raise ValueError(_("Unknown GWP set {name}; expected one of {known}.").format(name=repr(name),
                                                                                     known=", ".join(sets)))
    return {"name": key, **sets[key]}
