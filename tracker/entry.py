"""Data entry by period: form values to template rows, and the plausibility check.

Pure functions (no Streamlit, no database) so that they are tested with plain values.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

import metrics
from metrics import formatting, numbers
from metrics.frames import is_repeat
from metrics.i18n import N_, _
from metrics.labels import carrier_label

#: how many times an enterprise's usual per-day figure a new one may be before we ask
JUMP = 300.0
#: a unit is suggested only when it brings the figure within this factor of the usual one
HINT_WITHIN = 3.0


@dataclass(frozen=True)
class Field:
    """One line of the entry form: an indicator, optionally with a carrier or destination."""

    key: str
    indicator: str
    carrier: str = ""
    label: str = ""  # English, marked for extraction: shown as _(field.label)
    #: drawn under the form's "Optional" heading (what only some enterprises enter)
    optional: bool = False


FIELDS = [
    Field("energy_electricity", "energy", "electricity", N_("Electricity")),
    Field("energy_fuel_1", "energy", "", N_("Fuel")),
    Field("energy_fuel_2", "energy", "", N_("Another fuel")),
    Field("waste_1", "waste", "", N_("Waste")),
    Field("waste_2", "waste", "", N_("More waste (another destination)")),
    Field("waste_hazardous", "waste", "", N_("Hazardous waste (optional)")),
    Field("material_input", "material_input", "", N_("Material input")),
    Field("material_wasted", "material_wasted", "", N_("Materials wasted")),
    Field("yield", "yield", "", N_("Yield (good output / material input)")),
    Field("water", "water", "", N_("Water")),
    Field("production", "production", "", N_("Production")),
    # the weather of the period, for the regression baseline (metrics.regression)
    Field("degree_days_heating", "degree_days", "heating", N_("Heating degree days"), optional=True),
    Field("degree_days_cooling", "degree_days", "cooling", N_("Cooling degree days"), optional=True),
]
FUELS = [c for c in metrics.CARRIERS if c != "electricity"]
DESTINATIONS = list(metrics.WASTE_DESTINATIONS)
#: the form line of hazardous waste: its destination is stored as ``hazardous_`` and the destination, and it counts
#: in the waste total beside the other waste lines (so it can never exceed it)
HAZARDOUS_FIELD = "waste_hazardous"
#: water sources offered on the water line; '' is "not given" (optional)
WATER_SOURCES = ["", *metrics.WATER_SOURCES]
#: the optional inputs a form line takes beside its value: field key -> template columns
OPTIONAL_INPUTS = {"energy_electricity": ("renewable_pct",), "material_input": ("price", "currency")}


@dataclass(frozen=True)
class PeriodDefaults:
    """Where the form starts: the phase and period a person most likely enters next."""

    phase: str
    start: dt.date
    end: dt.date


def _month_count(start: dt.date, end: dt.date) -> int | None:
    """Whole calendar months from ``start`` to ``end`` (1 Jan to 31 Mar: 3), or None."""
    if start.day != 1 or (end + dt.timedelta(days=1)).day != 1 or end < start:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_defaults(history: pd.DataFrame, today: dt.date) -> PeriodDefaults:
    """The phase and period the form offers first, from the enterprise's stored figures.

    Nothing stored: a baseline over the last complete calendar quarter before ``today``. A
    baseline stored: a follow-up over the period right after the last stored one, of the same
    length (whole months stay whole months: after January-March comes April-June).
    """
    if history.empty:
        first_of_quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        start = _add_months(first_of_quarter, -3)
        return PeriodDefaults("baseline", start, first_of_quarter - dt.timedelta(days=1))
    periods = history[["period_start", "period_end"]].drop_duplicates()
    last = periods.sort_values(["period_end", "period_start"]).iloc[-1]
    last_start, last_end = pd.Timestamp(last["period_start"]).date(), pd.Timestamp(last["period_end"]).date()
    start = last_end + dt.timedelta(days=1)
    months = _month_count(last_start, last_end)
    end = (_add_months(start, months) - dt.timedelta(days=1) if months
           else start + (last_end - last_start))
    phase = "follow-up" if history["phase"].eq("baseline").any() else "baseline"
    return PeriodDefaults(phase, start, end)


def sequence_warning(phase: str, start: dt.date, end: dt.date, history: pd.DataFrame) -> str | None:
    """A sentence when the period contradicts the stored ones: a baseline dated after a
    follow-up, or a follow-up before the baseline (None when it fits). Saved only once confirmed."""
    if history.empty:
        return None
    other = "follow-up" if phase == "baseline" else "baseline"
    h = history[history["phase"].eq(other).to_numpy()]
    if h.empty:
        return None
    starts, ends = pd.to_datetime(h["period_start"]), pd.to_datetime(h["period_end"])
    if phase == "baseline" and (starts <= pd.Timestamp(end)).any():
        first = h.iloc[int(starts.to_numpy().argmin())]
        return _("This baseline is dated after follow-up figures (the first follow-up runs from {start} to {end}). "
                 "A baseline is the period before the training: check the phase and the dates.").format(
            start=formatting.day(pd.Timestamp(first['period_start'])),
            end=formatting.day(pd.Timestamp(first['period_end'])))
    if phase == "follow-up" and (ends >= pd.Timestamp(start)).any():
        last = h.iloc[int(ends.to_numpy().argmax())]
        return _("This follow-up is dated before the end of the baseline (the baseline runs from {start} to {end}). "
                 "A follow-up is a period after the training: check the phase and the dates.").format(
            start=formatting.day(pd.Timestamp(last['period_start'])),
            end=formatting.day(pd.Timestamp(last['period_end'])))
    return None


def unit_choices(field: Field) -> list[str]:
    """The units offered for a form line (every energy unit for fuels: checked on save)."""
    if field.indicator == "energy" and not field.carrier:
        seen: dict[str, None] = {}
        for carrier in FUELS:
            seen.update(dict.fromkeys(metrics.valid_units("energy", carrier)))
        return list(seen)
    return metrics.valid_units(field.indicator, field.carrier or None)


def usual_unit(field: Field, history: pd.DataFrame) -> str | None:
    """The unit this enterprise entered last for the form line (None: no figure yet), so that
    the form offers it first: production in kg stays in kg."""
    return usual_units(history, [field])[field.key]


def usual_units(history: pd.DataFrame, fields: list[Field] = FIELDS) -> dict[str, str | None]:
    """:func:`usual_unit` of each of ``fields`` ({key: unit or None}), the history sorted once: the
    unit of the latest row (latest period_end, then period_start; among equals the last stored) of
    the line's indicator, and of its carrier where the line has one."""
    if history.empty:
        return {f.key: None for f in fields}
    h = history.sort_values(["period_end", "period_start"], kind="stable")
    by_indicator, by_carrier = {}, {}
    for indicator, carrier, unit in zip(h["indicator"].astype(str), h["carrier"].fillna("").astype(str),
                                        h["unit"].astype(str), strict=True):
        by_indicator[indicator] = by_carrier[indicator, carrier] = unit  # the later row wins
    out = {}
    for f in fields:
        if f.indicator == "energy" and not f.carrier:
            out[f.key] = None
            continue
        unit = by_carrier.get((f.indicator, f.carrier)) if f.carrier else by_indicator.get(f.indicator)
        out[f.key] = unit if unit is not None and unit in unit_choices(f) else None
    return out


