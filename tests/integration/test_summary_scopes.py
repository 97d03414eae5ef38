"""enterprise_summary by scope (issue 11, item 4): a save stores scope 1 and scope 2 per day and their
total, computed by hand from IPCC 2006 and the grid table; a country without a grid factor has none."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

import metrics
from tracker import auth, db, measurements

DIESEL = (74_100 + 3 * 28 + 0.6 * 265) * 3.6e-6  # kg CO2e per kWh, AR5
GRID_IN = 0.713441


def _save(engine, name, country):
    q1_24, q1_25 = (dt.date(2024, 1, 1), dt.date(2024, 3, 31)), (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    figures = [(q1_24, "baseline", "electricity", 91 * 100), (q1_24, "baseline", "diesel", 91 * 20),
               (q1_25, "follow-up", "electricity", 90 * 90), (q1_25, "follow-up", "diesel", 90 * 15)]
    rows = [dict(enterprise=name, country=country, sector="S", period_start=p[0], period_end=p[1], phase=ph,
                 indicator="energy", carrier=c, value=v, unit="kWh", note="") for p, ph, c, v in figures]
    measurements.save_measurements(engine, auth.system_user("test"), metrics.parse(pd.DataFrame(rows)),
                                   create_enterprises=True)


def test_a_save_stores_both_scopes_their_total_and_the_factor_set(db_url):
    engine = db.open_database(db_url)
    _save(engine, "India SME", "IN")
    _save(engine, "Central African SME", "CF")
    with engine.connect() as conn:
        got = {r[0]: r[1:] for r in conn.execute(text(
            "SELECT e.country, s.scope1_baseline, s.scope1_followup, s.scope2_baseline, s.scope2_followup, "
            "s.co2e_baseline, s.co2e_followup, s.factor_set, s.flags FROM enterprise_summary s "
            "JOIN enterprises e ON e.id = s.enterprise_id WHERE s.indicator = 'energy'"))}
    s1b, s1f, s2b, s2f, tb, tf, fs, _ = got["IN"]
    assert (s1b, s1f) == (pytest.approx(20 * DIESEL), pytest.approx(15 * DIESEL))  # kg CO2e a day
    assert (s2b, s2f) == (pytest.approx(100 * GRID_IN), pytest.approx(90 * GRID_IN))
    assert (tb, tf) == (pytest.approx(20 * DIESEL + 100 * GRID_IN), pytest.approx(15 * DIESEL + 90 * GRID_IN))
    assert fs == metrics.FACTOR_SET_VERSION
    # no grid figure for the Central African Republic: no emissions, flagged, never 0
    assert got["CF"][:6] == (None,) * 6 and "no_emission_factor" in got["CF"][7]
    engine.dispose()


def test_scope_rows_of_the_overview_are_suppressed_on_their_own_counts():
    # five enterprises with a total, two of them split by scope (say, stored before the split):
    # the total is shown, each scope reads "fewer than 3"
    from tracker import overview

    ids = np.arange(1, 6)
    summary = pd.DataFrame({
        "enterprise_id": ids, "indicator": "energy", "unit": "kWh", "has_baseline": True, "has_followup": True,
        "baseline": 100.0, "followup": 80.0, "relative_change": -0.2, "points": np.nan,
        "co2e_baseline": 40.0, "co2e_followup": 30.0,
        "scope1_baseline": [10.0, 10.0] + [np.nan] * 3, "scope1_followup": [5.0, 5.0] + [np.nan] * 3,
        "scope2_baseline": [30.0, 30.0] + [np.nan] * 3, "scope2_followup": [25.0, 25.0] + [np.nan] * 3,
        "flags": "", "quarter": "2025Q1"})
    ents = pd.DataFrame({"enterprise_id": ids, "name": [f"E{i}" for i in ids], "country": "IN", "sector": "S",
                         "partner": "", "cluster": "", "modules": "SCORE4Climate"})
    members = pd.DataFrame({"enterprise_id": ids, "kind": "module", "value": "SCORE4Climate"})
    ov = overview.build(overview.OverviewData(summary=summary, enterprises=ents, memberships=members,
                                              reference=overview.programme_reference()))
    impacts = ov.impacts.set_index("figure")
    total = impacts.loc["emissions avoided, total"]
    assert total["enterprises"] == 5 and total["avoided"] == pytest.approx(5 * 10 * 365 / 1000)  # 18.25 t
    for scope in ("emissions avoided, scope 1", "emissions avoided, scope 2"):
        assert impacts.loc[scope, "enterprises"] == 2
        assert bool(impacts.loc[scope, "suppressed"]) and np.isnan(impacts.loc[scope, "avoided"])
