"""The overview's data as tracker.overview_data reads it: the figures per unit of production made on reading
(not read) are the rows tracker.summary stores, value for value and key for key, and the overview built from
them is the one built from every stored row (as it was read before), on both databases."""
import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

import metrics
from tracker import auth, db, disclosure, measurements, overview, published

OFFICER = auth.system_user("test-officer", role="officer")
ADMIN = auth.system_user("test-admin")
SPRING = {"baseline": (dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
          "follow-up": (dt.date(2025, 4, 1), dt.date(2025, 6, 30))}  # 91 days each


def _rows(name, country, energy, production, water=None, production_unit="piece"):
    """An enterprise's figures over SPRING: energy (kWh, electricity), production and water, each (baseline,
    follow-up) totals over 91 days; None leaves a phase out."""
    rows = []
    for i, phase in enumerate(("baseline", "follow-up")):
        start, end = SPRING[phase]
        for indicator, carrier, values, unit in (("energy", "electricity", energy, "kWh"),
                                                 ("production", "", production, production_unit),
                                                 ("water", "", water, "m3")):
            if values is not None and values[i] is not None:
                rows.append(dict(enterprise=name, country=country, sector="Textiles", note="", period_start=start,
                                 period_end=end, phase=phase, indicator=indicator, carrier=carrier,
                                 value=float(values[i]), unit=unit))
    return rows


@pytest.fixture
def engine(db_url):
    engine = db.open_database(db_url)
    rows = (_rows("A", "KE", (9100, 8190), (910, 1092), (910, 910))  # 100 -> 90 kWh a day, 10 -> 12 pieces
            + _rows("B", "KE", (9100, 9100), (910, 1820))  # 100 kWh a day throughout, production doubles
            + _rows("C", "KE", (9100, 7280), (910, 910), (910, 455))  # -20 %, production the same
            + _rows("D", "IN", (18200, 18200), (910, 1365), (None, 910))  # water: no baseline
            + _rows("E", "IN", (9100, 9100), (0, 910)))  # no production at baseline: no figure per unit
    measurements.save_measurements(engine, ADMIN, metrics.parse(pd.DataFrame(rows)), create_enterprises=True)
    yield engine
    engine.dispose()


def _ids(engine):
    return overview.read_data(engine).enterprises.set_index("name")["enterprise_id"].to_dict()


def _stored(engine, where=""):
    """Every column of the stored summary rows (``where``: a condition)."""
    with db.session_scope(engine, readonly=True) as session:
        rows = db.read_frame(session, "SELECT * FROM enterprise_summary" + (f" WHERE {where}" if where else ""),
                             categorical=("indicator", "unit", "flags", "factor_set"))
    return rows.assign(enterprise_id=rows["enterprise_id"].astype(np.int64))


def test_the_figures_per_unit_of_production_made_on_reading_are_the_stored_ones_by_hand(engine):
    ids = _ids(engine)
    data = overview.read_data(engine)
    made = data.counted[data.counted["indicator"].astype(str).str.endswith("_per_production").to_numpy()]
    made = made.set_index(["enterprise_id", made["indicator"].astype(str)])
    # by hand: A's energy 100 kWh a day at 10 pieces, 90 at 12: the baseline at 12 pieces is 120 kWh a day
    a = made.loc[(ids["A"], "energy_per_production")]
    assert (a["b_pool"], a["f_pool"]) == pytest.approx((120.0, 90.0))
    assert a["relative_change"] == pytest.approx(90 / 120 - 1)  # -25 %: 10 kWh a piece -> 7.5
    assert made.loc[(ids["B"], "energy_per_production"), "relative_change"] == pytest.approx(-0.5)
    assert made.loc[(ids["C"], "water_per_production"), "relative_change"] == pytest.approx(-0.5)
    assert made.loc[(ids["D"], "energy_per_production"), "relative_change"] == pytest.approx(1 / 1.5 - 1)
    assert (ids["D"], "water_per_production") not in made.index  # no baseline of water
    assert ids["E"] not in made.index.get_level_values(0)  # production 0 at baseline
    assert len(made) == 6  # A energy, water; B energy; C energy, water; D energy

    # the rows tracker.summary stores for them: the same values, emissions and element keys (the guard's memory
    # of what was shown stays valid)
    stored = _stored(engine, "indicator LIKE '%_per_production'")
    stored = stored.assign(element=disclosure.element_keys(stored))
    stored = stored.set_index(["enterprise_id", stored["indicator"].astype(str)]).loc[made.index]
    for ours, theirs in (("b_pool", "baseline"), ("f_pool", "followup"), ("relative_change", "relative_change"),
                         *((c, c) for c in overview.EMISSION_COLUMNS), ("element", "element")):
        np.testing.assert_array_equal(made[ours].to_numpy(float), stored[theirs].to_numpy(float), err_msg=ours)
    co2 = made.loc[(ids["A"], "energy_per_production")]
    assert co2["co2e_baseline"] == pytest.approx(co2["co2e_followup"] / 0.9 * 1.2)  # 100 -> 90 kWh, x 12/10
    assert data.summary["indicator"].astype(str).isin(list(metrics.NORMALISED_OF)).sum() == 0


def _as_read_before(engine) -> overview.OverviewData:
    """The overview's data as it was read before the figures per unit of production were made on reading: every
    stored row with every column, the rows that count made from them."""
    data = overview.read_data(engine)
    full = _stored(engine)
    end = pd.to_datetime(full.pop("followup_end"))
    full["quarter"] = pd.Categorical(end.dt.to_period("Q").astype(str).where(end.notna().to_numpy()))
    is_regression = full["indicator"].eq(metrics.REGRESSION_ROW).to_numpy()
    full["element"] = disclosure.element_keys(full)
    summary = full[~is_regression].reset_index(drop=True)
    return overview.OverviewData(summary=summary, enterprises=data.enterprises, memberships=data.memberships,
                                 reference=data.reference, counted=overview.counted_rows(summary),
                                 regression=full.loc[is_regression, overview.REGRESSION_COLUMNS])


@pytest.mark.parametrize("filters", [overview.Filters(), overview.Filters(country=("KE",))])
def test_the_overview_is_the_one_built_from_every_stored_row(engine, filters):
    now, before = overview.build(overview.read_data(engine), filters), overview.build(_as_read_before(engine), filters)
    for f in dataclasses.fields(now):
        ours, theirs = getattr(now, f.name), getattr(before, f.name)
        if isinstance(ours, pd.DataFrame):
            pd.testing.assert_frame_equal(ours.reset_index(drop=True), theirs.reset_index(drop=True),
                                          check_dtype=False, rtol=1e-12, obj=f.name)
        else:
            assert ours == theirs, f.name
    per = now.summary.set_index("indicator")
    # by hand, KE's three (and IN's D): energy per piece -25 %, -50 %, -20 % (C), +1/1.5 - 1 (D)
    expected = [-0.25, -0.5, -0.2] + ([] if filters.country else [1 / 1.5 - 1])
    assert per.loc["energy_per_production", "mean_change"] == pytest.approx(np.mean(expected))
    assert per.loc["energy_per_production", "enterprises"] == len(expected)


def test_a_save_while_the_overview_is_kept_is_read_on_the_next_view(engine):
    ids = _ids(engine)
    first = published.programme_overview(engine, OFFICER, overview.Filters())
    assert first.summary.set_index("indicator").loc["energy_per_production", "enterprises"] == 4
    # E's production at baseline corrected from 0: E now has a figure per unit of production
    measurements.save_measurements(engine, ADMIN, metrics.parse(pd.DataFrame(_rows("E", "IN", (9100, 9100),
                                                                                   (910, 910)))))
    data = overview.read_data(engine)
    assert (data.counted["enterprise_id"].eq(ids["E"]) & data.counted["indicator"].eq("energy_per_production")).any()
    after = published.programme_overview(engine, OFFICER, overview.Filters())
    row = after.summary.set_index("indicator").loc["energy_per_production"]
    # one enterprise more than the cell shown before: hidden as too close (it would give E's figure away)
    assert row["enterprises"] == 5 and bool(row["suppressed"]) and pd.isna(row["mean_change"])
