"""The change of one indicator between a baseline and a later figure."""
from __future__ import annotations

from dataclasses import dataclass

import pint

from metrics.i18n import _
from metrics.indicators import canonical_factor, get
from metrics.units import Q_, UnitError, parse_unit, unit_label


@dataclass(frozen=True)
class Change:
    """absolute: a Quantity in the canonical unit; relative: after/baseline - 1 (None when the
    baseline is 0); points: percentage points (ratio indicators such as yield, else None);
    improved: by the indicator's direction (None for production, or when nothing changed)."""

    indicator: str
    baseline: pint.Quantity
    after: pint.Quantity
    absolute: pint.Quantity
    relative: float | None
    points: float | None
    improved: bool | None


def _canonical(indicator: str, value, carrier: str) -> pint.Quantity:
    if isinstance(value, pint.Quantity):  # "D": pint's plain spelling, whatever display format is set
        magnitude, unit = float(value.magnitude), format(value.units, "D")
    else:
        try:
            magnitude, unit = value
        except (TypeError, ValueError):
            raise ValueError(_("Give {indicator} figures as (value, unit) pairs or pint Quantities, not "
                               "{value}.").format(indicator=indicator, value=repr(value))) from None
        magnitude = float(magnitude)
    if magnitude != magnitude:
        raise ValueError(_("{indicator}: the value is not a number.").format(indicator=indicator))
    if magnitude < 0:
        raise ValueError(_("{indicator}: amounts cannot be negative (got {value} {unit}).").format(
            indicator=indicator, value=f"{magnitude:g}", unit=unit))
    factor, canonical = canonical_factor(indicator, carrier, unit)
    q = Q_(magnitude * factor, parse_unit(canonical))
    if indicator == "yield" and q.magnitude > 1 + 1e-12:
        raise ValueError(_("yield must be between 0 and 100% (got {value} {unit}).").format(
            value=f"{magnitude:g}", unit=unit_label(unit)))
    return q


def change(indicator: str, baseline, after, carrier: str = "") -> Change:
    """The change of ``indicator`` from ``baseline`` to ``after``.

    Figures are (value, unit) pairs or pint Quantities, in any unit of the right dimension
    (energy of fuels by mass or volume needs ``carrier``). Negative amounts, yields outside
    0-100% and unknown indicators raise ValueError; wrong units raise UnitError (a ValueError).
    """
    ind = get(indicator)
    if indicator == "energy" and not carrier:
        carrier = "electricity"
    b = _canonical(indicator, baseline, carrier)
    a = _canonical(indicator, after, carrier)
    if b.units != a.units:  # production in pieces against production in kg
        raise UnitError(_("{indicator}: the baseline is in {baseline_unit} and the later figure in {later_unit}; "
                          "they cannot be compared.").format(indicator=indicator, baseline_unit=unit_label(b.units),
                                                             later_unit=unit_label(a.units)))
    absolute = a - b
    relative = None if b.magnitude == 0 else float(a.magnitude / b.magnitude - 1)
    points = float(absolute.magnitude * 100) if ind.kind == "ratio" else None
    if ind.direction is None or a.magnitude == b.magnitude:
        improved = None
    else:
        improved = bool(a.magnitude < b.magnitude) if ind.direction == "lower" else bool(a.magnitude > b.magnitude)
    return Change(indicator, b, a, absolute, relative, points, improved)
