"""The command line: demo, exit codes, a plain message when the DuckDB file is locked.

The commands run in this process through ``cli.main(argv)``; one smoke test runs
``python -m tracker`` as a person would.
"""
import io
import subprocess
import sys
from pathlib import Path

import pytest

from tracker import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(monkeypatch, capsys):
    """run(args, url, input=None) -> (exit code, stdout, stderr) of ``cli.main(args)`` on ``url``."""

    def run(args, url, input=None):
        monkeypatch.setenv("SCORE_DB_URL", url)
        monkeypatch.setattr(sys, "stdin", io.StringIO(input or ""))
        code = cli.main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_python_m_tracker_runs_as_a_program():
    result = subprocess.run([sys.executable, "-m", "tracker", "--help"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "usage: python -m tracker" in result.stdout and "import" in result.stdout


def test_demo_with_password_then_again(run, duckdb_url):
    code, out, err = run(["demo", "--password", "demo-password"], duckdb_url)
    assert code == 0, err
    assert "demo-manager" in out
    code, out, err = run(["demo"], duckdb_url)
    assert code == 0, err
    assert "shown once" in out


def test_locked_duckdb_file_gives_a_plain_message(run, duckdb_url):
    # another process holds the file (within one process DuckDB shares it instead of refusing)
    path = duckdb_url.removeprefix("duckdb:///")
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); sys.stdin.read()", path],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        code, _, err = run(["demo", "--password", "demo-password"], duckdb_url)
    finally:
        holder.communicate("", timeout=60)
    assert code == 1
    assert "in use by another process" in err
    assert "Traceback" not in err


def test_help_lists_every_command_and_readme_documents_them(capsys):
    assert cli.main(["--help"]) == 0
    shown = capsys.readouterr().out
    commands = cli.build_parser()._subparsers._group_actions[0].choices
    readme = (ROOT / "README.md").read_text()
    for name in commands:
        assert name in shown
        assert f"`{name}" in readme, f"command {name} is not documented in README.md"


def test_import_export_template_and_user_add(run, duckdb_url, tmp_path):
    template = tmp_path / "template.xlsx"
    assert run(["template", template], duckdb_url)[0] == 0
    assert template.stat().st_size > 0
    good = tmp_path / "good.csv"
    good.write_text("enterprise,country,sector,period_start,period_end,phase,indicator,carrier,value,unit,note\n"
                    "Acme,KE,Food,2024-01-01,2024-01-31,baseline,energy,electricity,\"4,300\",kWh,\n"
                    "Acme,KE,Food,2024-07-01,2024-07-31,follow-up,energy,diesel,350,L,\n")
    code, out, err = run(["import", good], duckdb_url)
    assert code == 0, err
    assert "2 rows added" in out
    assert "0 rows added, 0 updated" in run(["import", good], duckdb_url)[1]
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text().replace("350,L", "350,piece").replace("2024-01-31", "2023-01-31"))
    code, _, err = run(["import", bad], duckdb_url)
    assert code == 1
    assert "line 2, column period_end" in err and "line 3, column" in err
    assert "Traceback" not in err
    out_file = tmp_path / "out.csv"
    assert run(["export", out_file], duckdb_url)[0] == 0
    assert out_file.read_text().count("Acme") == 2
    code, _, err = run(["user", "add", "kim", "--role", "manager", "--enterprise", "Acme", "--password-stdin"],
                       duckdb_url, input="a long password\n")
    assert code == 0, err
    code, _, err = run(["user", "add", "lee", "--role", "manager", "--enterprise", "Nope", "--password-stdin"],
                       duckdb_url, input="a long password\n")
    assert code == 1 and "unknown enterprise" in err
    code, _, err = run(["import", tmp_path / "nope.csv"], duckdb_url)
    assert code == 1 and "no such file" in err


