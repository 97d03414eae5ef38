"""What every page shares: the cached engine, the signed-in user, the enterprise picker.

Pages read inputs, call one tracker service, and draw the result; they never build SQL or
convert units themselves.
"""
from __future__ import annotations

import contextvars
import re

import streamlit as st

from metrics import i18n
from metrics.i18n import N_, _
from tracker import clusters, enterprises, partners
from tracker.auth import CurrentUser
from tracker.config import database_url
from tracker.db import open_database
from ui import chart_locale


@st.cache_resource(show_spinner="Opening the database")
def _engine(url: str):
    return open_database(url, wait_seconds=5.0)


def engine():
    """The one engine of this process, for the database SCORE_DB_URL names."""
    return _engine(database_url())


def init_state() -> None:
    """All session state is initialised here, once."""
    st.session_state.setdefault("user", None)
    st.session_state.setdefault("enterprise_id", None)


def language() -> str:
    """The locale of this session: the signed-in person's (stored on the account), else the one
    picked on the sign-in page, else the browser's when it is supported, else English."""
    user = st.session_state.get("user")
    if user is not None and getattr(user, "language", ""):
        return user.language
    return st.session_state.get("locale") or i18n.from_browser(st.context.locale) or i18n.SOURCE


def in_language(make):
    """``make`` (a download button's file, made when the button is pressed) to be run in this run's language.

    Streamlit makes such a file in a thread of its own, where the run's language is not set: without this the
    file would be English whatever the person chose (issue 12: a file is made in the language chosen when it is
    downloaded)."""
    locale = i18n.current()

    def made():
        def run():
            i18n.use(locale)
            return make()
        return contextvars.copy_context().run(run)
    return made


def streamlit_words() -> None:
    """Streamlit's own words, which it offers no way to set, shown in the session's language: on
    file uploaders ("Upload", "200MB per file") and under a box being typed in ("Press Enter to
    submit form", "Press Enter to apply"). The English is drawn at size 0 and the translation in
    its place (CSS, once per run; nothing in English sessions)."""
    if i18n.current() == i18n.SOURCE:
        return
    upload = _css_text(i18n._("Upload"))
    limit = _css_text(i18n._("{size} MB per file").format(size=st.get_option("server.maxUploadSize")))
    apply, submit = _css_text(i18n._("Press Enter to apply")), _css_text(i18n._("Press Enter to submit form"))
    apply_many = _css_text(i18n._("Press Ctrl+Enter to apply"))
    submit_many = _css_text(i18n._("Press Ctrl+Enter to submit form"))
    hint = '[data-testid="InputInstructions"] > span:first-child'  # then the count of a limited box, '2/3'
    st.html(f"""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p,
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after
  {{ content: "{upload}"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: "{limit}"; font-size: 0.875rem; }}
{hint} {{ font-size: 0; }}
{hint}::after {{ content: "{apply}"; font-size: 0.75rem; }}
[data-testid="stForm"] {hint}::after {{ content: "{submit}"; }}
[data-testid="stTextArea"] {hint}::after {{ content: "{apply_many}"; }}
[data-testid="stForm"] [data-testid="stTextArea"] {hint}::after {{ content: "{submit_many}"; }}
</style>""")


def _css_text(text: str) -> str:
    return "".join(c if c.isalnum() or c in " .,:;()%-" else f"\\{ord(c):06x}" for c in text)


def fewer() -> str:
    """What a figure hidden for being built from too few enterprises reads, in the session's
    language ('fewer than 3')."""
    from metrics.formatting import fewer_than
    from tracker.disclosure import MIN_CELL

    return fewer_than(MIN_CELL)


def number_field(where, label: str, *, key: str, value: float | None = None, placeholder: str | None = None) -> str:
    """A box for one number, typed and shown the session's way ('20', '1 234,5' in French), where
    Streamlit's number input only knows a point for decimals. Read what was typed with :func:`read_number`."""
    from metrics import numbers

    return where.text_input(label, value="" if value is None else numbers.write(value), key=key,
                            placeholder=placeholder)


def read_number(text, *, optional: bool = False) -> float | None:
    """The number typed in a :func:`number_field`, read in the session's locale (metrics.numbers).
    Empty is None when ``optional``; otherwise, and for anything not a number there, raises
    metrics.numbers.NumberError (a ValueError) whose message says how to write it."""
    from metrics import numbers

    if optional and not str(text or "").strip():
        return None
    return numbers.read(text or "")


