"""Numbers in each person's locale: what is written reads back as the same number, and a number
typed the way another locale writes it is refused, never read as another number."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics import formatting, i18n, numbers

LOCALES = ["en", "en_IN", "es", "es_BO", "fr", "fr_TN", "zh_Hans", "vi", "id"]
COMMA = ["es", "es_BO", "fr", "fr_TN", "vi", "id"]
POINT = ["en", "en_IN", "zh_Hans"]

amounts = st.decimals(min_value=0, max_value=10**12, places=3, allow_nan=False).map(float)


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.use("en")


@pytest.mark.parametrize("locale", LOCALES)
@given(value=amounts)
def test_what_is_written_reads_back(locale, value):
    assert numbers.read(numbers.write(value, locale), locale) == pytest.approx(value, rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("locale", LOCALES)
@given(value=amounts)
def test_a_shown_figure_reads_back_as_itself(locale, value):
    """formatting.number rounds (four significant digits, whole units from 1,000); the text it
    shows reads back in the same locale as the rounded figure."""
    i18n.use(locale)
    shown = formatting.number(value)
    rounded = float(f"{value:.0f}") if abs(value) >= 1000 else float(f"{value:.4g}")
    assert numbers.read(shown, locale) == pytest.approx(rounded, rel=1e-12)


@pytest.mark.parametrize("text, locale, value", [
    ("1,5", "es", 1.5), ("1.200", "es", 1200), ("1 200", "fr", 1200), ("1\u202f200,5", "fr", 1200.5),
    ("1.234.567,25", "id", 1234567.25), ("0,125", "vi", 0.125), ("1,20,000", "en_IN", 120000),
    ("1,20,000", "en", 120000), ("4,300", "en", 4300), ("1.5", "zh_Hans", 1.5), ("1,200", "fr", 1.2),
])
def test_read(text, locale, value):
    assert numbers.read(text, locale) == value


@pytest.mark.parametrize("text, locale", [
    ("1.5", "es"), ("12.34", "fr"), ("1,234.5", "id"), ("0.125", "vi"),  # a point where a comma is decimal
    ("1,5", "en"), ("0,125", "en"), ("1.234,5", "zh_Hans"), ("12,34", "en_IN"),  # a comma where a point is
    ("1.2.3", "es"), ("", "es"), ("abc", "en"), ("1,2,3", "en"), ("01.200", "es"),
])
def test_ambiguous_or_wrong_is_refused(text, locale):
    with pytest.raises(numbers.NumberError):
        numbers.read(text, locale)


@pytest.mark.parametrize("locale", COMMA)
@given(whole=st.integers(0, 10**9), decimals=st.text("0123456789", min_size=1, max_size=6))
def test_a_point_for_decimals_is_refused_where_a_comma_is_decimal(locale, whole, decimals):
    """'12.5' or '3.14159' typed in Spanish or French is refused: read as thousands it would be a
    hundred or a thousand times the figure. Only a point before exactly three digits is a group."""
    text = f"{whole}.{decimals}"
    if len(decimals) == 3 and 0 < whole < 1000:
        assert numbers.read(text, locale) == whole * 1000 + int(decimals)
    else:
        with pytest.raises(numbers.NumberError):
            numbers.read(text, locale)


@pytest.mark.parametrize("locale", POINT)
@given(whole=st.integers(0, 10**9), decimals=st.text("0123456789", min_size=1, max_size=6))
def test_a_comma_for_decimals_is_refused_where_a_point_is_decimal(locale, whole, decimals):
    text = f"{whole},{decimals}"
    try:
        value = numbers.read(text, locale)
    except numbers.NumberError:
        return
    # read only as thousands (4,300) or India's grouping never as a decimal
    assert value == float(f"{whole}{decimals}") and len(decimals) == 3 and whole > 0


def test_the_refusal_says_how_to_write_it():
    i18n.use("es")
    with pytest.raises(numbers.NumberError, match=r"1,5"):
        numbers.read("1.5")


@pytest.mark.parametrize("locale, expected", [
    ("en", "-27.0%"), ("es", "-27,0\u00a0%"), ("fr", "-27,0\u00a0%"), ("vi", "-27,0%"), ("zh_Hans", "-27.0%"),
])
def test_percentages_in_the_locale(locale, expected):
    i18n.use(locale)
    assert formatting.percent(-0.27) == expected


@pytest.mark.parametrize("locale, expected", [
    ("en", "1,234,568"), ("en_IN", "12,34,568"), ("es", "1.234.568"), ("fr", "1\u202f234\u202f568"),
    ("id", "1.234.568"),
])
def test_figures_in_the_locale(locale, expected):
    i18n.use(locale)
    assert formatting.number(1234567.6) == expected
    assert not math.isnan(numbers.read(expected, locale))


@pytest.mark.parametrize("locale, expected", [
    ("en", "Jan–Mar 2025"), ("es", "ene–mar 2025"), ("zh_Hans", "2025年1月至3月"),
])
def test_periods_in_the_locale(locale, expected):
    import datetime as dt

    i18n.use(locale)
    assert formatting.span(dt.date(2025, 1, 1), dt.date(2025, 3, 31)) == expected


@pytest.mark.parametrize("locale, day, month", [
    ("en", "15 May 2023", "Mar 2024"), ("es", "15 may 2023", "mar 2024"), ("fr", "15 mai 2023", "mars 2024"),
    ("zh_Hans", "2023年5月15日", "2024年3月"),
])
def test_dates_with_month_names_in_the_locale(locale, day, month):
    """The report's action dates and stage months, the targets' dates: never English month names
    on a Spanish page."""
    import datetime as dt

    i18n.use(locale)
    assert formatting.date_words(dt.date(2023, 5, 15)) == day
    assert formatting.month(dt.date(2024, 3, 1)) == month


@pytest.mark.parametrize("locale, expected", [
    ("en", ["2025-03-31", "2024-12-01"]), ("es", ["31 mar 2025", "1 dic 2024"]),
    ("zh_Hans", ["2025年3月31日", "2024年12月1日"]),
])
def test_table_dates_in_the_locale(locale, expected):
    """A table's dates (stored periods, trainers' dates) in the locale's order and month names;
    English keeps the files' YYYY-MM-DD."""
    import pandas as pd

    from metrics import labels

    i18n.use(locale)
    table = labels.people_table(pd.DataFrame({"period_end": pd.to_datetime(["2025-03-31", "2024-12-01"])}))
    assert table.iloc[:, 0].tolist() == expected


def test_a_number_written_with_an_exponent_past_the_largest_float_is_refused():
    # regression: "1e999" was read as infinity (the exponent's way round the finite check)
    i18n.use("en")
    assert numbers.read("1.5e3") == 1500.0
    for text in ("1e999", "-2E400"):
        with pytest.raises(numbers.NumberError, match=r"^.* is not a finite number\.$"):
            numbers.read(text)
