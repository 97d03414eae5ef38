"""Trainers' path: who sees and records what, the path's rules, the ToE cycle from module records."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.demo_db import demo_user, open_demo
from tracker import accounts, activities, db, demo, enterprises, partners, trainers
from tracker.errors import AccessDenied
from tracker.models import AuditEntry, User

D = dt.date


@pytest.fixture
def engine(db_url):
    yield from open_demo(db_url)


_who = demo_user


def _id(engine, username) -> int:
    with db.session_scope(engine) as s:
        return s.scalar(select(User.id).where(User.username == username))


def test_officers_and_admins_list_every_trainer_with_the_demo_paths(engine):
    for role in ("officer", "admin"):
        table = trainers.list_trainers(engine, _who(engine, role)).set_index("username")
        assert list(table.index) == sorted(t["username"] for t in demo.TRAINERS)
        assert table["status"].to_dict() == {t["username"]: t["status"] for t in demo.TRAINERS}
        me = table.loc["demo-trainer"]
        # the case study and the 6 synthetic Indian enterprises, two modules each
        assert (me["modules_delivered"], me["enterprises_delivered"]) == (14, 7)
        assert (me["provider"], me["certified_on"]) == (demo.PROVIDER_RECORDS[0][0], D(2022, 6, 15))
        assert me["modules"] == ["Workplace Cooperation", "Quality Management", "SCORE4Climate"]
        assert (table.loc["synthetic-trainer-cn", "modules_delivered"], table.loc["synthetic-trainer-ke",
                                                                                 "modules_delivered"]) == (0, 10)
    for role in ("trainer", "manager"):
        with pytest.raises(AccessDenied):
            trainers.list_trainers(engine, _who(engine, role))


def test_a_trainer_reads_their_own_path_and_no_one_elses(engine):
    me = _who(engine, "trainer")
    mine = trainers.trainer_profile(engine, me, me.id)
    assert (mine["status"], mine["recommended_by"]) == ("certified", "A. Rao, Expert Trainer (synthetic)")
    assert len(mine["toe"]) == 14 and set(mine["toe"]["enterprise"]) >= {demo.CASE_STUDY}
    assert mine["advice"] == []  # ToT before every module; all delivered modules are listed
    other = _id(engine, "synthetic-trainer-vn")
    with pytest.raises(AccessDenied):
        trainers.trainer_profile(engine, me, other)
    with pytest.raises(AccessDenied):
        trainers.save_profile(engine, me, me.id, status="certified")
    with pytest.raises(AccessDenied):
        trainers.trainer_profile(engine, _who(engine, "manager"), me.id)
    # officers read any, a manager's account is no trainer
    assert trainers.trainer_profile(engine, _who(engine, "officer"), other)["status"] == "recommended"
    with pytest.raises(LookupError):
        trainers.trainer_profile(engine, _who(engine, "officer"), _who(engine, "manager").id)


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_the_path_from_candidate_to_certified(engine, role):
    user = _who(engine, role)
    tid = _id(engine, "synthetic-trainer-ke")
    base = dict(provider=demo.PROVIDER_RECORDS[1][0], country="ke", tot_date=D(2020, 9, 14),
                modules=["SCORE4Climate", "Workplace Cooperation"])
    assert trainers.save_profile(engine, user, tid, status="candidate", **base) is False  # as the demo has it
    refused = [(dict(status="recommended"), "Name the Expert Trainer"),
               (dict(status="recommended", recommended_by="E. Wanjiru", recommended_on=D(2020, 9, 1)),
                "dated before the ToT"),
               (dict(status="recommended", recommended_by="E. Wanjiru", recommended_on=D(2023, 2, 1),
                     certified_on=D(2023, 3, 1)), "belongs to the status certified"),
               (dict(status="candidate", recommended_by="E. Wanjiru"), "A candidate has no recommendation"),
               (dict(status="certified", recommended_by="E. Wanjiru", recommended_on=D(2023, 2, 1)),
                "date of certification"),
               (dict(status="certified", recommended_by="E. Wanjiru", recommended_on=D(2023, 2, 1),
                     certified_on=D(2023, 1, 31)), "before the recommendation"),
               (dict(status="certified", recommended_by="E. Wanjiru", recommended_on=D(2023, 2, 1),
                     certified_on=dt.date.today() + dt.timedelta(days=1)), "in the future"),
               (dict(status="expert"), "status is one of"),
               (dict(status="candidate", modules=["Welding"]), "Unknown module"),
               (dict(status="candidate", country="Narnia"), "two-letter"),
               (dict(status="candidate", provider="Nobody"), "no implementation partner called 'Nobody'"),
               (dict(status="recommended", recommended_by="x" * 101, recommended_on=D(2023, 2, 1)), "at most 100")]
    for change, message in refused:
        with pytest.raises(ValueError, match=message):
            trainers.save_profile(engine, user, tid, **dict(base, **change))
    assert trainers.save_profile(engine, user, tid, **dict(base, status="recommended", recommended_by=" E. Wanjiru ",
                                                            recommended_on=D(2023, 2, 1)))
    assert trainers.save_profile(engine, user, tid, **dict(base, status="certified", recommended_by="E. Wanjiru",
                                                            recommended_on=D(2023, 2, 1), certified_on=D(2023, 6, 30)))
    got = trainers.trainer_profile(engine, user, tid)
    assert (got["status"], got["recommended_by"], got["certified_on"], got["country"]) == (
        "certified", "E. Wanjiru", D(2023, 6, 30), "KE")
    assert got["modules"] == ["Workplace Cooperation", "SCORE4Climate"]  # in the list's order
    with db.session_scope(engine) as s:
        entries = s.execute(select(AuditEntry.username, AuditEntry.action, AuditEntry.after)
                            .where(AuditEntry.table_name == "trainer_profiles", AuditEntry.record_id == str(tid))
                            .order_by(AuditEntry.id)).all()
    assert [(e.username, e.action) for e in entries[-2:]] == [(f"demo-{role}", "update")] * 2
    assert '"status": "certified"' in entries[-1].after
    with pytest.raises(LookupError):
        trainers.save_profile(engine, user, _who(engine, "manager").id, status="candidate")


def test_the_toe_cycle_comes_from_module_records_naming_the_trainer(engine):
    admin, me = _who(engine, "admin"), _who(engine, "trainer")
    case = _who(engine, "manager").enterprise_ids[0]
    kenyan = trainers.trainer_profile(engine, admin, _id(engine, "synthetic-trainer-ke"))["toe"]
    with pytest.raises(ValueError, match="not an active trainer of this enterprise"):
        activities.add_training(engine, admin, case, "Lean Manufacturing", D(2024, 2, 1), D(2024, 2, 20),
                                trainer="synthetic-trainer-ke")
    activities.add_training(engine, me, case, "Lean Manufacturing", D(2024, 2, 1), D(2024, 2, 20), "2024-H1",
                            1, 1, 2, 0, trainer="demo-trainer")
    mine = trainers.trainer_profile(engine, me, me.id)
    assert len(mine["toe"]) == 15
    last = mine["toe"].iloc[-1]
    assert (last["enterprise"], last["module"], last["workers_female"]) == (demo.CASE_STUDY, "Lean Manufacturing", 2)
    assert mine["advice"] == ["Delivered Lean Manufacturing, which is not among the modules listed for this trainer."]
    assert trainers.trainer_profile(engine, admin, _id(engine, "synthetic-trainer-ke"))["toe"].equals(kenyan)
    # a correction keeps the trainer, also one no longer assigned; clearing it takes the module out of the cycle
    lean = enterprises.enterprise_profile(engine, admin, case)["trainings"].query("module == 'Lean Manufacturing'")
    tid = int(lean["id"].iloc[0])
    assert lean["trainer"].iloc[0] == "demo-trainer"
    accounts.assign_enterprises(engine, admin, me.id, [e for e in me.enterprise_ids if e != case])
    activities.update_training(engine, admin, case, tid, "Lean Manufacturing", D(2024, 2, 1), D(2024, 2, 21),
                               "2024-H1", 1, 1, 2, 1, trainer="demo-trainer")
    assert trainers.trainer_profile(engine, admin, me.id)["toe"]["workers_male"].iloc[-1] == 1
    with pytest.raises(ValueError, match="not an active trainer of this enterprise"):  # not assigned: not again
        activities.add_training(engine, admin, case, "Gender Equality", D(2024, 3, 1), D(2024, 3, 2),
                                trainer="demo-trainer")
    activities.update_training(engine, admin, case, tid, "Lean Manufacturing", D(2024, 2, 1), D(2024, 2, 21),
                               "2024-H1", 1, 1, 2, 1, trainer="")
    assert len(trainers.trainer_profile(engine, admin, me.id)["toe"]) == 14


def test_partners_named_as_training_providers_are_merged_not_deleted(engine):
    admin = _who(engine, "admin")
    table = partners.list_partners(engine, admin).set_index("name")
    east, kenya = int(table.loc[demo.PROVIDER_RECORDS[1][0], "id"]), int(table.loc[demo.PARTNERS["KE"], "id"])
    with pytest.raises(ValueError, match="1 trainer"):
        partners.delete_partner(engine, admin, east)
    partners.merge_partner(engine, admin, east, kenya)
    ke = trainers.trainer_profile(engine, admin, _id(engine, "synthetic-trainer-ke"))
    assert ke["provider"] == demo.PARTNERS["KE"]
