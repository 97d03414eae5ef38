"""More figures of metrics at their edges, worked out by hand: tests written for the mutants that survived the
mutation run of 2026-12-01 on main (README, "Development"), each asserting what a person or the next step of
the figure path reads."""
import numpy as np
import pandas as pd
import pytest

import metrics
from metrics import formatting, i18n
from metrics.impacts import intensities
from metrics.regression import is_month, periods_table

YEAR_2024 = dict(period_start="2024-01-01", period_end="2024-12-31")


def _template(lines, country="KE"):
    """Template rows (enterprise, phase, indicator, carrier, value, unit, start, end)."""
    return pd.DataFrame([dict(enterprise=e, country=country, sector="Food", phase=p, indicator=i, carrier=c,
                              value=v, unit=u, period_start=s, period_end=t, note="")
                         for e, p, i, c, v, u, s, t in lines])


def _datapoints(lines):
    df = metrics.to_canonical(_template(lines))
    table = metrics.enterprise_datapoints(df, "test")
    return dict(zip(table["key"], table["value"], strict=True))


def test_fuels_are_the_energy_that_is_not_electricity_and_nothing_else():
    q = ("A", "follow-up")
    a, b = "2025-01-01", "2025-03-31"
    v = _datapoints([(*q, "energy", "electricity", 1000, "kWh", a, b), (*q, "energy", "lpg", 100, "kg", a, b),
                     (*q, "water", "", 50, "m3", a, b), (*q, "production", "", 900, "kg", a, b)])
    lpg_mwh = 0.1 * 47.3 / 0.0036 / 1000  # 100 kg x 47.3 GJ/t (IPCC NCV) = 1,313.9 kWh
    assert v["fuels"] == pytest.approx(lpg_mwh)  # not the water's 50 m3 nor the production's 900 kg
    assert v["electricity"] == pytest.approx(1.0)
    # GRI 305-4: the gross emissions (t CO2e) in kg over the 900 kg produced
    assert v["ghg_intensity"] == pytest.approx(v["ghg_gross"] * 1000 / 900)
    assert v["ghg_gross"] == pytest.approx(v["scope1"] + v["scope2"])


