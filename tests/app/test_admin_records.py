"""AppTest of the admin's Partners and Clusters pages: what each shows and refuses."""
from tests.app.conftest import choose, click, open_page
from tracker import demo


def _open(demo_db, use_db, path: str, who: str = "demo-admin"):
    use_db(demo_db)
    at = open_page(who, path)
    return at


def test_clusters_page_shows_the_picked_cluster_in_its_form(demo_db, use_db):
    at = _open(demo_db, use_db, "clusters")
    first = sorted(r["name"] for r in demo.CLUSTER_RECORDS)[0]  # Nairobi's: picked first, by name
    record = next(r for r in demo.CLUSTER_RECORDS if r["name"] == first)
    cid = at.selectbox(key="edit_cluster_pick").value
    assert at.text_input(key=f"edit_cluster_{cid}_name").value == first
    assert at.text_input(key=f"edit_cluster_{cid}_region").value == record["region"]
    assert at.multiselect(key=f"edit_cluster_{cid}_criteria").value == record["criteria"]
    assert at.date_input(key=f"edit_cluster_{cid}_selected_on").value == record["selected_on"]


def test_a_cluster_without_a_date_or_criteria_is_added_and_shown(demo_db, use_db):
    at = _open(demo_db, use_db, "clusters")
    at.text_input(key="new_cluster_name").input("Bare cluster")
    at.text_input(key="new_cluster_country").input("VN")
    click(at, "Add cluster")
    assert not at.exception, at.exception
    assert at.success[0].value == "Bare cluster added."
    choose(at, "edit_cluster_pick", "Bare cluster").run()
    assert not at.exception, at.exception
    cid = at.selectbox(key="edit_cluster_pick").value
    assert at.text_input(key=f"edit_cluster_{cid}_name").value == "Bare cluster"
    assert at.multiselect(key=f"edit_cluster_{cid}_criteria").value == []
    assert at.date_input(key=f"edit_cluster_{cid}_selected_on").value is None
