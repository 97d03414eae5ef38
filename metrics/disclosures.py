"""Disclosures buyers and banks ask SMEs for, from the same figures: the EFRAG VSME basic module (B3, B6, B7) and
GRI 302, 303, 305 and 306, one row per datapoint (METHODS.md, "Disclosures").

Every datapoint is a figure over one enterprise's **reporting period**, its latest period entered (the latest
follow-up, else the baseline), from the rows of that period only. A datapoint whose figures were not entered for
that period is **not collected** (NaN here, the words "not collected" in a file), never 0: an energy carrier,
waste destination or indicator left blank is not a 0. Programme figures (:func:`programme_datapoints`) add the
enterprises' figures a year (the period's figure x 365 / its days), each enterprise's own latest period.

The words of a row (``datapoint``, ``period``, ``method``) are in the run's language (``metrics.i18n``) when the
rows are made; ``key``, ``standard``, ``reference`` and ``unit`` are codes and symbols, the same in every language.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics import formatting
from metrics.i18n import N_, _
from metrics.impacts import emissions_frame, fuel_table
from metrics.indicators import DAYS_PER_YEAR, HAZARDOUS_PREFIX, WATER_SOURCES
from metrics.materials import DISPOSED, DIVERTED

#: GRI 303-3 (a)'s datapoint for each water source
_WATER_DATAPOINTS = {"surface_water": N_("Water withdrawal: surface water"),
                     "groundwater": N_("Water withdrawal: groundwater"),
                     "seawater": N_("Water withdrawal: seawater"),
                     "produced_water": N_("Water withdrawal: produced water"),
                     "third_party_water": N_("Water withdrawal: third-party water")}

#: (key, standard, reference, datapoint, unit): the datapoints, in the order of the files
DATAPOINTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("energy_total", "VSME", "B3 §29", N_("Total energy consumption"), "MWh"),
    ("energy_renewable", "VSME", "B3 §29(a)", N_("Energy consumption from renewable sources"), "MWh"),
    ("energy_non_renewable", "VSME", "B3 §29(b)", N_("Energy consumption from non-renewable sources"), "MWh"),
    ("electricity", "VSME", "B3 §29", N_("Electricity consumed"), "MWh"),
    ("fuels", "VSME", "B3 §29", N_("Fuels consumed"), "MWh"),
    ("scope1", "VSME", "B3 §30(a)", N_("Gross scope 1 GHG emissions"), "t CO2e"),
    ("scope2", "VSME", "B3 §30(b)", N_("Gross location-based scope 2 GHG emissions"), "t CO2e"),
    ("ghg_gross", "VSME", "B3 §30", N_("Total gross GHG emissions (scope 1 and 2)"), "t CO2e"),
    ("water_withdrawal", "VSME", "B6 §35", N_("Total water withdrawal"), "m3"),
    ("waste_total", "VSME", "B7 §37(c)", N_("Total waste generated"), "t"),
    ("waste_hazardous", "VSME", "B7 §37(c)", N_("Hazardous waste"), "t"),
    ("waste_non_hazardous", "VSME", "B7 §37(c)", N_("Non-hazardous waste"), "t"),
    ("waste_diverted", "VSME", "B7 §37(c)", N_("Waste diverted to recycling or reuse"), "t"),
    ("materials", "VSME", "B7 §37(d)", N_("Annual mass flow of the main materials used"), "t"),
    ("gri_energy_total", "GRI", "302-1", N_("Energy consumption within the organisation"), "MWh"),
    ("gri_fuels", "GRI", "302-1(a)", N_("Fuel consumption from non-renewable sources"), "MWh"),
    ("gri_fuels_renewable", "GRI", "302-1(b)", N_("Fuel consumption from renewable sources"), "MWh"),
    ("gri_electricity", "GRI", "302-1(c)", N_("Electricity consumption"), "MWh"),
    ("energy_intensity", "GRI", "302-3", N_("Energy intensity ratio"), "kWh per {production}"),
    ("energy_reduction", "GRI", "302-4", N_("Reduction of energy consumption"), "MWh"),
    ("gri_water_withdrawal", "GRI", "303-3(a)", N_("Total water withdrawal from all areas"), "m3"),
    *((f"gri_water_{source}", "GRI", f"303-3(a)({n})", _WATER_DATAPOINTS[source], "m3")
      for n, source in zip(("i", "ii", "iii", "iv", "v"), WATER_SOURCES, strict=True)),
    ("water_consumption", "GRI", "303-5", N_("Total water consumption"), "m3"),
    ("gri_scope1", "GRI", "305-1", N_("Gross direct (scope 1) GHG emissions"), "t CO2e"),
    ("gri_scope2", "GRI", "305-2", N_("Gross location-based energy indirect (scope 2) GHG emissions"), "t CO2e"),
    ("ghg_intensity", "GRI", "305-4", N_("GHG emissions intensity ratio (scope 1 and 2)"), "kg CO2e per {production}"),
    ("gri_waste_total", "GRI", "306-3", N_("Waste generated"), "t"),
    ("gri_waste_diverted", "GRI", "306-4", N_("Waste diverted from disposal"), "t"),
    ("gri_hazardous_diverted", "GRI", "306-4(b)", N_("Hazardous waste diverted from disposal"), "t"),
    ("gri_non_hazardous_diverted", "GRI", "306-4(c)", N_("Non-hazardous waste diverted from disposal"), "t"),
    ("gri_waste_disposal", "GRI", "306-5", N_("Waste directed to disposal"), "t"),
    ("gri_hazardous_disposal", "GRI", "306-5(b)", N_("Hazardous waste directed to disposal"), "t"),
    ("gri_non_hazardous_disposal", "GRI", "306-5(c)", N_("Non-hazardous waste directed to disposal"), "t"),
)
#: a datapoint's value, key -> how it was made (the method note of every row)
METHODS = {
    "energy_total": N_("sum of every energy carrier entered for the period, converted to kWh (IPCC 2006 net calorific "
                       "values; data/fuels.csv), in MWh"),
    "energy_renewable": N_("biomass and biogas plus purchased electricity x its renewable share (as entered); not "
                           "collected while electricity is used and its renewable share is not entered"),
    "energy_non_renewable": N_("total energy minus renewable energy; not collected with it"),
    "electricity": N_("purchased electricity entered for the period"),
    "fuels": N_("fuels entered for the period, converted with IPCC 2006 net calorific values"),
    "scope1": N_("fuels burnt on site: CO2, CH4 and N2O (IPCC 2006 Vol. 2 Tables 1.4 and 2.3) in CO2e with the factor "
                 "set's GWP (factor set {factor_set}); biogenic CO2 excluded, the CH4 and N2O of biomass included"),
    "scope2": N_("purchased electricity x the country's average grid factor (location-based; factor set {factor_set})"),
    "ghg_gross": N_("scope 1 + scope 2; not collected unless both are"),
    "water_withdrawal": N_("water entered for the period (all of it is taken as withdrawn)"),
    "gri_water_withdrawal": N_("as VSME B6 total water withdrawal"),
    **{f"gri_water_{source}": N_("water entered for the period with this source; not collected unless every water "
                                 "figure of the period names its source (then a source not named is 0)")
       for source in WATER_SOURCES},
    "waste_total": N_("sum of every waste destination entered for the period"),
    "waste_hazardous": N_("waste entered as hazardous (any destination) for the period; not collected unless hazardous "
                          "waste is entered (0 for none)"),
    "waste_non_hazardous": N_("total waste minus hazardous waste; not collected with it"),
    "waste_diverted": N_("waste recycled, sold (to a reclaimer) or composted"),
    "materials": N_("material input entered for the period"),
    "gri_energy_total": N_("as VSME B3; conversion factors: IPCC 2006 Vol. 2 Table 1.2 net calorific values, "
                           "densities as data/fuels.csv states (factor set {factor_set})"),
    "gri_fuels": N_("fossil fuels entered for the period"),
    "gri_fuels_renewable": N_("biomass and biogas entered for the period"),
    "gri_electricity": N_("purchased electricity entered for the period"),
    "energy_intensity": N_("energy of the period / production of the same period (the enterprise's own unit)"),
    "energy_reduction": N_("baseline energy per day x the period's days - the period's energy (not adjusted for "
                           "production; the report gives the figure per unit of production)"),
    "water_consumption": N_("water consumption is withdrawal minus discharge; discharge is not entered"),
    "gri_scope1": N_("as VSME B3 scope 1 (CO2e; gases included as the factor set states)"),
    "gri_scope2": N_("as VSME B3 scope 2"),
    "ghg_intensity": N_("scope 1 + scope 2 of the period / production of the same period"),
    "gri_waste_total": N_("as VSME B7 total waste"),
    "gri_waste_diverted": N_("recycled, sold (to a reclaimer) or composted"),
    "gri_hazardous_diverted": N_("hazardous waste recycled, sold or composted; not collected unless hazardous waste is "
                                 "entered"),
    "gri_non_hazardous_diverted": N_("waste diverted minus hazardous waste diverted; not collected with it"),
    "gri_waste_disposal": N_("landfill, incinerated or other (as the diversion rate counts them)"),
    "gri_hazardous_disposal": N_("hazardous waste to landfill, incinerated or other; not collected unless hazardous "
                                 "waste is entered"),
    "gri_non_hazardous_disposal": N_("waste directed to disposal minus hazardous; not collected with it"),
}
COLUMNS = ["key", "standard", "reference", "datapoint", "value", "unit", "period", "method", "enterprises"]


def reporting_period(df: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The latest period entered (latest end, then latest start) of one enterprise's rows, or None."""
    if df.empty:
        return None
    ends = pd.to_datetime(df["period_end"])
    last = ends.max()
    start = pd.to_datetime(df.loc[(ends == last).to_numpy(), "period_start"]).max()
    return start, last


