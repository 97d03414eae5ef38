"""A CSV file imported in chunks (tracker.io.CHUNK_ROWS rows at a time, one transaction) behaves
as the file read whole: a bad line anywhere refuses it and nothing is stored, every bad line is
named, a figure given twice in different chunks is named, dates follow the whole file's
day/month order, and access is checked in every chunk. Chunks of 3 rows make small files span
several chunks."""
import pandas as pd
import pytest
from sqlalchemy import func, select

from tracker import auth, db, enterprises, errors
from tracker import io as tio
from tracker.auth import system_user
from tracker.models import Enterprise, EnterpriseSummary, Measurement

ADMIN = system_user("test-admin")
HEADER = "enterprise,country,sector,period_start,period_end,phase,indicator,carrier,value,unit,note\n"


@pytest.fixture
def engine(db_url, monkeypatch):
    monkeypatch.setattr(tio, "CHUNK_ROWS", 3)
    eng = db.open_database(db_url)
    yield eng
    eng.dispose()


def line(name="Chunk SME", start="2024-01-01", end="2024-01-31", phase="baseline", indicator="water", carrier="",
         value="5", unit="m3", note=""):
    return f"{name},KE,Food,{start},{end},{phase},{indicator},{carrier},{value},{unit},{note}\n"


def months(name: str, n: int, indicator="water", unit="m3") -> list[str]:
    """``n`` monthly lines of one enterprise, values 1, 2, 3 ..."""
    return [line(name, f"2024-{m:02d}-01", f"2024-{m:02d}-28", indicator=indicator, value=str(m), unit=unit)
            for m in range(1, n + 1)]


def stored(engine) -> tuple[int, int, int]:
    """(figures, enterprises, summary rows) stored."""
    with db.session_scope(engine, readonly=True) as s:
        return (s.scalar(select(func.count()).select_from(Measurement)),
                s.scalar(select(func.count()).select_from(Enterprise)),
                s.scalar(select(func.count()).select_from(EnterpriseSummary)))


def test_a_file_of_several_chunks_is_stored_whole_with_its_summary(engine):
    lines = months("A SME", 7) + months("B SME", 4, "production", "piece")
    steps = []
    counts = tio.import_file(engine, ADMIN, (HEADER + "".join(lines)).encode(), "f.csv",
                             progress=lambda f, text: steps.append(f))
    assert counts == {"inserted": 11, "updated": 0}
    assert stored(engine) == (11, 2, 2)
    assert steps == sorted(steps) and steps[-1] == 1.0  # the progress bar only moves forward
    # again: every row compared across chunks, nothing changes; then one value in the last chunk
    assert tio.import_file(engine, ADMIN, (HEADER + "".join(lines)).encode(), "f.csv") == {"inserted": 0,
                                                                                            "updated": 0}
    lines[-1] = lines[-1].replace(",4,piece,", ",40,piece,")
    assert tio.import_file(engine, ADMIN, (HEADER + "".join(lines)).encode(), "f.csv") == {"inserted": 0,
                                                                                            "updated": 1}


def test_a_bad_line_in_the_last_chunk_refuses_the_file_and_stores_nothing(engine):
    lines = months("A SME", 9) + [line("Z SME", value="-3")]  # line 11, in the fourth chunk of three rows
    with pytest.raises(errors.RejectedInput) as refused:
        tio.import_file(engine, ADMIN, (HEADER + "".join(lines)).encode(), "f.csv")
    p = refused.value.problems
    assert p[["row", "column"]].values.tolist() == [[11, "value"]]
    assert stored(engine) == (0, 0, 0)  # not the three chunks before it, not their enterprise


def test_every_bad_line_of_every_chunk_is_named(engine):
    lines = months("A SME", 8)
    lines[1] = line("A SME", "2024-02-01", "2024-02-28", value='"1,5"')  # line 3, chunk 1
    lines[4] = line("A SME", "2024-05-01", "2024-05-28", unit="kWh")  # line 6, chunk 2
    lines[7] = line("", "2024-08-01", "2024-08-28")  # line 9, chunk 3
    with pytest.raises(errors.RejectedInput) as refused:
        tio.import_file(engine, ADMIN, (HEADER + "".join(lines)).encode(), "f.csv")
    assert refused.value.problems[["row", "column"]].values.tolist() == [[3, "value"], [6, "unit"],
                                                                         [9, "enterprise"]]
    assert stored(engine) == (0, 0, 0)


