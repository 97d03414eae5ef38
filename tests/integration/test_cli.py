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


def test_import_export_template_and_user_add(duckdb_url, tmp_path):
    template = tmp_path / "template.xlsx"
    assert run(["template", str(template)], duckdb_url).returncode == 0
    assert template.stat().st_size > 0
    good = tmp_path / "good.csv"
    good.write_text("enterprise,country,sector,period_start,period_end,phase,indicator,carrier,value,unit,note\n"
                    "Acme,KE,Food,2024-01-01,2024-01-31,baseline,energy,electricity,\"4,300\",kWh,\n"
                    "Acme,KE,Food,2024-07-01,2024-07-31,follow-up,energy,diesel,350,L,\n")
    result = run(["import", str(good)], duckdb_url)
    assert result.returncode == 0, result.stderr
    assert "2 rows added" in result.stdout
    again = run(["import", str(good)], duckdb_url)
    assert "0 rows added, 0 updated" in again.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text().replace("350,L", "350,piece").replace("2024-01-31", "2023-01-31"))
    refused = run(["import", str(bad)], duckdb_url)
    assert refused.returncode == 1
    assert "line 2, column period_end" in refused.stderr and "line 3, column" in refused.stderr
    assert "Traceback" not in refused.stderr
    out = tmp_path / "out.csv"
    assert run(["export", str(out)], duckdb_url).returncode == 0
    assert out.read_text().count("Acme") == 2
    user = run(["user", "add", "kim", "--role", "manager", "--enterprise", "Acme", "--password-stdin"], duckdb_url,
               input="a long password\n")
    assert user.returncode == 0, user.stderr
    unknown = run(["user", "add", "lee", "--role", "manager", "--enterprise", "Nope", "--password-stdin"],
                  duckdb_url, input="a long password\n")
    assert unknown.returncode == 1 and "unknown enterprise" in unknown.stderr
    missing = run(["import", str(tmp_path / "nope.csv")], duckdb_url)
    assert missing.returncode == 1 and "no such file" in missing.stderr


def test_backup_and_restore_commands(duckdb_url, tmp_path):
    assert run(["demo", "--password", "demo-password"], duckdb_url).returncode == 0
    made = run(["backup", str(tmp_path / "bk")], duckdb_url)
    assert made.returncode == 0 and "backed up" in made.stdout
    target = f"duckdb:///{tmp_path / 'restored.duckdb'}"
    restored = run(["restore", str(tmp_path / "bk")], target)
    assert restored.returncode == 0, restored.stderr
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    run(["export", str(a)], duckdb_url)
    run(["export", str(b)], target)
    assert a.read_bytes() == b.read_bytes()
    again = run(["restore", str(tmp_path / "bk")], target)
    assert again.returncode == 1 and "not empty" in again.stderr and "Traceback" not in again.stderr


def test_bad_command_lines_files_and_urls_exit_1_with_a_plain_message(duckdb_url, tmp_path):
    cases = [
        (["user", "add", "bob", "--role", "king"], duckdb_url, "invalid choice: 'king'"),
        (["frobnicate"], duckdb_url, "invalid choice: 'frobnicate'"),
        (["export", str(tmp_path / "missing" / "x.csv")], duckdb_url, "no such folder"),
        (["export", str(tmp_path)], duckdb_url, "must end in .csv or .xlsx"),
        (["export", str(tmp_path / "x.csv")], "foo://user:secret@host/db", "is not a database URL"),
        (["export", str(tmp_path / "x.csv")], "not a url", "SCORE_DB_URL"),
    ]
    for args, url, expected in cases:
        result = run(args, url)
        assert result.returncode == 1, (args, result.returncode, result.stderr)
        assert expected in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr and "secret" not in result.stderr
    # a directory where the file should go: the file system's reason, and no half-written file
    (tmp_path / "taken.csv").mkdir()
    result = run(["export", str(tmp_path / "taken.csv")], duckdb_url)
    assert result.returncode == 1 and "Traceback" not in result.stderr and "taken.csv" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.csv", "test.duckdb"]
