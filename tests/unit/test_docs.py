"""Docs that tests keep honest: every public name, indicator and unit alias is documented."""
from pathlib import Path

import metrics

ROOT = Path(__file__).resolve().parents[2]
METHODS = (ROOT / "METHODS.md").read_text(encoding="utf-8")


def test_every_public_name_is_documented():
    missing = [name for name in metrics.__all__ if f"metrics.{name}" not in METHODS and f"`{name}`" not in METHODS]
    assert not missing, f"undocumented in METHODS.md: {missing}"


def test_every_indicator_and_carrier_is_documented():
    for name in list(metrics.INDICATORS) + list(metrics.CARRIERS):
        assert f"`{name}`" in METHODS or name in METHODS, name


def test_every_defined_unit_is_documented():
    defined = [line.split("=")[0].strip() for line in (ROOT / "data" / "units.txt").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    for unit in defined:
        if unit.startswith(("ktoe", "dozen")):
            continue
        assert f"`{unit}`" in METHODS, unit


def test_every_unit_alias_and_offered_unit_is_documented():
    from metrics.units import ALIASES

    missing = [alias for alias in ALIASES if f"`{alias}`" not in METHODS]
    offered = {u for name in metrics.INDICATORS for carrier in (list(metrics.CARRIERS) if name == "energy" else [None])
               for u in metrics.valid_units(name, carrier)}
    missing += [u for u in sorted(offered) if f"`{u}`" not in METHODS and u != "%"]
    assert not missing, f"undocumented units or spellings in METHODS.md: {missing}"


def test_every_data_file_and_its_columns_are_documented():
    import pandas as pd

    for name in ("fuels.csv", "grid_factors.csv"):
        assert f"data/{name}" in METHODS, name
        for column in pd.read_csv(ROOT / "data" / name, nrows=1).columns:
            assert column in METHODS, f"{name}: column {column} undocumented"


def test_metrics_imports_neither_streamlit_nor_sqlalchemy_nor_tracker():
    import subprocess
    import sys

    code = ("import sys, metrics; bad = [m for m in ('streamlit', 'sqlalchemy', 'tracker', 'codecarbon', 'pycountry')"
            " if m in sys.modules]; print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_reference_files_match_the_checksums_of_their_factor_set_version():
    # results must not silently change: a changed data file needs a new factor-set version
    import hashlib

    sums = metrics.factor_set()["sha256"]
    assert set(sums) == {"data/units.txt", "data/fuels.csv", "data/grid_factors.csv"}
    for name, expected in sums.items():
        actual = hashlib.sha256((ROOT / name).read_bytes()).hexdigest()
        assert actual == expected, (f"{name} changed but factor set {metrics.FACTOR_SET_VERSION} did not: give "
                                    "data/factor_sets.json a new version and the new checksums")
