"""Bad input refused plainly, the same on DuckDB and PostgreSQL (issue 16, items 6, 7 and 8).

6: figures whose canonical or yearly value is not finite or beyond its documented bound.
7: texts longer than their column (tracker.lengths reads the lengths from tracker/models.py): a
   plain message naming the field and the limit, never the text nor a password hash; at the limit
   they are stored, and a DuckDB database of them restores into PostgreSQL.
8: countries: an ISO 3166-1 alpha-2 code or a country's name, stored as the code; the import says
   which line is wrong.
"""
import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from tracker import accounts, activities, backup, clusters, db, enterprises, lengths, partners
from tracker import io as tio
from tracker.auth import system_user, upsert_user
from tracker.errors import RejectedInput
from tracker.models import Action, Cluster, Enterprise, Measurement, Partner, Training, User

ADMIN = system_user("test-admin")
HEADER = "enterprise,country,sector,period_start,period_end,phase,indicator,carrier,value,unit,note\n"


@pytest.fixture
def engine(db_url):
    eng = db.open_database(db_url)
    yield eng
    eng.dispose()


def count(engine, model) -> int:
    with db.session_scope(engine, readonly=True) as s:
        return s.scalar(select(func.count()).select_from(model))


def csv(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def refused(engine, data: bytes) -> dict[tuple[int, str], str]:
    """{(line, column): reason} of an import that must be refused, storing nothing."""
    before = count(engine, Measurement), count(engine, Enterprise)
    with pytest.raises(RejectedInput) as exc:
        tio.import_file(engine, ADMIN, data, "f.csv")
    assert (count(engine, Measurement), count(engine, Enterprise)) == before
    return {(int(p.row), p.column): p.reason for p in exc.value.problems.itertuples()}


def line(enterprise="Acme", country="IN", sector="Metal", start="2024-01-01", end="2024-03-31", phase="baseline",
         indicator="energy", carrier="electricity", value="100", unit="kWh", note=""):
    return ",".join([enterprise, country, sector, start, end, phase, indicator, carrier, value, unit, note])


# --- item 6: figures that overflow ------------------------------------------------------------

def test_an_import_of_figures_that_overflow_is_refused_naming_each_line(engine):
    found = refused(engine, csv(line(carrier="diesel", value="1e308", unit="toe"),
                                line(phase="follow-up", value="1e308"),
                                line(indicator="waste", carrier="landfill", value="5e-324", unit="kg"),
                                line(indicator="water", carrier="", value="1e13", unit="m3", phase="follow-up")))
    assert set(found) == {(2, "value"), (3, "value"), (4, "value"), (5, "value")}
    assert "1e+308 toe is more kWh than a number can hold" in found[(2, "value")]
    assert "over 91 day(s) is more than 1.8e+308 kWh a year" in found[(3, "value")]
    assert "under the smallest figure other than 0" in found[(4, "value")]
    # 1e13 m3 in 91 days is 1e13 x 365 / 91 = 4.011e13 m3 a year, over 1e13
    assert "is 4.011e+13 m³ a year, over the limit of 1e+13 m³ a year" in found[(5, "value")]


def test_the_largest_figures_allowed_are_stored_and_every_aggregate_stays_finite(engine):
    # 1e12 MWh over 2023 (365 days) is 1e15 kWh a year, the limit itself
    counts = tio.import_file(engine, ADMIN, csv(
        line(start="2023-01-01", end="2023-12-31", value="1e12", unit="MWh"),
        line(start="2024-01-01", end="2024-12-31", phase="follow-up", value="1e-6")), "f.csv")
    assert counts["inserted"] == 2
    with db.session_scope(engine, readonly=True) as s:
        stored = sorted(s.scalars(select(Measurement.value_canonical)).all())
    assert stored == pytest.approx([1e-6, 1e15])


# --- item 7: texts longer than their column ---------------------------------------------------

def test_the_limits_are_the_columns_lengths():
    assert {c.key: lengths.limit(c) for c in (Enterprise.name, Enterprise.sector, Partner.name, Training.cohort,
                                               Action.currency, User.username, User.email, Cluster.region,
                                               Measurement.unit)} == {
        "name": 200, "sector": 100, "cohort": 50, "currency": 3, "username": 100, "email": 254, "region": 100,
        "unit": 40}
    assert lengths.limit(Enterprise.name) == 200 and lengths.limit(Partner.name) == 200
    assert lengths.limit(Action.description) == lengths.FREE_TEXT == 4000  # Text: the documented bound


def _enterprise(engine) -> int:
    return enterprises.create_enterprise(engine, ADMIN, "Acme", "IN", "Metal")


def _refusals(engine, eid):
    """(what was tried, call) for every text a person types, one character over its limit."""
    today = dt.date(2024, 1, 1)
    return [
        ("enterprise name", "The enterprise's name has 201 characters; at most 200 fit",
         lambda: enterprises.create_enterprise(engine, ADMIN, "e" * 201, "IN")),
        ("enterprise sector", "The sector has 101 characters; at most 100 fit",
         lambda: enterprises.create_enterprise(engine, ADMIN, "Other", "IN", "s" * 101)),
        ("renamed enterprise", "The enterprise's name has 201 characters",
         lambda: enterprises.edit_enterprise(engine, ADMIN, eid, name="e" * 201, country="IN")),
        ("profile sector", "The sector has 101 characters",
         lambda: enterprises.update_profile(engine, ADMIN, eid, country="IN", sector="s" * 101, size="",
                                            partner="")),
        ("partner", "The partner's name has 201 characters; at most 200 fit",
         lambda: partners.create_partner(engine, ADMIN, "p" * 201, "other")),
        ("cluster sector", "The cluster's sector has 101 characters",
         lambda: clusters.create_cluster(engine, ADMIN, "C", "IN", sector="s" * 101)),
        ("cohort", "The cohort has 51 characters; at most 50 fit",
         lambda: activities.add_training(engine, ADMIN, eid, "Workplace Cooperation", today, today, "c" * 51)),
        ("currency", "The currency has 4 characters; at most 3 fit",
         lambda: activities.add_action(engine, ADMIN, eid, today, "Guillotine", 100.0, "EURO")),
        ("currency code", "'ABC' is not a currency: give its three-letter ISO 4217 code",
         lambda: activities.add_action(engine, ADMIN, eid, today, "Guillotine", 100.0, "abc")),
        ("description", "The description has 4,001 characters; at most 4,000 fit",
         lambda: activities.add_action(engine, ADMIN, eid, today, "d" * 4001)),
        ("user name", "The user name has 101 characters; at most 100 fit",
         lambda: accounts.create_user(engine, ADMIN, "u" * 101, "officer", password="a-good-password")),
        ("e-mail", "The e-mail address has 255 characters; at most 254 fit",
         lambda: accounts.create_user(engine, ADMIN, "bob", "officer", email="e" * 243 + "@example.org")),
        ("NUL in a name", "The enterprise's name contains a control character",
         lambda: enterprises.create_enterprise(engine, ADMIN, "Nul\x00Co", "IN")),
        ("NUL in a description", "The description contains a control character",
         lambda: activities.add_action(engine, ADMIN, eid, today, "a\x00b")),
    ]


def test_every_text_over_its_limit_is_refused_plainly_on_both_databases(engine):
    # regression: on PostgreSQL these raised StringDataRightTruncation (the page broke); on DuckDB
    # they were stored, and the backup then failed to restore into PostgreSQL
    eid = _enterprise(engine)
    counts = {m: count(engine, m) for m in (Enterprise, Partner, Cluster, Training, Action, User)}
    for what, message, call in _refusals(engine, eid):
        with pytest.raises(ValueError) as exc:
            call()
        assert message in str(exc.value), what
        assert any(w in str(exc.value) for w in ("Shorten it", "control character", "is not a currency")), what
        assert "eeeee" not in str(exc.value) and "$argon2" not in str(exc.value), what  # never the text itself
    assert {m: count(engine, m) for m in counts} == counts  # nothing was stored


def test_a_user_name_over_its_limit_never_shows_the_password_hash(engine):
    # regression: on PostgreSQL the error quoted the INSERT with the new password's argon2 hash
    for call in (lambda: accounts.create_user(engine, ADMIN, "u" * 101, "officer", password="secret-password"),
                 lambda: upsert(engine, "u" * 101)):
        with pytest.raises(ValueError) as exc:
            call()
        assert "argon2" not in str(exc.value) and "at most 100 fit" in str(exc.value)


def upsert(engine, name):
    with db.session_scope(engine) as s:
        upsert_user(s, name, "secret-password", "officer")


def test_texts_at_their_limits_are_stored_and_restore_from_duckdb_into_the_other(engine, tmp_path):
    # the same limits on both: what DuckDB accepts, PostgreSQL (the fixture's other run) restores
    src = db.open_database(f"duckdb:///{tmp_path / 'src.duckdb'}")
    today = dt.date(2024, 1, 1)
    partners.create_partner(src, ADMIN, "p" * 200, "other", "KE")
    eid = enterprises.create_enterprise(src, ADMIN, "e" * 200, "Kenya", "s" * 100, partner="p" * 200)
    activities.add_training(src, ADMIN, eid, "Workplace Cooperation", today, today, "c" * 50, 2, 2, 2, 2)
    activities.add_action(src, ADMIN, eid, today, "d\n" * 2000, 1.0, "kes", ["energy"] * 100)
    accounts.create_user(src, ADMIN, "u" * 100, "manager", [eid], email="e" * 242 + "@example.org")
    tio.import_file(src, ADMIN, csv(line(enterprise="n" * 200, sector="t" * 100, country="Viet Nam", note="x" * 4000,
                                         unit="kilowatt_hour * dimensionless")), "f.csv")
    manifest = backup.backup(src, tmp_path / "bk")
    src.dispose()
    restored = backup.restore(engine, tmp_path / "bk")
    assert restored["enterprises"] == 2 and restored["users"] == 1
    with db.session_scope(engine, readonly=True) as s:
        assert s.scalar(select(Action.currency)) == "KES"  # an ISO 4217 code, in capitals
        assert s.scalar(select(Action.indicators)) == "energy"  # each indicator once
        assert sorted(s.scalars(select(Enterprise.country)).all()) == ["KE", "VN"]
    assert manifest["tables"]["measurements"]["rows"] == 1


def test_an_import_names_the_lines_of_texts_that_do_not_fit(engine):
    found = refused(engine, csv(line(enterprise="n" * 201),
                                line(enterprise="Other", sector="s" * 101),
                                line(enterprise="Third", unit="kilowatt_hour * dimensionless * dimensionless"),
                                line(enterprise="Third", phase="follow-up", note="x" * 4001)))
    assert found[(2, "enterprise")] == ("a new enterprise: The enterprise's name has 201 characters; at most 200 "
                                        "fit. Shorten it.")
    assert found[(3, "sector")].startswith("a new enterprise: The sector has 101 characters")
    assert found[(4, "unit")] == "The unit has 45 characters; at most 40 fit. Shorten it."
    assert found[(5, "note")] == "The note has 4,001 characters; at most 4,000 fit. Shorten it."


# --- item 8: countries ------------------------------------------------------------------------

def test_an_import_stores_only_countries_and_names_the_line_of_each_that_is_not(engine):
    # regression: "XYZ" was stored as "XY", and an empty country was accepted
    found = refused(engine, csv(line(enterprise="A1", country="XYZ"),
                                line(enterprise="A2", country=""),
                                line(enterprise="A3", country="EU"),
                                line(enterprise="A4", country="Kenya"),
                                line(enterprise="A1", country="XYZ", phase="follow-up")))
    assert sorted(found) == [(2, "country"), (3, "country"), (4, "country")]
    assert found[(2, "country")] == ("a new enterprise: 'XYZ' is not a country: give a two-letter ISO 3166 code "
                                     "(IN, VN, KE) or a country's name (India, Viet Nam, Kenya).")
    assert found[(3, "country")].startswith("a new enterprise: The country is missing")
    assert "'EU' is not a country" in found[(4, "country")]  # the European Union is not one


def test_countries_are_stored_as_their_codes_whatever_the_way_in(engine):
    tio.import_file(engine, ADMIN, csv(line(enterprise="A", country="ke"),
                                       line(enterprise="B", country="Côte d'Ivoire"),
                                       line(enterprise="C", country="Viet Nam"),
                                       line(enterprise="D", country="Perú")), "f.csv")
    partners.create_partner(engine, ADMIN, "Chamber", "industry association", "bolivia")
    clusters.create_cluster(engine, ADMIN, "Textiles, Tiruppur", "India")
    eid = enterprises.create_enterprise(engine, ADMIN, "E", "Türkiye")
    with db.session_scope(engine, readonly=True) as s:
        stored = dict(s.execute(select(Enterprise.name, Enterprise.country)).all())
        assert s.scalar(select(Partner.country)) == "BO" and s.scalar(select(Cluster.country)) == "IN"
    assert stored == {"A": "KE", "B": "CI", "C": "VN", "D": "PE", "E": "TR"}
    for bad in ("XY", "XYZ", "", "ZZ", "Atlantis"):
        with pytest.raises(ValueError, match="is not a country|country is missing"):
            enterprises.update_profile(engine, ADMIN, eid, country=bad, sector="", size="", partner="")
    with pytest.raises(ValueError, match="'XQ' is not a country"):
        partners.create_partner(engine, ADMIN, "Other", "other", "XQ")
    with pytest.raises(ValueError, match="'Narnia' is not a country"):
        clusters.create_cluster(engine, ADMIN, "X", "Narnia")
    assert pd.Series(stored).str.fullmatch("[A-Z]{2}").all()


def test_a_file_read_in_chunks_names_each_bad_line_of_every_chunk(engine, monkeypatch):
    monkeypatch.setattr(tio, "CHUNK_ROWS", 2)  # lines 2-3, 4-5, 6-7, 8-9
    found = refused(engine, csv(line(enterprise="A"), line(enterprise="A", phase="follow-up"),
                                line(enterprise="B", country="XYZ"), line(enterprise="C", sector="s" * 101),
                                line(enterprise="D", value="1e308", unit="MWh"),
                                line(enterprise="D", phase="follow-up"),
                                line(enterprise="E", country=""), line(enterprise="F", unit="kWh" + " * percent" * 4)))
    # a chunk with a figure the parse refuses (line 6) is not checked further; every other chunk is
    assert sorted(found) == [(4, "country"), (5, "sector"), (6, "value"), (8, "country"), (9, "unit")]
