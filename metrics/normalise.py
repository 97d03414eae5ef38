"""Energy performance indicators (ISO 50006): figures per unit of production, and normalised savings.

A drop in orders is not a saving. For each extensive indicator of :data:`NORMALISED` (energy, water,
waste, material input, materials wasted) an enterprise's change is also given per unit of its own
production, in the unit it produces in (kWh per piece, kg of waste per kg produced), never mixing
pieces and kilograms (METHODS.md, "Per unit of production"):

* **intensity** = the indicator's per-day rate / production's per-day rate (baseline and follow-up,
  the rates of :func:`metrics.enterprise_changes`);
* **production-adjusted baseline** = baseline rate x follow-up production / baseline production: what the
  enterprise would have used at its baseline intensity for the follow-up's production (VERIFI's
  "modelled energy by intensity");
* **normalised change** = follow-up intensity / baseline intensity - 1 = follow-up rate /
  production-adjusted baseline - 1;
* **normalised savings** = baseline intensity x follow-up production - follow-up figure = production-adjusted
  baseline - follow-up rate (per day; x 365 a year).

A normalised row needs the enterprise's production in one kind of unit, above 0 in both phases.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.indicators import DAYS_PER_YEAR

#: indicator -> the name of its per-unit-of-production figure
NORMALISED: dict[str, str] = {name: f"{name}_per_production"
                              for name in ("energy", "water", "waste", "material_input", "material_wasted")}
#: the per-unit-of-production figure -> its indicator
NORMALISED_OF: dict[str, str] = {v: k for k, v in NORMALISED.items()}
NORMALISED_COLUMNS = ["enterprise", "indicator", "baseline", "followup", "unit", "relative_change", "points",
                      "improved", "baseline_days", "followup_days", "followup_end", "of", "production_unit",
                      "production_ratio", "baseline_intensity", "followup_intensity", "intensity_unit"]


def intensity_unit(unit: str, production_unit: str) -> str:
    """'kWh per piece': the unit of an intensity (production's unit 'piece', 'kg' or 'm2')."""
    return f"{unit} per {production_unit}"


def normalised_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """Per enterprise and indicator of :data:`NORMALISED`, its change per unit of production, from
    :func:`metrics.enterprise_changes` rows (enterprise, indicator, unit, baseline, followup, ...).

    Columns ``NORMALISED_COLUMNS``: ``indicator`` is the figure's name (``energy_per_production``),
    ``of`` the indicator; ``baseline`` the production-adjusted baseline rate and ``followup`` the
    follow-up rate, both in ``unit`` per day (the indicator's canonical unit), so that their
    difference is the normalised saving per day and their sums over enterprises pool; the
    intensities themselves in ``intensity_unit``; ``relative_change`` the change of the intensity.
    Enterprises whose production is in several kinds of unit, or 0 in a phase, get no row."""
    if changes.empty:
        return pd.DataFrame(columns=NORMALISED_COLUMNS)
    # joined by position, texts made once per distinct value: 100,000s of rows in the overview's cold load
    ind = changes["indicator"]
    enterprise = changes["enterprise"].to_numpy()
    is_prod = ind.eq("production").to_numpy(dtype=bool)
    pb, pf = (changes[c].to_numpy(dtype=float)[is_prod] for c in ("baseline", "followup"))
    one_unit = ~pd.Series(enterprise[is_prod]).duplicated(keep=False).to_numpy()
    usable = np.flatnonzero(is_prod)[one_unit & (pb > 0) & (pf > 0) & np.isfinite(pb) & np.isfinite(pf)]
    at = pd.Index(enterprise[usable]).get_indexer(enterprise)  # each row's enterprise's production (-1: none)
    rows = np.flatnonzero(ind.isin(list(NORMALISED)).to_numpy(dtype=bool) & (at >= 0))  # as an inner join keeps them
    if not len(rows):
        return pd.DataFrame(columns=NORMALISED_COLUMNS)
    prod = usable[at[rows]]
    b, f = (changes[c].to_numpy(dtype=float)[rows] for c in ("baseline", "followup"))
    p_base, p_follow = (changes[c].to_numpy(dtype=float)[prod] for c in ("baseline", "followup"))
    ratio = p_follow / p_base
    adjusted = b * ratio
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(adjusted != 0, f / adjusted - 1, np.nan)
    units = _texts(changes["unit"])
    of, unit, production_unit = _texts(changes["indicator"])[rows], units[rows], units[prod]
    with np.errstate(invalid="ignore"):
        better = np.where(np.isnan(relative) | (f == adjusted), None, f < adjusted)
    carried = {c: changes[c].to_numpy()[rows] if c in changes.columns else missing
               for c, missing in (("baseline_days", np.nan), ("followup_days", np.nan), ("followup_end", pd.NaT))}
    return pd.DataFrame({
        "enterprise": enterprise[rows],
        "indicator": _per_value(of, NORMALISED.__getitem__),
        "baseline": adjusted,
        "followup": f,
        "unit": unit,
        "relative_change": relative,
        "points": np.nan,
        "improved": better,
        **carried,
        "of": of,
        "production_unit": production_unit,
        "production_ratio": ratio,
        "baseline_intensity": b / p_base,
        "followup_intensity": f / p_follow,
        "intensity_unit": _per_pair(unit, production_unit, intensity_unit),
    }, copy=False)[NORMALISED_COLUMNS]


def _texts(values: pd.Series) -> pd.Categorical:
    """A text column as a categorical (a categorical's as it is): 100,000s of rows, a handful of texts."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.array.remove_unused_categories()
    return pd.Categorical(values.astype(str).to_numpy(dtype=object))


def _per_value(values: pd.Categorical, fn) -> pd.Categorical:
    """``fn`` of each text, called once per category."""
    values = values.remove_unused_categories()
    made = [fn(str(v)) for v in values.categories]
    if len(set(made)) == len(made):  # a text of its own per category: the codes stay
        return pd.Categorical.from_codes(values.codes, made)
    return pd.Categorical(np.asarray(made + [None], dtype=object)[values.codes])


def _per_pair(first: pd.Categorical, second: pd.Categorical, fn) -> pd.Categorical:
    """``fn(a, b)`` of each pair of texts, called once per distinct pair (missing where either is)."""
    width = max(len(second.categories), 1)
    missing = (first.codes < 0) | (second.codes < 0)
    codes, pairs = pd.factorize(np.where(missing, -1, first.codes.astype(np.int64) * width + second.codes))
    made = [fn(str(first.categories[p // width]), str(second.categories[p % width])) if p >= 0 else None
            for p in pairs]
    texts, at = pd.factorize(np.asarray(made, dtype=object))  # the texts, distinct, and each pair's
    return pd.Categorical.from_codes(np.asarray(texts, dtype=np.int64)[codes], at)


def adjusted_emissions(norm: pd.DataFrame, emissions: pd.DataFrame) -> dict[str, np.ndarray]:
    """The emissions of :func:`normalised_changes` rows ``norm``: on each row of energy per unit of production,
    the enterprise's energy emissions (``emissions``, indexed by enterprise, one column per figure, kg CO2e per
    day) with every ``*_baseline`` column adjusted like the baseline (x follow-up production / baseline
    production) and the follow-up as it is; NaN on the other rows. {column: values}."""
    co2 = emissions.reindex(norm["enterprise"].to_numpy())
    is_energy = norm["of"].eq("energy").to_numpy()
    ratio = norm["production_ratio"].to_numpy(dtype=float)
    return {c: np.where(is_energy, co2[c].to_numpy(dtype=float) * (ratio if c.endswith("_baseline") else 1), np.nan)
            for c in emissions.columns}


def normalised_savings(baseline_intensity: float, production: float, actual: float) -> float:
    """ISO 50006 normalised savings over one period: baseline intensity x the period's production -
    the period's actual figure (positive: saved)."""
    return float(baseline_intensity) * float(production) - float(actual)


