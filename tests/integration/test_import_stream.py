"""A CSV import streamed in pieces, attacked (issue 17 item 4): a store of many pieces in one
transaction holds none of the pieces it has stored (DuckDB kept every registered piece's Arrow data
until the commit), a file refused on its last line stores nothing, a field too large for a line is
refused plainly, two imports at once both arrive whole, and a file headed in Spanish is read in
pieces as the template."""
import json
import threading

import pandas as pd
import pyarrow as pa
import pytest
from sqlalchemy import func, select

from tracker import db, errors, measurements, summary, uploads
from tracker import io as tio
from tracker.auth import system_user
from tracker.models import AuditEntry, Enterprise, EnterpriseSummary, Measurement

ADMIN = system_user("test-admin")
HEADER = "enterprise,country,sector,period_start,period_end,phase,indicator,carrier,value,unit,note\n"


@pytest.fixture
def engine(db_url, monkeypatch):
    monkeypatch.setattr(tio, "CHUNK_ROWS", 40)
    eng = db.open_database(db_url)
    yield eng
    eng.dispose()


def lines(name: str, months: int, *, value="7") -> list[str]:
    """Monthly electricity and water of one enterprise, baseline 2024 and follow-up 2025."""
    out = []
    for year, phase in ((2024, "baseline"), (2025, "follow-up")):
        for m in range(1, months + 1):
            out.append(f"{name},KE,Food,{year}-{m:02d}-01,{year}-{m:02d}-28,{phase},energy,electricity,{value},kWh,\n")
            out.append(f"{name},KE,Food,{year}-{m:02d}-01,{year}-{m:02d}-28,{phase},water,,{value},m3,\n")
    return out


def stored(engine) -> tuple[int, int, int, int]:
    """(figures, enterprises, summary rows, audit entries) stored."""
    with db.session_scope(engine, readonly=True) as s:
        return tuple(s.scalar(select(func.count()).select_from(t))
                     for t in (Measurement, Enterprise, EnterpriseSummary, AuditEntry))


def test_a_transaction_of_many_bulk_inserts_holds_none_of_the_pieces_it_stored(db_url):
    """Each piece's Arrow data is freed once it is stored, not kept to the commit: six pieces of 20,000
    audit rows (about 3 MB of Arrow data each) leave less than one piece allocated."""
    engine = db.open_database(db_url)

    def piece(k: int) -> pd.DataFrame:  # a new one each time, as an import's pieces are
        return pd.DataFrame({"record_id": [f"r{k}-{i}" for i in range(20_000)], "before": "",
                             "after": [f"{k}-{i}-" + "x" * 100 for i in range(20_000)],
                             "at": pd.Timestamp("2024-01-01"), "username": "u", "action": "insert",
                             "table_name": "measurements"})

    one = pa.Table.from_pandas(piece(0), preserve_index=False).nbytes
    held = []
    with db.session_scope(engine) as s:
        base = pa.total_allocated_bytes()
        for k in range(6):
            db.bulk_insert(s, "audit_log", piece(k))
            held.append(pa.total_allocated_bytes() - base)
    engine.dispose()
    assert one > 2_000_000
    assert max(held) < one, held  # DuckDB through a registered view: 1, 2 ... 6 pieces held


def test_a_file_refused_on_its_last_line_stores_nothing(engine):
    """Two hundred and one lines in pieces of forty: the bad one is the last of the last piece."""
    body = []
    for k in range(5):
        body += lines(f"Stream SME {k}", 10)
    body.append("Stream SME 9,KE,Food,2024-01-01,2024-01-28,baseline,energy,electricity,-1,kWh,\n")
    with pytest.raises(errors.RejectedInput) as refused:
        tio.import_file(engine, ADMIN, (HEADER + "".join(body)).encode(), "f.csv")
    assert refused.value.problems[["row", "column"]].values.tolist() == [[len(body) + 1, "value"]]
    assert stored(engine) == (0, 0, 0, 0)
    # the same file without its last line is stored whole, with its summary: 2 indicators x 5 enterprises
    counts = tio.import_file(engine, ADMIN, (HEADER + "".join(body[:-1])).encode(), "f.csv")
    assert counts == {"inserted": 200, "updated": 0}
    figures, firms, summary_rows, _ = stored(engine)
    assert (figures, firms) == (200, 5)
    with db.session_scope(engine, readonly=True) as s:
        kinds = s.execute(select(EnterpriseSummary.indicator, func.count()).group_by(EnterpriseSummary.indicator)
                          ).all()
    assert dict(kinds)["energy"] == 5 and dict(kinds)["water"] == 5


