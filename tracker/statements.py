"""Results statements: a one-page statement of an enterprise's results, issued once and frozen (issue 14 item 2).

Issuing one (managers, trainers, admins of the enterprise; audited) stores its figures
(``metrics.statement_figures``), the factor set, a fingerprint of the figures entered, the HTML file as issued and
its SHA-256. Later, :func:`list_statements` compares each statement's frozen figures with today's
(``metrics.statement_differences``) and says whether today's figures entered, today's factor set, or both would
give different numbers: results never change silently. :func:`statement_pdf` gives the same statement as a PDF,
printed from the HTML as issued (``tracker.pdf``, the hand-over report's way) the first time it is asked for, then
stored with its SHA-256: the same file each time after. :func:`verify` checks that a file is, byte for byte, the
HTML or the PDF of a statement issued by this database.

A statement is written in the language of the run that issues it (``metrics.i18n.current()``), stored with it
(``language``), and stays in that language: its HTML is frozen and its PDF is printed from that HTML, whatever
the language of whoever downloads it later.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import secrets

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

import metrics
from metrics import formatting, i18n, labels
from metrics.i18n import N_, _
from tracker import audit, disclosures, tables, targets
from tracker.access import require_enterprise
from tracker.auth import CurrentUser
from tracker.db import session_scope
from tracker.models import Statement
from tracker.pdf import print_pdf
from tracker.report import enterprise_report

CSS = ("body{font-family:system-ui,'Noto Sans','Noto Sans CJK SC',sans-serif;max-width:780px;margin:1.5em auto;"
       "padding:0 1em;color:#222;"
       "font-size:13px}h1{font-size:20px;margin:0}h2{font-size:15px;margin:1em 0 .3em}table{border-collapse:"
       "collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left}"
       ".meta{color:#555}@page{size:A4;margin:12mm}")
#: the window a statement is printed in: A4's width less the margins (186 mm), at 96 px an inch
PRINT_WIDTH_PX = 703


def _inputs_fingerprint(measurements: pd.DataFrame) -> str:
    """A digest of the figures entered a statement is made from: it changes when and only when they change."""
    cols = [c for c in ("period_start", "period_end", "phase", "indicator", "carrier", "value", "unit")
            if c in measurements.columns]
    return hashlib.sha256(measurements[cols].to_csv(index=False).encode()).hexdigest()


def _today(engine: Engine, user: CurrentUser, enterprise_id: int):
    """(report, datapoints, progress, figures) as the database and today's factor set give them."""
    report = enterprise_report(engine, user, enterprise_id)
    _info, datapoints = disclosures.enterprise_disclosures(engine, user, enterprise_id)
    progress = targets.enterprise_progress(engine, user, enterprise_id)
    changes = report.changes
    figures = metrics.statement_figures(changes, report.normalised, datapoints,
                                        progress.dropna(subset=["status"]) if "status" in progress else progress)
    return report, datapoints, progress, figures


def _figure_text(name: str, value) -> str:
    if value is None:
        return _("not collected")
    if name.startswith("change"):
        return formatting.percent(value)
    if name.startswith("target"):
        return formatting.percent(value, signed=False)
    if name.startswith("points"):
        return formatting.points(value)
    return formatting.number(value)


