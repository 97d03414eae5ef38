"""Implementation partners as records: what each role may do, checks, merge and delete, audit."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.demo_db import demo_user, open_demo
from tracker import db, demo, enterprises, partners
from tracker.errors import AccessDenied
from tracker.models import AuditEntry

KE = demo.PARTNERS["KE"]
IN = demo.PARTNERS["IN"]


@pytest.fixture
def engine(db_url):
    yield from open_demo(db_url)


_who = demo_user


def test_every_role_lists_partners_with_their_enterprises(engine):
    for role in ("admin", "officer", "trainer", "manager"):
        table = partners.list_partners(engine, _who(engine, role))
        assert table.columns.tolist() == partners.PARTNER_COLUMNS
        assert set(table["name"]) == set(demo.PARTNERS.values()) | {p[0] for p in demo.PROVIDER_RECORDS}
        by_name = table.set_index("name")
        # the demo: 36 synthetic enterprises over 7 countries in turn (IN gets 6, KE 5), plus the case study (IN)
        assert by_name.loc[IN, "enterprises"] == 6 + 1
        assert by_name.loc[KE, "enterprises"] == 5
        assert by_name.loc[demo.PARTNERS["ID"], "type"] == "government SME agency"
        assert by_name.loc[KE, "country"] == "KE"
    with pytest.raises(AccessDenied):
        partners.list_partners(engine, None)


@pytest.mark.parametrize("role", ["officer", "trainer", "manager"])
def test_only_admins_write_partners(engine, role):
    user = _who(engine, role)
    pid = int(partners.list_partners(engine, user)["id"].iloc[0])
    with pytest.raises(AccessDenied):
        partners.create_partner(engine, user, "New BSO", "other", "KE")
    with pytest.raises(AccessDenied):
        partners.edit_partner(engine, user, pid, name="Renamed", type_="other")
    with pytest.raises(AccessDenied):
        partners.merge_partner(engine, user, pid, pid + 1)
    with pytest.raises(AccessDenied):
        partners.delete_partner(engine, user, pid)
    assert "New BSO" not in set(partners.list_partners(engine, user)["name"])


def test_admin_adds_edits_and_the_checks_say_what_to_do(engine):
    admin = _who(engine, "admin")
    pid = partners.create_partner(engine, admin, "  Lead Buyer Pumps Ltd (synthetic) ", "lead buyer", "in")
    row = partners.list_partners(engine, admin).set_index("id").loc[pid]
    assert (row["name"], row["type"], row["country"], row["enterprises"]) == (
        "Lead Buyer Pumps Ltd (synthetic)", "lead buyer", "IN", 0)
    with pytest.raises(ValueError, match="exists already"):
        partners.create_partner(engine, admin, "Lead Buyer Pumps Ltd (synthetic)", "other")
    with pytest.raises(ValueError, match="exists already"):  # renaming onto another's name
        partners.edit_partner(engine, admin, pid, name=KE, type_="lead buyer")
    with pytest.raises(ValueError, match="type is one of"):
        partners.create_partner(engine, admin, "X", "chamber")
    with pytest.raises(ValueError, match="type is one of"):  # '' is for migrated records only
        partners.create_partner(engine, admin, "X", "")
    with pytest.raises(ValueError, match="two-letter"):  # a name is read as its code (Kenya: KE), 'XQ' is none
        partners.create_partner(engine, admin, "X", "other", "XQ")
    with pytest.raises(ValueError, match="needs a name"):
        partners.create_partner(engine, admin, "   ", "other")
    with pytest.raises(ValueError, match="at most 200"):
        partners.create_partner(engine, admin, "x" * 201, "other")
    partners.edit_partner(engine, admin, pid, name="Pump Buyer (synthetic)", type_="lead buyer", country="")
    assert partners.list_partners(engine, admin).set_index("id").loc[pid, "name"] == "Pump Buyer (synthetic)"
    with pytest.raises(LookupError):
        partners.edit_partner(engine, admin, 99_999, name="Y", type_="other")
    with db.session_scope(engine) as s:
        changes = s.execute(select(AuditEntry.action, AuditEntry.before, AuditEntry.after)
                            .where(AuditEntry.table_name == "partners", AuditEntry.record_id == str(pid))
                            .order_by(AuditEntry.id)).all()
    assert [c.action for c in changes] == ["insert", "update"]
    assert "Lead Buyer Pumps" in changes[1].before and "Pump Buyer" in changes[1].after


def test_enterprises_link_to_existing_partners_only(engine):
    manager = _who(engine, "manager")
    eid = manager.enterprise_ids[0]
    enterprises.update_profile(engine, manager, eid, country="IN", sector="Rubber and plastics", size="small",
                               partner=KE)
    assert enterprises.enterprise_profile(engine, manager, eid)["partner"] == KE
    with pytest.raises(ValueError, match="no implementation partner called 'Typo BSO'"):
        enterprises.update_profile(engine, manager, eid, country="IN", sector="", size="", partner="Typo BSO")
    enterprises.update_profile(engine, manager, eid, country="IN", sector="", size="", partner="")
    assert enterprises.enterprise_profile(engine, manager, eid)["partner"] == ""
    admin = _who(engine, "admin")
    new = enterprises.create_enterprise(engine, admin, "Linked SME", "KE", partner=f" {KE} ")
    listed = enterprises.list_enterprises(engine, admin).set_index("id")
    assert listed.loc[new, "partner"] == KE
    with pytest.raises(ValueError, match="no implementation partner"):
        enterprises.create_enterprise(engine, admin, "Unlinked SME", "KE", partner="Nobody")
    assert "Unlinked SME" not in set(enterprises.list_enterprises(engine, admin)["name"])


def test_merge_moves_the_enterprises_and_delete_refuses_a_partner_in_use(engine):
    admin = _who(engine, "admin")
    table = partners.list_partners(engine, admin).set_index("name")
    ke, kg = int(table.loc[KE, "id"]), int(table.loc[demo.PARTNERS["KG"], "id"])
    with pytest.raises(ValueError, match="5 enterprise"):
        partners.delete_partner(engine, admin, kg)
    with pytest.raises(ValueError, match="two different"):
        partners.merge_partner(engine, admin, kg, kg)
    assert partners.merge_partner(engine, admin, kg, ke) == 5
    after = partners.list_partners(engine, admin).set_index("name")
    assert demo.PARTNERS["KG"] not in after.index and after.loc[KE, "enterprises"] == 10
    ents = enterprises.list_enterprises(engine, admin)
    assert (ents.loc[ents["country"] == "KG", "partner"] == KE).all()
    empty = partners.create_partner(engine, admin, "Unused BSO", "other")
    partners.delete_partner(engine, admin, empty)
    assert "Unused BSO" not in set(partners.list_partners(engine, admin)["name"])
    with pytest.raises(LookupError):
        partners.delete_partner(engine, admin, empty)
