"""Whole-table operations on the measurement template: validation and canonical values.

Both work on a long DataFrame with the template columns (enterprise, country, sector,
period_start, period_end, phase, indicator, carrier, value, unit, note) and are vectorised: a
conversion factor is looked up once per distinct (indicator, carrier, unit), never per row.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.indicators import INDICATORS, canonical_factor, normalise_phase
from metrics.reference import FACTOR_SET_VERSION
from metrics.units import UnitError

TEMPLATE_COLUMNS = ["enterprise", "country", "sector", "period_start", "period_end", "phase", "indicator",
                    "carrier", "value", "unit", "note"]
REQUIRED_COLUMNS = ["enterprise", "period_start", "period_end", "phase", "indicator", "value", "unit"]
#: the first data row of a file is line 2 (line 1 holds the headers)
FIRST_LINE = 2


def _text(series: pd.Series) -> pd.Series:
    return series.astype("string").fillna("").str.strip()


def parse_values(series: pd.Series) -> pd.Series:
    """Numbers from what people type: 4,300 / 4 300 / 1.2e3; NaN where it is not a number."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype(float)
    text = _text(series).str.replace(r"[\s\u00a0\u202f_]", "", regex=True).str.replace(",", "", regex=False)
    return pd.to_numeric(text, errors="coerce").astype(float)


def _dates(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    return pd.to_datetime(series, errors="coerce", format="mixed", dayfirst=False)


def _factors(indicator: pd.Series, carrier: pd.Series, unit: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """factor, canonical unit and error text per row, computed once per distinct key."""
    keys = pd.DataFrame({"indicator": indicator, "carrier": carrier, "unit": unit})
    distinct = keys.drop_duplicates()
    rows = []
    for ind, car, un in distinct.itertuples(index=False):
        try:
            f, cu = canonical_factor(ind, car if ind == "energy" else "", un)
            rows.append((ind, car, un, f, cu, ""))
        except (UnitError, ValueError) as exc:
            rows.append((ind, car, un, np.nan, "", str(exc)))
    table = pd.DataFrame(rows, columns=["indicator", "carrier", "unit", "factor", "unit_canonical", "error"])
    merged = keys.merge(table, on=["indicator", "carrier", "unit"], how="left")
    merged.index = keys.index
    return merged["factor"], merged["unit_canonical"], merged["error"]


def validate(df: pd.DataFrame, *, first_line: int = FIRST_LINE) -> pd.DataFrame:
    """Every problem in a template table: one row per problem with columns row, column, reason.

    ``row`` is the line a person sees in the file (the first data row is line 2). An empty
    result means the table can be stored.
    """
    problems: list[pd.DataFrame] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        return pd.DataFrame({"row": [1] * len(missing), "column": missing,
                             "reason": ["required column is missing"] * len(missing)})
    line = pd.Series(np.arange(len(df)) + first_line, index=df.index)

    def add(mask: pd.Series, column: str, reason) -> None:
        mask = mask.reindex(df.index, fill_value=False).fillna(False).astype(bool)
        if mask.any():
            reasons = reason.reindex(df.index)[mask] if isinstance(reason, pd.Series) else reason
            problems.append(pd.DataFrame({"row": line[mask], "column": column, "reason": reasons}))

    enterprise = _text(df["enterprise"])
    add(enterprise.eq(""), "enterprise", "enterprise is missing")
    start, end = _dates(df["period_start"]), _dates(df["period_end"])
    add(start.isna(), "period_start", "missing or not a date (use YYYY-MM-DD)")
    add(end.isna(), "period_end", "missing or not a date (use YYYY-MM-DD)")
    add(start.notna() & end.notna() & (end < start), "period_end", "period_end is before period_start")
    phase = _text(df["phase"]).map(normalise_phase)
    add(phase.isna(), "phase", "phase must be 'baseline' or 'follow-up'")
    indicator = _text(df["indicator"]).str.lower()
    known = indicator.isin(list(INDICATORS))
    add(~known, "indicator", "unknown indicator (expected one of " + ", ".join(INDICATORS) + ")")
    value = parse_values(df["value"])
    add(value.isna(), "value", "value is missing or not a number")
    add(value.notna() & ~np.isfinite(value.fillna(0)), "value", "value is not a finite number")
    add(value < 0, "value", "value is negative")
    carrier = _text(df["carrier"]).str.lower() if "carrier" in df.columns else pd.Series("", index=df.index)
    unit = _text(df["unit"])
    add(unit.eq(""), "unit", "unit is missing")
    energy_no_carrier = known & indicator.eq("energy") & carrier.eq("")
    add(energy_no_carrier, "carrier", "energy needs a carrier (electricity, natural_gas, diesel, ...)")
    check = known & unit.ne("") & ~energy_no_carrier
    if check.any():
        _, _, error = _factors(indicator[check], carrier[check].where(indicator[check].eq("energy"), ""),
                               unit[check])
        bad = error.ne("") & error.notna()
        is_carrier = error.str.startswith("Unknown energy carrier")
        add(bad & is_carrier, "carrier", error)
        add(bad & ~is_carrier, "unit", error)
    is_yield = indicator.eq("yield")
    if is_yield.any():
        f, _, _ = _factors(indicator[is_yield], pd.Series("", index=indicator[is_yield].index), unit[is_yield])
        fraction = value[is_yield] * f
        add(fraction > 1 + 1e-9, "value", "yield is over 100%")
    if not problems:
        return pd.DataFrame({"row": pd.Series(dtype=int), "column": pd.Series(dtype=str),
                             "reason": pd.Series(dtype=str)})
    out = pd.concat(problems, ignore_index=True)
    return out.sort_values(["row", "column"], kind="stable").reset_index(drop=True)


def to_canonical(df: pd.DataFrame) -> pd.DataFrame:
    """The table with ``value_canonical`` and ``unit_canonical`` added (and the text normalised).

    Energy in kWh, masses in kg, water in m3, yield as a fraction, production in pieces, kg or
    m2. Raises UnitError naming the first bad (indicator, carrier, unit) when a unit does not
    fit; call :func:`validate` first for a report of every problem.
    """
    out = df.copy()
    out["indicator"] = _text(out["indicator"]).str.lower()
    out["carrier"] = (_text(out["carrier"]).str.lower() if "carrier" in out.columns else "")
    out.loc[out["indicator"] != "energy", "carrier"] = out.loc[out["indicator"] != "energy", "carrier"]
    out["unit"] = _text(out["unit"])
    if "phase" in out.columns:
        out["phase"] = _text(out["phase"]).map(normalise_phase).fillna(out["phase"])
    out["value"] = parse_values(out["value"])
    energy_carrier = out["carrier"].where(out["indicator"].eq("energy"), "")
    f, cu, error = _factors(out["indicator"], energy_carrier, out["unit"])
    bad = error.ne("") & error.notna()
    if bad.any():
        first = out[bad].iloc[0]
        raise UnitError(f"{first['indicator']} in {first['unit']!r}: {error[bad].iloc[0]}")
    out["value_canonical"] = out["value"].to_numpy(dtype=float) * f.to_numpy(dtype=float)
    out["unit_canonical"] = cu.to_numpy()
    out.attrs["factor_set"] = FACTOR_SET_VERSION
    return out
