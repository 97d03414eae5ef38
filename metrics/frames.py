"""Whole-table operations on the measurement template: parsing (problems and canonical values).

They work on a long DataFrame with the template columns (enterprise, country, sector,
period_start, period_end, phase, indicator, carrier, value, unit, note) and are vectorised: a
conversion factor is looked up once per distinct (indicator, carrier, unit), never per row.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.i18n import N_, _, ngettext
from metrics.indicators import (
    DAYS_PER_YEAR,
    DEGREE_DAY_KINDS,
    HAZARDOUS_DESTINATIONS,
    INDICATORS,
    PHASES,
    SMALLEST,
    WASTE_DESTINATIONS,
    WATER_SOURCES,
    WORLD_TOTALS,
    YEARLY_LIMITS,
    UnknownCarrier,
    canonical_factor,
    normalise_phase,
)
from metrics.reference import FACTOR_SET_VERSION
from metrics.units import UnitError, unit_label

TEMPLATE_COLUMNS = ["enterprise", "country", "sector", "period_start", "period_end", "phase", "indicator",
                    "carrier", "value", "unit", "note", "renewable_pct", "price", "currency"]
REQUIRED_COLUMNS = ["enterprise", "period_start", "period_end", "phase", "indicator", "value", "unit"]
#: the largest material price per unit accepted, in any currency (a tonne of gold is about 2e12 Vietnamese dong)
MAX_PRICE = 1e15
#: the first data row of a file is line 2 (line 1 holds the headers)
FIRST_LINE = 2


def _text(series: pd.Series) -> pd.Series:
    """Stripped text, '' for missing; normalised once per distinct value, not per row."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    clean = pd.Series(uniques, dtype="object").map(lambda v: "" if v is None or v != v else str(v).strip())
    lookup = np.append(clean.to_numpy(dtype=object), "")  # code -1 (missing) -> ''
    return pd.Series(lookup[codes], index=series.index, dtype=object)


def _per_distinct(series: pd.Series, fn) -> pd.Series:
    codes, uniques = pd.factorize(series)
    mapped = np.array([fn(u) for u in uniques] + [""], dtype=object)
    return pd.Series(mapped[codes], index=series.index, dtype=object)


def _lower(series: pd.Series) -> pd.Series:
    return _per_distinct(_text(series), str.lower)


#: a number with thousands separators: 4,300 / 1,234,567.5 (a comma anywhere else is refused:
#: "1,5" may be a decimal comma, and reading it as 15 would be a silent factor of ten); Indian
#: grouping too, three digits then pairs: 1,20,000 / 12,34,567.5 / 1,00,00,000; a first group is
#: never 0 ("0,125" is a decimal comma, not 125)
_GROUPED = r"[+-]?(?:[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d?(?:,\d{2})+,\d{3})(?:\.\d*)?"
#: spaces people put between digit groups (4 300, 4\u202f300, 4_300)
_DIGIT_SPACES = r"[\s\u00a0\u202f_]"


