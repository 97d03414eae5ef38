"""The offline-visit commands: export on the server, open and pack on a laptop, merge back."""
from __future__ import annotations

import io
import sys

import pytest

from tests import visit_helpers as vh
from tracker import cli, db

CASE = vh.CASE


@pytest.fixture
def run(monkeypatch, capsys):
    def run(args, url):
        monkeypatch.setenv("SCORE_DB_URL", url)
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        code = cli.main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_a_visit_from_the_command_line_with_a_conflict(run, tmp_path):
    server_path = vh.demo_file(tmp_path)
    server_url, laptop_url = f"duckdb:///{server_path}", f"duckdb:///{tmp_path / 'laptop.duckdb'}"
    engine = db.open_database(server_url)
    vh.save_figure(engine, vh.sign_in(engine, "admin"), CASE, 1000)
    engine.dispose()
    package, back = tmp_path / "visit.zip", tmp_path / "back.zip"
    assert run(["visit", "export", "--user", "demo-manager", package], server_url)[0] == 1  # not a trainer
    code, out, err = run(["visit", "export", "--user", "demo-trainer", package], server_url)
    assert code == 0 and "password hash" in out, err
    code, out, err = run(["visit", "open", package], laptop_url)
    assert code == 0 and "7 enterprises" in out, err
    assert run(["visit", "open", package], laptop_url)[0] == 1  # not an empty database any more
    engine = db.open_database(laptop_url)
    vh.save_figure(engine, vh.sign_in(engine, "trainer"), CASE, 1200)
    engine.dispose()
    assert run(["visit", "pack", back], laptop_url)[0] == 0
    engine = db.open_database(server_url)
    vh.save_figure(engine, vh.sign_in(engine, "admin"), CASE, 1100)
    engine.dispose()
    code, out, err = run(["visit", "merge", back], server_url)
    assert code == 1 and "as exported: 1,000 kWh" in err and "server now:  1,100 kWh" in err
    assert "laptop:      1,200 kWh" in err
    code, out, err = run(["visit", "merge", "--resolve", "laptop", back], server_url)
    assert code == 0 and "1 record(s) changed" in out, err
    code, out, err = run(["visit", "merge", back], server_url)
    assert code == 0 and "merged before; nothing changed" in out
    engine = db.open_database(server_url)
    assert vh.figures(engine, CASE)[vh.key_of(CASE)] == (1200.0, "kWh")
    engine.dispose()
    # an export is not a pack; a file that is no package says so
    code, _out, err = run(["visit", "merge", package], server_url)
    assert code == 1 and "visit pack" in err
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    code, _out, err = run(["visit", "merge", tmp_path / "junk.zip"], server_url)
    assert code == 1 and "not a visit package" in err