def statement_html(statement_id: str, report, datapoints: pd.DataFrame, progress: pd.DataFrame, figures: dict,
                   issued: dt.datetime) -> str:
    """The statement as one self-contained page (prints on one A4 page), in the run's language
    (``metrics.i18n.current()``)."""
    ent = report.enterprise
    period = datapoints["period"].iloc[0] if len(datapoints) else ""
    e = html.escape
    rows = "".join(f"<tr><td>{e(figure_words(n))}</td><td>{e(_figure_text(n, v))}</td></tr>"
                   for n, v in figures.items())
    title = _("Results statement {id}").format(id=statement_id)
    meta = _("Statement {id} · issued {issued} UTC · period covered: baseline to the latest follow-up, {period} · "
             "factor set {factor_set}").format(id=statement_id, issued=f"{issued:%Y-%m-%d %H:%M}", period=period,
                                               factor_set=metrics.FACTOR_SET_VERSION)
    heading = _("Results statement: {name}").format(name=ent["name"])
    parts = [f"<!DOCTYPE html><html lang='{i18n.current().replace('_', '-')}'><head><meta charset='utf-8'>"
             f"<title>{e(title)}</title><style>{CSS}</style></head><body>",
             f"<h1>{e(heading)}</h1>", f"<p class='meta'>{e(meta)}</p>"]
    if ent.get("synthetic"):
        parts.append("<p><b>" + e(_("Synthetic demo enterprise: every figure is made up for demonstration."))
                     + "</b></p>")
    # (words through _() outside f-strings: the extraction does not look inside them)
    parts.append("<h2>" + e(_("Headline changes and emissions by scope")) + "</h2><table><tr><th>" + e(_("figure"))
                 + "</th><th>" + e(_("value")) + "</th></tr>" + rows + "</table>")
    if not progress.empty:
        t = tables.targets_table(progress)
        parts.append("<h2>" + e(_("Targets and progress")) + "</h2>" + t.to_html(index=False, escape=True, border=0))
    closing = _("Changes: latest follow-up per day against the baseline per day; per unit of production against the "
                "production-adjusted baseline (ISO 50006). Emissions: GHG Protocol scope 1 (fuels) and scope 2 (grid "
                "electricity, location-based) of the latest period; 'not collected' where the figures were not "
                "entered. These figures are frozen as issued: the tracker shows, beside this statement, whether "
                "today's figures or factor set would give different numbers. Verify this file: {command}.").format(
        command=f"python -m tracker statement verify {statement_id} FILE")
    parts.append(f"<p class='meta'>{e(closing)}</p></body></html>")
    return "".join(parts)


#: a statement's figures (``metrics.statement_figures``' names: stored keys, never translated) in words
_FIGURE_WORDS = {"change": N_("Change: {indicator}"),
                 "change per unit of production": N_("Change per unit of production: {indicator}"),
                 "points": N_("Points: {indicator}"), "target achieved": N_("Target achieved: {indicator}"),
                 "energy (MWh)": N_("Energy (MWh)"), "scope 1 (t CO2e)": N_("Scope 1 (t CO2e)"),
                 "scope 2 (t CO2e)": N_("Scope 2 (t CO2e)"), "scope 1 and 2 (t CO2e)": N_("Scope 1 and 2 (t CO2e)")}


def figure_words(name: str) -> str:
    """A statement figure's name in words, in the run's language: 'change: energy' -> 'Change: Energy
    consumption' (the indicator as metrics.labels names it)."""
    head, _sep, ind = name.partition(": ")
    if head in _FIGURE_WORDS:
        return _(_FIGURE_WORDS[head]).format(indicator=labels.indicator_label(ind))
    first = head[:1].upper() + head[1:]
    return f"{first}: {labels.indicator_label(ind)}" if ind else first


def issue_statement(engine: Engine, user: CurrentUser, enterprise_id: int) -> tuple[str, bytes]:
    """Issue a results statement of the enterprise (managers, trainers, admins of it): its id and the HTML file
    as issued. Its figures, the factor set, the fingerprint of the figures entered, the file and its SHA-256 are
    stored; audited. ValueError when the enterprise has no figures."""
    user = require_enterprise(engine, user, enterprise_id)
    report, datapoints, progress, figures = _today(engine, user, enterprise_id)
    if report.measurements.empty:
        raise ValueError(_("This enterprise has no figures yet: enter a baseline and a follow-up first."))
    statement_id = "S4C-" + secrets.token_hex(8).upper()
    issued = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    text = statement_html(statement_id, report, datapoints, progress, figures, issued)
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    with session_scope(engine) as session:
        session.add(Statement(id=statement_id, enterprise_id=enterprise_id, issued_at=issued,
                              issued_by=user.username, factor_set=metrics.FACTOR_SET_VERSION,
                              period=str(datapoints["period"].iloc[0])[:60], inputs_sha256=_inputs_fingerprint(
                                  report.measurements), figures=json.dumps(figures, sort_keys=True), html=text,
                              sha256=digest, language=i18n.current()[:35]))
        audit.record(session, user.username, "insert", "statements", statement_id, None,
                     {"enterprise_id": enterprise_id, "factor_set": metrics.FACTOR_SET_VERSION, "sha256": digest,
                      "language": i18n.current()})
    return statement_id, data


