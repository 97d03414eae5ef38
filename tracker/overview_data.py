"""The programme overview's data, read side: the per-enterprise frames tracker.overview aggregates.

:func:`read_data` reads the compact ``enterprise_summary`` (kept current by tracker.summary; no
measurement is scanned) with the enterprises' attributes and memberships (modules, cohorts,
trainers), and makes the rows that count in every aggregate (``metrics.counted_changes``) with
each one's element key (tracker.disclosure). What PostgreSQL sends costs it far more than DuckDB,
in the same process, costs to hand over, so as little is read as the figures need:

* the figures per unit of production are not read but made from the indicators' rows
  (:func:`per_production`, through ``metrics.normalised_changes`` and ``metrics.adjusted_emissions``,
  as tracker.summary stores them: the same values, so the same element keys): 40 % fewer rows;
* the emissions (energy's rows only) and a regression's uncertainty are read where they are not
  NULL (:data:`SPARSE_SQL`) and kept, on the rows that count, as sparse columns.

At 300,000 enterprises the frames kept hold about 330 MB (the summary of 2.1M rows 44 MB; the
rows that count, 3.4M, 260 MB).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

import metrics
from tracker import disclosure
from tracker.config import DATA_DIR
from tracker.db import read_frame, release_freed_memory, session_scope

#: the enterprises' own attributes the filters and the participants' list use
ATTRIBUTES = ("country", "sector", "partner", "cluster")


# --- reading ----------------------------------------------------------------------------------


def programme_reference() -> pd.DataFrame:
    """The programme's reported averages (indicator, reported_mean_change, label, source)."""
    return pd.read_csv(DATA_DIR / "programme_reference.csv")


@dataclass
class OverviewData:
    """The compact frames the overview aggregates: per-enterprise rows, for admins and this
    module only (officers get :class:`ProgrammeOverview`)."""

    summary: pd.DataFrame
    enterprises: pd.DataFrame
    memberships: pd.DataFrame  # enterprise_id, kind (module, cohort, trainer), value
    reference: pd.DataFrame
    #: the summary rows that count in the aggregates, one per enterprise and indicator
    #: (metrics.counted_changes; made from ``summary`` when not given)
    counted: pd.DataFrame | None = None
    #: per enterprise with a valid regression baseline (:data:`REGRESSION_COLUMNS`)
    regression: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REGRESSION_COLUMNS))


#: the figures per unit of production are computed on reading (:func:`per_production`), not read: 40 % fewer rows
_ENTERED = "indicator NOT IN ({})".format(", ".join(f"'{name}'" for name in metrics.NORMALISED_OF))
#: the summary's rows of the indicators entered and of the regression baselines, without the columns that are NULL
#: in most of them (emissions: energy only; the regression's uncertainty), which :data:`SPARSE_SQL` reads
SUMMARY_SQL = ("SELECT enterprise_id, indicator, unit, has_baseline, has_followup, baseline, followup, "
               f"relative_change, points, followup_end, flags FROM enterprise_summary WHERE {_ENTERED}")
#: the summary's columns of a regression baseline's row (metrics.regression_savings reads them)
REGRESSION_COLUMNS = ["enterprise_id", "baseline", "followup", "savings_uncertainty", "element"]
#: kg CO2e per day: the total (scope 1 + scope 2) and each scope, at baseline and follow-up
EMISSION_COLUMNS = ("co2e_baseline", "co2e_followup", "scope1_baseline", "scope1_followup", "scope2_baseline",
                    "scope2_followup")
#: the rows of :data:`SUMMARY_SQL` with an emission or an uncertainty, those columns only
SPARSE_SQL = (f"SELECT enterprise_id, indicator, unit, {', '.join(EMISSION_COLUMNS)}, savings_uncertainty "
              f"FROM enterprise_summary WHERE {_ENTERED} AND ("
              + " OR ".join(f"{c} IS NOT NULL" for c in (*EMISSION_COLUMNS, "savings_uncertainty")) + ")")
ENTERPRISES_SQL = ("SELECT e.id AS enterprise_id, e.name, e.country, e.sector, coalesce(p.name, '') AS partner, "
                   "coalesce(c.name, '') AS cluster FROM enterprises e LEFT JOIN partners p ON p.id = e.partner_id "
                   "LEFT JOIN clusters c ON c.id = e.cluster_id")
