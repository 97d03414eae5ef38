"""tracker.db's bulk paths on both databases: the COPY batch writer and the Arrow reader
round-trip every value exactly, and both databases hand the same columns and types back."""
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from tracker import db
from tracker.models import Action

TEXTS = ["plain", "a, with a comma", 'a "quoted" word', "two\nlines", "carriage\r\nreturn", "", "é ü 中文 😀",
         "\\.", "\\N", "back\\slash", "  spaces  ", "NULL", ",", '"', "tab\there"]
FLOATS = [0.1 + 0.2, 1 / 3, 5e-324, 1.7976931348623157e308, -0.0, 123456789.123456789, 2.0, 1e-300, np.nan,
          4300.0, 0.955, 3.14159, -1.5, 7.0, 1e21]


def actions(n: int = len(TEXTS)) -> pd.DataFrame:
    """Action rows whose texts and figures are awkward for a CSV stream."""
    return pd.DataFrame({
        "id": np.arange(1, n + 1),
        "enterprise_id": 1,
        "action_date": pd.to_datetime(["2024-02-29", "1990-01-01", "2099-12-31"] * (n // 3 + 1))[:n],
        "description": (TEXTS * (n // len(TEXTS) + 1))[:n],
        "investment": (FLOATS * (n // len(FLOATS) + 1))[:n],
        "currency": (["", "EUR", "INR", "€", "$"] * (n // 5 + 1))[:n],
        "indicators": "energy,waste",
    })


@pytest.fixture
def engine(db_url):
    engine = db.open_database(db_url)
    with db.session_scope(engine) as s:
        s.connection().exec_driver_sql("INSERT INTO enterprises (id, name, country, sector, size, synthetic, "
                                       "created_at) VALUES (1, 'E', 'IN', '', '', false, '2025-01-01')")
    yield engine
    engine.dispose()


@pytest.mark.parametrize("batch", [db.COPY_BATCH, 4])
def test_bulk_insert_round_trips_awkward_values(engine, monkeypatch, batch):
    monkeypatch.setattr(db, "COPY_BATCH", batch)  # 4: several CSV buffers in one COPY on PostgreSQL
    frame = actions()
    with db.session_scope(engine) as s:
        db.bulk_insert(s, "actions", frame)
    with db.session_scope(engine, readonly=True) as s:
        stored = s.execute(select(Action.id, Action.action_date, Action.description, Action.investment,
                                  Action.currency).order_by(Action.id)).all()
    assert [r.description for r in stored] == TEXTS  # texts exactly, the empty one not NULL
    assert [r.action_date for r in stored][:3] == [dt.date(2024, 2, 29), dt.date(1990, 1, 1), dt.date(2099, 12, 31)]
    for r, want in zip(stored, FLOATS, strict=True):  # floats bit for bit (the sign of zero too), NaN as NULL
        if math.isnan(want):
            assert r.investment is None
        else:
            assert r.investment == want and math.copysign(1, r.investment) == math.copysign(1, want)
    assert [r.currency for r in stored][:5] == ["", "EUR", "INR", "€", "$"]


def test_null_and_the_empty_text_differ(engine):
    users = pd.DataFrame({"id": [1, 2, 3], "username": ["a", "b", "c"], "email": [None, "", "c@example.org"],
                          "password_hash": "x", "role": "admin", "active": True, "failed_attempts": 0,
                          "created_at": dt.datetime(2025, 1, 1)})
    with db.session_scope(engine) as s:
        db.bulk_insert(s, "users", users)
    with db.session_scope(engine, readonly=True) as s:
        back = db.read_frame(s, "SELECT id, email FROM users", order="id")
        where = s.connection().exec_driver_sql("SELECT id FROM users WHERE email IS NULL").scalars().all()
    assert where == [1]
    assert pd.isna(back["email"][0]) and back["email"][1:].tolist() == ["", "c@example.org"]


def test_read_frame_gives_the_values_and_types_back(engine):
    frame = actions(40)
    with db.session_scope(engine) as s:
        db.bulk_insert(s, "actions", frame)
    sql = "SELECT id, action_date, description, investment, currency FROM actions"
    with db.session_scope(engine, readonly=True) as s:
        back = db.read_frame(s, sql, order="id")
        some = db.read_frame(s, sql, ids=[3, 17, 40, 999], order="id DESC")
        none = db.read_frame(s, sql, ids=[])
    assert back["description"].tolist() == frame["description"].tolist()
    assert back["currency"].tolist() == frame["currency"].tolist()
    np.testing.assert_array_equal(back["investment"].to_numpy(), frame["investment"].to_numpy())
    assert back["action_date"].tolist() == frame["action_date"].tolist()
    assert str(back["action_date"].dtype) == "datetime64[us]"  # DuckDB's .df() type, on both
    assert back["id"].dtype == np.int32 and back["investment"].dtype == np.float64
    assert some["id"].tolist() == [40, 17, 3]
    assert list(none.columns) == ["id", "action_date", "description", "investment", "currency"] and none.empty


def test_read_frame_nullable_integers_and_booleans(engine):
    with db.session_scope(engine) as s:
        db.bulk_insert(s, "enterprise_summary", pd.DataFrame({
            "enterprise_id": [1, 2], "indicator": ["energy", "water"], "unit": ["kWh", "m3"],
            "has_baseline": [True, False], "has_followup": [False, True], "baseline": [1.5, np.nan],
            "followup": [np.nan, 2.5], "relative_change": np.nan, "points": np.nan,
            "baseline_days": pd.array([90, None], dtype="Int64"), "followup_days": pd.array([None, 91], dtype="Int64"),
            "followup_end": [None, dt.date(2025, 3, 31)], "co2e_baseline": np.nan, "co2e_followup": np.nan,
            "flags": ["", "no_baseline"], "updated_at": pd.Timestamp("2025-01-01 10:00:00.123456789")}))
    with db.session_scope(engine, readonly=True) as s:
        back = db.read_frame(s, "SELECT * FROM enterprise_summary", order="enterprise_id")
    assert back["baseline_days"].tolist()[0] == 90 and pd.isna(back["baseline_days"].tolist()[1])
    assert str(back["baseline_days"].dtype) == "Int32"
    assert back["has_baseline"].tolist() == [True, False] and back["has_baseline"].dtype == bool
    assert pd.isna(back["followup_end"][0]) and back["followup_end"][1] == pd.Timestamp("2025-03-31")
    assert back["updated_at"].tolist() == [pd.Timestamp("2025-01-01 10:00:00.123456")] * 2  # to the microsecond
    assert back["flags"].tolist() == ["", "no_baseline"]


def test_an_error_in_the_middle_of_a_read_is_raised_and_the_connection_lives_on(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the COPY reader is PostgreSQL's")
    # the division by zero comes after tens of thousands of rows have been sent
    bad = "SELECT 1 / (g - 50000) AS x FROM generate_series(1, 100000) g"
    for _ in range(2):  # the pooled connection is handed back clean each time
        with pytest.raises(Exception, match="division by zero"):
            with db.session_scope(engine, readonly=True) as s:
                db.read_frame(s, bad)
        with db.session_scope(engine, readonly=True) as s:
            assert db.read_frame(s, "SELECT g FROM generate_series(1, 100000) g")["g"].sum() == 100000 * 100001 // 2


def test_categorical_columns_have_sorted_categories(engine):
    frame = actions(10).assign(currency=["INR", "EUR", "", "INR", "$", "EUR", "INR", "", "€", "EUR"])
    with db.session_scope(engine) as s:
        db.bulk_insert(s, "actions", frame)
    with db.session_scope(engine, readonly=True) as s:
        back = db.read_frame(s, "SELECT id, currency FROM actions", order="id", categorical=["currency"])
    assert isinstance(back["currency"].dtype, pd.CategoricalDtype)
    assert list(back["currency"].cat.categories) == ["", "$", "EUR", "INR", "€"]
    assert back["currency"].astype(str).tolist() == frame["currency"].tolist()
