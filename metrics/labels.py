"""Words for people: the display names of indicators, energy carriers, waste destinations, units
and table columns, and tables made readable with them.

Machine names (``material_wasted``, ``natural_gas``, ``period_start``) stay in the database, in
the code and in the measurement template, which is a file format with documented column names
and values. Whatever a person reads on a page, in the hand-over HTML, PDF and Excel or in an
export meant for people goes through this module: one place for every display name.

The words are English, marked with ``N_`` where they are defined (the dictionaries keep their
English values and canonical keys); the functions below give them in the run's language
(metrics.i18n), so a dictionary read directly must be passed through ``_`` where it is shown.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from metrics.i18n import N_, SOURCE, _, current
from metrics.indicators import HAZARDOUS_PREFIX, INDICATORS, WASTE_DESTINATIONS, WATER_SOURCES, fuels
from metrics.normalise import NORMALISED

#: the indicators as the report, the overview and the charts name them, with their figures per unit
#: of production (metrics.normalise): 'Energy per unit of production'
_PER_PRODUCTION = {"energy": N_("Energy per unit of production"), "water": N_("Water per unit of production"),
                   "waste": N_("Waste produced per unit of production"),
                   "material_input": N_("Material input per unit of production"),
                   "material_wasted": N_("Materials wasted per unit of production")}
INDICATOR_LABELS: dict[str, str] = {name: ind.label for name, ind in INDICATORS.items()} | {
    per: _PER_PRODUCTION[name] for name, per in NORMALISED.items()}

#: what a target reduces (metrics.TARGET_BASES), and a target's status (metrics.target_progress), in words
BASIS_LABELS = {"absolute": N_("absolute"), "per_production": N_("per unit of production")}
STATUS_LABELS = {"met": N_("met"), "on track": N_("on track"), "behind": N_("behind")}
#: what "on track" means (the report's and the overview's note under targets)
ON_TRACK_NOTE = N_("On track: the reduction achieved by the end of the latest follow-up (1 - follow-up / baseline, "
                   "per day; per unit of production against the production-adjusted baseline) is at least what a "
                   "straight path from no reduction at the end of the baseline to the whole reduction at the target "
                   "date expects by then. Met: the whole reduction is achieved. Still needed: the further cut from the "
                   "latest follow-up's level to the target level (baseline x (1 - reduction)).")

#: what the normalised figures mean, in words (the overview's and the report's help texts)
FIGURE_MEANINGS = {
    "normalised": N_("the change of the figure per unit of production (kWh per piece, kg per kg produced), each "
                     "enterprise in its own production unit: follow-up intensity / baseline intensity - 1. A drop in "
                     "orders is not a saving here"),
    "avoided": N_("sum over enterprises of (baseline per-day rate minus latest follow-up per-day rate) x 365"),
    "adjusted": N_("sum over enterprises of (baseline intensity x follow-up production minus follow-up energy) per "
                   "day, x 365: the savings against the baseline adjusted to the follow-up's production (ISO 50006 "
                   "normalised savings)"),
    "regression": N_("sum over the enterprises with a valid regression baseline (energy a day = a + b x production "
                     "(+ c x degree days), fitted on 12 or more monthly baseline periods) of their expected minus "
                     "actual energy over the follow-up, a year; ± the 95 % uncertainty of the sum (each enterprise's "
                     "in quadrature)"),
}
#: the overview where no enterprise of the selection has a valid regression baseline (nothing hidden: none)
NO_REGRESSION = N_("Energy avoided, regression baseline: No enterprise of this selection has a regression baseline "
                   "yet (12 or more monthly baseline periods with energy and production, and a model that passes its "
                   "checks; the report of each enterprise says why not). The production-adjusted figures stand "
                   "instead.")
#: the note under a report's figures per unit of production
NORMALISED_NOTE = N_(
    "Per unit of production: each figure divided by the production of the same period (per-day rates), in the unit "
    "production is entered in. Change per unit of production = follow-up intensity / baseline intensity - 1; "
    "normalised savings = (baseline intensity x follow-up production - follow-up figure) per day x 365; absolute "
    "savings = (baseline - follow-up) per day x 365. A drop in orders is not a saving per unit of production. Not "
    "given where production is entered in two kinds of unit or is 0.")


def basis_label(basis) -> str:
    """What a target reduces, in the run's language ('per unit of production'); unknown bases as given."""
    return _(BASIS_LABELS[basis]) if basis in BASIS_LABELS else str(basis)


