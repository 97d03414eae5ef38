"""The command line: demo, exit codes, a plain message when the DuckDB file is locked."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(args, url, **kw):
    env = dict(os.environ, SCORE_DB_URL=url)
    return subprocess.run([sys.executable, "-m", "tracker", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, **kw)


def test_demo_with_password_then_again(duckdb_url):
    first = run(["demo", "--password", "demo-password"], duckdb_url)
    assert first.returncode == 0, first.stderr
    assert "demo-manager" in first.stdout
    again = run(["demo"], duckdb_url)
    assert again.returncode == 0, again.stderr
    assert "shown once" in again.stdout


def test_locked_duckdb_file_gives_a_plain_message(duckdb_url):
    import duckdb

    path = duckdb_url.removeprefix("duckdb:///")
    con = duckdb.connect(path)  # this test process now holds the file
    try:
        result = run(["demo", "--password", "demo-password"], duckdb_url)
    finally:
        con.close()
    assert result.returncode == 1
    assert "in use by another process" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_every_command_and_readme_documents_them():
    result = subprocess.run([sys.executable, "-m", "tracker", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    from tracker.cli import build_parser

    commands = build_parser()._subparsers._group_actions[0].choices
    readme = (ROOT / "README.md").read_text()
    for name in commands:
        assert name in result.stdout
        assert f"`{name}" in readme, f"command {name} is not documented in README.md"