def parse_values(series: pd.Series) -> pd.Series:
    """Numbers from what people type: 4,300 / 4 300 / 1,20,000 / 1.2e3; NaN where it is not a number.

    Commas are read as digit-group separators only in groups of three digits before any decimal
    point, or in India's grouping (the last three digits, then pairs: 1,20,000 is 120000); "1,5",
    "12,34" or "4.300,5" (decimal commas) are not numbers here, so they are reported instead of
    being stored ten or a thousand times too large.
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype(float)  # no copy under copy-on-write when already float
    direct = pd.to_numeric(series, errors="coerce").astype(float)  # plain numbers: C speed
    retry = direct.isna() & series.notna()
    if retry.any():  # thousands separators, spaces: cleaned only where needed
        text = _text(series[retry]).str.replace(_DIGIT_SPACES, "", regex=True)
        has_comma = text.str.contains(",", regex=False)
        grouped = text.str.fullmatch(_GROUPED)
        text = text.where(~has_comma | grouped, "").str.replace(",", "", regex=False)
        direct[retry] = pd.to_numeric(text, errors="coerce").astype(float)
    return direct


def has_decimal_comma(series: pd.Series) -> pd.Series:
    """True where the text looks like a number written with a decimal comma ("1,5")."""
    if pd.api.types.is_numeric_dtype(series):
        return pd.Series(False, index=series.index)
    text = _text(series).str.replace(_DIGIT_SPACES, "", regex=True)
    return text.str.fullmatch(r"[+-]?[\d.]*\d,\d+") & ~text.str.fullmatch(_GROUPED)


#: day, month and year as digits ("30/06/2024", "06-30-2024", "30.06.2024")
_NUMERIC_DATE = r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*"


def date_order(*columns: pd.Series) -> str | None:
    """"dmy" or "mdy" when the numeric dates in ``columns`` show one order (a first field over
    12 is a day, a second field over 12 is a day), else None (no evidence, or both orders)."""
    day_first = month_first = False
    for series in columns:
        if pd.api.types.is_datetime64_any_dtype(series):
            continue
        uniques = pd.Series(pd.unique(series.dropna().astype(str)), dtype=object)
        parts = uniques.str.extract(_NUMERIC_DATE).dropna().astype(int)
        if len(parts):
            day_first |= bool((parts[0] > 12).any())
            month_first |= bool((parts[1] > 12).any())
    if day_first == month_first:
        return None
    return "dmy" if day_first else "mdy"


def parse_dates(series: pd.Series, order: str | None = None, *, infer: bool = True) -> pd.Series:
    """Dates from a column; NaT where it is not a date, or where it is ambiguous.

    ISO 8601 (2024-06-30), Excel dates and dates with month names are read as they are. Dates
    in digits with the day and month both 12 or under ("01/06/2024") are read in ``order``
    ("dmy" or "mdy"); without it, in the order the column's other dates show (see
    :func:`date_order`), and NaT when nothing shows it: a guess would silently move a period
    by months. ``infer=False`` takes ``order`` as already decided for the whole file (None:
    nothing shows it), for a file read in pieces.
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    if infer:
        order = order or date_order(series)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    text = pd.Series(uniques, dtype=object).astype(str)
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    retry = parsed.isna()
    if retry.any():
        parts = text[retry].str.fullmatch(_NUMERIC_DATE)
        numeric = text[retry][parts.fillna(False)]
        other = text[retry][~parts.fillna(False)]
        if len(other):  # month names and other unambiguous spellings
            parsed[other.index] = pd.to_datetime(other, errors="coerce", format="mixed", dayfirst=False)
            # month names, or the year first (2024/06/30); other digit-only forms are not guessed at
            year_first = other.str.fullmatch(r"\s*\d{4}[/.]\d{1,2}[/.]\d{1,2}\s*")
            clear = other.str.contains(r"[A-Za-z]", regex=True) | year_first
            parsed[other.index[~clear.to_numpy()]] = pd.NaT
        if len(numeric):
            f = numeric.str.extract(_NUMERIC_DATE).astype(int)
            day = np.where(f[0] > 12, f[0], np.where(f[1] > 12, f[1], f[0] if order == "dmy" else f[1]))
            month = np.where(f[0] > 12, f[1], np.where(f[1] > 12, f[0], f[1] if order == "dmy" else f[0]))
            known = (f[0] > 12) | (f[1] > 12) | (f[0] == f[1]) | (order in ("dmy", "mdy"))
            built = pd.to_datetime(pd.DataFrame({"year": f[2], "month": month, "day": day}), errors="coerce")
            parsed[numeric.index] = built.where(known.to_numpy(), pd.NaT).to_numpy()
    values = np.append(parsed.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))
    return pd.Series(values[np.where(codes < 0, len(uniques), codes)], index=series.index)


def file_date_orders(start: pd.Series, end: pd.Series) -> tuple[str | None, str | None]:
    """The day/month order of the start and end columns of a whole file: the one both columns
    show together, else the one each shows alone, else None (see :func:`date_order`). Only the
    distinct values matter, so a file read in pieces can pass the distinct values of all of them."""
    both = date_order(start, end)
    return both or date_order(start), both or date_order(end)


def period_dates(df: pd.DataFrame, orders: tuple[str | None, str | None] | None = None
                 ) -> tuple[pd.Series, pd.Series]:
    """(period_start, period_end) parsed with one day/month order for both columns (``orders``:
    :func:`file_date_orders` of the whole file, when ``df`` is a piece of it)."""
    if orders is None:
        orders = file_date_orders(df["period_start"], df["period_end"])
    return (parse_dates(df["period_start"], orders[0], infer=False),
            parse_dates(df["period_end"], orders[1], infer=False))


