"""Regression baselines where the data allow (ISO 50006; DOE's VERIFI and SEP M&V), with statsmodels.

With at least :data:`MIN_MONTHS` monthly baseline periods holding both energy and production, fit
energy per day = a + b x production per day (+ c x heating and d x cooling degree days per day) by
ordinary least squares (statsmodels OLS), check the model (R squared at least :data:`MIN_R2`, the
model's and every predictor's p-value under :data:`MAX_P`, every follow-up period's predictors within the
range the baseline's months span) and give the modelled savings of the follow-up periods, expected -
actual, with a 95 % uncertainty. Where the model is not valid the reason is stated and the enterprise's
figures fall back to intensity (metrics.normalise). The CUSUM (cumulative actual minus expected, period
by period) shows when a change took hold (RETScreen). Degree days (heating and cooling, entered per period as
the carrier of a ``degree_days`` figure) are predictors where they are entered for every month compared and
their p-value is under :data:`MAX_P`; otherwise the model is fitted without them and ``notes`` says why.
METHODS.md, "Regression baselines".
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from metrics.frames import period_dates, to_canonical
from metrics.i18n import N_, _, ngettext
from metrics.indicators import DAYS_PER_YEAR

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
    #: 'intercept', 'production' and, where entered, 'heating_degree_days', 'cooling_degree_days' (kWh a day per ...)
    coefficients: dict = field(default_factory=dict)
    p_values: dict = field(default_factory=dict)
    r_squared: float = float("nan")
    production_range: tuple = (float("nan"), float("nan"))
    production_unit: str = ""
    savings_kwh: float = float("nan")  # expected - actual over the follow-up periods
    savings_uncertainty_kwh: float = float("nan")  # half-width of the 95 % interval
    cusum: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CUSUM_COLUMNS))
    #: what the model left out and why (degree days entered for some baseline months only)
    notes: list = field(default_factory=list)
    #: the follow-up periods' days (the savings a year are savings_kwh x 365 / followup_days)
    followup_days: int = 0


#: the degree-day predictors (the carrier of a ``degree_days`` figure) and their names in a model
DEGREE_DAYS = {"heating": "heating_degree_days", "cooling": "cooling_degree_days"}


def model_energy(coefficients: dict, production: float, heating: float = 0.0, cooling: float = 0.0) -> float:
    """Modelled energy = a + b x production + c x heating degree days + d x cooling degree days (VERIFI's
    regression formula, one coefficient per predictor)."""
    return (coefficients.get("intercept", 0.0) + coefficients.get("production", 0.0) * production
            + coefficients.get("heating_degree_days", 0.0) * heating
            + coefficients.get("cooling_degree_days", 0.0) * cooling)


def is_month(start, end) -> bool:
    """True for a period of one calendar month (first to last day)."""
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    return a.day == 1 and (a.year, a.month) == (b.year, b.month) and (b + pd.Timedelta(days=1)).day == 1


def periods_table(df: pd.DataFrame) -> pd.DataFrame:
    """One enterprise's periods with energy (kWh, summed over carriers) and production (one kind of unit)
    and optional degree days: phase, period_start, period_end, days, energy, production, production_unit,
    heating_degree_days, cooling_degree_days (NaN where not entered), monthly."""
    if "value_canonical" not in df.columns:
        df = to_canonical(df)
    start, end = period_dates(df)
    d = df.assign(period_start=start, period_end=end)
    key = ["phase", "period_start", "period_end"]
    energy = d[d["indicator"].eq("energy")].groupby(key)["value_canonical"].sum().rename("energy")
    prod = d[d["indicator"].eq("production")]
    by_period = prod.groupby(key)["unit_canonical"]  # one kind of unit in a period, else 'mixed'
    units = by_period.first(skipna=False).astype(object).where(by_period.nunique().eq(1), "mixed")  # not a category
    production = prod.groupby(key)["value_canonical"].sum().rename("production")
    t = pd.concat([energy, production, units.rename("production_unit")], axis=1, join="inner").reset_index()
    dd = d[d["indicator"].eq("degree_days").to_numpy()]
    for kind, name in DEGREE_DAYS.items():
        mine = dd[dd["carrier"].eq(kind).to_numpy()]
        if len(mine):
            t = t.merge(mine.groupby(key)["value_canonical"].sum().rename(name).reset_index(), on=key, how="left")
        else:
            t[name] = np.nan
    t["days"] = (t["period_end"] - t["period_start"]).dt.days + 1
    a, b = t["period_start"].dt, t["period_end"].dt  # is_month of every period at once
    t["monthly"] = (a.day.eq(1) & a.year.eq(b.year) & a.month.eq(b.month)
                    & (t["period_end"] + pd.Timedelta(days=1)).dt.day.eq(1)).to_numpy(dtype=bool)
    return t.sort_values(["period_end", "period_start"]).reset_index(drop=True)


#: the model's terms in words, for its reasons and notes
_TERMS = {"production": N_("production"), "heating_degree_days": N_("heating degree days"),
          "cooling_degree_days": N_("cooling degree days")}


def _term(name: str) -> str:
    """A term of the model in words ('heating degree days' for ``heating_degree_days``), in the run's language."""
    return _(_TERMS[name]) if name in _TERMS else name.replace("_", " ")