#: the memberships (module, cohort, trainer) are made from these two (a training's row is read once, not once per
#: kind): :func:`_memberships`
TRAININGS_SQL = "SELECT enterprise_id, module, cohort FROM trainings"
TRAINERS_SQL = ("SELECT ue.enterprise_id, u.username AS trainer FROM user_enterprises ue JOIN users u "
                "ON u.id = ue.user_id WHERE u.role = 'trainer'")


#: every stored row with every column the overview's figures use (:func:`read_summary`)
STORED_SQL = ("SELECT enterprise_id, indicator, unit, has_baseline, has_followup, baseline, followup, relative_change, "
              f"points, followup_end, {', '.join(EMISSION_COLUMNS)}, factor_set, savings_uncertainty, flags "
              "FROM enterprise_summary")


def read_summary(session, enterprise_ids=None) -> pd.DataFrame:
    """The stored summary rows of ``enterprise_ids`` (None: every enterprise), those per unit of production
    included: typed, the follow-up's quarter, each row's element key (``disclosure.element_keys``: one per
    enterprise and indicator, so the rows of some enterprises get the keys they get among all, and the keys
    :func:`read_data` gives). For the database averages beside a report, which patch a few enterprises' rows."""
    summary = read_frame(session, STORED_SQL, enterprise_ids, "enterprise_id",
                         categorical=("indicator", "unit", "factor_set", "flags"))
    summary["enterprise_id"] = summary["enterprise_id"].astype(np.int64)
    summary["quarter"] = _quarters(summary.pop("followup_end"))
    for col in ("baseline", "followup", "relative_change", "points", *EMISSION_COLUMNS, "savings_uncertainty"):
        summary[col] = summary[col].astype(float)
    summary["has_baseline"] = summary["has_baseline"].astype(bool)
    summary["has_followup"] = summary["has_followup"].astype(bool)
    summary["element"] = disclosure.element_keys(summary)
    return summary


def read_data(engine: Engine) -> OverviewData:
    """:func:`load_data` without the role check: for tracker.published, which hands on
    aggregates only. Text with few distinct values arrives as categoricals, straight from the
    database's Arrow (no Python text per row).

    The figures per unit of production are made here from the rows of the indicators entered
    (:func:`per_production`, through metrics as tracker.summary stores them), and the columns that
    are NULL in most rows (emissions, the regression's uncertainty) are read only where they are
    not: a third of the values PostgreSQL would otherwise write, send and parse."""
    with session_scope(engine, readonly=True) as session:
        summary = read_frame(session, SUMMARY_SQL, categorical=("indicator", "unit", "flags"))
        sparse = read_frame(session, SPARSE_SQL, categorical=("indicator", "unit"))
        ents = read_frame(session, ENTERPRISES_SQL, categorical=ATTRIBUTES)
        members = _memberships(read_frame(session, TRAININGS_SQL, categorical=("module", "cohort")),
                               read_frame(session, TRAINERS_SQL, categorical=("trainer",)))
    release_freed_memory()  # the Arrow tables read
    summary["enterprise_id"] = summary["enterprise_id"].astype(np.int64)
    for col in ("baseline", "followup", "relative_change", "points"):
        summary[col] = summary[col].astype(float)
    summary["has_baseline"] = summary["has_baseline"].astype(bool)
    summary["has_followup"] = summary["has_followup"].astype(bool)
    ents["enterprise_id"] = ents["enterprise_id"].astype(np.int64)
    for col in ATTRIBUTES:
        ents[col] = _no_nulls(ents[col])
    # the regression baselines' rows (metrics.regression_rows) make one figure of their own, not an indicator
    is_regression = summary["indicator"].eq(metrics.REGRESSION_ROW).to_numpy()
    regression = summary[is_regression].reset_index(drop=True)
    if is_regression.any():
        summary = summary[~is_regression].reset_index(drop=True)
    regression = regression.assign(**_sparse_columns(regression, sparse, [*EMISSION_COLUMNS, "savings_uncertainty"]))
    regression["element"] = disclosure.element_keys(regression)
    # the rows that count, of the figures per unit of production and of the indicators entered (counted and keyed
    # apart: an element is one enterprise's rows of one indicator, so neither depends on the other's rows)
    normalised = per_production(summary, sparse)
    normalised["quarter"] = _quarters(normalised.pop("followup_end"))
    normalised["element"] = disclosure.element_keys(normalised)
    normalised = _lean(counted_rows(normalised))
    release_freed_memory()  # each step's intermediate arrays, before the next step's are made
    summary["quarter"] = _quarters(summary.pop("followup_end"))
    summary["element"] = disclosure.element_keys(summary.assign(**_sparse_columns(
        summary, sparse, ["co2e_baseline", "co2e_followup"])))
    release_freed_memory()
    entered = counted_rows(summary)
    for col in EMISSION_COLUMNS:  # energy's rows only
        entered[col] = pd.arrays.SparseArray(_sparse_columns(entered[["enterprise_id", "indicator", "unit"]],
                                                             sparse, [col])[col])
    entered = _lean(entered)
    # the participants, data-quality and like-with-like lists read the presence of figures, their flags and changes
    summary = summary.drop(columns=["baseline", "followup", "points", "element"])
    release_freed_memory()
    counted = _concat([entered, normalised[entered.columns]], ("indicator", "unit", "quarter"))
    del entered, normalised
    release_freed_memory()
    return OverviewData(summary=summary,
                        enterprises=ents.sort_values("name").reset_index(drop=True), memberships=members,
                        reference=programme_reference(), counted=counted, regression=regression[REGRESSION_COLUMNS])