def _sum(rows: pd.DataFrame, mask) -> float:
    """The sum of ``value_canonical`` of the rows ``mask`` selects; NaN when it selects none (not collected)."""
    picked = rows.loc[np.asarray(mask, dtype=bool), "value_canonical"]
    return float(picked.sum()) if len(picked) else np.nan


def _figures(df: pd.DataFrame) -> dict:
    """The datapoints' values (canonical units: kWh, kg CO2e, m3, kg) of one enterprise's reporting period."""
    period = reporting_period(df)
    if period is None:
        return {}
    start, end = period
    rows = df[(pd.to_datetime(df["period_start"]) == start).to_numpy()
              & (pd.to_datetime(df["period_end"]) == end).to_numpy()]
    ind = rows["indicator"].astype(str).to_numpy()
    carrier = rows["carrier"].fillna("").astype(str).to_numpy()
    energy = ind == "energy"
    fuels = fuel_table()
    biogenic = set(fuels.loc[fuels["biogenic"].to_numpy(dtype=bool), "carrier"].astype(str))
    renewable_fuel = energy & np.isin(carrier, list(biogenic))
    elec = energy & (carrier == "electricity")
    fossil = energy & ~elec & ~renewable_fuel
    f = {"start": start, "end": end, "days": (end - start).days + 1,
         "energy_total": _sum(rows, energy), "electricity": _sum(rows, elec), "fuels": _sum(rows, energy & ~elec),
         "gri_fuels": _sum(rows, fossil), "gri_fuels_renewable": _sum(rows, renewable_fuel)}
    # each carrier entered is renewable or not (the biogenic fuels), purchased electricity by the share entered
    # with it: without that share on every electricity figure of the period, the split is not collected
    share = rows["renewable_pct"].to_numpy(dtype=float) if "renewable_pct" in rows.columns else np.full(len(rows),
                                                                                                        np.nan)
    known = not np.isnan(share[elec]).any()
    green = float((rows["value_canonical"].to_numpy(dtype=float)[elec] * share[elec] / 100).sum()) if known else np.nan
    fuels_green = 0.0 if np.isnan(f["gri_fuels_renewable"]) else f["gri_fuels_renewable"]
    f["energy_renewable"] = green + fuels_green if energy.any() else np.nan
    f["energy_non_renewable"] = f["energy_total"] - f["energy_renewable"]
    em = emissions_frame(rows)  # scope 1 and scope 2 as metrics.impacts gives them (GHG Protocol, its factor set)
    scope = em["scope"].to_numpy(dtype=int) if len(em) else np.zeros(0, dtype=int)
    for n in (1, 2):
        mine = scope == n
        # a figure without a factor (NaN) leaves its scope not collected, as the report leaves it empty
        f[f"scope{n}"] = float(em.loc[mine, f"scope{n}_kg_co2e"].sum(min_count=1)) if mine.any() else np.nan
        if mine.any() and em.loc[mine, f"scope{n}_kg_co2e"].isna().any():
            f[f"scope{n}"] = np.nan
    f["ghg_gross"] = f["scope1"] + f["scope2"]
    water = ind == "water"
    f["water_withdrawal"] = _sum(rows, water)
    named = water.any() and bool(np.isin(carrier[water], WATER_SOURCES).all())  # every water figure's source
    for source in WATER_SOURCES:
        f[f"gri_water_{source}"] = float(rows.loc[water & (carrier == source), "value_canonical"].sum()) if named \
            else np.nan
    f["gri_water_withdrawal"] = f["water_withdrawal"]
    waste = ind == "waste"
    f["waste_total"] = _sum(rows, waste)
    f["waste_diverted"] = _sum(rows, waste & np.isin(carrier, DIVERTED)) if waste.any() else np.nan
    f["waste_disposal"] = _sum(rows, waste & np.isin(carrier, DISPOSED)) if waste.any() else np.nan
    for k in ("waste_diverted", "waste_disposal"):  # destinations entered, none of these: 0 of the waste entered
        if waste.any() and np.isnan(f[k]):
            f[k] = 0.0
    hazardous = waste & np.char.startswith(carrier.astype(str), HAZARDOUS_PREFIX)
    f["waste_hazardous"] = _sum(rows, hazardous)  # not collected unless hazardous waste is entered (0 for none)
    f["waste_non_hazardous"] = f["waste_total"] - f["waste_hazardous"]
    collected = not np.isnan(f["waste_hazardous"])
    for part, kept in (("diverted", DIVERTED), ("disposal", DISPOSED)):
        mine = float(rows.loc[hazardous & np.isin(carrier, kept), "value_canonical"].sum()) if collected else np.nan
        f[f"gri_hazardous_{part}"] = mine
        f[f"gri_non_hazardous_{part}"] = f[f"waste_{part}"] - mine
    f["materials"] = _sum(rows, ind == "material_input")
    prod = rows[ind == "production"]
    units = prod["unit_canonical"].astype(str).unique() if len(prod) else []
    f["production"] = float(prod["value_canonical"].sum()) if len(units) == 1 else np.nan
    f["production_unit"] = str(units[0]) if len(units) == 1 else ""
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = f["production"] > 0
        f["energy_intensity"] = f["energy_total"] / f["production"] if ok else np.nan
        f["ghg_intensity"] = f["ghg_gross"] / f["production"] if ok else np.nan
    base = df[(df["phase"].astype(str) == "baseline").to_numpy() & (df["indicator"].astype(str) == "energy").to_numpy()]
    if len(base) and not np.isnan(f["energy_total"]) and (df["phase"].astype(str) == "follow-up").any():
        b_start, b_end = pd.to_datetime(base["period_start"]), pd.to_datetime(base["period_end"])
        days = len(pd.DatetimeIndex(np.unique(np.concatenate(
            [pd.date_range(a, b).to_numpy() for a, b in zip(b_start, b_end, strict=True)]))))
        f["energy_reduction"] = float(base["value_canonical"].sum()) / days * f["days"] - f["energy_total"]
    else:
        f["energy_reduction"] = np.nan
    return f


