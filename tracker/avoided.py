"""Energy and emissions avoided on the programme overview (read side, pure): against the baseline as
measured, against the production-adjusted baseline (normalised savings), by country against both, and the
modelled savings of the enterprises with a valid regression baseline; every figure from metrics
(``avoided_per_year``, ``regression_savings``), suppressed below 3 enterprises, with the power sums the
differencing guard needs (:func:`impact_cells`). tracker.overview assembles them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

import metrics
from metrics.i18n import N_, _
from tracker.disclosure import MIN_CELL, cell_sums, complement, suppress
from tracker.overview_data import EMISSION_COLUMNS


def _rows_of(both: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """The counted rows of ``indicator`` only, with the columns metrics.avoided_per_year reads (sparse ones made
    dense on these rows alone): counting every indicator's rows again, or taking every column's values, for each
    figure is what a filter change would wait for."""
    rows = np.flatnonzero((both["indicator"] == indicator).to_numpy())
    columns = [c for c in ("country", "indicator", "unit", "b_pool", "f_pool", *EMISSION_COLUMNS) if c in both.columns]
    return pd.DataFrame({c: values_at(both[c], rows) for c in columns}, copy=False)


def values_at(values: pd.Series, rows: np.ndarray):
    """``values`` at the positions ``rows``: a sparse column's as floats, found among its stored values (not a
    take of the sparse array, which is slow); a numpy column's as a numpy array; any other column's taken."""
    array = values.array
    if isinstance(values.dtype, np.dtype):  # numbers, as numpy holds them
        return values.to_numpy()[rows]
    if not isinstance(array, pd.arrays.SparseArray):  # categories, kept
        return array.take(rows)
    out = np.full(len(rows), array.fill_value, dtype=float)
    stored = array.sp_index.indices
    at = np.minimum(np.searchsorted(stored, rows), max(len(stored) - 1, 0))
    found = (stored[at] == rows) if len(stored) else np.zeros(len(rows), dtype=bool)
    out[found] = array.sp_values[at[found]]
    return out


#: the emissions avoided: (figure, column prefix, count column of metrics.avoided_per_year)
EMISSION_FIGURES = (("emissions avoided, scope 1", "scope1", "scope1_enterprises"),
                    ("emissions avoided, scope 2", "scope2", "scope2_enterprises"),
                    ("emissions avoided, total", "co2e", "co2_enterprises"))

#: the figures of the impacts table: (figure, the summary's indicator behind it, the emission column prefix
#: of metrics.avoided_per_year or None for energy, its count column); emissions by scope and in total
IMPACT_FIGURES = tuple(
    (figure + suffix, indicator, prefix, count)
    for suffix, indicator in (("", "energy"), (", production-adjusted", metrics.NORMALISED["energy"]))
    for figure, prefix, count in (("energy avoided", None, "enterprises"), *EMISSION_FIGURES))


#: the figure of energy avoided against the production-adjusted baseline (IMPACT_FIGURES' name for it)
ADJUSTED_FIGURE = "energy avoided, production-adjusted"
#: the figure of the modelled savings of the enterprises with a valid regression baseline
REGRESSION_FIGURE = "energy avoided, regression baseline"


#: the figures of :func:`impacts` in words (the ``figure`` values are keys: compared, disclosed, exported as they are)
FIGURE_WORDS = {
    "energy avoided": N_("energy avoided"), "emissions avoided, scope 1": N_("emissions avoided, scope 1"),
    "emissions avoided, scope 2": N_("emissions avoided, scope 2"),
    "emissions avoided, total": N_("emissions avoided, total"),
    "energy avoided, production-adjusted": N_("energy avoided, production-adjusted"),
    "emissions avoided, scope 1, production-adjusted": N_("emissions avoided, scope 1, production-adjusted"),
    "emissions avoided, scope 2, production-adjusted": N_("emissions avoided, scope 2, production-adjusted"),
    "emissions avoided, total, production-adjusted": N_("emissions avoided, total, production-adjusted"),
    "energy avoided, regression baseline": N_("energy avoided, regression baseline"),
    # the units of the table
    "MWh per year": N_("MWh per year"), "t CO2e per year": N_("t CO2e per year")}


def figure_label(figure) -> str:
    """A figure (or unit) of :func:`impacts` in the run's language: 'energy avoided, production-adjusted'."""
    figure = "" if figure is None else str(figure)
    return _(FIGURE_WORDS[figure]) if figure in FIGURE_WORDS else figure


