"""Figures as people read them: the one place that turns a computed figure into text.

Pages, charts, the hand-over file and exports format through these functions, so the same
figure reads the same everywhere:

* :func:`percent`: a fraction as a percentage, signed by default ('-27.0%', '+10%');
* :func:`points`: a difference of two percentages in percentage points ('+10.0 pp');
* :func:`number`: a measured figure, '21,512' from 1,000 on, four significant digits below ('12.35');
* :func:`count`: a whole number of things ('1,234'; 33, not 33.0);
* :func:`amount`: a number with its unit ('21,512 kWh');
* :func:`fewer_than`: what a hidden figure reads ('fewer than 3');
* :func:`span`: a period as people write it ('Jan–Mar 2025').

A missing figure (None, NaN, NA) reads ``missing`` ('–' unless told otherwise).

Each is written in the run's locale (metrics.i18n.use): its decimal and group symbols and percent
sign (metrics.numbers.localise: '-27,0 %' in Spanish, '12,34,567' in English (India)), its words
and its month names and date order (Babel).
"""
from __future__ import annotations

import math

import pandas as pd
from babel.dates import format_interval, format_skeleton

from metrics.i18n import SOURCE, _, current, ngettext
from metrics.numbers import localise

MISSING = "–"


def _missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    try:
        return bool(math.isnan(v))
    except TypeError:
        return False


def percent(fraction, digits: int = 1, *, signed: bool = True, missing: str = MISSING) -> str:
    """``fraction`` (0.27) as a percentage ('+27.0%'); ``signed=False``: '27.0%'."""
    if _missing(fraction):
        return missing
    return localise(f"{fraction * 100:+.{digits}f}%" if signed else f"{fraction * 100:.{digits}f}%")


def percent_value(value, digits: int = 0, *, missing: str = "") -> str:
    """A figure already in per cent (a yield of 95) as text: '95%'."""
    return missing if _missing(value) else localise(f"{value:.{digits}f}%")


def points(value, digits: int = 1, *, missing: str = MISSING) -> str:
    """A change in percentage points: '+10.0 pp'."""
    return missing if _missing(value) else localise(f"{value:+.{digits}f} pp")


def number(value, *, signed: bool = False, missing: str = MISSING) -> str:
    """'21,512' from 1,000 on (no exponent), four significant digits below ('12.35', '0.0042');
    ``signed``: '+21,512', '-12.35'."""
    if _missing(value):
        return missing
    sign = "+" if signed else ""
    return localise(f"{value:{sign},.0f}" if abs(value) >= 1000 else f"{value:{sign},.4g}")


def count(value, *, missing: str = MISSING) -> str:
    """A number of things: '1,234' (never '33.0')."""
    return missing if _missing(value) else localise(f"{int(round(value)):,}")


def amount(value, unit: str, *, missing: str = MISSING) -> str:
    """A figure with its unit, rounded to whole units from 1,000 on: '21,512 kWh'."""
    return missing if _missing(value) else f"{number(value)} {unit}".rstrip()


def amount_with_uncertainty(value, half_width, unit: str, *, missing: str = MISSING) -> str:
    """A figure ± its uncertainty (the half-width of its interval) with the unit: '1,234 ± 56 MWh per year'."""
    if _missing(value):
        return missing
    return f"{number(value)} ± {number(half_width)} {unit}".rstrip()


def fewer_than(n: int) -> str:
    """What a figure hidden for being built from too few enterprises reads: 'fewer than 3'."""
    return _("fewer than {n}").format(n=int(n))


def span(start, end, periods: int = 1, *, none: str | None = None) -> str:
    """A period as people write it: 'Jan–Mar 2025' for whole months, '1 Jan–10 Jan 2025'
    otherwise, and how many periods when several ('Jan–Dec 2024 (4 periods)'); ``none`` when
    either end is missing."""
    if _missing(start) or _missing(end) or pd.isna(start) or pd.isna(end):
        return _("none entered (counts as 0)") if none is None else none
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    if current() != SOURCE:
        return _span_in(current(), a, b, periods)
    if a.day == 1 and (b + pd.Timedelta(days=1)).day == 1:  # whole months
        if (a.year, a.month) == (b.year, b.month):
            text = f"{a:%b %Y}"
        else:
            text = f"{a:%b}–{b:%b %Y}" if a.year == b.year else f"{a:%b %Y}–{b:%b %Y}"
    else:
        text = f"{a.day} {a:%b}–{b.day} {b:%b %Y}" if a.year == b.year else f"{a.day} {a:%b %Y}–{b.day} {b:%b %Y}"
    return text + (f" ({periods} periods)" if periods > 1 else "")


def _span_in(locale: str, a: pd.Timestamp, b: pd.Timestamp, periods: int) -> str:
    """:func:`span` in ``locale``'s month names and date order (Babel's CLDR intervals)."""
    whole_months = a.day == 1 and (b + pd.Timedelta(days=1)).day == 1
    skeleton = "yMMM" if whole_months else "yMMMd"
    if whole_months and (a.year, a.month) == (b.year, b.month):
        text = format_skeleton("yMMM", a.date(), locale=locale)
    else:
        text = format_interval(a.date(), b.date(), skeleton, locale=locale)
    if periods > 1:
        text += " " + ngettext("({n} period)", "({n} periods)", periods).format(n=periods)
    return text


def day(value, *, missing: str = MISSING) -> str:
    """A date in the run's locale: '2025-03-31' in English (as the files write it), '31 mar 2025'
    in Spanish, '2025年3月31日' in Chinese."""
    if _missing(value) or pd.isna(value):
        return missing
    d = pd.Timestamp(value).date()
    return d.isoformat() if current() == SOURCE else format_skeleton("yMMMd", d, locale=current())


def date_words(value, english: str = "%d %b %Y", *, missing: str = MISSING) -> str:
    """A date with its month's name: as ``english`` says in English ('15 May 2023'), in the run's
    locale otherwise ('15 may 2023', '2023年5月15日')."""
    if _missing(value) or pd.isna(value):
        return missing
    d = pd.Timestamp(value)
    return d.strftime(english) if current() == SOURCE else format_skeleton("yMMMd", d.date(), locale=current())


def month(value, *, missing: str = MISSING) -> str:
    """A month and its year: 'Mar 2024' in English, 'mar 2024' in Spanish, '2024年3月' in Chinese."""
    if _missing(value) or pd.isna(value):
        return missing
    d = pd.Timestamp(value)
    return f"{d:%b %Y}" if current() == SOURCE else format_skeleton("yMMM", d.date(), locale=current())


def cells(df: pd.DataFrame, columns: dict[str, str], formats: dict, *, hidden: str, keep: tuple[str, ...] = ()
          ) -> pd.DataFrame:
    """A display table: ``columns`` {source: shown name} in order, each source in ``formats``
    formatted with its function, and in rows whose ``suppressed`` is true every formatted figure
    (but those named in ``keep``) reading ``hidden``."""
    out = pd.DataFrame(index=df.index)
    hide = df["suppressed"].to_numpy(dtype=bool) if "suppressed" in df.columns else None
    for src, name in columns.items():
        out[name] = df[src].map(formats[src]) if src in formats else df[src]
        if hide is not None and src in formats and src not in keep:
            out.loc[hide, name] = hidden
    return out.reset_index(drop=True)
