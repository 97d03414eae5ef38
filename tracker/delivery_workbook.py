"""The delivery workbook: implementation partners, clusters and trainers' paths in one Excel file
that an admin downloads, fills in and uploads again.

:func:`workbook_bytes` writes the records as they are (so a download, changed and uploaded,
updates them); :func:`import_workbook` reads every sheet, checks every row with the same checks as
the admin's forms (``partners.check_partner``, ``clusters.check_cluster``,
``trainers.check_profile``) and stores all of it in one transaction, or nothing: a refused file
names every bad line (sheet, line as the spreadsheet numbers it, column, why). Rows are matched by
name (partners, clusters) or user name (trainers): a name not stored yet adds a partner or a
cluster; a trainer must have an account. Every change is audited like a change made in a form.

Like the measurement template, the workbook keeps one format whatever the language: its sheets and columns are
named as below in every language (they are what an upload is read by); its Instructions sheet and the reasons
a file is refused are in the run's language (``metrics.i18n``).
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from metrics.i18n import N_, _
from tracker import clusters, partners, trainers, uploads
from tracker.access import require_role
from tracker.auth import CurrentUser
from tracker.db import session_scope
from tracker.errors import RejectedInput
from tracker.io import neutralise, restore, sheet_name
from tracker.models import CLUSTER_CRITERIA, Cluster, Partner, TrainerProfile, User

#: sheet -> {column as people read it: field}; the same in every language (the file's one format)
SHEETS = {
    "Partners": {"name": "name", "type": "type", "country": "country"},
    "Clusters": {"name": "name", "country": "country", "region": "region", "sector": "sector",
                 "selection criteria": "criteria", "note": "note", "selected on": "selected_on"},
    "Trainers": {"trainer (user name)": "username", "training provider": "provider", "country": "country",
                 "ToT date": "tot_date", "status": "status", "recommended by (Expert Trainer)": "recommended_by",
                 "recommended on": "recommended_on", "certified on": "certified_on",
                 "modules they deliver": "modules"},
}
DATES = {"selected_on", "tot_date", "recommended_on", "certified_on"}
#: separates several criteria or modules in one cell (their names hold commas)
SEPARATOR = "; "
#: (sheet, how to fill it), marked for translation and translated where written
INSTRUCTIONS = [
    ("Partners", N_("One implementation partner a line: name, type (industry association, government SME agency, "
                    "lead buyer, training organisation, other), country (two-letter ISO code, or empty). A name "
                    "already stored updates that partner; a new name adds one. Rename or merge partners on the "
                    "Partners page.")),
    ("Clusters", N_("One cluster a line: name, country, region, sector, selection criteria (separated by '; ': "
                    "{criteria}), note, selected on (a date). A name already stored updates that cluster; a new "
                    "name adds one.")),
    ("Trainers", N_("One trainer account a line (accounts are created on the Users page): training provider (a "
                    "partner's name, from this file or stored), country, ToT date, status (candidate, recommended, "
                    "certified; a line with an empty status and nothing else is left as it is), recommended by, "
                    "recommended on, certified on, modules they deliver (separated by '; ').")),
    (N_("Upload"), N_("The whole file is stored or nothing: a refused file names every line to correct. Dates as "
                  "spreadsheet dates or YYYY-MM-DD. Every change is written to the audit log.")),
    (N_("Language"), N_("The sheets and columns keep the names they have here in every language of the tracker: an "
                    "upload is read by them.")),
]


def instructions() -> pd.DataFrame:
    """The Instructions sheet in the run's language."""
    rows = [(sheet if sheet in SHEETS else _(sheet), _(text).format(criteria="; ".join(CLUSTER_CRITERIA.values())))
            for sheet, text in INSTRUCTIONS]
    return pd.DataFrame(rows, columns=[_("sheet"), _("how to fill it")])