def regression_baseline(df: pd.DataFrame) -> RegressionBaseline:
    """The regression baseline of one enterprise's figures (canonical or template rows), or why not."""
    t = periods_table(df)
    base = t[t["phase"].eq("baseline") & t["monthly"]]
    follow = t[t["phase"].eq("follow-up")]
    if len(base) < MIN_MONTHS:
        why = ngettext("{n} monthly baseline period with energy and production; a regression needs at least {least}",
                       "{n} monthly baseline periods with energy and production; a regression needs at least {least}",
                       len(base)).format(n=len(base), least=MIN_MONTHS)
        return RegressionBaseline(False, why, months=len(base))
    if base["production_unit"].nunique() != 1 or base["production_unit"].iloc[0] == "mixed":
        return RegressionBaseline(False, _("production in more than one kind of unit"), months=len(base))
    unit = str(base["production_unit"].iloc[0])
    usable = follow[follow["production_unit"].eq(unit).to_numpy()]
    names, notes = ["production"], []
    for name in DEGREE_DAYS.values():  # a degree-day predictor where it is entered for every month compared
        words = _term(name)
        entered, fu_entered = int(base[name].notna().sum()), int(usable[name].notna().sum())
        if entered == len(base) and fu_entered == len(usable):
            names.append(name)
        elif entered or fu_entered:
            notes.append(_("{term} entered for {entered} of the {months} baseline months and {followup_entered} of the "
                           "{followups} follow-up periods: fitted without them").format(
                term=words, entered=entered, months=len(base), followup_entered=fu_entered, followups=len(usable)))
    days = base["days"].to_numpy(float)
    y = base["energy"].to_numpy(float) / days

    def fitted(names):
        x = np.column_stack([base[n].to_numpy(float) / days for n in names])
        return x, sm.OLS(y, sm.add_constant(x, has_constant="add")).fit()

    x, fit = fitted(names)
    weak = [n for n, p in zip(names[1:], fit.pvalues[2:], strict=True) if not p < MAX_P]
    if weak:  # a degree-day term that explains nothing is left out (VERIFI keeps predictors that pass)
        notes += [_("the p-value of {term} ({p}) is not under {most}: fitted without them").format(
                      term=_term(n), p=f"{p:.3f}", most=MAX_P)
                  for n, p in zip(names[1:], fit.pvalues[2:], strict=True) if n in weak]
        names = [n for n in names if n not in weak]
        x, fit = fitted(names)
    coefficients = dict(zip(["intercept", *names], map(float, fit.params), strict=True))
    p_values = dict(zip(["intercept", *names], map(float, fit.pvalues), strict=True))
    lo, hi = float(x[:, 0].min()), float(x[:, 0].max())
    out = RegressionBaseline(True, "", months=len(base), coefficients=coefficients, p_values=p_values,
                             r_squared=float(fit.rsquared), production_range=(lo, hi), production_unit=unit,
                             notes=notes)
    problems = []
    if not fit.rsquared >= MIN_R2:
        problems.append(_("R squared {r2} is under {least}").format(r2=f"{fit.rsquared:.2f}", least=MIN_R2))
    if not fit.f_pvalue < MAX_P:
        problems.append(_("the model's p-value {p} is not under {most}").format(p=f"{fit.f_pvalue:.3f}", most=MAX_P))
    problems += [_("the p-value of {term} ({p}) is not under {most}").format(term=_term(n), p=f"{p_values[n]:.3f}",
                                                                             most=MAX_P)
                 for n in names if not p_values[n] < MAX_P]
    if usable.empty:
        problems.append(_("no follow-up period with energy and production to compare"))
    else:
        for i, name in enumerate(names):  # every predictor within the range the baseline's months span
            rate = usable[name].to_numpy(float) / usable["days"].to_numpy(float)
            low, high = float(x[:, i].min()), float(x[:, i].max())
            if ((rate < low) | (rate > high)).any():
                what = unit if name == "production" else _("degree days")
                problems.append(_("follow-up {term} per day outside the baseline's range ({low}-{high} {unit} a "
                                  "day)").format(term=_term(name), low=f"{low:,.4g}", high=f"{high:,.4g}", unit=what))
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
    out.followup_days = int(d[is_fu].sum())
    # the model's error in the expected sum (its periods' errors move together: summed) and each period's own
    # scatter (independent: in quadrature), per day x the period's days
    se_mean = float((pred["mean_se"].to_numpy() * d)[is_fu].sum())
    se_obs = float(np.sqrt(((np.sqrt(fit.scale) * d)[is_fu] ** 2).sum()))
    out.savings_uncertainty_kwh = Z95 * float(np.hypot(se_mean, se_obs))
    out.cusum = cusum[CUSUM_COLUMNS]
    return out


