"""backup/restore round-trips the whole database, across backends too."""
import pandas as pd
import pytest

from tracker import backup, db, demo, services
from tracker import io as tio
from tracker.auth import CurrentUser, authenticate

ADMIN = CurrentUser(id=0, username="test-admin", role="admin")


def test_backup_restore_round_trips(db_url, tmp_path):
    src = db.open_database(f"duckdb:///{tmp_path / 'src.duckdb'}")
    demo.load(src, "demo-password")
    manifest = backup.backup(src, tmp_path / "bk")
    target = db.open_database(db_url)
    counts = backup.restore(target, tmp_path / "bk")
    assert counts == {name: t["rows"] for name, t in manifest["tables"].items()}
    assert tio.export_bytes(target, ADMIN, "csv") == tio.export_bytes(src, ADMIN, "csv")
    # the derived programme summary is rebuilt: the overview reads the same after a restore
    a = services.programme_overview(src, ADMIN).summary
    b = services.programme_overview(target, ADMIN).summary
    assert len(a) and a.equals(b)
    # accounts survive (hashes included) and new rows get fresh ids
    manager = authenticate(target, "demo-manager", "demo-password")
    report = services.enterprise_report(target, manager, manager.enterprise_ids[0])
    assert report.stages["yield_pct"].round().tolist() == [78, 88, 95]
    row = pd.DataFrame([dict(enterprise="New SME", country="KE", sector="Food", period_start="2025-01-01",
                             period_end="2025-01-31", phase="baseline", indicator="water", carrier="", value=5,
                             unit="m3", note="")])
    assert services.save_measurements(target, ADMIN, row, create_enterprises=True)["inserted"] == 1
    backup.backup(target, tmp_path / "bk2")
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(target, tmp_path / "bk")
    src.dispose()
    target.dispose()


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
