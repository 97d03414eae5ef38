"""Files in and out: the measurement template as CSV or Excel, and the programme's aggregates.

- :func:`read_table` turns an uploaded or given file into parsed template rows
  (``metrics.Parsed``), or raises :class:`~tracker.errors.RejectedInput` naming every problem
  (line, column, reason).
- :func:`import_file` reads and stores a file all or nothing (re-imports update, not duplicate).
- :func:`export_bytes` writes every measurement the user may read, value and unit as entered,
  so that export -> import into an empty database -> export gives the same file.
- :func:`template_bytes` is the empty template (Excel with an Instructions sheet).
- :func:`overview_csv` and :func:`overview_excel` export the programme overview's aggregate
  tables, suppressed cells as "fewer than 3".

Cells that a spreadsheet would run as a formula (leading = + - @) are prefixed with a single
quote on export and restored on import.

The template keeps one format whatever the language (its Instructions sheet says so): the
canonical column names, numbers with a point for decimals and dates as YYYY-MM-DD. On import, a
column may also be headed as the tracker shows it in any of its languages (:func:`canonical_header`).
Files people read (the Instructions sheet, the overview's tables) are written in the run's language.
"""
from __future__ import annotations

import contextlib
import contextvars
import csv
import io
import os
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy.engine import Engine

import metrics
from metrics import i18n, labels
from metrics.formatting import fewer_than
from metrics.i18n import N_, _
from tracker import uploads
from tracker.access import EDITORS, require_role
from tracker.auth import CurrentUser
from tracker.db import session_scope
from tracker.disclosure import MIN_CELL
from tracker.errors import RejectedInput
from tracker.measurements import measurement_frame, save_measurements, save_pieces
from tracker.overview import ProgrammeOverview

