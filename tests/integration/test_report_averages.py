"""The database averages beside a report are kept in the process and, after a write, patched with the
enterprises whose summary rows changed: never stale after another process's write (even one committed
late, stamped before what was seen), after two people save at once, or after a save refused."""
import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import metrics
from tracker import auth, db, errors, measurements, overview, published, report
from tracker.db import session_scope

ROOT = Path(__file__).resolve().parents[2]
ADMIN = auth.system_user("test-admin")


def _energy_rows(name, base, follow):
    common = dict(enterprise=name, country="KE", sector="S", indicator="energy", carrier="electricity", unit="kWh",
                  note="")
    # periods of one length (31 days): the change is follow / base - 1
    return [dict(common, period_start="2025-01-01", period_end="2025-01-31", phase="baseline", value=base),
            dict(common, period_start="2025-07-01", period_end="2025-07-31", phase="follow-up", value=follow)]


def _save(engine, user, rows):
    return measurements.save_measurements(engine, user, metrics.parse(pd.DataFrame(rows)), create_enterprises=True)


def _ids(engine):
    return overview.read_data(engine).enterprises.set_index("name")["enterprise_id"].astype(int)


@pytest.fixture
def setup(db_url):
    """'Own' (-20 %) and six others (-10 % .. -15 %), the manager of 'Own'; every process starts with nothing
    kept."""
    published.forget_cached()
    engine = db.open_database(db_url)
    rows = _energy_rows("Own", 1000.0, 800.0)
    rows += [r for i in range(6) for r in _energy_rows(f"E{i:02d}", 1000.0, 900.0 - 10 * i)]
    _save(engine, ADMIN, rows)
    own = int(_ids(engine)["Own"])
    with session_scope(engine) as s:
        auth.upsert_user(s, "manager", "manager-password", "manager", [own])
    manager = auth.authenticate(engine, "manager", "manager-password")
    yield engine, manager, own
    engine.dispose()
    published.forget_cached()


CHANGES = [-0.2] + [(900.0 - 10 * i) / 1000 - 1 for i in range(6)]


def _energy(engine, user, eid):
    return report.enterprise_report(engine, user, eid).database_averages.set_index("indicator").loc["energy"]


def _in_another_process(url, script):
    subprocess.run([sys.executable, "-c", "import metrics, pandas as pd\nfrom tracker import auth, db, measurements\n"
                    f"engine = db.open_database({url!r})\n" + script + "\nengine.dispose()\n"],
                   cwd=ROOT, check=True, timeout=300)


def test_another_process_s_save_is_seen(setup, db_url):
    engine, manager, own = setup
    before = _energy(engine, manager, own)
    assert before["enterprises"] == 7 and before["mean_change"] == pytest.approx(np.mean(CHANGES))
    if engine.dialect.name == "duckdb":
        engine.dispose()  # a DuckDB file is open in one process at a time
    # four enterprises' first follow-ups (several at once: the mean is shown; ten others: the median too),
    # saved by another process
    rows = [r for i in range(4) for r in _energy_rows(f"N{i}", 1000.0, 500.0 + 100 * i)]
    _in_another_process(db_url, f"measurements.save_measurements(engine, auth.system_user('other'), "
                                f"metrics.parse(pd.DataFrame({rows!r})), create_enterprises=True)")
    engine = db.open_database(db_url)
    after = _energy(engine, manager, own)
    assert after["enterprises"] == 11
    assert after["mean_change"] == pytest.approx(np.mean(CHANGES + [-0.5, -0.4, -0.3, -0.2]))
    assert after["median_change"] == pytest.approx(np.median(CHANGES + [-0.5, -0.4, -0.3, -0.2]))
    engine.dispose()


