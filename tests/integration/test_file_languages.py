"""Files in the reader's language (issue 12): the hand-over report, statements, disclosures, the template and the
command line speak the run's language; a statement keeps the language it was issued in; the template keeps one
format and accepts its column headers in any supported language; Chinese and Vietnamese print in the PDF.

The catalogues here are written by the test (a few words each), so the tests do not wait for the translators:
``catalogues`` points metrics.i18n at them, as SCORE_LOCALE_DIR would."""
from __future__ import annotations

import contextvars
import io
import os
import shutil
import subprocess

import openpyxl
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from metrics import i18n
from tests.demo_db import demo_user, open_demo
from tracker import cli, handover, pdf, statements
from tracker import io as tio
from tracker.errors import RejectedInput
from tracker.report import enterprise_report

CHANGES = "Changes: baseline to latest follow-up"
FRENCH = {"Period start": "Début de la période", "Period end": "Fin de la période", "Enterprise": "Entreprise",
          "Indicator": "Indicateur", "Value": "Valeur", "Unit": "Unité", "Carrier or destination": "Vecteur",
          CHANGES: "Variations : référence à la dernière mesure de suivi", "Changes": "Variations",
          "Headline changes and emissions by scope": "Principales variations et émissions par périmètre",
          "Results statement: {name}": "Déclaration de résultats : {name}",
          "Energy and emissions": "Énergie / émissions [kWh]: CO2e? *tous* les périodes et plus encore",
          "wrote {path}": "écrit {path}", "the file name must end in .csv or .xlsx":
          "le nom du fichier doit finir par .csv ou .xlsx",
          "Instructions": "Mode d'emploi", "format": "format",
          "VSME basic module": "Module de base VSME", "Total energy consumption": "Consommation totale d'énergie",
          "not collected": "non collecté", "delete this example row": "supprimez cette ligne d'exemple"}
CHINESE = {CHANGES: "变化：基线至最新跟进", "{name} - SCORE4Climate report": "{name} - SCORE4Climate 报告",
           "Improvement actions": "改进措施"}
VIETNAMESE = {CHANGES: "Thay đổi: từ đường cơ sở đến lần theo dõi gần nhất",
              "Improvement actions": "Hành động cải tiến"}


def _write(folder, code: str, words: dict[str, str]) -> None:
    catalog = Catalog(locale=code)
    for msgid, msgstr in words.items():
        catalog.add(msgid, msgstr)
    path = folder / code / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog)


def _forget(i18n_module) -> None:
    # what metrics.i18n keeps per catalogue folder (read once per process; SCORE_LOCALE_DIR is read at start)
    i18n_module.reload()


@pytest.fixture
def catalogues(tmp_path, monkeypatch):
    """French, Chinese and Vietnamese catalogues of a few words each, for this test only; the run stays English
    unless a test says otherwise."""
    def make(**languages):
        folder = tmp_path / "locale"
        for code, words in languages.items():
            _write(folder, code, words)
        monkeypatch.setattr(i18n, "LOCALE_DIR", folder)
        _forget(i18n)
        return folder
    yield make
    monkeypatch.undo()
    _forget(i18n)


def _in(locale: str, make):
    """``make()`` run in ``locale``, this test's own language left as it was."""
    def run():
        i18n.use(locale)
        return make()
    return contextvars.copy_context().run(run)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    yield from open_demo(f"duckdb:///{tmp_path_factory.mktemp('langs') / 'd.duckdb'}")


def _needs(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None] + ([] if pdf.pdf_available() else ["chromium"])
    if missing:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{', '.join(missing)} required in CI")
        pytest.skip(f"no {', '.join(missing)} on this machine")


# --- (b) the template: one format, headers in any language -------------------------------------------------------

TEMPLATE_ROWS = ("Seals SME,2024-01-01,2024-03-31,baseline,energy,electricity,4300.5,kWh\n"
                 "Seals SME,2024-04-01,2024-06-30,follow-up,energy,electricity,\"4,000\",kWh\n")


def test_a_template_headed_in_french_is_read_into_the_canonical_columns(catalogues):
    catalogues(fr=FRENCH)
    # case and spaces aside; the run itself in English: a file's language need not be the reader's
    header = "  ENTREPRISE ,Début de la  période,fin de la période,phase,indicateur,vecteur,Valeur,unité\n"
    parsed = tio.read_table((header + TEMPLATE_ROWS).encode(), "mesures.csv")
    rows = parsed.rows.sort_values("period_start")
    assert list(rows["enterprise"]) == ["Seals SME", "Seals SME"]
    assert [str(d)[:10] for d in rows["period_start"]] == ["2024-01-01", "2024-04-01"]
    assert list(rows["carrier"]) == ["electricity", "electricity"]
    assert list(rows["value"]) == [4300.5, 4000.0]  # the one format: a point for decimals, a comma for thousands

    # the same headers in an Excel file
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "measurements"
    sheet.append([h.strip() for h in header.strip().split(",")])
    sheet.append(["Seals SME", "2024-01-01", "2024-03-31", "baseline", "energy", "electricity", 4300.5, "kWh"])
    buf = io.BytesIO()
    book.save(buf)
    parsed = tio.read_table(buf.getvalue(), "mesures.xlsx")
    assert parsed.rows["value"].tolist() == [4300.5] and parsed.rows["unit"].tolist() == ["kWh"]


