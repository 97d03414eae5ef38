"""Every page in every language, in Chromium: no English interface text left.

For each supported language a browser whose language it is opens the sign-in page (which then
speaks it), signs in as the admin (whose pages are all but the trainer's own) and as the trainer,
clicks every page in the sidebar, saves a screenshot of each, and reads what the page shows: the
text of the page and the sidebar, and the titles, axes and legends of every drawn chart. A line
that is one of the catalogue's English messages (placeholders matching anything) where the language
translates it is English left on the page; so is a line of English sentence words that is not the
database's own text (names, notes and descriptions people typed). Names, units and codes aside.
"""
from __future__ import annotations

import re

import pytest
from babel.messages import pofile
from playwright.sync_api import expect

from metrics import i18n
from tests.e2e.conftest import browser_in, demo_database, idle, serve, sign_in_any, words_in
from tools import i18n as tool

BROWSER_TAGS = {"es": "es-ES", "fr": "fr-FR", "zh_Hans": "zh-CN", "vi": "vi-VN", "id": "id-ID"}
LANGUAGES = [code for code in i18n.languages() if code != i18n.SOURCE]
#: English words that make a sentence (a name seldom has three of them)
FUNCTION_WORDS = {"the", "and", "of", "to", "for", "with", "is", "are", "was", "not", "this", "that", "your",
                  "you", "from", "by", "be", "on", "or", "an", "each", "has", "have", "no", "when", "which",
                  "there", "here", "can", "will", "must", "it", "its", "as", "at", "in", "a", "per", "enter",
                  "save", "saved", "show", "shown", "choose", "select", "upload", "download"}
MARKDOWN = re.compile(r"\*\*|__|`|\[([^\]]*)\]\([^)]*\)")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("languages")
    url = demo_database(folder)
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    typed: set[str] = set()
    with engine.connect() as conn:  # the database's own words: what people typed is never translated
        for table, column in conn.execute(text(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE data_type LIKE 'VARCHAR%' OR data_type = 'TEXT'")).all():
            if table in ("audit_log", "alembic_version", "statements"):
                continue
            for (value,) in conn.execute(text(f'SELECT DISTINCT "{column}" FROM "{table}"')).all():
                if value and len(str(value)) > 3:
                    typed.add(" ".join(str(value).split()))
    engine.dispose()
    with serve(url) as base:
        yield base, typed


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    with tool.extract(tmp_path_factory.mktemp("pot") / "messages.pot").open("rb") as f:
        return pofile.read_po(f)


def _english_patterns(template, code):
    """A regular expression per English message the language translates differently."""
    i18n.use(code)
    try:
        patterns = []
        for m in template:
            if not m.id or m.context == "glossary":
                continue
            for english in (m.id if isinstance(m.id, tuple) else (m.id,)):
                shown = (i18n.ngettext(m.id[0], m.id[1], 2) if isinstance(m.id, tuple)
                         else i18n.pgettext(m.context, m.id) if m.context else i18n._(m.id))
                words = MARKDOWN.sub(lambda g: g.group(1) or "", english)
                literal = re.findall(r"[A-Za-z]+", re.sub(r"\{[^}]*\}", "", words))
                if shown == english or not literal or ("{" in words and sum(map(len, literal)) < 8):
                    continue  # nothing to tell English by ('{unit} per {per}' would match any line)
                parts = re.split(r"\{[^}]*\}", " ".join(words.split()))
                patterns.append((english, re.compile(".+?".join(re.escape(p) for p in parts), re.IGNORECASE)))
        return patterns
    finally:
        i18n.use("en")


def _shown_lines(page) -> list[str]:
    text = page.locator("[data-testid='stMain']").inner_text() + "\n" + \
        page.locator("[data-testid='stSidebar']").inner_text()
    charts = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(el => {
        const l = el.layout || {}, out = [];
        const t = x => x && (typeof x === 'string' ? x : x.text);
        out.push(t(l.title));
        for (const k of Object.keys(l)) if (/^[xy]axis/.test(k)) out.push(t(l[k].title));
        for (const d of (el.data || [])) out.push(d.name);
        for (const a of (l.annotations || [])) out.push(a.text);
        return out.filter(Boolean);
    })""")
    # Streamlit's own words on uploaders: drawn at size 0, the language's in their place (::after)
    hidden, shown = page.evaluate("""() => {
        const hidden = [], shown = [];
        const up = '[data-testid="stFileUploader"]';
        for (const el of document.querySelectorAll(`${up} p, ${up} span`))
            if (getComputedStyle(el).fontSize === '0px' && el.children.length === 0) {
                hidden.push(el.innerText.trim());
                shown.push(getComputedStyle(el, '::after').content.replace(/^"|"$/g, ''));
            }
        // an icon is drawn from its name ('upload', 'factory'): a picture, not a word
        for (const el of document.querySelectorAll('[data-testid="stIconMaterial"]')) hidden.push(el.innerText.trim());
        return [hidden, shown];
    }""")
    lines = [re.sub(r"<[^>]+>", " ", x) for x in [*text.splitlines(), *charts, *shown] if x.strip() not in hidden]
    return [" ".join(line.split()) for line in lines if line.strip()]


def _english_left(lines, patterns, typed) -> list[str]:
    found = []
    for line in lines:
        if any(t in line for t in typed if len(t) >= 12) or line in typed:
            continue  # a name, note or description people typed
        hit = next((english for english, p in patterns if p.fullmatch(line)), None)
        words = re.findall(r"[a-z]+", line.lower())
        sentence = len(words) >= 4 and len(FUNCTION_WORDS.intersection(words)) >= 3 \
            and sum(w in FUNCTION_WORDS for w in words) * 3 >= len(words)
        if hit or sentence:
            found.append(f"{line!r}" + (f" (the English of {hit!r})" if hit else ""))
    return found


@pytest.mark.parametrize("role", ["admin", "trainer"])
@pytest.mark.parametrize("code", LANGUAGES)
def test_every_page_speaks_the_language(browser, served, template, tmp_path, code, role):
    base, typed = served
    patterns = _english_patterns(template, code)
    with browser_in(browser, BROWSER_TAGS.get(code, code)) as page:
        sign_in_any(page, base, f"demo-{role}")
        expect(page.get_by_role("button", name=words_in(code, "Sign out"))).to_be_visible()
        links = page.locator("[data-testid='stSidebarNavLink']")
        count = links.count()
        assert count >= (13 if role == "admin" else 6)
        left = {}
        for i in range(count):
            link = links.nth(i)
            path = link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
            link.click()
            if i:  # the page of this link is drawn (its heading), and its run has ended
                page.wait_for_url(lambda url, path=path: url.rstrip("/").endswith(path))
            expect(page.locator("[data-testid='stMain'] h1").first).to_be_visible()
            idle(page)
            # every chart shown (not those in a tab not open) drawn before its words are read
            page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                .filter(e => e.offsetParent !== null).every(e => e.querySelector('.main-svg'))""")
            page.screenshot(path=tmp_path / f"{code}-{role}-{i:02d}.png", full_page=True)
            assert page.locator("[data-testid='stException']").count() == 0, f"page {i} shows an exception"
            lines = _shown_lines(page)
            assert len(lines) >= 10, f"page {i} shows almost nothing: {lines}"  # read a page drawn, not one emptied
            if found := _english_left(lines, patterns, typed):
                left[f"page {i} ({links.nth(i).inner_text().splitlines()[-1]})"] = found
        assert not left, f"{code}, {role}: English left on {len(left)} pages (screenshots in {tmp_path}): {left}"
