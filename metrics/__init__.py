"""metrics: the unit-aware metrics library of the SCORE4Climate tracker.

Pure Python with pint, pandas and numpy; no Streamlit, no SQL. See METHODS.md.

>>> import metrics
>>> metrics.convert(1.2, "MWh", "kWh")
1200.0
>>> round(metrics.energy_kwh(350, "L", "diesel"))
3512
>>> round(metrics.change("yield", (78, "%"), (95, "%")).points, 6)
17.0
"""
from metrics.aggregate import enterprise_changes, summarize, union_days
from metrics.change import Change, change
from metrics.chunks import parse_chunks
from metrics.comparable import comparability, months_of_year, on_same_months
from metrics.delivery import ATTENDANCE, PIPELINE, attendance, delivery_counts, modules_out_of_order, trainer_pipeline
from metrics.disclosures import DATAPOINTS, enterprise_datapoints, programme_datapoints, reporting_period
from metrics.frames import (
    TEMPLATE_COLUMNS,
    Parsed,
    date_order,
    file_date_orders,
    parse,
    parse_dates,
    parse_values,
    period_dates,
    to_canonical,
    validate,
)
from metrics.impacts import (
    Emissions,
    emissions,
    emissions_frame,
    emissions_kg_co2e,
    energy_kwh,
    fuel_table,
    grid_factor,
    grid_factor_known,
    grid_factors,
    intensity,
    loss_per_good,
)
from metrics.indicators import (
    CARRIERS,
    DEGREE_DAY_KINDS,
    HAZARDOUS_DESTINATIONS,
    INDICATORS,
    OPTIONAL_COLUMNS,
    PHASES,
    WASTE_DESTINATIONS,
    WATER_SOURCES,
    Indicator,
    canonical_factor,
    check_unit,
    normalise_phase,
    valid_units,
)
from metrics.materials import (
    DISPOSED,
    DIVERTED,
    combined_yield,
    diversion,
    diversion_change,
    mass_balance,
    material_savings,
    material_value_saved,
    savings_by_currency,
)
from metrics.normalise import (
    NORMALISED,
    NORMALISED_OF,
    adjusted_emissions,
    is_normalised,
    normalised_changes,
    normalised_savings,
    report_normalised,
)
from metrics.periods import common_followup, followups_differ, on_common_period, series_periods, series_rows
from metrics.programme import DAYS_PER_YEAR, aggregate_changes, avoided_per_year, counted_changes, improved, spread
from metrics.reference import FACTOR_SET_VERSION, GWP_SET, factor_set, gwp
from metrics.regression import (
    REGRESSION_ROW,
    RegressionBaseline,
    model_energy,
    regression_baseline,
    regression_rows,
    regression_savings,
)
from metrics.report import (
    Compared,
    compared,
    periods_differ,
    report_changes,
    report_impacts,
    report_materials,
    report_stages,
)
from metrics.statement import statement_differences, statement_figures
from metrics.targets import (
    TARGET_BASES,
    TARGET_INDICATORS,
    check_target,
    expected_reduction,
    on_track_share,
    target_progress,
)
from metrics.units import Q_, UnitError, convert, dimension_of, parse_unit, unit_label, ureg

__all__ = [
    "UnitError", "convert", "parse_unit", "unit_label", "dimension_of", "ureg", "Q_",
    "INDICATORS", "Indicator", "CARRIERS", "WASTE_DESTINATIONS", "HAZARDOUS_DESTINATIONS", "WATER_SOURCES",
    "OPTIONAL_COLUMNS", "PHASES", "valid_units", "check_unit",
    "canonical_factor", "normalise_phase",
    "energy_kwh", "emissions", "emissions_kg_co2e", "emissions_frame", "Emissions", "grid_factor", "grid_factors",
    "grid_factor_known",
    "fuel_table", "intensity", "loss_per_good",
    "change", "Change",
    "TEMPLATE_COLUMNS", "parse", "Parsed", "validate", "to_canonical", "parse_values", "parse_dates", "period_dates",
    "date_order", "file_date_orders", "parse_chunks",
    "enterprise_changes", "summarize", "union_days",
    "counted_changes", "aggregate_changes", "spread", "avoided_per_year", "improved", "DAYS_PER_YEAR",
    "NORMALISED", "NORMALISED_OF", "adjusted_emissions", "normalised_changes", "normalised_savings", "is_normalised",
    "report_normalised",
    "RegressionBaseline", "regression_baseline", "model_energy", "regression_rows", "regression_savings",
    "REGRESSION_ROW", "DEGREE_DAY_KINDS",
    "comparability", "on_same_months", "months_of_year",
    "series_periods", "series_rows", "common_followup", "on_common_period", "followups_differ",
    "FACTOR_SET_VERSION", "factor_set", "GWP_SET", "gwp",
    "mass_balance", "combined_yield", "diversion", "diversion_change", "material_value_saved", "material_savings",
    "savings_by_currency", "DIVERTED",
    "DISPOSED",
    "statement_figures", "statement_differences",
    "DATAPOINTS", "enterprise_datapoints", "programme_datapoints", "reporting_period",
    "TARGET_INDICATORS", "TARGET_BASES", "check_target", "expected_reduction", "target_progress", "on_track_share",
    "report_stages", "report_impacts", "periods_differ", "report_changes", "compared", "Compared", "report_materials",
    "PIPELINE", "ATTENDANCE", "trainer_pipeline", "attendance", "modules_out_of_order", "delivery_counts",
]
