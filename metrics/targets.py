"""Targets: a reduction of an indicator by a date, from the baseline, and whether an enterprise is on track.

A target is, per enterprise and indicator of :data:`TARGET_INDICATORS`, a ``reduction`` (a fraction, 0.30 for
30 %) of the absolute figure or of the figure per unit of production (``basis``), reached by ``target_date``,
counted from the baseline (METHODS.md, "Targets"):

* the **path** runs in a straight line from no reduction at the end of the baseline (``start``) to the full
  reduction at the target date; the reduction **expected by** a day is ``reduction x (day - start) /
  (target_date - start)``, between 0 and the reduction;
* the reduction **achieved** is ``1 - follow-up / baseline`` of the latest follow-up (per-day rates, as
  ``metrics.enterprise_changes``; per unit of production the production-adjusted baseline, so it is minus the
  intensity change of ``metrics.normalised_changes``);
* **on track**: achieved >= expected by the end of the latest follow-up; **met** when achieved >= the
  reduction (met counts as on track); otherwise **behind**;
* **still needed**: the follow-up rate minus the target level (baseline x (1 - reduction)), a year
  (x 365), and as a share of the follow-up rate (the further cut from today's level); 0 once met.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from metrics.i18n import _
from metrics.indicators import DAYS_PER_YEAR
from metrics.normalise import NORMALISED

#: the indicators a target can be set for (the extensive ones; lower is better)
TARGET_INDICATORS: tuple[str, ...] = tuple(NORMALISED)
#: what a target reduces: the absolute figure, or the figure per unit of production (ISO 50006)
TARGET_BASES: tuple[str, ...] = ("absolute", "per_production")
#: the columns of :func:`target_progress`
PROGRESS_COLUMNS = ["enterprise", "indicator", "basis", "reduction", "target_date", "start", "followup_end",
                    "unit", "baseline", "followup", "achieved", "expected", "status", "on_track",
                    "still_needed_per_year", "still_needed_share"]


def check_target(indicator: str, basis: str, reduction: float, target_date: dt.date) -> None:
    """ValueError with a plain message unless the target can be stored: a known indicator and basis, a
    reduction above 0 % and below 100 %, a date between the year 2000 and 2100."""
    if indicator not in TARGET_INDICATORS:
        raise ValueError(_("A target can be set for {indicators}; not for this indicator.").format(
            indicators=", ".join(TARGET_INDICATORS)))
    if basis not in TARGET_BASES:
        raise ValueError(_("A target reduces the absolute figure or the figure per unit of production."))
    try:
        r = float(reduction)
    except (TypeError, ValueError):
        raise ValueError(_("The reduction must be a number (per cent).")) from None
    if not np.isfinite(r) or not 0 < r < 1:
        raise ValueError(_("The reduction must be above 0 % and below 100 %."))
    if not isinstance(target_date, dt.date) or not dt.date(2000, 1, 1) <= target_date <= dt.date(2100, 12, 31):
        raise ValueError(_("The target date must be a date between 2000 and 2100."))


def expected_reduction(reduction, start, target_date, at) -> np.ndarray:
    """The reduction expected by day ``at`` on the straight path from 0 at ``start`` to ``reduction`` at
    ``target_date`` (scalars or arrays of dates); the whole reduction from the target date on."""
    r = np.asarray(reduction, dtype=float)
    s, t, a = (pd.to_datetime(pd.Series(np.atleast_1d(x))).to_numpy() for x in (start, target_date, at))
    span = (t - s) / np.timedelta64(1, "D")
    gone = (a - s) / np.timedelta64(1, "D")
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(span > 0, gone / span, 1.0)
    return r * np.clip(share, 0.0, 1.0)


def target_progress(targets: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Per target with a baseline and a follow-up, its progress (:data:`PROGRESS_COLUMNS`).

    ``targets``: enterprise, indicator, basis, reduction, target_date. ``rows``: the enterprises'
    ``metrics.enterprise_changes`` and ``metrics.normalised_changes`` rows (or enterprise_summary rows):
    enterprise, indicator, unit, baseline, followup, followup_end, and ``start`` (the last day of the
    enterprise's baseline). A target whose figure has no follow-up, a baseline of 0, or several rows
    (units) gets no row."""
    if targets.empty or rows.empty:
        return pd.DataFrame(columns=PROGRESS_COLUMNS)
    t = targets.copy()
    t["figure"] = np.where(t["basis"].astype(str) == "per_production",
                           t["indicator"].astype(str).map(NORMALISED), t["indicator"].astype(str))
    r = rows.assign(indicator=rows["indicator"].astype(str))
    r = r.dropna(subset=["baseline", "followup"])
    r = r[~r.duplicated(["enterprise", "indicator"], keep=False).to_numpy()]
    r = r[(r["baseline"].to_numpy(dtype=float) > 0)]
    m = t.merge(r[["enterprise", "indicator", "unit", "baseline", "followup", "followup_end", "start"]]
                .rename(columns={"indicator": "figure"}), on=["enterprise", "figure"], how="inner")
    if m.empty:
        return pd.DataFrame(columns=PROGRESS_COLUMNS)
    base, follow = m["baseline"].to_numpy(dtype=float), m["followup"].to_numpy(dtype=float)
    red = m["reduction"].to_numpy(dtype=float)
    m["achieved"] = 1 - follow / base
    m["expected"] = expected_reduction(red, m["start"], m["target_date"], m["followup_end"])
    met = m["achieved"].to_numpy() >= red - 1e-12
    on = m["achieved"].to_numpy() >= m["expected"].to_numpy() - 1e-12
    m["status"] = np.where(met, "met", np.where(on, "on track", "behind"))
    m["on_track"] = met | on
    needed = np.maximum(follow - base * (1 - red), 0.0)
    m["still_needed_per_year"] = needed * DAYS_PER_YEAR
    with np.errstate(divide="ignore", invalid="ignore"):
        m["still_needed_share"] = np.where(follow > 0, needed / follow, 0.0)
    return m[PROGRESS_COLUMNS].reset_index(drop=True)


def on_track_share(progress: pd.DataFrame) -> pd.DataFrame:
    """Per indicator: ``enterprises`` with a target and a follow-up, ``on_track`` (how many), ``share`` of them on
    track (a fraction). Each enterprise has one target per indicator, so each counts once."""
    if progress.empty:
        return pd.DataFrame({"indicator": pd.Series(dtype=str), "enterprises": pd.Series(dtype=int),
                             "on_track": pd.Series(dtype=float), "share": pd.Series(dtype=float)})
    g = progress.assign(ok=progress["on_track"].astype(float)).groupby("indicator", sort=True)
    out = pd.DataFrame({"enterprises": g["enterprise"].nunique(), "on_track": g["ok"].sum()}).reset_index()
    out["share"] = out["on_track"] / out["enterprises"]
    return out
