"""backup/restore round-trips the whole database, across backends too."""
import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

import metrics
from tracker import activities, backup, db, demo, enterprises, measurements, published
from tracker import io as tio
from tracker.auth import authenticate, system_user
from tracker.models import Base
from tracker.report import enterprise_report

ADMIN = system_user("test-admin")


def test_backup_restore_round_trips(db_url, tmp_path):
    src = db.open_database(f"duckdb:///{tmp_path / 'src.duckdb'}")
    demo.load(src, "demo-password")
    # NULL, the empty text and texts that look like the backup's NULL marker all come back
    seal = enterprises.list_enterprises(src, ADMIN)["id"].iloc[0]
    activities.add_action(src, ADMIN, int(seal), dt.date(2024, 5, 1), "\\N", investment=None, currency="")
    activities.add_action(src, ADMIN, int(seal), dt.date(2024, 5, 2), "\\\\server\\share", investment=0.1)
    manifest = backup.backup(src, tmp_path / "bk")
    target = db.open_database(db_url)
    counts = backup.restore(target, tmp_path / "bk")
    assert counts == {name: t["rows"] for name, t in manifest["tables"].items()}
    assert set(counts) >= {"enterprises", "users", "measurements", "actions", "trainings", "audit_log"}
    # the delivery model too: partners, clusters and trainers' paths (the demo's: tracker.demo)
    assert counts["partners"] >= len(demo.PARTNER_RECORDS) and counts["clusters"] >= 2
    assert counts["trainer_profiles"] == len(demo.TRAINERS)
    for name in counts:  # every row and column, exactly
        assert table_rows(target, name) == table_rows(src, name), name
    assert tio.export_bytes(target, ADMIN, "csv") == tio.export_bytes(src, ADMIN, "csv")
    # the derived programme summary is rebuilt: the overview reads the same after a restore
    a = published.programme_overview(src, ADMIN).summary
    b = published.programme_overview(target, ADMIN).summary
    assert len(a) and a.equals(b)
    # accounts survive (hashes included) and new rows get fresh ids
    manager = authenticate(target, "demo-manager", "demo-password")
    report = enterprise_report(target, manager, manager.enterprise_ids[0])
    assert report.stages["yield_pct"].round().tolist() == [78, 88, 95]
    row = pd.DataFrame([dict(enterprise="New SME", country="KE", sector="Food", period_start="2025-01-01",
                             period_end="2025-01-31", phase="baseline", indicator="water", carrier="", value=5,
                             unit="m3", note="")])
    assert measurements.save_measurements(target, ADMIN, metrics.parse(row), create_enterprises=True)["inserted"] == 1
    backup.backup(target, tmp_path / "bk2")
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(target, tmp_path / "bk")
    src.dispose()
    target.dispose()


def table_rows(engine, name):
    table = Base.metadata.tables[name]
    with db.session_scope(engine) as s:
        return [tuple(r) for r in s.execute(select(table).order_by(*table.primary_key.columns)).all()]


def test_damaged_backup_is_refused(tmp_path):
    src = db.open_database(f"duckdb:///{tmp_path / 'src.duckdb'}")
    demo.load(src, "demo-password")
    backup.backup(src, tmp_path / "bk")
    path = tmp_path / "bk" / "measurements.csv"
    path.write_text(path.read_text().replace("78.0", "79.0"))
    fresh = db.open_database(f"duckdb:///{tmp_path / 'fresh.duckdb'}")
    with pytest.raises(backup.BackupError, match="does not match"):
        backup.restore(fresh, tmp_path / "bk")
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.backup(src, tmp_path / "bk")
    src.dispose()
    fresh.dispose()


def test_null_empty_and_backslash_texts_survive_the_csv(tmp_path):
    table = Base.metadata.tables["actions"]
    texts = [None, "", "\\N", "\\", "\\\\N", "plain, with \"quotes\"\nand a line"]
    df = pd.DataFrame({c.name: [None] * len(texts) for c in table.columns})
    df["description"] = texts
    df["id"] = range(len(texts))
    path = tmp_path / "actions.csv"
    backup._encode(df, table).to_csv(path, index=False)
    back = backup._typed("actions", pd.read_csv(path, dtype=str, keep_default_na=False))
    assert list(back["description"]) == texts
    assert list(back["investment"]) == [None] * len(texts)
    assert list(back["id"]) == list(range(len(texts)))


def test_a_backup_is_readable_by_its_owner_only_and_says_it_holds_credentials(tmp_path):
    # regression (issue 16, item 14): the folder was written 0755 and its files 0644, password hashes included
    import json
    import os
    import stat

    src = db.open_database(f"duckdb:///{tmp_path / 'src.duckdb'}")
    demo.load(src, "demo-password")
    old = os.umask(0o002)  # a lax umask, as on many desktops: the backup is private all the same
    try:
        backup.backup(src, tmp_path / "new" / "bk")
        (tmp_path / "empty").mkdir(mode=0o777)
        os.chmod(tmp_path / "empty", 0o777)
        backup.backup(src, tmp_path / "empty")  # an empty folder that existed, open to all
    finally:
        os.umask(old)
    for folder in (tmp_path / "new" / "bk", tmp_path / "empty"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        files = sorted(folder.iterdir())
        assert {p.name for p in files} == {f"{t}.csv" for t, _ in backup.TABLES} | {"manifest.json"}
        assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}
        manifest = json.loads((folder / "manifest.json").read_text())
        assert "password hash" in manifest["credentials"] and "0600" in manifest["credentials"]
        assert "settings.csv" in manifest["credentials"]  # the visit packages' signing secret
        assert "$argon2" in (folder / "users.csv").read_text()  # what it protects
    target = db.open_database(f"duckdb:///{tmp_path / 'target.duckdb'}")
    accounts = len(table_rows(src, "users"))
    assert accounts >= 4 and backup.restore(target, tmp_path / "empty")["users"] == accounts  # hashes and all
