"""metrics.validate, to_canonical, parse_values and the date readers: every message and figure
checked against what a person typed (expected values worked out by hand in the test)."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

import metrics
from metrics import UnitError


def rows(*overrides):
    base = dict(enterprise="A", country="IN", sector="Textiles", period_start="2024-01-01",
                period_end="2024-01-31", phase="baseline", indicator="energy", carrier="electricity",
                value=1.2, unit="MWh", note="")
    return pd.DataFrame([dict(base, **o) for o in overrides])


def problems_of(df, **kw):
    return [tuple(p) for p in metrics.validate(df, **kw)[["row", "column", "reason"]].itertuples(index=False)]


def test_missing_columns_are_named_on_line_one_in_template_order():
    got = problems_of(pd.DataFrame({"enterprise": ["A"], "unit": ["kg"], "value": [1]}))
    assert got == [(1, c, "required column is missing") for c in ("period_start", "period_end", "phase", "indicator")]


def test_a_good_table_has_an_empty_problem_table_with_its_columns():
    problems = metrics.validate(rows({}, dict(indicator="yield", carrier="", value=95, unit="%")))
    assert problems.empty and list(problems.columns) == ["row", "column", "reason"]


@pytest.mark.parametrize("value,unit,over", [
    (95, "%", False), (100, "%", False), (100.5, "%", True), (0.95, "fraction", False), (1.0, "ratio", False),
    (1.2, "fraction", True), (150, "percent", True), (0, "%", False),
])
def test_yield_over_100_percent_whatever_the_unit(value, unit, over):
    got = problems_of(rows(dict(indicator="yield", carrier="", value=value, unit=unit)))
    assert got == ([(2, "value", "yield is over 100%")] if over else [])


def test_yield_in_a_unit_of_mass_is_a_unit_problem_only():
    got = problems_of(rows(dict(indicator="yield", carrier="", value=950, unit="kg")))
    assert [(row, col) for row, col, _ in got] == [(2, "unit")]
    assert got[0][2] == "'kg' is a unit of mass, but yield is measured in ratio (for example %)."


def test_every_reason_is_the_sentence_a_person_reads():
    overrides = [{},
                 dict(enterprise="  "),
                 dict(period_start="someday"),
                 dict(period_end="2023-12-31"),
                 dict(phase="during"),
                 dict(indicator="happiness"),
                 dict(value="1,5"),
                 dict(value="n/a"),
                 dict(value="inf"),
                 dict(value=-3),
                 dict(unit=" "),
                 dict(indicator="waste", carrier="river", unit="kg"),
                 dict(carrier=None, unit="kWh"),
                 dict(carrier="whale_oil", unit="L"),
                 dict(carrier="diesel", unit="kg", enterprise="B"),
                 dict(carrier="diesel", unit="kg", enterprise="B")]
    # one enterprise per line (but the last two): no line repeats another's figure by accident
    df = rows(*[dict({"enterprise": f"E{i}"}, **o) for i, o in enumerate(overrides)])
    got = problems_of(df)
    assert got == [
        (3, "enterprise", "enterprise is missing"),
        (4, "period_start", "missing or not a date (use YYYY-MM-DD)"),
        (5, "period_end", "Period end is before period start"),
        (6, "phase", "phase must be 'baseline' or 'follow-up'"),
        (7, "indicator", "unknown indicator (expected one of energy, waste, material_input, material_wasted, "
                         "yield, water, production, degree_days)"),
        (8, "value", "use a point for decimals (1.5, not 1,5); commas may only separate thousands (4,300)"),
        (9, "value", "value is missing or not a number"),
        (10, "value", "value is not a finite number"),
        (11, "value", "value is negative"),
        (12, "unit", "unit is missing"),
        (13, "carrier", "unknown waste destination (expected one of landfill, recycled, sold, incinerated, "
                        "composted, other; hazardous waste: hazardous_ and the destination, e.g. hazardous_landfill; "
                        "or empty)"),
        (14, "carrier", "energy needs a carrier (electricity, natural_gas, diesel, ...)"),
        (15, "carrier", "Unknown energy carrier 'whale_oil'; expected one of " + ", ".join(metrics.CARRIERS) + "."),
        (17, "carrier", "the same enterprise, period, phase, indicator and carrier as line 16: give one figure "
                        "(their sum) per line"),
    ]


def test_lines_count_from_first_line_and_problems_are_sorted_by_line_then_column():
    df = rows(dict(value=-1, unit=""), dict(enterprise="", phase="x"))
    got = problems_of(df, first_line=10)
    assert [(row, col) for row, col, _ in got] == [(10, "unit"), (10, "value"), (11, "enterprise"), (11, "phase")]


def test_dates_that_cannot_be_told_apart_say_so_and_others_say_what_to_write():
    ambiguous = ("day and month cannot be told apart (is 01/06 the 1st of June or the 6th of January?); write "
                 "dates as YYYY-MM-DD")
    got = problems_of(rows(dict(period_start="01/06/2024", period_end="05/06/2024"),
                           dict(period_start="2024-02-30", period_end=None)))
    assert got == [(2, "period_end", ambiguous), (2, "period_start", ambiguous),
                   (3, "period_end", "missing or not a date (use YYYY-MM-DD)"),
                   (3, "period_start", "missing or not a date (use YYYY-MM-DD)")]


def test_one_unambiguous_date_fixes_the_order_for_the_table():
    # 13/06 can only be day-first: the whole table is read day-first, 01/06 is the 1st of June
    assert problems_of(rows(dict(period_start="01/06/2024", period_end="13/06/2024"))) == []
    start, end = metrics.period_dates(rows(dict(period_start="01/06/2024", period_end="13/06/2024")))
    assert (start[0], end[0]) == (pd.Timestamp("2024-06-01"), pd.Timestamp("2024-06-13"))


def test_the_same_number_twice_is_no_ambiguity():
    assert metrics.parse_dates(pd.Series(["05/05/2024", "12.12.2024"])).tolist() == [
        pd.Timestamp("2024-05-05"), pd.Timestamp("2024-12-12")]


@pytest.mark.parametrize("order,expected", [("dmy", "2024-06-01"), ("mdy", "2024-01-06")])
def test_an_order_given_reads_every_ambiguous_date(order, expected):
    got = metrics.parse_dates(pd.Series(["01/06/2024", "30/06/2024", "06/30/2024"]), order)
    assert got[0] == pd.Timestamp(expected)
    # a field over 12 is a day whatever the order says
    assert got[1] == pd.Timestamp("2024-06-30") and got[2] == pd.Timestamp("2024-06-30")


@pytest.mark.parametrize("columns,order", [
    ([["13/01/2024"]], "dmy"), ([["01/13/2024"]], "mdy"), ([["01/02/2024"]], None),
    ([["13/01/2024"], ["01/13/2024"]], None), ([["2024-01-13", None]], None), ([[]], None),
])
def test_date_order_is_what_the_dates_show(columns, order):
    assert metrics.date_order(*(pd.Series(c, dtype=object) for c in columns)) == order


def test_date_order_ignores_columns_that_are_dates_already():
    assert metrics.date_order(pd.Series(pd.to_datetime(["2024-01-13"])), pd.Series(["01/13/2024"])) == "mdy"


def test_dates_are_read_as_written_or_not_at_all():
    got = metrics.parse_dates(pd.Series(["2024-06-30", "30 Jun 2024", "June 30, 2024", "2024/06/30", "2024.06.30",
                                         "30-06-24", "1/2/24", "tomorrow", None, "2024-06-30"]))
    june30 = pd.Timestamp("2024-06-30")
    assert got[:5].tolist() == [june30] * 5 and got[9] == june30
    assert got[5:9].isna().all()


def test_dates_already_parsed_are_returned_as_they_are():
    s = pd.Series(pd.to_datetime(["2024-06-30"]))
    assert metrics.parse_dates(s) is s
    objects = metrics.parse_dates(pd.Series([dt.date(2024, 2, 29), pd.Timestamp("2024-03-01")]))
    assert objects.tolist() == [pd.Timestamp("2024-02-29"), pd.Timestamp("2024-03-01")]


@pytest.mark.parametrize("typed,number", [
    ("4,300", 4300.0), ("-4,300", -4300.0), ("+1,234", 1234.0), ("1,234,567.25", 1234567.25), ("4,300.", 4300.0),
    ("4 300", 4300.0), ("4\u00a0300", 4300.0), ("4\u202f300", 4300.0), ("4_300", 4300.0), (" 12 ", 12.0),
    ("1.5e3", 1500.0), ("0", 0.0),
])
def test_numbers_as_people_type_them(typed, number):
    assert metrics.parse_values(pd.Series([typed], dtype=object)).tolist() == [number]


@pytest.mark.parametrize("typed", ["1,5", "12,3456", "1,2,3", "4.300,5", ",300", "1,", "x", "", "4 3OO"])
def test_what_is_not_clearly_one_number_is_nan(typed):
    assert np.isnan(metrics.parse_values(pd.Series([typed, 1], dtype=object))[0])


def test_numeric_columns_pass_as_floats():
    got = metrics.parse_values(pd.Series([1, 2, 3], dtype="int64"))
    assert got.dtype == np.float64 and got.tolist() == [1.0, 2.0, 3.0]
    assert metrics.parse_values(pd.Series([True, False])).tolist() == [1.0, 0.0]


def test_decimal_commas_are_recognised_as_such():
    from metrics.frames import has_decimal_comma

    typed = pd.Series(["1,5", "1.234,5", "1 234,5", "4,300", "1,234,567", "abc", "12", None], dtype=object)
    assert has_decimal_comma(typed).tolist() == [True, True, True, False, False, False, False, False]
    assert has_decimal_comma(pd.Series([1.5, 2.0])).tolist() == [False, False]


def test_to_canonical_normalises_text_and_converts_each_row():
    df = rows(dict(enterprise=" A ", indicator="Energy", carrier="Diesel", value="1,000", unit="L", phase="Before"),
              dict(indicator="WASTE", carrier=" Landfill ", value=2, unit="t", phase="after"),
              dict(indicator="production", carrier=np.nan, value=5, unit="short_ton", phase="follow_up"),
              dict(indicator="water", carrier="", value=250, unit="kL", phase="during"))
    out = metrics.to_canonical(df)
    assert out["enterprise"].tolist() == ["A"] * 4
    assert out["indicator"].tolist() == ["energy", "waste", "production", "water"]
    assert out["carrier"].tolist() == ["diesel", "landfill", "", ""]
    assert out["phase"].tolist() == ["baseline", "follow-up", "follow-up", "during"]  # unknown: left for validate
    assert out["value"].tolist() == [1000.0, 2.0, 5.0, 250.0]
    assert out["value_canonical"].tolist() == pytest.approx([1000 * 0.84 * 43.0 / 3.6, 2000, 5 * 907.18474, 250])
    assert out["unit_canonical"].astype(str).tolist() == ["kWh", "kg", "kg", "m3"]
    assert out["note"].tolist() == [""] * 4 and df["enterprise"].iloc[0] == " A "  # the input is left alone


def test_to_canonical_without_a_carrier_column():
    df = rows(dict(indicator="waste", unit="t", value=3)).drop(columns="carrier")
    out = metrics.to_canonical(df)
    assert out["carrier"].tolist() == [""] and out["value_canonical"].tolist() == [3000.0]


def test_to_canonical_says_which_figure_has_the_wrong_unit():
    with pytest.raises(UnitError,
                       match=r"^waste in 'kWh': 'kWh' is a unit of energy, but waste produced is measured in mass"):
        metrics.to_canonical(rows({}, dict(indicator="waste", carrier="", unit="kWh")))
    with pytest.raises(UnitError, match=r"^energy in 'L': Unknown energy carrier 'whale_oil'"):
        metrics.to_canonical(rows(dict(carrier="whale_oil", unit="L")))


def test_to_canonical_with_many_distinct_keys_converts_like_with_few():
    """Over 4,096 (indicator, carrier, unit) combinations the keys are hashed instead of laid out
    densely; the figures must be the same."""
    units = {"kg": 1, "t": 1000, "g": 0.001, "short_ton": 907.18474, "lb": 0.45359237, "mt": 1000, "MT": 1000,
             "T": 1000, "KG": 1, "tonne": 1000, "tonnes": 1000, "kgs": 1, "metric ton": 1000, "short ton": 907.18474}
    inds = ["waste", "material_input", "material_wasted"]
    data = [dict(indicator=inds[i % 3], carrier=f"c{i}", unit=list(units)[i % len(units)], value=i + 1)
            for i in range(100)]
    assert 3 * 100 * len(units) > 100 + 4096
    out = metrics.to_canonical(rows(*data))
    assert out["value_canonical"].tolist() == pytest.approx([(i + 1) * units[list(units)[i % len(units)]]
                                                             for i in range(100)])
    assert set(out["unit_canonical"].astype(str)) == {"kg"}


def test_to_canonical_keeps_string_and_categorical_columns_readable():
    df = rows({}, dict(carrier="diesel", unit="L", value=10))
    df["carrier"] = df["carrier"].astype("category")
    df["unit"] = df["unit"].astype("string")
    df["enterprise"] = pd.Series([" A", "A"], dtype="string")
    out = metrics.to_canonical(df)
    assert out["carrier"].tolist() == ["electricity", "diesel"] and out["unit"].tolist() == ["MWh", "L"]
    assert out["enterprise"].tolist() == ["A", "A"]
    assert out["value_canonical"].tolist() == pytest.approx([1200, 10 * 0.84 * 43.0 / 3.6])


def test_problem_lines_are_integers_with_or_without_problems():
    assert metrics.validate(rows({}))["row"].dtype == np.int64
    assert metrics.validate(rows(dict(value=-1)))["row"].dtype == np.int64


def test_parsed_rows_keep_the_input_index_country_and_sector():
    df = rows(dict(sector="Rubber"), dict(indicator="waste", carrier="sold", value=2, unit="t", country="KE"))
    df.index = [7, 3]  # rows picked out of a larger upload
    parsed = metrics.parse(df)
    assert parsed.ok and parsed.rows.index.tolist() == [7, 3]
    assert parsed.rows["sector"].tolist() == ["Rubber", "Textiles"] and parsed.rows["country"].tolist() == ["IN", "KE"]
    assert parsed.rows["value_canonical"].tolist() == pytest.approx([1200.0, 2000.0])
    assert parsed.rows["unit_canonical"].astype(str).tolist() == ["kWh", "kg"]


def test_a_missing_carrier_becomes_empty_text_even_when_nothing_else_changes():
    out = metrics.to_canonical(rows(dict(carrier="diesel", unit="L"), dict(indicator="water", carrier=np.nan,
                                                                            unit="m3")))
    assert out["carrier"].tolist() == ["diesel", ""]


def test_enterprises_given_as_numbers_become_text():
    out = metrics.to_canonical(rows(dict(enterprise=101), dict(enterprise=102)))
    assert out["enterprise"].tolist() == ["101", "102"]


def test_a_day_of_13_is_read_as_the_day_even_when_the_order_is_left_undecided():
    # 13/05/2024: 13 cannot be a month, so it is the 13th of May whatever the file's order (None: undecided)
    got = metrics.parse_dates(pd.Series(["13/05/2024", "05/13/2024", "12/05/2024"]), None, infer=False)
    assert got.iloc[0] == pd.Timestamp(2024, 5, 13) and got.iloc[1] == pd.Timestamp(2024, 5, 13)
    assert pd.isna(got.iloc[2])  # 12 and 5 can both be months: not guessed


def test_units_typed_with_spaces_around_them_are_stored_without():
    out = metrics.to_canonical(rows(dict(unit=" MWh "), dict(indicator="water", carrier="", value=3, unit="m3 ")))
    assert out["unit"].tolist() == ["MWh", "m3"]
    assert out["value_canonical"].tolist() == pytest.approx([1200.0, 3.0])


def test_an_empty_table_has_an_empty_canonical_unit_column_of_the_dimensionless_unit():
    """No rows, no units looked up: the canonical unit column is still a category column, whose one
    category is the unit of a figure without a dimension (pint's 'dimensionless')."""
    out = metrics.to_canonical(rows({}).iloc[:0])
    assert out.empty and isinstance(out["unit_canonical"].dtype, pd.CategoricalDtype)
    assert out["unit_canonical"].cat.categories.tolist() == ["dimensionless"]


def test_a_piece_of_a_file_takes_the_files_date_orders_even_where_its_own_dates_show_one():
    # the whole file showed no order (None, None); this piece's 13/01/2024 would show day first, but a piece
    # is read as the file decided: 01/02/2024 stays ambiguous (NaT), in either column
    piece = pd.DataFrame({"period_start": ["13/01/2024", "01/02/2024"], "period_end": ["13/01/2024", "01/02/2024"]})
    start, end = metrics.frames.period_dates(piece, orders=(None, None))
    assert start.iloc[0] == pd.Timestamp(2024, 1, 13) and pd.isna(start.iloc[1])
    assert end.iloc[0] == pd.Timestamp(2024, 1, 13) and pd.isna(end.iloc[1])
