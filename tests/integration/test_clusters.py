"""Clusters: what each role may do, the checks, enterprises in their own country, the overview's filter."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.demo_db import demo_user, open_demo
from tracker import clusters, db, demo, enterprises, published
from tracker.errors import AccessDenied
from tracker.models import CLUSTER_CRITERIA, AuditEntry
from tracker.overview import Filters

PUNE = demo.CLUSTER_RECORDS[0]["name"]
NAIROBI = demo.CLUSTER_RECORDS[1]["name"]


@pytest.fixture
def engine(db_url):
    yield from open_demo(db_url)


_who = demo_user


def test_every_role_lists_the_demo_clusters(engine):
    for role in ("admin", "officer", "trainer", "manager"):
        table = clusters.list_clusters(engine, _who(engine, role)).set_index("name")
        assert list(table.index) == sorted([PUNE, NAIROBI])
        # Pune: the case study and the Indian rubber (SME 01, 36) and metal (SME 08) makers; Nairobi: the 5 Kenyans
        assert table.loc[PUNE, "enterprises"] == 4 and table.loc[NAIROBI, "enterprises"] == 5
        assert table.loc[PUNE, "criteria"] == ["growth", "room_to_improve", "lead_buyers", "competent_partners"]
        assert table.loc[NAIROBI, "selected_on"] == dt.date(2021, 5, 10)
    with pytest.raises(AccessDenied):
        clusters.list_clusters(engine, None)


@pytest.mark.parametrize("role", ["officer", "trainer", "manager"])
def test_only_admins_write_clusters(engine, role):
    user = _who(engine, role)
    cid = int(clusters.list_clusters(engine, user)["id"].iloc[0])
    with pytest.raises(AccessDenied):
        clusters.create_cluster(engine, user, "Leather, Kanpur", "IN")
    with pytest.raises(AccessDenied):
        clusters.edit_cluster(engine, user, cid, name="Renamed", country="IN")
    with pytest.raises(AccessDenied):
        clusters.delete_cluster(engine, user, cid)
    assert len(clusters.list_clusters(engine, user)) == 2


def test_admin_records_a_cluster_and_the_checks_say_what_to_do(engine):
    admin = _who(engine, "admin")
    cid = clusters.create_cluster(engine, admin, " Leather, Kanpur ", "in", " Kanpur ", "Leather",
                                  ["lead buyers present", "growth", "growth"], " tanneries ", dt.date(2024, 2, 1))
    row = clusters.list_clusters(engine, admin).set_index("id").loc[cid]
    # criteria by key or by meaning, once each, in the order of CLUSTER_CRITERIA
    assert (row["name"], row["country"], row["region"], row["sector"], row["criteria"], row["note"]) == (
        "Leather, Kanpur", "IN", "Kanpur", "Leather", ["growth", "lead_buyers"], "tanneries")
    with pytest.raises(ValueError, match="exists already"):
        clusters.create_cluster(engine, admin, PUNE, "IN")
    with pytest.raises(ValueError, match="Unknown selection criteria 'cheap land'"):
        clusters.create_cluster(engine, admin, "X", "IN", criteria=["cheap land"])
    with pytest.raises(ValueError, match="two-letter"):
        clusters.create_cluster(engine, admin, "X", "")
    with pytest.raises(ValueError, match="in the future"):
        clusters.create_cluster(engine, admin, "X", "IN", selected_on=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(ValueError, match="at most 100"):
        clusters.create_cluster(engine, admin, "X", "IN", region="r" * 101)
    with pytest.raises(ValueError, match="needs a name"):
        clusters.create_cluster(engine, admin, " ", "IN")
    clusters.edit_cluster(engine, admin, cid, name="Leather, Kanpur", country="IN", criteria=list(CLUSTER_CRITERIA))
    assert clusters.list_clusters(engine, admin).set_index("id").loc[cid, "criteria"] == list(CLUSTER_CRITERIA)
    clusters.delete_cluster(engine, admin, cid)
    with db.session_scope(engine) as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.table_name == "clusters",
                                                            AuditEntry.record_id == str(cid))
                            .order_by(AuditEntry.id)).all()
    assert actions == ["insert", "update", "delete"]


def test_an_enterprise_belongs_to_a_cluster_of_its_own_country(engine):
    manager = _who(engine, "manager")
    eid = manager.enterprise_ids[0]
    profile = enterprises.enterprise_profile(engine, manager, eid)
    assert profile["cluster"] == PUNE
    with pytest.raises(ValueError, match=re.escape(f"{NAIROBI} is a cluster in KE; this enterprise is in IN.")):
        enterprises.update_profile(engine, manager, eid, country="IN", sector="", size="", partner="", cluster=NAIROBI)
    with pytest.raises(ValueError, match="no cluster called 'Nowhere'"):
        enterprises.update_profile(engine, manager, eid, country="IN", sector="", size="", partner="",
                                   cluster="Nowhere")
    # moving the enterprise to Kenya while it stays in Pune's cluster is refused; with Nairobi's it is saved
    with pytest.raises(ValueError, match="belongs to the cluster"):
        enterprises.update_profile(engine, manager, eid, country="KE", sector="", size="", partner="")
    enterprises.update_profile(engine, manager, eid, country="KE", sector="", size="", partner="", cluster=NAIROBI)
    assert enterprises.enterprise_profile(engine, manager, eid)["cluster"] == NAIROBI
    admin = _who(engine, "admin")
    cid = int(clusters.list_clusters(engine, admin).set_index("name").loc[NAIROBI, "id"])
    with pytest.raises(ValueError, match="6 enterprise"):
        clusters.delete_cluster(engine, admin, cid)
    with pytest.raises(ValueError, match="move them to another cluster before changing its country"):
        clusters.edit_cluster(engine, admin, cid, name=NAIROBI, country="UG")
    enterprises.update_profile(engine, manager, eid, country="IN", sector="", size="", partner="", cluster="")
    assert enterprises.enterprise_profile(engine, manager, eid)["cluster"] == ""


def test_the_overview_filters_by_cluster(engine):
    officer = _who(engine, "officer")
    assert published.filter_options(engine, officer)["cluster"] == sorted([PUNE, NAIROBI])
    ov = published.programme_overview(engine, officer, Filters(cluster=(NAIROBI,)))
    assert ov.enterprises == 5 and ov.countries == 1
    assert set(ov.participants["cluster"]) == {NAIROBI}
    both = published.programme_overview(engine, officer, Filters(cluster=(NAIROBI, PUNE)))
    assert both.enterprises == 9 and both.countries == 2
