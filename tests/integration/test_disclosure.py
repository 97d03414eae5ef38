"""tracker.disclosure's differencing guard: its memory lives in the database, survives what does
not touch a cell's enterprises, is shared by every process, and holds under concurrent views."""
import itertools
import threading

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

import metrics
from tracker import auth, db, demo, disclosure, errors, measurements, overview, published, report
from tracker.db import session_scope
from tracker.models import ShownCell

PW = "demo-password"
BO = overview.Filters(country=("BO",))
BO_WITHOUT_FOOD = overview.Filters(country=("BO",), sector=tuple(s for s in demo.SECTORS if s != "Food processing"))
FOOD_BO = "Synthetic Food SME 12 (BO)"


@pytest.fixture
def demo_engine(db_url):
    engine = db.open_database(db_url)
    demo.load(engine, PW)
    yield engine
    engine.dispose()


def _row(df, key, value):
    return df.set_index(key).loc[value]


def _food_change(engine, admin):
    """The Food enterprise's own energy change and energy avoided (MWh a year), from its figures by
    metrics (the report's path, not the overview's)."""
    eid = int(overview.load_data(engine, admin).enterprises.set_index("name").loc[FOOD_BO, "enterprise_id"])
    _, df = measurements.enterprise_info(engine, admin, eid)
    ch = metrics.enterprise_changes(df)
    energy = ch[ch["indicator"] == "energy"].iloc[0]
    return energy["relative_change"], (energy["baseline"] - energy["followup"]) * 365 / 1000


def test_the_issue_attack_on_the_demo_bo_then_a_failed_sign_in_then_bo_without_food(demo_engine):
    admin = auth.authenticate(demo_engine, "demo-admin", PW)
    officer = auth.authenticate(demo_engine, "demo-officer", PW)
    # the attack works on the unguarded aggregates: the two views subtract to one enterprise's figures
    data = overview.load_data(demo_engine, admin)
    five, four = overview.build(data, BO), overview.build(data, BO_WITHOUT_FOOD)
    e5, e4 = _row(five.summary, "indicator", "energy"), _row(four.summary, "indicator", "energy")
    assert (e5["enterprises"], e4["enterprises"]) == (5, 4)
    change, avoided = _food_change(demo_engine, admin)
    assert 5 * e5["mean_change"] - 4 * e4["mean_change"] == pytest.approx(change, abs=1e-9)
    a5, a4 = _row(five.impacts, "figure", "energy avoided"), _row(four.impacts, "figure", "energy avoided")
    assert a5["avoided"] - a4["avoided"] == pytest.approx(avoided, rel=1e-9)

    # what the officer sees: BO, one failed sign-in (a new audit row, a new data version), BO without Food
    shown = published.programme_overview(demo_engine, officer, BO)
    assert _row(shown.summary, "indicator", "energy")["mean_change"] == pytest.approx(e5["mean_change"])
    assert _row(shown.impacts, "figure", "energy avoided")["avoided"] == pytest.approx(a5["avoided"])
    version = overview.data_version(demo_engine, officer)
    with pytest.raises(auth.SignInError):
        auth.authenticate(demo_engine, "demo-officer", "not the password")
    assert overview.data_version(demo_engine, officer) != version
    second = published.programme_overview(demo_engine, officer, BO_WITHOUT_FOOD)
    energy = _row(second.summary, "indicator", "energy")
    assert energy["enterprises"] == 4 and energy["suppressed"]
    assert np.isnan(energy[["mean_change", "median_change", "pooled_change"]].astype(float)).all()
    assert np.isnan(_row(second.impacts, "figure", "energy avoided")["avoided"])
    assert second.hidden_as_too_close > 0
    # every indicator of the 4 is one enterprise away from the 5 shown: none shows a figure
    assert second.summary["suppressed"].all() and second.summary["mean_change"].isna().all()
    # nor the breakdowns (the same 4 in BO's country row)
    assert second.by_country["mean_change"].isna().all()
    # another officer, on another engine (another process on PostgreSQL): the memory is the
    # programme's, in the database
    with session_scope(demo_engine) as s:
        auth.upsert_user(s, "officer-2", "officer-password", "officer")
    other = auth.authenticate(demo_engine, "officer-2", "officer-password")
    fresh = (db.open_database(demo_engine.url.render_as_string(hide_password=False))
             if demo_engine.dialect.name == "postgresql" else demo_engine)
    again = published.programme_overview(fresh, other, BO_WITHOUT_FOOD)
    assert _row(again.summary, "indicator", "energy")["suppressed"]
    if fresh is not demo_engine:
        fresh.dispose()


