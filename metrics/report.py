"""The figures of one enterprise's report, by period: stages (yield, waste share) and impacts
(energy, emissions, intensities). Pure functions of its canonical measurements."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from metrics.aggregate import CHANGE_COLUMNS, enterprise_changes
from metrics.i18n import _
from metrics.impacts import emissions_frame, intensities
from metrics.indicators import INDICATORS
from metrics.materials import combined_yield, diversion, mass_balance
from metrics.periods import series_periods, series_rows

REPORT_CHANGE_COLUMNS = CHANGE_COLUMNS + ["shown_unit", "shown_baseline", "shown_followup", "absolute_change",
                                          "baseline_from", "baseline_to", "followup_from", "followup_to",
                                          "followup_periods"]
STAGE_COLUMNS = ["stage", "phase", "period_start", "period_end", "yield_pct", "waste_share_pct"]
_PERIOD = ["phase", "period_start", "period_end"]
_INTENSITIES = ("energy", "waste", "material_wasted", "water")


def report_stages(df: pd.DataFrame) -> pd.DataFrame:
    """One row per period, in time order, labelled Baseline (Baseline 2...) and Follow-up 1, 2...:
    yield (the period's yield rows combined by material input, else their mean) and waste share in
    percent where known (the share of material wasted in material input, else 100 - yield)."""
    if df.empty:
        return pd.DataFrame(columns=STAGE_COLUMNS)
    periods = (df[_PERIOD].drop_duplicates().sort_values(["period_end", "period_start"]).reset_index(drop=True))
    baseline = periods["phase"].eq("baseline").to_numpy()
    n_base, n_fu = np.cumsum(baseline), np.cumsum(~baseline)
    periods["stage"] = [(_("Baseline") if b == 1 else _("Baseline {n}").format(n=b)) if is_base
                        else _("Follow-up {n}").format(n=f)
                        for is_base, b, f in zip(baseline, n_base, n_fu, strict=True)]
    index = pd.MultiIndex.from_frame(periods[_PERIOD])
    indicator = df["indicator"].to_numpy()

    def pick(name: str, how: str) -> pd.Series:
        sub = df[indicator == name].groupby(_PERIOD)["value_canonical"].agg(how)
        return pd.Series(sub.reindex(index).to_numpy(dtype=float))

    # yield is a ratio: two yield rows of one period (two materials) are combined by their material
    # input where each has one (metrics.combined_yield), else their mean; never summed
    y = pick("yield", "mean") * 100
    combined = combined_yield(df)
    if not combined.empty:
        weighted = combined.set_index(_PERIOD)["yield"].reindex(index).to_numpy(dtype=float)
        y = pd.Series(weighted).mul(100).where(lambda v: v.notna(), y)
    wasted = pick("material_wasted", "sum")
    inp = pick("material_input", "sum")
    share = (wasted / inp * 100).where(inp > 0)
    share = share.fillna(100 - y)
    periods["yield_pct"] = y.values
    periods["waste_share_pct"] = share.values
    return periods[STAGE_COLUMNS]


MATERIAL_COLUMNS = ["stage", "period_start", "period_end", "mass_balance_yield_pct", "loss_per_good",
                    "diversion_rate_pct"]


def report_materials(df: pd.DataFrame, stages: pd.DataFrame, per_period: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per period of ``stages`` (ISO 14051): the yield from the mass balance (good output in kg /
    material input, in %), the material lost per kg of good product, and the diversion rate of
    waste (recycled, sold, composted / all waste, in %). Empty when no period has any of them.
    ``per_period``: ``diversion(df)`` where the caller has it already."""
    if df.empty or stages.empty:
        return pd.DataFrame(columns=MATERIAL_COLUMNS)
    keys = ["phase", "period_start", "period_end"]
    out = stages[["stage"] + keys].copy()
    mb, dv = mass_balance(df), diversion(df) if per_period is None else per_period
    out = out.merge(mb[keys + ["yield", "loss_per_good"]], on=keys, how="left")
    out = out.merge(dv[keys + ["diversion_rate"]], on=keys, how="left")
    out["mass_balance_yield_pct"] = out["yield"] * 100
    out["diversion_rate_pct"] = out["diversion_rate"] * 100
    out = out[MATERIAL_COLUMNS]
    if out[MATERIAL_COLUMNS[3:]].isna().all().all():
        return pd.DataFrame(columns=MATERIAL_COLUMNS)
    return out


def report_impacts(df: pd.DataFrame, stages: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per period of ``stages``: energy (kWh), emissions by scope (``scope1_kg_co2e`` fuels,
    ``scope2_kg_co2e`` grid electricity, ``kg_co2e`` their total; biogenic CO2 as a memo) and
    intensities per unit of production (one column per production unit); and the emission
    factors used, with their scope and sources (``attrs['factor_set']`` and ``attrs['gwp']``
    name the sets)."""
    if df.empty or stages.empty:
        return pd.DataFrame(), pd.DataFrame()
    out = stages[["stage"] + _PERIOD].copy()
    em = emissions_frame(df)
    if not em.empty:
        cols = ["value_canonical", "scope1_kg_co2e", "scope2_kg_co2e", "kg_co2e", "biogenic_kg_co2"]
        grouped = em.groupby(_PERIOD)[cols]
        # a figure without a factor leaves its scope and the total of its period missing, never 0
        sums = grouped.sum().where(grouped.count().eq(grouped.size(), axis=0))
        sums.columns = ["energy_kwh", "scope1_kg_co2e", "scope2_kg_co2e", "kg_co2e", "biogenic_kg_co2_memo"]
        out = out.merge(sums.reset_index(), on=_PERIOD, how="left")
    inten = intensities(df, list(_INTENSITIES))
    if not inten.empty:  # production in pieces and in kg: two columns
        inten = inten.assign(column=inten["indicator"] + " per " + inten["unit"].str.split(" per ").str[-1])
        wide = inten.pivot_table(index=_PERIOD, columns="column", values="intensity", aggfunc="first", sort=False,
                                 dropna=False)
        order = sorted(wide.columns, key=lambda c: (_INTENSITIES.index(c.split(" per ")[0]),
                                                    list(inten["column"].unique()).index(c)))
        out = out.merge(wide[order].reset_index(), on=_PERIOD, how="left")
    factors = (em[["carrier", "scope", "factor_kg_per_kwh", "factor_source"]].drop_duplicates().reset_index(drop=True)
               if not em.empty else pd.DataFrame())
    if not factors.empty:
        factors.attrs["factor_set"] = em.attrs.get("factor_set", "")
        factors.attrs["gwp"] = em.attrs.get("gwp", "")
    return out, factors


def periods_differ(df: pd.DataFrame) -> bool:
    """True when the periods of ``df`` are not all of one length (figures are then compared as
    per-day rates)."""
    if df.empty:
        return False
    return (df["period_end"] - df["period_start"]).dt.days.add(1).nunique() > 1


def report_changes(df: pd.DataFrame, periods: pd.DataFrame | None = None,
                   changes: pd.DataFrame | None = None) -> pd.DataFrame:
    """``enterprise_changes`` of ``df`` with what a report shows beside each row: the figures in
    the unit people read (``shown_unit``: '%' for yield, else the canonical unit 'per day';
    ``shown_baseline``, ``shown_followup`` and ``absolute_change`` = follow-up - baseline in it)
    and where they come from, over the row's series (carriers): ``baseline_from`` (first start of
    a baseline period), ``baseline_to`` (last end), ``followup_from`` and ``followup_to`` (the span
    of the latest follow-up periods used) and ``followup_periods``, how many distinct periods
    those are (over 1: the carriers' latest figures come from different periods). ``periods``:
    ``series_periods(df)`` and ``changes``: ``enterprise_changes(df)``, where the caller has them already
    (:func:`compared` makes all three once)."""
    changes = enterprise_changes(df) if changes is None else changes
    if changes.empty:
        return pd.DataFrame(columns=REPORT_CHANGE_COLUMNS)
    ratio = changes["indicator"].map(lambda i: i in INDICATORS and INDICATORS[i].kind == "ratio").to_numpy(bool)
    scale = np.where(ratio, 100.0, 1.0)
    out = changes.assign(
        shown_unit=np.where(ratio, "%", changes["unit"].astype(str) + " per day"),
        shown_baseline=changes["baseline"].to_numpy(dtype=float) * scale,
        shown_followup=changes["followup"].to_numpy(dtype=float) * scale)
    out["absolute_change"] = out["shown_followup"] - out["shown_baseline"]
    periods = series_periods(df, series_rows(df, changes)) if periods is None else periods
    keys = ["enterprise", "indicator", "unit"]
    fu = periods.dropna(subset=["followup_from"]).drop_duplicates(keys + ["followup_from", "followup_to"])
    spans = (periods.groupby(keys, sort=False)
             .agg(baseline_from=("baseline_from", "min"), baseline_to=("baseline_to", "max"),
                  followup_from=("followup_from", "min"), followup_to=("followup_to", "max"))
             .join(fu.groupby(keys, sort=False).size().rename("followup_periods")))
    out = out.join(spans, on=keys)
    out["followup_periods"] = out["followup_periods"].fillna(0).astype(int)
    out.attrs = changes.attrs
    return out[REPORT_CHANGE_COLUMNS]


class Compared(NamedTuple):
    """What a report shows of one frame's comparison: :func:`metrics.series_rows`, :func:`metrics.series_periods`
    and :func:`report_changes`."""

    rows: pd.DataFrame
    periods: pd.DataFrame
    changes: pd.DataFrame


def compared(df: pd.DataFrame) -> Compared:
    """The series rows, the periods and the report's changes of ``df``, with ``enterprise_changes(df)``
    computed once for all three (each would otherwise compute it again)."""
    changes = enterprise_changes(df)
    rows = series_rows(df, changes)
    periods = series_periods(df, rows)
    return Compared(rows, periods, report_changes(df, periods, changes))
