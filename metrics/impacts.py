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

from metrics.indicators import _fuel, canonical_factor, fuels, get
from metrics.reference import FACTOR_SET_VERSION
from metrics.units import DATA_DIR, UnitError, ureg


def energy_kwh(amount: float, unit: str, carrier: str) -> float:
    """``amount`` of ``carrier`` in ``unit`` as kWh: energy units directly, mass via net
    calorific value, volume via density; electricity accepts energy units only."""
    value = _amount(amount)
    if value < 0:
        raise ValueError(f"Energy amounts cannot be negative (got {value:g} {unit}).")
    f, _ = canonical_factor("energy", carrier, unit)
    return value * f


def _amount(amount) -> float:
    """One finite number from a number or the text a person typed ("4,300"); ValueError else."""
    from metrics.frames import parse_values

    if isinstance(amount, str):
        value = float(parse_values(pd.Series([amount], dtype=object)).iloc[0])
    else:
        try:
            value = float(amount)
        except (TypeError, ValueError):
            raise ValueError(f"The amount must be one number, not {amount!r}.") from None
    if not np.isfinite(value):
        raise ValueError(f"The amount is not a finite number ({amount!r}).")
    return value


@functools.lru_cache(maxsize=1)
def grid_factors() -> pd.DataFrame:
    """Grid electricity intensity by country and year: iso2 (ISO 3166 alpha-2), country_name,
    year, g_co2e_per_kwh, source (data/grid_factors.csv; Namibia's 'NA' stays a code)."""
    return pd.read_csv(DATA_DIR / "grid_factors.csv", keep_default_na=False, na_values=[""])


def grid_factor(country: str, year: int | None = None) -> tuple[float, int, str]:
    """(kg CO2e per kWh, year of the figure, source) for ``country``: the figure for ``year``
    or, when the table has none for it, the latest one before it (else the earliest)."""
    table = grid_factors()
    rows = table[table["iso2"] == str(country).strip().upper()]
    if rows.empty:
        raise ValueError(f"No grid emission factor for country {country!r} (ISO 3166 alpha-2 expected).")
    rows = rows.sort_values("year")
    before = rows if year is None else rows[rows["year"] <= year]
    row = before.iloc[-1] if not before.empty else rows.iloc[0]  # nothing that old: the earliest
    return float(row["g_co2e_per_kwh"]) / 1000.0, int(row["year"]), str(row["source"])


@dataclass(frozen=True)
class Emissions:
    """kg CO2 (CO2e for grid electricity) in ``kg_co2e``; biogenic CO2 (wood, biogas) is the memo
    item ``biogenic_kg_co2``, never in the total. ``factor_set`` names the reference data used."""

    kg_co2e: float
    biogenic_kg_co2: float
    factor_kg_per_kwh: float
    factor_source: str
    factor_set: str = FACTOR_SET_VERSION
    kwh: float | None = None


def emissions(kwh: float, carrier: str, country: str | None = None, year: int | None = None) -> Emissions:
    """Emissions of ``kwh`` of ``carrier`` (electricity needs the country's grid factor)."""
    if kwh is None or kwh != kwh:
        raise ValueError("The energy is not a number.")
    if kwh < 0:
        raise ValueError(f"Energy cannot be negative (got {kwh:g} kWh).")
    f, biogenic, src = _factor(carrier, country, year)
    total = kwh * f
    return Emissions(0.0 if biogenic else total, total if biogenic else 0.0, f, src, FACTOR_SET_VERSION, float(kwh))


def emissions_kg_co2e(amount: float, unit: str, carrier: str, country: str | None = None,
                      year: int | None = None) -> Emissions:
    """Emissions of ``amount`` ``unit`` of ``carrier``: converted to kWh by :func:`energy_kwh`,
    then IPCC 2006 default CO2 factors (fuels) or the grid factor of ``country`` in ``year``
    (electricity). Biogenic CO2 is a memo item in ``.biogenic_kg_co2``."""
    return emissions(energy_kwh(amount, unit, carrier), carrier, country, year)


@functools.lru_cache(maxsize=4096)
def _factor(carrier: str, country: str | None, year: int | None) -> tuple[float, bool, str]:
    """(kg per kWh, biogenic, source) for one carrier (and country and year for electricity)."""
    if carrier == "electricity":
        if not country:
            raise ValueError("Electricity emissions need the country (ISO 3166 alpha-2) for the grid factor.")
        f, fyear, source = grid_factor(country, year)
        return f, False, f"{source}; {str(country).upper()} {fyear}"
    fuel = _fuel(carrier)
    if pd.isna(fuel["co2_kg_per_tj"]):
        raise UnitError(f"No emission factor for {carrier}.")
    return float(fuel["co2_kg_per_tj"]) * 3.6e-6, bool(fuel["biogenic"]), str(fuel["source"])  # kg/TJ -> kg/kWh