def status_label(status) -> str:
    """A target's status ('on track'), in the run's language; unknown statuses as given."""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else str(status)


def figure_meaning(key: str) -> str:
    """What a normalised figure of :data:`FIGURE_MEANINGS` means, in the run's language."""
    return _(FIGURE_MEANINGS[key])


def comparable_text(counts: dict) -> str:
    """How many enterprises compare like with like, in words (the overview's line under its headline)."""
    if not counts or not counts.get("compared"):
        return ""
    return _("Like with like: {like} of {compared} enterprises have a follow-up covering the same months of the year "
             "as their baseline (the others compare seasons too; Data quality lists them). {extrapolated} enterprises' "
             "energy avoided a year is extrapolated from a follow-up shorter than a year.").format(
        like=f"{counts['like_with_like']:,}", compared=f"{counts['compared']:,}",
        extrapolated=f"{counts['extrapolated']:,}")


#: energy carriers as people call them (the fuel table's names are IPCC's: "Gas/diesel oil")
_CARRIER_WORDS = {"electricity": N_("Electricity"), "diesel": N_("Diesel"), "lpg": N_("LPG"),
                  "gasoline": N_("Gasoline (petrol)"), "kerosene": N_("Kerosene"), "fuel_oil": N_("Fuel oil"),
                  "coal": N_("Coal (bituminous)"), "biomass": N_("Biomass (wood)"), "heating": N_("Heating"),
                  "cooling": N_("Cooling")}
#: the fuel table's own names (data/fuels.csv, column label) of the carriers named nowhere above, for extraction
#: (a test checks every label of the table is here)
FUEL_LABELS = (N_("Electricity (grid)"), N_("Natural gas"), N_("Gas/diesel oil"), N_("Liquefied petroleum gas"),
               N_("Motor gasoline"), N_("Other kerosene"), N_("Residual fuel oil"), N_("Other bituminous coal"),
               N_("Sub-bituminous coal"), N_("Lignite"), N_("Anthracite"), N_("Wood / wood waste"), N_("Biogas"))
DESTINATION_LABELS: dict[str, str] = {
    "landfill": N_("Landfill"), "recycled": N_("Recycled"), "sold": N_("Sold"), "incinerated": N_("Incinerated"),
    "composted": N_("Composted"), "other": N_("Other"),
    HAZARDOUS_PREFIX + "landfill": N_("Hazardous, landfill"), HAZARDOUS_PREFIX + "recycled": N_("Hazardous, recycled"),
    HAZARDOUS_PREFIX + "sold": N_("Hazardous, sold"), HAZARDOUS_PREFIX + "incinerated": N_("Hazardous, incinerated"),
    HAZARDOUS_PREFIX + "composted": N_("Hazardous, composted"), HAZARDOUS_PREFIX + "other": N_("Hazardous, other")}
assert set(DESTINATION_LABELS) == set(WASTE_DESTINATIONS) | {HAZARDOUS_PREFIX + d for d in WASTE_DESTINATIONS}
#: where water is withdrawn from (GRI 303-3)
WATER_SOURCE_LABELS: dict[str, str] = {
    "surface_water": N_("Surface water"), "groundwater": N_("Groundwater"), "seawater": N_("Seawater"),
    "produced_water": N_("Produced water"),
    "third_party_water": N_("Third-party water (municipal supply, another company)")}
assert set(WATER_SOURCE_LABELS) == set(WATER_SOURCES)

#: units whose machine spelling is not how people write them
UNIT_LABELS = {"short_ton": N_("short ton"), "dimensionless": N_("fraction"), "piece": N_("pieces"), "percent": "%",
               "degree_day": N_("degree days (°C)"), "degF_day": N_("degree days (°F)"), "day": N_("day"), "": ""}

