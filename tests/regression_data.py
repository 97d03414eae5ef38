"""Enterprises with twelve monthly baseline periods for the regression tests (integration and browser), and the
modelled savings worked out with numpy alone (least squares, its covariance and the prediction errors by their
textbook formulas), never with the app's own code."""
import datetime as dt

import numpy as np
import pandas as pd

import metrics
from tracker import auth, measurements

PROD = [50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160]  # pieces a day, each month of 2023
NOISE = [1, -1, 2, -2, 1, -1, 0.5, -0.5, 1.5, -1.5, 1, -1]
HDD = [14, 12, 9, 5, 2, 0.5, 0, 0.2, 1.5, 5, 9, 13]  # heating degree days a day
FOLLOW = [100, 120, 140]  # pieces a day, January-March 2024
HDD_FOLLOW = [13, 11, 8]
#: name, sector, intercept, slope, kWh per heating degree day (0: none entered), share of the line in the follow-up
ENTERPRISES = [("Monthly meter SME A", "Metal products", 100, 2.0, 0, 0.9),
               ("Monthly meter SME B", "Metal products", 300, 1.5, 0, 0.85),
               ("Monthly meter SME C", "Metal products", 50, 3.0, 0, 0.95),
               ("Weather SME", "Textiles", 200, 2.5, 4.0, 0.8)]
Z95 = 1.959963984540054


def months(year, n):
    out = []
    for i in range(n):
        a = dt.date(year, 1 + i, 1)
        out.append((a, (pd.Timestamp(a) + pd.offsets.MonthEnd(0)).date()))
    return out


def series(intercept, slope, per_hdd, share):
    """(baseline, follow-up): per period (start, end, days, pieces a day, degree days a day, kWh a day)."""
    base = [(a, b, (b - a).days + 1, p, h, intercept + slope * p + per_hdd * h + e)
            for (a, b), p, h, e in zip(months(2023, 12), PROD, HDD, NOISE, strict=True)]
    follow = [(a, b, (b - a).days + 1, p, h, (intercept + slope * p + per_hdd * h) * share)
              for (a, b), p, h in zip(months(2024, 3), FOLLOW, HDD_FOLLOW, strict=True)]
    return base, follow


def rows(skip_hdd=()):
    """Template rows of the four enterprises; the weather SME's heating degree days but for the months in
    ``skip_hdd`` (dates of their first day)."""
    out = []
    for name, sector, a0, b0, c0, share in ENTERPRISES:
        base, follow = series(a0, b0, c0, share)
        for phase, periods in (("baseline", base), ("follow-up", follow)):
            for a, b, d, p, h, e in periods:
                common = dict(enterprise=name, country="IN", sector=sector, period_start=a, period_end=b,
                              phase=phase, note="")
                out += [dict(common, indicator="energy", carrier="electricity", value=e * d, unit="kWh"),
                        dict(common, indicator="production", carrier="", value=p * d, unit="piece")]
                if c0 and a not in skip_hdd:
                    out.append(dict(common, indicator="degree_days", carrier="heating", value=h * d,
                                    unit="degree_day"))
    return pd.DataFrame(out)


def add(engine, skip_hdd=()):
    """Store the four enterprises (a demo_database ``extra``)."""
    measurements.save_measurements(engine, auth.system_user("regression-test"), metrics.parse(rows(skip_hdd)),
                                   create_enterprises=True)


def by_hand(intercept, slope, per_hdd, share, with_hdd=None):
    """(coefficients, savings a year in MWh, 95 % half-width a year in MWh) of one enterprise, by numpy: least
    squares on per-day rates, s^2 = residuals^2 / (n - k), the mean's standard error sqrt(x' s^2 (X'X)^-1 x)."""
    with_hdd = bool(per_hdd) if with_hdd is None else with_hdd
    base, follow = series(intercept, slope, per_hdd, share)

    def design(periods):
        return np.array([[1, p, h][:3 if with_hdd else 2] for _, _, _, p, h, _ in periods], float)
    x, y = design(base), np.array([e for *_, e in base])
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    s2 = ((y - x @ beta) ** 2).sum() / (len(y) - x.shape[1])
    cov = s2 * np.linalg.inv(x.T @ x)
    xf, d = design(follow), np.array([p[2] for p in follow], float)
    actual = np.array([e for *_, e in follow]) * d
    expected = xf @ beta * d
    se_mean = (np.sqrt(np.einsum("ij,jk,ik->i", xf, cov, xf)) * d).sum()
    se_obs = np.sqrt(((np.sqrt(s2) * d) ** 2).sum())
    scale = 365 / d.sum() / 1000
    return beta, (expected - actual).sum() * scale, Z95 * np.hypot(se_mean, se_obs) * scale