#: canonical unit -> datapoint unit: the factor the value is divided by
_SCALE = {"MWh": 1000.0, "t CO2e": 1000.0, "t": 1000.0, "m3": 1.0}
#: the key of a figure behind each datapoint (GRI rows repeat VSME figures)
_SOURCE = {"gri_energy_total": "energy_total", "gri_electricity": "electricity", "gri_scope1": "scope1",
           "gri_scope2": "scope2", "gri_waste_total": "waste_total", "gri_waste_diverted": "waste_diverted",
           "gri_waste_disposal": "waste_disposal"}


def enterprise_datapoints(df: pd.DataFrame, factor_set: str) -> pd.DataFrame:
    """One row per datapoint of :data:`DATAPOINTS` (:data:`COLUMNS`) for one enterprise's canonical rows
    (``metrics.to_canonical``): ``value`` in ``unit``, NaN where not collected; ``period`` its reporting period;
    ``method`` how it is made (``factor_set`` named where factors are used); ``enterprises`` 1."""
    f = _figures(df)
    period = _("{start} to {end}").format(start=formatting.day(f['start']), end=formatting.day(f['end'])) if f \
        else _("no figures entered")
    rows = []
    for key, standard, ref, name, unit in DATAPOINTS:
        value = f.get(_SOURCE.get(key, key), np.nan) if f else np.nan
        if "{production}" in unit:
            unit = unit.format(production=f.get("production_unit") or "unit of production")
        elif unit in _SCALE and not pd.isna(value):
            value = value / _SCALE[unit]
        rows.append({"key": key, "standard": standard, "reference": ref, "datapoint": _(name),
                     "value": float(value) if not pd.isna(value) else np.nan, "unit": unit, "period": period,
                     "method": _(METHODS[key]).format(factor_set=factor_set), "enterprises": 1})
    return pd.DataFrame(rows, columns=COLUMNS)


def programme_datapoints(per_enterprise: pd.DataFrame) -> pd.DataFrame:
    """The datapoints over several enterprises from their :func:`enterprise_datapoints` rows with ``days`` (each
    one's reporting period in days) added: each figure a year (value x 365 / days), summed over the enterprises
    that collected it (``enterprises`` counts them); intensities (per unit of production, whose units differ)
    are not added up and read not collected."""
    if per_enterprise.empty:
        return pd.DataFrame(columns=COLUMNS)
    d = per_enterprise.copy()
    d["a_year"] = d["value"] * DAYS_PER_YEAR / d["days"]
    extensive = ~d["unit"].astype(str).str.contains(" per ")
    d.loc[~extensive.to_numpy(), "a_year"] = np.nan
    got = d.dropna(subset=["a_year"]).groupby("key", sort=False).agg(value=("a_year", "sum"),
                                                                     enterprises=("a_year", "size"))
    first = d.drop_duplicates("key").set_index("key")
    out = first[["standard", "reference", "datapoint", "unit", "method"]].join(got, how="left").reset_index()
    out["enterprises"] = out["enterprises"].fillna(0).astype(int)
    out["period"] = _("a year, at each enterprise's latest period entered (figure x 365 / its days)")
    return out[COLUMNS]