def test_a_figure_given_again_in_a_later_chunk_is_named(engine):
    lines = months("A SME", 5)
    lines.append(line("A SME", "2024-02-01", "2024-02-28", value="99"))  # line 7 repeats line 3, chunk 2 vs 1
    with pytest.raises(errors.RejectedInput) as refused:
        tio.import_file(engine, ADMIN, (HEADER + "".join(lines)).encode(), "f.csv")
    p = refused.value.problems
    assert p[["row", "column"]].values.tolist() == [[7, "carrier"]]
    assert "as line 3" in p["reason"].iloc[0]
    assert stored(engine) == (0, 0, 0)


def test_after_a_figure_given_again_the_later_chunks_are_still_checked_and_nothing_is_stored(engine):
    """A figure of an enterprise the file adds, given again in a later chunk, is found in the figures this import
    stored (not read back from the database); the chunks after it are only checked, every problem named."""
    lines = months("A SME", 4) + [line("B SME", "2024-03-01", "2024-03-28")]  # A SME in chunks 1-2, B SME in 2
    lines.append(line("A SME", "2024-04-01", "2024-04-28", value="8"))  # line 7 repeats line 5, chunk 2 vs 2
    lines.append(line("A SME", "2024-02-01", "2024-02-28", value="99"))  # line 8 repeats line 3, chunk 3 vs 1
    lines += [line("C SME", "2024-05-01", "2024-05-28"), line("D SME").replace(",KE,", ",Atlantis,")]
    lines += months("E SME", 2)  # chunk 4: E SME and line 11 in order
    with pytest.raises(errors.RejectedInput) as refused:
        tio.import_file(engine, ADMIN, (HEADER + "".join(lines)).encode(), "f.csv")
    p = refused.value.problems
    assert p[["row", "column"]].values.tolist() == [[7, "carrier"], [8, "carrier"], [10, "country"]]
    assert "as line 5" in p["reason"].iloc[0] and "as line 3" in p["reason"].iloc[1]
    assert stored(engine) == (0, 0, 0)
    # other months instead of the repeats, D SME left out: stored whole, A SME's figures in three chunks
    lines[5], lines[6] = (line("A SME", f"2024-{m:02d}-01", f"2024-{m:02d}-28", value=str(m)) for m in (6, 7))
    good = lines[:8] + lines[9:]
    assert tio.import_file(engine, ADMIN, (HEADER + "".join(good)).encode(), "f.csv") == {"inserted": 10,
                                                                                          "updated": 0}
    assert stored(engine)[:2] == (10, 4)


def test_dates_follow_the_order_the_whole_file_shows(engine):
    # the first chunk's dates are ambiguous alone (01/02/2024); line 8 (third chunk) shows the day
    # first (13/02/2024): read whole, the file is day-first, and so it is read in chunks
    lines = [line("A SME", f"01/{m:02d}/2024", f"02/{m:02d}/2024", value=str(m)) for m in range(1, 7)]
    lines.append(line("B SME", "13/02/2024", "14/02/2024"))
    assert tio.import_file(engine, ADMIN, (HEADER + "".join(lines)).encode(), "f.csv")["inserted"] == 7
    with db.session_scope(engine, readonly=True) as s:
        starts = s.scalars(select(Measurement.period_start).order_by(Measurement.value)).all()
    assert [d.isoformat() for d in starts[:2]] == ["2024-01-01", "2024-02-01"]  # 1 January, not 2 January


def test_ambiguous_dates_in_every_chunk_are_refused_when_the_file_shows_no_order(engine):
    lines = [line("A SME", f"01/{m:02d}/2024", f"02/{m:02d}/2024", value=str(m)) for m in range(1, 6)]
    with pytest.raises(errors.RejectedInput) as refused:
        tio.import_file(engine, ADMIN, (HEADER + "".join(lines)).encode(), "f.csv")
    p = refused.value.problems
    assert sorted(set(p["row"])) == [2, 3, 4, 5, 6] and p["reason"].str.contains("cannot be told apart").all()


