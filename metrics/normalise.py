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
    ind = changes["indicator"].astype(str)
    prod = changes[ind.eq("production").to_numpy()]
    one_unit = ~prod["enterprise"].duplicated(keep=False).to_numpy()
    pb, pf = prod["baseline"].to_numpy(dtype=float), prod["followup"].to_numpy(dtype=float)
    usable = prod[one_unit & (pb > 0) & (pf > 0) & np.isfinite(pb) & np.isfinite(pf)]
    p = pd.DataFrame({"enterprise": usable["enterprise"].to_numpy(), "production_unit": usable["unit"].astype(str),
                      "p_base": usable["baseline"].to_numpy(dtype=float),
                      "p_follow": usable["followup"].to_numpy(dtype=float)})
    rows = changes[ind.isin(list(NORMALISED)).to_numpy()]
    rows = rows.drop(columns=[c for c in NORMALISED_COLUMNS if c in rows.columns
                              and c not in ("enterprise", "indicator", "baseline", "followup", "unit",
                                            "baseline_days", "followup_days", "followup_end")])
    rows = rows.merge(p, on="enterprise", how="inner")
    if rows.empty:
        return pd.DataFrame(columns=NORMALISED_COLUMNS)
    b, f = rows["baseline"].to_numpy(dtype=float), rows["followup"].to_numpy(dtype=float)
    ratio = rows["p_follow"].to_numpy() / rows["p_base"].to_numpy()
    adjusted = b * ratio
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(adjusted != 0, f / adjusted - 1, np.nan)
    of = rows["indicator"].astype(str).to_numpy()
    with np.errstate(invalid="ignore"):
        better = np.where(np.isnan(relative) | (f == adjusted), None, f < adjusted)
    return pd.DataFrame({
        "enterprise": rows["enterprise"].to_numpy(),
        "indicator": [NORMALISED[i] for i in of],
        "baseline": adjusted,
        "followup": f,
        "unit": rows["unit"].astype(str).to_numpy(),
        "relative_change": relative,
        "points": np.nan,
        "improved": better,
        "baseline_days": rows["baseline_days"].to_numpy() if "baseline_days" in rows else np.nan,
        "followup_days": rows["followup_days"].to_numpy() if "followup_days" in rows else np.nan,
        "followup_end": rows["followup_end"].to_numpy() if "followup_end" in rows else pd.NaT,
        "of": of,
        "production_unit": rows["production_unit"].to_numpy(),
        "production_ratio": ratio,
        "baseline_intensity": b / rows["p_base"].to_numpy(),
        "followup_intensity": f / rows["p_follow"].to_numpy(),
        "intensity_unit": [intensity_unit(u, pu) for u, pu in zip(rows["unit"].astype(str),
                                                                  rows["production_unit"], strict=True)],
    })[NORMALISED_COLUMNS]


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
