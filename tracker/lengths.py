"""How long a text may be where it is stored: one rule for DuckDB and PostgreSQL alike.

The limits are the lengths of the text columns in tracker/models.py (``String(n)``: n characters),
read from the schema, so they are written down once. PostgreSQL refuses a longer text with an
error that quotes the whole statement; DuckDB stores it, and a backup of it then fails to restore
into PostgreSQL. Services call :func:`fit` before the database sees a text: a plain message that
names the field and the limit, and never quotes the text (nor anything stored beside it, such as a
password hash). Free text without a column length (``Text``) may hold :data:`FREE_TEXT` characters.
A text may not hold control characters (NUL, which PostgreSQL cannot store, among them) nor lone
surrogates; free text may hold line breaks and tabs.
"""
from __future__ import annotations

import re

import pandas as pd

from metrics.i18n import _

#: characters of free text (descriptions, notes), where the column itself has no length
FREE_TEXT = 4000
#: control characters (Unicode category Cc) and lone surrogates (Cs); free text keeps tabs and line breaks
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_IN_FREE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _length(column) -> int | None:
    return getattr(column.property.columns[0].type, "length", None)


def limit(column) -> int:
    """The most characters ``column`` (a model attribute: ``Enterprise.name``) holds."""
    return int(_length(column) or FREE_TEXT)


def problem(column, text: str, what: str) -> str | None:
    """Why ``text`` cannot be stored in ``column`` ('The sector has 150 characters; at most 100
    fit.'), or None when it can. ``what`` names the field as a person knows it."""
    return problems(column, pd.Series([text], dtype=object), what).iloc[0]


def problems(column, texts: pd.Series, what: str) -> pd.Series:
    """:func:`problem` of every text of ``texts`` (None where it fits), once per distinct text."""
    n = limit(column)
    control = _CONTROL if _length(column) else _CONTROL_IN_FREE_TEXT
    such = _("NUL or a line break") if _length(column) else "NUL"

    def why(text) -> str | None:
        text = "" if text is None or text != text else str(text)
        if len(text) > n:
            return _("{what} has {n} characters; at most {most} fit. Shorten it.").format(
                what=what, n=f"{len(text):,}", most=f"{n:,}")
        if control.search(text):
            return _("{what} contains a control character (such as {such}), which cannot be stored.").format(
                what=what, such=such)
        return None

    codes, uniques = pd.factorize(texts.astype(object), use_na_sentinel=True)
    reasons = [why(u) for u in uniques] + [None]
    return pd.Series([reasons[c] for c in codes], index=texts.index, dtype=object)


def table_problems(df: pd.DataFrame, lines: pd.Series, columns: dict[str, tuple]) -> pd.DataFrame:
    """Problems (row, column, reason) of the texts in ``df``'s ``columns`` ({column: (model
    attribute, what)}), each named by its line in ``lines``."""
    found = [pd.DataFrame(columns=["row", "column", "reason"])]
    for column, (attribute, what) in columns.items():
        reasons = problems(attribute, df[column], what)
        bad = reasons.notna()
        if bad.any():
            found.append(pd.DataFrame({"row": lines[bad], "column": column, "reason": reasons[bad]}))
    return pd.concat(found, ignore_index=True) if len(found) > 1 else found[0]


def fit(column, text, what: str) -> str:
    """``text`` stripped of surrounding spaces ('' for None), or ValueError with :func:`problem`."""
    text = "" if text is None else str(text).strip()
    if (why := problem(column, text, what)) is not None:
        raise ValueError(why)
    return text