def test_a_manager_naming_someone_elses_enterprise_in_a_later_chunk_stores_nothing(engine):
    tio.import_file(engine, ADMIN, (HEADER + line("Mine SME") + line("Other SME")).encode(), "a.csv")
    mine = int(enterprises.list_enterprises(engine, ADMIN).set_index("name").loc["Mine SME", "id"])
    with db.session_scope(engine) as s:
        auth.upsert_user(s, "m", "manager-password", "manager", [mine])
    manager = auth.authenticate(engine, "m", "manager-password")
    before = stored(engine)
    lines = months("Mine SME", 6) + [line("Other SME", "2025-01-01", "2025-01-31")]  # line 8, third chunk
    with pytest.raises(errors.AccessDenied, match=r"'Other SME' \(line 8\)"):
        tio.import_file(engine, manager, (HEADER + "".join(lines)).encode(), "f.csv")
    assert stored(engine) == before


def test_a_file_over_the_row_limit_is_refused_before_anything_is_stored(engine):
    with pytest.raises(errors.RejectedInput, match="more than 5 rows, the most one file may hold. Split it"):
        tio.import_file(engine, ADMIN, (HEADER + "".join(months("A SME", 7))).encode(), "f.csv", max_rows=5)
    assert stored(engine) == (0, 0, 0)


def test_a_line_the_csv_reader_cannot_read_refuses_the_file(engine):
    lines = months("A SME", 7)
    lines[5] = lines[5].rstrip("\n") + ",extra,fields\n"  # line 7: more fields than the header
    with pytest.raises(errors.RejectedInput) as refused:
        tio.import_file(engine, ADMIN, (HEADER + "".join(lines)).encode(), "f.csv")
    assert refused.value.problems["row"].tolist() == [7]  # named as a text editor numbers it, in a later chunk
    assert refused.value.problems["reason"].iloc[0].startswith("13 cells where the header line has 11")
    assert stored(engine) == (0, 0, 0)


def test_a_comma_unquoted_on_every_line_refuses_the_file_whole_or_in_chunks(engine):
    # every line one cell longer than the header: pandas would take the first cells as an index
    # and read the enterprise as " Ltd", the country as the sector and so on
    lines = [x.replace("Seals SME", "Seals, Ltd") for x in months("Seals SME", 7)]
    data = (HEADER + "".join(lines)).encode()
    for read in (lambda: tio.read_table(data, "f.csv"), lambda: tio.import_file(engine, ADMIN, data, "f.csv")):
        with pytest.raises(errors.RejectedInput) as refused:
            read()
        assert refused.value.problems["row"].tolist() == [2, 3, 4, 5, 6, 7, 8]
        assert refused.value.problems["reason"].iloc[0].startswith("12 cells where the header line has 11")
    assert stored(engine) == (0, 0, 0)


def test_chunks_and_the_whole_file_store_the_same(engine, tmp_path, monkeypatch):
    lines = months("A SME", 7) + months("B SME", 5, "energy", "kWh")
    lines = [x.replace(",energy,,", ",energy,electricity,") for x in lines]
    tio.import_file(engine, ADMIN, (HEADER + "".join(lines)).encode(), "f.csv")
    monkeypatch.setattr(tio, "CHUNK_ROWS", 1000)
    whole = db.open_database(f"duckdb:///{tmp_path / 'whole.duckdb'}")
    tio.import_file(whole, ADMIN, (HEADER + "".join(lines)).encode(), "f.csv")
    cols = "e.name, m.period_start, m.phase, m.indicator, m.carrier, m.value, m.value_canonical"
    sql = f"SELECT {cols} FROM measurements m JOIN enterprises e ON e.id = m.enterprise_id"
    summary_sql = ("SELECT e.name, s.indicator, s.baseline, s.followup, s.flags FROM enterprise_summary s "
                   "JOIN enterprises e ON e.id = s.enterprise_id")
    for query, order in ((sql, "name, period_start"), (summary_sql, "name, indicator")):
        with db.session_scope(engine, readonly=True) as a, db.session_scope(whole, readonly=True) as b:
            x, y = db.read_frame(a, query, order=order), db.read_frame(b, query, order=order)
        pd.testing.assert_frame_equal(x, y)
    whole.dispose()