def test_a_field_too_large_for_a_line_is_refused_plainly_and_stores_nothing(engine):
    """A note of 20,000 characters in the last line: over a line's 16 kB, refused before anything is
    read; a note of 5,000 characters (a line of about 5 kB) is read and refused by the note's limit of
    4,000 characters, naming its line and column."""
    body = lines("Big SME", 12)
    huge = body[:-1] + [body[-1].rstrip("\n") + "x" * 20_000 + "\n"]
    with pytest.raises(errors.RejectedInput) as refused:
        tio.import_file(engine, ADMIN, (HEADER + "".join(huge)).encode(), "f.csv")
    assert refused.value.problems["row"].tolist() == [len(huge) + 1]
    assert f"{uploads.MAX_LINE_BYTES // 1024} kB" in refused.value.problems["reason"][0]
    large = body[:-1] + [body[-1].rstrip("\n") + "y" * 5_000 + "\n"]
    with pytest.raises(errors.RejectedInput) as refused:
        tio.import_file(engine, ADMIN, (HEADER + "".join(large)).encode(), "f.csv")
    assert refused.value.problems[["row", "column"]].values.tolist() == [[len(large) + 1, "note"]]
    assert stored(engine) == (0, 0, 0, 0)


def test_two_imports_at_once_both_arrive_whole(engine, db_url):
    """Two administrators import two files of several pieces at the same moment (two engines, so two
    connections on PostgreSQL): both are stored whole, each figure once, each audited once."""
    other = db.open_database(db_url) if engine.dialect.name == "postgresql" else engine
    files = [(HEADER + "".join(x for j in range(4) for x in lines(f"Twin {k} SME {j}", 6))).encode() for k in (0, 1)]
    barrier, outcome = threading.Barrier(2), {}

    def run(k):
        barrier.wait()
        try:
            outcome[k] = tio.import_file((engine, other)[k], system_user(f"admin-{k}"), files[k], "f.csv")
        except Exception as exc:  # noqa: BLE001 - the test says what happened
            outcome[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if other is not engine:
        other.dispose()
    assert outcome == {0: {"inserted": 96, "updated": 0}, 1: {"inserted": 96, "updated": 0}}
    figures, firms, summary_rows, _ = stored(engine)
    assert (figures, firms, summary_rows) == (192, 8, 16)
    with db.session_scope(engine, readonly=True) as s:
        inserted = s.execute(select(AuditEntry.username, AuditEntry.after).where(
            AuditEntry.action == "insert", AuditEntry.table_name == "measurements")).all()
    listed = {}
    for who, after in inserted:
        listed[who] = listed.get(who, 0) + len(json.loads(after)["figures"])
    assert listed == {"admin-0": 96, "admin-1": 96}


def test_a_file_headed_in_spanish_is_read_in_pieces_as_the_template(engine):
    """The header as the tracker shows the columns in Spanish (locale/es), the figures the same as
    under the canonical header."""
    spanish = ("Empresa,País,Sector o clúster,Inicio del período,Fin del período,Fase,Indicador,"
               "Fuente de energía o destino,Valor,Unidad,Nota\n")
    body = "".join(lines("Hola SME", 12, value='"1,250"'))
    counts = tio.import_file(engine, ADMIN, (spanish + body).encode(), "f.csv")
    assert counts == {"inserted": 48, "updated": 0}
    with db.session_scope(engine, readonly=True) as s:
        values = s.execute(select(Measurement.value, Measurement.unit, Measurement.value_canonical)).all()
    # 1,250 in a file is one thousand two hundred and fifty (the template's one format); water in m3
    assert sorted(set(values)) == [(1250.0, "kWh", 1250.0), (1250.0, "m3", 1250.0)]
    # the same file under the canonical header changes nothing
    assert tio.import_file(engine, ADMIN, (HEADER + body).encode(), "f.csv") == {"inserted": 0, "updated": 0}


def _threads(engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT current_setting('threads')").scalar())


def _threads_of_summary(engine, monkeypatch) -> list[int]:
    """DuckDB at 3 threads; the list that each save's summary refresh adds the threads it runs on to."""
    if engine.dialect.name != "duckdb":
        pytest.skip("a DuckDB setting")
    with engine.connect() as conn:
        conn.exec_driver_sql("SET threads = 3")
    seen = []
    refresh = summary.refresh

    def watched(session, ids, **kwargs):
        seen.append(int(session.connection().exec_driver_sql("SELECT current_setting('threads')").scalar()))
        return refresh(session, ids, **kwargs)

    monkeypatch.setattr(summary, "refresh", watched)
    return seen


def test_an_import_runs_duckdb_on_one_thread_and_gives_the_setting_back(engine, monkeypatch):
    """DuckDB: the import's inserts, summary and commit run on one thread (its two threads cost 2.5x the CPU
    seconds on the shared machine); the database's setting is back once it is done, refused or not, and two
    imports that overlap give it back only when the last one ends."""
    seen = _threads_of_summary(engine, monkeypatch)
    monkeypatch.setattr(measurements, "ONE_THREAD_ROWS", 12)
    assert tio.import_file(engine, ADMIN, (HEADER + "".join(lines("One SME", 3))).encode(), "f.csv")["inserted"] == 12
    assert seen == [1] and _threads(engine) == 3
    with pytest.raises(errors.RejectedInput):
        tio.import_file(engine, ADMIN, (HEADER + "One SME,KE,Food,2024-01-01,2024-01-28,baseline,water,,-1,m3,\n"
                                        ).encode(), "f.csv")
    assert _threads(engine) == 3
    first, second = db.one_duckdb_thread(engine), db.one_duckdb_thread(engine)
    first.__enter__()
    second.__enter__()
    assert _threads(engine) == 1
    first.__exit__(None, None, None)
    assert _threads(engine) == 1  # the other is still running
    second.__exit__(None, None, None)
    assert _threads(engine) == 3


def test_a_save_of_a_few_lines_leaves_duckdb_its_threads(engine, monkeypatch):
    """The one-thread setting is the whole database's: a save under ``ONE_THREAD_ROWS`` lines (the entry
    form's three) does not take the threads of every reader of the process for its duration."""
    seen = _threads_of_summary(engine, monkeypatch)
    monkeypatch.setattr(measurements, "ONE_THREAD_ROWS", 13)
    assert tio.import_file(engine, ADMIN, (HEADER + "".join(lines("Few SME", 3))).encode(), "f.csv")["inserted"] == 12
    assert seen == [3] and _threads(engine) == 3


def test_a_file_imported_from_its_path_is_stored_and_refused_as_its_bytes_are(engine, tmp_path):
    """The command line hands over the file's path (read a block at a time, never held whole): the same
    figures as from its bytes, and the same refusals naming the same lines, nothing stored."""
    unquoted = tmp_path / "unquoted.csv"
    unquoted.write_bytes((HEADER + "".join(lines("Path SME", 10)) + "Seals, Ltd,KE,Food,2024-01-01,2024-01-28,"
                          "baseline,water,,1,m3,\n").encode())
    with pytest.raises(errors.RejectedInput) as from_bytes:
        tio.import_file(engine, ADMIN, unquoted.read_bytes(), "f.csv")
    with pytest.raises(errors.RejectedInput) as from_path:
        tio.import_file(engine, ADMIN, unquoted, "f.csv")
    assert from_path.value.problems.values.tolist() == from_bytes.value.problems.values.tolist()
    assert from_path.value.problems["row"].tolist() == [42]
    not_utf8 = tmp_path / "latin.csv"
    not_utf8.write_bytes((HEADER + "".join(lines("Path SME", 10))).encode() + "Peña,KE".encode("latin-1"))
    with pytest.raises(errors.RejectedInput, match="byte"):
        tio.import_file(engine, ADMIN, not_utf8, "f.csv")
    assert stored(engine) == (0, 0, 0, 0)
    good = tmp_path / "good.csv"
    good.write_bytes((HEADER + "".join(lines("Path SME", 10))).encode())
    assert tio.import_file(engine, ADMIN, good, "f.csv") == {"inserted": 40, "updated": 0}
    assert tio.import_file(engine, ADMIN, good.read_bytes(), "f.csv") == {"inserted": 0, "updated": 0}
    assert stored(engine)[:2] == (40, 1)