def form_rows(enterprise: dict, phase: str, start: dt.date, end: dt.date, entries: dict[str, dict]) -> pd.DataFrame:
    """Template rows for the filled lines of the form.

    ``entries`` maps a field key to {value, unit, carrier?, note?}; lines left empty (value
    None or '') are skipped. The result keeps the field key in a ``field`` column.
    """
    rows = []
    for field in FIELDS:
        e = entries.get(field.key) or {}
        value = e.get("value")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        carrier = field.carrier or (e.get("carrier") or "")
        if field.key == HAZARDOUS_FIELD and carrier:
            carrier = metrics.indicators.HAZARDOUS_PREFIX + carrier
        optional = {col: e.get(col) for col in OPTIONAL_INPUTS.get(field.key, ())}
        rows.append(dict(field=field.key, enterprise=enterprise["name"], country=enterprise.get("country", ""),
                         sector=enterprise.get("sector", ""), period_start=start, period_end=end, phase=phase,
                         indicator=field.indicator, carrier=carrier, value=value, unit=e.get("unit", ""),
                         note=e.get("note"), **optional))  # note None: a stored figure keeps its note
    return pd.DataFrame(rows, columns=["field"] + metrics.TEMPLATE_COLUMNS)


def parse_form(rows: pd.DataFrame) -> metrics.Parsed:
    """The form rows read once by ``metrics.parse`` (a problem's row is the row's position):
    what :func:`problems_by_field` and :func:`implausible` look at and the write path stores."""
    return metrics.parse(rows.drop(columns=["field"]).reset_index(drop=True), first_line=0)