def per_year(per_day: float) -> float:
    """A per-day figure over a year of ``DAYS_PER_YEAR`` days."""
    return float(per_day) * DAYS_PER_YEAR


def is_normalised(indicator: str) -> bool:
    """True for a per-unit-of-production figure (``energy_per_production``)."""
    return str(indicator) in NORMALISED_OF



REPORT_NORMALISED_COLUMNS = ["enterprise", "indicator", "intensity_unit", "baseline_intensity", "followup_intensity",
                             "normalised_change", "absolute_change", "unit", "normalised_savings_per_year",
                             "absolute_savings_per_year"]


def report_normalised(changes: pd.DataFrame) -> pd.DataFrame:
    """What a report shows per unit of production, beside the absolute change, from
    :func:`metrics.enterprise_changes` rows: per enterprise and indicator of :data:`NORMALISED`, the
    intensities (``intensity_unit``), ``normalised_change`` (of the intensity), ``absolute_change`` (the
    indicator's own relative change), and a year's savings in ``unit`` (the indicator's canonical
    unit): ``normalised_savings_per_year`` = (baseline intensity x follow-up production - follow-up
    figure) per day x 365, ``absolute_savings_per_year`` = (baseline - follow-up) per day x 365."""
    norm = normalised_changes(changes)
    if norm.empty:
        return pd.DataFrame(columns=REPORT_NORMALISED_COLUMNS)
    own = changes.assign(indicator=changes["indicator"].astype(str))
    own = own.drop_duplicates(["enterprise", "indicator"]).set_index(["enterprise", "indicator"])
    key = pd.MultiIndex.from_arrays([norm["enterprise"], norm["of"]])
    base, follow = own["baseline"].reindex(key).to_numpy(float), own["followup"].reindex(key).to_numpy(float)
    return pd.DataFrame({
        "enterprise": norm["enterprise"].to_numpy(), "indicator": norm["of"].to_numpy(),
        "intensity_unit": norm["intensity_unit"].to_numpy(),
        "baseline_intensity": norm["baseline_intensity"].to_numpy(float),
        "followup_intensity": norm["followup_intensity"].to_numpy(float),
        "normalised_change": norm["relative_change"].to_numpy(float),
        "absolute_change": own["relative_change"].reindex(key).to_numpy(float),
        "unit": norm["unit"].to_numpy(),
        "normalised_savings_per_year": (norm["baseline"].to_numpy(float) - norm["followup"].to_numpy(float))
        * DAYS_PER_YEAR,
        "absolute_savings_per_year": (base - follow) * DAYS_PER_YEAR,
    })[REPORT_NORMALISED_COLUMNS]
