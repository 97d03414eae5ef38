"""The one pint UnitRegistry of the project, and unit parsing and conversion.

The registry loads pint's defaults plus ``data/units.txt`` (MMBtu, toe, piece...). Unit text
as users type it ("kWh", "m3", "m³", "%", "litre", "t") is normalised by :func:`parse_unit`.
Conversion factors are cached per (from, to) pair, so columns convert with one multiplication.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import pint

from metrics.i18n import N_, _

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
ureg.load_definitions(str(DATA_DIR / "units.txt"))
# Degree days (heating and cooling, per period): the sum over the period's days of how far the day's mean
# temperature lies below (heating) or above (cooling) a base temperature, in kelvin (= degC) days; a degree
# Fahrenheit day is 5/9 of one. A dimension of its own, so that no other unit converts to it. Defined here, not in
# data/units.txt, whose checksum belongs to the factor sets: no stored figure's conversion changes with them.
DEGREE_DAY_UNITS = ("degree_day = [degree_day] = _ = degC_day = K_day = degree_days",
                    "degF_day = 5 / 9 * degree_day = _ = degF_days")
for _definition in DEGREE_DAY_UNITS:
    ureg.define(_definition)
pint.set_application_registry(ureg)
Q_ = ureg.Quantity


class UnitError(ValueError):
    """An unknown unit, or a unit of the wrong dimension for what it measures."""


#: spellings whose case matters, tried first: in an SME's records "MT"/"mt" is the metric tonne
#: (pint: megatesla, millitonne) and "T" a tonne (pint: tesla, a unit no figure here is in)
EXACT_ALIASES = {"MT": "t", "mt": "t", "T": "t"}

#: spellings users type that pint does not know, mapped to pint expressions (matched ignoring
#: case only when pint does not know the text as typed: "ML" stays megalitres, "ml" millilitres)
ALIASES = {
    "m3": "m**3", "m³": "m**3", "cbm": "m**3", "cubic metre": "m**3", "cubic meter": "m**3",
    "nm3": "m**3", "sm3": "m**3", "m2": "m**2", "m²": "m**2", "%": "percent", "pct": "percent",
    "tonne": "t", "tonnes": "t", "metric ton": "t", "metric_ton": "t", "tons": "ton", "short ton": "short_ton",
    "litre": "L", "litres": "L", "liter": "L", "liters": "L", "l": "L", "kl": "kL", "ml": "mL",
    "kwh": "kWh", "mwh": "MWh", "gwh": "GWh", "wh": "Wh", "gj": "GJ", "mj": "MJ", "tj": "TJ",
    "mmbtu": "MMBtu", "therms": "therm", "kgs": "kg", "fraction": "dimensionless", "ratio": "dimensionless",
    "pieces": "piece", "pcs": "piece", "pc": "piece", "units": "piece", "unit": "piece",
    "kg": "kg", "t": "t", "ton": "ton", "toe": "toe", "ktoe": "ktoe", "therm": "therm", "short_ton": "short_ton",
}


@functools.lru_cache(maxsize=4096)
def parse_unit(text: str) -> pint.Unit:
    """The pint unit for ``text`` as a user typed it; UnitError when unknown."""
    if text is None:
        raise UnitError(_("No unit given."))
    raw = str(text).strip()
    if not raw:
        raise UnitError(_("No unit given."))
    key = re.sub(r"\s+", " ", raw)
    for expr in (EXACT_ALIASES.get(key) or ALIASES.get(key), key, ALIASES.get(key.lower())):
        if expr:
            try:
                return ureg.Unit(expr)
            except _PINT_PARSE_ERRORS:
                continue
    raise UnitError(_("Unknown unit {unit}.").format(unit=repr(raw)))


_PINT_PARSE_ERRORS = (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError, TypeError,
                      ValueError, AssertionError)


def unit_label(unit: pint.Unit | str) -> str:
    """A short label for a unit ('kWh', 'm³', '%')."""
    u = parse_unit(unit) if isinstance(unit, str) else unit
    text = f"{u:~P}"
    return _LABELS.get(text, text)


#: labels people read, where pint's short symbol is obscure or ambiguous ('ton' is the short ton)
_LABELS = {"": "fraction", "thm": "therm", "mmbtu": "MMBtu", "tonne_of_oil_equivalent": "toe", "ton": "short_ton",
           "l": "L", "kl": "kL", "ml": "mL", "pc": "piece"}


@functools.lru_cache(maxsize=8192)
def factor(from_unit: str, to_unit: str) -> float:
    """The number to multiply a value in ``from_unit`` by to get ``to_unit``."""
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    if src.dimensionality != dst.dimensionality:
        raise UnitError(_("Cannot convert {source} ({source_dimension}) to {target} ({target_dimension}).").format(
            source=repr(from_unit), source_dimension=dimension_words(_dim(src)), target=repr(to_unit),
            target_dimension=dimension_words(_dim(dst))))
    return float(Q_(1.0, src).to(dst).magnitude)


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit`` (UnitError on unknown or mismatched units)."""
    return float(value) * factor(from_unit, to_unit)


def dimension_of(unit: str) -> str:
    """The dimension name of a unit: energy, mass, volume, area, count, ratio, or pint's text."""
    return _dim(parse_unit(unit))


_DIMS = {
    "[length] ** 2 * [mass] / [time] ** 2": "energy",
    "[mass]": "mass",
    "[length] ** 3": "volume",
    "[length] ** 2": "area",
    "[count]": "count",
    "dimensionless": "ratio",
    "[degree_day]": "degree days",
}


#: the dimensions in words, for messages (the names above are keys: compared, never translated)
_DIMENSION_WORDS = {"energy": N_("energy"), "mass": N_("mass"), "volume": N_("volume"), "area": N_("area"),
                    "count": N_("count"), "ratio": N_("ratio"), "degree days": N_("degree days")}


def dimension_words(dimension: str) -> str:
    """A dimension name of :func:`dimension_of` in the run's language ('energy'); pint's own text as given."""
    return _(_DIMENSION_WORDS[dimension]) if dimension in _DIMENSION_WORDS else dimension


def _dim(unit: pint.Unit) -> str:
    text = str(unit.dimensionality)
    for key, name in _DIMS.items():
        if ureg.get_dimensionality(key) == unit.dimensionality if key != "dimensionless" else text == "dimensionless":
            return name
    return text
