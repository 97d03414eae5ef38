"""Numbers as each locale writes them (Babel's CLDR data): read what a person types, write what
they read.

* Reading (:func:`read`): a Spanish, French, Indonesian or Vietnamese person types ``1,5`` for
  one and a half and ``1.200`` or ``1 200`` for twelve hundred; an English or Chinese person types
  ``1.5`` and ``1,200``, and English (India) ``1,20,000`` for 120000. A typed number that does not
  follow its locale's way, where another reading exists (``1.5`` typed in Spanish, ``1,5`` in
  English), is refused with a plain message, never guessed: a silent factor of ten or a thousand
  is the worst error a figure can have.
* Writing (:func:`localise`): metrics/formatting.py writes every figure in one fixed way ('1,234.5',
  '+27.0%') and hands the text here for the locale's decimal and group symbols and percent sign.

Files (the Excel/CSV template) keep one documented format whatever the language: a point for
decimals (metrics.frames.parse_values); only what a person types in a form is read in their locale.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal

from metrics.i18n import _, current


class NumberError(ValueError):
    """A typed number that cannot be read in the person's locale (the message says how to write it)."""


@dataclass(frozen=True)
class Style:
    """How a locale writes numbers: its decimal and group symbols, its percent sign's place, and
    whether it groups the Indian way (1,20,000)."""
    decimal: str
    group: str
    percent_suffix: str
    indian: bool


@lru_cache(maxsize=64)
def style(locale: str) -> Style:
    loc = Locale.parse(locale)
    symbols = loc.number_symbols.get("latn", {})
    pattern = loc.decimal_formats.get(None).pattern
    percent = loc.percent_formats.get(None).pattern
    suffix = percent[percent.rindex("0") + 1:].split(";")[0] or "%"
    return Style(decimal=symbols.get("decimal", "."), group=symbols.get("group", ","),
                 percent_suffix=suffix.replace("\u00a4", ""), indian="#,##,##0" in pattern)


_ENGLISH = Style(".", ",", "%", False)


def localise(text: str, locale: str | None = None) -> str:
    """Text written the fixed way ('-1,234.5', '27.0%') in ``locale``'s symbols (the run's by default)."""
    s = style(locale or current())
    if s == _ENGLISH:
        return text
    if s.indian:
        text = _indian(text)
    if s.percent_suffix != "%" and text.endswith("%"):
        text = text[:-1] + s.percent_suffix
    if s.decimal == "." and s.group == ",":
        return text
    return text.translate(str.maketrans({",": s.group, ".": s.decimal}))


_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+")


def _indian(text: str) -> str:
    """'1,200,000' -> '12,00,000': the last three digits, then pairs."""
    def regroup(m: re.Match) -> str:
        digits = m.group(0).replace(",", "")
        if len(digits) <= 5:
            return m.group(0)
        head, tail = digits[:-3], digits[-3:]
        pairs = re.findall(r"\d{1,2}(?=(?:\d{2})*$)", head)
        return ",".join([*pairs, tail])
    return _THOUSANDS.sub(regroup, text)


_SPACES = "\u0020\u00a0\u202f\u2009"


def read(text, locale: str | None = None) -> float:
    """The number ``text`` means in ``locale`` (the run's by default); raises :class:`NumberError`
    when it is not a number there, or could be read another way (the message says how to write it)."""
    s = style(locale or current())
    raw = str(text).strip()
    if not raw:
        raise NumberError(_("No number was typed."))
    decimal, group = s.decimal, s.group
    if decimal == ",":
        groups = "." + _SPACES + ("" if group in _SPACES + "." else group)
        g = f"[{re.escape(groups)}]"
        m = re.fullmatch(rf"([+-]?)([1-9]\d{{0,2}}(?:{g}\d{{3}})+|\d+)(?:,(\d+))?", raw)
        if m is None:
            raise NumberError(_refusal(raw, s))
        value = float(f"{m.group(1)}{re.sub(g, '', m.group(2))}.{m.group(3) or '0'}")
    else:  # a point for decimals; commas (or spaces) between thousands, or India's 1,20,000
        sp = f"[{_SPACES}]"
        whole = rf"[1-9]\d{{0,2}}(?:,\d{{3}})+|[1-9]\d?(?:,\d{{2}})+,\d{{3}}|[1-9]\d{{0,2}}(?:{sp}\d{{3}})+|\d+"
        m = re.fullmatch(rf"([+-]?)({whole})(?:\.(\d+))?", raw)
        if m is None and re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+", raw):
            value = float(raw)  # 1e999 is no finite number either
        elif m is None:
            raise NumberError(_refusal(raw, s))
        else:
            value = float(f"{m.group(1)}{re.sub(f'[,{_SPACES}]', '', m.group(2))}.{m.group(3) or '0'}")
    if not math.isfinite(value):
        raise NumberError(_("{text} is not a finite number.").format(text=raw))
    return value


def _refusal(raw: str, s: Style) -> str:
    other = "," if s.decimal == "." else "."
    if re.fullmatch(rf"[+-]?[\d{re.escape(_SPACES)}.,]*\d", raw) and other in raw:
        example_half, example_thousands = write(1.5, s), write(1200.0, s)
        return _("{text} can be read two ways: write decimals with '{decimal}' ({half}) and group thousands "
                 "as in {thousands}, or leave the grouping out.").format(
            text=raw, decimal=s.decimal, half=example_half, thousands=example_thousands)
    return _("{text} is not a number.").format(text=raw)


def write(value: float, s: Style | str | None = None) -> str:
    """``value`` as the locale writes it with up to six decimals (what a form shows back)."""
    s = s if isinstance(s, Style) else style(s or current())
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    if s.indian and abs(value) >= 100_000:
        return format_decimal(value, format="#,##,##0.######", locale="en_IN")
    if s == _ENGLISH or (s.decimal == "." and s.group == ","):
        return text
    return text.translate(str.maketrans({",": s.group, ".": s.decimal}))