def test_the_memory_survives_a_restart_of_the_process(tmp_path):
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    engine = db.open_database(url)
    demo.load(engine, PW)
    officer = auth.authenticate(engine, "demo-officer", PW)
    published.programme_overview(engine, officer, BO)
    engine.dispose()
    published.forget_cached()  # as a new process starts: nothing cached
    engine = db.open_database(url)
    later = published.programme_overview(engine, officer, BO_WITHOUT_FOOD)
    assert _row(later.summary, "indicator", "energy")["suppressed"]
    engine.dispose()


def test_saves_outside_the_cell_keep_it_remembered_saves_inside_change_it(demo_engine):
    admin = auth.authenticate(demo_engine, "demo-admin", PW)
    officer = auth.authenticate(demo_engine, "demo-officer", PW)
    published.programme_overview(demo_engine, officer, BO)
    # another enterprise's save (India, outside both cells) does not touch BO's enterprises
    rows = demo.case_study_rows()
    rows = rows[rows["indicator"] == "energy"].assign(value=lambda f: f["value"] + 1)
    measurements.save_measurements(demo_engine, admin, metrics.parse(rows))
    assert _row(published.programme_overview(demo_engine, officer, BO_WITHOUT_FOOD).summary,
                "indicator", "energy")["suppressed"]


def _energy_rows(name, country, base, follow, sector="S"):
    common = dict(enterprise=name, country=country, sector=sector, indicator="energy", carrier="electricity",
                  unit="kWh", note="")
    # periods of one length (31 days): the change is follow / base - 1
    return [dict(common, period_start="2025-01-01", period_end="2025-01-31", phase="baseline", value=base),
            dict(common, period_start="2025-07-01", period_end="2025-07-31", phase="follow-up", value=follow)]


def _save(engine, user, rows):
    measurements.save_measurements(engine, user, metrics.parse(pd.DataFrame(rows)), create_enterprises=True)


def test_one_enterprise_more_or_one_revised_is_hidden_three_revised_is_shown(db_url):
    engine = db.open_database(db_url)
    admin = auth.system_user("test-admin")
    with session_scope(engine) as s:
        auth.upsert_user(s, "officer", "officer-password", "officer")
    officer = auth.authenticate(engine, "officer", "officer-password")
    _save(engine, admin, [r for i in range(6) for r in _energy_rows(f"E{i}", "KE", 1000.0, 900.0 - 10 * i)])
    first = published.programme_overview(engine, officer)
    assert _row(first.summary, "indicator", "energy")["mean_change"] == pytest.approx(
        np.mean([(900 - 10 * i) / 1000 - 1 for i in range(6)]))
    # one enterprise revises its follow-up: the difference would be its revision
    _save(engine, admin, _energy_rows("E0", "KE", 1000.0, 880.0))
    revised = published.programme_overview(engine, officer)
    assert _row(revised.summary, "indicator", "energy")["suppressed"]
    assert np.isnan(_row(revised.impacts, "figure", "energy avoided")["avoided"])
    # two more revise theirs: three enterprises' revisions apart, a difference of three is shown
    _save(engine, admin, _energy_rows("E1", "KE", 1000.0, 870.0) + _energy_rows("E2", "KE", 1000.0, 860.0))
    shown = published.programme_overview(engine, officer)
    energy = _row(shown.summary, "indicator", "energy")
    assert not energy["suppressed"] and energy["enterprises"] == 6
    assert energy["mean_change"] == pytest.approx(np.mean([-0.12, -0.13, -0.14, -0.13, -0.14, -0.15]))
    # a seventh enterprise's first follow-up: 7 x mean(after) - 6 x mean(before) would be its change
    _save(engine, admin, _energy_rows("E6", "KE", 1000.0, 500.0))
    grown = published.programme_overview(engine, officer)
    assert _row(grown.summary, "indicator", "energy")["suppressed"]
    assert np.isnan(_row(grown.summary, "indicator", "energy")["mean_change"])
    assert grown.summary.loc[grown.summary["indicator"] == "energy", "enterprises"].item() == 7
    engine.dispose()


