"""Hostile upload files for the tests and the memory bench: decompression bombs and workbooks that
read as far more than they hold."""
from __future__ import annotations

import io
import struct
import zipfile

HEADER = ["enterprise", "country", "sector", "period_start", "period_end", "phase", "indicator", "carrier", "value",
          "unit", "note"]
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="measurements" sheetId="1" r:id="rId1"/></sheets>'
        '</workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}


def _cells(values: list[str], row: int) -> str:
    return "".join(f'<c r="{chr(65 + i)}{row}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))


def workbook(sheet_rows, *, level: int = 9) -> bytes:
    """An .xlsx whose sheet holds the header and then the XML of ``sheet_rows`` (an iterable of
    str chunks), compressed at ``level``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, text in _PARTS.items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'.encode())
            sheet.write(f'<row r="1">{_cells(HEADER, 1)}</row>'.encode())
            for chunk in sheet_rows:
                sheet.write(chunk.encode())
            sheet.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def bomb(unpacked_mb: int) -> bytes:
    """A workbook whose note cell holds ``unpacked_mb`` MB of one letter: deflate packs it about a
    thousand to one (300 MB in 0.3 MB), and a reader builds it as one text in memory."""
    row = ["Bomb SME", "IN", "S", "2024-01-01", "2024-01-31", "baseline", "water", "", "1", "m3"]
    block = "A" * (1024 * 1024)

    def chunks():
        yield f'<row r="2">{_cells(row, 2)}<c r="K2" t="inlineStr"><is><t>'
        for _ in range(unpacked_mb):
            yield block
        yield "</t></is></c></row>"
    return workbook(chunks())


def many_rows(unpacked_mb: int) -> bytes:
    """A workbook of about ``unpacked_mb`` MB of sheet XML: one template row again and again,
    rows and cells without numbers (each is read)."""
    row = ["Bomb SME", "IN", "S", "2024-01-01", "2024-01-31", "baseline", "water", "", "1", "m3", ""]
    cells = _cells(row, 2).replace(' r="', ' data-r="')
    one = f"<row>{cells}</row>"
    block = one * (1024 * 1024 // len(one) + 1)
    return workbook(block for _ in range(unpacked_mb))


def sparse_rows() -> bytes:
    """A tiny workbook whose second row is numbered 1,000,000: read as a million rows."""
    row = ["Far SME", "IN", "S", "2024-01-01", "2024-01-31", "baseline", "water", "", "1", "m3", ""]
    return workbook([f'<row r="1000000">{_cells(row, 1000000)}</row>'])


def wide_rows(n: int = 200) -> bytes:
    """A tiny workbook whose rows each have a cell in the last column (XFD): 16,384 cells a row."""
    return workbook(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c>'
                    f'<c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>' for r in range(2, n + 2))


def entity_expansion() -> bytes:
    """A workbook whose sheet declares nested entities (a 'billion laughs')."""
    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)) + "]>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in _PARTS.items():
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?>{laughs}<worksheet {_NS}><sheetData>'
                   f'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    return buf.getvalue()


def lying_sizes(unpacked_mb: int = 30) -> bytes:
    """A workbook of many rows whose zip directory declares its sheet a thousand bytes long."""
    data = bytearray(many_rows(unpacked_mb))
    for info in zipfile.ZipFile(io.BytesIO(bytes(data))).infolist():
        if info.filename != "xl/worksheets/sheet1.xml":
            continue
        local = info.header_offset
        name_len, extra_len = struct.unpack("<HH", data[local + 26:local + 30])
        extra = data[local + 30 + name_len:local + 30 + name_len + extra_len]
        if extra[:2] == b"\x01\x00":  # zip64: the sizes live in the extra field
            data[local + 30 + name_len + 4:local + 30 + name_len + 12] = struct.pack("<Q", 1000)
        else:
            data[local + 22:local + 26] = struct.pack("<I", 1000)
        pos = data.find(b"PK\x01\x02")
        while pos >= 0:
            clen, = struct.unpack("<H", data[pos + 28:pos + 30])
            xlen, = struct.unpack("<H", data[pos + 30:pos + 32])
            if bytes(data[pos + 46:pos + 46 + clen]) == info.filename.encode():
                if data[pos + 24:pos + 28] == b"\xff\xff\xff\xff":
                    data[pos + 46 + clen + 4:pos + 46 + clen + 12] = struct.pack("<Q", 1000)
                else:
                    data[pos + 24:pos + 28] = struct.pack("<I", 1000)
            pos = data.find(b"PK\x01\x02", pos + 46 + clen + xlen)
    return bytes(data)


def csv_rows(n: int) -> bytes:
    """A CSV file in the template with ``n`` valid data rows (20 figures for each of n / 20 enterprises)."""
    lines = [",".join(HEADER)]
    for i in range(n):
        ent, fig = divmod(i, 20)
        phase, year = ("baseline", 2024) if fig < 10 else ("follow-up", 2025)
        lines.append(f"SME {ent:06d},IN,Textiles,{year}-{fig % 10 + 1:02d}-01,{year}-{fig % 10 + 1:02d}-28,{phase},"
                     f"water,,{100 + i % 7},m3,")
    return ("\n".join(lines) + "\n").encode()