#: the summary's row of an enterprise with a valid regression baseline (tracker.summary): expected and actual
#: energy a day over its follow-up, and the savings' 95 % half-width a day
REGRESSION_ROW = "energy_regression"
REGRESSION_ROW_COLUMNS = ["enterprise", "baseline", "followup", "savings_uncertainty", "baseline_days",
                          "followup_days", "followup_end"]


def regression_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Per enterprise of ``df`` (canonical rows of any number of enterprises) whose regression baseline is valid:
    ``baseline`` the expected energy a day over its follow-up periods (kWh), ``followup`` the actual, and
    ``savings_uncertainty`` the 95 % half-width of the savings a day, so that (baseline - followup) x 365 is the
    modelled savings a year. Only enterprises with at least :data:`MIN_MONTHS` monthly baseline periods of energy
    are fitted (found without a fit)."""
    if df.empty:
        return pd.DataFrame(columns=REGRESSION_ROW_COLUMNS)
    start, end = period_dates(df)
    energy = (df["indicator"].eq("energy") & df["phase"].eq("baseline")).to_numpy()
    monthly = (start.dt.day.eq(1) & (end + pd.Timedelta(days=1)).dt.day.eq(1)
               & start.dt.to_period("M").eq(end.dt.to_period("M"))).to_numpy()
    months = (pd.DataFrame({"enterprise": df["enterprise"].to_numpy()[energy & monthly],
                            "start": start.to_numpy()[energy & monthly]})
              .drop_duplicates().groupby("enterprise", sort=False).size())
    out = []
    for enterprise in months.index[months.to_numpy() >= MIN_MONTHS]:
        model = regression_baseline(df[df["enterprise"].eq(enterprise).to_numpy()])
        if not model.valid or not model.followup_days:
            continue
        c, days = model.cusum, model.followup_days
        fu = c[c["phase"].eq("follow-up").to_numpy()]
        base = c[c["phase"].eq("baseline").to_numpy()]
        base_days = int(((pd.to_datetime(base["period_end"]) - pd.to_datetime(base["period_start"])).dt.days + 1).sum())
        out.append(dict(enterprise=enterprise, baseline=float(fu["expected_kwh"].sum()) / days,
                        followup=float(fu["actual_kwh"].sum()) / days,
                        savings_uncertainty=model.savings_uncertainty_kwh / days, baseline_days=base_days,
                        followup_days=days, followup_end=pd.to_datetime(fu["period_end"]).max()))
    return pd.DataFrame(out, columns=REGRESSION_ROW_COLUMNS)


def regression_savings(rows: pd.DataFrame) -> dict:
    """Over the enterprises of ``rows`` (:func:`regression_rows`, or the summary's rows of them): ``enterprises``,
    the modelled savings a year summed (``savings_mwh_per_year``: (expected - actual) a day x 365 / 1000), the
    expected energy a year (``expected_mwh_per_year``) and the 95 % half-width of the sum
    (``uncertainty_mwh_per_year``: the square root of the sum of each enterprise's squared half-width, their
    errors being independent)."""
    scale = DAYS_PER_YEAR / 1000
    b, f = rows["baseline"].to_numpy(float), rows["followup"].to_numpy(float)
    u = rows["savings_uncertainty"].to_numpy(float)
    return {"enterprises": len(rows), "expected_mwh_per_year": float(b.sum() * scale),
            "savings_mwh_per_year": float((b - f).sum() * scale),
            "uncertainty_mwh_per_year": float(np.sqrt(((u * scale) ** 2).sum()))}