def test_two_views_at_once_in_two_processes_show_one_of_two_near_cells(db_url):
    """Two officers (or one in two tabs, on two app processes) ask at the same moment for two
    selections one enterprise apart: the guard checks and remembers one at a time, so one is hidden."""
    engine = db.open_database(db_url)
    admin = auth.system_user("test-admin")
    _save(engine, admin, [r for i in range(5) for r in _energy_rows(f"E{i}", "KE" if i else "UG", 1000.0, 900.0 - i)])
    with session_scope(engine) as s:
        auth.upsert_user(s, "officer-a", "officer-password", "officer")
        auth.upsert_user(s, "officer-b", "officer-password", "officer")
    users = [auth.authenticate(engine, n, "officer-password") for n in ("officer-a", "officer-b")]
    url = engine.url.render_as_string(hide_password=False)
    other = db.open_database(url) if engine.dialect.name == "postgresql" else engine
    filters = [overview.Filters(), overview.Filters(country=("KE",))]
    for f, e, u in zip(filters, (engine, other), users, strict=True):  # built (cached) before the race
        published._built(e, overview.data_version(e, u), f)  # noqa: SLF001
    barrier, results = threading.Barrier(2), {}

    def view(k):
        barrier.wait()
        ov = published.programme_overview((engine, other)[k], users[k], filters[k])
        results[k] = bool(_row(ov.summary, "indicator", "energy")["suppressed"])

    threads = [threading.Thread(target=view, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [False, True]
    if other is not engine:
        other.dispose()
    engine.dispose()


def test_an_officer_gets_aggregates_only(demo_engine):
    officer = auth.authenticate(demo_engine, "demo-officer", PW)
    with pytest.raises(errors.AccessDenied):
        overview.load_data(demo_engine, officer)
    ov = published.programme_overview(demo_engine, officer)
    assert ov.cells == {}  # nothing per enterprise, not even the power sums
    per_enterprise = {"enterprise_id", "baseline", "followup", "relative_change", "points"}
    for name in ("summary", "by_country", "by_sector", "over_time", "distribution", "impacts", "impacts_by_country"):
        table = getattr(ov, name)
        assert not per_enterprise & set(table.columns) - {"baseline"} or name == "impacts", name
        assert (table["enterprises"] >= disclosure.MIN_CELL).all() or table["suppressed"].any(), name
    assert "enterprise_id" not in ov.participants.columns
    assert not {"baseline", "followup", "relative_change"} & set(ov.participants.columns)
    options = published.filter_options(demo_engine, officer)
    assert "BO" in options["country"]
    manager = auth.authenticate(demo_engine, "demo-manager", PW)
    for call in (lambda: published.programme_overview(demo_engine, manager),
                 lambda: published.filter_options(demo_engine, manager)):
        with pytest.raises(errors.AccessDenied):
            call()


def test_power_sums_recognise_every_difference_of_one_or_two():
    def sums(keys):
        return (len(keys), sum(keys) % disclosure.P, sum(k * k for k in keys) % disclosure.P,
                sum(k ** 3 for k in keys) % disclosure.P)

    rng = np.random.default_rng(5)
    base = [int(k) for k in rng.integers(1, disclosure.P, 9)]
    others = [int(k) for k in rng.integers(1, disclosure.P, 12)]
    for a in base:
        assert disclosure.differ_by_one_or_two(sums(base), sums([b for b in base if b != a]))
        assert disclosure.differ_by_one_or_two(sums([b for b in base if b != a]), sums(base))
        for x in others:
            assert disclosure.differ_by_one_or_two(sums(base), sums([b for b in base if b != a] + [x]))
            assert disclosure.differ_by_one_or_two(sums(base), sums(base + [x, a]))
    for a, b in itertools.combinations(base, 2):
        assert disclosure.differ_by_one_or_two(sums(base), sums([c for c in base if c not in (a, b)]))
    assert not disclosure.differ_by_one_or_two(sums(base), sums(base))
    assert not disclosure.differ_by_one_or_two(sums(base), sums(base[3:]))
    # three apart (two added one removed, three swapped) are not taken for one or two
    assert not disclosure.differ_by_one_or_two(sums(base), sums(base[1:] + others[:2]))
    assert not disclosure.differ_by_one_or_two(sums(base), sums(base[3:] + others[:3]))
    frame = pd.DataFrame({"element": base, "k": "x"})
    assert disclosure.cell_sums("t", frame, ["k"])[("t", "x")] == sums(base)


def test_element_keys_change_with_an_enterprises_figures_only():
    s = pd.DataFrame({"enterprise_id": [1, 1, 2, 3], "indicator": ["energy", "water", "energy", "energy"],
                      "unit": ["kWh", "m3", "kWh", "kWh"], "baseline": [10.0, 5.0, 10.0, 10.0],
                      "followup": [9.0, 4.0, 9.0, 9.0], "relative_change": [-0.1, -0.2, -0.1, -0.1]})
    keys = disclosure.element_keys(s)
    assert len(set(keys)) == 4 and ((keys >= 1) & (keys < disclosure.P)).all()
    revised = s.assign(followup=[9.0, 3.0, 9.0, 9.0], relative_change=[-0.1, -0.4, -0.1, -0.1])
    changed = disclosure.element_keys(revised) != keys
    assert changed.tolist() == [False, True, False, False]  # only enterprise 1's water
    # the same in every process: a fixed hash, no per-process seed
    import subprocess
    import sys
    code = ("import pandas as pd; from tracker import disclosure; "
            f"print([int(k) for k in disclosure.element_keys(pd.DataFrame({s.to_dict('list')!r}))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(db.ROOT)).stdout
    assert out.strip() == str([int(k) for k in keys])


def test_an_element_key_is_the_sum_of_its_rows_hashes_whatever_the_indicator_s_dtype():
    # the rows of one enterprise and indicator share a key: the sum of their rows' hashes (each modulo P), modulo
    # P - 1, plus 1; the indicator read as a categorical (the overview's summary) or as text gives the same keys,
    # so what the database remembers (shown_cells) keeps its meaning
    s = pd.DataFrame({"enterprise_id": [7, 7, 7, 9, 9], "indicator": ["energy", "energy", "water", "energy", "water"],
                      "unit": ["kWh", "MWh", "m3", "kWh", "m3"], "baseline": [10.0, 1.0, 5.0, 10.0, 2.0],
                      "followup": [9.0, 1.0, 4.0, 9.0, 2.0]})
    h = [int(x) % disclosure.P for x in pd.util.hash_pandas_object(s, index=False)]
    q = disclosure.P - 1
    by_hand = [(h[0] + h[1]) % q + 1] * 2 + [h[2] % q + 1, h[3] % q + 1, h[4] % q + 1]
    assert disclosure.element_keys(s).tolist() == by_hand
    categorical = s.assign(indicator=s["indicator"].astype("category"))
    assert disclosure.element_keys(categorical).tolist() == by_hand


def test_what_is_remembered_tells_nothing_of_an_enterprise(demo_engine):
    officer = auth.authenticate(demo_engine, "demo-officer", PW)
    published.programme_overview(demo_engine, officer, BO)
    with session_scope(demo_engine) as s:
        rows = s.execute(select(ShownCell.figure, ShownCell.n, ShownCell.s1)).all()
        assert s.scalar(select(func.count()).select_from(ShownCell)) == len(rows) > 0
    assert {r.figure for r in rows} >= {"energy", "energy avoided"}
    assert all(0 <= r.s1 < disclosure.P for r in rows)


# --- the database averages beside an enterprise's report ---------------------------------------

def _with_manager(engine, n_others, follow=lambda i: 900.0 - 10 * i):
    """Enterprise 'Own' and ``n_others`` others with energy figures; the manager of 'Own'."""
    admin = auth.system_user("test-admin")
    rows = _energy_rows("Own", "KE", 1000.0, 800.0)
    rows += [r for i in range(n_others) for r in _energy_rows(f"E{i:02d}", "KE", 1000.0, follow(i))]
    _save(engine, admin, rows)
    own = int(published.overview.read_data(engine).enterprises.set_index("name").loc["Own", "enterprise_id"])
    with session_scope(engine) as s:
        auth.upsert_user(s, "manager", "manager-password", "manager", [own])
    return auth.authenticate(engine, "manager", "manager-password"), own


def _averages(engine, user, eid):
    return report.enterprise_report(engine, user, eid).database_averages.set_index("indicator").loc["energy"]


def test_the_report_mean_is_hidden_after_another_enterprises_first_follow_up(db_url):
    engine = db.open_database(db_url)
    manager, own = _with_manager(engine, 5)
    before = _averages(engine, manager, own)
    changes = [-0.2] + [(900.0 - 10 * i) / 1000 - 1 for i in range(5)]
    assert before["enterprises"] == 6 and before["mean_change"] == pytest.approx(np.mean(changes))
    assert np.isnan(before["median_change"])  # five others: a median of a handful is one of them
    # another enterprise's first follow-up: 7 x mean(after) - 6 x mean(before) would be its change
    _save(engine, auth.system_user("test-admin"), _energy_rows("New", "KE", 1000.0, 500.0))
    after = _averages(engine, manager, own)
    assert after["enterprises"] == 7
    assert np.isnan(after["mean_change"]) and np.isnan(after["median_change"])
    # and the officers' overview, which shares the memory, does not give it either
    with session_scope(engine) as s:
        auth.upsert_user(s, "officer", "officer-password", "officer")
    officer = auth.authenticate(engine, "officer", "officer-password")
    assert np.isnan(_row(published.programme_overview(engine, officer).summary, "indicator", "energy")["mean_change"])
    engine.dispose()


def test_the_report_shows_no_mean_or_median_of_three_with_ones_own(db_url):
    engine = db.open_database(db_url)
    manager, own = _with_manager(engine, 2)
    averages = _averages(engine, manager, own)
    # three enterprises: mean x 3 - own - median would be the third, the median the second
    assert averages["enterprises"] == 3
    assert np.isnan(averages["mean_change"]) and np.isnan(averages["median_change"])
    engine.dispose()


def test_the_report_shows_mean_and_median_of_ten_others(db_url):
    engine = db.open_database(db_url)
    manager, own = _with_manager(engine, 10)
    averages = _averages(engine, manager, own)
    changes = [-0.2] + [(900.0 - 10 * i) / 1000 - 1 for i in range(10)]
    assert averages["enterprises"] == 11
    assert averages["mean_change"] == pytest.approx(np.mean(changes))
    assert averages["median_change"] == pytest.approx(np.median(changes))
    engine.dispose()


def test_a_trainer_knows_every_enterprise_they_support(db_url):
    engine = db.open_database(db_url)
    _, own = _with_manager(engine, 4)
    ids = published.overview.read_data(engine).enterprises.set_index("name")["enterprise_id"]
    with session_scope(engine) as s:
        auth.upsert_user(s, "trainer", "trainer-password", "trainer", [own, int(ids["E00"]), int(ids["E01"])])
    trainer = auth.authenticate(engine, "trainer", "trainer-password")
    averages = _averages(engine, trainer, own)
    # 5 enterprises, 3 of them the trainer's: the mean would give the sum of the other two
    assert averages["enterprises"] == 5 and np.isnan(averages["mean_change"])
    engine.dispose()


def expected_of(frame: pd.DataFrame, indicator: str) -> tuple:
    keys = [int(k) for k in frame.loc[frame["indicator"] == indicator, "element"]]
    return (len(keys), sum(keys) % disclosure.P, sum(k * k for k in keys) % disclosure.P,
            sum(k ** 3 for k in keys) % disclosure.P)


def test_cell_sums_match_sums_by_hand_over_categories_texts_and_missing_keys():
    """cell_sums on integer codes and bincounts gives each cell's count and power sums modulo P as summed one
    element at a time: keys as categories (unused ones too) and as texts, a missing key in no cell, keys near P."""
    rng = np.random.default_rng(3)
    n = 5_000
    country = pd.Categorical(rng.choice(["IN", "VN", "KE", None], n), categories=["BO", "IN", "KE", "VN"])
    indicator = rng.choice(np.array(["energy", "water", "waste", None], dtype=object), n)
    element = rng.integers(1, disclosure.P, n)
    element[:50] = disclosure.P - 1  # the largest keys: their cubes' sums are where float sums would round
    element[50:60] = [disclosure.P, disclosure.P + 7, 3 * disclosure.P + 1, 2 ** 40, 2 ** 62 + 5, 0, 1, 2, 3, 4]
    frame = pd.DataFrame({"country": country, "indicator": indicator, "element": element})
    kept = frame["element"].copy()
    expected: dict = {}
    for c, i, k in zip(frame["country"], frame["indicator"], frame["element"], strict=True):
        if pd.isna(c) or pd.isna(i):
            continue
        n0, s1, s2, s3 = expected.get(("t", c, i), (0, 0, 0, 0))
        k = int(k)
        expected[("t", c, i)] = (n0 + 1, (s1 + k) % disclosure.P, (s2 + k ** 2) % disclosure.P,
                                 (s3 + k ** 3) % disclosure.P)
    got = disclosure.cell_sums("t", frame, ["country", "indicator"])
    assert got == expected
    pd.testing.assert_series_equal(frame["element"], kept)  # worked on a copy
    everywhere = frame.assign(country=frame["country"].fillna("IN"), indicator=frame["indicator"].fillna("energy"))
    assert disclosure.cell_sums("t", everywhere, ["indicator"])[("t", "water")] == expected_of(everywhere, "water")
    assert all(type(v) is int for cell in got.values() for v in cell)
    assert disclosure.cell_sums("t", frame[frame["indicator"].isna()], ["indicator"]) == {}
    # a cell of 5M elements of one odd key near P: its sums pass 2^53, where float64 sums of whole keys round
    k = 2_147_426_891
    big = pd.DataFrame({"k": pd.Categorical.from_codes(np.zeros(5_000_000, dtype=np.int8), ["x"]),
                        "element": np.full(5_000_000, k, dtype=np.int64)})
    assert disclosure.cell_sums("t", big, ["k"]) == {("t", "x"): (5_000_000, 5_000_000 * k % disclosure.P,
                                                                   5_000_000 * k ** 2 % disclosure.P,
                                                                   5_000_000 * k ** 3 % disclosure.P)}


def test_what_is_remembered_is_stamped_in_utc_whatever_the_server_s_time_zone(demo_engine, monkeypatch):
    """A server set to India's time (UTC+5:30) stamps the cells it remembers in UTC, as every time the database
    holds: a local stamp would be 5 h 30 min off for the other processes and the backups."""
    import datetime as dt
    import time
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    try:
        officer = auth.authenticate(demo_engine, "demo-officer", PW)
        before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        published.programme_overview(demo_engine, officer, BO)
        after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    with session_scope(demo_engine) as s:
        stamps = s.execute(select(ShownCell.first_shown_at)).scalars().all()
    assert stamps and all(before - dt.timedelta(seconds=1) <= t <= after + dt.timedelta(seconds=1) for t in stamps)