def _factors(indicator: pd.Series, carrier: pd.Series, unit: pd.Series
             ) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """factor, canonical unit, error text and whether the error is the carrier's, per row, computed once per
    distinct key."""
    (ci, ui), (cc, uc), (cu, uu) = (pd.factorize(s.to_numpy(dtype=object)) for s in (indicator, carrier, unit))
    codes, keys = pd.factorize((ci.astype(np.int64) * len(uc) + cc) * len(uu) + cu)
    uniques = []
    for k in keys:
        i, rest = divmod(int(k), len(uc) * len(uu))
        c, u = divmod(rest, len(uu))
        uniques.append((ui[i], uc[c], uu[u]))
    factors, canon, errors, of_carrier = [], [], [], []
    for ind, car, un in uniques:
        try:
            f, cu = canonical_factor(ind, car if ind == "energy" else "", un)
            factors.append(f), canon.append(cu), errors.append(""), of_carrier.append(False)
        except (UnitError, ValueError) as exc:
            factors.append(np.nan), canon.append(""), errors.append(str(exc))
            of_carrier.append(isinstance(exc, UnknownCarrier))
    idx = indicator.index
    return (pd.Series(np.asarray(factors, dtype=float)[codes], index=idx),
            pd.Series(np.asarray(canon, dtype=object)[codes], index=idx),
            pd.Series(np.asarray(errors, dtype=object)[codes], index=idx),
            pd.Series(np.asarray(of_carrier, dtype=bool)[codes], index=idx))


@dataclass(frozen=True)
class Parsed:
    """A template table read once (:func:`parse`).

    ``problems`` has one row per problem: row (the line a person sees), column, reason. When
    there is none, ``rows`` is the table in canonical form, with the input's index: the template
    columns with text stripped, indicator and carrier in lower case, the phase spelled
    'baseline' or 'follow-up', ``value`` a float, the period dates as datetime64 (one day/month
    order for both columns), plus ``value_canonical`` and ``unit_canonical``. A table with a
    problem has no rows: nothing of it is to be stored.
    """

    rows: pd.DataFrame
    problems: pd.DataFrame

    @property
    def ok(self) -> bool:
        """True when the table has no problem (its rows can be stored)."""
        return self.problems.empty


#: the reason for a row that repeats another's figure (also said of rows in different pieces: metrics.chunks)
REPEAT = N_("the same enterprise, period, phase, indicator and carrier as line {line}: give one figure (their sum) "
            "per line")


def repeat_reason(line) -> str:
    """:data:`REPEAT` for the first row at ``line``, in the run's language."""
    return _(REPEAT).format(line=line)


def is_repeat(reason: str) -> bool:
    """True when ``reason`` (in the run's language) is :func:`repeat_reason` of some line."""
    import re

    pattern = re.escape(_(REPEAT)).replace(re.escape("{line}"), r"\d+")
    return re.fullmatch(pattern, str(reason)) is not None


def _no_problems() -> pd.DataFrame:
    return pd.DataFrame({"row": pd.Series(dtype=int), "column": pd.Series(dtype=str), "reason": pd.Series(dtype=str)})


def _refused(problems: pd.DataFrame) -> Parsed:
    return Parsed(pd.DataFrame(columns=TEMPLATE_COLUMNS + ["value_canonical", "unit_canonical"]), problems)


def validate(df: pd.DataFrame, *, first_line: int = FIRST_LINE) -> pd.DataFrame:
    """Every problem in a template table: one row per problem with columns row, column, reason.

    ``row`` is the line a person sees in the file (the first data row is line 2). An empty
    result means the table can be stored. The problems of :func:`parse`.
    """
    return parse(df, first_line=first_line).problems


def parse(df: pd.DataFrame, *, first_line: int = FIRST_LINE,
          date_orders: tuple[str | None, str | None] | None = None) -> Parsed:
    """Read a template table once: its problems, and when there are none its canonical rows.

    Every value, date and unit is parsed once; a factor is looked up once per distinct
    (indicator, carrier, unit) and serves both the checks and ``value_canonical``. Missing
    optional columns (country, sector, carrier, note) are taken as empty (note: None).
    ``date_orders`` (:func:`file_date_orders`) are the day/month orders of the whole file when
    ``df`` is a piece of it that starts at line ``first_line``.
    """
    return parse_keyed(df, first_line=first_line, date_orders=date_orders)[0]