def problems_by_field(rows: pd.DataFrame, parsed: metrics.Parsed) -> dict[str, list[str]]:
    """The problems of the parsed form rows, keyed by the form field they belong to."""
    if rows.empty:
        return {}
    out: dict[str, list[str]] = {}
    for p in parsed.problems.itertuples():
        if is_repeat(p.reason):  # said below in the form's own words
            continue
        key = "period" if p.column in ("period_start", "period_end") else rows["field"].iloc[int(p.row)]
        out.setdefault(key, []).append(p.reason)
    labels = {f.key: f.label for f in FIELDS}
    seen: dict[tuple[str, str], str] = {}
    for r in rows.itertuples(index=False):
        slot = (r.indicator, str(r.carrier).strip().lower())
        if slot in seen:
            out.setdefault(r.field, []).append(
                _("{carrier} is on the line '{line}' already: enter their sum there, once.").format(
                    carrier=carrier_label(r.carrier), line=_(labels[seen[slot]])))
        else:
            seen[slot] = r.field
    return out


#: what a person types as a number on the form (the figure and its optional inputs)
TYPED_NUMBERS = ("value", "renewable_pct", "price")


def read_typed(entries: dict[str, dict]) -> tuple[dict[str, dict], dict[str, list[str]]]:
    """The form's typed numbers read in the run's locale (metrics.numbers: 1,5 in Spanish, 1.5
    in English): the entries with those numbers as figures, and the refusals per field (a number
    that can be read two ways is refused, never guessed). One reader for every locale: a form is
    read as its person writes, a file as the template documents (metrics.frames)."""
    out, refused = {}, {}
    for key, e in entries.items():
        e = dict(e or {})
        for name in TYPED_NUMBERS:
            text = e.get(name)
            if isinstance(text, str) and text.strip():
                try:
                    e[name] = numbers.read(text)
                except numbers.NumberError as exc:
                    refused.setdefault(key, []).append(str(exc))
                    e[name] = math.nan if name == "value" else None
        out[key] = e
    return out, refused


@dataclass(frozen=True)
class FormCheck:
    """What one press of Save found: the form's rows, read once (``parsed``, what the write path
    stores), the problems per field (nothing may be saved) and the warnings per field ('period'
    for the dates) that a person confirms before saving."""
    rows: pd.DataFrame
    parsed: metrics.Parsed
    problems: dict[str, list[str]]
    warnings: dict[str, str]

    @property
    def empty(self) -> bool:
        return self.rows.empty


def check_form(enterprise: dict, phase: str, start: dt.date, end: dt.date, entries: dict[str, dict],
               history: pd.DataFrame) -> FormCheck:
    """The form read and checked in one call: :func:`form_rows`, :func:`parse_form`,
    :func:`problems_by_field`, then (only when there is no problem) :func:`implausible` and
    :func:`sequence_warning` against the enterprise's ``history``."""
    entries, typed = read_typed(entries)
    rows = form_rows(enterprise, phase, start, end, entries)
    parsed = parse_form(rows)
    problems = problems_by_field(rows, parsed) | typed
    warnings = {} if problems else implausible(rows, parsed, history)
    if not problems and not rows.empty and (order := sequence_warning(phase, start, end, history)):
        warnings["period"] = order
    return FormCheck(rows, parsed, problems, warnings)