TEXT_COLUMNS = ["enterprise", "country", "sector", "phase", "indicator", "carrier", "unit", "note", "currency"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: rows of a CSV file read, checked and stored at a time (see import_file): more than a DuckDB row
#: group (db.ROW_GROUP), so that a piece's new figures are written to the database file as they
#: are stored instead of being held in memory until the commit
CHUNK_ROWS = 131_072
#: the largest upload accepted, in megabytes (SCORE_MAX_UPLOAD_MB; .streamlit/config.toml's
#: server.maxUploadSize should say the same so the browser refuses bigger files up front). 50 MB
#: holds the most rows a file may have (tracker.uploads) with room to spare; with the other limits
#: there it keeps the app under 1 GB for any upload
MAX_UPLOAD_MB = int(os.environ.get("SCORE_MAX_UPLOAD_MB", "50"))
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024


def check_upload_size(n_bytes: int, limit: int | None = None) -> None:
    """Refuse a file over the limit (:data:`MAX_UPLOAD_BYTES`), saying the limit and what to do."""
    limit = MAX_UPLOAD_BYTES if limit is None else limit
    if n_bytes > limit:
        raise RejectedInput.one(_("The file has {size} MB; the limit is {limit} MB. Split it into smaller files "
                                  "(for example one per year or per country) and upload each.").format(
            size=f"{n_bytes / 1024 / 1024:,.1f}", limit=f"{limit / 1024 / 1024:,.0f}"))


def neutralise(value):
    """A text cell a spreadsheet would run as a formula, made inert with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def sheet_name(text: str, taken=()) -> str:
    """``text`` as an Excel sheet name: at most 31 characters, none of ``[]:*?/\\`` (a translation may hold
    them), and not one of ``taken`` (compared as Excel does, ignoring case)."""
    name = "".join(" " if c in "[]:*?/\\" else c for c in text).strip().strip("'")[:31] or "Sheet"
    used = {t.casefold() for t in taken}
    base, n = name, 2
    while name.casefold() in used:
        name = f"{base[:31 - len(str(n)) - 1]} {n}"
        n += 1
    return name


def restore(value):
    """The inverse of :func:`neutralise` for a cell read back from a file."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


@contextlib.contextmanager
def _csv_errors(data: bytes | os.PathLike):
    """pandas' complaints about a CSV file as a refusal that says what is wrong (each line that
    cannot be read named)."""
    try:
        yield
    except RejectedInput:
        raise
    except pd.errors.EmptyDataError:
        raise RejectedInput.one(_("the file is empty")) from None
    except (pd.errors.ParserError, csv.Error, ValueError):
        raise RejectedInput(_unreadable_lines(_text(data))) from None


def _text(data: bytes | os.PathLike) -> str:
    """A CSV file's text, read whole (only to say why it cannot be read)."""
    with uploads.csv_source(data) as f:
        return f.read().decode("utf-8-sig")


def _unreadable_lines(text: str) -> pd.DataFrame:
    """Why a CSV text cannot be read, in words, naming each line (as a text editor numbers them)
    that has more cells than the header line: mostly a name or note with an unquoted comma."""
    rows = csv.reader(io.StringIO(text), strict=True)
    problems, start, width = [], 1, None
    try:
        for cells in rows:
            if width is None:
                width = len(cells)
            elif len(cells) > width:
                problems.append((start, "", _('{cells} cells where the header line has {width}: a name or note '
                                              'with a comma in it must be put in double quotes ("Seals, Ltd")').format(
                    cells=len(cells), width=width)))
            start = rows.line_num + 1
    except csv.Error:
        problems.append((start, "", _('a double quote (") is opened here and not closed where it should be; put '
                                      'a text with a comma or a quote in double quotes and double the quotes inside '
                                      '("Seals ""A"", Ltd")')))
    if not problems:
        problems.append((1, "", _("the file cannot be read as CSV: save it from your spreadsheet as "
                                  "'CSV UTF-8 (comma delimited)'")))
    return pd.DataFrame(problems, columns=["row", "column", "reason"])


def _csv_reader(data: bytes | os.PathLike, **kwargs):
    # object, not str: the cells are made Python texts below anyway, and building Arrow strings
    # first costs more than reading the file; a path is read by pandas a block at a time
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else os.fspath(data)
    return pd.read_csv(source, encoding="utf-8-sig", dtype=object, keep_default_na=False,
                       skip_blank_lines=True, **kwargs)


def _every_line_read(df: pd.DataFrame, data: bytes | os.PathLike) -> pd.DataFrame:
    """``df`` as read, or a refusal naming the lines when each has more cells than the header
    line: pandas then takes the first cells as an index and shifts the rest ("Seals, Ltd"
    unquoted on every line would be read as the enterprise " Ltd")."""
    if not isinstance(df.index, pd.RangeIndex):
        raise RejectedInput(_unreadable_lines(_text(data)))
    return df


def _read_csv(data: bytes, max_rows: int) -> pd.DataFrame:
    uploads.check_csv(data, max_rows)  # encoding, lines and rows, before anything is read
    with _csv_errors(data):
        return _every_line_read(_csv_reader(data), data)


def _read_xlsx(data: bytes) -> pd.DataFrame:
    uploads.check_xlsx(data)  # unpacked size, rows and cells, before anything is read
    try:
        book = pd.ExcelFile(io.BytesIO(data), engine="openpyxl")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise RejectedInput.one(_("the file cannot be read as an Excel workbook (.xlsx): {error}").format(
            error=type(exc).__name__)) from None
    sheet = "measurements" if "measurements" in book.sheet_names else book.sheet_names[0]
    try:
        df = pd.read_excel(book, sheet_name=sheet, dtype=str, keep_default_na=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on damaged files
        raise RejectedInput.one(_("the sheet {sheet} cannot be read: {error}").format(
            sheet=repr(sheet), error=type(exc).__name__)) from None
    df.columns = _header(df.columns)
    return _percent_cells_as_shown(data, sheet, df)


def _percent_cells_as_shown(data: bytes, sheet: str, df: pd.DataFrame) -> pd.DataFrame:
    """Values in cells formatted as a percentage, as Excel shows them: a yield typed as 95.5%
    is stored in the cell as 0.955, which read with the unit '%' would be 100 times too small."""
    if "value" not in df.columns or "unit" not in df.columns:
        return df
    if not df["unit"].astype(str).str.strip().isin(["%", "percent", "pct"]).any():
        return df  # no percentages: nothing to look at (and no second pass over a large file)
    try:
        ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True)[sheet]
        column = list(df.columns).index("value")
        for i, row in enumerate(ws.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1)):
            cell = row[0] if row else None
            if i >= len(df) or cell is None or not isinstance(cell.value, (int, float)):
                continue
            if "%" in str(getattr(cell, "number_format", "")):
                df.iloc[i, column] = repr(float(cell.value) * 100)
    except Exception:  # noqa: BLE001 - the values read above stand; validation checks them
        return df
    return df