def list_statements(engine: Engine, user: CurrentUser, enterprise_id: int) -> list[dict]:
    """The enterprise's issued statements, newest first, each with ``differences`` (its frozen figures against
    today's, ``metrics.statement_differences``) and ``why`` (what changed since: the figures entered, the factor
    set, both, or nothing, in the run's language), ``html`` (the file as issued), ``language`` (the locale it was
    issued in) and ``has_pdf`` (its PDF printed already)."""
    user = require_enterprise(engine, user, enterprise_id, reuse=True)
    with session_scope(engine, readonly=True) as session:
        stored = session.execute(select(Statement).where(Statement.enterprise_id == enterprise_id)
                                 .order_by(Statement.issued_at.desc())).scalars().all()
        stored = [dict(id=s.id, issued_at=s.issued_at, issued_by=s.issued_by, factor_set=s.factor_set,
                       period=s.period, inputs=s.inputs_sha256, figures=json.loads(s.figures), html=s.html,
                       language=s.language or i18n.SOURCE, has_pdf=s.pdf_sha256 is not None)
                  for s in stored]
    if not stored:
        return []
    report, _datapoints, _progress, today = _today(engine, user, enterprise_id)
    inputs = _inputs_fingerprint(report.measurements)
    for s in stored:
        s["differences"] = metrics.statement_differences(s["figures"], today)
        s["why"] = _why(s["inputs"] != inputs, s["factor_set"])
    return stored


def _why(inputs_changed: bool, factor_set: str) -> str:
    """What changed since a statement was issued, in words ('' for nothing)."""
    factors_changed = factor_set != metrics.FACTOR_SET_VERSION
    words = {(True, False): _("the figures entered"),
             (False, True): _("the factor set ({then} then, {today} today)"),
             (True, True): _("the figures entered and the factor set ({then} then, {today} today)")}
    return words.get((inputs_changed, factors_changed), "").format(then=factor_set,
                                                                  today=metrics.FACTOR_SET_VERSION)


def statement_pdf(engine: Engine, user: CurrentUser, statement_id: str) -> bytes:
    """The statement as a PDF, for a user who may read its enterprise: the first time, printed from the HTML as
    issued (so the same id and figures) and stored with its SHA-256 (audited); every time after, that same file.
    LookupError for an unknown id; RuntimeError saying what to do where no PDF can be printed."""
    with session_scope(engine, readonly=True) as session:
        row = session.execute(select(Statement.enterprise_id, Statement.html, Statement.pdf)
                              .where(Statement.id == statement_id)).first()
    if row is None:
        raise LookupError(_("No statement {id} was issued by this database.").format(id=statement_id))
    user = require_enterprise(engine, user, row.enterprise_id)
    if row.pdf is not None:
        return base64.b64decode(row.pdf)
    data = print_pdf(row.html, width=PRINT_WIDTH_PX, fallback=_("download the statement's HTML file"))
    with session_scope(engine) as session:
        # two people asking at the same moment: the first stored is the statement's PDF, the other gets it
        query = select(Statement).where(Statement.id == statement_id)
        if session.get_bind().dialect.name == "postgresql":  # DuckDB: writers take turns
            query = query.with_for_update()
        stored = session.scalars(query).one()
        if stored.pdf is not None:
            return base64.b64decode(stored.pdf)
        stored.pdf, stored.pdf_sha256 = base64.b64encode(data).decode("ascii"), hashlib.sha256(data).hexdigest()
        audit.record(session, user.username, "update", "statements", statement_id, None,
                     {"pdf_sha256": stored.pdf_sha256})
    return data


def issued_form(engine: Engine, statement_id: str, data: bytes) -> str | None:
    """"HTML" or "PDF" when ``data`` is, byte for byte, that file of statement ``statement_id`` as this database
    issued it (its SHA-256 as stored), else None; LookupError when there is no such statement."""
    with session_scope(engine, readonly=True) as session:
        stored = session.execute(select(Statement.sha256, Statement.pdf_sha256)
                                 .where(Statement.id == statement_id)).first()
    if stored is None:
        raise LookupError(_("No statement {id} was issued by this database.").format(id=statement_id))
    digest = hashlib.sha256(data).hexdigest()
    for form, expected in (("HTML", stored.sha256), ("PDF", stored.pdf_sha256)):
        if expected is not None and secrets.compare_digest(digest, expected):
            return form
    return None


def verify(engine: Engine, statement_id: str, data: bytes) -> bool:
    """True when ``data`` is, byte for byte, the HTML or the PDF of statement ``statement_id`` as this database
    issued it (:func:`issued_form`); LookupError when there is no such statement."""
    return issued_form(engine, statement_id, data) is not None