def test_backup_and_restore_commands(run, duckdb_url, tmp_path):
    assert run(["demo", "--password", "demo-password"], duckdb_url)[0] == 0
    code, out, _ = run(["backup", tmp_path / "bk"], duckdb_url)
    assert code == 0 and "backed up" in out
    target = f"duckdb:///{tmp_path / 'restored.duckdb'}"
    code, _, err = run(["restore", tmp_path / "bk"], target)
    assert code == 0, err
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    run(["export", a], duckdb_url)
    run(["export", b], target)
    assert a.read_bytes() == b.read_bytes()
    code, _, err = run(["restore", tmp_path / "bk"], target)
    assert code == 1 and "not empty" in err and "Traceback" not in err


def test_bad_command_lines_files_and_urls_exit_1_with_a_plain_message(run, duckdb_url, tmp_path):
    cases = [
        (["user", "add", "bob", "--role", "king"], duckdb_url, "invalid choice: 'king'"),
        (["frobnicate"], duckdb_url, "invalid choice: 'frobnicate'"),
        (["export", tmp_path / "missing" / "x.csv"], duckdb_url, "no such folder"),
        (["export", tmp_path], duckdb_url, "must end in .csv or .xlsx"),
        (["export", tmp_path / "x.csv"], "foo://user:secret@host/db", "is not a database URL"),
        (["export", tmp_path / "x.csv"], "not a url", "SCORE_DB_URL"),
    ]
    for args, url, expected in cases:
        code, _, err = run(args, url)
        assert code == 1, (args, code, err)
        assert expected in err, (args, err)
        assert "Traceback" not in err and "secret" not in err
    # a directory where the file should go: the file system's reason, and no half-written file
    (tmp_path / "taken.csv").mkdir()
    code, _, err = run(["export", tmp_path / "taken.csv"], duckdb_url)
    assert code == 1 and "Traceback" not in err and "taken.csv" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.csv", "test.duckdb"]


def test_every_database_url_it_cannot_use_is_one_plain_line(run, tmp_path):
    # regression (issue 16, item 10): SCORE_DB_URL=mysql://... printed a Python traceback
    # (ModuleNotFoundError: MySQLdb); sqlite was tried and failed on the schema, a port that is not
    # a number gave "invalid literal for int()"
    cases = {"mysql://user:secret@db.example.org/score": "names a mysql database",
             "mysql+pymysql://user:secret@localhost/score": "names a mysql database",
             "sqlite:///" + str(tmp_path / "x.db"): "names a sqlite database",
             "mssql+pyodbc://user:secret@dsn": "names a mssql database",
             "postgresql+psycopg2://user:secret@localhost/score": "No module named 'psycopg2'",
             "postgresql://user:secret@localhost:port/score": "its port is not a number",
             "postgresql://user:secret@[::1/score": "its port is not a number",
             "://user:secret@": "is not a database URL"}
    for url, expected in cases.items():
        for args in (["export", tmp_path / "x.csv"], ["demo", "--password", "demo-password"],
                     ["backup", tmp_path / "bk"]):
            code, out, err = run(args, url)
            assert code == 1, (url, args, err)
            assert expected in err and "SCORE_DB_URL" in err, (url, err)
            assert err.startswith("error: ") and err.count("\n") == 1, (url, err)  # one line
            assert "Traceback" not in err and "secret" not in err, (url, err)
    assert not (tmp_path / "x.db").exists() and not (tmp_path / "bk").exists()  # nothing was created


def test_any_other_failure_is_one_plain_line_too(run, duckdb_url, monkeypatch):
    from tracker import demo

    def broken(*args, **kwargs):
        raise RuntimeError("something nobody foresaw\nwith a second line")

    monkeypatch.setattr(demo, "load", broken)
    code, _, err = run(["demo", "--password", "demo-password"], duckdb_url)
    assert code == 1 and err == "error: the command failed (RuntimeError): something nobody foresaw\n"


def test_a_user_name_too_long_is_refused_plainly_without_the_hash(run, db_url):
    # issue 16, item 7: PostgreSQL's StringDataRightTruncation quoted the INSERT with the password's hash
    code, _, err = run(["user", "add", "u" * 101, "--role", "officer", "--password-stdin"], db_url,
                       input="a-good-password\n")
    assert code == 1 and err == "error: The user name has 101 characters; at most 100 fit. Shorten it.\n"