def _memberships(trainings: pd.DataFrame, trainers: pd.DataFrame) -> pd.DataFrame:
    """enterprise_id, kind ('module', 'cohort', 'trainer'), value: each module attended, each cohort (not empty),
    each trainer, in that order, a repeat (a module attended twice) once."""
    cohort = trainings["cohort"]
    has_cohort = (cohort.notna() & cohort.astype(object).ne("")).to_numpy(bool)
    parts = [("module", trainings["enterprise_id"], trainings["module"]),
             ("cohort", trainings["enterprise_id"][has_cohort], cohort[has_cohort]),
             ("trainer", trainers["enterprise_id"], trainers["trainer"])]
    texts = [v.astype("category") for _kind, _ids, v in parts]
    union = sorted({str(c) for v in texts for c in v.cat.categories})  # (an empty part's categories have no type)
    values = pd.Categorical.from_codes(np.concatenate([v.cat.set_categories(union).cat.codes.to_numpy(np.int64)
                                                       for v in texts]), union)
    sizes = [len(ids) for _kind, ids, _v in parts]
    kinds = pd.Categorical.from_codes(np.repeat(np.array([1, 0, 2], dtype=np.int8), sizes),
                                      ["cohort", "module", "trainer"])
    members = pd.DataFrame({"enterprise_id": np.concatenate([ids.to_numpy(np.int64) for _kind, ids, _v in parts]),
                            "kind": kinds, "value": values}, copy=False)
    return members.drop_duplicates(ignore_index=True)


def _lean(counted: pd.DataFrame) -> pd.DataFrame:
    """Rows that count as kept: the emissions and points (NaN on most rows: energy's and yield's only) as sparse
    columns, without ``units`` (which no aggregate reads)."""
    out = counted.drop(columns=["units"])
    for col in ("points", *EMISSION_COLUMNS):
        if not isinstance(out[col].dtype, pd.SparseDtype):
            out[col] = pd.arrays.SparseArray(out[col].to_numpy(float))
    return out


def _concat(frames: list[pd.DataFrame], categorical) -> pd.DataFrame:
    """``frames`` one after the other (the same columns), a column at a time, each let go once copied (the peak:
    the result and one column more); ``categorical`` columns as one categorical of the union of their categories."""
    out = {}
    for col in list(frames[0].columns):
        values = [f.pop(col) for f in frames]
        if col in categorical:
            union = sorted({str(c) for v in values for c in v.astype("category").cat.categories})
            values = [v.astype("category").cat.set_categories(union) for v in values]
        out[col] = pd.concat(values, ignore_index=True)
        del values
    return pd.DataFrame(out, copy=False)