def implausible(rows: pd.DataFrame, parsed: metrics.Parsed, history: pd.DataFrame, jump: float = JUMP
                ) -> dict[str, str]:
    """Fields whose per-day figure is ``jump`` times above or below the enterprise's usual one
    for the same indicator and carrier, with a hint such as "did you mean kWh instead of MWh?".

    ``rows`` are form rows and ``parsed`` the same rows parsed (without problems: else there is
    nothing to say); ``history`` the enterprise's stored measurements with value_canonical.
    Yield is a share and is not checked here.
    """
    if rows.empty or not parsed.ok:
        return {}
    new = parsed.rows.assign(field=rows["field"].to_numpy())
    out = _fraction_typed_as_percent(new)
    if history.empty:
        return out
    out.update(_production_in_another_kind_of_unit(new, history))
    h = history[history["indicator"] != "yield"].copy()
    if h.empty:
        return out
    h["days"] = (pd.to_datetime(h["period_end"]) - pd.to_datetime(h["period_start"])).dt.days + 1
    h["rate"] = h["value_canonical"] / h["days"]
    usual = h.groupby(["indicator", "carrier"])["rate"].median()
    for r in new.itertuples(index=False):
        if r.indicator == "yield" or (r.indicator, r.carrier) not in usual.index:
            continue
        days = (pd.Timestamp(r.period_end) - pd.Timestamp(r.period_start)).days + 1
        rate, typical = r.value_canonical / days, usual[(r.indicator, r.carrier)]
        if typical <= 0 or rate <= 0:
            continue
        ratio = rate / typical
        if ratio >= jump or ratio <= 1 / jump:
            out[r.field] = _hint(r, ratio, typical)
    return out


def _production_in_another_kind_of_unit(new: pd.DataFrame, history: pd.DataFrame) -> dict[str, str]:
    """Production in kg where the enterprise has counted pieces so far cannot be compared with
    its earlier periods: say so before it is saved."""
    before = set(history.loc[(history["indicator"] == "production").to_numpy(), "unit_canonical"].astype(str))
    out = {}
    for r in new[(new["indicator"] == "production").to_numpy()].itertuples(index=False):
        if before and str(r.unit_canonical) not in before:
            kinds = ", ".join(sorted(before))
            out[r.field] = _("Production: this enterprise's production was entered in {kinds} so far; a figure in "
                             "{unit} cannot be compared with those periods (changes and intensities compare like "
                             "with like). Use the same kind of unit if you can.").format(kinds=kinds, unit=r.unit)
    return out


def _fraction_typed_as_percent(new: pd.DataFrame) -> dict[str, str]:
    """A yield of at most 1 % is almost surely a fraction typed with the unit %: 0.955 % for
    95.5 %."""
    y = new[new["indicator"].eq("yield")]
    out = {}
    for r in y.itertuples(index=False):
        value = r.value
        if metrics.parse_unit(r.unit) == metrics.parse_unit("%") and 0 < value <= 1:
            out[r.field] = _("Yield: {value} % is less than one percent. Did you mean {percent} %? Yield is entered "
                             "in percent (good output / material input x 100).").format(
                value=f"{value:g}", percent=f"{value * 100:g}")
    return out


def _hint(r, ratio: float, typical: float) -> str:
    """A sentence about the jump, naming the unit that would make the figure usual."""
    field = next(f for f in FIELDS if f.key == r.field)
    best, best_gap = None, np.inf
    for unit in metrics.valid_units(r.indicator, r.carrier or None if r.indicator == "energy" else None):
        try:
            f_new = metrics.canonical_factor(r.indicator, r.carrier if r.indicator == "energy" else "", unit)[0]
            f_old = metrics.canonical_factor(r.indicator, r.carrier if r.indicator == "energy" else "", r.unit)[0]
        except ValueError:
            continue
        gap = abs(np.log(ratio * f_new / f_old))
        if gap < best_gap:
            best, best_gap = unit, gap
    if ratio >= 1:
        text = _("{line}: {value} {unit} is {times} times this enterprise's usual figure per day ({usual} "
                 "{canonical_unit} per day).")
    else:
        text = _("{line}: {value} {unit} is 1/{times} of this enterprise's usual figure per day ({usual} "
                 "{canonical_unit} per day).")
    text = text.format(line=_(field.label), value=f"{r.value:g}", unit=r.unit,
                       times=f"{ratio:,.0f}" if ratio >= 1 else f"{1 / ratio:,.0f}", usual=f"{typical:,.4g}",
                       canonical_unit=r.unit_canonical)
    if best and best != r.unit and best_gap < np.log(HINT_WITHIN):
        text += " " + _("Did you mean {unit} instead of {entered}?").format(unit=best, entered=r.unit)
    return text
