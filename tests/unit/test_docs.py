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
