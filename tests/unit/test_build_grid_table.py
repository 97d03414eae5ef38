"""metrics._build_grid_table: codecarbon's JSON -> data/grid_factors.csv (development time only).

pycountry is not a dependency of the project: a stand-in with the three countries used here
replaces it, so the script's own logic (skip, round, sort, write) is what is tested.
"""
import csv
import json
import sys
from types import SimpleNamespace

import pytest

from metrics import _build_grid_table as build_table

#: ISO 3166 names as pycountry gives them (the JSON's own name wins where it has one)
COUNTRIES = {"IND": ("IN", "Republic of India"), "KEN": ("KE", "Kenya"),
             "BOL": ("BO", "Bolivia, Plurinational State of"), "ATA": ("AQ", "Antarctica"), "NAM": ("NA", "Namibia")}


@pytest.fixture
def pycountry(monkeypatch):
    def get(alpha_3):
        if alpha_3 not in COUNTRIES:
            return None
        alpha_2, name = COUNTRIES[alpha_3]
        return SimpleNamespace(alpha_2=alpha_2, name=name)

    monkeypatch.setitem(sys.modules, "pycountry", SimpleNamespace(countries=SimpleNamespace(get=get)))


@pytest.fixture
def energy_mix(tmp_path):
    path = tmp_path / "global_energy_mix.json"
    path.write_text(json.dumps({
        "KEN": {"country_name": "Kenya", "year": 2023, "carbon_intensity": 70.4916},
        "IND": {"country_name": "India", "year": "2023", "carbon_intensity": "713.4414"},
        "BOL": {"year": 2022, "carbon_intensity": 531.6},  # no name in the JSON: pycountry's
        "XKX": {"country_name": "Kosovo", "year": 2022, "carbon_intensity": 900.0},  # no ISO 3166 code
        "ATA": {"country_name": "Antarctica", "year": 2022, "carbon_intensity": None},  # a code, no figure
        "NAM": {"country_name": "Namibia", "year": 2022, "carbon_intensity": ""},
        "ESH": {"country_name": "Western Sahara", "year": 2022, "carbon_intensity": 600.0},  # not in the stand-in
    }), encoding="utf-8")
    return path


def test_build_keeps_countries_with_a_code_and_a_figure_rounded_and_sorted(pycountry, energy_mix, capsys):
    rows = build_table.build(str(energy_mix), "3.3.2")
    assert rows == [("BO", "Bolivia, Plurinational State of", 2022, 531.6),
                    ("IN", "India", 2023, 713.441),
                    ("KE", "Kenya", 2023, 70.492)]
    assert isinstance(rows[1][2], int) and isinstance(rows[1][3], float)
    skipped = capsys.readouterr().err.splitlines()
    assert skipped == ["skipped ATA 'Antarctica'", "skipped ESH 'Western Sahara'", "skipped NAM 'Namibia'",
                       "skipped XKX 'Kosovo'"]


def test_source_names_the_package_version_file_and_method():
    assert build_table.source("3.3.2") == (
        "codecarbon 3.3.2 (MIT), data/private_infra/global_energy_mix.json: carbon_intensity (location-based "
        "average, gCO2e/kWh), built from Our World in Data electricity-mix figures")


def test_the_shipped_table_carries_the_source_the_script_writes():
    from metrics import grid_factors

    table = grid_factors()
    figures = table["g_co2e_per_kwh"].notna()
    assert set(table.loc[figures, "source"]) == {build_table.source("3.3.2")}
    # the one country codecarbon gives 0 for has no figure, and its row says why (factor set 2026.2)
    assert list(table.loc[~figures, "iso2"]) == ["CF"]
    assert set(table.loc[~figures, "source"]) == {build_table.MISSING}


def test_a_zero_intensity_is_written_as_no_figure_not_as_zero(pycountry, tmp_path):
    path = tmp_path / "global_energy_mix.json"
    path.write_text(json.dumps({"KEN": {"country_name": "Kenya", "year": 2023, "carbon_intensity": 0.0}}))
    assert build_table.build(str(path), "3.3.2") == [("KE", "Kenya", 2023, None)]


def test_main_writes_the_csv_with_its_header_and_source(pycountry, energy_mix, tmp_path, monkeypatch, capsys):
    out = tmp_path / "grid_factors.csv"
    monkeypatch.setattr(build_table, "OUT", out)
    build_table.main(str(energy_mix))  # the version defaults to the one the shipped table was built from
    with out.open(newline="", encoding="utf-8") as fh:
        written = list(csv.reader(fh))
    assert written[0] == ["iso2", "country_name", "year", "g_co2e_per_kwh", "source"]
    source = build_table.source("3.3.2")
    assert written[1:] == [["BO", "Bolivia, Plurinational State of", "2022", "531.6", source],
                           ["IN", "India", "2023", "713.441", source],
                           ["KE", "Kenya", "2023", "70.492", source]]
    assert capsys.readouterr().out == f"wrote 3 countries to {out}\n"
    build_table.main(str(energy_mix), "9.9")
    with out.open(newline="", encoding="utf-8") as fh:
        assert [row[4] for row in csv.reader(fh)][1:] == [build_table.source("9.9")] * 3
