"""tracker.overview: the precomputed summary kept current by writes, honest aggregates, suppression."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

import metrics
from tracker import auth, db, demo, disclosure, enterprises, errors, measurements, overview, published, summary
from tracker import io as tio
from tracker.db import session_scope
from tracker.models import EnterpriseSummary

ADMIN = auth.system_user("test-admin")
OFFICER = auth.system_user("test-officer", role="officer")


def _rows(name, country="IN", base=1000.0, follow=700.0, base_end=dt.date(2024, 3, 31),
          fu=(dt.date(2025, 1, 1), dt.date(2025, 3, 31)), indicator="energy", carrier="electricity", unit="kWh"):
    common = dict(enterprise=name, country=country, sector="Textiles", indicator=indicator, carrier=carrier,
                  unit=unit, note="")
    rows = [dict(common, period_start=dt.date(2024, 1, 1), period_end=base_end, phase="baseline", value=base)]
    if follow is not None:
        rows.append(dict(common, period_start=fu[0], period_end=fu[1], phase="follow-up", value=follow))
    return rows


def _summary(engine) -> pd.DataFrame:
    with session_scope(engine) as s:
        rows = s.execute(select(EnterpriseSummary.enterprise_id, EnterpriseSummary.indicator,
                                EnterpriseSummary.relative_change, EnterpriseSummary.flags,
                                EnterpriseSummary.co2e_baseline, EnterpriseSummary.co2e_followup)).all()
    return pd.DataFrame(rows, columns=["enterprise_id", "indicator", "relative_change", "flags", "co2e_b", "co2e_f"])


def _same_as_rebuilt(engine):
    def table():
        with session_scope(engine) as s:
            rows = s.execute(select(EnterpriseSummary)).scalars().all()
            cols = [c.name for c in EnterpriseSummary.__table__.columns if c.name != "updated_at"]
            return (pd.DataFrame([{c: getattr(r, c) for c in cols} for r in rows])
                    .sort_values(["enterprise_id", "indicator", "unit"]).reset_index(drop=True))
    kept = table()
    summary.rebuild(engine)
    pd.testing.assert_frame_equal(kept, table())


def test_every_save_keeps_the_summary_current(db_url):
    engine = db.open_database(db_url)
    rows = _rows("A") + _rows("B", follow=None) + _rows("C", follow=20_000.0)
    measurements.save_measurements(engine, ADMIN, metrics.parse(pd.DataFrame(rows)), create_enterprises=True)
    s = _summary(engine).set_index("enterprise_id")
    ids = enterprises.list_enterprises(engine, ADMIN).set_index("name")["id"]
    a, b, c = (int(ids[n]) for n in "ABC")
    assert s.loc[a, "relative_change"] == pytest.approx(700 / 90 / (1000 / 91) - 1)
    assert s.loc[a, "flags"] == "extrapolated"  # a quarter's follow-up: energy avoided a year is 365 x its rate
    assert s.loc[b, "flags"] == "no_followup" and pd.isna(s.loc[b, "relative_change"])
    assert "jump" in s.loc[c, "flags"]
    # electricity in India: the grid factor gives emissions at both ends
    factor = metrics.grid_factor("IN", 2024)[0]
    assert s.loc[a, "co2e_b"] == pytest.approx(1000 / 91 * factor, rel=1e-6)
    _same_as_rebuilt(engine)  # new enterprises are summarised from the batch, not read back

    # an update and a follow-up for B change the summary in the same transaction (with a new D)
    more = pd.DataFrame(_rows("B", follow=500.0) + _rows("A", follow=910.0) + _rows("D", country="KE"))
    measurements.save_measurements(engine, ADMIN, metrics.parse(more), create_enterprises=True)
    s = _summary(engine).set_index("enterprise_id")
    assert s.loc[b, "flags"] == "extrapolated" and s.loc[b, "relative_change"] < 0  # no_followup gone
    assert s.loc[a, "relative_change"] == pytest.approx(910 / 90 / (1000 / 91) - 1)
    _same_as_rebuilt(engine)
    # rebuilding from scratch gives the same table
    before = _summary(engine).sort_values("enterprise_id").reset_index(drop=True)
    assert summary.rebuild(engine) == len(before)
    after = _summary(engine).sort_values("enterprise_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(before, after)
    engine.dispose()


def test_aggregates_agree_with_metrics_summarize(db_url):
    engine = db.open_database(db_url)
    demo.load(engine, "demo-password")
    ov = published.programme_overview(engine, OFFICER)
    with session_scope(engine) as session:
        frame = measurements.measurement_frame(session, None)
    expected = metrics.summarize(frame).set_index("indicator")
    got = ov.summary.set_index("indicator")
    for ind in ("energy", "waste", "material_wasted", "water", "material_input"):
        assert got.loc[ind, "enterprises"] == expected.loc[ind, "enterprises"]
        for col in ("mean_change", "median_change", "pooled_change"):
            assert got.loc[ind, col] == pytest.approx(expected.loc[ind, col], rel=1e-9), (ind, col)
    assert got.loc["yield", "mean_points"] == pytest.approx(expected.loc["yield", "mean_points"])
    # by country agrees too
    exp_c = metrics.summarize(frame, by=["country"]).set_index(["country", "indicator"])
    got_c = ov.by_country.set_index(["country", "indicator"])
    assert got_c.loc[("IN", "energy"), "mean_change"] == pytest.approx(exp_c.loc[("IN", "energy"), "mean_change"])
    engine.dispose()


def test_small_cells_are_suppressed_everywhere():
    ids = np.arange(1, 6)
    summary = pd.DataFrame({
        "enterprise_id": np.repeat(ids, 1), "indicator": "energy", "unit": "kWh", "has_baseline": True,
        "has_followup": True, "baseline": 100.0, "followup": [70.0, 80.0, 90.0, 60.0, 50.0],
        "relative_change": [-0.3, -0.2, -0.1, -0.4, -0.5], "points": np.nan,
        "co2e_baseline": 10.0, "co2e_followup": 7.0, "flags": "", "quarter": "2025Q1"})
    ents = pd.DataFrame({"enterprise_id": ids, "name": [f"E{i}" for i in ids],
                         "country": ["IN", "IN", "IN", "KE", "KE"], "sector": ["S"] * 5, "partner": [""] * 5,
                         "cluster": [""] * 5, "modules": "SCORE4Climate"})
    members = pd.DataFrame({"enterprise_id": ids, "kind": "module", "value": "SCORE4Climate"})
    data = overview.OverviewData(summary=summary, enterprises=ents, memberships=members,
                                 reference=overview.programme_reference())
    ov = overview.build(data)
    assert ov.summary.loc[0, "mean_change"] == pytest.approx(-0.3)
    by = ov.by_country.set_index("country")
    assert by.loc["KE", "suppressed"] and np.isnan(by.loc["KE", "mean_change"])
    # IN's 3 are hidden too: the total of 5 minus IN's 3 would give KE's 2 away
    assert by.loc["IN", "suppressed"] and np.isnan(by.loc["IN", "mean_change"])
    ibc = ov.impacts_by_country.set_index("country")
    assert ibc.loc["KE", "suppressed"] and np.isnan(ibc.loc["KE", "energy_avoided_mwh_per_year"])
    assert ibc.loc["IN", "suppressed"] and np.isnan(ibc.loc["IN", "emissions_avoided_t_per_year"])
    assert ov.impacts.loc[0, "avoided"] == pytest.approx((30 + 20 + 10 + 40 + 50) * 365 / 1000)
    exported = tio.overview_tables(ov)["by country"].set_index("Country")
    assert exported.loc["KE", "Mean change (%)"] == "fewer than 3"  # MIN_CELL = 3
    assert exported.loc["IN", "Mean change (%)"] == "fewer than 3"  # MIN_CELL = 3

    ke = overview.build(data, overview.Filters(country=("KE",)))
    assert ke.enterprises == 2 and ke.summary["suppressed"].all() and ke.summary["mean_change"].isna().all()
    assert ke.distribution["suppressed"].all() and ke.distribution["median"].isna().all()
    assert ke.impacts["suppressed"].all() and ke.impacts["avoided"].isna().all()
    assert (tio.overview_tables(ke)["energy and emissions"]["Avoided"] == "fewer than 3").all()  # MIN_CELL = 3


def test_flags_for_data_quality():
    m = pd.DataFrame(
        [(1, "IN", "2024-01-01", "2024-12-31", "baseline", "energy", "electricity", 36_500.0, "kWh"),
         (1, "IN", "2025-01-01", "2025-01-31", "follow-up", "energy", "electricity", 3_100.0, "kWh"),
         (2, "IN", "2024-01-01", "2024-01-31", "baseline", "waste", "landfill", 100.0, "kg"),
         (2, "IN", "2025-01-01", "2025-01-31", "follow-up", "waste", "landfill", 5.0, "kg"),
         (3, "XX", "2024-01-01", "2024-01-31", "baseline", "energy", "electricity", 100.0, "kWh"),
         (3, "XX", "2025-01-01", "2025-01-31", "follow-up", "energy", "electricity", 90.0, "kWh")],
        columns=["enterprise_id", "country", "period_start", "period_end", "phase", "indicator", "carrier",
                 "value_canonical", "unit_canonical"])
    s = summary.compute_summary(m).set_index("enterprise_id")
    # 365 days against 31; all year against January; a year of energy avoided extrapolated from 31 days
    assert s.loc[1, "flags"] == "periods_differ,months_differ,extrapolated"
    assert s.loc[2, "flags"] == "jump"  # 0.05x; January both times, and not energy: no yearly figure
    assert s.loc[3, "flags"] == "no_emission_factor,extrapolated" and np.isnan(s.loc[3, "co2e_baseline"])
    assert s.loc[3, "relative_change"] == pytest.approx(-0.1)


def test_only_officers_and_admins(db_url):
    engine = db.open_database(db_url)
    manager = auth.system_user("m", role="manager")
    with pytest.raises(errors.AccessDenied):
        overview.load_data(engine, manager)
    with pytest.raises(errors.AccessDenied):
        overview.data_version(engine, manager)
    assert published.programme_overview(engine, OFFICER).enterprises == 0
    engine.dispose()


def _overview(countries, changes, co2=None, filters=overview.Filters()):
    return overview.build(_data(countries, changes, co2), filters)


def _data(countries, changes, co2=None):
    ids = np.arange(1, len(countries) + 1)
    summary = pd.DataFrame({
        "enterprise_id": ids, "indicator": "energy", "unit": "kWh", "has_baseline": True, "has_followup": True,
        "baseline": 100.0, "followup": [100.0 * (1 + c) for c in changes], "relative_change": changes,
        "points": np.nan, "co2e_baseline": 10.0 if co2 is None else co2, "co2e_followup": 7.0, "flags": "",
        "quarter": "2025Q1"})
    ents = pd.DataFrame({"enterprise_id": ids, "name": [f"E{i}" for i in ids], "country": countries,
                         "sector": "S", "partner": "", "cluster": "", "modules": "SCORE4Climate"})
    members = pd.DataFrame({"enterprise_id": ids, "kind": "module", "value": "SCORE4Climate"})
    return overview.OverviewData(summary=summary, enterprises=ents, memberships=members,
                                 reference=overview.programme_reference())


def test_a_hidden_cell_cannot_be_worked_out_from_the_total_and_the_visible_cells():
    # regression: 7 in a sector, two quarters of 3 shown: the 7th enterprise's change was the difference
    ov = _overview(["IN"] * 3 + ["VN"] * 3 + ["KE"], [-0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.9])
    by = ov.by_country.set_index("country")
    assert by.loc["KE", "suppressed"] and by["suppressed"].sum() == 2  # KE and one more
    assert by.loc[by["suppressed"], "enterprises"].sum() >= disclosure.MIN_CELL
    shown = by[~by["suppressed"]]
    assert len(shown) == 1 and shown["mean_change"].notna().all()
    ibc = ov.impacts_by_country.set_index("country")
    assert ibc["suppressed"].sum() == 2 and ibc.loc[ibc["suppressed"], "energy_avoided_mwh_per_year"].isna().all()


def test_emissions_by_country_need_three_enterprises_with_emissions():
    # regression: 3 enterprises with energy, 1 with a grid factor: its emissions were shown
    ov = _overview(["XK"] * 3 + ["IN"] * 3, [-0.1, -0.2, -0.3, -0.1, -0.2, -0.3],
                   co2=[10.0, np.nan, np.nan, 10.0, 10.0, 10.0])
    ibc = ov.impacts_by_country.set_index("country")
    assert not ibc.loc["XK", "suppressed"] and ibc.loc["XK", "energy_avoided_mwh_per_year"] > 0
    assert np.isnan(ibc.loc["XK", "emissions_avoided_t_per_year"])
    assert np.isnan(ibc.loc["IN", "emissions_avoided_t_per_year"])  # or the total would give XK's away


def test_the_spread_of_fewer_than_ten_enterprises_is_not_shown():
    # regression: the five quantiles and the mean of four enterprises were solved for each one's change
    few = _overview(["IN"] * 4, [-0.46, -0.27, -0.20, -0.14])
    assert few.summary.loc[0, "mean_change"] == pytest.approx(-0.2675)  # the mean of 4 is shown
    assert few.distribution["suppressed"].all()
    assert few.distribution[["p05", "q1", "median", "q3", "p95"]].isna().all().all()
    many = _overview(["IN"] * 10, [-0.1 * i for i in range(10)])
    assert not many.distribution["suppressed"].any() and many.distribution["median"].notna().all()


def test_two_selections_that_differ_by_one_enterprise_do_not_both_show_figures(duckdb_url):
    # regression: a sector, then the sector without one country: the difference was that enterprise's change
    engine = db.open_database(duckdb_url)
    data = _data(["IN"] * 4 + ["VN"] * 3 + ["BO"], [-0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.9])
    wide = published.guard(engine, overview.build(data))
    assert wide.summary.loc[0, "mean_change"] == pytest.approx(-0.4625) and wide.hidden_as_too_close == 0
    narrow = overview.build(data, overview.Filters(country=("IN", "VN")))
    guarded = published.guard(engine, narrow)
    assert guarded.summary.loc[0, "suppressed"] and np.isnan(guarded.summary.loc[0, "mean_change"])
    assert np.isnan(guarded.impacts["avoided"]).all() and guarded.hidden_as_too_close >= 3
    # the same selection again shows what it showed; it is not a new difference
    again = published.guard(engine, overview.build(data))
    assert again.summary.loc[0, "mean_change"] == pytest.approx(-0.4625)
    # IN and BO: the IN cell of the first page plus one, so hidden too
    near = published.guard(engine, overview.build(data, overview.Filters(country=("IN", "BO"))))
    assert near.summary.loc[0, "suppressed"]
    # what was hidden stays hidden when asked again, whoever asks (the memory is the programme's)
    assert published.guard(engine, narrow).summary.loc[0, "suppressed"]
    engine.dispose()


def test_three_or_more_enterprises_apart_is_shown(duckdb_url):
    engine = db.open_database(duckdb_url)
    data = _data(["IN"] * 4 + ["VN"] * 3 + ["BO"], [-0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.9])
    published.guard(engine, overview.build(data, overview.Filters(country=("IN",))))
    apart = published.guard(engine, overview.build(data, overview.Filters(country=("IN", "VN"))))
    assert apart.summary.loc[0, "mean_change"] == pytest.approx(-0.4)
    engine.dispose()


def test_values_at_reads_a_sparse_column_s_stored_values_and_its_gaps():
    from tracker.avoided import values_at

    dense = np.array([np.nan, 2.0, np.nan, np.nan, 5.0, 6.0, np.nan])
    sparse = pd.Series(pd.arrays.SparseArray(dense))
    rows = np.array([6, 0, 1, 4, 3, 5, 5])
    np.testing.assert_array_equal(values_at(sparse, rows), dense[rows])
    assert len(values_at(sparse, rows[:0])) == 0
    empty = pd.Series(pd.arrays.SparseArray(np.full(4, np.nan)))
    assert np.isnan(values_at(empty, np.array([0, 3]))).all()
    country = pd.Series(pd.Categorical(["IN", "KE", "IN"]))
    assert list(values_at(country, np.array([1, 2]))) == ["KE", "IN"]
    plain = values_at(pd.Series(dense), rows)  # a dense column: a numpy array, as np.isnan and & take it
    assert isinstance(plain, np.ndarray)
    np.testing.assert_array_equal(plain, dense[rows])


def test_the_trainer_and_module_filters_select_the_enterprises_linked_to_them(db_url):
    """A trainer selects the enterprises their account is linked to, a module those that attended it: both
    checked against the tables themselves (user_enterprises, trainings)."""
    engine = db.open_database(db_url)
    try:
        demo.load(engine, "demo-password")
        data = overview.read_data(engine)
        links = pd.read_sql("SELECT ue.enterprise_id, u.username FROM user_enterprises ue JOIN users u "
                            "ON u.id = ue.user_id WHERE u.role = 'trainer'", engine)
        trainings = pd.read_sql("SELECT enterprise_id, module FROM trainings", engine)
    finally:
        engine.dispose()
    trainer = links["username"].iloc[0]
    expected = set(links.loc[links["username"].eq(trainer), "enterprise_id"].astype(int))
    assert expected and set(overview.selected_ids(data, overview.Filters(trainer=(trainer,))).tolist()) == expected
    module = trainings["module"].iloc[0]
    expected = set(trainings.loc[trainings["module"].eq(module), "enterprise_id"].astype(int))
    assert expected and set(overview.selected_ids(data, overview.Filters(module=(module,))).tolist()) == expected
    both = overview.selected_ids(data, overview.Filters(trainer=(trainer,), module=(module,)))
    assert set(both.tolist()) == (set(links.loc[links["username"].eq(trainer), "enterprise_id"].astype(int))
                                  & set(trainings.loc[trainings["module"].eq(module), "enterprise_id"].astype(int)))


def test_every_summary_row_stores_its_flags_as_text_never_null(db_url):
    """No data-quality flag is stored as '' on every kind of row (the indicators entered, those per unit of
    production, a regression's): NULL would read as a flag unknown in a backup or to another reader."""
    engine = db.open_database(db_url)
    try:
        demo.load(engine, "demo-password")
        kinds = pd.read_sql("SELECT indicator, count(*) AS n, sum(CASE WHEN flags IS NULL THEN 1 ELSE 0 END) AS null "
                            "FROM enterprise_summary GROUP BY indicator", engine)
    finally:
        engine.dispose()
    assert set(metrics.NORMALISED.values()) & set(kinds["indicator"])  # rows per unit of production among them
    assert kinds["null"].astype(int).sum() == 0, kinds


def test_a_jump_is_flagged_on_the_figure_entered_not_on_its_figure_per_unit_of_production(db_url):
    """Energy from 1,000 to 50 kWh with the same production (a ratio of 0.05, under the 0.1 that flags a jump):
    the energy row carries "jump"; its row per unit of production, which jumps alike, carries no flag (the
    data-quality list names the figure entered once, not each figure made from it)."""
    engine = db.open_database(db_url)
    try:
        rows = _rows("Jump SME", base=1000.0, follow=50.0)
        rows += _rows("Jump SME", base=500.0, follow=500.0, indicator="production", carrier="", unit="kg")
        measurements.save_measurements(engine, auth.system_user("test-admin"), metrics.parse(pd.DataFrame(rows)),
                                       create_enterprises=True)
        flags = pd.read_sql("SELECT indicator, flags FROM enterprise_summary", engine).set_index("indicator")["flags"]
    finally:
        engine.dispose()
    assert "jump" in flags["energy"].split(",")
    assert flags[metrics.NORMALISED["energy"]] == ""
