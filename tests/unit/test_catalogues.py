"""The catalogues: every language complete, its placeholders the English ones, its glossary used.

The words are extracted afresh from the code (tools/i18n.py, pybabel), so a word wrapped in _()
but missing from a language's file fails here, as does an entry left empty or fuzzy, a
translation that drops, adds or renames a {placeholder}, and a message that names a glossary term
in English but not in the language's chosen form. A new language's file is picked up by itself.
"""
from __future__ import annotations

import re
import string

import pytest
from babel.messages import pofile

from metrics import i18n
from tools import i18n as tool

LANGUAGES = [code for code in i18n.languages() if code != i18n.SOURCE]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tool.extract(tmp_path_factory.mktemp("pot") / "messages.pot")
    with path.open("rb") as f:
        return pofile.read_po(f)


def _catalogue(code):
    with (i18n.LOCALE_DIR / code / "LC_MESSAGES" / f"{i18n.DOMAIN}.po").open("rb") as f:
        return pofile.read_po(f, locale=code)


def _forms(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _fields(text: str) -> set[str] | list[str]:
    """A message's placeholders: its {names}, or (argparse's words) its %-placeholders in order."""
    if re.search(r"%(\(\w+\))?[sr]", text):
        return sorted(re.findall(r"%(?:\(\w+\))?[sr]", text))
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_six_languages_are_supported():
    assert set(i18n.languages()) >= {"en", "es", "fr", "zh_Hans", "vi", "id"}


def test_the_code_marks_words_for_translation(template):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    assert "Language" in ids and "baseline" in ids


@pytest.mark.parametrize("code", LANGUAGES)
def test_placeholders_are_the_english_ones(code):
    wrong = []
    for m in _catalogue(code):
        if not m.id:
            continue
        english = _fields(m.id if isinstance(m.id, str) else m.id[1])
        if isinstance(m.id, tuple):  # a singular may leave out the count ("one enterprise")
            allowed = set(english) | set(_fields(m.id[0]))
            wrong += [(m.id, s) for s in _forms(m.string) if s and not set(_fields(s)) <= allowed]
        else:
            wrong += [(m.id, s) for s in _forms(m.string) if s and _fields(s) != english]
    assert not wrong, f"{code}: placeholders differ from the English: {wrong[:10]}"


#: quoted or backticked words are values typed in files or commands: they stay English; a
#: {placeholder} is not a word
_CODES = re.compile(r"`[^`]*`|'[^'\s][^']*'|\"[^\"]*\"|\{[^}]*\}")  # and {placeholders}


def _glossary(code):
    return {m.id: [f.strip() for f in m.string.split("|") if f.strip()]
            for m in _catalogue(code) if m.context == "glossary" and m.string}


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_glossary_terms_are_used(code):
    glossary = _glossary(code)
    missing = []
    for m in _catalogue(code):
        if not m.id or m.context == "glossary" or not m.string:
            continue
        english = _CODES.sub("", m.id if isinstance(m.id, str) else m.id[-1])
        for text in _forms(m.string):  # 'baseline' typed in a file is a code, not the term
            for term, forms in glossary.items():
                if re.search(rf"(?<![\w-]){re.escape(term)}s?(?![\w-])", english, re.IGNORECASE) \
                        and not any(f.lower() in text.lower() for f in forms):
                    missing.append((term, english, text))
    assert not missing, f"{code}: glossary terms not used: {missing[:10]}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_word_is_translated(template, code):
    """Every word the code marks is in the language's file, translated and not fuzzy."""
    cat = _catalogue(code)
    gaps = []
    for m in template:
        if not m.id:
            continue
        ours = cat.get(m.id, context=m.context)
        if ours is None or ours.fuzzy or not all(_forms(ours.string)):
            gaps.append(m.id)
    assert not gaps, f"{code}: {len(gaps)} words untranslated or fuzzy (tools/i18n.py todo {code}), e.g. {gaps[:5]}"


def test_a_translation_is_shown_in_its_language_and_english_is_untouched():
    code = next(c for c in LANGUAGES if _glossary(c))
    translated = _glossary(code)["baseline"][0]
    i18n.use(code)
    try:
        assert i18n.pgettext("glossary", "baseline").split("|")[0].strip() == translated
    finally:
        i18n.use("en")
    assert i18n.pgettext("glossary", "baseline") == "baseline"


def test_two_sessions_read_each_their_own_language():
    """The language is per run (a context variable): a thread that sets Spanish leaves another's
    English alone."""
    import threading

    seen = {}

    def run(code):
        i18n.use(code)
        barrier.wait()  # both have set their language before either reads
        seen[code] = (i18n.current(), i18n.language_of(i18n.current()))

    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=run, args=(c,)) for c in ("es_BO", "en")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"es_BO": ("es_BO", "es"), "en": ("en", "en")}


@pytest.mark.parametrize("tag, expected", [("es-BO", "es_BO"), ("zh-CN", "zh_Hans_CN"), ("en-IN", "en_IN"),
                                           ("de", None), ("xx", None), ("", None), ("zh-TW", None)])
def test_supported_locales(tag, expected):
    assert i18n.supported(tag) == expected


def test_the_sign_in_page_offers_a_regional_format_only_where_it_differs():
    assert "en_IN" in i18n.offered("en-IN")  # 1,20,000
    assert i18n.offered("en-US") == list(i18n.languages())
    assert i18n.offered("de-DE") == list(i18n.languages())
