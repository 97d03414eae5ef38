"""What an uploaded file may be before anything reads it: its size as sent and as unpacked, its rows,
cells and lines, so that reading it stays within the app's memory (under 1 GB for any upload).

An .xlsx workbook is a zip of XML parts: 300 kB can unpack to 300 MB (a decompression bomb), and a
sheet of two rows numbered 1 and 1,000,000 is read as a million rows. :func:`check_xlsx` looks at
the zip's directory (the sizes the parts declare, which Python's zip reader then enforces) and
streams each part once through expat, counting rows and cells as they will be read, without
keeping anything; it stops at the first limit passed. :func:`check_csv` checks a CSV file's
encoding, lines and rows a block at a time, from its bytes or from the file itself. Each refusal is
one plain line saying the limit and what to do.
"""
from __future__ import annotations

import codecs
import io
import os
import zipfile
from typing import BinaryIO
from xml.parsers import expat

import numpy as np

from metrics.i18n import N_, _
from tracker.errors import RejectedInput

MB = 1024 * 1024
#: data rows of a CSV file uploaded to the app: reading and storing one takes about 1.2 kB a row
#: at its peak (250,000 rows: 300 MB), which keeps the app under 1 GB
MAX_CSV_ROWS = 250_000
#: data rows of a CSV file imported on the command line (a process of its own), and its size
CLI_MAX_CSV_ROWS = 5_000_000
CLI_MAX_BYTES = 1024 * 1024 * 1024
#: the longest line of a CSV file, in bytes (a template line is a few hundred)
MAX_LINE_BYTES = 16 * 1024
#: an Excel workbook is read cell by cell, a thousand times slower than CSV and with far more memory
MAX_XLSX_ROWS = 100_000
#: cells read from a workbook (every sheet; gaps in a row count as the empty cells they are read as)
MAX_XLSX_CELLS = 2_000_000
#: the workbook's parts unpacked, together
MAX_XLSX_BYTES = 80 * MB
#: parts of a workbook (a template has about ten)
MAX_XLSX_PARTS = 1000
_SPLIT = N_("Split it into smaller files (for example one per year or per country) and upload each.")


def csv_source(source: bytes | os.PathLike) -> BinaryIO:
    """A CSV file given as its bytes or as the path of a file on this machine (the command line:
    never read whole), opened for reading from its start."""
    return io.BytesIO(source) if isinstance(source, bytes | bytearray) else open(source, "rb")  # noqa: SIM115


def source_size(source: bytes | os.PathLike) -> int:
    """The size in bytes of a file given as :func:`csv_source` takes it."""
    return len(source) if isinstance(source, bytes | bytearray) else os.stat(source).st_size


#: bytes of a CSV file checked at a time
CHECK_BLOCK = 1 << 20


def _decode(decoder, block: bytes, at: int, final: bool = False) -> None:
    """Decode the next ``block`` (at byte ``at`` of the file), or refuse the file naming the first bad byte
    (a character cut by the block's end counted from where it starts)."""
    held = len(decoder.getstate()[0])
    try:
        decoder.decode(block, final=final)
    except UnicodeDecodeError as exc:
        raise RejectedInput.one(_("the file is not UTF-8 text (byte {byte}); save it as 'CSV UTF-8' and "
                                  "try again").format(byte=at - held + exc.start)) from None