def test_a_write_committed_late_with_an_earlier_time_is_seen(setup):
    """A transaction of another process that began before the last write seen and committed after it: its
    rows carry an earlier time than the newest, and the table keeps its number of rows."""
    engine, manager, own = setup
    assert _energy(engine, manager, own)["mean_change"] == pytest.approx(np.mean(CHANGES))
    ids = _ids(engine)
    late = dt.datetime(2001, 1, 1)
    with session_scope(engine) as s:
        for name in ("E00", "E01", "E02"):  # three revised at once: shown
            s.connection().exec_driver_sql(
                "UPDATE enterprise_summary SET followup = baseline / 2, relative_change = -0.5, updated_at = "
                f"'{late:%Y-%m-%d %H:%M:%S}' WHERE enterprise_id = {int(ids[name])} AND indicator = 'energy'")
    after = _energy(engine, manager, own)
    assert after["enterprises"] == 7
    assert after["mean_change"] == pytest.approx(np.mean([-0.2, -0.5, -0.5, -0.5] + CHANGES[4:]))


def test_two_people_saving_at_once_are_both_counted(setup):
    engine, manager, own = setup
    assert _energy(engine, manager, own)["enterprises"] == 7
    barrier, failures = threading.Barrier(3), []

    def save(names, follow):
        try:
            barrier.wait(timeout=60)
            _save(engine, ADMIN, [r for n, f in zip(names, follow, strict=True) for r in _energy_rows(n, 1000.0, f)])
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=save, args=(["A0", "A1", "A2"], [700.0, 650.0, 600.0])),
               threading.Thread(target=save, args=(["B0", "B1", "B2"], [1100.0, 1050.0, 1000.0]))]
    for t in threads:
        t.start()
    # a third person reads the report while both save
    barrier.wait(timeout=60)
    _energy(engine, manager, own)
    for t in threads:
        t.join(timeout=300)
    assert not failures, failures
    added = [-0.3, -0.35, -0.4, 0.1, 0.05, 0.0]
    after = _energy(engine, manager, own)
    assert after["enterprises"] == 13
    assert after["mean_change"] == pytest.approx(np.mean(CHANGES + added))
    # the same as a process that starts now and reads everything
    published.forget_cached()
    again = _energy(engine, manager, own)
    assert again["enterprises"] == 13 and again["mean_change"] == pytest.approx(after["mean_change"])


def test_a_refused_save_changes_nothing_kept(setup):
    engine, manager, own = setup
    before = _energy(engine, manager, own)
    bad = _energy_rows("E00", 1000.0, 100.0) + [dict(_energy_rows("E01", 1000.0, 1.0)[1], unit="parsecs")]
    with pytest.raises(errors.RejectedInput):
        _save(engine, ADMIN, bad)
    with pytest.raises(errors.AccessDenied):  # a manager saving another enterprise's figures
        _save(engine, manager, _energy_rows("E02", 1000.0, 100.0))
    after = _energy(engine, manager, own)
    assert after["enterprises"] == 7 and after["mean_change"] == pytest.approx(np.mean(CHANGES))
    assert after["mean_change"] == before["mean_change"]


def test_patched_rows_equal_a_fresh_read_after_saves_and_a_deletion(setup):
    engine, manager, own = setup
    ids = _ids(engine)
    _energy(engine, manager, own)
    _save(engine, ADMIN, [r for i in range(3) for r in _energy_rows(f"N{i}", 1000.0, 500.0 + 100 * i)])
    _energy(engine, manager, own)
    for name in ("E03", "E04", "E05"):  # three enterprises lose their follow-up: no longer counted
        measurements.delete_period(engine, ADMIN, int(ids[name]), "follow-up", dt.date(2025, 7, 1),
                                   dt.date(2025, 7, 31))
    patched = report.enterprise_report(engine, manager, own).database_averages
    published.forget_cached()
    fresh = report.enterprise_report(engine, manager, own).database_averages
    pd.testing.assert_frame_equal(patched, fresh)
    energy = patched.set_index("indicator").loc["energy"]
    assert energy["enterprises"] == 7
    assert energy["mean_change"] == pytest.approx(np.mean(CHANGES[:4] + [-0.5, -0.4, -0.3]))
