"""metrics.regression: a regression baseline by statsmodels OLS, checked against least squares worked by hand,
its validity checks, the modelled savings and the CUSUM (METHODS.md, "Regression baselines")."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from metrics import regression


def test_verifi_regression_example():
    # VERIFI: constant 1000, 0.5 per unit, 2.0 per degree day; 5,000 units and 200 degree days -> 3,900
    assert regression.model_energy({"intercept": 1000, "production": 0.5, "heating_degree_days": 2.0}, 5000,
                                   200) == 3900
    # and a cooling term of 1.5 per cooling degree day: 50 more -> 3,975
    assert regression.model_energy({"intercept": 1000, "production": 0.5, "heating_degree_days": 2.0,
                                    "cooling_degree_days": 1.5}, 5000, 200, 50) == 3975


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


# --- degree days --------------------------------------------------------------------------------------------
# heating degree days a day of each baseline month of 2023 (a winter-summer-winter year) and of the follow-up
HDD = [14, 12, 9, 5, 2, 0.5, 0, 0.2, 1.5, 5, 9, 13]
HDD_FOLLOW = [13, 11, 8]


def _rows_with(hdd=HDD, hdd_follow=HDD_FOLLOW, energy=lambda p, h: 100 + 2 * p + 3 * h, share=0.9, hidden=()):
    """Twelve monthly baseline periods (PROD pieces a day; energy a day from ``energy`` + NOISE) and three
    monthly follow-ups at ``share`` of the line, with their heating degree days entered but for the months
    ``hidden`` (0-11 the baseline's, 12-14 the follow-up's)."""
    rows = []
    for i, ((a, b), p, e, h) in enumerate(zip(_months(2023, 12), PROD, NOISE, hdd, strict=True)):
        days = (b - a).days + 1
        rows += [("baseline", a, b, "energy", "electricity", (energy(p, h) + e) * days, "kWh"),
                 ("baseline", a, b, "production", "", p * days, "piece")]
        if i not in hidden:
            rows.append(("baseline", a, b, "degree_days", "heating", h * days, "degree_day"))
    for i, ((a, b), p, h) in enumerate(zip(_months(2024, 3), (100, 120, 140), hdd_follow, strict=True), start=12):
        days = (b - a).days + 1
        rows += [("follow-up", a, b, "energy", "electricity", energy(p, h) * share * days, "kWh"),
                 ("follow-up", a, b, "production", "", p * days, "piece")]
        if i not in hidden:
            rows.append(("follow-up", a, b, "degree_days", "heating", h * days, "degree_day"))
    return pd.DataFrame([dict(enterprise="R", period_start=a, period_end=b, phase=ph, indicator=ind, carrier=c,
                              value=v, unit=u) for ph, a, b, ind, c, v, u in rows])


def test_heating_degree_days_are_fitted_as_numpy_least_squares_finds_them():
    # energy a day = 100 + 2 x pieces + 3 x heating degree days, +-1 kWh: the fit finds the coefficients the
    # series was made from (within the noise) and exactly those of numpy's least squares
    model = regression.regression_baseline(_rows_with())
    x = np.column_stack([np.ones(12), PROD, HDD])
    y = 100 + 2 * np.array(PROD, float) + 3 * np.array(HDD) + np.array(NOISE, float)
    a, b, c = np.linalg.lstsq(x, y, rcond=None)[0]
    assert model.valid, model.reason
    assert model.coefficients["intercept"] == pytest.approx(a)
    assert model.coefficients["production"] == pytest.approx(b)
    assert model.coefficients["heating_degree_days"] == pytest.approx(c)
    assert (a, b, c) == pytest.approx((100, 2, 3), abs=1.5)  # what the series was generated from
    assert model.p_values["heating_degree_days"] < regression.MAX_P and model.notes == []
    # the savings: expected with both predictors minus actual, over January-March 2024 (31, 29, 31 days)
    follow = [(100, 13, 31), (120, 11, 29), (140, 8, 31)]
    expected = sum((a + b * p + c * h) * d for p, h, d in follow)
    actual = sum((100 + 2 * p + 3 * h) * 0.9 * d for p, h, d in follow)
    assert model.savings_kwh == pytest.approx(expected - actual)
    assert model.followup_days == 91


def test_without_degree_days_the_weather_reads_as_production():
    # the same series fitted on production alone leaves the weather in the residuals: a worse fit
    with_hdd = regression.regression_baseline(_rows_with())
    without = regression.regression_baseline(_rows_with(hidden=range(15)))
    assert "heating_degree_days" not in without.coefficients and without.notes == []
    assert without.r_squared < with_hdd.r_squared


def test_degree_days_missing_for_some_months_are_left_out_and_said():
    model = regression.regression_baseline(_rows_with(hidden=(8, 9, 10, 11)))
    assert "heating_degree_days" not in model.coefficients
    assert model.notes == ["heating degree days entered for 8 of the 12 baseline months and 3 of the 3 follow-up "
                           "periods: fitted without them"]
    model = regression.regression_baseline(_rows_with(hidden=(13,)))
    assert "heating_degree_days" not in model.coefficients
    assert "12 of the 12 baseline months and 2 of the 3 follow-up periods" in model.notes[0]


def test_degree_days_that_explain_nothing_are_left_out_with_their_p_value():
    # degree days orthogonal to the constant, to production and to the noise: their coefficient is exactly 0
    # and its p-value 1, so the model drops them and says so
    x = np.column_stack([np.ones(12), PROD, NOISE])
    free = np.linalg.svd(x.T)[2][-1]  # a vector orthogonal to the three columns
    hdd = list(10 + 5 * free / np.abs(free).max())  # the shift is a multiple of the constant: c stays 0
    model = regression.regression_baseline(_rows_with(hdd=hdd, hdd_follow=[10, 10, 10],
                                                      energy=lambda p, h: 100 + 2 * p))
    assert "heating_degree_days" not in model.coefficients
    assert model.notes and model.notes[0].startswith("the p-value of heating degree days (1.000) is not under 0.1")
    assert model.valid, model.reason


def test_follow_up_degree_days_outside_the_baseline_range_are_not_valid():
    model = regression.regression_baseline(_rows_with(hdd_follow=[13, 11, 30]))
    assert not model.valid and "heating degree days per day outside the baseline's range" in model.reason


def test_regression_rows_and_their_sum_over_enterprises():
    # two enterprises with the series above (one with degree days), one with 11 months (no row): each row's
    # (expected - actual) a day x 91 days is its modelled savings; the sum a year adds them, the uncertainty in
    # quadrature
    a = _rows().assign(enterprise="A")
    b = _rows_with().assign(enterprise="B")
    c = _rows(base_prod=PROD[:11]).assign(enterprise="C")
    rows = regression.regression_rows(pd.concat([a, b, c], ignore_index=True))
    assert rows["enterprise"].tolist() == ["A", "B"]
    models = [regression.regression_baseline(a), regression.regression_baseline(b)]
    for r, m in zip(rows.itertuples(), models, strict=True):
        assert (r.baseline - r.followup) * 91 == pytest.approx(m.savings_kwh)
        assert r.savings_uncertainty * 91 == pytest.approx(m.savings_uncertainty_kwh)
        assert r.followup_days == 91 and r.baseline_days == 365
    total = regression.regression_savings(rows)
    assert total["enterprises"] == 2
    assert total["savings_mwh_per_year"] == pytest.approx(sum(m.savings_kwh for m in models) / 91 * 365 / 1000)
    assert total["uncertainty_mwh_per_year"] == pytest.approx(
        np.hypot(*[m.savings_uncertainty_kwh / 91 * 365 / 1000 for m in models]))


def test_a_regression_that_cannot_be_fitted_still_counts_its_months():
    assert regression.regression_baseline(_rows(base_prod=PROD[:11])).months == 11
    mixed = _rows()
    first = (mixed["indicator"] == "production") & (mixed["period_start"] == _months(2023, 1)[0][0])
    mixed.loc[first.to_numpy(), "unit"] = "kg"  # January's production in kg, the other months' in pieces
    model = regression.regression_baseline(mixed)
    assert not model.valid and model.reason == "production in more than one kind of unit" and model.months == 12


def test_the_reasons_name_the_range_and_its_unit_or_that_nothing_follows():
    # the baseline's production runs from 50 to 160 pieces a day (PROD); 200 a day is outside it
    model = regression.regression_baseline(_rows(follow=((200, 0.9),)))
    assert model.reason == "follow-up production per day outside the baseline's range (50-160 piece a day)"
    # a follow-up at exactly the baseline's highest production is inside the range
    model = regression.regression_baseline(_rows(follow=((160, 0.9), (50, 0.9))))
    assert model.valid, model.reason
    model = regression.regression_baseline(_rows(follow=()))
    assert not model.valid and model.reason == "no follow-up period with energy and production to compare"


def test_degree_days_outside_the_range_are_named_in_degree_days():
    model = regression.regression_baseline(_rows_with(hdd_follow=[13, 11, 30]))
    assert model.reason.startswith("follow-up heating degree days per day outside the baseline's range (")
    assert model.reason.endswith(" degree days a day)")


def test_the_periods_table_keeps_the_months_with_both_energy_and_production():
    rows = _rows()
    # March 2023 without its production, and the follow-up's January without its energy: neither is a row
    march = rows["period_start"].eq(dt.date(2023, 3, 1)) & rows["indicator"].eq("production")
    january = rows["period_start"].eq(dt.date(2024, 1, 1)) & rows["indicator"].eq("energy")
    table = regression.periods_table(rows[~(march | january)])
    assert len(table) == 11 + 2
    starts = set(table["period_start"])
    assert pd.Timestamp(2023, 3, 1) not in starts and pd.Timestamp(2024, 1, 1) not in starts
    assert pd.Timestamp(2023, 2, 1) in starts and pd.Timestamp(2024, 2, 1) in starts
    # April 2023: 30 days at 80 pieces a day, 100 + 2 x 80 + 1 kWh a day (NOISE[3] is -1: 100 + 160 - 1)
    april = table[table["period_start"].eq(pd.Timestamp(2023, 4, 1))].iloc[0]
    assert april["production"] == 80 * 30 and april["energy"] == pytest.approx((100 + 160 - 1) * 30)
