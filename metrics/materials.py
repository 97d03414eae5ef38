"""Materials and waste (ISO 14051 material flow cost accounting): yield from the mass balance,
yields of several materials combined by input weight, and the diversion rate of waste.

Pure functions of canonical measurements (``value_canonical`` in kg for masses, yields as
fractions). METHODS.md, "Materials and waste", gives each definition with a worked example.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.i18n import _
from metrics.indicators import DAYS_PER_YEAR, HAZARDOUS_PREFIX, canonical_factor

#: waste destinations that divert waste from disposal (recycled, sold for reuse, composted), hazardous or not
DIVERTED = ("recycled", "sold", "composted") + tuple(HAZARDOUS_PREFIX + d for d in ("recycled", "sold", "composted"))
#: destinations that are disposal: landfill, burnt without recovery, and 'other' (not known to be
#: diverted, so not counted as diverted), hazardous or not
DISPOSED = ("landfill", "incinerated", "other") + tuple(HAZARDOUS_PREFIX + d for d in ("landfill", "incinerated",
                                                                                       "other"))
_PERIOD = ["enterprise", "phase", "period_start", "period_end"]


def _sums(df: pd.DataFrame, indicator: str, by: list[str], unit: str | None = None) -> pd.Series:
    rows = df[(df["indicator"] == indicator).to_numpy()]
    if unit is not None:
        rows = rows[(rows["unit_canonical"].astype(str) == unit).to_numpy()]
    return rows.groupby(by, observed=True, sort=True)["value_canonical"].sum()


def mass_balance(df: pd.DataFrame) -> pd.DataFrame:
    """Per enterprise and period where material input and good output (production in kg) are both
    entered: ``input_kg``, ``output_kg``, ``yield`` = output / input (a fraction), ``loss_per_good``
    = (input - output) / output (kg lost per kg of good product), ``wasted_kg`` (materials wasted
    where entered, else NaN) and ``unaccounted_kg`` = input - output - wasted (what the balance
    does not explain; NaN without materials wasted). Periods with production in pieces only, or
    without material input, have no row."""
    inp = _sums(df, "material_input", _PERIOD).rename("input_kg")
    out = _sums(df, "production", _PERIOD, unit="kg").rename("output_kg")
    both = pd.concat([inp, out], axis=1, join="inner")
    both = both[(both["input_kg"] > 0).to_numpy()]
    wasted = _sums(df, "material_wasted", _PERIOD).rename("wasted_kg")
    both = both.join(wasted, how="left")
    both["yield"] = both["output_kg"] / both["input_kg"]
    with np.errstate(divide="ignore", invalid="ignore"):
        both["loss_per_good"] = ((both["input_kg"] - both["output_kg"]) / both["output_kg"]).where(
            both["output_kg"] > 0)
    both["unaccounted_kg"] = both["input_kg"] - both["output_kg"] - both["wasted_kg"]
    return both.reset_index()[_PERIOD + ["input_kg", "output_kg", "yield", "loss_per_good", "wasted_kg",
                                         "unaccounted_kg"]]


def combined_yield(df: pd.DataFrame) -> pd.DataFrame:
    """Per enterprise and period, the yield of several materials (yield rows whose carrier names
    the material) combined by input weight: sum over materials of yield x input / sum of input,
    where every yield row of the period has a material input of the same material and period;
    otherwise the mean of the yields (``weighted`` False). Never a sum. Columns: the period keys,
    ``yield`` (a fraction), ``weighted``, ``materials``."""
    y = df[(df["indicator"] == "yield").to_numpy()]
    if y.empty:
        return pd.DataFrame(columns=_PERIOD + ["yield", "weighted", "materials"])
    inp = df[(df["indicator"] == "material_input").to_numpy()]
    inp = inp.groupby(_PERIOD + ["carrier"], observed=True)["value_canonical"].sum().rename("input_kg")
    y = y.join(inp, on=_PERIOD + ["carrier"])
    y = y.assign(product=y["value_canonical"] * y["input_kg"], has_input=y["input_kg"].gt(0)
                 & y["carrier"].astype(str).ne(""))
    g = y.groupby(_PERIOD, observed=True, sort=True)
    out = g.agg(mean=("value_canonical", "mean"), product=("product", "sum"), input_kg=("input_kg", "sum"),
                all_input=("has_input", "all"), materials=("value_canonical", "size"))
    weighted = out["all_input"].to_numpy(dtype=bool)
    out["yield"] = np.where(weighted, out["product"] / out["input_kg"].where(out["input_kg"] > 0), out["mean"])
    out["weighted"] = weighted
    return out.reset_index()[_PERIOD + ["yield", "weighted", "materials"]]


def diversion(df: pd.DataFrame) -> pd.DataFrame:
    """Per enterprise and period with waste by destination: ``diverted_kg`` (recycled, sold,
    composted), ``waste_kg`` (all destinations) and ``diversion_rate`` = diverted / all waste (a
    fraction; NaN when the period's waste is 0). Waste entered without a destination counts in the
    total and not as diverted."""
    w = df[(df["indicator"] == "waste").to_numpy()]
    if w.empty:
        return pd.DataFrame(columns=_PERIOD + ["diverted_kg", "waste_kg", "diversion_rate"])
    w = w.assign(diverted=np.where(w["carrier"].astype(str).isin(DIVERTED), w["value_canonical"], 0.0))
    g = w.groupby(_PERIOD, observed=True, sort=True).agg(diverted_kg=("diverted", "sum"),
                                                         waste_kg=("value_canonical", "sum"))
    with np.errstate(divide="ignore", invalid="ignore"):
        g["diversion_rate"] = (g["diverted_kg"] / g["waste_kg"]).where(g["waste_kg"] > 0)
    return g.reset_index()


def diversion_change(df: pd.DataFrame, per_period: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per enterprise with waste at baseline and follow-up: the diversion rate of all baseline
    periods together (diverted kg / waste kg) and of the latest follow-up period, and the change
    in percentage points. Columns: enterprise, baseline, followup (fractions), points,
    improved (True when more is diverted; None when equal). ``per_period``: ``diversion(df)``
    where the caller has it already."""
    d = diversion(df) if per_period is None else per_period
    cols = ["enterprise", "baseline", "followup", "points", "improved"]
    if d.empty:
        return pd.DataFrame(columns=cols)
    base = d[d["phase"].eq("baseline").to_numpy()].groupby("enterprise")[["diverted_kg", "waste_kg"]].sum()
    fu = d[d["phase"].eq("follow-up").to_numpy()].sort_values(["period_end", "period_start"])
    fu = fu.groupby("enterprise").tail(1).set_index("enterprise")
    both = base.join(fu[["diversion_rate"]], how="inner")
    both = both[(both["waste_kg"] > 0).to_numpy() & both["diversion_rate"].notna().to_numpy()]
    out = pd.DataFrame({"enterprise": both.index, "baseline": (both["diverted_kg"] / both["waste_kg"]).to_numpy(),
                        "followup": both["diversion_rate"].to_numpy(dtype=float)})
    out["points"] = (out["followup"] - out["baseline"]) * 100
    out["improved"] = [None if p == 0 else bool(p > 0) for p in out["points"]]
    return out[cols].reset_index(drop=True)


def material_value_saved(baseline_kg_per_day: float, followup_kg_per_day: float, price_per_kg: float,
                         days: int = 365) -> float:
    """The value of material saved a year: (baseline - follow-up kg a day) x ``days`` x the price per
    kg, in the currency the price was typed in (no conversion). Negative when more is used."""
    price = float(price_per_kg)
    if not np.isfinite(price) or price < 0:
        raise ValueError(_("The material price must be a number of 0 or more."))
    return (float(baseline_kg_per_day) - float(followup_kg_per_day)) * days * price


#: the columns of :func:`material_savings`
SAVINGS_COLUMNS = ["enterprise", "material", "baseline_kg_per_day", "followup_kg_per_day", "saved_kg_per_year",
                   "price", "price_unit", "currency", "price_per_kg", "value_saved_per_year"]


def material_savings(df: pd.DataFrame) -> pd.DataFrame:
    """Per enterprise and material (the carrier of its material input rows; '' for material input without one) with
    a price entered: the value of material saved a year, in the currency the price was typed in (no conversion).

    The material's per-day rates are those of its material input change (``enterprise_changes`` of that material's
    rows alone: every baseline period together over the days they cover, and the latest follow-up period);
    ``saved_kg_per_year`` = (baseline - follow-up kg a day) x 365; the price is the one of the latest period that
    has one (per one unit of that row's unit: ``price_per_kg`` = price / kg in that unit); ``value_saved_per_year``
    = saved kg a year x price per kg (negative when more material is used). A material without a baseline and a
    follow-up, or without a price, has no row. Columns :data:`SAVINGS_COLUMNS`."""
    from metrics.aggregate import enterprise_changes

    rows = df[(df["indicator"] == "material_input").to_numpy()]
    if "price" not in rows.columns or rows.empty:
        return pd.DataFrame(columns=SAVINGS_COLUMNS)
    material = rows["carrier"].fillna("").astype(str)
    priced = rows[rows["price"].notna().to_numpy()].assign(material=material)
    if priced.empty:
        return pd.DataFrame(columns=SAVINGS_COLUMNS)
    last = priced.sort_values(["period_end", "period_start"], kind="stable").groupby(
        ["enterprise", "material"], sort=False).tail(1).set_index(["enterprise", "material"])
    key = rows["enterprise"].astype(str) + "\x1f" + material  # one series per enterprise and material
    changes = enterprise_changes(rows.assign(enterprise=key.to_numpy()))
    out = []
    for c in changes.itertuples(index=False):
        enterprise, name = str(c.enterprise).split("\x1f", 1)
        if (enterprise, name) not in last.index:
            continue
        p = last.loc[(enterprise, name)]
        kg_per_unit = canonical_factor("material_input", "", str(p["unit"]))[0]
        price_per_kg = float(p["price"]) / kg_per_unit
        saved = (float(c.baseline) - float(c.followup)) * DAYS_PER_YEAR
        out.append({"enterprise": enterprise, "material": name, "baseline_kg_per_day": float(c.baseline),
                    "followup_kg_per_day": float(c.followup), "saved_kg_per_year": saved, "price": float(p["price"]),
                    "price_unit": str(p["unit"]), "currency": str(p["currency"]), "price_per_kg": price_per_kg,
                    "value_saved_per_year": saved * price_per_kg})
    return pd.DataFrame(out, columns=SAVINGS_COLUMNS)


def savings_by_currency(savings: pd.DataFrame) -> pd.DataFrame:
    """The value of material saved a year summed per enterprise and currency, never across currencies: columns
    enterprise, currency, value_saved_per_year, materials (how many are summed)."""
    if savings.empty:
        return pd.DataFrame(columns=["enterprise", "currency", "value_saved_per_year", "materials"])
    return (savings.groupby(["enterprise", "currency"], sort=True)
            .agg(value_saved_per_year=("value_saved_per_year", "sum"), materials=("material", "size")).reset_index())