def read_table(data: bytes, filename: str, *, max_rows: int = uploads.MAX_CSV_ROWS, max_bytes: int | None = None
               ) -> metrics.Parsed:
    """The template rows of a .csv or .xlsx file, parsed; RejectedInput (row, column, reason)
    when refused.

    Extra columns are ignored; a missing required column, an unreadable or empty file, or any
    bad row refuses the whole file. Before anything is read, a file is checked against the limits
    of tracker.uploads (a CSV file's rows, at most ``max_rows``; a workbook's unpacked size, rows
    and cells) and its size as sent (``max_bytes``, default :data:`MAX_UPLOAD_BYTES`), so that no
    upload takes the app's memory over 1 GB.
    """
    name = (filename or "").lower()
    if not data:
        raise RejectedInput.one(_("the file is empty"))
    check_upload_size(len(data), max_bytes)
    if name.endswith(".csv"):
        df = _read_csv(data, max_rows)
    elif name.endswith((".xlsx", ".xlsm")):
        df = _read_xlsx(data)
    else:
        raise RejectedInput.one(_("only .csv and .xlsx files can be imported"))
    if len(df) == 0:
        raise RejectedInput.one(_("the file has no data rows"))
    df = _template(df)
    parsed = metrics.parse(df)
    if not parsed.ok:
        raise RejectedInput(parsed.problems)
    return parsed


def _squeezed(text) -> str:
    """A header as compared: case and spaces left out ('Period start' and 'periodSTART' match)."""
    return "".join(str(text).split()).casefold()


def _in_language(language: str, message: str) -> str:
    """``message`` in ``language``, the run's own language left as it is."""
    def run():
        i18n.use(language)
        return _(message)
    return contextvars.copy_context().run(run)


@lru_cache(maxsize=4)
def _headers(languages: tuple[str, ...], where: str) -> dict[str, frozenset[str]]:
    """Every header accepted for a template column, squeezed -> the columns it names: the column's own name,
    and its name as the tracker shows it (metrics.labels) in each language of ``languages`` (catalogues in
    ``where``). A header naming two columns is in the table with both: refused when used."""
    out: dict[str, set[str]] = {}
    for col in metrics.TEMPLATE_COLUMNS:
        words = {col, labels.COLUMN_LABELS.get(col, col)}
        words |= {_in_language(lang, labels.COLUMN_LABELS.get(col, col)) for lang in languages}
        for word in words:
            out.setdefault(_squeezed(word), set()).add(col)
    return {k: frozenset(v) for k, v in out.items()}


def canonical_header(header) -> str | None:
    """The template column a file's header names: its canonical name (``period_start``) or its name as the
    tracker shows it in any supported language (``Period start``, ``Début de la période``...), case and spaces
    aside; None for a header that names no template column (an extra column, ignored). RejectedInput for a
    header that would name two columns."""
    found = _headers(i18n.languages(), str(i18n.LOCALE_DIR)).get(_squeezed(header))
    if not found:
        return None
    if len(found) > 1:
        raise RejectedInput(pd.DataFrame({"row": 1, "column": [str(header)], "reason": _(
            "this header names more than one column ({columns}): use the column's name from the template"
        ).format(columns=", ".join(sorted(found)))}))
    return next(iter(found))


