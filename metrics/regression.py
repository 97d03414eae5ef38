"""Regression baselines where the data allow (ISO 50006; DOE's VERIFI and SEP M&V), with statsmodels.

With at least :data:`MIN_MONTHS` monthly baseline periods holding both energy and production, fit
energy per day = a + b x production per day (+ c x degree days per day where a ``degree_days`` column is
given) by ordinary least squares (statsmodels OLS), check the model (R squared at least :data:`MIN_R2`, the
model's and every predictor's p-value under :data:`MAX_P`, every follow-up period's predictors within the
range the baseline's months span) and give the modelled savings of the follow-up periods, expected -
actual, with a 95 % uncertainty. Where the model is not valid the reason is stated and the enterprise's
figures fall back to intensity (metrics.normalise). The CUSUM (cumulative actual minus expected, period
by period) shows when a change took hold (RETScreen). METHODS.md, "Regression baselines".
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from metrics.frames import period_dates, to_canonical

MIN_MONTHS = 12
MIN_R2 = 0.5
MAX_P = 0.1
#: the two-sided 95 % normal quantile behind the savings' uncertainty
Z95 = 1.959963984540054
CUSUM_COLUMNS = ["period_start", "period_end", "phase", "actual_kwh", "expected_kwh", "difference_kwh", "cusum_kwh"]


@dataclass
class RegressionBaseline:
    """A fitted baseline model, or why there is none (``valid`` False, ``reason`` in words)."""

    valid: bool
    reason: str
    months: int = 0
    coefficients: dict = field(default_factory=dict)  # 'intercept', 'production', 'degree_days' (kWh a day per ...)
    p_values: dict = field(default_factory=dict)
    r_squared: float = float("nan")
    production_range: tuple = (float("nan"), float("nan"))
    production_unit: str = ""
    savings_kwh: float = float("nan")  # expected - actual over the follow-up periods
    savings_uncertainty_kwh: float = float("nan")  # half-width of the 95 % interval
    cusum: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CUSUM_COLUMNS))


def model_energy(coefficients: dict, production: float, degree_days: float = 0.0) -> float:
    """Modelled energy = a + b x production + c x degree days (VERIFI's regression formula)."""
    return (coefficients.get("intercept", 0.0) + coefficients.get("production", 0.0) * production
            + coefficients.get("degree_days", 0.0) * degree_days)


def is_month(start, end) -> bool:
    """True for a period of one calendar month (first to last day)."""
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    return a.day == 1 and (a.year, a.month) == (b.year, b.month) and (b + pd.Timedelta(days=1)).day == 1


def periods_table(df: pd.DataFrame) -> pd.DataFrame:
    """One enterprise's periods with energy (kWh, summed over carriers) and production (one kind of unit)
    and optional degree days: phase, period_start, period_end, days, energy, production, production_unit,
    degree_days, monthly."""
    if "value_canonical" not in df.columns:
        df = to_canonical(df)
    start, end = period_dates(df)
    d = df.assign(period_start=start, period_end=end)
    key = ["phase", "period_start", "period_end"]
    energy = d[d["indicator"].eq("energy")].groupby(key)["value_canonical"].sum().rename("energy")
    prod = d[d["indicator"].eq("production")]
    units = prod.groupby(key)["unit_canonical"].agg(lambda u: u.iloc[0] if u.nunique() == 1 else "mixed")
    production = prod.groupby(key)["value_canonical"].sum().rename("production")
    t = pd.concat([energy, production, units.rename("production_unit")], axis=1, join="inner").reset_index()
    if "degree_days" in d["indicator"].to_numpy():
        dd = d[d["indicator"].eq("degree_days")].groupby(key)["value_canonical"].sum().rename("degree_days")
        t = t.merge(dd.reset_index(), on=key, how="left")
    else:
        t["degree_days"] = np.nan
    t["days"] = (t["period_end"] - t["period_start"]).dt.days + 1
    t["monthly"] = [is_month(a, b) for a, b in zip(t["period_start"], t["period_end"], strict=True)]
    return t.sort_values(["period_end", "period_start"]).reset_index(drop=True)


def regression_baseline(df: pd.DataFrame) -> RegressionBaseline:
    """The regression baseline of one enterprise's figures (canonical or template rows), or why not."""
    t = periods_table(df)
    base = t[t["phase"].eq("baseline") & t["monthly"]]
    follow = t[t["phase"].eq("follow-up")]
    if len(base) < MIN_MONTHS:
        return RegressionBaseline(False, f"{len(base)} monthly baseline periods with energy and production; a "
                                         f"regression needs at least {MIN_MONTHS}", months=len(base))
    if base["production_unit"].nunique() != 1 or base["production_unit"].iloc[0] == "mixed":
        return RegressionBaseline(False, "production in more than one kind of unit", months=len(base))
    unit = str(base["production_unit"].iloc[0])
    names = ["production"] + (["degree_days"] if base["degree_days"].notna().all() else [])
    days = base["days"].to_numpy(float)
    x = np.column_stack([base[n].to_numpy(float) / days for n in names])
    y = base["energy"].to_numpy(float) / days
    fit = sm.OLS(y, sm.add_constant(x, has_constant="add")).fit()
    coefficients = dict(zip(["intercept", *names], map(float, fit.params), strict=True))
    p_values = dict(zip(["intercept", *names], map(float, fit.pvalues), strict=True))
    lo, hi = float(x[:, 0].min()), float(x[:, 0].max())
    out = RegressionBaseline(True, "", months=len(base), coefficients=coefficients, p_values=p_values,
                             r_squared=float(fit.rsquared), production_range=(lo, hi), production_unit=unit)
    problems = []
    if not fit.rsquared >= MIN_R2:
        problems.append(f"R squared {fit.rsquared:.2f} is under {MIN_R2}")
    if not fit.f_pvalue < MAX_P:
        problems.append(f"the model's p-value {fit.f_pvalue:.3f} is not under {MAX_P}")
    problems += [f"the p-value of {n.replace('_', ' ')} ({p_values[n]:.3f}) is not under {MAX_P}" for n in names
                 if not p_values[n] < MAX_P]
    usable = follow[follow["production_unit"].eq(unit)]
    if "degree_days" in names:
        usable = usable[usable["degree_days"].notna()]
    if follow.empty or usable.empty:
        problems.append("no follow-up period with energy and production (and degree days) to compare")
    else:
        rate = usable["production"].to_numpy(float) / usable["days"].to_numpy(float)
        if ((rate < lo) | (rate > hi)).any():
            problems.append("follow-up production per day outside the baseline's range "
                            f"({lo:,.4g}-{hi:,.4g} {unit} a day)")
    if problems:
        out.valid, out.reason = False, "; ".join(problems)
        return out
    everything = pd.concat([base, usable]).sort_values(["period_end", "period_start"])
    d = everything["days"].to_numpy(float)
    xs = np.column_stack([everything[n].to_numpy(float) / d for n in names])
    pred = fit.get_prediction(sm.add_constant(xs, has_constant="add")).summary_frame(alpha=0.05)
    expected = pred["mean"].to_numpy() * d
    actual = everything["energy"].to_numpy(float)
    cusum = pd.DataFrame({"period_start": everything["period_start"].to_numpy(),
                          "period_end": everything["period_end"].to_numpy(), "phase": everything["phase"].to_numpy(),
                          "actual_kwh": actual, "expected_kwh": expected, "difference_kwh": actual - expected})
    cusum["cusum_kwh"] = cusum["difference_kwh"].cumsum()
    is_fu = cusum["phase"].eq("follow-up").to_numpy()
    out.savings_kwh = float((expected - actual)[is_fu].sum())
    # the model's error in the expected sum (its periods' errors move together: summed) and each period's own
    # scatter (independent: in quadrature), per day x the period's days
    se_mean = float((pred["mean_se"].to_numpy() * d)[is_fu].sum())
    se_obs = float(np.sqrt(((np.sqrt(fit.scale) * d)[is_fu] ** 2).sum()))
    out.savings_uncertainty_kwh = Z95 * float(np.hypot(se_mean, se_obs))
    out.cusum = cusum[CUSUM_COLUMNS]
    return out
