"""The indicators, their dimensions, canonical units and directions, and the energy carriers.

``canonical_factor(indicator, carrier, unit)`` is the single place that knows how a figure
entered in ``unit`` becomes the indicator's canonical unit: energy in kWh (fuels by mass via
net calorific value, by volume via density then NCV), masses in kg, water in m3, yield as a
fraction, production in pieces, kg or m2 by what was entered.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from metrics.i18n import N_, _
from metrics.units import DATA_DIR, UnitError, dimension_of, dimension_words, factor


class UnknownCarrier(UnitError):
    """An energy carrier the fuel table does not know (a problem of the carrier, not of the unit)."""


@dataclass(frozen=True)
class Indicator:
    """What an indicator measures and which way is better."""

    name: str
    label: str  # English, marked for extraction: shown through metrics.labels.indicator_label
    dimensions: tuple[str, ...]  # accepted unit dimensions
    canonical_unit: str  # for the first dimension
    direction: str | None  # 'lower', 'higher', or None (production: neither)
    kind: str  # 'extensive' (summed, per-day rates), 'ratio' (yield) or 'driver' (degree days: not a result)
    units: tuple[str, ...]  # offered in drop-downs

    @property
    def dimension(self) -> str:
        """The main dimension ('energy', 'mass', 'volume', 'ratio', 'count')."""
        return self.dimensions[0]


INDICATORS: dict[str, Indicator] = {
    "energy": Indicator("energy", N_("Energy"), ("energy", "mass", "volume"), "kWh", "lower", "extensive",
                        ("kWh", "MWh", "GJ", "MJ", "therm", "MMBtu", "toe", "L", "m3", "kg", "t")),
    "waste": Indicator("waste", N_("Waste produced"), ("mass",), "kg", "lower", "extensive", ("kg", "t", "short_ton")),
    "material_input": Indicator("material_input", N_("Material input"), ("mass",), "kg", "lower", "extensive",
                                ("kg", "t", "short_ton")),
    "material_wasted": Indicator("material_wasted", N_("Materials wasted"), ("mass",), "kg", "lower", "extensive",
                                 ("kg", "t", "short_ton")),
    "yield": Indicator("yield", N_("Yield"), ("ratio",), "dimensionless", "higher", "ratio", ("%",)),
    "water": Indicator("water", N_("Water"), ("volume",), "m3", "lower", "extensive", ("m3", "L", "kL")),
    "production": Indicator("production", N_("Production"), ("count", "mass", "area"), "piece", None, "extensive",
                            ("piece", "kg", "t", "m2")),
    # what explains energy use besides production (the weather), per period: optional, a predictor of the
    # regression baseline (metrics.regression), never a result (no change, no aggregate); the carrier says which
    "degree_days": Indicator("degree_days", N_("Degree days"), ("degree days",), "degree_day", None, "driver",
                             ("degree_day", "degF_day")),
}
#: the kinds of degree days, entered as the carrier of a ``degree_days`` figure
DEGREE_DAY_KINDS = ("heating", "cooling")

#: canonical unit per dimension (production's canonical unit follows what was entered)
CANONICAL_BY_DIMENSION = {"energy": "kWh", "mass": "kg", "volume": "m3", "ratio": "dimensionless",
                          "count": "piece", "area": "m2", "degree days": "degree_day"}

#: days in a year, for every yearly figure (avoided per year, and the bounds below)
DAYS_PER_YEAR = 365.0
#: the most of each canonical unit a figure may amount to in a year (its value over its period's
#: days, times DAYS_PER_YEAR): the power of ten above the whole world's yearly total, so that no
#: enterprise's real figure comes near it and every sum and difference of figures stays finite;
#: with the world's total it is named after (METHODS.md, "Bounds")
YEARLY_LIMITS = {"kWh": 1e15, "kg": 1e15, "m3": 1e13, "m2": 1e15, "piece": 1e15, "degree_day": 4e4}
WORLD_TOTALS = {"kWh": N_("the world's primary energy use is about 1.7e14 kWh a year"),
                "kg": N_("the world extracts about 1e14 kg of materials a year"),
                "m3": N_("the world withdraws about 4e12 m³ of fresh water a year"),
                "m2": N_("the Earth's surface is 5.1e14 m²"),
                "piece": N_("1e15 pieces a year is 30 million every second"),
                # not a world total: the most the weather gives anywhere, about 110 degree days a day
                "degree_day": N_("the coldest station on Earth, Vostok (mean -55 °C), has about 26,700 heating "
                                 "degree days a year at a base of 18 °C")}
#: the smallest figure other than 0, in its canonical unit (a milligram, a millilitre, 3.6 joules):
#: below any meter's or scale's resolution, and a baseline this small would make a relative
#: change overflow
SMALLEST = 1e-6

WASTE_DESTINATIONS = ("landfill", "recycled", "sold", "incinerated", "composted", "other")
#: hazardous waste is waste with a destination of its own kind: ``hazardous_`` and the destination (optional;
#: the VSME B7 and GRI 306 split of hazardous and non-hazardous waste)
HAZARDOUS_PREFIX = "hazardous_"
HAZARDOUS_DESTINATIONS = tuple(HAZARDOUS_PREFIX + d for d in WASTE_DESTINATIONS)
#: where water is withdrawn from (GRI 303-3 a): the carrier of a water figure; optional ('' for not entered)
WATER_SOURCES = ("surface_water", "groundwater", "seawater", "produced_water", "third_party_water")
#: the optional inputs of a figure, beside its value (template columns; NaN / '' when not entered):
#: ``renewable_pct`` on purchased electricity (0 to 100), ``price`` (per one unit of the figure's unit, 0 or more)
#: and its ``currency`` (up to 3 characters, as typed) on material input
OPTIONAL_COLUMNS = ("renewable_pct", "price", "currency")
PHASES = ("baseline", "follow-up")
PHASE_ALIASES = {"baseline": "baseline", "base": "baseline", "before": "baseline", "follow-up": "follow-up",
                 "followup": "follow-up", "follow_up": "follow-up", "follow up": "follow-up", "after": "follow-up"}


@functools.lru_cache(maxsize=1)
def fuels() -> pd.DataFrame:
    """The fuel table (data/fuels.csv), indexed by carrier, with its sources."""
    df = pd.read_csv(DATA_DIR / "fuels.csv").set_index("carrier")
    df["biogenic"] = df["biogenic"].astype(str).str.lower().eq("true")
    return df


def carriers() -> tuple[str, ...]:
    """The energy carriers known to the fuel table."""
    return tuple(fuels().index)


CARRIERS = carriers()


def get(indicator: str) -> Indicator:
    """The indicator called ``indicator``; ValueError listing the known ones otherwise."""
    try:
        return INDICATORS[indicator]
    except (KeyError, TypeError):
        raise ValueError(_("Unknown indicator {indicator}; expected one of {known}.").format(
            indicator=repr(indicator), known=", ".join(INDICATORS))) from None


def valid_units(indicator: str, carrier: str | None = None) -> list[str]:
    """The units a user can pick for ``indicator`` (and energy ``carrier``)."""
    ind = get(indicator)
    if indicator != "energy" or not carrier:
        return list(ind.units)
    fuel = _fuel(carrier)
    units = ["kWh", "MWh", "GJ", "MJ", "therm", "MMBtu", "toe"]
    if carrier == "electricity":
        return units
    if pd.notna(fuel["density_kg_per_l"]):
        units += ["L", "m3"]
    elif pd.notna(fuel["density_kg_per_m3"]):
        units += ["m3"]
    if pd.notna(fuel["ncv_gj_per_t"]):
        units += ["kg", "t"]
    return units


def _fuel(carrier: str) -> pd.Series:
    table = fuels()
    if carrier not in table.index:
        raise UnknownCarrier(_("Unknown energy carrier {carrier}; expected one of {known}.").format(
            carrier=repr(carrier), known=", ".join(table.index)))
    return table.loc[carrier]


@functools.lru_cache(maxsize=4096)
def canonical_factor(indicator: str, carrier: str, unit: str) -> tuple[float, str]:
    """(factor, canonical unit) turning a value in ``unit`` into the canonical unit.

    UnitError says what was given and what was expected when the unit does not fit.
    """
    ind = get(indicator)
    try:
        dim = dimension_of(unit)
    except UnitError as exc:
        raise UnitError(_("{problem} {indicator} is measured in {dimensions} (for example {units}).").format(
            problem=exc, indicator=_(ind.label), dimensions=_either(ind.dimensions),
            units=", ".join(ind.units[:3]))) from None
    if dim not in ind.dimensions:
        raise UnitError(_("{unit} is a unit of {dimension}, but {indicator} is measured in {dimensions} (for example "
                          "{units}).").format(unit=repr(unit), dimension=dimension_words(dim),
                                              indicator=_(ind.label).lower(), dimensions=_either(ind.dimensions),
                                              units=", ".join(ind.units[:3])))
    if indicator == "energy":
        carrier = carrier or "electricity"
        fuel = _fuel(carrier)
        if dim == "energy":
            return factor(unit, "kWh"), "kWh"
        if carrier == "electricity":
            raise UnitError(_("Electricity is entered in energy units (kWh, MWh...), not {unit}.").format(
                unit=repr(unit)))
        ncv_kwh_per_kg = float(fuel["ncv_gj_per_t"]) * 1e9 / 1000 / 3.6e6  # GJ/t -> kWh/kg
        if pd.isna(ncv_kwh_per_kg):
            raise UnitError(_("No calorific value for {fuel}: enter it in energy units.").format(
                fuel=_(fuel["label"])))
        if dim == "mass":
            return factor(unit, "kg") * ncv_kwh_per_kg, "kWh"
        density = fuel["density_kg_per_m3"]
        if pd.isna(density):
            raise UnitError(_("{fuel} is entered by mass or energy, not by volume ({unit}).").format(
                fuel=_(fuel["label"]), unit=repr(unit)))
        return factor(unit, "m3") * float(density) * ncv_kwh_per_kg, "kWh"
    canonical = CANONICAL_BY_DIMENSION[dim]
    return factor(unit, canonical), canonical


def _either(dimensions) -> str:
    """'energy or mass or volume', in the run's language."""
    words = [dimension_words(d) for d in dimensions]
    text = words[0]
    for word in words[1:]:
        text = _("{first} or {second}").format(first=text, second=word)
    return text


def check_unit(indicator: str, unit: str, carrier: str | None = None) -> None:
    """Raise UnitError when ``unit`` cannot measure ``indicator`` (for energy, that ``carrier``;
    without a carrier, any energy, mass or volume unit passes)."""
    if indicator == "energy" and not carrier:
        dim = dimension_of(unit)
        if dim not in INDICATORS["energy"].dimensions:
            raise UnitError(_("{unit} is a unit of {dimension}, but energy is entered in energy units (kWh, MWh, "
                              "GJ...) or, for fuels, in mass or volume units.").format(
                unit=repr(unit), dimension=dimension_words(dim)))
        return
    canonical_factor(indicator, carrier or "", unit)


def normalise_phase(text) -> str | None:
    """'baseline' or 'follow-up' for the spellings people use; None when unknown."""
    if not isinstance(text, str):
        return None
    return PHASE_ALIASES.get(text.strip().lower())