def parse_keyed(df: pd.DataFrame, *, first_line: int = FIRST_LINE,
                date_orders: tuple[str | None, str | None] | None = None) -> tuple[Parsed, pd.DataFrame | None]:
    """:func:`parse`, and the key that makes a row one figure, read as parse reads it, for every
    row, refused or not (columns e, s, t, p, i, c: enterprise, period start and end, phase,
    indicator, carrier; with ``line``), so that pieces of a file can be checked for a figure given
    twice; None when a required column is missing."""
    problems: list[pd.DataFrame] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        return _refused(pd.DataFrame({"row": [1] * len(missing), "column": missing,
                                      "reason": [_("required column is missing")] * len(missing)})), None
    line = pd.Series(np.arange(len(df)) + first_line, index=df.index)

    def add(mask: pd.Series, column: str, reason) -> None:
        mask = mask.reindex(df.index, fill_value=False).fillna(False).astype(bool)
        if mask.any():
            reasons = reason.reindex(df.index)[mask] if isinstance(reason, pd.Series) else reason
            problems.append(pd.DataFrame({"row": line[mask], "column": column, "reason": reasons}))

    enterprise = _text(df["enterprise"])
    add(enterprise.eq(""), "enterprise", _("enterprise is missing"))
    start, end = period_dates(df, date_orders)
    for column, parsed in (("period_start", start), ("period_end", end)):
        ambiguous = pd.Series(False, index=df.index)
        if parsed.isna().any():  # the pattern is only looked for where no date was read
            ambiguous[parsed.isna()] = (df.loc[parsed.isna(), column].astype(str).str.fullmatch(_NUMERIC_DATE)
                                        .fillna(False))
        add(ambiguous, column, _("day and month cannot be told apart (is 01/06 the 1st of June or the 6th of "
                                 "January?); write dates as YYYY-MM-DD"))
        add(parsed.isna() & ~ambiguous, column, _("missing or not a date (use YYYY-MM-DD)"))
    add(start.notna() & end.notna() & (end < start), "period_end", _("Period end is before period start"))
    phase = _per_distinct(_text(df["phase"]), normalise_phase)
    add(phase.isna(), "phase", _("phase must be 'baseline' or 'follow-up'"))
    indicator = _lower(df["indicator"])
    known = indicator.isin(list(INDICATORS))
    add(~known, "indicator", _("unknown indicator (expected one of {known})").format(known=", ".join(INDICATORS)))
    value = parse_values(df["value"])
    comma = pd.Series(False, index=df.index)
    if value.isna().any():  # a decimal comma is only looked for where no number was read
        comma[value.isna()] = has_decimal_comma(df.loc[value.isna(), "value"])
    add(comma, "value", _("use a point for decimals (1.5, not 1,5); commas may only separate thousands (4,300)"))
    add(value.isna() & ~comma, "value", _("value is missing or not a number"))
    add(value.notna() & ~np.isfinite(value.fillna(0)), "value", _("value is not a finite number"))
    add(value < 0, "value", _("value is negative"))
    carrier = _lower(df["carrier"]) if "carrier" in df.columns else pd.Series("", index=df.index, dtype=object)
    unit = _text(df["unit"])
    add(unit.eq(""), "unit", _("unit is missing"))
    destinations = WASTE_DESTINATIONS + HAZARDOUS_DESTINATIONS
    bad_destination = indicator.eq("waste") & carrier.ne("") & ~carrier.isin(destinations)
    add(bad_destination, "carrier", _("unknown waste destination (expected one of {known}; hazardous waste: hazardous_ "
                                      "and the destination, e.g. hazardous_landfill; or empty)").format(
        known=", ".join(WASTE_DESTINATIONS)))
    bad_source = indicator.eq("water") & carrier.ne("") & ~carrier.isin(WATER_SOURCES)
    add(bad_source, "carrier", _("unknown water source (expected one of {known}, or empty)").format(
        known=", ".join(WATER_SOURCES)))
    bad_kind = indicator.eq("degree_days") & ~carrier.isin(DEGREE_DAY_KINDS)
    add(bad_kind, "carrier", _("degree days need the carrier {kinds}").format(
        kinds=_("{first} or {second}").format(first=DEGREE_DAY_KINDS[0], second=DEGREE_DAY_KINDS[1])))
    optional = _optional_inputs(df, indicator, carrier, add)
    energy_no_carrier = known & indicator.eq("energy") & carrier.eq("")
    add(energy_no_carrier, "carrier", _("energy needs a carrier (electricity, natural_gas, diesel, ...)"))
    check = known & unit.ne("") & ~energy_no_carrier
    factor = pd.Series(np.nan, index=df.index)
    canonical_unit = pd.Series("", index=df.index, dtype=object)
    if check.any():
        f, canon, error, is_carrier = _factors(indicator[check],
                                               carrier[check].where(indicator[check].eq("energy"), ""), unit[check])
        factor[check], canonical_unit[check] = f, canon
        bad = error.ne("") & error.notna()
        add(bad & is_carrier, "carrier", error)
        add(bad & ~is_carrier, "unit", error)
    # two rows for one figure (same enterprise, period, phase, indicator, carrier): storing one
    # would silently drop the other, so both are named
    key = pd.DataFrame({"e": enterprise, "s": start, "t": end, "p": phase, "i": indicator, "c": carrier})
    repeat = key.duplicated(keep="first") & enterprise.ne("") & start.notna() & end.notna()
    if repeat.any():
        first = line.groupby([key[c] for c in key.columns], dropna=False).transform("first")
        add(repeat, "carrier", first.map(repeat_reason))
    add(indicator.eq("yield") & (value * factor > 1 + 1e-9), "value", _("yield is over 100%"))
    for mask, reason in _out_of_bounds(value, unit, factor, canonical_unit, start, end):
        add(mask, "value", reason)
    key = key.assign(line=line)
    if problems:
        out = pd.concat(problems, ignore_index=True)
        return _refused(out.sort_values(["row", "column"], kind="stable").reset_index(drop=True)), key
    blank = pd.Series("", index=df.index, dtype=object)
    rows = pd.DataFrame({
        "enterprise": enterprise, "country": df["country"] if "country" in df.columns else blank,
        "sector": df["sector"] if "sector" in df.columns else blank, "period_start": start, "period_end": end,
        "phase": phase, "indicator": indicator, "carrier": carrier, "value": value, "unit": unit,
        "note": df["note"] if "note" in df.columns else pd.Series([None] * len(df), index=df.index, dtype=object),
        **optional, "value_canonical": value * factor, "unit_canonical": canonical_unit}, index=df.index)
    rows.attrs["factor_set"] = FACTOR_SET_VERSION
    return Parsed(rows, _no_problems()), key


