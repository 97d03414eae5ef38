"""Countries: the ISO 3166-1 alpha-2 codes enterprises, partners and clusters are stored with,
read from what people type (a code, or a country's name), and the names shown for them.

Codes and names are the Unicode CLDR's, read through Babel (pinned in requirements.txt): a kept
source, not a table of our own. CLDR names 264 two-letter regions; 15 of them are not ISO 3166-1
countries (:data:`NOT_COUNTRIES`), which leaves the 249 codes ISO 3166-1 assigns. A name is
recognised in the languages the programme works in (:data:`LANGUAGES`), ignoring case, accents
and punctuation ("cote d'ivoire", "Viet Nam", "Perú"), plus the alternative English names CLDR
lists but Babel does not ship (:data:`ENGLISH_VARIANTS`).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from babel import Locale

from metrics import i18n
from metrics.i18n import N_, _

#: two-letter regions CLDR names that are not ISO 3166-1 countries: exceptionally reserved codes
#: (AC, CP, CQ, DG, EA, IC, TA), groupings (EU, EZ, UN, QO), private use (XA, XB, XK, ZZ)
NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "IC", "TA", "EU", "EZ", "UN", "QO", "XA", "XB", "XK",
                           "ZZ"})
#: languages whose CLDR country names are recognised (English, the programme's working languages,
#: and the UN's)
LANGUAGES = ("en", "es", "fr", "pt", "vi", "id", "tr", "sw", "zh", "zh_Hant", "ar", "ru")
#: English names CLDR keeps as alternatives ("variant", "short") that Babel does not ship
ENGLISH_VARIANTS = {"Turkey": "TR", "Ivory Coast": "CI", "Czech Republic": "CZ", "Swaziland": "SZ",
                    "East Timor": "TL", "Congo (DRC)": "CD", "Democratic Republic of the Congo": "CD",
                    "Congo (Republic)": "CG", "Republic of the Congo": "CG", "Hong Kong": "HK", "Macao": "MO",
                    "Macau": "MO", "Palestine": "PS", "UK": "GB", "USA": "US", "United States of America": "US",
                    "Bosnia": "BA", "Macedonia": "MK"}
_EXAMPLES = N_("a two-letter ISO 3166 code (IN, VN, KE) or a country's name (India, Viet Nam, Kenya)")
#: the help beside a country's text box (shown through _, or :func:`country_help`)
COUNTRY_HELP = N_("Give a two-letter ISO 3166 code (IN, VN, KE) or a country's name (India, Viet Nam, Kenya); it is "
                  "stored as the code.")


def country_help() -> str:
    """:data:`COUNTRY_HELP` in the run's language."""
    return _(COUNTRY_HELP)


@lru_cache(maxsize=8)
def _territories(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)


@lru_cache(maxsize=1)
def codes() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes (249)."""
    return frozenset(c for c in _territories("en") if len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES)


def _key(name: str) -> str:
    """A name as compared: without accents, case, punctuation; '&' is 'and', 'St.' 'Saint'."""
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()
    words = re.sub(r"\W+", " ", text.replace("&", " and ")).split()
    return " ".join("saint" if w == "st" else w for w in words)


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    """{compared name: code}; a name two countries share in some language is left out."""
    found: dict[str, set[str]] = {}
    for locale in LANGUAGES:
        for code, name in _territories(locale).items():
            if code not in codes():
                continue
            names = [name]
            inner = re.fullmatch(r"(.+?)\s*\((.+)\)\s*", name)  # 'Myanmar (Burma)': either
            if inner and locale == "en":
                names += list(inner.groups())
            for n in names:
                found.setdefault(_key(n), set()).add(code)
    for name, code in ENGLISH_VARIANTS.items():
        found.setdefault(_key(name), set()).add(code)
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1 and not _code_like(k)}


def _code_like(text: str) -> bool:
    """Two Latin letters: read as a code only ('AO' is Angola, never Vietnamese 'Áo', Austria)."""
    return len(text) == 2 and text.isascii() and text.isalpha()


def country_code(text) -> str:
    """The ISO 3166-1 alpha-2 code of ``text``: a code in any case ('ke') or a country's name
    ('Kenya', 'Côte d'Ivoire', 'Viet Nam'). ValueError with what to give when it is neither
    (an empty text included); the message quotes at most 40 characters of it."""
    raw = "" if text is None else str(text).strip()
    if not raw:
        raise ValueError(_("The country is missing: give {examples}.").format(examples=_(_EXAMPLES)))
    if _code_like(raw) and raw.upper() in codes():
        return raw.upper()
    code = None if _code_like(raw) else _by_name().get(_key(raw))
    if code is None:
        shown = raw if len(raw) <= 40 else raw[:40] + "..."
        raise ValueError(_("{shown} is not a country: give {examples}.").format(shown=repr(shown),
                                                                                 examples=_(_EXAMPLES)))
    return code


def country_name(code, locale: str | None = None) -> str:
    """'Kenya' for 'KE' (any case), in ``locale`` (the run's, metrics.i18n, when not given: 'Quênia' in
    Portuguese); the code as given when it is not a country CLDR names, '' for none."""
    text = "" if code is None else str(code).strip()
    if len(text) == 2 and text.isalpha():
        return _territories(locale or i18n.current()).get(text.upper(), text)
    return text


def country_label(code, locale: str | None = None) -> str:
    """'Kenya (KE)': the name with the code, for pickers where people may type either."""
    name = country_name(code, locale)
    return name if name == str(code or "").strip() else f"{name} ({str(code).strip().upper()})"
