"""The delivery workbook: partners, clusters and trainers' paths downloaded, filled and uploaded
again by an admin, all or nothing, every bad line named, every change audited."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.demo_db import demo_user, open_demo
from tracker import clusters, db, delivery_workbook, demo, partners, trainers
from tracker.errors import AccessDenied, RejectedInput
from tracker.models import AuditEntry

D = dt.date


@pytest.fixture
def engine(db_url):
    yield from open_demo(db_url)


_who = demo_user


def _audits(engine) -> int:
    with db.session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def _book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _bytes(book) -> bytes:
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _line(sheet, first_cell: str) -> int:
    return next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == first_cell)


def test_only_admins_download_and_upload(engine):
    data = delivery_workbook.workbook_bytes(engine, _who(engine, "admin"))
    for role in ("officer", "trainer", "manager"):
        with pytest.raises(AccessDenied):
            delivery_workbook.workbook_bytes(engine, _who(engine, role))
        with pytest.raises(AccessDenied):
            delivery_workbook.import_workbook(engine, _who(engine, role), data)


def test_the_download_holds_the_records_and_uploaded_unchanged_changes_nothing(engine):
    admin = _who(engine, "admin")
    book = _book(delivery_workbook.workbook_bytes(engine, admin))
    assert book.sheetnames == ["Instructions", "Partners", "Clusters", "Trainers"]
    names = [r[0] for r in book["Partners"].iter_rows(min_row=2, values_only=True)]
    assert names == sorted(partners.list_partners(engine, admin)["name"])
    trainer_rows = {r[0]: r for r in book["Trainers"].iter_rows(min_row=2, values_only=True)}
    assert set(trainer_rows) == {t["username"] for t in demo.TRAINERS}
    me = trainer_rows["demo-trainer"]  # the demo's certified trainer, as tracker.demo records them
    assert (me[4], me[3].date(), me[7].date()) == ("certified", D(2020, 11, 10), D(2022, 6, 15))
    assert me[8] == "Workplace Cooperation; Quality Management; SCORE4Climate"
    before = _audits(engine)
    counts = delivery_workbook.import_workbook(engine, admin, _bytes(book))
    assert all(c["added"] == 0 and c["changed"] == 0 for c in counts.values())
    assert counts["Trainers"]["unchanged"] == len(demo.TRAINERS)
    assert _audits(engine) == before  # nothing changed, nothing audited


def test_a_filled_workbook_adds_and_changes_records_audited(engine):
    admin = _who(engine, "admin")
    book = _book(delivery_workbook.workbook_bytes(engine, admin))
    book["Partners"].append(["Mombasa Exporters' Union", "lead buyer", "ke"])
    book["Partners"].append(["x", "other", ""])
    cell = book["Partners"].cell(book["Partners"].max_row, 1)
    cell.value, cell.data_type = "=HYPERLINK(\"http://x\")", "s"  # a text that looks like a formula stays text
    book["Clusters"].append(["Mombasa food", "KE", "Coast", "Food processing",
                             "growth potential; lead buyers present", "", "2024-03-01"])
    sheet = book["Trainers"]
    row = _line(sheet, "synthetic-trainer-cn")
    sheet.cell(row, 2).value = "Mombasa Exporters' Union"
    sheet.cell(row, 5).value = "certified"
    sheet.cell(row, 6).value = "L. Wei, Expert Trainer"
    sheet.cell(row, 7).value = dt.datetime(2024, 9, 2)
    sheet.cell(row, 8).value = "2024-11-15"
    counts = delivery_workbook.import_workbook(engine, admin, _bytes(book))
    assert (counts["Partners"]["added"], counts["Clusters"]["added"], counts["Trainers"]["changed"]) == (2, 1, 1)
    table = partners.list_partners(engine, admin).set_index("name")
    assert (table.loc["Mombasa Exporters' Union", "type"], table.loc["Mombasa Exporters' Union", "country"]) == (
        "lead buyer", "KE")
    assert "=HYPERLINK(\"http://x\")" in table.index
    cl = clusters.list_clusters(engine, admin).set_index("name").loc["Mombasa food"]
    assert (cl["region"], cl["criteria"], cl["selected_on"]) == ("Coast", ["growth", "lead_buyers"], D(2024, 3, 1))
    cn = trainers.list_trainers(engine, admin).set_index("username").loc["synthetic-trainer-cn"]
    assert (cn["status"], cn["provider"], cn["certified_on"]) == ("certified", "Mombasa Exporters' Union",
                                                                   D(2024, 11, 15))
    with db.session_scope(engine) as s:
        tables = ["partners", "clusters", "trainer_profiles"]
        done = s.execute(select(AuditEntry.action, AuditEntry.table_name).where(
            AuditEntry.username == "demo-admin", AuditEntry.table_name.in_(tables))).all()
    assert sorted(done) == [("insert", "clusters"), ("insert", "partners"), ("insert", "partners"),
                            ("update", "trainer_profiles")]
    # downloaded again, the formula-like name is inert in the file and comes back as typed
    again = _book(delivery_workbook.workbook_bytes(engine, admin))
    assert "'=HYPERLINK(\"http://x\")" in [r[0] for r in again["Partners"].iter_rows(min_row=2, values_only=True)]


def test_a_refused_workbook_names_every_bad_line_and_stores_nothing(engine):
    admin = _who(engine, "admin")
    book = _book(delivery_workbook.workbook_bytes(engine, admin))
    book["Partners"].append(["Good Partner", "industry association", "KE"])
    book["Partners"].append(["Bad Type", "chamber of commerce", "KE"])  # line n + 2
    bad_type = book["Partners"].max_row
    book["Partners"].append(["Good Partner", "other", ""])  # twice
    twice = book["Partners"].max_row
    book["Clusters"].append(["Later", "KE", "", "", "", "", "2999-01-01"])
    future = book["Clusters"].max_row
    book["Trainers"].append(["no-such-trainer", "", "", "2021-01-01", "candidate"])
    unknown = book["Trainers"].max_row
    row = _line(book["Trainers"], "synthetic-trainer-ke")
    book["Trainers"].cell(row, 4).value = "14/09/2020"  # not a date this reads
    before = (_audits(engine), len(partners.list_partners(engine, admin)), len(clusters.list_clusters(engine, admin)))
    with pytest.raises(RejectedInput) as refused:
        delivery_workbook.import_workbook(engine, admin, _bytes(book))
    found = {(p.column, p.row): p.reason for p in refused.value.problems.itertuples()}
    assert set(found) == {("Partners", bad_type), ("Partners", twice), ("Clusters", future),
                          ("Trainers", row)}  # the unknown trainer is found when storing: not reached
    assert "type is one of" in found[("Partners", bad_type)]
    assert f"line {twice - 2}" in found[("Partners", twice)]
    assert "future" in found[("Clusters", future)]
    assert "not a date" in found[("Trainers", row)]
    after = (_audits(engine), len(partners.list_partners(engine, admin)), len(clusters.list_clusters(engine, admin)))
    assert after == before
    # with the lines corrected, the unknown trainer account is named, and still nothing is stored
    book["Partners"].delete_rows(bad_type, 2)
    book["Clusters"].delete_rows(future)
    book["Trainers"].cell(row, 4).value = "2020-09-14"
    with pytest.raises(RejectedInput) as refused:
        delivery_workbook.import_workbook(engine, admin, _bytes(book))
    problems = refused.value.problems
    assert list(zip(problems["column"], problems["row"], strict=True)) == [("Trainers", unknown)]
    assert "no trainer account called 'no-such-trainer'" in problems["reason"].iloc[0]
    assert "Good Partner" not in set(partners.list_partners(engine, admin)["name"])  # rolled back


def test_a_file_that_is_not_the_workbook_is_refused_in_one_line(engine):
    admin = _who(engine, "admin")
    with pytest.raises(RejectedInput, match="cannot be read as an Excel workbook"):
        delivery_workbook.import_workbook(engine, admin, b"name,type\nA,other\n")
    book = openpyxl.Workbook()
    book.active.title = "Partners"
    with pytest.raises(RejectedInput, match="Clusters, Trainers are missing"):
        delivery_workbook.import_workbook(engine, admin, _bytes(book))
