"""AppTest of the programme overview page."""
from tests.app.conftest import metric, table_with, charts, new_app, sign_in


def test_officer_sees_counts_distribution_and_reference(demo_db, use_db):
    use_db(demo_db)
    at = sign_in(new_app(), "demo-officer")
    assert not at.exception, at.exception
    assert metric(at, "Enterprises") == "37"
    assert int(metric(at, "Countries")) >= 5
    dist = charts(at)[0]
    boxes = [t for t in dist.data if t.type == "box"]
    assert {b.name for b in boxes} >= {"Energy", "Waste produced", "Materials wasted"}
    assert all(len(b.y) >= 3 for b in boxes)
    ref = next(t for t in dist.data if t.name == "Programme's reported average")
    assert sorted(ref.y) == [-40.0, -35.0, -27.0]
    table = table_with(at, "mean", "median", "pooled")
    assert set(table.columns) >= {"indicator", "enterprises", "mean", "median", "pooled", "reported"}
    assert (table["enterprises"] >= 3).all()
