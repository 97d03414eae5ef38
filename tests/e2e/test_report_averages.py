"""The database averages beside a report, as a manager reads them in Chromium, after another process
wrote summary rows in a transaction committed late (stamped before the newest row, the table's number
of rows unchanged): the app process keeps the averages, and must not show the ones from before."""
import datetime as dt

import pandas as pd
import pytest
from playwright.sync_api import expect

import metrics
from tests.e2e.conftest import PASSWORD, idle, serve, sign_in, table_rows
from tracker import auth, db, measurements, overview
from tracker.db import session_scope


def _energy_rows(name, base, follow):
    common = dict(enterprise=name, country="KE", sector="S", indicator="energy", carrier="electricity", unit="kWh",
                  note="")
    # periods of one length (31 days): the change is follow / base - 1
    return [dict(common, period_start="2025-01-01", period_end="2025-01-31", phase="baseline", value=base),
            dict(common, period_start="2025-07-01", period_end="2025-07-31", phase="follow-up", value=follow)]


@pytest.fixture(scope="module")
def database(pg_cluster):
    """'Own' (-20 %) and six others (-10 % .. -15 %) on PostgreSQL, and the manager of 'Own'."""
    if pg_cluster is None:
        pytest.skip("needs the throwaway PostgreSQL cluster")
    url = pg_cluster.create_database("report_averages")
    engine = db.open_database(url)
    rows = _energy_rows("Own", 1000.0, 800.0)
    rows += [r for i in range(6) for r in _energy_rows(f"E{i:02d}", 1000.0, 900.0 - 10 * i)]
    measurements.save_measurements(engine, auth.system_user("test-admin"), metrics.parse(pd.DataFrame(rows)),
                                   create_enterprises=True)
    ids = overview.read_data(engine).enterprises.set_index("name")["enterprise_id"].astype(int)
    with session_scope(engine) as s:
        auth.upsert_user(s, "manager", PASSWORD, "manager", [int(ids["Own"])])
    engine.dispose()
    return url, ids


def _energy(page):
    # the first table under the heading of the averages
    table = page.locator("xpath=//h3[contains(., 'Programme averages for comparison')]"
                         "/following::*[@data-testid='stDataFrame'][1]")
    expect(table).to_be_visible()
    return table_rows(page, table, "indicator")["Energy consumption"]


def test_averages_written_late_by_another_process_are_shown(database, page, tmp_path):
    url, ids = database
    page.context.add_init_script("delete window.showSaveFilePicker")  # the table's CSV as a download
    with serve(url) as base:
        sign_in(page, base, "manager")
        expect(page.get_by_role("heading", name="Own")).to_be_visible()
        idle(page)
        # the mean of -20 %, -10 %, -11 %, -12 %, -13 %, -14 % and -15 %: -13.57 %
        assert _energy(page)["database mean"] == "-13.6%"
        page.screenshot(path=str(tmp_path / "1-before.png"), full_page=True)
        # this test's process revises three enterprises' rows to -50 %, as a transaction of another app
        # process that began before the last write and committed after it would have stamped them
        engine = db.open_database(url)
        with session_scope(engine) as s:
            for name in ("E00", "E01", "E02"):
                s.connection().exec_driver_sql(
                    "UPDATE enterprise_summary SET followup = baseline / 2, relative_change = -0.5, "
                    f"updated_at = '{dt.datetime(2001, 1, 1):%Y-%m-%d %H:%M:%S}' "
                    f"WHERE enterprise_id = {int(ids[name])} AND indicator = 'energy'")
        engine.dispose()
        # to the report again, by the sidebar
        page.get_by_role("link", name="Enter figures").click()
        expect(page.get_by_role("heading", name="Enter figures: Own")).to_be_visible()
        page.get_by_role("link", name="Enterprise report").click()
        expect(page.get_by_role("heading", name="Own")).to_be_visible()
        idle(page)
        energy = _energy(page)
        page.screenshot(path=str(tmp_path / "2-after.png"), full_page=True)
        # -20 %, three at -50 %, -13 %, -14 % and -15 %: -30.29 % (three revised at once: shown)
        assert energy["database mean"] == "-30.3%"
        assert energy["enterprises"] == "7"
