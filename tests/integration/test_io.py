"""tracker.io: import all or nothing, re-import updates, export round-trips, formulas inert."""
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select

import metrics
from tracker import db, demo, enterprises, errors
from tracker import io as tio
from tracker.auth import system_user
from tracker.models import Measurement

ADMIN = system_user("test-admin")


def count(engine):
    with db.session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(Measurement))


@pytest.fixture
def engine(db_url):
    eng = db.open_database(db_url)
    yield eng
    eng.dispose()


def case_csv() -> bytes:
    return tio.frame_bytes(demo.case_study_rows().astype({"period_start": str, "period_end": str}), "csv")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_import_export_round_trips(engine, tmp_path, fmt):
    demo.load(engine, "demo-password")
    first = tio.export_bytes(engine, ADMIN, fmt)
    fresh = db.open_database(f"duckdb:///{tmp_path / 'fresh.duckdb'}")
    counts = tio.import_file(fresh, ADMIN, first, f"x.{fmt}")
    assert counts["inserted"] == count(engine)
    second = tio.export_bytes(fresh, ADMIN, fmt)
    if fmt == "csv":
        assert second == first
    else:
        a = pd.read_excel(io.BytesIO(first), dtype=str)
        b = pd.read_excel(io.BytesIO(second), dtype=str)
        pd.testing.assert_frame_equal(a, b)
    fresh.dispose()


def test_reimport_updates_instead_of_duplicating(engine):
    data = case_csv()
    assert tio.import_file(engine, ADMIN, data, "case.csv")["inserted"] == 18
    before = count(engine)
    changed = data.replace(b",78.0,%,", b",77.0,%,")
    assert changed != data
    counts = tio.import_file(engine, ADMIN, changed, "case.csv")
    assert counts == {"inserted": 0, "updated": 1}
    assert count(engine) == before


def test_a_bad_row_refuses_the_whole_file_and_is_named(engine):
    lines = case_csv().decode().splitlines()
    lines[3] = lines[3].replace(",kg,", ",kWh,")  # line 4: a mass in energy units
    lines[5] = lines[5].replace(",78.0,", ",-3,")
    with pytest.raises(errors.RejectedInput) as err:
        tio.import_file(engine, ADMIN, "\n".join(lines).encode(), "case.csv")
    got = {(p.row, p.column) for p in err.value.problems.itertuples()}
    assert (4, "unit") in got
    assert count(engine) == 0


def test_formulas_are_neutralised_on_export_and_restored_on_import(engine, tmp_path):
    rows = demo.case_study_rows().astype({"period_start": str, "period_end": str}).head(1)
    rows["enterprise"] = '=HYPERLINK("http://x")'
    rows["note"] = "@SUM(A1)"
    tio.import_file(engine, ADMIN, rows.to_csv(index=False).encode(), "x.csv")
    text = tio.export_bytes(engine, ADMIN, "csv").decode()
    assert "'=HYPERLINK" in text and "'@SUM" in text
    book = openpyxl.load_workbook(io.BytesIO(tio.export_bytes(engine, ADMIN, "xlsx")))
    cells = [c.value for row in book["measurements"].iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith(("=", "@")) for v in cells)
    fresh = db.open_database(f"duckdb:///{tmp_path / 'f.duckdb'}")
    tio.import_file(fresh, ADMIN, text.encode(), "x.csv")
    names = enterprises.list_enterprises(fresh, ADMIN)["name"].tolist()
    assert names == ['=HYPERLINK("http://x")']
    fresh.dispose()


def test_template_has_instructions_and_imports_cleanly():
    book = openpyxl.load_workbook(io.BytesIO(tio.template_bytes("xlsx")))
    assert book.sheetnames == ["measurements", "Instructions"]
    assert len(tio.read_table(tio.template_bytes("csv"), "t.csv").rows) == 1


@pytest.mark.parametrize("data,name,column", [
    (b"", "x.csv", "file"),
    (b"\xff\xfe\x00bad", "x.csv", "file"),
    (b"enterprise,value\nA,1\n", "x.csv", "period_start"),
    (b"not a zip", "x.xlsx", "file"),
    (b"a,b", "x.txt", "file"),
])
def test_unreadable_files_are_refused_plainly(data, name, column):
    with pytest.raises(errors.RejectedInput) as err:
        tio.read_table(data, name)
    assert column in set(err.value.problems["column"])


cell = st.one_of(st.text(max_size=12), st.integers(-10**20, 10**20).map(str),
                 st.floats(allow_nan=True, allow_infinity=True).map(str), st.just(""))


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cell, min_size=0, max_size=13), min_size=0, max_size=6),
       st.lists(st.sampled_from(metrics.TEMPLATE_COLUMNS + ["extra", ""]), min_size=0, max_size=13),
       st.sampled_from(["csv", "xlsx", "latin1"]), st.booleans())