def test_an_imported_csv_headed_in_french_is_stored(catalogues, duckdb_url):
    catalogues(fr=FRENCH)
    engine = next(open_demo(duckdb_url))
    try:
        header = "Entreprise,country,Début de la période,Fin de la période,Phase,Indicateur,Vecteur,Valeur,Unité\n"
        rows = TEMPLATE_ROWS.replace("Seals SME,", "Seals SME,IN,")
        counts = tio.import_file(engine, demo_user(engine, "admin"), (header + rows).encode(), "f.csv")
        assert counts["inserted"] == 2
    finally:
        engine.dispose()


def test_a_header_naming_two_columns_is_refused(catalogues):
    # Vietnamese (as this test's catalogue has it) calls the note what French calls the period's end
    catalogues(fr=FRENCH, vi={"Note": "Fin de la période"})
    header = "enterprise,period_start,Fin de la période,phase,indicator,carrier,value,unit\n"
    with pytest.raises(RejectedInput) as refused:
        tio.read_table((header + TEMPLATE_ROWS).encode(), "f.csv")
    [problem] = refused.value.problems.itertuples()
    assert problem.column == "Fin de la période" and "note, period_end" in problem.reason


def test_a_column_given_twice_in_two_languages_is_refused(catalogues):
    catalogues(fr=FRENCH)
    header = "enterprise,period_start,period_end,phase,indicator,carrier,value,unit,Valeur\n"
    with pytest.raises(RejectedInput) as refused:
        tio.read_table((header + TEMPLATE_ROWS.replace("kWh\n", "kWh,1\n")).encode(), "f.csv")
    assert "twice" in refused.value.problems["reason"].iloc[0]


def test_an_unknown_header_is_still_an_extra_column_ignored(catalogues):
    catalogues(fr=FRENCH)
    header = "enterprise,period_start,period_end,phase,indicator,carrier,value,unit,remarque libre\n"
    parsed = tio.read_table((header + TEMPLATE_ROWS.replace("kWh\n", "kWh,x\n")).encode(), "f.csv")
    assert len(parsed.rows) == 2


def test_the_template_keeps_one_format_and_says_so_in_the_readers_language(catalogues):
    catalogues(fr=FRENCH)
    book = openpyxl.load_workbook(io.BytesIO(_in("fr", lambda: tio.template_bytes("xlsx"))))
    assert book.sheetnames == ["measurements", "Mode d'emploi"]
    assert [c.value for c in book["measurements"][1]][:4] == ["enterprise", "country", "sector", "period_start"]
    first = [c.value for c in book["Mode d'emploi"][2]]
    assert first[0] == "format" and "a point for decimals" in first[1] and "YYYY-MM-DD" in first[1]
    english = openpyxl.load_workbook(io.BytesIO(tio.template_bytes("xlsx")))
    assert english.sheetnames == ["measurements", "Instructions"]
    french_csv = _in("fr", lambda: tio.template_bytes("csv")).decode().splitlines()
    english_csv = tio.template_bytes("csv").decode().splitlines()
    assert french_csv[0] == english_csv[0]  # the header line: the one format
    assert french_csv[1].endswith(",supprimez cette ligne d'exemple,,,") and english_csv[1].endswith(
        ",delete this example row,,,")  # the example's note: words for the reader


# --- (a) the hand-over report and statements in the run's language ------------------------------------------------

def test_the_hand_over_report_is_made_in_the_runs_language(catalogues, demo):
    catalogues(fr=FRENCH)
    manager = demo_user(demo, "manager")
    report = enterprise_report(demo, manager, manager.enterprise_ids[0])
    french = _in("fr_CA", lambda: handover.report_html(report))
    assert "<html lang='fr-CA'>" in french and f"<h2>{FRENCH[CHANGES]}</h2>" in french
    english = handover.report_html(report)
    assert "<html lang='en'>" in english and f"<h2>{CHANGES}</h2>" in english and FRENCH[CHANGES] not in english
    assert "'Noto Sans CJK SC', sans-serif" in english  # Chinese glyphs from the CJK font, after the Latin ones

    book = openpyxl.load_workbook(io.BytesIO(_in("fr", lambda: handover.report_xlsx(report))))
    # a translation too long for a sheet, with characters Excel refuses there: cut to 31, those made spaces
    assert "Variations" in book.sheetnames and "Changes" not in book.sheetnames
    assert "Énergie   émissions  kWh   CO2e" in book.sheetnames
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert _in("fr", lambda: handover.fingerprint(report)) != handover.fingerprint(report)  # a PDF per language


