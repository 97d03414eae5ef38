"""The overview's data-quality list against an oracle written here: every flag of every stored
summary row as a text row, sorted by issue, enterprise and indicator, then cut at ``listed``."""
import pandas as pd
import pytest

from tests.demo_db import open_demo
from tracker import overview
from tracker.summary import FLAG_TEXT


@pytest.fixture
def demo_engine(duckdb_url):
    yield from open_demo(duckdb_url)


def _oracle(engine, ids=None) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = pd.DataFrame(conn.exec_driver_sql(
            "SELECT e.name, e.country, s.indicator, s.flags, s.enterprise_id FROM enterprise_summary s "
            "JOIN enterprises e ON e.id = s.enterprise_id WHERE s.flags <> '' AND s.indicator <> 'energy_regression'"
        ).fetchall(), columns=["enterprise", "country", "indicator", "flags", "enterprise_id"])
    if ids is not None:
        rows = rows[rows["enterprise_id"].isin(ids)]
    rows = rows.assign(flag=rows["flags"].str.split(",")).explode("flag")
    rows["issue"] = [FLAG_TEXT.get(f, f) for f in rows["flag"]]
    return rows.sort_values(["issue", "enterprise", "indicator"])[["enterprise", "country", "indicator", "issue"]]


@pytest.mark.parametrize("listed", [1, 7, 40, 10_000])
def test_the_quality_list_is_every_flag_by_issue_enterprise_and_indicator(demo_engine, listed):
    data = overview.read_data(demo_engine)
    quality = overview.build(data, overview.Filters(), listed=listed).quality
    expected = _oracle(demo_engine)
    assert len(expected) > 40  # the demo has flags of several issues: the cut falls inside and across them
    assert expected["issue"].nunique() >= 2
    pd.testing.assert_frame_equal(quality.reset_index(drop=True), expected.head(listed).reset_index(drop=True),
                                  check_dtype=False)
    assert quality.attrs["total"] == len(expected)
    assert quality.attrs["counts"] == expected["issue"].value_counts().to_dict()


def test_the_quality_list_of_a_selection(demo_engine):
    data = overview.read_data(demo_engine)
    country = overview.filter_options(data)["country"][0]
    ov = overview.build(data, overview.Filters(country=(country,)), listed=5)
    ids = data.enterprises.loc[data.enterprises["country"].astype(str).eq(country), "enterprise_id"]
    expected = _oracle(demo_engine, set(ids))
    pd.testing.assert_frame_equal(ov.quality.reset_index(drop=True), expected.head(5).reset_index(drop=True),
                                  check_dtype=False)
    assert ov.quality.attrs["total"] == len(expected)
