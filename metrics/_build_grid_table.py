"""Derive data/grid_factors.csv from codecarbon's global_energy_mix.json (development time only).

The app never imports codecarbon (nor pycountry): it reads the CSV this script writes.

    pip download --no-deps codecarbon==3.3.2 -d /tmp/cc
    cd /tmp/cc && unzip -o codecarbon-3.3.2-py3-none-any.whl 'codecarbon/data/private_infra/*'
    pip install --target /tmp/pyc pycountry          # ISO 3166 alpha-3 -> alpha-2, for this script only
    PYTHONPATH=/tmp/pyc python -m metrics._build_grid_table \\
        /tmp/cc/codecarbon/data/private_infra/global_energy_mix.json 3.3.2

Columns written: iso2, country_name, year, g_co2e_per_kwh, source.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "grid_factors.csv"


def source(version: str) -> str:
    """The source text stored on every row."""
    return (f"codecarbon {version} (MIT), data/private_infra/global_energy_mix.json: carbon_intensity "
            "(location-based average, gCO2e/kWh), built from Our World in Data electricity-mix figures")


MISSING = ("no figure: codecarbon 3.3.2 global_energy_mix.json gives 0 gCO2e/kWh (Our World in Data has no carbon "
           "intensity for it), which is a missing figure, not a grid without emissions; emissions of electricity "
           "there are not computed")


def build(path: str, version: str) -> list[tuple]:
    """Rows (iso2, country_name, year, g_co2e_per_kwh) from codecarbon's JSON."""
    import pycountry  # development time only

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = []
    for iso3, rec in sorted(data.items()):
        country = pycountry.countries.get(alpha_3=iso3)
        if country is None or rec.get("carbon_intensity") in (None, ""):
            print(f"skipped {iso3} {rec.get('country_name')!r}", file=sys.stderr)
            continue
        value = round(float(rec["carbon_intensity"]), 3)
        # 0 is how the JSON says "no figure" (the Central African Republic): kept as a row without
        # a figure, so the app says the factor is missing instead of counting 0
        rows.append((country.alpha_2, rec.get("country_name") or country.name, int(rec["year"]), value or None))
    return sorted(rows)


def main(path: str, version: str = "3.3.2") -> None:
    rows = build(path, version)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["iso2", "country_name", "year", "g_co2e_per_kwh", "source"])
        for r in rows:
            w.writerow([*r[:3], "" if r[3] is None else r[3], source(version) if r[3] is not None else MISSING])
    print(f"wrote {len(rows)} countries to {OUT}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
