"""The figures of one enterprise's report, by period: stages (yield, waste share) and impacts
(energy, emissions, intensities). Pure functions of its canonical measurements."""
from __future__ import annotations

import pandas as pd

from metrics.impacts import emissions_frame, intensity

STAGE_COLUMNS = ["stage", "phase", "period_start", "period_end", "yield_pct", "waste_share_pct"]
_PERIOD = ["phase", "period_start", "period_end"]


def report_stages(df: pd.DataFrame) -> pd.DataFrame:
    """One row per period, in time order, labelled Baseline (Baseline 2...) and Follow-up 1, 2...:
    yield and waste share in percent where known (the share of material wasted in material
    input, else 100 - yield)."""
    if df.empty:
        return pd.DataFrame(columns=STAGE_COLUMNS)
    periods = (df[_PERIOD].drop_duplicates().sort_values(["period_end", "period_start"]).reset_index(drop=True))
    labels, n_fu, n_base = [], 0, 0
    for p in periods.itertuples():
        if p.phase == "baseline":
            n_base += 1
            labels.append("Baseline" if n_base == 1 else f"Baseline {n_base}")
        else:
            n_fu += 1
            labels.append(f"Follow-up {n_fu}")
    periods["stage"] = labels

    def pick(indicator: str) -> pd.Series:
        sub = df[df["indicator"] == indicator].groupby(_PERIOD)["value_canonical"].sum()
        return periods.set_index(_PERIOD).index.map(lambda k: sub.get(k, float("nan")))

    y = pd.Series(pick("yield"), dtype=float) * 100
    wasted = pd.Series(pick("material_wasted"), dtype=float)
    inp = pd.Series(pick("material_input"), dtype=float)
    share = (wasted / inp * 100).where(inp > 0)
    share = share.fillna(100 - y)
    periods["yield_pct"] = y.values
    periods["waste_share_pct"] = share.values
    return periods[STAGE_COLUMNS]


def report_impacts(df: pd.DataFrame, stages: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per period of ``stages``: energy (kWh), emissions (kg CO2e, biogenic CO2 as a memo) and
    intensities per unit of production (one column per production unit); and the emission
    factors used, with their sources (``attrs['factor_set']`` names the set)."""
    if df.empty or stages.empty:
        return pd.DataFrame(), pd.DataFrame()
    out = stages[["stage"] + _PERIOD].copy()
    em = emissions_frame(df)
    if not em.empty:
        sums = em.groupby(_PERIOD)[["value_canonical", "kg_co2e", "biogenic_kg_co2"]].sum()
        sums.columns = ["energy_kwh", "kg_co2e", "biogenic_kg_co2_memo"]
        out = out.merge(sums.reset_index(), on=_PERIOD, how="left")
    for indicator in ("energy", "waste", "material_wasted", "water"):
        inten = intensity(df, indicator)
        for unit, part in inten.groupby("unit", sort=False):  # production in pieces and in kg: two columns
            col = f"{indicator} per {unit.split(' per ')[-1]}"
            out = out.merge(part[_PERIOD + ["intensity"]].rename(columns={"intensity": col}), on=_PERIOD, how="left")
    factors = (em[["carrier", "factor_kg_per_kwh", "factor_source"]].drop_duplicates().reset_index(drop=True)
               if not em.empty else pd.DataFrame())
    if not factors.empty:
        factors.attrs["factor_set"] = em.attrs.get("factor_set", "")
    return out, factors


def periods_differ(df: pd.DataFrame) -> bool:
    """True when the periods of ``df`` are not all of one length (figures are then compared as
    per-day rates)."""
    if df.empty:
        return False
    return (df["period_end"] - df["period_start"]).dt.days.add(1).nunique() > 1