def test_one_period_is_not_counted_in_words_and_two_are():
    i18n.use("fr")
    try:
        one = formatting.span(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-03-31"), 1)
        two = formatting.span(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-03-31"), 2)
    finally:
        i18n.use(i18n.SOURCE)
    assert "(" not in one
    assert two.startswith(one) and two.endswith("(2 périodes)")


def test_a_price_of_zero_is_accepted_and_a_negative_one_refused():
    def price(value, phase):
        return dict(enterprise="A", country="KE", sector="", phase=phase, indicator="material_input",
                    carrier="", value=100, unit="kg", price=value, currency="USD", note="", **YEAR_2024)
    parsed = metrics.parse(pd.DataFrame([price("0", "baseline"), price("-1", "follow-up")]))
    reasons = parsed.problems["reason"].tolist()
    assert reasons == ["the price is negative or not a finite number"]  # the line of -1 alone


def test_a_date_with_the_year_first_and_slashes_is_read_year_month_day():
    # " 2024/06/05 " (spaces around, as a spreadsheet cell may keep them) is not ISO 8601 to pandas: read as the
    # other unambiguous spellings are, year, month, day
    got = metrics.parse_dates(pd.Series(["2024/06/05", "2024.06.05", " 2024/06/05 ", "5 Jun 2024"]))
    assert got.tolist() == [pd.Timestamp("2024-06-05")] * 4


def test_a_grid_without_a_figure_says_so_in_a_sentence():
    # the Central African Republic is in the source with no figure (data/grid_factors.csv); ZZ is no country
    with pytest.raises(ValueError, match=r"^No grid emission factor for Central African Republic \(CF\): the source "
                                         r"has no figure\.$"):
        metrics.grid_factor("CF")
    with pytest.raises(ValueError, match=r"^No grid emission factor for country 'ZZ' \(ISO 3166 alpha-2 expected\)"):
        metrics.grid_factor("ZZ")


def test_a_frame_with_canonical_values_but_no_canonical_unit_is_converted_first():
    rows = _template([("A", "baseline", "energy", "electricity", 1.2, "MWh", *YEAR_2024.values()),
                      ("A", "follow-up", "energy", "electricity", 900, "kWh", "2025-01-01", "2025-12-31")])
    done = metrics.to_canonical(rows)
    half = done.drop(columns=["unit_canonical"])
    got = metrics.series_rows(half)
    assert got.to_dict("records") == metrics.series_rows(done).to_dict("records")
    assert set(got["unit"]) == {"kWh"}


def _changes():
    lines = []
    for ent, (waste_b, waste_f, energy_b, energy_f) in {"A": (100, 50, 1000, 800), "B": (200, 180, 500, 500),
                                                        "C": (10, 12, 300, 150)}.items():
        lines += [(ent, "baseline", "waste", "landfill", waste_b, "kg", *YEAR_2024.values()),
                  (ent, "follow-up", "waste", "landfill", waste_f, "kg", "2025-01-01", "2025-12-31"),
                  (ent, "baseline", "energy", "electricity", energy_b, "kWh", *YEAR_2024.values()),
                  (ent, "follow-up", "energy", "electricity", energy_f, "kWh", "2025-01-01", "2025-12-31")]
    changes = metrics.enterprise_changes(metrics.to_canonical(_template(lines)))
    return changes.sort_values("indicator", ascending=False).reset_index(drop=True)  # waste first


def test_programme_rows_come_in_the_indicators_order_whatever_the_input_order():
    out = metrics.aggregate_changes(_changes())
    assert out["indicator"].tolist() == ["energy", "waste"]
    energy = out.iloc[0]
    # per year: 366 days of 2024 against 365 of 2025, so the rates are value / days
    changes = [800 / 365 / (1000 / 366) - 1, 500 / 365 / (500 / 366) - 1, 150 / 365 / (300 / 366) - 1]
    assert energy["enterprises"] == 3
    assert energy["mean_change"] == pytest.approx(sum(changes) / 3)
    assert energy["median_change"] == pytest.approx(sorted(changes)[1])


def test_no_changes_give_text_columns_for_the_indicator_and_unit():
    out = metrics.aggregate_changes(pd.DataFrame(columns=["enterprise", "indicator", "unit", "baseline", "followup"]),
                                    by="country")
    assert out.empty
    assert {c: str(out[c].dtype) for c in ("country", "indicator", "unit")} == dict.fromkeys(
        ("country", "indicator", "unit"), "object")
    assert str(out["mean_change"].dtype) == "float64" and str(out["enterprises"].dtype).startswith("int")


def test_the_rows_that_count_carry_no_index_of_the_rows_they_came_from():
    per = metrics.counted_changes(_changes())
    assert "index" not in per.columns and "level_0" not in per.columns
    assert per.index.tolist() == list(range(len(per)))
    assert sorted(zip(per["enterprise"], per["indicator"], strict=True)) == [
        (e, i) for e in "ABC" for i in ("energy", "waste")]


def test_two_enterprises_with_production_in_different_units_each_get_one_intensity():
    lines = [("A", "baseline", "energy", "electricity", 1000, "kWh", *YEAR_2024.values()),
             ("A", "baseline", "production", "", 500, "piece", *YEAR_2024.values()),
             ("B", "baseline", "energy", "electricity", 3000, "kWh", *YEAR_2024.values()),
             ("B", "baseline", "production", "", 2, "t", *YEAR_2024.values())]
    df = metrics.to_canonical(_template(lines))
    df["enterprise"] = df["enterprise"].astype("category")  # as the overview's frames hold it
    out = intensities(df, ["energy"])
    assert out[["enterprise", "intensity"]].astype({"enterprise": str}).values.tolist() == [["A", 2.0], ["B", 1.5]]
    assert out["unit"].tolist() == ["kWh per piece", "kWh per kg"]


def test_a_calendar_month_is_a_month_and_a_month_and_a_half_is_not():
    assert is_month(pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-29"))
    assert not is_month(pd.Timestamp("2024-03-01"), pd.Timestamp("2024-04-15"))
    assert not is_month(pd.Timestamp("2024-03-02"), pd.Timestamp("2024-03-31"))


def _months(values, first="2023-01-01"):
    """Baseline months of one enterprise: (energy kWh, production pieces) each."""
    rows = []
    for m, (kwh, pieces) in enumerate(values):
        a = pd.Timestamp(first) + pd.DateOffset(months=m)
        b = a + pd.offsets.MonthEnd(0)
        rows += [("R", "baseline", "energy", "electricity", kwh, "kWh", a, b),
                 ("R", "baseline", "production", "", pieces, "piece", a, b)]
    return _template(rows)


def test_a_thirteen_month_period_is_not_monthly_and_no_degree_days_are_numbers_missing():
    df = _template([("R", "baseline", "energy", "electricity", 1000, "kWh", "2023-03-01", "2024-03-31"),
                    ("R", "baseline", "production", "", 10, "piece", "2023-03-01", "2024-03-31"),
                    ("R", "baseline", "energy", "electricity", 100, "kWh", "2024-04-01", "2024-04-30"),
                    ("R", "baseline", "production", "", 1, "piece", "2024-04-01", "2024-04-30")])
    t = periods_table(df)
    assert t["monthly"].tolist() == [False, True]
    for name in ("heating_degree_days", "cooling_degree_days"):
        assert t[name].dtype == np.float64 and t[name].isna().all()
        assert t[name].mean() != t[name].mean()  # NaN, as a number column gives it (None would not average)


def test_a_production_that_explains_nothing_is_named_in_the_reason():
    # energy that does not follow production: an alternating pattern against a steady rise
    energy = [3000, 1000] * 6
    pieces = [100 + 10 * m for m in range(12)]
    model = metrics.regression_baseline(_months(list(zip(energy, pieces, strict=True))))
    assert not model.valid
    assert "the p-value of production (" in model.reason



def test_an_indicator_in_two_units_counts_once_with_the_mean_of_its_changes_whatever_the_enterprise_codes():
    after = ("2025-01-01", "2025-12-31")
    lines = [("A", "baseline", "production", "", 100, "piece", *YEAR_2024.values()),
             ("A", "follow-up", "production", "", 120, "piece", *after),
             ("A", "baseline", "production", "", 10, "t", *YEAR_2024.values()),
             ("A", "follow-up", "production", "", 11, "t", *after),
             ("B", "baseline", "production", "", 50, "piece", *YEAR_2024.values()),
             ("B", "follow-up", "production", "", 40, "piece", *after)]
    changes = metrics.enterprise_changes(metrics.to_canonical(_template(lines)))
    # the overview's frames hold the enterprise as a category, with every enterprise of the programme among its codes
    changes["enterprise"] = pd.Categorical(changes["enterprise"], categories=["A", "B", "C"])
    per = metrics.counted_changes(changes)
    a = (120 * 366 / (100 * 365) - 1 + 11 * 366 / (10 * 365) - 1) / 2  # 2024 has 366 days, 2025 365
    b = 40 * 366 / (50 * 365) - 1
    assert per["enterprise"].astype(str).tolist() == ["A", "B"] and per.index.tolist() == [0, 1]
    assert "index" not in per.columns  # the rows' places in ``changes`` are not carried as a column
    assert per["unit"].astype(str).tolist() == ["mixed", "piece"] and per["units"].tolist() == [2, 1]
    assert per["relative_change"].tolist() == pytest.approx([a, b])


def test_combined_yields_are_of_the_periods_entered_whatever_the_enterprise_codes():
    lines = [("A", "baseline", "yield", "", 78, "%", *YEAR_2024.values()),
             ("B", "follow-up", "yield", "", 95, "%", "2025-01-01", "2025-12-31")]
    df = metrics.to_canonical(_template(lines))
    df["enterprise"] = pd.Categorical(df["enterprise"], categories=["A", "B", "C"])
    out = metrics.combined_yield(df)
    assert out["enterprise"].astype(str).tolist() == ["A", "B"]
    assert out["yield"].tolist() == pytest.approx([0.78, 0.95])
    assert out["materials"].tolist() == [1, 1]


# -- the mutants that survived the sample of main at 1ad9afa (seed 19), each figure worked out by hand --

def test_an_unknown_gwp_set_is_named_as_typed_beside_the_known_ones():
    from metrics import reference
    with pytest.raises(ValueError) as refused:
        reference.gwp("ar9")
    assert str(refused.value) == "Unknown GWP set 'ar9'; expected one of AR5, AR6."


def test_a_number_refused_is_named_in_the_whole_sentence():
    from metrics import numbers
    i18n.use("en")
    with pytest.raises(numbers.NumberError) as two_ways:
        numbers.read("1.5", "es")  # read as Spanish writes numbers, said in English
    with pytest.raises(numbers.NumberError) as no_number:
        numbers.read("1,5 kg", "es")
    # Spanish writes one and a half 1,5 and twelve hundred 1.200: "1.5" could be either
    assert str(two_ways.value) == ("1.5 can be read two ways: write decimals with ',' (1,5) and group thousands as in "
                                   "1.200, or leave the grouping out.")
    assert str(no_number.value) == "1,5 kg is not a number."


def test_a_regression_row_ends_with_the_last_follow_up_month():
    from tests.unit.test_regression import _rows
    rows = metrics.regression.regression_rows(_rows().assign(enterprise="A"))
    # the follow-up months are January to March 2024 (91 days)
    assert rows["followup_end"].tolist() == [pd.Timestamp("2024-03-31")] and rows["followup_days"].tolist() == [91]


def test_quarters_that_start_on_the_first_are_no_monthly_baseline():
    from tests.unit.test_regression import _rows
    monthly = _rows()
    # the same figures a quarter at a time: 2021-2023, twelve quarters, each starting on a first of the month
    quarters = []
    for i, year in enumerate((2021, 2022, 2023)):
        for q, (a, b) in enumerate((("01-01", "03-31"), ("04-01", "06-30"), ("07-01", "09-30"), ("10-01", "12-31"))):
            days = (pd.Timestamp(f"{year}-{b}") - pd.Timestamp(f"{year}-{a}")).days + 1
            p = 50 + 10 * (4 * i + q)
            quarters += [dict(enterprise="Q", period_start=f"{year}-{a}", period_end=f"{year}-{b}", phase="baseline",
                              indicator=ind, carrier=c, value=v, unit=u)
                         for ind, c, v, u in (("energy", "electricity", (100 + 2 * p) * days, "kWh"),
                                              ("production", "", p * days, "piece"))]
    follow = monthly[monthly["phase"].eq("follow-up")].assign(enterprise="Q")
    rows = metrics.regression.regression_rows(pd.concat([pd.DataFrame(quarters), follow], ignore_index=True))
    assert rows.empty  # twelve baseline periods, none of them a month: no regression row


def test_half_a_point_more_diverted_is_an_improvement():
    # 100 kg of waste each year: 40 kg recycled at baseline, 40.5 kg at follow-up -> +0.5 points
    lines = [("A", "baseline", "waste", "recycled", 40, "kg", *YEAR_2024.values()),
             ("A", "baseline", "waste", "landfill", 60, "kg", *YEAR_2024.values()),
             ("A", "follow-up", "waste", "recycled", 40.5, "kg", "2025-01-01", "2025-12-31"),
             ("A", "follow-up", "waste", "landfill", 59.5, "kg", "2025-01-01", "2025-12-31")]
    out = metrics.materials.diversion_change(metrics.to_canonical(_template(lines)))
    assert out["points"].tolist() == pytest.approx([0.5])
    assert out["improved"].tolist() == [True]


def test_a_frame_with_canonical_values_but_no_canonical_unit_keeps_its_common_follow_up():
    rows = _template([("A", "baseline", "water", "", 100, "m3", *YEAR_2024.values()),
                      ("A", "follow-up", "water", "", 90, "m3", "2025-01-01", "2025-06-30"),
                      ("A", "follow-up", "water", "", 80, "m3", "2025-07-01", "2025-12-31")])
    done = metrics.to_canonical(rows)
    got = metrics.periods.on_common_period(done.drop(columns=["unit_canonical"]))
    # the baseline and the latest follow-up (the second half of 2025), converted again
    assert got["period_start"].astype(str).tolist() == ["2024-01-01", "2025-07-01"]
    assert got["unit_canonical"].tolist() == ["m3", "m3"]


def test_follow_ups_differ_when_a_carrier_without_baseline_has_its_own_period():
    # electricity compared from a baseline to the first half of 2025; LPG, new, entered only for the second half
    # (its energy is compared with the indicator's, counting 0 at baseline)
    lines = [("A", "baseline", "energy", "electricity", 1000, "kWh", *YEAR_2024.values()),
             ("A", "follow-up", "energy", "electricity", 450, "kWh", "2025-01-01", "2025-06-30"),
             ("A", "follow-up", "energy", "lpg", 10, "kg", "2025-07-01", "2025-12-31")]
    periods = metrics.periods.series_periods(metrics.to_canonical(_template(lines)))
    assert periods["carrier"].tolist() == ["electricity", "lpg"]
    assert periods["baseline_from"].isna().tolist() == [False, True]
    assert periods["followup_from"].astype(str).tolist() == ["2025-01-01", "2025-07-01"]
    assert metrics.periods.followups_differ(periods)


def test_no_targets_give_the_same_columns_and_kinds_as_targets():
    progress = pd.DataFrame({"enterprise": ["A", "B"], "indicator": ["energy", "energy"], "on_track": [True, False]})
    full, empty = metrics.on_track_share(progress), metrics.on_track_share(progress.iloc[:0])
    assert full.to_dict("records") == [dict(indicator="energy", enterprises=2, on_track=1.0, share=0.5)]
    assert list(empty.columns) == list(full.columns) and empty.empty
    assert [str(t) for t in empty.dtypes] == [str(t) for t in full.dtypes]


def test_a_number_too_large_for_a_float_is_refused_in_a_sentence():
    from metrics import numbers
    i18n.use("en")
    huge = "1" + "0" * 400  # 10^400: past the largest float (about 1.8 x 10^308)
    with pytest.raises(numbers.NumberError) as refused:
        numbers.read(huge, "en")
    assert str(refused.value) == f"{huge} is not a finite number."


def test_numbers_are_written_back_with_their_six_decimals_and_the_locale_s_grouping():
    from metrics import numbers
    # India groups lakhs and crores and keeps the decimals typed (up to six)
    assert numbers.write(123456.789012, "en_IN") == "1,23,456.789012"
    # Swiss German: a point for decimals, an apostrophe between thousands
    assert numbers.write(1234.5, "de_CH") == "1\u2019234.5"


def test_diversion_rates_come_in_period_order_whatever_the_order_entered():
    # 2025 entered before 2024: each year 100 kg of waste, 30 then 60 kg recycled
    lines = [("A", "follow-up", "waste", "recycled", 60, "kg", "2025-01-01", "2025-12-31"),
             ("A", "follow-up", "waste", "landfill", 40, "kg", "2025-01-01", "2025-12-31"),
             ("A", "baseline", "waste", "recycled", 30, "kg", *YEAR_2024.values()),
             ("A", "baseline", "waste", "landfill", 70, "kg", *YEAR_2024.values())]
    out = metrics.materials.diversion(metrics.to_canonical(_template(lines)))
    assert out["period_start"].astype(str).tolist() == ["2024-01-01", "2025-01-01"]
    assert out["diversion_rate"].tolist() == pytest.approx([0.3, 0.6])


def test_a_missing_figure_given_as_none_is_neither_better_nor_worse():
    got = metrics.programme.improved(["energy", "energy", "yield"], [100, None, 0.78], [90, 80, 0.88])
    assert got.tolist() == [True, None, True]


def test_a_target_due_the_day_it_starts_expects_the_whole_reduction_without_a_warning():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing for the server's log: a path of no days is at its end at once
        got = metrics.targets.expected_reduction([0.2, 0.3], "2025-01-01", "2025-01-01", ["2025-06-01", "2025-01-01"])
    assert got.tolist() == pytest.approx([0.2, 0.3])