#: table columns, named as the forms and pages name them
COLUMN_LABELS = {
    "certified_on": N_("Certified on"), "recommended_on": N_("Recommended on"), "recommended_by": N_("Recommended by"),
    "enterprise": N_("Enterprise"), "name": N_("Name"), "country": N_("Country"), "sector": N_("Sector or cluster"),
    "size": N_("Size"), "partner": N_("Implementation partner"), "cluster": N_("Cluster"), "synthetic": N_("Synthetic"),
    "period_start": N_("Period start"), "period_end": N_("Period end"), "phase": N_("Phase"), "stage": N_("Stage"),
    "indicator": N_("Indicator"), "carrier": N_("Carrier or destination"), "value": N_("Value"), "unit": N_("Unit"),
    "note": N_("Note"), "renewable_pct": N_("Renewable share of electricity (%)"), "price": N_("Price per unit"),
    "material": N_("Material"), "baseline_kg_per_day": N_("Baseline (kg per day)"),
    "followup_kg_per_day": N_("Latest follow-up (kg per day)"), "saved_kg_per_year": N_("Saved a year (kg)"),
    "price_unit": N_("Price per"), "price_per_kg": N_("Price per kg"), "value_saved_per_year": N_("Value saved a year"),
    "value_canonical": N_("Value (converted)"), "unit_canonical": N_("Unit (converted)"),
    "factor_set": N_("Factor set"),
    "figures": N_("Figures"), "days": N_("Days"), "modules": N_("Modules"),
    "data_completeness": N_("Data completeness"),
    "issue": N_("Issue"),
    "baseline": N_("Baseline"), "followup": N_("Latest follow-up"), "relative_change": N_("Relative change"),
    "baseline_days": N_("Days in the baseline"), "followup_days": N_("Days in the latest follow-up"),
    "followup_end": N_("End of the latest follow-up"),
    "points": N_("Percentage points"), "improved": N_("Improved"),
    "yield_pct": N_("Yield (%)"), "mass_balance_yield_pct": N_("Yield from the mass balance (%)"),
    "loss_per_good": N_("Material lost per kg of good product (kg)"), "diversion_rate_pct": N_("Waste diverted (%)"),
    "waste_share_pct": N_("Waste share (%)"),
    "energy_kwh": N_("Energy (kWh)"), "kg_co2e": N_("Emissions, total scope 1 + 2 (kg CO2e)"),
    "scope1_kg_co2e": N_("Scope 1, fuels (kg CO2e)"), "scope2_kg_co2e": N_("Scope 2, electricity (kg CO2e)"),
    "scope": N_("Scope"), "biogenic_kg_co2_memo": N_("Biogenic CO2, memo (kg)"),
    "biogenic_kg_co2": N_("Biogenic CO2, memo (kg)"),
    "factor_kg_per_kwh": N_("Emission factor (kg CO2e per kWh)"), "factor_source": N_("Source of the factor"),
    "action_date": N_("Date"), "description": N_("What was done"), "investment": N_("Investment"),
    "currency": N_("Currency"),
    "indicators": N_("Indicators affected"),
    "module": N_("Module"), "start_date": N_("Start"), "end_date": N_("End"), "cohort": N_("Cohort"),
    "managers_female": N_("Managers (women)"), "managers_male": N_("Managers (men)"),
    "workers_female": N_("Workers (women)"), "workers_male": N_("Workers (men)"),
    "reported_mean_change": N_("Programme's reported average"), "label": N_("Indicator"), "source": N_("Source"),
    "enterprises": N_("Enterprises"), "mean_change": N_("Mean change"), "median_change": N_("Median change"),
    "pooled_change": N_("Pooled change"), "mean_points": N_("Mean change (percentage points)"),
    "mean_change_pct": N_("Mean change (%)"), "median_change_pct": N_("Median change (%)"),
    "pooled_change_pct": N_("Pooled change (%)"), "reported_mean_change_pct": N_("Programme's reported average (%)"),
    "followup_quarter": N_("Quarter of the follow-up's end"), "p05_pct": N_("5th percentile (%)"),
    "q1_pct": N_("1st quartile (%)"), "median_pct": N_("Median (%)"), "q3_pct": N_("3rd quartile (%)"),
    "p95_pct": N_("95th percentile (%)"), "mean_pct": N_("Mean (%)"), "figure": N_("Figure"), "avoided": N_("Avoided"),
    "energy_avoided_mwh_per_year": N_("Energy avoided (MWh per year)"), "uncertainty": N_("± (95 %)"),
    "emissions_avoided_t_per_year": N_("Emissions avoided, scope 1 + 2 (t CO2e per year)"),
    "username": N_("User name"), "role": N_("Role"), "active": N_("Active"), "email": N_("Single sign-on e-mail"),
    "failed_attempts": N_("Failed sign-ins"), "created_at": N_("Created (UTC)"),
    "at": N_("When (UTC)"), "action": N_("Action"), "table_name": N_("Table"), "record_id": N_("Record"),
    "before": N_("Before"),
    "after": N_("After"),
}

