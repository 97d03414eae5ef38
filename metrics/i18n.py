"""Words in the reader's language: gettext catalogues managed with Babel.

Every word the product shows is written in English in the code and passed through :func:`_`
(or :func:`ngettext` when it depends on a count). The translations live in one file per language,
``locale/<code>/LC_MESSAGES/messages.po``; adding that file adds the language (README,
"Languages"). The catalogues are compiled in memory when first used, so no build step and no
network service is needed.

The language of a run is set once at its start with :func:`use` (the signed-in person's, or the
one picked on the sign-in page) and read by every call of :func:`_` in that run: a context
variable, so two people's sessions, each in its own thread, never see each other's language.

Module-level words (dictionaries of labels, column names) are marked with :func:`N_`, which only
marks them for extraction; they are translated where they are shown, with ``_(word)``.

Placeholders are named (``_("{n} enterprises").format(n=...)``), never positional, so a
translation may put them in its own order; a test checks every translation keeps the same names.
"""
from __future__ import annotations

import contextvars
import gettext
import io
import os
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages import mofile, pofile

#: where the catalogues live: locale/<code>/LC_MESSAGES/messages.po (SCORE_LOCALE_DIR points
#: elsewhere, e.g. at a pseudo-language that shows which words were left out of the catalogues)
LOCALE_DIR = Path(os.environ.get("SCORE_LOCALE_DIR") or Path(__file__).resolve().parent.parent / "locale")
DOMAIN = "messages"
#: the language the code is written in (it has no catalogue)
SOURCE = "en"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default=SOURCE)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it (translate where it is shown)."""
    return message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with its plural for extraction without translating it (ngettext where shown)."""
    return singular, plural


def NP_(context: str, message: str) -> str:
    """Mark ``message`` in ``context`` for extraction (pgettext where shown)."""
    return message


@cache
def languages() -> tuple[str, ...]:
    """The supported languages: English and every language with a catalogue, in code order."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE, *[code for code in found if code != SOURCE])


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as f:
        catalog = pofile.read_po(f, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    mofile.write_mo(buffer, catalog, use_fuzzy=False)  # a fuzzy entry is never shown
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def normalise(tag: str | None) -> str:
    """A locale tag as Babel writes it ('es-BO' -> 'es_BO', 'zh-CN' -> 'zh_Hans_CN'), or English
    when ``tag`` is empty or unknown."""
    if not tag:
        return SOURCE
    try:
        return str(Locale.parse(str(tag).replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return SOURCE


@lru_cache(maxsize=256)
def language_of(locale: str) -> str:
    """The supported language a locale reads in ('es_BO' -> 'es', 'zh_Hans_CN' -> 'zh_Hans',
    'de' -> 'en')."""
    supported = languages()
    loc = Locale.parse(normalise(locale))
    for candidate in (f"{loc.language}_{loc.script}" if loc.script else None, loc.language):
        if candidate in supported:
            return candidate
    if loc.language == "zh" and "zh_Hans" in supported:  # zh, zh_CN, zh_SG read simplified
        return "zh_Hans" if loc.script != "Hant" else SOURCE
    return SOURCE


@lru_cache(maxsize=256)
def supported(locale) -> str | None:
    """``locale`` normalised ('es-BO' -> 'es_BO') when it reads in a supported language (English
    and its regional forms included), else None."""
    try:
        loc = Locale.parse(str(locale).strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    tag = str(loc)
    return tag if language_of(tag) != SOURCE or loc.language == SOURCE else None


def offered(browser: str | None = None) -> list[str]:
    """The locales a person may choose: each supported language, and the browser's own locale
    (e.g. English (India), Spanish (Bolivia)) when it is a regional form of one of them, first."""
    out = list(languages())
    tag = supported(browser) if browser else None
    if tag and tag not in out and _number_format(tag) != _number_format(language_of(tag)):
        out.insert(out.index(language_of(tag)) + 1, tag)
    return out


@lru_cache(maxsize=256)
def from_browser(tag: str | None) -> str | None:
    """The locale a browser's language tag stands for here: its regional form where that writes
    numbers differently ('en-IN'), else its language ('en-US' -> 'en', 'es-ES' -> 'es'); None when
    its language is not supported."""
    tag = supported(tag) if tag else None
    if tag is None:
        return None
    return tag if tag in offered(tag) else language_of(tag)


@lru_cache(maxsize=256)
def _number_format(locale: str) -> tuple:
    loc = Locale.parse(locale)
    symbols = loc.number_symbols.get("latn", {})
    return symbols.get("decimal"), symbols.get("group"), loc.decimal_formats.get(None).pattern


@lru_cache(maxsize=256)
def display_name(locale: str) -> str:
    """A locale's name in its own language ('Español (Bolivia)', '中文 (简体)')."""
    name = Locale.parse(normalise(locale)).get_display_name(normalise(locale)) or locale
    return name[:1].upper() + name[1:]


def reload() -> None:
    """Read the catalogues again (after LOCALE_DIR changed, or a file was edited in place)."""
    for cached in (languages, _catalogue, language_of, supported, from_browser, _number_format, display_name):
        cached.cache_clear()


def use(locale: str | None) -> str:
    """Set the locale of this run (and of this thread's later calls); returns it normalised."""
    tag = normalise(locale)
    _current.set(tag)
    return tag


def current() -> str:
    """The locale of this run ('en' unless :func:`use` said otherwise)."""
    return _current.get()


def _(message: str) -> str:
    """``message`` in the current language (itself when it has no translation)."""
    if not message:
        return message
    return _catalogue(language_of(_current.get())).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language."""
    return _catalogue(language_of(_current.get())).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` as meant in ``context`` (one English word, two meanings)."""
    return _catalogue(language_of(_current.get())).pgettext(context, message)
