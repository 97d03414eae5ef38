"""Charts in the person's locale: plotly.js's own words for months and its number symbols.

Plotly draws date ticks ('Jan 2024') and number ticks ('1,200') itself, in English unless it is
given a locale. Its config takes one (``locales`` with ``format``): built here from Babel's CLDR
data for the run's locale, so a Spanish chart reads 'ene 2024' and '1.200', a Chinese one '2024年1月'.
"""
from __future__ import annotations

from functools import lru_cache

from babel import Locale

from metrics.i18n import SOURCE, current
from metrics.numbers import style


@lru_cache(maxsize=32)
def _format(locale: str) -> dict:
    loc = Locale.parse(locale)
    months = loc.months["format"]
    days = loc.days["format"]  # Babel: 0 is Monday; plotly: Sunday first
    order = [6, 0, 1, 2, 3, 4, 5]
    s = style(locale)
    if loc.language in ("zh", "ja", "ko"):
        year_month, day_month, day_month_year = "%Y年%-m月", "%-m月%-d日", "%Y年%-m月%-d日"
    else:
        year_month, day_month, day_month_year = "%b %Y", "%-d %b", "%-d %b %Y"
    return {
        "months": [months["wide"][m] for m in range(1, 13)],
        "shortMonths": [months["abbreviated"][m].rstrip(".") for m in range(1, 13)],
        "days": [days["wide"][d] for d in order],
        "shortDays": [days["abbreviated"][d] for d in order],
        "decimal": s.decimal, "thousands": s.group, "grouping": [3],
        "year": "%Y", "month": year_month, "dayMonth": day_month, "dayMonthYear": day_month_year,
        "date": "%x", "time": "%X", "dateTime": "%x, %X", "periods": ["AM", "PM"],
    }


def config(locale: str | None = None) -> dict:
    """The plotly config that draws a chart's own words and numbers in ``locale`` (the run's)."""
    locale = locale or current()
    if locale == SOURCE:
        return {}
    return {"locale": locale, "locales": {locale: {"format": _format(locale), "dictionary": {}}}}