def _frames(engine: Engine) -> dict[str, pd.DataFrame]:
    with session_scope(engine, readonly=True) as session:
        p = session.execute(select(Partner.name, Partner.type, Partner.country).order_by(Partner.name)).all()
        c = session.execute(select(Cluster.name, Cluster.country, Cluster.region, Cluster.sector, Cluster.criteria,
                                   Cluster.note, Cluster.selected_on).order_by(Cluster.name)).all()
        t = session.execute(select(User.username, Partner.name, TrainerProfile.country, TrainerProfile.tot_date,
                                   TrainerProfile.status, TrainerProfile.recommended_by, TrainerProfile.recommended_on,
                                   TrainerProfile.certified_on, TrainerProfile.modules)
                            .outerjoin(TrainerProfile, TrainerProfile.user_id == User.id)
                            .outerjoin(Partner, Partner.id == TrainerProfile.provider_id)
                            .where(User.role == "trainer").order_by(User.username)).all()
    out = {name: pd.DataFrame(rows, columns=list(SHEETS[name])) for name, rows in
           (("Partners", p), ("Clusters", c), ("Trainers", t))}
    out["Clusters"]["selection criteria"] = [SEPARATOR.join(CLUSTER_CRITERIA[k] for k in (v or "").split(",") if k)
                                             for v in out["Clusters"]["selection criteria"]]
    out["Trainers"]["modules they deliver"] = [SEPARATOR.join(m for m in (v or "").split(",") if m)
                                               for v in out["Trainers"]["modules they deliver"]]
    return out


def workbook_bytes(engine: Engine, user: CurrentUser) -> bytes:
    """The delivery workbook with every partner, cluster and trainer account as stored (admins);
    text a spreadsheet would run as a formula is made inert."""
    require_role(engine, user, "admin")
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        instructions().to_excel(xl, sheet_name=sheet_name(_("Instructions"), list(SHEETS)), index=False)
        for name, df in _frames(engine).items():
            df.map(neutralise).to_excel(xl, sheet_name=name, index=False)
            sheet = xl.sheets[name]
            for i, col in enumerate(df.columns):
                sheet.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width = max(14, min(45, len(col) + 4))
    return buf.getvalue()