def dataframe(data, **kwargs):
    """st.dataframe as this product shows tables: a missing value is an empty cell (Streamlit's
    own placeholder is the English 'None'), and figures (float columns) are drawn with the decimal
    and group signs of the browser's locale (Streamlit's "localized" format; a column given its own config keeps it).
    Figures stay numbers, so a column still sorts by value and its CSV download stays readable."""
    import pandas as pd

    config = dict(kwargs.pop("column_config", None) or {})
    if isinstance(data, pd.DataFrame):
        for name in data.columns:
            if name not in config and pd.api.types.is_float_dtype(data[name]):  # figures (counts, years stay)
                config[name] = st.column_config.NumberColumn(format="localized")
    kwargs.setdefault("placeholder", "")
    return st.dataframe(data, column_config=config or None, **kwargs)


def date_format() -> str:
    """The order a date picker shows its dates in, in the session's locale (Babel's short date
    pattern): 'DD/MM/YYYY' in Spanish or French, 'YYYY/MM/DD' in Chinese and in English (as the
    files write dates), 'MM/DD/YYYY' in English (United States)."""
    locale = i18n.current()
    if locale == i18n.SOURCE:
        return "YYYY/MM/DD"
    from babel import Locale

    first = Locale.parse(locale).date_formats["short"].pattern.lstrip("'")[:1].lower()
    return {"d": "DD/MM/YYYY", "m": "MM/DD/YYYY"}.get(first, "YYYY/MM/DD")


def sign_out(reason: str = "") -> None:
    """End the session (and a single sign-on session), written to the audit log; ``reason``
    ('expired') is shown at sign-in."""
    from tracker.auth import record_sign_out
    from ui import sso

    if (user := st.session_state.get("user")) is not None:
        try:
            record_sign_out(engine(), user, reason)
        except Exception:  # noqa: BLE001 - the session ends even when the log cannot be written
            pass
    kept = language()  # the sign-in page that follows speaks the same language
    st.session_state.clear()
    init_state()
    st.session_state["locale"] = kept
    if reason:
        st.session_state["signed_out_reason"] = reason
    sso.log_out()


def current_user() -> CurrentUser:
    """The signed-in user; stops the page when nobody is signed in."""
    user = st.session_state.get("user")
    if user is None:
        st.warning(_("Please sign in."))
        st.stop()
    return user


def pick_enterprise(user: CurrentUser) -> int | None:
    """The enterprise the page is about: a sidebar choice for trainers and admins."""
    ents = enterprises.list_enterprises(engine(), user)
    if ents.empty:
        st.info(_("No enterprise is assigned to you yet. An administrator can assign one."))
        return None
    ids = ents["id"].tolist()
    names = dict(zip(ents["id"], ents["name"], strict=True))
    if len(ids) == 1:
        st.session_state["enterprise_id"] = ids[0]
        return ids[0]
    current = st.session_state.get("enterprise_id")
    index = ids.index(current) if current in ids else 0
    chosen = st.sidebar.selectbox(_("Enterprise"), ids, index=index, format_func=lambda i: names[i],
                                  key="enterprise_picker",
                                  help=_("Figures typed in a form and not yet saved are left behind when you pick "
                                         "another enterprise: save them first."))
    st.session_state["enterprise_id"] = chosen
    return chosen


def _name_picker(where, label: str, names: list[str], current: str, key: str, help: str) -> str:
    names = ["", *names]
    if current and current not in names:  # deleted meanwhile: keep it visible rather than dropping it silently
        names.append(current)
    return where.selectbox(label, names, index=names.index(current), key=key, format_func=lambda n: n or _("none"),
                           help=help)


def partner_picker(where, current: str, *, key: str, label: str = N_("Implementation partner")) -> str:
    """A selectbox of the implementation partners' names ('' for none) in ``where``; returns the
    name picked (``label`` is shown in the reader's language). Admins add partners on the Partners page."""
    return _name_picker(where, _(label), list(partners.list_partners(engine(), current_user())["name"]), current, key,
                        _("The list of partners is kept by administrators."))


def cluster_picker(where, current: str, *, key: str) -> str:
    """A selectbox of the clusters' names ('' for none) in ``where``; returns the name picked.
    Admins add clusters on the Clusters page; an enterprise's cluster lies in its country."""
    table = clusters.list_clusters(engine(), current_user())
    return _name_picker(where, _("Cluster"), list(table["name"]), current, key,
                        _("A sector within a region that the programme chose; it lies in the enterprise's country. "
                          "The list of clusters is kept by administrators."))


