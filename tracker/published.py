"""What is published of the programme's figures: the officers' overview and the database averages
beside an enterprise's report. Aggregates only, each cell checked before it is shown.

* :func:`programme_overview` and :func:`filter_options` are what an officer (or admin) calls: the
  aggregates of tracker.overview for the chosen filters, cells of fewer than 3 enterprises
  suppressed, and every cell hidden that differs by one or two enterprises from one shown before
  (``disclosure.guard``, whose memory is in the database).
* :func:`delivery_overview` is the officers' Delivery tab (tracker.delivery), under the same
  filters, suppression and memory.
* :func:`target_shares` is the share of enterprises on track for their targets per indicator, under the same
  filters, suppression and memory.
* :func:`database_averages` is the database's mean and median change per indicator, over every
  enterprise, beside one enterprise's report: published only where they cannot be solved for
  another enterprise's figure (see its docstring), under the same memory.

The per-enterprise frames behind them are read once per data version and kept in this process;
they are never returned.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

import metrics
from tracker import delivery, disclosure, disclosures, overview, targets
from tracker.access import OFFICERS, require_enterprise, require_role
from tracker.auth import CurrentUser
from tracker.db import read_frame, session_scope
from tracker.disclosure import MIN_CELL, SPREAD_MIN
from tracker.overview import Filters, OverviewData, ProgrammeOverview

AVERAGE_COLUMNS = ["indicator", "enterprises", "mean_change", "median_change", "mean_points"]

# per-enterprise frames and built overviews of the latest data versions, kept in this process
# (never handed on): a filter change needs no database read
_DATA: OrderedDict = OrderedDict()
_BUILT: OrderedDict = OrderedDict()
_DELIVERY: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


def _remember(cache: OrderedDict, key, value, size: int):
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)
    return value


def _data(engine: Engine, version: tuple) -> OverviewData:
    key = (str(engine.url), version)
    with _cache_lock:
        if key in _DATA:
            _DATA.move_to_end(key)
            return _DATA[key]
        # an older version of this database is let go before the new one is read, not after: at 300,000
        # enterprises the frames hold 300 MB (a view being drawn from the old one keeps it until it is drawn)
        for old in [k for k in _DATA if k[0] == key[0]]:
            del _DATA[old]
    data = overview.read_data(engine)
    with _cache_lock:
        return _remember(_DATA, key, data, 2)


def _built(engine: Engine, version: tuple, filters: Filters) -> ProgrammeOverview:
    key = (str(engine.url), version, filters)
    with _cache_lock:
        if key in _BUILT:
            _BUILT.move_to_end(key)
            return _BUILT[key]
    ov = overview.build(_data(engine, version), filters)
    with _cache_lock:
        return _remember(_BUILT, key, ov, 64)


def forget_cached() -> None:
    """Drop the frames kept in this process (as a new process starts); nothing shown is forgotten."""
    with _cache_lock:
        _DATA.clear()
        _BUILT.clear()
        _DELIVERY.clear()
        _COUNTED.clear()


# --- the rows behind the database averages beside a report, kept and patched per enterprise -------

#: the columns of the rows that count which the averages and their power sums read
COUNTED_COLUMNS = ["enterprise", "enterprise_id", "indicator", "unit", "units", "relative_change", "points", "better",
                   "b_pool", "f_pool", "element"]
#: each enterprise's summary rows: how many, and the sum of their times written in microseconds. A write
#: replaces all the rows of the enterprises it touches, each time at a new time: a state, not an order, so a
#: write committed late (another process's, begun before one already seen) still changes it
STAMPS_SQL = {"duckdb": "SELECT enterprise_id, count(*) AS n, sum(epoch_us(updated_at)) AS us FROM enterprise_summary "
                        "GROUP BY enterprise_id",
              "postgresql": "SELECT enterprise_id, count(*) AS n, sum((extract(epoch FROM updated_at) * 1000000)"
                            "::bigint) AS us FROM enterprise_summary GROUP BY enterprise_id"}
#: the same over the whole table: whether anything changed since the rows were read
STAMP_SQL = {"duckdb": "SELECT count(*), sum(epoch_us(updated_at)) FROM enterprise_summary",
             "postgresql": "SELECT count(*), sum((extract(epoch FROM updated_at) * 1000000)::bigint) "
                           "FROM enterprise_summary"}
# database -> (stamp, per-enterprise stamps, rows that count, (headline, power sums))
_COUNTED: dict = {}


def _counted_rows(summary: pd.DataFrame) -> pd.DataFrame:
    """The rows that count of some enterprises' summary rows (overview.read_summary), the columns the
    averages read."""
    summary = summary[~summary["indicator"].eq(metrics.REGRESSION_ROW).to_numpy()].reset_index(drop=True)
    return overview.counted_rows(summary)[COUNTED_COLUMNS]


def _patched(kept: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """``kept`` with ``fresh`` added, text columns as categoricals of sorted categories (whatever the order
    of the writes, the same frame), in the order of enterprise and indicator."""
    out = pd.concat([kept, fresh], ignore_index=True)
    for col in ("indicator", "unit"):
        parts = [f[col].astype("category") for f in (kept, fresh) if len(f)]
        out[col] = (pd.api.types.union_categoricals(parts, sort_categories=True) if parts
                    else out[col].astype("category"))
    return out.sort_values(["enterprise_id", "indicator"], kind="stable", ignore_index=True)


def _averages_headline(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(rows that count, headline table, power sums) of every enterprise, as ``overview.headline`` of a fresh
    read makes them. Kept per database; after a write only the enterprises whose summary rows changed are
    read again (any process's write: told by the rows' stamps, not by this process's memory)."""
    key = str(engine.url)
    dialect = "duckdb" if engine.dialect.name == "duckdb" else "postgresql"
    with session_scope(engine, readonly=True) as session:
        stamp = tuple(session.connection().exec_driver_sql(STAMP_SQL[dialect]).one())
        with _cache_lock:
            held = _COUNTED.get(key)
        if held is not None and held[0] == stamp:
            return held[2], *held[3]
        stamps = read_frame(session, STAMPS_SQL[dialect])
        stamps = stamps.assign(enterprise_id=stamps["enterprise_id"].astype(np.int64),
                               us=stamps["us"].astype(str)).set_index("enterprise_id")
        if held is None:
            every = _counted_rows(overview.read_summary(session))
            counted = _patched(every.iloc[:0], every)
        else:
            before = held[1].reindex(stamps.index)
            changed = stamps.index[(before["n"].ne(stamps["n"]) | before["us"].ne(stamps["us"])).to_numpy()]
            gone = held[1].index.difference(stamps.index)
            stale = np.concatenate([changed.to_numpy(np.int64), gone.to_numpy(np.int64)])
            kept = held[2][~held[2]["enterprise_id"].isin(stale).to_numpy()]
            fresh = _counted_rows(overview.read_summary(session, changed.tolist())) if len(changed) else kept.iloc[:0]
            counted = _patched(kept, fresh)
    made = overview.headline_of(counted, overview.programme_reference())
    with _cache_lock:
        _COUNTED[key] = (stamp, stamps, counted, made)
    return counted, *made