def impacts(both: pd.DataFrame, regression: pd.DataFrame) -> pd.DataFrame:
    """Energy and emissions avoided, annualised (``metrics.avoided_per_year``): emissions by
    scope (1 fuels, 2 grid electricity) and in total, each with its own enterprises; against the
    baseline as measured, and against the production-adjusted baseline (normalised savings); and the
    modelled savings of the enterprises with a valid regression baseline (``metrics.regression_savings``)
    with the 95 % half-width of their sum in ``uncertainty``."""
    ab = {i: metrics.avoided_per_year(_rows_of(both, i), indicator=i).iloc[0]
          for i in ("energy", metrics.NORMALISED["energy"])}
    reg = metrics.regression_savings(regression)
    return suppress(pd.DataFrame({
        "figure": [f for f, _i, _p, _n in IMPACT_FIGURES] + [REGRESSION_FIGURE],
        "unit": [("MWh" if p is None else "t CO2e") + " per year" for _f, _i, p, _n in IMPACT_FIGURES]
        + ["MWh per year"],
        "enterprises": [int(ab[i][n]) for _f, i, _p, n in IMPACT_FIGURES] + [reg["enterprises"]],
        "baseline": [float(ab[i][f"{p}_baseline_t_per_year" if p else "energy_baseline_mwh_per_year"])
                     for _f, i, p, _n in IMPACT_FIGURES] + [reg["expected_mwh_per_year"]],
        "avoided": [float(ab[i][f"{p}_avoided_t_per_year" if p else "energy_avoided_mwh_per_year"])
                    for _f, i, p, _n in IMPACT_FIGURES] + [reg["savings_mwh_per_year"]],
        "uncertainty": [np.nan] * len(IMPACT_FIGURES) + [reg["uncertainty_mwh_per_year"]],
    }))


def impacts_by_country(both: pd.DataFrame, indicator: str = "energy") -> pd.DataFrame:
    """Energy and emissions avoided per country, with the enterprises behind each (``enterprises``,
    ``emissions_enterprises``), against the baseline as measured (``indicator`` energy) or against the
    production-adjusted baseline (``energy_per_production``: normalised savings; then a ``figure`` column names
    it, as the guard remembers it). Emissions have their own contributors (a
    country's electricity without a grid factor has none): a cell of fewer than 3 of them is
    hidden, and hidden cells are complemented, for energy and for emissions alike, against the
    totals of :func:`impacts`."""
    a = metrics.avoided_per_year(_rows_of(both, indicator), "country", indicator=indicator)
    ibc = pd.DataFrame({"country": a["country"].astype(str), "enterprises": a["enterprises"].astype(int),
                        "energy_avoided_mwh_per_year": a["energy_avoided_mwh_per_year"].astype(float),
                        "emissions_avoided_t_per_year": a["co2e_avoided_t_per_year"].astype(float),
                        "co2_enterprises": a["co2_enterprises"].astype(int)})
    out = complement(suppress(ibc), [])
    co2_hidden = (out["co2_enterprises"] < MIN_CELL) | out["suppressed"]
    emissions = complement(out[["co2_enterprises", "emissions_avoided_t_per_year"]]
                           .assign(suppressed=co2_hidden.to_numpy()), [], count_col="co2_enterprises")
    out["emissions_avoided_t_per_year"] = emissions["emissions_avoided_t_per_year"]
    # how many enterprises are behind each emissions figure (a chart writes it beside the bar)
    out = out.rename(columns={"co2_enterprises": "emissions_enterprises"})
    if indicator != "energy":
        out.insert(1, "figure", ADJUSTED_FIGURE)
    return out


def impact_cells(both: pd.DataFrame, regression: pd.DataFrame) -> dict:
    """The power sums of the elements behind every cell of :func:`impacts` and :func:`impacts_by_country`
    (tracker.disclosure.guard): from the rows of energy in kWh, as positions, no frame of every column taken."""
    kwh = (both["unit"] == "kWh").to_numpy()
    rows = {i: np.flatnonzero((both["indicator"] == i).to_numpy() & kwh)
            for i in ("energy", metrics.NORMALISED["energy"])}
    element = both["element"]
    cells = {}
    for figure, indicator, prefix, _count in IMPACT_FIGURES:
        at = rows[indicator]
        if prefix is not None:  # the enterprises with both emission figures
            cols = [f"{prefix}_baseline", f"{prefix}_followup"]
            at = (at[~np.isnan(values_at(both[cols[0]], at)) & ~np.isnan(values_at(both[cols[1]], at))]
                  if cols[0] in both.columns else at[:0])
        cells.update(cell_sums("impacts", pd.DataFrame({"figure": figure, "element": values_at(element, at)}),
                               ["figure"]))
    cells.update(cell_sums("impacts", regression.assign(figure=REGRESSION_FIGURE), ["figure"]))
    for table, indicator in (("impacts_by_country", "energy"),
                             ("impacts_by_country_adjusted", metrics.NORMALISED["energy"])):
        at = rows[indicator]
        cells.update(cell_sums(table, pd.DataFrame({"country": values_at(both["country"], at),
                                                    "element": values_at(element, at)}), ["country"]))
    return cells