def emissions_frame(df: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Energy rows of a table with ``kg_co2e``, ``biogenic_kg_co2``, ``factor_kg_per_kwh`` and
    ``factor_source`` added: one factor per distinct (carrier, country, year), where the year
    is ``year`` or each row's period_end year. ``attrs['factor_set']`` names the factor set."""
    from metrics.frames import period_dates, to_canonical

    if "value_canonical" not in df.columns:
        df = to_canonical(df)
    energy = df[(df["indicator"] == "energy").to_numpy(dtype=bool, na_value=False)].copy()
    energy.attrs["factor_set"] = FACTOR_SET_VERSION
    if energy.empty:
        return energy.assign(kg_co2e=[], biogenic_kg_co2=[], factor_kg_per_kwh=[], factor_source=[])
    yr = (period_dates(energy)[1].dt.year.to_numpy() if year is None
          else np.full(len(energy), int(year)))
    country = energy["country"] if "country" in energy.columns else pd.Series("", index=energy.index)
    keys = pd.MultiIndex.from_arrays([energy["carrier"].astype(str).to_numpy(),
                                      country.fillna("").astype(str).to_numpy(), yr])
    codes, uniques = keys.factorize()
    looked = [_factor(c, k or None, int(y)) for c, k, y in uniques]
    factor = np.array([f for f, _, _ in looked], dtype=float)[codes]
    biogenic = np.array([b for _, b, _ in looked], dtype=bool)[codes]
    kwh = energy["value_canonical"].to_numpy(dtype=float)
    energy["kg_co2e"] = np.where(biogenic, 0.0, kwh * factor)
    energy["biogenic_kg_co2"] = np.where(biogenic, kwh * factor, 0.0)
    energy["factor_kg_per_kwh"] = factor
    energy["factor_source"] = np.array([s for _, _, s in looked], dtype=object)[codes]
    return energy


def intensity(df: pd.DataFrame, indicator: str, per: str = "production") -> pd.DataFrame:
    """``indicator`` per unit of ``per`` (production) of the same enterprise and period.

    Returns one row per enterprise, phase, period and unit of the denominator: enterprise,
    phase, period_start, period_end, numerator, denominator, intensity (canonical units, e.g.
    kWh per piece or kg waste per kg product; NaN when production is 0), unit ("kWh per piece").
    The numerator is summed over carriers. Periods without production are left out.
    """
    get(indicator), get(per)
    from metrics.frames import to_canonical

    if "value_canonical" not in df.columns:
        df = to_canonical(df)
    keys = ["enterprise", "phase", "period_start", "period_end"]
    ind = df["indicator"].astype(str)
    num_rows, den_rows = df[ind.eq(indicator).to_numpy()], df[ind.eq(per).to_numpy()]
    num = num_rows.groupby(keys, observed=True, sort=True).agg(
        numerator=("value_canonical", "sum"), num_unit=("unit_canonical", "first"))
    den = den_rows.assign(den_unit=den_rows["unit_canonical"].astype(str)).groupby(
        keys + ["den_unit"], observed=True, sort=True)["value_canonical"].sum().rename("denominator")
    out = den.reset_index().merge(num.reset_index(), on=keys, how="inner")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["intensity"] = (out["numerator"] / out["denominator"]).where(out["denominator"] > 0)
    out["unit"] = out["num_unit"].astype(str) + " per " + out["den_unit"]
    out = out[keys + ["numerator", "denominator", "intensity", "unit"]]
    out.attrs["factor_set"] = df.attrs.get("factor_set", FACTOR_SET_VERSION)
    return out


def loss_per_good(yield_fraction):
    """Material lost per unit of good product (MFCA): (1 - y) / y. 0.78 -> 0.282, 0.95 -> 0.053."""
    if isinstance(yield_fraction, ureg.Quantity):  # 78 % -> 0.78
        yield_fraction = yield_fraction.to("dimensionless").magnitude
    y = np.asarray(yield_fraction, dtype=float)
    if np.any(~((y > 0) & (y <= 1))):  # NaN fails too
        raise ValueError("yield must be above 0 and at most 1 (100%).")
    out = (1 - y) / y
    return float(out) if out.ndim == 0 else out


def fuel_table() -> pd.DataFrame:
    """The fuel reference table (calorific values, densities, CO2 factors, sources)."""
    return fuels().reset_index()