def _currencies() -> frozenset[str]:
    """ISO 4217 codes as Unicode CLDR lists them (Babel), as the improvement actions check them."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def _optional_inputs(df: pd.DataFrame, indicator: pd.Series, carrier: pd.Series, add) -> dict[str, pd.Series]:
    """The optional inputs (``metrics.indicators.OPTIONAL_COLUMNS``) read and checked: ``renewable_pct`` a number
    from 0 to 100 on purchased electricity only; ``price`` a number of 0 or more on material input only, with its
    ``currency`` (an ISO 4217 code, in capitals; never converted). Missing columns and empty cells are not
    entered (NaN, '')."""
    blank = pd.Series("", index=df.index, dtype=object)
    out: dict[str, pd.Series] = {}
    for column, where, what in (("renewable_pct", indicator.eq("energy") & carrier.eq("electricity"),
                                 _("a renewable share is given for purchased electricity only")),
                                ("price", indicator.eq("material_input"),
                                 _("a price is given for material input only"))):
        raw = df[column] if column in df.columns else blank
        given = _text(raw).ne("")
        number = parse_values(raw.where(given, np.nan))
        if column == "renewable_pct":
            not_a_number = _("the renewable share is not a number")
            negative = _("the renewable share is negative or not a finite number")
        else:
            not_a_number, negative = _("the price is not a number"), _("the price is negative or not a finite number")
        add(given & number.isna(), column, not_a_number)
        add(given & number.notna() & (~np.isfinite(number.fillna(0)) | (number < 0)), column, negative)
        if column == "renewable_pct":
            add(given & (number > 100), column, _("the renewable share is over 100%"))
        else:  # a bound, so that a value saved (kg a year x price) stays a finite number: see METHODS.md, "Bounds"
            add(given & np.isfinite(number.fillna(0)) & (number > MAX_PRICE), column,
                _("the price is too large (over {limit} per unit); check the value").format(limit=f"{MAX_PRICE:.0e}"))
        add(given & ~where, column, what)
        out[column] = number.where(given, np.nan).astype(float)
    currency = _text(df["currency"]) if "currency" in df.columns else blank
    currency = _per_distinct(currency, str.upper)
    has_price = out["price"].notna()
    add(has_price & currency.eq(""), "currency",
        _("a price needs its currency (a three-letter ISO 4217 code, e.g. INR)"))
    add(currency.ne("") & ~currency.isin(_currencies()), "currency",
        _("not a currency: give its three-letter ISO 4217 code, e.g. INR, KES or USD"))
    add(currency.ne("") & ~has_price & _text(df["price"] if "price" in df.columns else blank).eq(""), "currency",
        _("a currency is given with a price only"))
    out["currency"] = currency
    return out


def _out_of_bounds(value: pd.Series, unit: pd.Series, factor: pd.Series, canonical_unit: pd.Series,
                   start: pd.Series, end: pd.Series) -> list[tuple[pd.Series, pd.Series]]:
    """(rows, reasons) of figures beyond the bounds: a canonical figure that is not a finite
    number, more than ``YEARLY_LIMITS`` a year over its period, or other than 0 but under
    ``SMALLEST``. A sum or difference of figures within them is finite (no inf, no overflow)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        canonical = value * factor
        days = (end - start).dt.days + 1
        yearly = canonical / days.where(days > 0) * DAYS_PER_YEAR
    known = value.notna() & np.isfinite(value.fillna(0)) & (value >= 0) & factor.notna()
    limit = canonical_unit.map(YEARLY_LIMITS).astype(float)
    infinite = known & ~np.isfinite(canonical.fillna(0))
    over = known & ~infinite & limit.notna() & (yearly > limit)
    tiny = known & (canonical > 0) & (canonical < SMALLEST)

    def reasons(mask: pd.Series, say) -> pd.Series:
        return pd.Series([say(i, unit_label(canonical_unit[i])) for i in mask.index[mask]], index=mask.index[mask],
                         dtype=object)

    def number(x: float) -> str:
        return f"{x:.4g}" if np.isfinite(x) else _("more than {limit}").format(limit="1.8e+308")

    def too_large(i, c) -> str:
        return _("value is too large: {value} {unit} is more {canonical_unit} than a number can hold; check the "
                 "value and the unit").format(value=f"{value[i]:g}", unit=unit[i], canonical_unit=c)

    def over_limit(i, c) -> str:
        return ngettext("value is too large: {value} {unit} over {days} day(s) is {yearly} {canonical_unit} a year, "
                        "over the limit of {limit} {canonical_unit} a year ({world}); check the value and the unit",
                        "value is too large: {value} {unit} over {days} day(s) is {yearly} {canonical_unit} a year, "
                        "over the limit of {limit} {canonical_unit} a year ({world}); check the value and the unit",
                        int(days[i])).format(
            value=f"{value[i]:g}", unit=unit[i], days=int(days[i]), yearly=number(yearly[i]), canonical_unit=c,
            limit=f"{YEARLY_LIMITS[canonical_unit[i]]:.0e}", world=_(WORLD_TOTALS[canonical_unit[i]]))

    def too_small(i, c) -> str:
        return _("value is too small: {value} {unit} is {canonical} {canonical_unit}, under the smallest figure "
                 "other than 0 ({smallest} {canonical_unit}); enter 0, or check the value and the unit").format(
            value=f"{value[i]:g}", unit=unit[i], canonical=f"{canonical[i]:.3g}", canonical_unit=c,
            smallest=f"{SMALLEST:g}")

    return [(infinite, reasons(infinite, too_large)), (over, reasons(over, over_limit)),
            (tiny, reasons(tiny, too_small))]


