"""metrics.regression: a regression baseline by statsmodels OLS, checked against least squares worked by hand,
its validity checks, the modelled savings and the CUSUM (METHODS.md, "Regression baselines")."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

import metrics
from metrics import regression


def test_verifi_regression_example():
    # VERIFI: constant 1000, 0.5 per unit, 2.0 per degree day; 5,000 units and 200 degree days -> 3,900
    assert regression.model_energy({"intercept": 1000, "production": 0.5, "degree_days": 2.0}, 5000, 200) == 3900


def _months(year, n, first=1):
    out = []
    for i in range(n):
        a = pd.Timestamp(dt.date(year, first, 1)) + pd.DateOffset(months=i)
        out.append((a.date(), (a + pd.offsets.MonthEnd(0)).date()))
    return out


PROD = [50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160]  # pieces a day, one month each of 2023
NOISE = [1, -1] * 6


def _rows(base_prod=PROD, follow=((100, 0.9), (120, 0.9), (140, 0.9))):
    rows = []
    for (a, b), p, e in zip(_months(2023, len(base_prod)), base_prod, NOISE, strict=False):
        days = (b - a).days + 1
        rows += [("baseline", a, b, "energy", (100 + 2 * p + e) * days), ("baseline", a, b, "production", p * days)]
    for (a, b), (p, share) in zip(_months(2024, len(follow)), follow, strict=True):
        days = (b - a).days + 1
        rows += [("follow-up", a, b, "energy", (100 + 2 * p) * share * days),
                 ("follow-up", a, b, "production", p * days)]
    return pd.DataFrame([dict(enterprise="R", period_start=a, period_end=b, phase=ph, indicator=ind,
                              carrier="electricity" if ind == "energy" else "", value=v,
                              unit="kWh" if ind == "energy" else "piece") for ph, a, b, ind, v in rows])


def test_the_fit_is_least_squares_worked_by_hand():
    model = regression.regression_baseline(_rows())
    x, y = np.array(PROD, float), 100 + 2 * np.array(PROD, float) + np.array(NOISE, float)
    slope = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    intercept = y.mean() - slope * x.mean()
    r2 = 1 - ((y - intercept - slope * x) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert model.valid, model.reason
    assert model.coefficients["production"] == pytest.approx(slope)
    assert model.coefficients["intercept"] == pytest.approx(intercept)
    assert model.r_squared == pytest.approx(r2)
    assert model.months == 12 and model.production_range == (50, 160)


def test_modelled_savings_and_cusum():
    model = regression.regression_baseline(_rows())
    b, a = model.coefficients["production"], model.coefficients["intercept"]
    # follow-up Jan, Feb (leap year: 29 days), Mar 2024 at 90 % of 100 + 2 x production
    expected = [(a + b * p) * d for p, d in ((100, 31), (120, 29), (140, 31))]
    actual = [(100 + 2 * p) * 0.9 * d for p, d in ((100, 31), (120, 29), (140, 31))]
    assert model.savings_kwh == pytest.approx(sum(expected) - sum(actual))
    assert 0 < model.savings_uncertainty_kwh < model.savings_kwh
    fu = model.cusum[model.cusum["phase"].eq("follow-up")]
    assert fu["cusum_kwh"].iloc[-1] - model.cusum["cusum_kwh"].iloc[11] == pytest.approx(
        sum(actual) - sum(expected))
    # over the baseline: each month's residual per day x its days (the per-day residuals sum to 0)
    days = [(b_ - a_).days + 1 for a_, b_ in _months(2023, 12)]
    residuals = [(100 + 2 * p + e - a - b * p) * d for p, e, d in zip(PROD, NOISE, days, strict=True)]
    assert model.cusum["cusum_kwh"].iloc[11] == pytest.approx(sum(residuals))


def test_fewer_than_twelve_months_fall_back_with_a_reason():
    model = regression.regression_baseline(_rows(base_prod=PROD[:11]))
    assert not model.valid and model.reason.startswith("11 monthly baseline periods")


def test_follow_up_production_outside_the_baseline_range_is_not_valid():
    model = regression.regression_baseline(_rows(follow=((200, 0.9),)))
    assert not model.valid and "outside the baseline's range" in model.reason


def test_a_weak_model_is_not_valid():
    rows = _rows()
    flat = rows["indicator"].eq("energy") & rows["phase"].eq("baseline")
    rng = np.random.default_rng(3)
    rows.loc[flat, "value"] = 1000 * 30 + rng.normal(0, 3000, flat.sum())  # energy unrelated to production
    model = regression.regression_baseline(rows)
    assert not model.valid and "R squared" in model.reason


def test_the_savings_uncertainty_is_worked_by_hand():
    # ordinary least squares of the per-day energy on the per-day production, 12 months (n - 2 = 10 degrees
    # of freedom); each follow-up month's expected energy has the standard error of the line at its production
    # (s x sqrt(1/n + (x0 - mean)^2 / Sxx)) x its days, summed over the months; each month's own scatter, s x its
    # days, adds in quadrature; 95 % two-sided: z = 1.959964
    model = regression.regression_baseline(_rows())
    x, y = np.array(PROD, float), 100 + 2 * np.array(PROD, float) + np.array(NOISE, float)
    sxx = ((x - x.mean()) ** 2).sum()
    slope = ((x - x.mean()) * (y - y.mean())).sum() / sxx
    intercept = y.mean() - slope * x.mean()
    s = np.sqrt(((y - intercept - slope * x) ** 2).sum() / (len(x) - 2))
    follow = [(100, 31), (120, 29), (140, 31)]  # production a day and days of Jan, Feb (2024: 29), Mar
    se_line = sum(s * np.sqrt(1 / len(x) + (p - x.mean()) ** 2 / sxx) * d for p, d in follow)
    se_scatter = s * np.sqrt(sum(d ** 2 for _, d in follow))
    assert model.valid, model.reason
    assert model.savings_uncertainty_kwh == pytest.approx(1.959964 * np.sqrt(se_line ** 2 + se_scatter ** 2),
                                                          rel=1e-6)


def test_degree_days_enter_the_fit_as_a_second_variable_by_least_squares():
    # energy a day = 100 + 2 x production a day + 3 x degree days a day (+ noise): the fit is least squares on
    # both, solved here with the normal equations
    canonical = metrics.to_canonical(_rows())
    base = canonical[canonical["phase"].eq("baseline") & canonical["indicator"].eq("energy")]
    dd = [float(v) for v in (12, 3, 9, 1, 7, 14, 5, 11, 2, 8, 13, 6)]  # degree days a day, one month each
    days = [(b - a).days + 1 for a, b in _months(2023, 12)]
    energy = canonical["indicator"].eq("energy") & canonical["phase"].eq("baseline")
    canonical.loc[energy, "value_canonical"] = canonical.loc[energy, "value_canonical"].to_numpy() + np.array(
        [3 * d * n for d, n in zip(dd, days, strict=True)])
    degree = base.assign(indicator="degree_days", carrier="", unit="", unit_canonical="",
                         value=[d * n for d, n in zip(dd, days, strict=True)],
                         value_canonical=[d * n for d, n in zip(dd, days, strict=True)])
    model = regression.regression_baseline(pd.concat([canonical, degree], ignore_index=True))
    x = np.column_stack([np.ones(12), np.array(PROD, float), np.array(dd)])
    y = 100 + 2 * np.array(PROD, float) + np.array(NOISE, float) + 3 * np.array(dd)
    a, b, c = np.linalg.solve(x.T @ x, x.T @ y)
    assert set(model.coefficients) == {"intercept", "production", "degree_days"}
    assert (model.coefficients["intercept"], model.coefficients["production"], model.coefficients["degree_days"]) == (
        pytest.approx(a), pytest.approx(b), pytest.approx(c))
