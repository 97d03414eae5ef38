"""Uploads are checked before they are read: decompression bombs, workbooks that read as millions of
empty rows or cells, entity expansion, lying zip directories, files over the row or line limits.
Each is refused with one plain line, and reading it takes next to no memory."""
import json
import subprocess
import sys

import pytest

from tests import bombs
from tracker import cli, db, uploads
from tracker import io as tio
from tracker.errors import RejectedInput

HOSTILE = {
    "a 0.3 MB workbook unpacking to 300 MB": (lambda: bombs.bomb(300), "unpacks to 300 MB"),
    "a 3 MB workbook unpacking to 3 GB": (lambda: bombs.bomb(3000), "unpacks to 3,000 MB"),
    "300 MB of rows": (lambda: bombs.many_rows(300), "unpacks to 300 MB"),
    "a zip directory that lies about sizes": (bombs.lying_sizes, "the workbook is damaged"),
    "rows numbered up to a million": (bombs.sparse_rows, "more than 100,000 rows"),
    "cells in the last column": (bombs.wide_rows, "more than 2,000,000 cells"),
    "nested entities": (bombs.entity_expansion, "declares a document type"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    files = {}
    for name, (make, _) in HOSTILE.items():
        path = folder / (name.replace(" ", "-") + ".xlsx")
        path.write_bytes(make())
        files[name] = path
    return files


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_workbook_is_refused_plainly_before_it_is_read(hostile, name):
    with pytest.raises(RejectedInput) as refused:
        tio.read_table(hostile[name].read_bytes(), "book.xlsx")
    problem = refused.value.problems.iloc[0]
    assert len(refused.value.problems) == 1 and (problem["row"], problem["column"]) == (1, "file")
    assert HOSTILE[name][1] in problem["reason"]
    assert "Traceback" not in problem["reason"] and "Error" not in problem["reason"].split(":")[0]


_MEASURE = """
import json, sys
from tracker import io as tio
from tracker.errors import RejectedInput
def hwm():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) // 1024
out = {}
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    open("/proc/self/clear_refs", "w").write("5")  # the high-water mark starts again from here
    before = hwm()
    try:
        tio.read_table(data, path)
        out[path] = ["read", hwm() - before]
    except RejectedInput as exc:
        out[path] = [exc.problems.iloc[0]["reason"], hwm() - before]
print(json.dumps(out))
"""


def test_reading_a_hostile_workbook_takes_next_to_no_memory(hostile):
    # regression: 0.3 MB unpacking to 300 MB took the server to 2.4 GB; 3 MB to 3 GB raised MemoryError
    paths = [str(p) for p in hostile.values()]
    run = subprocess.run([sys.executable, "-c", _MEASURE, *paths], capture_output=True, text=True, check=True,
                         cwd=str(db.ROOT))
    measured = json.loads(run.stdout)
    for name, path in hostile.items():
        reason, grown = measured[str(path)]
        assert reason != "read", name
        assert grown < 50, (name, grown)  # megabytes above what the process held before


def test_a_csv_file_over_the_row_limit_is_refused_before_it_is_read():
    data = bombs.csv_rows(1001)
    with pytest.raises(RejectedInput, match="more than 250,000 rows"):
        tio.read_table(bombs.csv_rows(10) + b"x\n" * 250_001, "f.csv")
    assert tio.read_table(data, "f.csv", max_rows=1001).rows.shape[0] == 1001  # the limit itself is read
    with pytest.raises(RejectedInput, match="more than 1,000 rows"):
        tio.read_table(data, "f.csv", max_rows=1000)


def test_a_csv_file_with_an_endless_line_is_refused_before_it_is_read():
    line = b"x" * (uploads.MAX_LINE_BYTES + 1)
    with pytest.raises(RejectedInput) as refused:
        tio.read_table(bombs.csv_rows(3) + line + b"\n", "f.csv")
    assert refused.value.problems.iloc[0]["row"] == 5  # header, three rows, then the long one
    assert "kB long" in refused.value.problems.iloc[0]["reason"]


def test_a_csv_file_that_is_not_utf8_names_the_byte():
    with pytest.raises(RejectedInput, match=r"not UTF-8 text \(byte 8\)"):
        tio.read_table(b"a,b,c\nx,\xff,z\n", "f.csv")


def test_the_uploads_the_app_accepts_are_capped_at_50_mb():
    assert tio.MAX_UPLOAD_MB == 50
    with pytest.raises(RejectedInput, match="the limit is 50 MB"):
        tio.check_upload_size(51 * 1024 * 1024)


def test_the_command_line_refuses_a_bomb_plainly(hostile, duckdb_url, monkeypatch, capsys):
    monkeypatch.setenv("SCORE_DB_URL", duckdb_url)
    path = hostile["a 3 MB workbook unpacking to 3 GB"]
    assert cli.main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "was refused; nothing was stored" in err and "unpacks to 3,000 MB" in err
    assert "Traceback" not in err