def _coded(series: pd.Series, clean) -> tuple[np.ndarray, np.ndarray, bool]:
    """(codes, cleaned distinct values, changed): each distinct value is cleaned once;
    missing -> ''. ``changed`` is False when cleaning left every value as it was."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    originals = list(uniques)
    values = [clean("" if u is None or u != u else str(u).strip()) for u in originals] + [""]
    missing = (codes < 0).any()
    if missing:
        codes = np.where(codes < 0, len(originals), codes)
    changed = bool(missing) or any(v != o for v, o in zip(values, originals, strict=False))  # not the '' added
    return codes, np.asarray(values, dtype=object), changed


def _rebuilt(series: pd.Series, codes: np.ndarray, values: np.ndarray, changed: bool) -> pd.Series:
    """The column with its cleaned values, rebuilt by one take (or returned as it was)."""
    if not changed:
        return series
    dtype = series.dtype if isinstance(series.dtype, (pd.StringDtype, pd.CategoricalDtype)) else object
    if isinstance(dtype, pd.CategoricalDtype):
        dtype = object
    taken = pd.Series(pd.array(values, dtype=dtype)).take(codes)
    taken.index = series.index
    return taken


def to_canonical(df: pd.DataFrame) -> pd.DataFrame:
    """The table with ``value_canonical`` and ``unit_canonical`` added (and the text normalised).

    Energy in kWh, masses in kg, water in m3, yield as a fraction, production in pieces, kg or
    m2. Raises UnitError naming the first bad (indicator, carrier, unit) when a unit does not
    fit; call :func:`validate` first for a report of every problem.

    Each text column is factorised once; a factor is computed per distinct (indicator,
    carrier, unit) key and applied with one take and one multiplication. ``attrs['factor_set']``
    names the reference data used.
    """
    out = df.copy(deep=False)
    ci, ui, ch_i = _coded(out["indicator"], str.lower)
    if "carrier" in out.columns:
        cc, uc, ch_c = _coded(out["carrier"], str.lower)
    else:
        out["carrier"] = ""
        cc, uc, ch_c = np.zeros(len(out), dtype=np.intp), np.asarray([""], dtype=object), False
    cu, uu, ch_u = _coded(out["unit"], lambda v: v)
    # one table of (indicator, carrier, unit) keys, dense when small (the usual case: no hashing)
    key = (ci.astype(np.int64) * len(uc) + cc) * len(uu) + cu
    size = len(ui) * len(uc) * len(uu)
    if size <= len(key) + 4096:
        slot, keys = key, np.arange(size)
        present = np.flatnonzero(np.bincount(key, minlength=size))
    else:
        slot, keys = pd.factorize(key)
        present = np.arange(len(keys))
    factors = np.full(len(keys), np.nan)
    canon_code = np.zeros(len(keys), dtype=np.int64)
    canon_names: list[str] = []
    for n in present:
        i, rest = divmod(int(keys[n]), len(uc) * len(uu))
        c, u = divmod(rest, len(uu))
        indicator, carrier, unit = ui[i], uc[c], uu[u]
        try:
            factors[n], name = canonical_factor(indicator, carrier if indicator == "energy" else "", unit)
        except (UnitError, ValueError) as exc:
            raise UnitError(_("{indicator} in {unit}: {problem}").format(indicator=indicator, unit=repr(unit),
                                                                          problem=exc)) from None
        if name not in canon_names:
            canon_names.append(name)
        canon_code[n] = canon_names.index(name)
    if "enterprise" in out.columns:  # "A " and "A" are one enterprise, as validate reads them
        out["enterprise"] = _rebuilt(out["enterprise"], *_coded(out["enterprise"], lambda v: v))
    out["indicator"] = _rebuilt(out["indicator"], ci, ui, ch_i)
    out["carrier"] = _rebuilt(out["carrier"], cc, uc, ch_c)
    out["unit"] = _rebuilt(out["unit"], cu, uu, ch_u)
    if "phase" in out.columns and not out["phase"].isin(PHASES).all():
        out["phase"] = _rebuilt(out["phase"], *_coded(out["phase"], lambda v: normalise_phase(v) or v))
    values = parse_values(out["value"]).to_numpy(dtype=float)
    if out["value"].dtype != np.float64:
        out["value"] = values
    out["value_canonical"] = values * factors[slot]
    out["unit_canonical"] = pd.Categorical.from_codes(canon_code[slot], categories=canon_names or ["dimensionless"])
    out.attrs["factor_set"] = FACTOR_SET_VERSION
    return out