def guard(engine: Engine, ov: ProgrammeOverview) -> ProgrammeOverview:
    """``ov`` with every cell hidden whose enterprises (with their figures) differ by one or two
    from a cell shown before, to anyone, or above it (``disclosure.guard``, which remembers in
    the database what it lets through); the power sums are not passed on."""
    tables = {name: getattr(ov, name) for name, _ in disclosure.GUARDED}
    guarded, hidden = disclosure.guard(engine, tables, ov.cells)
    return replace(ov, hidden_as_too_close=hidden, cells={}, **guarded)


def programme_overview(engine: Engine, user: CurrentUser, filters: Filters = Filters()) -> ProgrammeOverview:
    """Programme aggregates for officers and admins: cells under 3 enterprises are suppressed, and
    so are cells that differ by 1 or 2 enterprises from cells shown before (:func:`guard`)."""
    user = require_role(engine, user, *OFFICERS)
    return guard(engine, _built(engine, overview.version_of(engine), filters))


def delivery_overview(engine: Engine, user: CurrentUser, filters: Filters = Filters()) -> delivery.DeliveryOverview:
    """The Delivery tab for officers and admins (tracker.delivery): the trainers' pipeline, enterprises
    and modules per partner and trainer, attendance, modules taken before Workplace Cooperation and
    the change figures per partner and trainer; figures of fewer than 3 enterprises suppressed, and
    every figure hidden that differs by 1 or 2 enterprises from one shown before (to anyone)."""
    user = require_role(engine, user, *OFFICERS)
    version = overview.version_of(engine)
    key = (str(engine.url), version)
    with _cache_lock:
        records = _DELIVERY.get(key)
    if records is None:
        records = delivery.read_delivery(engine)
        with _cache_lock:
            _remember(_DELIVERY, key, records, 2)
    dv = delivery.build(_data(engine, version), records, filters)
    tables = {name: getattr(dv, name) for name, _ in delivery.GUARDED}
    guarded, hidden = disclosure.guard(engine, tables, dv.cells, delivery.GUARDED, delivery.COMPLEMENT_WITHIN)
    return replace(dv, hidden_as_too_close=hidden, cells={}, **guarded)


#: the share on track per indicator, guarded as one figure per indicator ("on track: energy")
TARGETS_GUARDED = [("targets", ["figure"])]
#: what an element of a share on track is made of: the enterprise, its target and its figures for it
TARGET_ELEMENT = ["enterprise_id", "indicator", "basis", "reduction", "target_date", "start", "followup_end",
                  "baseline", "followup"]