_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~:$")
#: U+2060 WORD JOINER: invisible, zero width, no line break
JOINER = "\u2060"
#: where GitHub-flavoured Markdown would make a link of bare text: a scheme's '://' ('https://'),
#: 'mailto:' and 'xmpp:', 'www.', and the '@' of an e-mail address
#: line breaks (a description may hold them) would start Markdown blocks: a heading
#: underlined with '===', a code block indented after an empty line
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
_AUTOLINK = re.compile(r"(?=://)|(?i:(?<=mailto)|(?<=xmpp))(?=:)|(?i:(?<=www))(?=\.)|(?<=[\w.+-])(?=@[\w-])")


def plain(text) -> str:
    """``text`` shown as typed by an element that renders Markdown: every Markdown-special character
    backslash-escaped, and bare links broken by an invisible word joiner.

    For anything a user typed (names, sector, partner, cluster, cohort, descriptions, user names,
    filter values, messages quoting them) that goes into an element rendering Markdown (st.title,
    st.caption, st.markdown, st.write, st.info, st.table, widget labels, ...): a name like
    ``[x](https://evil) ![i](http://h/p.png) **b** <b>c</b>`` then reads as typed instead of becoming a
    live link, a remote image or bold text. Escaped are ``\\ ` * _ { } [ ] ( ) # + - . ! | < > ~ : $``
    (':' for Streamlit's ``:color[...]`` directives, emoji and icon shortcodes, '$' for LaTeX).
    Escapes alone do not stop Streamlit's GitHub-flavoured Markdown from linking a bare
    ``https://evil.example``, ``www.evil.example`` or ``info@evil.example`` (it finds them in the
    text after the escapes are read), so :data:`JOINER` goes before the '://' (and the ':' of
    'mailto:', 'xmpp:'), between 'www' and its '.', and before an e-mail's '@': nothing changes
    on screen, and no link is made. Line breaks read as spaces (as Markdown shows a single one),
    so that none starts a heading or a code block. ``None`` gives ''.
    """
    if text is None:
        return ""
    joined = _AUTOLINK.sub(JOINER, _LINE_BREAKS.sub(" ", str(text)))
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in joined)


def chart(figure, key: str, where=None) -> None:
    """Draw a plotly figure from tracker.charts, or the one line of text a chart builder returns
    instead of a chart with nothing to draw (every cell hidden)."""
    where = where if where is not None else st
    if isinstance(figure, str):
        where.info(plain(figure), icon=":material/visibility_off:")
    else:
        where.plotly_chart(figure, key=key, config=chart_locale.config())


def enterprise_page() -> tuple[CurrentUser, int]:
    """The signed-in user and the enterprise the page is about; stops the page when there is none."""
    user = current_user()
    enterprise_id = pick_enterprise(user)
    if enterprise_id is None:
        st.stop()
    return user, enterprise_id


def form_keys(form: str, enterprise_id: int) -> str:
    """The prefix of every widget key of ``form`` while it is about ``enterprise_id``.

    The prefix names the enterprise and a counter that :func:`form_saved` bumps after a successful
    save. New keys are new widgets, so the browser starts them empty: popping keys from
    st.session_state would not do (the browser sends the values it holds back). A refused save
    keeps the keys, and so what was typed; another enterprise has keys of its own.
    """
    return f"{form}_{enterprise_id}_{st.session_state.get(f'{form}_saved_{enterprise_id}', 0)}"


def mark_saved(form: str, enterprise_id: int, message: str) -> None:
    """After a successful save: ``form`` gets new, empty widgets the next time :func:`form_keys` is
    asked, and ``message`` (escaped where it was made) is shown once, above the form, by :func:`flash`.
    For a page that saves before it draws the form (the entry form): no rerun needed."""
    counter = f"{form}_saved_{enterprise_id}"
    st.session_state[counter] = st.session_state.get(counter, 0) + 1
    st.session_state[f"{form}_flash"] = message


def form_saved(form: str, enterprise_id: int, message: str) -> None:
    """After a successful save of a form already drawn in this run: :func:`mark_saved`, then a rerun
    draws it new and empty, with ``message`` above it."""
    mark_saved(form, enterprise_id, message)
    st.rerun()


def flash(form: str) -> None:
    """The message :func:`form_saved` left for ``form``, shown once."""
    if message := st.session_state.pop(f"{form}_flash", None):
        st.success(message)