def test_fuzzed_files_never_crash_and_never_store_part(duckdb_engine, rows, header, kind, merged):
    before = count(duckdb_engine)
    if kind == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        clean = lambda r: [ILLEGAL_CHARACTERS_RE.sub("", v) for v in r]  # noqa: E731 - openpyxl refuses them
        sheet.append(clean(header))
        for r in rows:
            sheet.append(clean(r))
        if merged and rows:
            sheet.merge_cells(start_row=1, start_column=1, end_row=2, end_column=2)
        buf = io.BytesIO()
        book.save(buf)
        data, name = buf.getvalue(), "f.xlsx"
    else:
        text = "\n".join(",".join(r) for r in [header] + rows)
        data = text.encode("latin-1", "replace") if kind == "latin1" else text.encode("utf-8", "surrogatepass")
        data = data + (b"\xe9\xff" if kind == "latin1" else b"")
        name = "f.csv"
    try:
        tio.import_file(duckdb_engine, ADMIN, data, name)
    except errors.RejectedInput:
        assert count(duckdb_engine) == before
    except errors.AccessDenied:
        assert count(duckdb_engine) == before


@pytest.fixture(scope="module")
def duckdb_engine(tmp_path_factory):
    eng = db.open_database(f"duckdb:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.duckdb'}")
    yield eng
    eng.dispose()


def test_a_file_over_the_upload_limit_is_refused_plainly(db_url, monkeypatch):
    engine = db.open_database(db_url)
    data = tio.frame_bytes(pd.DataFrame([dict(enterprise="Big Ltd", country="KE", sector="S",
                                              period_start="2024-01-01", period_end="2024-01-31",
                                              phase="baseline", indicator="water", carrier="", value=1,
                                              unit="m3", note="x" * 500)]), "csv")
    monkeypatch.setattr(tio, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(errors.RejectedInput) as info:
        tio.import_file(engine, ADMIN, data, "big.csv")
    assert "the limit is" in info.value.problems["reason"].iloc[0]
    monkeypatch.setattr(tio, "MAX_UPLOAD_BYTES", 10_000)
    assert tio.import_file(engine, ADMIN, data, "big.csv")["inserted"] == 1
    engine.dispose()


def test_the_browser_upload_limit_matches_the_import_limit():
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == tio.MAX_UPLOAD_MB


def test_a_manager_cannot_tell_whether_an_enterprise_exists(duckdb_url):
    # regression: "Unknown enterprise" for a name without an enterprise, "You do not have access"
    # for someone else's: a manager could list which enterprise names exist
    from tracker import auth
    from tracker.db import session_scope

    engine = db.open_database(duckdb_url)
    header = "enterprise,country,sector,period_start,period_end,phase,indicator,carrier,value,unit,note\n"
    line = "{},IN,S,2024-01-01,2024-01-31,baseline,water,,5,m3,\n"
    tio.import_file(engine, ADMIN, (header + line.format("Mine SME") + line.format("Other SME")).encode(), "a.csv")
    mine = int(enterprises.list_enterprises(engine, ADMIN).set_index("name").loc["Mine SME", "id"])
    with session_scope(engine) as s:
        auth.upsert_user(s, "m", "manager-password", "manager", [mine])
    manager = auth.authenticate(engine, "m", "manager-password")
    said = {}
    for name in ("Other SME", "Nobody SME"):
        text = header + line.format(name) + line.format(name).replace("01-01,2024-01-31", "02-01,2024-02-29")
        with pytest.raises(errors.AccessDenied) as refused:
            tio.import_file(engine, manager, text.encode(), "f.csv")
        said[name] = str(refused.value).replace(name, "NAME")
        assert f"'{name}' (line 2, 3)" in str(refused.value)
    assert said["Other SME"] == said["Nobody SME"]
    engine.dispose()


def test_excel_percent_cells_are_read_as_shown(duckdb_url):
    # regression: a yield typed as 95.5% in Excel is stored in the cell as 0.955
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "measurements"
    ws.append(metrics.TEMPLATE_COLUMNS)
    ws.append(["Pct SME", "IN", "S", "2024-01-01", "2024-01-31", "baseline", "yield", "", 0.955, "%", ""])
    ws.append(["Pct SME", "IN", "S", "2024-01-01", "2024-01-31", "baseline", "water", "", 12, "m3", ""])
    ws["I2"].number_format = "0.0%"
    buf = io.BytesIO()
    book.save(buf)
    df = tio.read_table(buf.getvalue(), "f.xlsx").rows
    assert float(df.loc[0, "value"]) == pytest.approx(95.5) and float(df.loc[1, "value"]) == 12