def target_shares(engine: Engine, user: CurrentUser, filters: Filters = Filters()) -> pd.DataFrame:
    """Per indicator, among the enterprises ``filters`` select that have a target for it and a follow-up:
    ``enterprises``, ``on_track`` and ``share`` on track (``metrics.on_track_share``), for officers and admins.
    A cell of fewer than 3 enterprises is suppressed, and one whose enterprises (with their targets and
    figures) differ by one or two from a cell shown before, to anyone, is hidden (``disclosure.guard``):
    two selections one enterprise apart would tell whether that enterprise is on track."""
    user = require_role(engine, user, *OFFICERS)
    ids = overview.selected_ids(_data(engine, overview.version_of(engine)), filters)
    progress = targets.read_progress(engine)
    progress = progress[progress["enterprise"].isin(ids).to_numpy()]
    table = disclosure.suppress(metrics.on_track_share(progress))
    table.insert(0, "figure", "on track: " + table["indicator"].astype(str))
    elements = progress.rename(columns={"enterprise": "enterprise_id"})
    elements = elements.assign(element=disclosure.element_keys(elements, TARGET_ELEMENT),
                               figure="on track: " + elements["indicator"].astype(str))
    cells = disclosure.cell_sums("targets", elements, ["figure"])
    guarded, hidden = disclosure.guard(engine, {"targets": table}, cells, TARGETS_GUARDED, {})
    out = guarded["targets"].drop(columns="figure").reset_index(drop=True)
    out.attrs["hidden_as_too_close"] = hidden
    return out


#: each aggregated datapoint guarded as its own figure ("disclosure: scope2")
DISCLOSURES_GUARDED = [("disclosures", ["figure"])]


def programme_disclosures(engine: Engine, user: CurrentUser, filters: Filters = Filters()) -> pd.DataFrame:
    """The VSME and GRI datapoints over the enterprises ``filters`` select (``metrics.programme_datapoints``), for
    officers and admins: a datapoint from fewer than 3 enterprises is suppressed, and one whose enterprises (with
    their figures for it) differ by one or two from a figure shown before is hidden (``disclosure.guard``)."""
    user = require_role(engine, user, *OFFICERS)
    ids = overview.selected_ids(_data(engine, overview.version_of(engine)), filters)
    per = disclosures.per_enterprise(engine, ids)
    table = disclosure.suppress(metrics.programme_datapoints(per).astype({"value": float}))
    table["figure"] = "disclosure: " + table["key"].astype(str)
    counted = per.dropna(subset=["value"])
    counted = counted[~counted["unit"].astype(str).str.contains(" per ").to_numpy()]
    elements = counted.assign(indicator=counted["key"].astype(str), figure="disclosure: " + counted["key"].astype(str))
    keys = disclosure.element_keys(elements, ["enterprise_id", "indicator", "value", "days"])
    elements = elements.assign(element=keys)
    cells = disclosure.cell_sums("disclosures", elements, ["figure"])
    guarded, hidden = disclosure.guard(engine, {"disclosures": table}, cells, DISCLOSURES_GUARDED, {})
    out = guarded["disclosures"].drop(columns="figure").reset_index(drop=True)
    out.attrs["hidden_as_too_close"] = hidden
    return out


def filter_options(engine: Engine, user: CurrentUser) -> dict[str, list[str]]:
    """The values each filter of the overview offers (officers and admins)."""
    user = require_role(engine, user, *OFFICERS)
    return overview.filter_options(_data(engine, overview.version_of(engine)))


def database_averages(engine: Engine, user: CurrentUser, enterprise_id: int) -> pd.DataFrame:
    """Per indicator, over every enterprise with a baseline and a follow-up: ``enterprises``,
    ``mean_change``, ``median_change`` and ``mean_points`` (yield), the overview's own figures for
    all enterprises; for the report of ``enterprise_id``, which the user may read.

    Whoever reads the report knows that enterprise's figures (and a trainer those of every
    enterprise they support), so a figure is published only where it cannot be solved with them:

    * the mean (and mean points) where at least 3 enterprises *besides* the known ones take part:
      with exactly three, the mean, the median and one's own value gave the other two;
    * the median from 10 such enterprises up, as the overview's spread (a median of a handful of
      values is one of them);
    * neither where the enterprises behind it differ by one or two from a cell shown before, to
      anyone (``disclosure.guard``, the officers' memory): the mean before and after another
      enterprise's first follow-up would give its change away.

    A figure not published is NaN.
    """
    user = require_enterprise(engine, user, enterprise_id, reuse=True)
    every, headline, cells = _averages_headline(engine)
    table = headline[AVERAGE_COLUMNS + ["suppressed"]].copy()
    known = {int(enterprise_id)} | (set(user.enterprise_ids) if user.role in ("manager", "trainer") else set())
    counted = every[every["enterprise_id"].isin(known).to_numpy()]  # who counts: metrics' rule
    own = counted.groupby("indicator", observed=True).size()
    others = table["enterprises"] - table["indicator"].map(own).fillna(0).astype(int).to_numpy()
    table["suppressed"] = table["suppressed"].to_numpy(dtype=bool) | (others < MIN_CELL).to_numpy()
    for col in ("mean_change", "median_change", "mean_points"):
        table.loc[table["suppressed"].to_numpy(), col] = np.nan
    table.loc[(others < SPREAD_MIN).to_numpy(), "median_change"] = np.nan
    guarded, _ = disclosure.guard(engine, {"summary": table}, cells)
    return guarded["summary"][AVERAGE_COLUMNS].reset_index(drop=True)
