"""Energy, greenhouse-gas emissions by scope, intensities and material losses.

Emission factors: IPCC 2006 Vol. 2 Table 1.4 default CO2 factors and Table 2.3 CH4 and N2O
factors (manufacturing industries) on a net-calorific-value basis for fuels, in CO2e with the
factor set's GWP set (data/fuels.csv; scope 1); location-based average grid intensity per
country and year for electricity (data/grid_factors.csv; scope 2). Biogenic CO2 (wood, biogas)
is returned as a memo item, never in the totals; the CH4 and N2O of biomass count.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.i18n import _
from metrics.indicators import _fuel, canonical_factor, fuels, get
from metrics.reference import FACTOR_SET_VERSION, GWP_SET, gwp
from metrics.units import DATA_DIR, UnitError, ureg


def energy_kwh(amount: float, unit: str, carrier: str) -> float:
    """``amount`` of ``carrier`` in ``unit`` as kWh: energy units directly, mass via net
    calorific value, volume via density; electricity accepts energy units only."""
    value = _amount(amount)
    if value < 0:
        raise ValueError(_("Energy amounts cannot be negative (got {value} {unit}).").format(value=f"{value:g}",
                                                                                           unit=unit))
    f, _unit = canonical_factor("energy", carrier, unit)
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
            raise ValueError(_("The amount must be one number, not {amount}.").format(amount=repr(amount))) from None
    if not np.isfinite(value):
        raise ValueError(_("The amount is not a finite number ({amount}).").format(amount=repr(amount)))
    return value


@functools.lru_cache(maxsize=1)
def grid_factors() -> pd.DataFrame:
    """Grid electricity intensity by country and year: iso2 (ISO 3166 alpha-2), country_name,
    year, g_co2e_per_kwh (empty where the source has no figure), source (data/grid_factors.csv;
    Namibia's 'NA' stays a code)."""
    return pd.read_csv(DATA_DIR / "grid_factors.csv", keep_default_na=False, na_values=[""])


def grid_factor(country: str, year: int | None = None) -> tuple[float, int, str]:
    """(kg CO2e per kWh, year of the figure, source) for ``country``: the figure for ``year``
    or, when the table has none for it, the latest one before it (else the earliest). A country
    whose figure is missing or 0 (the source's way of saying "no figure") raises ValueError: its
    electricity has no emissions computed, never 0."""
    table = grid_factors()
    code = str(country).strip().upper()
    rows = table[table["iso2"] == code]
    if rows.empty:
        raise ValueError(_("No grid emission factor for country {country} (ISO 3166 alpha-2 expected).").format(
            country=repr(country)))
    rows = rows.sort_values("year")
    before = rows if year is None else rows[rows["year"] <= year]
    row = before.iloc[-1] if not before.empty else rows.iloc[0]  # nothing that old: the earliest
    value = float(row["g_co2e_per_kwh"])
    if not value > 0:  # NaN (empty) or 0
        raise ValueError(_("No grid emission factor for {country} ({code}): the source has no figure.").format(
            country=row["country_name"], code=code))
    return value / 1000.0, int(row["year"]), str(row["source"])


def grid_factor_known(codes) -> np.ndarray:
    """Per country code in ``codes``: True when the grid table holds a figure above 0 for it."""
    table = grid_factors()
    known = set(table.loc[table["g_co2e_per_kwh"].fillna(0) > 0, "iso2"].astype(str))
    # once per distinct code (a summary asks for every energy figure's country)
    which, uniques = pd.factorize(np.asarray(codes, dtype=object), use_na_sentinel=False)
    return np.array([str(c).strip().upper() in known for c in uniques], dtype=bool)[which]


@dataclass(frozen=True)
class Emissions:
    """Emissions of one energy figure (GHG Protocol). ``kg_co2e`` is what counts: fossil CO2 plus
    the CH4 and N2O of any fuel in CO2e (``scope`` 1), or the grid's CO2e (``scope`` 2, location
    based). ``scope1_kg_co2e`` and ``scope2_kg_co2e`` split it. Biogenic CO2 (wood, biogas) is the
    memo item ``biogenic_kg_co2``, never in ``kg_co2e``; the CH4 and N2O of biomass are.
    ``kg_ch4`` and ``kg_n2o`` are the gases' own masses, ``gwp`` the GWP set used and
    ``factor_set`` the reference data."""

    kg_co2e: float
    biogenic_kg_co2: float
    factor_kg_per_kwh: float
    factor_source: str
    factor_set: str = FACTOR_SET_VERSION
    kwh: float | None = None
    scope: int = 1
    kg_ch4: float = 0.0
    kg_n2o: float = 0.0
    gwp: str = GWP_SET

    @property
    def scope1_kg_co2e(self) -> float:
        return self.kg_co2e if self.scope == 1 else 0.0

    @property
    def scope2_kg_co2e(self) -> float:
        return self.kg_co2e if self.scope == 2 else 0.0


def emissions(kwh: float, carrier: str, country: str | None = None, year: int | None = None,
              gwp_set: str | None = None) -> Emissions:
    """Emissions of ``kwh`` of ``carrier`` (electricity needs the country's grid factor);
    ``gwp_set`` ('AR5', 'AR6'; None: the factor set's) weighs CH4 and N2O."""
    if kwh is None or kwh != kwh:
        raise ValueError(_("The energy is not a number."))
    if kwh < 0:
        raise ValueError(_("Energy cannot be negative (got {kwh} kWh).").format(kwh=f"{kwh:g}"))
    f = _factor(carrier, country, year, gwp(gwp_set)["name"])
    return Emissions(kwh * f.co2e, kwh * f.biogenic, f.co2e, f.source, FACTOR_SET_VERSION, float(kwh), f.scope,
                     kwh * f.ch4, kwh * f.n2o, f.gwp)


def emissions_kg_co2e(amount: float, unit: str, carrier: str, country: str | None = None,
                      year: int | None = None, gwp_set: str | None = None) -> Emissions:
    """Emissions of ``amount`` ``unit`` of ``carrier``: converted to kWh by :func:`energy_kwh`,
    then IPCC 2006 default factors (fuels: CO2 of Table 1.4, CH4 and N2O of Table 2.3) or the
    grid factor of ``country`` in ``year`` (electricity). Biogenic CO2 is a memo item in
    ``.biogenic_kg_co2``."""
    return emissions(energy_kwh(amount, unit, carrier), carrier, country, year, gwp_set)


@dataclass(frozen=True)
class _Factor:
    """Per kWh: kg CO2e counted, kg biogenic CO2 (memo), kg CH4, kg N2O; the scope and source."""

    co2e: float
    biogenic: float
    ch4: float
    n2o: float
    scope: int
    source: str
    gwp: str


TJ_PER_KWH = 3.6e-6


@functools.lru_cache(maxsize=4096)
def _factor(carrier: str, country: str | None, year: int | None, gwp_set: str) -> _Factor:
    """The factors of one carrier (and country and year for electricity) under one GWP set."""
    if carrier == "electricity":
        if not country:
            raise ValueError(_("Electricity emissions need the country (ISO 3166 alpha-2) for the grid factor."))
        f, fyear, source = grid_factor(country, year)
        return _Factor(f, 0.0, 0.0, 0.0, 2, f"{source}; {str(country).upper()} {fyear}", gwp_set)
    fuel = _fuel(carrier)
    if pd.isna(fuel["co2_kg_per_tj"]):
        raise UnitError(_("No emission factor for {carrier}.").format(carrier=carrier))
    g = gwp(gwp_set)
    biogenic = bool(fuel["biogenic"])
    co2 = float(fuel["co2_kg_per_tj"]) * TJ_PER_KWH  # kg/TJ -> kg/kWh
    ch4 = float(fuel["ch4_kg_per_tj"]) * TJ_PER_KWH if pd.notna(fuel["ch4_kg_per_tj"]) else 0.0
    n2o = float(fuel["n2o_kg_per_tj"]) * TJ_PER_KWH if pd.notna(fuel["n2o_kg_per_tj"]) else 0.0
    co2e = (0.0 if biogenic else co2) + ch4 * g["ch4_non_fossil" if biogenic else "ch4_fossil"] + n2o * g["n2o"]
    return _Factor(co2e, co2 if biogenic else 0.0, ch4, n2o, 1, str(fuel["source"]), g["name"])


def _factor_or_missing(carrier: str, country: str | None, year: int, gwp_set: str) -> _Factor:
    """:func:`_factor`, or NaN factors whose source says why there is none (a country without a
    grid figure): the figure's emissions are then missing, never 0."""
    try:
        return _factor(carrier, country, year, gwp_set)
    except (ValueError, UnitError) as exc:
        return _Factor(float("nan"), 0.0, 0.0, 0.0, 2 if carrier == "electricity" else 1,
                       _("no factor: {why}").format(why=exc), gwp_set)


EMISSION_COLUMNS = ["scope", "kg_co2e", "scope1_kg_co2e", "scope2_kg_co2e", "biogenic_kg_co2", "kg_ch4", "kg_n2o",
                    "factor_kg_per_kwh", "factor_source"]


def emissions_frame(df: pd.DataFrame, year: int | None = None, gwp_set: str | None = None) -> pd.DataFrame:
    """Energy rows of a table with the columns ``EMISSION_COLUMNS`` added (``scope`` 1 for fuels,
    2 for electricity; ``kg_co2e`` = ``scope1_kg_co2e`` + ``scope2_kg_co2e``; biogenic CO2 apart):
    one factor per distinct (carrier, country, year), where the year is ``year`` or each row's
    period_end year. A row without a factor (a country whose grid figure is missing) has NaN
    emissions and says why in ``factor_source``. ``attrs['factor_set']`` names the factor set and
    ``attrs['gwp']`` the GWP set."""
    from metrics.frames import period_dates, to_canonical

    if "value_canonical" not in df.columns:
        df = to_canonical(df)
    g = gwp(gwp_set)["name"]
    energy = df[(df["indicator"] == "energy").to_numpy(dtype=bool, na_value=False)].copy()
    energy.attrs["factor_set"] = FACTOR_SET_VERSION
    energy.attrs["gwp"] = g
    if energy.empty:
        return energy.assign(**{c: [] for c in EMISSION_COLUMNS})
    yr = (period_dates(energy)[1].dt.year.to_numpy() if year is None
          else np.full(len(energy), int(year)))
    country = energy["country"] if "country" in energy.columns else pd.Series("", index=energy.index)
    keys = pd.MultiIndex.from_arrays([energy["carrier"].astype(str).to_numpy(),
                                      country.fillna("").astype(str).to_numpy(), yr])
    codes, uniques = keys.factorize()
    looked = [_factor_or_missing(c, k or None, int(y), g) for c, k, y in uniques]

    def col(name, dtype=float):
        return np.array([getattr(f, name) for f in looked], dtype=dtype)[codes]

    kwh = energy["value_canonical"].to_numpy(dtype=float)
    scope = col("scope", int)
    co2e = kwh * col("co2e")
    energy["scope"] = scope
    energy["kg_co2e"] = co2e
    energy["scope1_kg_co2e"] = np.where(scope == 1, co2e, 0.0)  # NaN stays NaN in its own scope
    energy["scope2_kg_co2e"] = np.where(scope == 2, co2e, 0.0)
    energy["biogenic_kg_co2"] = kwh * col("biogenic")
    energy["kg_ch4"] = kwh * col("ch4")
    energy["kg_n2o"] = kwh * col("n2o")
    energy["factor_kg_per_kwh"] = col("co2e")
    energy["factor_source"] = col("source", object)
    return energy


def intensity(df: pd.DataFrame, indicator: str, per: str = "production") -> pd.DataFrame:
    """``indicator`` per unit of ``per`` (production) of the same enterprise and period.

    Returns one row per enterprise, phase, period and unit of the denominator: enterprise,
    phase, period_start, period_end, numerator, denominator, intensity (canonical units, e.g.
    kWh per piece or kg waste per kg product; NaN when production is 0), unit ("kWh per piece").
    The numerator is summed over carriers. Periods without production are left out.
    """
    return intensities(df, [indicator], per).drop(columns="indicator")


def intensities(df: pd.DataFrame, indicators: list[str], per: str = "production") -> pd.DataFrame:
    """:func:`intensity` of each of ``indicators`` in one pass (the production read and grouped
    once), with an ``indicator`` column first."""
    for name in [*indicators, per]:
        get(name)
    from metrics.frames import to_canonical

    if "value_canonical" not in df.columns:
        df = to_canonical(df)
    keys = ["enterprise", "phase", "period_start", "period_end"]
    ind = df["indicator"].astype(str)
    num_rows, den_rows = df[ind.isin(indicators).to_numpy()], df[ind.eq(per).to_numpy()]
    num = num_rows.assign(indicator=num_rows["indicator"].astype(str)).groupby(
        ["indicator"] + keys, observed=True, sort=True).agg(
        numerator=("value_canonical", "sum"), num_unit=("unit_canonical", "first"))
    den = den_rows.assign(den_unit=den_rows["unit_canonical"].astype(str)).groupby(
        keys + ["den_unit"], observed=True, sort=True)["value_canonical"].sum().rename("denominator")
    out = num.reset_index().merge(den.reset_index(), on=keys, how="inner")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["intensity"] = (out["numerator"] / out["denominator"]).where(out["denominator"] > 0)
    out["unit"] = out["num_unit"].astype(str) + " per " + out["den_unit"]
    out = out.sort_values(["indicator"] + keys + ["den_unit"], kind="stable").reset_index(drop=True)
    out = out[["indicator"] + keys + ["numerator", "denominator", "intensity", "unit"]]
    out.attrs["factor_set"] = df.attrs.get("factor_set", FACTOR_SET_VERSION)
    return out


def loss_per_good(yield_fraction):
    """Material lost per unit of good product (MFCA): (1 - y) / y. 0.78 -> 0.282, 0.95 -> 0.053."""
    if isinstance(yield_fraction, ureg.Quantity):  # 78 % -> 0.78
        yield_fraction = yield_fraction.to("dimensionless").magnitude
    y = np.asarray(yield_fraction, dtype=float)
    if np.any(~((y > 0) & (y <= 1))):  # NaN fails too
        raise ValueError(_("yield must be above 0 and at most 1 (100%)."))
    out = (1 - y) / y
    return float(out) if out.ndim == 0 else out


def fuel_table() -> pd.DataFrame:
    """The fuel reference table (calorific values, densities, CO2 factors, sources)."""
    return fuels().reset_index()
