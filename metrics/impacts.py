"""Energy, greenhouse-gas emissions, intensities and material losses.

Emission factors: IPCC 2006 Vol. 2 Table 1.4 default CO2 factors on a net-calorific-value
basis for fuels (data/fuels.csv); location-based average grid intensity per country and year
for electricity (data/grid_factors.csv). Biogenic CO2 (wood, biogas) is returned as a memo
item, never in the totals.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.indicators import _fuel, canonical_factor, fuels
from metrics.reference import FACTOR_SET_VERSION
from metrics.units import DATA_DIR, UnitError


def energy_kwh(amount: float, unit: str, carrier: str) -> float:
    """``amount`` of ``carrier`` in ``unit`` as kWh: energy units directly, mass via net
    calorific value, volume via density; electricity accepts energy units only."""
    if amount is None or amount != amount:
        raise ValueError("The amount is not a number.")
    if amount < 0:
        raise ValueError(f"Energy amounts cannot be negative (got {amount:g} {unit}).")
    f, _ = canonical_factor("energy", carrier, unit)
    return float(amount) * f


@functools.lru_cache(maxsize=1)
def grid_factors() -> pd.DataFrame:
    """Grid electricity intensity by country (ISO 3166 alpha-2) and year, with its source."""
    return pd.read_csv(DATA_DIR / "grid_factors.csv", keep_default_na=False, na_values=[""])


def grid_factor(country: str, year: int | None = None) -> tuple[float, int, str]:
    """(kg CO2e per kWh, year of the figure, source) for ``country``: the figure for ``year``
    or, when the table has none for it, the latest one before it (else the earliest)."""
    table = grid_factors()
    rows = table[table["country"] == str(country).upper()]
    if rows.empty:
        raise ValueError(f"No grid emission factor for country {country!r} (ISO 3166 alpha-2 expected).")
    if year is not None:
        before = rows[rows["year"] <= year]
        rows = before if not before.empty else rows
    row = rows.sort_values("year").iloc[-1]
    return float(row["g_co2e_per_kwh"]) / 1000.0, int(row["year"]), str(row["source"])


@dataclass(frozen=True)
class Emissions:
    """kg CO2 (CO2e for grid electricity); biogenic CO2 is a memo item outside the total."""

    kg_co2e: float
    biogenic_kg_co2: float
    factor_kg_per_kwh: float
    factor_source: str
    factor_set: str = FACTOR_SET_VERSION


def emissions(kwh: float, carrier: str, country: str | None = None, year: int | None = None) -> Emissions:
    """Emissions of ``kwh`` of ``carrier`` (electricity needs the country's grid factor)."""
    if kwh < 0:
        raise ValueError("Energy cannot be negative.")
    if carrier == "electricity":
        if not country:
            raise ValueError("Electricity emissions need the country (grid factor).")
        f, fyear, source = grid_factor(country, year)
        return Emissions(kwh * f, 0.0, f, f"{source}; {country} {fyear}")
    fuel = _fuel(carrier)
    if pd.isna(fuel["co2_kg_per_tj"]):
        raise UnitError(f"No emission factor for {carrier}.")
    f = float(fuel["co2_kg_per_tj"]) * 3.6e-6  # kg/TJ -> kg/kWh (1 kWh = 3.6e-6 TJ)
    if bool(fuel["biogenic"]):
        return Emissions(0.0, kwh * f, f, str(fuel["source"]))
    return Emissions(kwh * f, 0.0, f, str(fuel["source"]))


def emissions_frame(df: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Energy rows of a canonical table with ``kg_co2e``, ``biogenic_kg_co2``, ``factor_kg_per_kwh``
    and ``factor_source`` added; one factor per distinct (carrier, country, year)."""
    energy = df[df["indicator"] == "energy"].copy()
    if energy.empty:
        return energy.assign(kg_co2e=[], biogenic_kg_co2=[], factor_kg_per_kwh=[], factor_source=[])
    yr = pd.to_datetime(energy["period_end"]).dt.year if year is None else pd.Series(year, index=energy.index)
    keys = pd.DataFrame({"carrier": energy["carrier"], "country": energy.get("country", ""), "year": yr})
    table = {}
    for carrier, country, y in keys.drop_duplicates().itertuples(index=False):
        e = emissions(1.0, carrier, country, int(y))
        table[(carrier, country, y)] = (e.kg_co2e, e.biogenic_kg_co2, e.factor_kg_per_kwh, e.factor_source)
    looked = [table[k] for k in keys.itertuples(index=False, name=None)]
    arr = np.array([(a, b, c) for a, b, c, _ in looked], dtype=float)
    kwh = energy["value_canonical"].to_numpy(dtype=float)
    energy["kg_co2e"] = kwh * arr[:, 0]
    energy["biogenic_kg_co2"] = kwh * arr[:, 1]
    energy["factor_kg_per_kwh"] = arr[:, 2]
    energy["factor_source"] = [s for *_, s in looked]
    energy.attrs["factor_set"] = FACTOR_SET_VERSION
    return energy


def intensity(df: pd.DataFrame, indicator: str, per: str = "production") -> pd.DataFrame:
    """``indicator`` per unit of production in the same period, per enterprise and period.

    Returns enterprise, phase, period_start, period_end, numerator, denominator, intensity
    (canonical units, e.g. kWh per piece or kg waste per kg product), unit.
    """
    keys = ["enterprise", "phase", "period_start", "period_end"]
    num = df[df["indicator"] == indicator].groupby(keys)["value_canonical"].sum().rename("numerator")
    den_rows = df[df["indicator"] == per]
    den = den_rows.groupby(keys)["value_canonical"].sum().rename("denominator")
    units = den_rows.groupby(keys)["unit_canonical"].first()
    num_unit = df[df["indicator"] == indicator].groupby(keys)["unit_canonical"].first()
    out = pd.concat([num, den], axis=1, join="inner")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["intensity"] = (out["numerator"] / out["denominator"]).where(out["denominator"] > 0)
    out["unit"] = num_unit.reindex(out.index).astype(str) + " per " + units.reindex(out.index).astype(str)
    return out.reset_index()


def loss_per_good(yield_fraction):
    """Material lost per unit of good product (MFCA): (1 - y) / y. 0.78 -> 0.282, 0.95 -> 0.053."""
    y = np.asarray(yield_fraction, dtype=float)
    if np.any((y <= 0) | (y > 1)):
        raise ValueError("yield must be above 0 and at most 1 (100%).")
    out = (1 - y) / y
    return float(out) if out.ndim == 0 else out


def fuel_table() -> pd.DataFrame:
    """The fuel reference table (calorific values, densities, CO2 factors, sources)."""
    return fuels().reset_index()