#: a source file's path inside a reference text ("data/private_infra/global_energy_mix.json: carbon_intensity")
_PATH = re.compile(r",?\s*[\w.-]+(?:/[\w.-]+)+\.(?:json|csv|txt|py)(?::\s*[a-z_]+)?")
#: an intensity column made by metrics.report_impacts: "material_wasted per kg"
_PER = re.compile(r"^([a-z_]+) per (.+)$")


def indicator_label(name) -> str:
    """'Materials wasted' for ``material_wasted``; unknown names as given."""
    name = str(name)
    return _(INDICATOR_LABELS[name]) if name in INDICATOR_LABELS else name


def carrier_label(name) -> str:
    """'Natural gas' for ``natural_gas``, 'Recycled' for the waste destination ``recycled``; '' for none."""
    name = "" if name is None or name != name else str(name)
    if name in _CARRIER_WORDS:
        return _(_CARRIER_WORDS[name])
    if name in DESTINATION_LABELS:
        return _(DESTINATION_LABELS[name])
    if name in WATER_SOURCE_LABELS:
        return _(WATER_SOURCE_LABELS[name])
    table = fuels()
    if name in table.index:
        return _(str(table.loc[name, "label"]))
    return name.replace("_", " ")


def unit_words(unit) -> str:
    """A unit as people write it: 'short ton' for ``short_ton``, 'fraction' for ``dimensionless``."""
    unit = "" if unit is None or unit != unit else str(unit)
    if unit in UNIT_LABELS:
        return _(UNIT_LABELS[unit])
    if " per " in unit:  # "kWh per kg": each side in words, one piece ("kWh per piece", not "per pieces")
        top, _per, bottom = unit.partition(" per ")
        return _("{unit} per {per}").format(unit=unit_words(top),
                                             per=_("piece") if bottom == "piece" else unit_words(bottom))
    return unit


def column_label(name) -> str:
    """'Period start' for ``period_start``; an intensity column 'material_wasted per kg' reads
    'Materials wasted, kg per kg produced' (the indicator's canonical unit per unit of production)."""
    name = str(name)
    if name in COLUMN_LABELS:
        return _(COLUMN_LABELS[name])
    if (m := _PER.match(name)) and m.group(1) in INDICATORS:
        ind = INDICATORS[m.group(1)]
        per = m.group(2)  # one piece, one kg, one short ton
        per = _("piece") if per == "piece" else _(UNIT_LABELS[per]) if per in UNIT_LABELS else per.replace("_", " ")
        return _("{indicator}, {unit} per {per} produced").format(indicator=_(ind.label),
                                                                   unit=unit_words(ind.canonical_unit), per=per)
    return name.replace("_", " ").capitalize() if "_" in name else name


#: stored values people pick from lists (the tracker's constants; a test checks the keys match), in words
PHASE_LABELS = {"baseline": N_("baseline"), "follow-up": N_("follow-up")}
SIZE_LABELS = {"micro": N_("micro"), "small": N_("small"), "medium": N_("medium"), "large": N_("large")}
PARTNER_TYPE_LABELS = {"industry association": N_("industry association"),
                       "government SME agency": N_("government SME agency"), "lead buyer": N_("lead buyer"),
                       "training organisation": N_("training organisation"), "other": N_("other")}
CRITERION_LABELS = {"growth": N_("growth potential"),
                    "room_to_improve": N_("room to improve quality, productivity or environmental management"),
                    "lead_buyers": N_("lead buyers present"), "competent_partners": N_("competent partners"),
                    "government_priority": N_("fit with government priorities")}
#: the SCORE training modules (ILO's names; stored as written here)
MODULE_LABELS = {m: m for m in (N_("Workplace Cooperation"), N_("Quality Management"), N_("Safety and Health at Work"),
                                N_("Workforce Management"), N_("Gender Equality"), N_("Lean Manufacturing"),
                                N_("SCORE4Climate"))}


def _word(table: dict, value) -> str:
    value = "" if value is None or value != value else str(value)
    return _(table[value]) if value in table else value


def phase_label(phase) -> str:
    """'baseline' or 'follow-up' in the run's language (the stored value as given when unknown)."""
    return _word(PHASE_LABELS, phase)


def size_label(size) -> str:
    """An enterprise's size ('small') in the run's language."""
    return _word(SIZE_LABELS, size)


def partner_type_label(kind) -> str:
    """An implementation partner's type ('lead buyer') in the run's language."""
    return _word(PARTNER_TYPE_LABELS, kind)