def _read(data: bytes) -> dict[str, list[tuple[int, dict]]]:
    """{sheet: [(line, {field: value})]} of every non-empty row; RejectedInput for a file that
    is not the workbook."""
    uploads.check_xlsx(data)  # unpacked size, rows and cells, before anything is read
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise RejectedInput.one(_("the file cannot be read as an Excel workbook (.xlsx): {error}").format(
            error=type(exc).__name__)) from None
    missing = [s for s in SHEETS if s not in book.sheetnames]
    if missing:
        raise RejectedInput.one(_("the sheet(s) {sheets} are missing: start from the downloaded workbook").format(
            sheets=", ".join(missing)))
    out = {}
    for name, columns in SHEETS.items():
        rows = book[name].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        absent = [c for c in columns if c not in header]
        if absent:
            raise RejectedInput.one(_("the sheet {sheet} has no column(s) {columns}").format(
                sheet=name, columns=", ".join(absent)), column=name)
        at = {c: header.index(c) for c in columns}
        out[name] = []
        for line, row in enumerate(rows, start=2):
            values = {f: restore(row[at[c]]) if at[c] < len(row) else None for c, f in columns.items()}
            if any(v not in (None, "") for v in values.values()):
                out[name].append((line, values))
    book.close()
    return out


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _date(value, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError(_("{label} {value} is not a date (YYYY-MM-DD).").format(label=label, value=repr(value))) \
            from None


def _list(value) -> list[str]:
    return [v.strip() for v in _text(value).split(";") if v.strip()]


def _checked(name: str, values: dict) -> dict:
    """One row's fields as the forms store them, or ValueError (the forms' own checks)."""
    dates = {f: _date(values[f], f.replace("_", " ")) for f in DATES if f in values}
    if name == "Partners":
        return partners.check_partner(_text(values["name"]), _text(values["type"]), _text(values["country"]))
    if name == "Clusters":
        return clusters.check_cluster(_text(values["name"]), _text(values["country"]), _text(values["region"]),
                                      _text(values["sector"]), _list(values["criteria"]), _text(values["note"]),
                                      dates["selected_on"])
    if not _text(values["username"]):
        raise ValueError(_("Name the trainer's account (user name)."))
    status = _text(values["status"])
    if not status:
        if any(_text(values[f]) for f in values if f != "username"):
            raise ValueError(_("Give the status (candidate, recommended or certified) of a trainer whose path is "
                               "filled."))
        return {}  # nothing recorded: left as it is
    return dict(username=_text(values["username"]), provider=_text(values["provider"]),
                values=trainers.check_profile(status=status, tot_date=dates["tot_date"],
                                              recommended_by=_text(values["recommended_by"]),
                                              recommended_on=dates["recommended_on"],
                                              certified_on=dates["certified_on"], modules=_list(values["modules"]),
                                              country=_text(values["country"])))


def _key(name: str, checked: dict) -> str:
    return checked["username" if name == "Trainers" else "name"].casefold()


def import_workbook(engine: Engine, user: CurrentUser, data: bytes) -> dict[str, dict[str, int]]:
    """Store a filled delivery workbook, all or nothing (admins): per sheet, how many records were
    ``added``, ``changed`` and left ``unchanged``. RejectedInput names every bad line."""
    user = require_role(engine, user, "admin")
    sheets = _read(data)
    problems, rows, seen = [], {}, {}
    for name, lines in sheets.items():
        rows[name] = []
        for line, values in lines:
            try:
                checked = _checked(name, values)
            except ValueError as exc:
                problems.append((name, line, str(exc)))
                continue
            if not checked:
                continue
            first = seen.setdefault((name, _key(name, checked)), line)
            if first != line:
                problems.append((name, line, _("named already on line {line} of the sheet: one line each").format(
                    line=first)))
            rows[name].append((line, checked))
    _refuse(problems)
    counts = {name: {"added": 0, "changed": 0, "unchanged": 0} for name in SHEETS}
    with session_scope(engine) as session:  # one transaction: all or nothing
        for name, lines in rows.items():
            for line, checked in lines:
                try:
                    counts[name][_write(session, user.username, name, checked)] += 1
                except (ValueError, LookupError) as exc:
                    problems.append((name, line, str(exc)))
        _refuse(problems)  # raised inside the transaction: it is rolled back
    return counts


def _write(session, actor: str, name: str, checked: dict) -> str:
    """Store one checked row; 'added', 'changed' or 'unchanged'."""
    if name == "Trainers":
        tid = session.scalar(select(User.id).where(User.username == checked["username"], User.role == "trainer"))
        if tid is None:
            raise ValueError(_("There is no trainer account called {name}: an administrator creates it on the Users "
                               "page first.").format(name=repr(checked["username"])))
        new = session.get(TrainerProfile, tid) is None
        changed = trainers.write_profile(session, actor, tid, checked["provider"], checked["values"])
        return "added" if new else "changed" if changed else "unchanged"
    model, write = (Partner, partners.write_partner) if name == "Partners" else (Cluster, clusters.write_cluster)
    row = session.scalar(select(model).where(model.name == checked["name"]))
    if row is None:
        write(session, actor, checked)
        return "added"
    before = {k: getattr(row, k) for k in checked}
    write(session, actor, checked, row.id)
    return "unchanged" if before == checked else "changed"


def _refuse(problems: list[tuple[str, int, str]]) -> None:
    if problems:
        # row: the line as the spreadsheet numbers it; column: the sheet
        raise RejectedInput(pd.DataFrame(problems, columns=["column", "row", "reason"])[["row", "column", "reason"]])