def _sparse_columns(summary: pd.DataFrame, sparse: pd.DataFrame, columns: list[str]) -> dict[str, np.ndarray]:
    """The ``columns`` of ``sparse`` (rows of the summary: enterprise_id, indicator, unit) on their rows of
    ``summary``, NaN elsewhere; matched per distinct indicator and unit (a handful), by enterprise."""
    out = {col: np.full(len(summary), np.nan) for col in columns}
    if sparse.empty or summary.empty:
        return out
    ids = summary["enterprise_id"].to_numpy(np.int64)
    for (indicator, unit), part in sparse.groupby(["indicator", "unit"], observed=True):
        rows = np.flatnonzero(summary["indicator"].eq(indicator).to_numpy(bool)
                              & summary["unit"].eq(unit).to_numpy(bool))
        at = pd.Index(part["enterprise_id"].to_numpy(np.int64)).get_indexer(ids[rows])
        rows, at = rows[at >= 0], at[at >= 0]
        for col in columns:
            out[col][rows] = part[col].to_numpy(dtype=float)[at]
    return out


def per_production(summary: pd.DataFrame, sparse: pd.DataFrame) -> pd.DataFrame:
    """The summary rows of the figures per unit of production (``metrics.normalised_changes`` and
    ``metrics.adjusted_emissions``), from the rows of the indicators entered (``summary``; ``sparse``: the rows
    with emissions, :data:`SPARSE_SQL`): the rows tracker.summary stores for them, value for value (the same
    functions of the same figures), with ``followup_end``."""
    both = (summary["has_baseline"] & summary["has_followup"]).to_numpy()
    changes = pd.DataFrame({"enterprise": summary["enterprise_id"].to_numpy(np.int64)[both],
                            "indicator": summary["indicator"].array[both], "unit": summary["unit"].array[both],
                            "baseline": summary["baseline"].to_numpy(float)[both],
                            "followup": summary["followup"].to_numpy(float)[both],
                            "followup_end": summary["followup_end"].to_numpy()[both]}, copy=False)
    norm = metrics.normalised_changes(changes)
    del changes
    energy = sparse[sparse["indicator"].eq("energy").to_numpy(bool) & sparse["unit"].eq("kWh").to_numpy(bool)]
    adjusted = metrics.adjusted_emissions(norm, pd.DataFrame(
        {c: energy[c].to_numpy(float) for c in EMISSION_COLUMNS}, index=energy["enterprise_id"].to_numpy(np.int64)))
    return pd.DataFrame({
        "enterprise_id": norm["enterprise"].to_numpy(np.int64),
        "indicator": pd.Categorical(norm["indicator"]), "unit": pd.Categorical(norm["unit"]),
        "has_baseline": True, "has_followup": True,
        "baseline": norm["baseline"].to_numpy(float), "followup": norm["followup"].to_numpy(float),
        "relative_change": norm["relative_change"].to_numpy(float), "points": np.nan,
        "followup_end": pd.to_datetime(norm["followup_end"]).to_numpy(),
        "flags": pd.Categorical.from_codes(np.zeros(len(norm), dtype=np.int8), [""]), **adjusted}, copy=False)


def _no_nulls(values: pd.Series) -> pd.Series:
    """A categorical column with NULL read as the empty text."""
    if not values.isna().any():
        return values
    if "" not in values.cat.categories:
        values = values.cat.add_categories("").cat.reorder_categories(sorted([*values.cat.categories, ""]))
    return values.fillna("")


def _quarters(end: pd.Series) -> pd.Series:
    """The quarter ('2025Q1') of each follow-up end as a categorical (NaN where there is none),
    formatted once per distinct date."""
    codes, dates = pd.factorize(pd.to_datetime(end))
    labels = list(pd.DatetimeIndex(dates).to_period("Q").astype(str))
    categories = sorted(set(labels))
    lookup = np.array([categories.index(label) for label in labels] + [-1], dtype=np.int64)
    return pd.Series(pd.Categorical.from_codes(lookup[codes], categories=categories), index=end.index)


def counted_rows(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary rows that count in every aggregate, by ``metrics.counted_changes`` (one per
    enterprise and indicator; a zero baseline left out), with ``enterprise_id`` kept."""
    cols = [c for c in ("enterprise_id", "indicator", "unit", "baseline", "followup", "relative_change", "points",
                        "quarter", *EMISSION_COLUMNS, "factor_set", "element") if c in summary.columns]
    # the rows with a baseline and a follow-up, copied once with those columns, by metrics
    per = metrics.counted_changes(summary[cols].rename(columns={"enterprise_id": "enterprise"}),
                                  rows=(summary["has_baseline"] & summary["has_followup"]).to_numpy())
    return per.assign(enterprise_id=per["enterprise"].to_numpy(dtype=np.int64))