def criterion_label(key) -> str:
    """A cluster's selection criterion ('growth' -> 'growth potential') in the run's language."""
    return _word(CRITERION_LABELS, key)


def module_label(module) -> str:
    """A SCORE training module ('Quality Management') in the run's language."""
    return _word(MODULE_LABELS, module)


#: the roles of accounts (stored values), in words
ROLE_LABELS = {"admin": N_("admin"), "officer": N_("officer"), "trainer": N_("trainer"), "manager": N_("manager")}


def role_label(role) -> str:
    """A role ('officer') in the run's language; unknown roles as given."""
    role = "" if role is None else str(role)
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role


#: the steps of a trainer's path (metrics.delivery.PIPELINE; stored values), in words
TRAINER_STATUS_LABELS = {"not recorded": N_("not recorded"), "candidate": N_("candidate"),
                         "recommended": N_("recommended"), "certified": N_("certified")}


def trainer_status_label(status) -> str:
    """A trainer's status ('certified') in the run's language; unknown statuses as given."""
    status = "" if status is None else str(status)
    return _(TRAINER_STATUS_LABELS[status]) if status in TRAINER_STATUS_LABELS else status


def source_label(text) -> str:
    """A reference source as people read it: without the path of a file inside a package."""
    text = "" if text is None or text != text else str(text)
    return re.sub(r"\s{2,}", " ", _PATH.sub("", text)).strip()


def _missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def _dates(series: pd.Series) -> pd.Series:
    """Dates without a time of midnight ('2023-01-01', not '2023-01-01 00:00:00')."""
    values = pd.to_datetime(series, errors="coerce")
    timed = values.notna().any() and (values.dropna() != values.dropna().dt.normalize()).any()
    if current() != SOURCE:  # the locale's order and month names, once per distinct date
        from metrics.formatting import day

        shown = {v: day(v) + (f" {v:%H:%M}" if timed else "") for v in values.dropna().unique()}
        return values.map(shown).fillna("")
    return values.dt.strftime("%Y-%m-%d %H:%M" if timed else "%Y-%m-%d").fillna("")


def _is_dates(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    sample = series.dropna()
    return len(sample) > 0 and all(hasattr(v, "year") and hasattr(v, "month") for v in sample.head(50))


def people_table(df: pd.DataFrame, *, keep: tuple[str, ...] = (), dates_as_text: bool = True) -> pd.DataFrame:
    """``df`` as people read it: columns named in words, indicators, carriers and destinations by
    their names, dates without 00:00:00, whole numbers (counts) without '.0', units in words,
    sources without file paths, and nothing missing spelled 'None' or 'nan' (an empty cell).

    Columns in ``keep`` are left as they are (besides their name). Figures stay numbers; dates
    become text unless ``dates_as_text`` is False (a spreadsheet formats them as dates itself).
    """
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        s = df[col]
        if col in keep:
            pass
        elif col == "indicator":
            s = s.map(lambda v: "" if _missing(v) else indicator_label(v))
        elif col == "indicators":  # "yield,material_wasted,waste" -> "Yield, Materials wasted, Waste produced"
            s = s.map(lambda v: "" if _missing(v) else ", ".join(indicator_label(i.strip()) for i in str(v).split(",")
                                                                  if i.strip()))
        elif col == "carrier":
            s = s.map(lambda v: "" if _missing(v) else carrier_label(v))
        elif col in ("unit", "unit_canonical"):
            s = s.map(lambda v: "" if _missing(v) else unit_words(v))
        elif col in ("source", "factor_source"):
            s = s.map(source_label)
        elif pd.api.types.is_bool_dtype(s):
            s = s.map({True: _("yes"), False: _("no")})
        elif _is_dates(s):
            s = _dates(s) if dates_as_text else pd.to_datetime(s, errors="coerce")
        elif pd.api.types.is_float_dtype(s):
            if col in _COUNTS and s.notna().all() and np.all(np.mod(s.to_numpy(), 1) == 0):
                s = s.astype("int64")
        elif s.dtype == object or pd.api.types.is_string_dtype(s):
            s = s.map(lambda v: "" if _missing(v) else v)
        out[column_label(col)] = s
    return out


#: columns that hold counts: whole numbers, shown without '.0'
_COUNTS = {"enterprises", "figures", "days", "failed_attempts", "managers_female", "managers_male", "workers_female",
           "workers_male"}