def _header(columns) -> list[str]:
    """A file's headers as template columns where they name one (:func:`canonical_header`), else as given
    (trimmed, lower case: an extra column). RejectedInput when two headers name the same column."""
    out, seen = [], {}
    for c in columns:
        col = canonical_header(c)
        if col is not None and col in seen:
            raise RejectedInput(pd.DataFrame({"row": 1, "column": [str(c)], "reason": _(
                "this column is in the file twice (also as {other})").format(other=repr(str(seen[col])))}))
        if col is not None:
            seen[col] = c
        out.append(col if col is not None else str(c).strip().lower())
    return out


def _template(df: pd.DataFrame) -> pd.DataFrame:
    """A table read from a file in the template's columns (a missing required column refuses
    it; missing optional ones are empty), cells as Python texts with formulas restored."""
    df.columns = _header(df.columns)
    missing = [c for c in metrics.frames.REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise RejectedInput(pd.DataFrame({"row": 1, "column": missing,
                                          "reason": _("required column is missing from the header line")}))
    for col in metrics.TEMPLATE_COLUMNS:
        if col not in df.columns:
            df[col] = ""
    df = df[metrics.TEMPLATE_COLUMNS].copy()
    for col in TEXT_COLUMNS:  # once per distinct value, not per cell
        codes, uniques = pd.factorize(df[col].astype(object), use_na_sentinel=True)
        values = [restore(v) if isinstance(v, str) else str(v) for v in uniques] + [""]
        df[col] = pd.Series(np.asarray(values, dtype=object)[np.where(codes < 0, len(uniques), codes)],
                            index=df.index, dtype=object)
    return df


def _csv_pieces(data: bytes | os.PathLike, max_rows: int) -> tuple[int, tuple, object]:
    """A CSV file (its bytes, or its path: then never held whole) read in chunks of
    :data:`CHUNK_ROWS` rows: (rows, the day/month orders of the whole file, a function giving the
    chunks in the template with their first line). A first pass reads only the header and the two
    date columns."""
    uploads.check_csv(data, max_rows)  # encoding, lines and rows, before anything is read
    with _csv_errors(data):
        header = _header(_csv_reader(data, nrows=0).columns)
        missing = [c for c in metrics.frames.REQUIRED_COLUMNS if c not in header]
        if missing:
            raise RejectedInput(pd.DataFrame({"row": 1, "column": missing,
                                              "reason": _("required column is missing from the header line")}))
        rows, starts, ends = 0, set(), set()
        dates = lambda c: canonical_header(c) in ("period_start", "period_end")  # noqa: E731
        with _csv_reader(data, usecols=dates, chunksize=CHUNK_ROWS) as reader:
            for chunk in reader:
                chunk.columns = _header(chunk.columns)
                rows += len(chunk)
                starts.update(pd.unique(chunk["period_start"]))
                ends.update(pd.unique(chunk["period_end"]))
    if rows == 0:
        raise RejectedInput.one("the file has no data rows")
    orders = metrics.file_date_orders(pd.Series(sorted(starts), dtype=object), pd.Series(sorted(ends), dtype=object))

    def pieces():
        with _csv_errors(data), _csv_reader(data, chunksize=CHUNK_ROWS) as reader:
            for chunk in reader:
                yield _template(_every_line_read(chunk, data)), metrics.frames.FIRST_LINE + int(chunk.index[0])

    return rows, orders, pieces


def import_file(engine: Engine, user: CurrentUser, data: bytes | os.PathLike, filename: str, progress=None, *,
                max_rows: int = uploads.MAX_CSV_ROWS, max_bytes: int | None = None) -> dict[str, int]:
    """Read and store a template file, all or nothing. Returns counts of inserted and updated rows.
    ``max_rows`` and ``max_bytes``: the limits of :func:`read_table` (the command line, a process of
    its own, allows more than the app). ``data``: the file's bytes, or the path of a file on this
    machine (the command line), which a CSV file is then read from a block at a time, never whole.

    A CSV file is read, checked and stored :data:`CHUNK_ROWS` rows at a time in one transaction
    (``measurements.save_pieces``), so a large file is never held whole as Python texts; any bad
    line still refuses the whole file, every bad line named, and nothing is stored."""
    step = progress or (lambda fraction, text: None)
    step(0.05, _("Reading {file}").format(file=filename))
    create = user.role == "admin"
    size = uploads.source_size(data)
    if (filename or "").lower().endswith(".csv") and size:
        check_upload_size(size, max_bytes)
        rows, orders, pieces = _csv_pieces(data, max_rows)
        step(0.1, _("Checking and storing {rows} rows").format(rows=f"{rows:,}"))
        counts = save_pieces(engine, user, lambda: metrics.parse_chunks(pieces(), orders), rows,
                             create_enterprises=create, progress=lambda f, text: step(0.1 + 0.9 * f, text))
    else:
        if not isinstance(data, bytes | bytearray):
            data = Path(data).read_bytes()
        parsed = read_table(data, filename, max_rows=max_rows, max_bytes=max_bytes)
        step(0.3, _("Storing {rows} rows").format(rows=f"{len(parsed.rows):,}"))
        counts = save_measurements(engine, user, parsed, create_enterprises=create, progress=step)
    step(1.0, _("Done"))
    return counts


def export_frame(engine: Engine, user: CurrentUser) -> pd.DataFrame:
    """Every measurement the user may read, in the template, value and unit as entered."""
    user = require_role(engine, user, *EDITORS)
    with session_scope(engine, readonly=True) as session:
        ids = None if user.role == "admin" else list(user.enterprise_ids)
        df = measurement_frame(session, ids)
    df = df[metrics.TEMPLATE_COLUMNS].copy()
    df = df.sort_values(["enterprise", "period_start", "period_end", "phase", "indicator", "carrier"], kind="stable")
    for col in ("period_start", "period_end"):
        df[col] = pd.to_datetime(df[col]).dt.strftime("%Y-%m-%d")
    return df.reset_index(drop=True)


def _neutralised(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in TEXT_COLUMNS:
        if col in out.columns:  # a table of the template's columns before the optional ones
            out[col] = out[col].astype(object).map(neutralise)
    return out


def export_bytes(engine: Engine, user: CurrentUser, fmt: str) -> bytes:
    """The user's measurements as a CSV or Excel file (formulas neutralised)."""
    return frame_bytes(export_frame(engine, user), fmt)


def frame_bytes(df: pd.DataFrame, fmt: str, *, instructions: bool = False) -> bytes:
    """A template-shaped table as CSV or Excel bytes, formula cells neutralised; the columns keep their
    canonical names (the template's one format), the Instructions sheet is in the run's language."""
    safe = _neutralised(df)
    if fmt == "csv":
        return safe.to_csv(index=False, lineterminator="\n").encode("utf-8")
    if fmt == "xlsx":
        for col in [c for c in TEXT_COLUMNS if c in safe.columns]:  # control characters cannot be in a worksheet
            safe[col] = safe[col].map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xl:
            safe.to_excel(xl, sheet_name="measurements", index=False)
            if instructions:
                instructions_frame().to_excel(xl, sheet_name=sheet_name(_("Instructions"), ["measurements"]),
                                              index=False)
        return buf.getvalue()
    raise ValueError(_("Unknown format {format}; expected csv or xlsx.").format(format=repr(fmt)))


def instructions_frame() -> pd.DataFrame:
    """What each column means and which values are allowed (the template's Instructions sheet), in the run's
    language; the first row says the file's one format, the same whatever the language."""
    kinds = metrics.DEGREE_DAY_KINDS
    rows = [
        (_("format"), _("The same in every language of the tracker: the column names of the measurements sheet as "
                        "they are (a column's name as the tracker shows it, in any of its languages, is accepted "
                        "too), numbers with a point for decimals (1234.5; a comma only between thousands: 4,300), "
                        "and dates as YYYY-MM-DD (2024-01-31).")),
        ("enterprise", _("The enterprise's name, exactly as registered.")),
        ("country", _("ISO 3166 two-letter code, e.g. IN, VN, KE.")),
        ("sector", _("Sector, e.g. Rubber and plastics.")),
        ("period_start", _("First day of the period, YYYY-MM-DD.")),
        ("period_end", _("Last day of the period, YYYY-MM-DD (on or after period_start).")),
        ("phase", _("baseline or follow-up.")),
        ("indicator", _("One of: {indicators}.").format(indicators=", ".join(metrics.INDICATORS))),
        ("carrier", _("Energy: {carriers}. Waste: destination ({destinations}); hazardous waste (optional): "
                      "hazardous_ and its destination ({hazardous}), counted in the waste total. Water (optional): "
                      "its source ({sources}), or empty. Degree days (optional, the weather of the period): {heating} "
                      "or {cooling}. Material input and yield: the material (optional). Otherwise empty.").format(
            carriers=", ".join(metrics.CARRIERS), destinations=", ".join(metrics.WASTE_DESTINATIONS),
            hazardous=", ".join(metrics.HAZARDOUS_DESTINATIONS), sources=", ".join(metrics.WATER_SOURCES),
            heating=kinds[0], cooling=kinds[1])),
        ("value", _("A number, not negative (4300 or 4,300). Yield at most 100%.")),
        ("unit", _("A unit valid for the indicator (see below).")),
        ("note", _("Optional free text.")),
        ("renewable_pct", _("Optional, electricity rows only: the percent of the purchased electricity that comes "
                            "from renewable sources (0 to 100; a green tariff or a supplier's renewable share). "
                            "Empty: not entered, and the renewable / non-renewable split of the disclosures reads "
                            "'not collected'.")),
        ("price", _("Optional, material_input rows only: the price of one unit of the row's unit (per t when the "
                    "value is in t), 0 or more. It gives the value of material saved.")),
        ("currency", _("With a price: its three-letter ISO 4217 code (INR, KES, USD). Never converted: values in "
                       "different currencies are never added together.")),
    ]
    for name in metrics.INDICATORS:
        if name == "energy":
            for carrier in metrics.CARRIERS:
                rows.append((_("units: energy / {carrier}").format(carrier=carrier),
                             ", ".join(metrics.valid_units(name, carrier))))
        else:
            rows.append((_("units: {indicator}").format(indicator=name), ", ".join(metrics.valid_units(name))))
    rows.append((_("re-import"), _("Rows with the same enterprise, period, phase, indicator and carrier update the "
                                   "stored figure instead of adding a duplicate. A file with any bad row is refused "
                                   "as a whole.")))
    return pd.DataFrame(rows, columns=[_("column"), _("meaning")])


def template_bytes(fmt: str) -> bytes:
    """The empty measurement template with one example row (Excel: with an Instructions sheet). Its columns,
    codes and values are the same in every language; the example's name and note are in the run's language."""
    example = pd.DataFrame([dict(enterprise=_("Example SME"), country="IN", sector="Rubber and plastics",
                                 period_start="2024-01-01", period_end="2024-03-31", phase="baseline",
                                 indicator="energy", carrier="electricity", value="4300", unit="kWh",
                                 note=_("delete this example row"))], columns=metrics.TEMPLATE_COLUMNS)
    return frame_bytes(example, fmt, instructions=True)


# --- the programme overview's aggregates --------------------------------------------------------

def _shown(df: pd.DataFrame, pct: list[str]) -> pd.DataFrame:
    """A table as exported: ``pct`` columns in percent (``_pct``), suppressed figures as
    "fewer than 3", text cells neutralised."""
    hidden = df["suppressed"].to_numpy(dtype=bool) if "suppressed" in df.columns else np.zeros(len(df), bool)
    fewer = fewer_than(MIN_CELL)
    out = {}
    for col in df.columns:
        if col == "suppressed":
            continue
        values = df[col]
        if not (col in pct or pd.api.types.is_float_dtype(values)):
            out[col] = values.astype(object).map(neutralise).to_numpy()
            continue
        scale = 100 if col in pct else 1
        cells = [None if v is None or v != v else round(float(v) * scale, 2 if scale == 100 else 3) for v in values]
        if col != "reported_mean_change":  # the programme's published figure is no enterprise's
            cells = [fewer if h else c for h, c in zip(hidden, cells, strict=True)]
        out[f"{col}_pct" if col in pct else col] = cells
    return pd.DataFrame(out, columns=list(out))


def overview_tables(ov: ProgrammeOverview) -> dict[str, pd.DataFrame]:
    """The aggregate tables as exported: columns and indicators in words, changes in percent,
    suppressed cells as "fewer than 3", text a spreadsheet would run as a formula (a sector
    called ``=HYPERLINK(...)``) made inert. Keyed by the tables' English names (marked for translation;
    the files name them in the run's language)."""
    change_cols = ["mean_change", "median_change", "pooled_change", "reported_mean_change"]
    tables = {
        N_("change per indicator"): _shown(ov.summary, change_cols),
        N_("by country"): _shown(ov.by_country, change_cols),
        N_("by sector"): _shown(ov.by_sector, change_cols),
        N_("over time"): _shown(ov.over_time, change_cols),
        N_("distribution"): _shown(ov.distribution, ["p05", "q1", "median", "q3", "p95", "mean"]),
        N_("energy and emissions"): _shown(ov.impacts, []),
        N_("energy by country"): _shown(ov.impacts_by_country, []),
        N_("energy by country, adjusted"): _shown(ov.impacts_by_country_adjusted, []),
    }
    # read by people: columns and indicators in words (labels.people_table), "fewer than 3" kept as is;
    # yield's changes are of a percentage (relative, and in points)
    for t in tables.values():
        if "unit" in t.columns:
            t["unit"] = t["unit"].replace({"dimensionless": "%"})
    return {name: labels.people_table(t, keep=tuple(c for c in t.columns if c != "indicator"))
            for name, t in tables.items()}


def overview_csv(ov: ProgrammeOverview) -> bytes:
    """All aggregate tables in one CSV (a ``table`` column names each), filters stated first; in the run's
    language."""
    table, value = _("table"), _("value")
    parts = [pd.DataFrame({table: [_("filters")], value: [neutralise(ov.filters.describe())]})]
    parts += [t.assign(**{table: _(name)})[[table] + list(t.columns)] for name, t in overview_tables(ov).items()]
    return pd.concat(parts, ignore_index=True).to_csv(index=False).encode("utf-8")


def overview_excel(ov: ProgrammeOverview) -> bytes:
    """The aggregate tables as an Excel workbook: a sheet per table, the filters on the first; in the run's
    language."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        names = [sheet_name(_("filters"))]
        rule = _("cells from {fewer} enterprises are suppressed").format(fewer=fewer_than(MIN_CELL))
        pd.DataFrame({_("filters"): [neutralise(ov.filters.describe())], _("rule"): [rule]}).to_excel(
            xl, sheet_name=names[0], index=False)
        for name, t in overview_tables(ov).items():
            names.append(sheet_name(_(name), names))
            t.to_excel(xl, sheet_name=names[-1], index=False)
    return buf.getvalue()
