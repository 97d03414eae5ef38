"""Derive data/grid_factors.csv from codecarbon's global_energy_mix.json (development time only).

Usage: pip download --no-deps codecarbon==3.3.2 -d /tmp/cc; unzip the wheel; then
    python tools/build_grid_factors.py /tmp/cc/codecarbon/data/private_infra/global_energy_mix.json
Needs pycountry for ISO 3166 alpha-3 -> alpha-2 (development time only, not a requirement).
The app never imports codecarbon: it reads the CSV this script writes.
"""
import csv
import json
import sys
from pathlib import Path

import pycountry

SOURCE = ("codecarbon 3.3.2 (MIT), data/private_infra/global_energy_mix.json: carbon_intensity, "
          "built from Our World in Data electricity-mix figures")


def main(path: str) -> None:
    data = json.loads(Path(path).read_text())
    out = Path(__file__).resolve().parent.parent / "data" / "grid_factors.csv"
    rows = []
    for iso3, rec in sorted(data.items()):
        country = pycountry.countries.get(alpha_3=iso3)
        if country is None or rec.get("carbon_intensity") in (None, ""):
            continue
        rows.append((country.alpha_2, rec.get("country_name") or country.name, int(rec["year"]),
                     round(float(rec["carbon_intensity"]), 3)))
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["country", "country_name", "year", "g_co2e_per_kwh", "source"])
        for r in sorted(rows):
            w.writerow([*r, SOURCE])
    print(f"wrote {len(rows)} countries to {out}")


if __name__ == "__main__":
    main(sys.argv[1])
