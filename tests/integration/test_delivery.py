"""The officers' Delivery tab (tracker.published.delivery_overview): who may read it, the figures on
a small hand-made programme (computed by hand below), suppression and differencing."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import metrics
from tracker import accounts, activities, auth, db, enterprises, measurements, partners, published, trainers
from tracker.errors import AccessDenied
from tracker.overview import Filters

D = dt.date
ADMIN = auth.system_user("test-admin")
PW = "a-long-password"
WC, S4C = "Workplace Cooperation", "SCORE4Climate"
#: enterprise: (partner, sector, energy follow-up for a baseline of 100 kWh, S4C first?, WC attendees)
PROGRAMME = {
    "A1": ("Alpha", "Food", 90, True, (1, 1, 1, 1)), "A2": ("Alpha", "Food", 80, False, (1, 1, 1, 1)),
    "A3": ("Alpha", "Food", 70, False, (1, 1, 1, 1)), "A4": ("Alpha", "Food", 60, False, (1, 1, 1, 1)),
    "A5": ("Alpha", "Textiles", 50, False, (2, 0, 0, 3)),
    "B1": ("Beta", "Food", 95, True, (0, 1, 1, 1)), "B2": ("Beta", "Food", 85, False, (0, 1, 1, 1)),
    "G1": ("Gamma", "Food", 100, True, (1, 1, 1, 1)), "G2": ("Gamma", "Food", 110, False, (1, 1, 1, 1)),
    "G3": ("Gamma", "Food", 120, False, (1, 1, 1, 1)),
}


@pytest.fixture
def engine(db_url):
    eng = db.open_database(db_url)
    for p in ("Alpha", "Beta", "Gamma"):
        partners.create_partner(eng, ADMIN, p, "industry association", "KE")
    ids = {name: enterprises.create_enterprise(eng, ADMIN, name, "KE", sector, partner=p)
           for name, (p, sector, *_) in PROGRAMME.items()}
    accounts.create_user(eng, ADMIN, "t-alpha", "trainer", [ids[n] for n in ids if n.startswith("A")], password=PW)
    accounts.create_user(eng, ADMIN, "t-beta", "trainer", [ids["B1"], ids["B2"]], password=PW)
    accounts.create_user(eng, ADMIN, "t-none", "trainer", [], password=PW)
    accounts.create_user(eng, ADMIN, "officer", "officer", password=PW)
    accounts.create_user(eng, ADMIN, "manager", "manager", [ids["A1"]], password=PW)
    rows = []
    for name, (_partner, sector, follow, s4c_first, wc) in PROGRAMME.items():
        trainer = {"A": "t-alpha", "B": "t-beta"}.get(name[0], "")
        wc_start, s4c_start = (D(2024, 3, 1), D(2024, 1, 10)) if s4c_first else (D(2024, 1, 10), D(2024, 3, 1))
        activities.add_training(eng, ADMIN, ids[name], WC, wc_start, wc_start + dt.timedelta(days=30), "",
                                *wc, trainer=trainer)
        activities.add_training(eng, ADMIN, ids[name], S4C, s4c_start, s4c_start + dt.timedelta(days=30), "",
                                0, 2, 1, 1, trainer=trainer)
        for phase, start, value in (("baseline", "2023-01-01", 100), ("follow-up", "2024-06-01", follow)):
            end = (pd.Timestamp(start) + pd.Timedelta(days=29)).date().isoformat()
            rows.append(dict(enterprise=name, country="KE", sector=sector, period_start=start, period_end=end,
                             phase=phase, indicator="energy", carrier="electricity", value=value, unit="kWh", note=""))
    measurements.save_measurements(eng, ADMIN, metrics.parse(pd.DataFrame(rows)))
    trainers.save_profile(eng, ADMIN, _uid(eng, "t-alpha"), status="candidate", provider="Alpha", country="KE",
                          tot_date=D(2023, 5, 1))
    yield eng
    eng.dispose()


def _uid(engine, username):
    users = accounts.list_users(engine, ADMIN)
    return int(users.loc[users["username"] == username, "id"].iloc[0])


def _as(engine, name):
    return auth.authenticate(engine, name, PW)


def _row(table, **where):
    mask = np.ones(len(table), dtype=bool)
    for k, v in where.items():
        mask &= (table[k] == v).to_numpy()
    assert mask.sum() == 1, (where, table)
    return table[mask].iloc[0]


def test_officers_and_admins_read_the_delivery_tab_trainers_and_managers_do_not(engine):
    for user in (ADMIN, _as(engine, "officer")):
        dv = published.delivery_overview(engine, user)
        assert not dv.cells  # the power sums stay in the tracker
    for name in ("t-alpha", "manager"):
        with pytest.raises(AccessDenied):  # a trainer never sees another trainer's results
            published.delivery_overview(engine, _as(engine, name))


def test_the_figures_of_a_hand_made_programme(engine):
    dv = published.delivery_overview(engine, _as(engine, "officer"))
    # pipeline: t-alpha a candidate (KE, Alpha); t-beta and t-none without a profile
    pipe = dv.pipeline.set_index("provider")
    assert pipe.loc["Alpha", ["not recorded", "candidate", "recommended", "certified", "trainers"]].tolist() == [
        0, 1, 0, 0, 1]
    assert pipe.loc["no training provider recorded", "not recorded"] == 2
    # per partner: Alpha 5 enterprises, 10 records of 2 modules; per trainer, those they delivered
    assert _row(dv.by_partner, partner="Alpha")[["enterprises", "with_modules", "modules", "module_kinds"]].tolist() \
        == [5, 5, 10, 2]
    assert _row(dv.by_trainer, trainer="t-beta")[["enterprises", "with_modules", "modules"]].tolist() == [2, 2, 4]
    # attendance at WC: 10 records; managers women 1*4 + 2 + 0*2 + 1*3 = 9, men 4 + 0 + 2 + 3 = 9,
    # workers women 4 + 0 + 2 + 3 = 9, men 4 + 3 + 2 + 3 = 12: 39 attendees, 18 women;
    # two and two: all but A5 (2 managers, 3 workers: yes) and B1, B2 (1 manager): 8 of 10
    wc = _row(dv.attendance, module=WC)
    assert wc[["managers_female", "managers_male", "workers_female", "workers_male", "attendees"]].tolist() == [
        9, 9, 9, 12, 39]
    assert wc["women_share"] == pytest.approx(18 / 39) and wc["two_and_two_share"] == pytest.approx(0.8)
    s4c = _row(dv.attendance, module=S4C)
    assert s4c["two_and_two_share"] == pytest.approx(1.0) and s4c["women_share"] == pytest.approx(10 / 40)
    # A1, B1 and G1 took SCORE4Climate before Workplace Cooperation
    assert dv.out_of_order.iloc[0][["with_modules", "out_of_order"]].tolist() == [10, 3.0]
    # results: Alpha's energy changes -10 % ... -50 %: mean and median -30 %, pooled 350/500 - 1
    alpha = _row(dv.results_by_partner, partner="Alpha", indicator="energy")
    assert (alpha["enterprises"], alpha["suppressed"]) == (5, False)
    assert alpha["mean_change"] == pytest.approx(-0.3) and alpha["median_change"] == pytest.approx(-0.3)
    assert alpha["pooled_change"] == pytest.approx(350 / 500 - 1)
    # Beta has 2 enterprises: "fewer than 3"; Gamma (3) is hidden too, or the total minus Alpha
    # minus Gamma would give Beta's two away (complementary suppression)
    beta = _row(dv.results_by_partner, partner="Beta", indicator="energy")
    gamma = _row(dv.results_by_partner, partner="Gamma", indicator="energy")
    assert beta["suppressed"] and np.isnan(beta["mean_change"]) and beta["enterprises"] == 2
    assert gamma["suppressed"] and np.isnan(gamma["mean_change"])
    # by trainer: t-alpha's enterprises are Alpha's (the same cell: shown), t-beta's two hidden
    mine = _row(dv.results_by_trainer, trainer="t-alpha", indicator="energy")
    assert mine["mean_change"] == pytest.approx(-0.3)
    assert _row(dv.results_by_trainer, trainer="t-beta", indicator="energy")["suppressed"]


def test_cells_of_one_or_two_enterprises_read_fewer_than_3(engine):
    officer = _as(engine, "officer")
    dv = published.delivery_overview(engine, officer, Filters(partner=("Beta",)))
    for table in (dv.attendance, dv.results_by_partner, dv.results_by_trainer):
        assert table["suppressed"].all()
        assert table[["mean_change"] if "mean_change" in table else ["attendees", "women_share",
                                                                     "two_and_two_share"]].isna().all().all()
    assert dv.out_of_order.iloc[0]["suppressed"] and np.isnan(dv.out_of_order.iloc[0]["out_of_order"])  # B1 only
    # counts of who takes part stay
    assert _row(dv.by_partner, partner="Beta")["enterprises"] == 2


def test_two_filtered_views_one_enterprise_apart_cannot_be_subtracted(engine):
    officer = _as(engine, "officer")
    whole = published.delivery_overview(engine, officer, Filters(partner=("Alpha",)))
    assert not whole.attendance["suppressed"].any()
    assert not _row(whole.results_by_partner, partner="Alpha", indicator="energy")["suppressed"]
    # Alpha without Textiles is A1-A4: one enterprise (A5) fewer than the view above
    food = published.delivery_overview(engine, ADMIN, Filters(partner=("Alpha",), sector=("Food",)))
    assert food.hidden_as_too_close >= 3
    assert food.attendance["suppressed"].all() and food.attendance["attendees"].isna().all()
    cell = _row(food.results_by_partner, partner="Alpha", indicator="energy")
    assert cell["suppressed"] and np.isnan(cell["mean_change"])
    # nothing shown in the second view lets A5's figures out: every figure of it is hidden or equal
    for col in ("managers_female", "managers_male", "workers_female", "workers_male", "attendees"):
        diff = whole.attendance[col].sum() - food.attendance[col].sum(min_count=1)
        assert np.isnan(diff)
    # the out-of-order count over Alpha is A1 alone: hidden in both views
    assert whole.out_of_order.iloc[0]["suppressed"] and food.out_of_order.iloc[0]["suppressed"]


def test_an_enterprise_with_two_trainers_counts_for_each_and_once_per_partner(engine):
    """The results by trainer join each enterprise to every trainer it has (a row per trainer); those by partner
    to its one partner (as positions): A1-A3 with t-two as well as t-alpha count for both trainers."""
    ids = dict(zip(*(enterprises.list_enterprises(engine, ADMIN)[c] for c in ("name", "id")), strict=True))
    accounts.create_user(engine, ADMIN, "t-two", "trainer", [ids["A1"], ids["A2"], ids["A3"]], password=PW)
    dv = published.delivery_overview(engine, _as(engine, "officer"))
    # t-two's cell is A1-A3, two enterprises from t-alpha's: hidden as too close (the guard), counted all the same
    assert _row(dv.results_by_trainer, trainer="t-two", indicator="energy")["enterprises"] == 3
    assert _row(dv.results_by_trainer, trainer="t-alpha", indicator="energy")["enterprises"] == 5
    by_partner = _row(dv.results_by_partner, partner="Alpha", indicator="energy")
    assert by_partner["enterprises"] == 5 and by_partner["mean_change"] == pytest.approx(-0.3)