def test_a_statement_keeps_the_language_it_was_issued_in(catalogues, duckdb_url):
    catalogues(fr=FRENCH)
    engine = next(open_demo(duckdb_url))
    try:
        manager = demo_user(engine, "manager")
        seal = manager.enterprise_ids[0]
        sid, data = _in("fr", lambda: statements.issue_statement(engine, manager, seal))
        text = data.decode()
        assert "<html lang='fr'>" in text and "Principales variations et émissions par périmètre" in text
        assert "Déclaration de résultats : Mechanical seals maker" in text
        # read later by someone in English: the same file, byte for byte, and its language
        [listed] = statements.list_statements(engine, manager, seal)
        assert listed["html"].encode() == data and listed["language"] == "fr"
        assert statements.verify(engine, sid, data)
        english_sid, english = statements.issue_statement(engine, manager, seal)
        assert "<html lang='en'>" in english.decode() and "Headline changes and emissions by scope" in english.decode()
        languages = {s["id"]: s["language"] for s in statements.list_statements(engine, manager, seal)}
        assert languages == {sid: "fr", english_sid: "en"}
    finally:
        engine.dispose()


def test_disclosures_are_written_in_the_runs_language(catalogues, demo):
    from tracker import disclosures

    catalogues(fr=FRENCH)
    manager = demo_user(demo, "manager")
    book = openpyxl.load_workbook(io.BytesIO(_in("fr", lambda: disclosures.enterprise_workbook(
        demo, manager, manager.enterprise_ids[0]))))
    rows = list(book["Module de base VSME"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Reference", "Datapoint", "Valeur", "Unité")  # no translation here: English
    first = {r[1]: r for r in rows[1:]}
    assert first["Consommation totale d'énergie"][3] == "MWh"  # units are symbols, the same in every language
    assert "non collecté" in [r[2] for r in rows[1:]]


# --- (c) Chinese and Vietnamese print in the PDF ------------------------------------------------------------------

def test_chinese_and_vietnamese_print_in_the_hand_over_pdf(catalogues, demo, tmp_path):
    _needs("pdffonts", "pdftotext", "pdftoppm", "fc-match")
    # the font the stylesheets name for Chinese is installed (.ci/run: fonts-noto-cjk)
    found = subprocess.run(["fc-match", "Noto Sans CJK SC"], capture_output=True, text=True).stdout
    assert "NotoSansCJK" in found, f"fonts-noto-cjk is not installed: {found}"
    catalogues(zh_Hans=CHINESE, vi=VIETNAMESE)
    manager = demo_user(demo, "manager")
    report = enterprise_report(demo, manager, manager.enterprise_ids[0])
    report.enterprise["name"] = "机械密封件制造商 (Cơ khí Việt)"
    for locale, words in (("zh_Hans_CN", CHINESE), ("vi", VIETNAMESE)):
        data = _in(locale, lambda: handover.report_pdf(report))
        path = tmp_path / f"report-{locale}.pdf"
        path.write_bytes(data)
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        # Chromium embeds the CJK glyphs of a font collection (.ttc) as Type 3 outlines, under no name; the text
        # layer maps them back to the characters (pictures of the pages: page-*.png, looked at)
        assert "Type 3" in fonts, fonts
        squeezed = "".join(text.split())
        assert "".join(words[CHANGES].split()) in squeezed and "机械密封件制造商" in squeezed
        assert "".join(words["Improvement actions"].split()) in squeezed
        subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "2", "-png", str(path),
                        str(tmp_path / f"page-{locale}")], check=True)


# --- the command line speaks the environment's language ------------------------------------------------------------

def test_the_command_line_speaks_the_environments_language(catalogues, tmp_path, monkeypatch, capsys):
    catalogues(fr=FRENCH)
    assert cli.environment_locale({"LANG": "fr_FR.UTF-8"}) == "fr_FR"
    assert cli.environment_locale({"LANGUAGE": "de:fr", "LANG": "C.UTF-8"}) == "fr"
    assert cli.environment_locale({"SCORE_LANGUAGE": "en", "LANG": "fr_FR.UTF-8"}) == "en"
    assert cli.environment_locale({"LANG": "de_DE.UTF-8"}) == "en" and cli.environment_locale({}) == "en"
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SCORE_LANGUAGE", "fr_FR")
    out = tmp_path / "template.xlsx"
    assert cli.main(["template", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"écrit {out}"
    assert openpyxl.load_workbook(out).sheetnames == ["measurements", "Mode d'emploi"]
    assert cli.main(["template", str(tmp_path / "template.txt")]) == 1
    assert "le nom du fichier doit finir par .csv ou .xlsx" in capsys.readouterr().err
    assert i18n.current() == i18n.SOURCE  # the caller's language is left as it was
    monkeypatch.setenv("SCORE_LANGUAGE", "en")
    assert cli.main(["template", str(out)]) == 0 and capsys.readouterr().out.strip() == f"wrote {out}"