def check_csv(source: bytes | os.PathLike, max_rows: int = MAX_CSV_ROWS) -> None:
    """Refuse a CSV file that is not UTF-8, holds NUL bytes, a line over MAX_LINE_BYTES or more
    than ``max_rows`` data rows; reads the file once, :data:`CHECK_BLOCK` bytes at a time, the
    lines of each block found by numpy rather than one at a time (a bad byte is said first, then a
    NUL, the rows, the longest line, whatever the order they come in)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    nul, lines, longest, line, begin, at = False, 0, 0, 1, 0, 0  # begin: where the current line starts
    with csv_source(source) as f:
        while block := f.read(CHECK_BLOCK):
            _decode(decoder, block, at)
            nul = nul or b"\x00" in block
            ends = at + np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 0x0A)
            if len(ends):
                lengths = ends - np.concatenate([[begin], ends[:-1] + 1])
                first = int(np.argmax(lengths))  # the first of the longest
                if lengths[first] > longest:
                    longest, line = int(lengths[first]), lines + first + 1
                lines += len(ends)
                begin = int(ends[-1]) + 1
            at += len(block)
    _decode(decoder, b"", at, final=True)
    if at > begin:  # a last line without its line break
        if at - begin > longest:
            longest, line = at - begin, lines + 1
        lines += 1
    if nul:
        raise RejectedInput.one(_("the file contains NUL bytes: is it really a CSV file?"))
    if lines > max_rows + 1:
        raise RejectedInput.one(_("the file has more than {rows} rows, the most one file may hold.").format(
            rows=f"{max_rows:,}") + " " + _(_SPLIT))
    if longest > MAX_LINE_BYTES:
        raise RejectedInput.one(_("line {line} is {size} kB long; a line may have at most {most} kB. Is it really a "
                                  "CSV file in the template?").format(line=line, size=f"{longest / 1024:,.0f}",
                                                                      most=MAX_LINE_BYTES // 1024), row=line)


class _Over(Exception):
    """A limit passed while counting (the reason is the message)."""


def _column(ref: str) -> int:
    """The column number of a cell reference ('A1' -> 1, 'XFD7' -> 16384); 0 when it has none."""
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            n = n * 26 + ord(ch) - 96
        else:
            break
    return n


class _Counter:
    """Rows and cells of the sheets as a reader fills them in (a row numbered 1,000 after row 2
    is read with 997 empty rows before it; a cell in column XFD with 16,383 empty ones)."""

    def __init__(self):
        self.rows = 0  # rows read, gaps included, over every sheet
        self.cells = 0
        self.sheet_rows = 0  # the current sheet's last row number
        self.row_cells = 0  # the current row's last column number

    def start(self, name: str, attrs: dict) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "worksheet":
            self.sheet_rows = 0
        elif local == "row":
            number = int(attrs["r"]) if attrs.get("r", "").isdigit() else self.sheet_rows + 1
            self.rows += max(number - self.sheet_rows, 1)
            self.sheet_rows = max(number, self.sheet_rows)
            self.row_cells = 0
            if self.rows > MAX_XLSX_ROWS + 1:
                raise _Over(_("the workbook has more than {rows} rows (empty rows between used ones count), the most "
                              "a workbook may hold. Save it as CSV UTF-8 (up to {csv_rows} rows), or split it into "
                              "smaller files (for example one per year or per country) and upload each.").format(
                    rows=f"{MAX_XLSX_ROWS:,}", csv_rows=f"{MAX_CSV_ROWS:,}"))
        elif local == "c":
            column = _column(attrs.get("r", "")) or self.row_cells + 1
            if column > self.row_cells:
                self.cells += column - self.row_cells
                self.row_cells = column
            if self.cells > MAX_XLSX_CELLS:
                raise _Over(_("the workbook has more than {cells} cells (empty cells before used ones in a row count), "
                              "the most a workbook may hold. Delete the columns that are not in the template, or split "
                              "it into smaller files (for example one per year or per country) and upload each."
                              ).format(cells=f"{MAX_XLSX_CELLS:,}"))


def _doctype(*_args) -> None:
    raise _Over(_("the workbook declares a document type, which Excel never writes: it is refused"))


def check_xlsx(data: bytes) -> None:
    """Refuse a workbook whose parts unpack to more than MAX_XLSX_BYTES, or whose sheets hold more
    than MAX_XLSX_ROWS rows or MAX_XLSX_CELLS cells as they would be read; nothing is kept."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        parts = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RejectedInput.one(_("the file cannot be read as an Excel workbook (.xlsx): {error}").format(
            error=type(exc).__name__)) from None
    if len(parts) > MAX_XLSX_PARTS:
        raise RejectedInput.one(_("the workbook has {n} parts; an Excel workbook has a few dozen at most").format(
            n=f"{len(parts):,}"))
    unpacked = sum(p.file_size for p in parts)
    if unpacked > MAX_XLSX_BYTES:
        raise RejectedInput.one(_("the workbook unpacks to {size} MB ({sent} MB as sent); the limit is {most} MB. Save "
                                  "it as CSV UTF-8, or split it into smaller files (for example one per year or per "
                                  "country) and upload each.").format(size=f"{unpacked / MB:,.0f}",
                                                                      sent=f"{len(data) / MB:,.1f}",
                                                                      most=MAX_XLSX_BYTES // MB))
    counter = _Counter()
    try:
        for part in parts:
            if not part.filename.lower().endswith((".xml", ".rels")):
                continue
            parser = expat.ParserCreate(namespace_separator=" ")
            parser.StartDoctypeDeclHandler = _doctype
            if part.filename.startswith("xl/worksheets/"):
                parser.StartElementHandler = counter.start
            with book.open(part) as stream:  # at most file_size bytes come out: zipfile checks
                while chunk := stream.read(1 << 20):
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Over as exc:
        raise RejectedInput.one(str(exc)) from None
    except zipfile.BadZipFile:
        raise RejectedInput.one(_("the workbook is damaged: a part of it is not what its table of contents says "
                                  "(size or checksum). Save it again from Excel and upload that copy.")) from None
    except (expat.ExpatError, OSError, ValueError, EOFError) as exc:
        raise RejectedInput.one(_("the file cannot be read as an Excel workbook (.xlsx): {error}").format(
            error=type(exc).__name__)) from None
