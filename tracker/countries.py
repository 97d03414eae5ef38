"""Country names for the ISO 3166 alpha-2 codes enterprises are stored with.

The names are the Unicode CLDR's, read through Babel (pinned in requirements.txt): a kept
source, not a table of our own. A code CLDR does not know reads as the code itself.
"""
from __future__ import annotations

from functools import lru_cache

from babel import Locale


@lru_cache(maxsize=8)
def _territories(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)


def country_name(code, locale: str = "en") -> str:
    """'Kenya' for 'KE' (any case); the code as given when it is not a country CLDR names, '' for none."""
    text = "" if code is None else str(code).strip()
    if len(text) == 2 and text.isalpha():
        return _territories(locale).get(text.upper(), text)
    return text


def country_label(code, locale: str = "en") -> str:
    """'Kenya (KE)': the name with the code, for pickers where people may type either."""
    name = country_name(code, locale)
    return name if name == str(code or "").strip() else f"{name} ({str(code).strip().upper()})"
