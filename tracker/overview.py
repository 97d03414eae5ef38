"""The programme overview for officers, read side: honest aggregates, fast at scale, never one
enterprise's figures.

:func:`read_data` reads the compact ``enterprise_summary`` (kept current by tracker.summary; no
measurement is scanned) with the enterprises' attributes and memberships (modules, cohorts,
trainers); :func:`build` is a pure function that applies the filters and computes every
aggregate, suppressing any cell built from fewer than ``disclosure.MIN_CELL`` enterprises, with
the power sums the differencing guard needs. Officers never call these: the per-enterprise
frames (:class:`OverviewData`) are for admins (:func:`load_data`); tracker.published hands
officers the guarded aggregates only.

Every figure is computed by metrics from the summary's per-enterprise changes, through the same
functions as ``metrics.summarize`` (``counted_changes``, ``aggregate_changes``, ``spread``,
``avoided_per_year``; METHODS.md): who counts, mean and median (unweighted), pooled (weighted by
size; one unit only). This module filters, suppresses and guards.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

import metrics
from metrics.i18n import _
from tracker import avoided, disclosure
from tracker.access import OFFICERS, require_role
from tracker.auth import CurrentUser
from tracker.db import session_scope
from tracker.disclosure import SPREAD_MIN, cell_sums, complement, suppress
from tracker.models import AuditEntry, EnterpriseSummary
from tracker.overview_data import (  # noqa: F401 (named here too: tracker.published and the tests call them)
    ATTRIBUTES,
    EMISSION_COLUMNS,
    REGRESSION_COLUMNS,
    OverviewData,
    counted_rows,
    per_production,
    programme_reference,
    read_data,
    read_summary,
)
from tracker.summary import FLAG_TEXT

#: the reference data behind emissions (named on the page and in exports)
FACTOR_SET = metrics.FACTOR_SET_VERSION
GWP_LABEL = metrics.gwp()["label"]
#: indicators shown first, the ones the programme reports averages for
HEADLINE = ("waste", "material_wasted", "energy")


@dataclass(frozen=True)
class Filters:
    """What the officer picked; an empty tuple means everything. Within one filter any value
    matches; across filters all must match."""

    country: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    partner: tuple[str, ...] = ()
    cluster: tuple[str, ...] = ()
    module: tuple[str, ...] = ()
    cohort: tuple[str, ...] = ()
    trainer: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [f"{f.name}: {', '.join(getattr(self, f.name))}" for f in fields(self) if getattr(self, f.name)]
        return "; ".join(parts) or _("all enterprises")


@dataclass
class ProgrammeOverview:
    """Aggregates for officers. Every table has ``enterprises`` and ``suppressed``; the figures
    of suppressed rows are NaN (shown and exported as "fewer than 3")."""

    enterprises: int
    enterprises_with_data: int
    countries: int
    sectors: int
    summary: pd.DataFrame
    by_country: pd.DataFrame
    distribution: pd.DataFrame
    reference: pd.DataFrame
    by_sector: pd.DataFrame = field(default_factory=pd.DataFrame)
    over_time: pd.DataFrame = field(default_factory=pd.DataFrame)
    impacts: pd.DataFrame = field(default_factory=pd.DataFrame)
    impacts_by_country: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the same against the production-adjusted baseline (normalised savings), labelled in ``figure``
    impacts_by_country_adjusted: pd.DataFrame = field(default_factory=pd.DataFrame)
    participants: pd.DataFrame = field(default_factory=pd.DataFrame)
    quality: pd.DataFrame = field(default_factory=pd.DataFrame)
    filters: Filters = field(default_factory=Filters)
    #: (table, key...) -> power sums of the ids of the enterprises behind that cell (see guard)
    cells: dict = field(default_factory=dict, repr=False)
    #: how many cells guard hid because they differ from cells shown before by 1 or 2 enterprises
    hidden_as_too_close: int = 0
    #: enterprises with a baseline and a follow-up: all, those whose follow-up covers the baseline's months of
    #: the year (like with like), those whose energy avoided a year is extrapolated from less than a year
    comparable: dict = field(default_factory=dict)


# --- reading ----------------------------------------------------------------------------------

def data_version(engine: Engine, user: CurrentUser) -> tuple:
    """A cheap fingerprint that changes with every write (the audit log and the summary): a
    cache keyed on it is cleared after writes by any process."""
    user = require_role(engine, user, *OFFICERS)
    return version_of(engine)


def version_of(engine: Engine) -> tuple:
    """:func:`data_version` without the role check, for the services that cache on it."""
    with session_scope(engine, readonly=True) as session:
        audit = session.scalar(select(func.max(AuditEntry.id)))
        rows, latest = session.execute(select(func.count(), func.max(EnterpriseSummary.updated_at))).one()
    return (audit, rows, str(latest))


def load_data(engine: Engine, user: CurrentUser) -> OverviewData:
    """Read the precomputed summary and the enterprises' attributes: per-enterprise rows, so
    admins only (officers call :func:`programme_overview` and :func:`filter_options`)."""
    user = require_role(engine, user, "admin")
    return read_data(engine)


def filter_options(data: OverviewData) -> dict[str, list[str]]:
    """The values each filter offers in ``data``."""
    opts = {c: sorted(v for v in data.enterprises[c].astype(str).unique() if v) for c in ATTRIBUTES}
    for kind in ("module", "cohort", "trainer"):
        vals = data.memberships.loc[data.memberships["kind"] == kind, "value"].astype(str).unique()
        opts[kind] = sorted(v for v in vals if v)
    return opts


def selected_ids(data: OverviewData, filters: Filters) -> np.ndarray:
    """Ids of the enterprises the filters select."""
    ents = data.enterprises
    mask = np.ones(len(ents), dtype=bool)
    for col in ATTRIBUTES:
        wanted = getattr(filters, col)
        if wanted:
            mask &= ents[col].isin(wanted).to_numpy()
    ids = ents["enterprise_id"].to_numpy()[mask]
    for kind in ("module", "cohort", "trainer"):
        wanted = getattr(filters, kind)
        if wanted:
            mem = data.memberships
            hit = mem.loc[(mem["kind"] == kind).to_numpy() & mem["value"].isin(wanted).to_numpy(),
                          "enterprise_id"].unique()
            ids = ids[np.isin(ids, hit)]
    return ids


# --- aggregating (pure) -----------------------------------------------------------------------

def build(data: OverviewData, filters: Filters = Filters(), *, listed: int = 300) -> ProgrammeOverview:
    """Every aggregate of the overview for the enterprises ``filters`` select (pure function).

    ``listed`` caps the rows of the participant and data-quality lists (their totals are counted
    in full)."""
    ids = selected_ids(data, filters)
    if data.counted is None:
        data.summary["element"] = disclosure.element_keys(data.summary)
        data.counted = counted_rows(data.summary)
    ents = data.enterprises[data.enterprises["enterprise_id"].isin(ids)]
    s_all = _rows_of(data.summary, ids)
    # the rows behind every figure, one per enterprise and indicator (metrics decides who counts), with the
    # enterprise's country and sector (NaN for an enterprise not among ``ents``, as a left join gives)
    both = _rows_of(data.counted, ids)
    at = pd.Index(ents["enterprise_id"].to_numpy()).get_indexer(both["enterprise_id"].to_numpy())
    both = both.assign(**{c: ents[c].array.take(at, allow_fill=True) for c in ("country", "sector")})
    participants, with_data = _participants(ents, s_all, data.memberships, listed)
    regression = data.regression[data.regression["enterprise_id"].isin(ids).to_numpy()]
    return ProgrammeOverview(
        enterprises=len(ents), enterprises_with_data=with_data, countries=int(ents["country"].nunique()),
        sectors=int(ents.loc[(ents["sector"] != "").to_numpy(), "sector"].nunique()),
        summary=_summary_table(both, data.reference),
        by_country=complement(_aggregate(both, ["country"]), ["indicator"]),
        by_sector=complement(_aggregate(both, ["sector"]), ["indicator"]),
        over_time=complement(_aggregate(both.dropna(subset=["quarter"]), ["quarter"]), ["indicator"]).rename(
            columns={"quarter": "followup_quarter"}),
        distribution=_distribution(both), reference=data.reference, impacts=avoided.impacts(both, regression),
        impacts_by_country=avoided.impacts_by_country(both),
        impacts_by_country_adjusted=avoided.impacts_by_country(both, metrics.NORMALISED["energy"]),
        participants=participants,
        quality=_quality(ents, s_all, listed), filters=filters, cells=_cells(both, regression),
        comparable=_comparable(s_all))


def _rows_of(frame: pd.DataFrame, ids: np.ndarray) -> pd.DataFrame:
    """The rows of ``frame`` whose ``enterprise_id`` is among ``ids``; all of them not copied (every enterprise
    selected: the cold load's view)."""
    return _where(frame, frame["enterprise_id"].isin(ids).to_numpy())


def _comparable(s_all: pd.DataFrame) -> dict:
    """How many enterprises compare like with like (tracker.summary's flags), flags read once per distinct text."""
    both = s_all[(s_all["has_baseline"] & s_all["has_followup"]).to_numpy()]
    codes, texts = pd.factorize(both["flags"])
    flagged = {f: np.array([f in str(t).split(",") for t in texts] + [False])[codes] for f in ("months_differ",
                                                                                              "extrapolated")}
    ids = both["enterprise_id"].to_numpy()
    compared = np.unique(ids)
    differ, extrapolated = np.unique(ids[flagged["months_differ"]]), np.unique(ids[flagged["extrapolated"]])
    return {"compared": len(compared), "like_with_like": len(compared) - len(differ), "extrapolated": len(extrapolated)}


def headline(data: OverviewData) -> tuple[pd.DataFrame, dict]:
    """The overview's first table over every enterprise (its ``summary``) and the power sums of
    its cells, as :func:`build` makes them, without the breakdowns and lists: what an
    enterprise's report shows beside its own figures."""
    if data.counted is None:
        data.summary["element"] = disclosure.element_keys(data.summary)
        data.counted = counted_rows(data.summary)
    return headline_of(data.counted, data.reference)


def headline_of(counted: pd.DataFrame, reference: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """:func:`headline` of the rows that count (:func:`counted_rows`) of every enterprise."""
    return _summary_table(counted, reference), cell_sums("summary", counted, ["indicator"])


def _summary_table(both: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    return _order(_aggregate(both, [])).merge(reference[["indicator", "reported_mean_change"]], on="indicator",
                                              how="left")


AGGREGATE_COLUMNS = ["unit", "enterprises", "mean_change", "median_change", "pooled_change", "mean_points"]


def _aggregate(both: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``metrics.aggregate_changes`` per ``by`` + indicator (enterprises, mean, median, pooled
    change, mean points), cells under MIN_CELL enterprises suppressed."""
    out = metrics.aggregate_changes(both, by)[by + ["indicator"] + AGGREGATE_COLUMNS]
    for col in by + ["indicator"]:
        out[col] = out[col].astype(str)
    return suppress(out)


def _order(df: pd.DataFrame) -> pd.DataFrame:
    rank = {k: i for i, k in enumerate(list(HEADLINE) + [k for k in metrics.INDICATORS if k not in HEADLINE])}
    return df.sort_values("indicator", key=lambda s: s.map(rank).fillna(99), kind="stable").reset_index(drop=True)


def _distribution(both: pd.DataFrame) -> pd.DataFrame:
    """The spread of each enterprise's change (``metrics.spread``): quantiles and mean only,
    never the points themselves, from SPREAD_MIN enterprises up."""
    distribution = suppress(metrics.spread(both))
    few = (distribution["enterprises"] < SPREAD_MIN).to_numpy()
    distribution.loc[few, ["p05", "q1", "median", "q3", "p95", "mean"]] = np.nan
    distribution["suppressed"] = few
    return _order(distribution)


def _participants(ents: pd.DataFrame, s_all: pd.DataFrame, members: pd.DataFrame, listed: int
                  ) -> tuple[pd.DataFrame, int]:
    """Who takes part: names, country, sector, modules, completeness, never a figure (the first
    ``listed``); and how many enterprises have figures."""
    total = len(ents)
    participants = ents[["enterprise_id", "name", *ATTRIBUTES]].head(listed).reset_index(drop=True)
    ids = participants["enterprise_id"].to_numpy()
    mine = s_all[s_all["enterprise_id"].isin(ids).to_numpy()
                 & ~s_all["indicator"].isin(list(metrics.NORMALISED_OF)).to_numpy()]  # indicators entered
    counts = (mine.assign(complete=mine["has_baseline"] & mine["has_followup"])
              .groupby("enterprise_id", observed=True).agg(indicators=("indicator", "size"),
                                                           complete=("complete", "sum")))
    attended = members[(members["kind"] == "module").to_numpy() & members["enterprise_id"].isin(ids).to_numpy()]
    modules = (attended.assign(value=attended["value"].astype(str)).drop_duplicates(["enterprise_id", "value"])
               .sort_values("value").groupby("enterprise_id")["value"].agg(", ".join))
    participants["modules"] = participants["enterprise_id"].map(modules).astype(object).fillna("")
    c = counts.reindex(participants["enterprise_id"])
    n_ind, n_ok = c["indicators"].to_numpy(dtype=float), c["complete"].to_numpy(dtype=float)
    words = _("{complete} of {indicators} indicators with baseline and follow-up")
    pairs = np.nan_to_num(n_ok).astype(np.int64) * 1000 + np.nan_to_num(n_ind).astype(np.int64)
    codes, distinct = pd.factorize(pairs)  # a few distinct pairs: each put in words once
    complete_of = np.asarray([words.format(complete=int(k) // 1000, indicators=int(k) % 1000) for k in distinct],
                             dtype=object)[codes] if len(pairs) else np.asarray([], dtype=object)
    participants["data_completeness"] = np.where(np.isnan(n_ind), _("no figures yet"), complete_of)
    participants = participants.drop(columns="enterprise_id")
    for col in (*ATTRIBUTES, "modules"):
        participants[col] = participants[col].astype(str)
    participants.attrs["total"] = total
    return participants, int(s_all["enterprise_id"].nunique())


def _quality(ents: pd.DataFrame, s_all: pd.DataFrame, listed: int) -> pd.DataFrame:
    """Data quality: which enterprise to follow up, and why (no figures shown): the first ``listed``
    rows by issue, enterprise and indicator, and (``attrs``) how many rows each issue has and in all.

    Worked per distinct set of flags (a handful) and per issue as a mask, so that only the rows listed
    become text: at 100k enterprises about half a million rows are flagged."""
    columns = ["enterprise", "country", "indicator", "issue"]
    codes, combos = pd.factorize(s_all["flags"].astype(object).fillna("").to_numpy() if not isinstance(
        s_all["flags"].dtype, pd.CategoricalDtype) else s_all["flags"])
    sets = [str(c).split(",") if str(c) else [] for c in combos]
    masks = {_(FLAG_TEXT[flag]) if flag in FLAG_TEXT else flag:
             np.isin(codes, [i for i, flags in enumerate(sets) if flag in flags])
             for flag in sorted({f for flags in sets for f in flags})}
    counts = {issue: int(mask.sum()) for issue, mask in masks.items() if mask.any()}
    names = ents.set_index("enterprise_id")
    by_name = ents if ents["name"].is_monotonic_increasing else ents.sort_values("name", kind="stable")
    name_rank = (pd.Series(np.arange(len(by_name)), index=by_name["enterprise_id"].to_numpy())
                 .reindex(s_all["enterprise_id"].to_numpy()).fillna(len(by_name)).to_numpy())
    ind_codes, ind_names = pd.factorize(s_all["indicator"].astype(object).to_numpy())
    ind_rank = np.argsort(np.argsort(np.array([str(n) for n in ind_names], dtype=object), kind="stable"))[ind_codes]
    parts = []
    for issue in sorted(counts):
        room = listed - sum(len(p) for p in parts)
        if room <= 0:
            break
        rows = np.flatnonzero(masks[issue])
        rows = rows[np.lexsort((ind_rank[rows], name_rank[rows]))][:room]
        ids = s_all["enterprise_id"].to_numpy()[rows]
        parts.append(pd.DataFrame({"enterprise": names["name"].reindex(ids).to_numpy(),
                                   "country": names["country"].reindex(ids).astype(str).to_numpy(),
                                   "indicator": s_all["indicator"].astype(object).to_numpy()[rows].astype(str),
                                   "issue": issue}))
    quality = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    quality.attrs.update(counts=dict(sorted(counts.items(), key=lambda kv: -kv[1])), total=sum(counts.values()))
    return quality


def _cells(both: pd.DataFrame, regression: pd.DataFrame) -> dict:
    """The power sums of the elements (enterprises with their figures) behind every cell
    :func:`guard` checks; rows left out are copied with the columns the cells read only."""
    lean = both[["indicator", "country", "sector", "quarter", "relative_change", "element"]]
    cells = {}
    for table, frame, keys in [("summary", lean, ["indicator"]), ("by_country", lean, ["country", "indicator"]),
                               ("by_sector", lean, ["sector", "indicator"]),
                               ("over_time", lean.dropna(subset=["quarter"]), ["quarter", "indicator"]),
                               ("distribution", _where(lean, lean["relative_change"].notna().to_numpy()),
                                ["indicator"])]:
        cells.update(cell_sums(table, frame, keys))
    cells.update(avoided.impact_cells(both, regression))
    return cells


def _where(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The rows of ``frame`` where ``keep``; ``frame`` itself, not copied, when every row is kept."""
    return frame if keep.all() else frame[keep]
