"""The programme overview for officers: honest aggregates, fast at scale, never one enterprise's figures.

Two halves:

* **Write side** - :func:`refresh` recomputes the precomputed table ``enterprise_summary`` (one row
  per enterprise, indicator and canonical unit: baseline and follow-up per-day rates, relative
  change, points, energy emissions, data-quality flags) for the enterprises a write touched. It
  runs inside the writer's transaction, so the summary is never behind the measurements.
  :func:`rebuild` does the same for every enterprise in bulk.
* **Read side** - :func:`load_data` reads the compact summary (no measurement is scanned) with
  the enterprises' attributes and memberships (modules, cohorts, trainers); :func:`build` is a
  pure function that applies the filters and computes every aggregate, suppressing any cell
  built from fewer than :data:`MIN_CELL` enterprises.

Definitions follow ``metrics.enterprise_changes`` / ``metrics.summarize`` (METHODS.md): mean and
median over enterprises of each one's relative change (unweighted), pooled = sum of follow-up
rates / sum of baseline rates - 1 (weighted by size; one unit only).
"""
from __future__ import annotations

import datetime as dt
import io
import threading
from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

import metrics
from tracker.auth import CurrentUser
from tracker.db import duckdb_view, session_scope
from tracker.models import AuditEntry, EnterpriseSummary

MIN_CELL = 3
FEWER = "fewer than 3"
#: follow-up / baseline beyond these is listed as an implausible jump (a unit slip, a typo)
JUMP_HIGH, JUMP_LOW = 10.0, 0.1
#: periods whose lengths differ by more than this factor are listed
PERIOD_RATIO = 3.0
DAYS_PER_YEAR = 365.0
#: the reference data behind emissions (named on the page and in exports)
FACTOR_SET = metrics.FACTOR_SET_VERSION
#: indicators shown first, the ones the programme reports averages for
HEADLINE = ("waste", "material_wasted", "energy")
FLAG_TEXT = {
    "no_followup": "baseline but no follow-up",
    "no_baseline": "follow-up but no baseline",
    "jump": "implausible jump (follow-up over 10x or under 0.1x the baseline)",
    "periods_differ": "baseline and follow-up periods of very different length (over 3x)",
    "no_emission_factor": "no emission factor for a carrier or the country",
}
EXTENSIVE = [k for k, v in metrics.INDICATORS.items() if v.kind == "extensive"]
SUMMARY_COLUMNS = [c.name for c in EnterpriseSummary.__table__.columns]


# --- write side -----------------------------------------------------------------------------

def _connection(obj) -> Connection:
    return obj.connection() if isinstance(obj, Session) else obj


def _read(conn: Connection, sql: str, ids: list[int] | None, id_column: str) -> pd.DataFrame:
    """Run ``sql`` (a SELECT) restricted to ``id_column`` in ``ids`` and return a DataFrame."""
    dialect = conn.dialect.name
    if dialect == "duckdb":
        raw = conn.connection.driver_connection
        if ids is None:
            return raw.execute(sql).df()
        with duckdb_view(conn, pd.DataFrame({"id": np.asarray(ids, dtype=np.int64)})) as name:
            return raw.execute(f"SELECT * FROM ({sql}) q WHERE q.{id_column.split('.')[-1]} IN "
                               f"(SELECT id FROM {name})").df()
    where = "" if ids is None else f" WHERE q.{id_column.split('.')[-1]} = ANY(%(ids)s)"
    result = conn.exec_driver_sql(f"SELECT * FROM ({sql}) q{where}", {"ids": [int(i) for i in ids]} if ids else {})
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _delete(conn: Connection, ids: list[int] | None) -> None:
    dialect = conn.dialect.name
    if ids is None:
        conn.exec_driver_sql("DELETE FROM enterprise_summary")
    elif dialect == "duckdb":
        with duckdb_view(conn, pd.DataFrame({"id": np.asarray(ids, dtype=np.int64)})) as name:
            conn.connection.driver_connection.execute(
                f"DELETE FROM enterprise_summary WHERE enterprise_id IN (SELECT id FROM {name})")
    else:
        conn.exec_driver_sql("DELETE FROM enterprise_summary WHERE enterprise_id = ANY(%(ids)s)",
                             {"ids": [int(i) for i in ids]})


def _insert(conn: Connection, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    cols = list(frame.columns)
    if conn.dialect.name == "duckdb":
        with duckdb_view(conn, frame) as name:
            conn.connection.driver_connection.execute(
                f"INSERT INTO enterprise_summary ({', '.join(cols)}) SELECT {', '.join(cols)} FROM {name}")
    elif conn.dialect.name == "postgresql":
        clean = frame.astype(object).where(frame.notna(), None)
        with conn.connection.driver_connection.cursor() as cur:
            with cur.copy(f"COPY enterprise_summary ({', '.join(cols)}) FROM STDIN") as copy:
                for rec in clean.itertuples(index=False, name=None):
                    copy.write_row(rec)
    else:  # pragma: no cover - any other SQLAlchemy database
        conn.execute(EnterpriseSummary.__table__.insert(),
                     frame.astype(object).where(frame.notna(), None).to_dict("records"))


MEASUREMENT_SQL = ("SELECT m.enterprise_id, e.country, m.period_start, m.period_end, m.phase, m.indicator, "
                   "m.carrier, m.value_canonical, m.unit_canonical FROM measurements m "
                   "JOIN enterprises e ON e.id = m.enterprise_id")
MEASUREMENT_COLUMNS = ["enterprise_id", "country", "period_start", "period_end", "phase", "indicator", "carrier",
                       "value_canonical", "unit_canonical"]


def refresh(session, enterprise_ids, *, complete: pd.DataFrame | None = None) -> int:
    """Recompute the summary rows of ``enterprise_ids`` (None: every enterprise) inside the
    caller's transaction (a Session or a Connection); returns the number of rows written.

    ``complete`` may hold *all* the measurements of some of these enterprises (those that had
    none stored before a bulk import), with the columns of ``MEASUREMENT_SQL``; they are not
    read back from the database.
    """
    conn = _connection(session)
    ids = None if enterprise_ids is None else sorted({int(i) for i in enterprise_ids})
    if ids is not None and not ids:
        return 0
    if complete is not None and ids is not None and len(complete):
        held = set(complete["enterprise_id"].unique().tolist())
        rest = [i for i in ids if i not in held]
        parts = [complete[MEASUREMENT_COLUMNS]]
        if rest:
            parts.append(_read(conn, MEASUREMENT_SQL, rest, "enterprise_id"))
        m = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    else:
        m = _read(conn, MEASUREMENT_SQL, ids, "enterprise_id")
    summary = compute_summary(m)
    _delete(conn, ids)
    _insert(conn, summary)
    return len(summary)


def rebuild(engine: Engine) -> int:
    """Recompute the whole summary table (after a restore or a bulk load); returns its rows."""
    with session_scope(engine) as session:
        return refresh(session, None)


def _emission_rates(m: pd.DataFrame) -> pd.DataFrame:
    """Per enterprise: kg CO2e per day at baseline and latest follow-up (biogenic excluded), with
    the per-day definitions of metrics.enterprise_changes; NaN where a factor is missing."""
    energy = m[m["indicator"].eq("energy").to_numpy()]
    out = pd.DataFrame(columns=["enterprise", "co2e_baseline", "co2e_followup", "no_factor"])
    if energy.empty:
        return out
    carriers = energy["carrier"].astype(str)
    fuel_ok = {}
    for c in carriers.unique():
        if c == "electricity":
            fuel_ok[c] = True
            continue
        try:
            metrics.emissions(1.0, c)
            fuel_ok[c] = True
        except (ValueError, metrics.UnitError):
            fuel_ok[c] = False
    countries = set(metrics.grid_factors()["iso2"].astype(str))
    ok = carriers.map(fuel_ok).astype(bool) & ~(carriers.eq("electricity")
                                                  & ~energy["country"].astype(str).str.upper().isin(countries))
    missing = set(energy.loc[~ok.to_numpy(), "enterprise"])
    usable = energy[ok.to_numpy() & ~energy["enterprise"].isin(missing).to_numpy()]
    if usable.empty:
        return pd.DataFrame({"enterprise": sorted(missing), "co2e_baseline": np.nan, "co2e_followup": np.nan,
                             "no_factor": True})
    em = metrics.emissions_frame(usable)
    em = em.assign(value_canonical=em["kg_co2e"].to_numpy(dtype=float), unit_canonical="kg CO2e")
    ch = metrics.enterprise_changes(em[["enterprise", "period_start", "period_end", "phase", "indicator", "carrier",
                                        "value_canonical", "unit_canonical"]])
    out = pd.DataFrame({"enterprise": ch["enterprise"].to_numpy(), "co2e_baseline": ch["baseline"].to_numpy(),
                        "co2e_followup": ch["followup"].to_numpy(), "no_factor": False})
    if missing:
        out = pd.concat([out, pd.DataFrame({"enterprise": sorted(missing), "co2e_baseline": np.nan,
                                            "co2e_followup": np.nan, "no_factor": True})], ignore_index=True)
    return out


def compute_summary(m: pd.DataFrame, now: dt.datetime | None = None) -> pd.DataFrame:
    """The summary rows for measurements ``m`` (columns enterprise_id, country, period_start,
    period_end, phase, indicator, carrier, value_canonical, unit_canonical): pure, no database."""
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    if m.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    m = m.rename(columns={"enterprise_id": "enterprise"})
    m["carrier"] = m["carrier"].fillna("").astype(str)
    m["unit_canonical"] = m["unit_canonical"].fillna("").astype(str)
    for col in ("period_start", "period_end"):
        m[col] = pd.to_datetime(m[col])
    keys = ["enterprise", "indicator", "unit_canonical"]
    present = (m.assign(has_baseline=m["phase"].eq("baseline"), has_followup=m["phase"].eq("follow-up"))
               .groupby(keys, sort=False, observed=True)[["has_baseline", "has_followup"]].any().reset_index())
    ch = metrics.enterprise_changes(m).rename(columns={"unit": "unit_canonical"})
    ch = ch[["enterprise", "indicator", "unit_canonical", "baseline", "followup", "relative_change", "points",
             "baseline_days", "followup_days", "followup_end"]]
    out = present.merge(ch, on=keys, how="left")
    em = _emission_rates(m)
    if not em.empty:
        em = em.assign(indicator="energy")
        out = out.merge(em, on=["enterprise", "indicator"], how="left")
    else:
        out = out.assign(co2e_baseline=np.nan, co2e_followup=np.nan, no_factor=False)
    # an enterprise's energy in several units (never, with canonical kWh) gets its emissions once
    out.loc[out["unit_canonical"].ne("kWh"), ["co2e_baseline", "co2e_followup"]] = np.nan

    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = out["followup"] / out["baseline"]
        periods = out["followup_days"] / out["baseline_days"]
    flags = {
        "no_followup": out["has_baseline"] & ~out["has_followup"],
        "no_baseline": ~out["has_baseline"] & out["has_followup"],
        "jump": (out["baseline"] > 0) & ((ratio > JUMP_HIGH) | (ratio < JUMP_LOW)),
        "periods_differ": (periods > PERIOD_RATIO) | (periods < 1 / PERIOD_RATIO),
        "no_emission_factor": out["no_factor"].eq(True),
    }
    text = pd.Series("", index=out.index, dtype=object)
    for name, mask in flags.items():
        mask = mask.fillna(False).astype(bool)
        text = text.where(~mask, np.where(text.eq(""), name, text + "," + name))
    return pd.DataFrame({
        "enterprise_id": out["enterprise"].astype(np.int64),
        "indicator": out["indicator"].astype(str),
        "unit": out["unit_canonical"].astype(str),
        "has_baseline": out["has_baseline"].astype(bool),
        "has_followup": out["has_followup"].astype(bool),
        "baseline": out["baseline"].astype(float),
        "followup": out["followup"].astype(float),
        "relative_change": out["relative_change"].astype(float),
        "points": out["points"].astype(float),
        "baseline_days": out["baseline_days"].astype("Int64"),
        "followup_days": out["followup_days"].astype("Int64"),
        "followup_end": pd.to_datetime(out["followup_end"]).dt.date.where(out["followup_end"].notna(), None),
        "co2e_baseline": out["co2e_baseline"].astype(float),
        "co2e_followup": out["co2e_followup"].astype(float),
        "flags": text.astype(str),
        "updated_at": now,
    })


# --- read side ------------------------------------------------------------------------------

def _require_officer(user: CurrentUser) -> None:
    from tracker.services import require_role

    require_role(user, "admin", "officer")


@dataclass(frozen=True)
class Filters:
    """What the officer picked; an empty tuple means everything. Within one filter any value
    matches; across filters all must match."""

    country: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    partner: tuple[str, ...] = ()
    module: tuple[str, ...] = ()
    cohort: tuple[str, ...] = ()
    trainer: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [f"{f.name}: {', '.join(getattr(self, f.name))}" for f in fields(self) if getattr(self, f.name)]
        return "; ".join(parts) or "all enterprises"


@dataclass
class OverviewData:
    """The compact frames the page aggregates (server side only: they hold per-enterprise rows)."""

    summary: pd.DataFrame
    enterprises: pd.DataFrame
    memberships: pd.DataFrame  # enterprise_id, kind (module, cohort, trainer), value
    reference: pd.DataFrame


def data_version(engine: Engine, user: CurrentUser) -> tuple:
    """A cheap fingerprint that changes with every write (the audit log and the summary): a
    cache keyed on it is cleared after writes by any process."""
    _require_officer(user)
    with session_scope(engine, readonly=True) as session:
        audit = session.scalar(select(func.max(AuditEntry.id)))
        rows, latest = session.execute(select(func.count(), func.max(EnterpriseSummary.updated_at))).one()
    return (audit, rows, str(latest))


def load_data(engine: Engine, user: CurrentUser) -> OverviewData:
    """Read the precomputed summary and the enterprises' attributes (officers and admins)."""
    from tracker.services import programme_reference

    _require_officer(user)
    with session_scope(engine, readonly=True) as session:
        conn = session.connection()
        summary = _read(conn, "SELECT enterprise_id, indicator, unit, has_baseline, has_followup, baseline, followup, "
                              "relative_change, points, followup_end, co2e_baseline, co2e_followup, flags "
                              "FROM enterprise_summary", None, "enterprise_id")
        ents = _read(conn, "SELECT e.id AS enterprise_id, e.name, e.country, e.sector, e.partner, "
                           "coalesce(t.modules, '') AS modules FROM enterprises e LEFT JOIN "
                           "(SELECT enterprise_id, string_agg(DISTINCT module, ', ' ORDER BY module) AS modules "
                           "FROM trainings GROUP BY enterprise_id) t ON t.enterprise_id = e.id", None, "enterprise_id")
        members = _read(conn, "SELECT enterprise_id, 'module' AS kind, module AS value FROM trainings "
                              "UNION SELECT enterprise_id, 'cohort' AS kind, cohort AS value FROM trainings "
                              "WHERE cohort <> '' "
                              "UNION SELECT ue.enterprise_id, 'trainer' AS kind, u.username AS value "
                              "FROM user_enterprises ue JOIN users u ON u.id = ue.user_id WHERE u.role = 'trainer'",
                        None, "enterprise_id")
    summary["enterprise_id"] = summary["enterprise_id"].astype(np.int64)
    for col in ("indicator", "unit", "flags"):
        summary[col] = summary[col].astype("category")
    end = pd.to_datetime(summary["followup_end"])
    summary["quarter"] = end.dt.to_period("Q").astype(str).where(end.notna(), None).astype("category")
    summary = summary.drop(columns=["followup_end"])
    for col in ("baseline", "followup", "relative_change", "points", "co2e_baseline", "co2e_followup"):
        summary[col] = summary[col].astype(float)
    summary["has_baseline"] = summary["has_baseline"].astype(bool)
    summary["has_followup"] = summary["has_followup"].astype(bool)
    _mark_counted(summary)
    ents["enterprise_id"] = ents["enterprise_id"].astype(np.int64)
    for col in ("country", "sector", "partner"):
        ents[col] = ents[col].fillna("").astype("category")
    members["enterprise_id"] = members["enterprise_id"].astype(np.int64)
    ents["modules"] = ents["modules"].fillna("").astype("category")
    members["kind"] = members["kind"].astype("category")
    members["value"] = members["value"].astype("category")
    return OverviewData(summary=summary, enterprises=ents.sort_values("name").reset_index(drop=True),
                        memberships=members, reference=programme_reference())


def _mark_counted(summary: pd.DataFrame) -> None:
    """Add ``counted``: True on one row per enterprise and indicator with a baseline and a
    follow-up (an indicator in two units is still one enterprise), so counts are sums."""
    both = (summary["has_baseline"] & summary["has_followup"]
            & (summary["relative_change"].notna() | summary["points"].notna())).to_numpy()
    counted = np.zeros(len(summary), dtype=bool)
    counted[both] = ~summary.loc[both].duplicated(["enterprise_id", "indicator"]).to_numpy()
    summary["counted"] = counted


def filter_options(data: OverviewData) -> dict[str, list[str]]:
    """The values each filter offers."""
    opts = {c: sorted(v for v in data.enterprises[c].astype(str).unique() if v) for c in ("country", "sector",
                                                                                          "partner")}
    for kind in ("module", "cohort", "trainer"):
        vals = data.memberships.loc[data.memberships["kind"] == kind, "value"].astype(str).unique()
        opts[kind] = sorted(v for v in vals if v)
    return opts


def selected_ids(data: OverviewData, filters: Filters) -> np.ndarray:
    """Ids of the enterprises the filters select."""
    ents = data.enterprises
    mask = np.ones(len(ents), dtype=bool)
    for col in ("country", "sector", "partner"):
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
    participants: pd.DataFrame = field(default_factory=pd.DataFrame)
    quality: pd.DataFrame = field(default_factory=pd.DataFrame)
    filters: Filters = field(default_factory=Filters)
    #: (table, key...) -> power sums of the ids of the enterprises behind that cell (see guard)
    cells: dict = field(default_factory=dict, repr=False)
    #: how many cells guard hid because they differ from cells shown before by 1 or 2 enterprises
    hidden_as_too_close: int = 0


def suppress(df: pd.DataFrame, count_col: str = "enterprises") -> pd.DataFrame:
    """Blank (NaN) every figure of a row built from fewer than MIN_CELL enterprises and add a
    boolean ``suppressed`` column. Counts stay: how many took part is not a secret."""
    out = df.copy()
    small = (out[count_col] < MIN_CELL).to_numpy() if len(out) else np.zeros(0, dtype=bool)
    for col in out.columns:
        if col != count_col and pd.api.types.is_float_dtype(out[col]):
            out.loc[small, col] = np.nan
    out["suppressed"] = small
    return out


def complement(df: pd.DataFrame, within: list[str], count_col: str = "enterprises",
               flag: str = "suppressed") -> pd.DataFrame:
    """Secondary suppression: where the hidden cells of a breakdown (per ``within`` group) hold
    fewer than MIN_CELL enterprises together, hide the smallest visible cells too, until they
    hold at least MIN_CELL. Otherwise the total minus the visible cells would give away the
    hidden one (a sector's mean of 7 enterprises, minus two quarters of 3, is the 7th's)."""
    if df.empty or not df[flag].any():
        return df
    out = df.copy()
    groups = [g.index for _, g in out.groupby(within, sort=False)] if within else [out.index]
    for index in groups:
        cells = out.loc[index]
        hidden = int(cells.loc[cells[flag], count_col].sum())
        if hidden == 0 or hidden >= MIN_CELL:
            continue
        for i in cells[~cells[flag]].sort_values(count_col, kind="stable").index:
            out.loc[i, flag] = True
            hidden += int(out.loc[i, count_col])
            if hidden >= MIN_CELL:
                break
    figures = [c for c in out.columns if c != count_col and pd.api.types.is_float_dtype(out[c])]
    out.loc[out[flag].to_numpy(), figures] = np.nan
    return out


#: fewest enterprises whose spread (quantiles) is shown: five quantiles and a mean of a handful
#: of values can be solved for each value
SPREAD_MIN = 10


def _aggregate(s: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """mean, median, pooled change (and mean points for yield) per ``by`` + indicator."""
    cols = by + ["indicator", "unit", "enterprises", "mean_change", "median_change", "pooled_change", "mean_points"]
    if s.empty:
        return suppress(pd.DataFrame({c: pd.Series(dtype=float if c.endswith(("change", "points")) else object)
                                      for c in cols}).astype({"enterprises": int}))
    extensive = s["indicator"].isin(EXTENSIVE).to_numpy()
    s = s.assign(b_pool=s["baseline"].where(extensive), f_pool=s["followup"].where(extensive))
    g = s.groupby(by + ["indicator"], observed=True, sort=True)
    out = g.agg(unit=("unit", "first"), units=("unit", "nunique"), enterprises=("counted", "sum"),
                mean_change=("relative_change", "mean"), median_change=("relative_change", "median"),
                mean_points=("points", "mean"), b=("b_pool", "sum"), f=("f_pool", "sum"),
                n_pool=("b_pool", "count")).reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = out["f"] / out["b"] - 1
    out["enterprises"] = out["enterprises"].astype(int)
    out["pooled_change"] = pooled.where((out["units"] == 1) & (out["n_pool"] > 0) & (out["b"] > 0))
    out["unit"] = out["unit"].astype(str).where(out["units"] == 1, "mixed")
    for col in by + ["indicator"]:
        out[col] = out[col].astype(str)
    out["mean_points"] = out["mean_points"].astype(float)
    return suppress(out[cols])


def _order(df: pd.DataFrame) -> pd.DataFrame:
    rank = {k: i for i, k in enumerate(list(HEADLINE) + [k for k in metrics.INDICATORS if k not in HEADLINE])}
    return df.sort_values("indicator", key=lambda s: s.map(rank).fillna(99), kind="stable").reset_index(drop=True)


def build(data: OverviewData, filters: Filters = Filters(), *, listed: int = 300) -> ProgrammeOverview:
    """Every aggregate of the overview for the enterprises ``filters`` select (pure function).

    ``listed`` caps the rows of the participant and data-quality lists (their totals are counted
    in full)."""
    ids = selected_ids(data, filters)
    if "counted" not in data.summary.columns:
        _mark_counted(data.summary)
    ents = data.enterprises[data.enterprises["enterprise_id"].isin(ids)]
    s_all = data.summary[data.summary["enterprise_id"].isin(ids).to_numpy()]
    both = s_all[(s_all["has_baseline"] & s_all["has_followup"]).to_numpy()]
    both = both[both["relative_change"].notna().to_numpy() | both["points"].notna().to_numpy()]
    attrs = ents.set_index("enterprise_id")[["country", "sector"]]
    both = both.join(attrs, on="enterprise_id")

    summary = _order(_aggregate(both, []))
    summary = summary.merge(data.reference[["indicator", "reported_mean_change"]], on="indicator", how="left")
    by_country = complement(_aggregate(both, ["country"]), ["indicator"])
    by_sector = complement(_aggregate(both, ["sector"]), ["indicator"])
    over_time = complement(_aggregate(both.dropna(subset=["quarter"]), ["quarter"]), ["indicator"]).rename(
        columns={"quarter": "followup_quarter"})

    # distribution of each enterprise's change: quantiles only, never the points themselves
    rc = both.dropna(subset=["relative_change"])
    if rc.empty:
        dist = pd.DataFrame(columns=["indicator", "enterprises", "p05", "q1", "median", "q3", "p95", "mean"])
    else:
        g = rc.groupby("indicator", observed=True)["relative_change"]
        q = g.quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
        q.columns = ["p05", "q1", "median", "q3", "p95"]
        n = rc.groupby("indicator", observed=True)["counted"].sum().astype(int).rename("enterprises")
        dist = pd.concat([n, q, g.mean().rename("mean")], axis=1).reset_index()
        dist["indicator"] = dist["indicator"].astype(str)
    dist = dist.astype({c: float for c in dist.columns if c not in ("indicator", "enterprises")})
    distribution = suppress(dist)
    spread = ["p05", "q1", "median", "q3", "p95", "mean"]
    few = (distribution["enterprises"] < SPREAD_MIN).to_numpy()
    distribution.loc[few, spread] = np.nan
    distribution["suppressed"] = few
    distribution = _order(distribution)

    # energy and emissions avoided, annualised: (baseline - follow-up per-day rate) x 365
    en = both[(both["indicator"] == "energy").to_numpy() & (both["unit"] == "kWh").to_numpy()]
    co2 = en.dropna(subset=["co2e_baseline", "co2e_followup"])
    impacts = suppress(pd.DataFrame({
        "figure": ["energy avoided", "emissions avoided"],
        "unit": ["MWh per year", "t CO2e per year"],
        "enterprises": [en["enterprise_id"].nunique(), co2["enterprise_id"].nunique()],
        "baseline": [en["baseline"].sum() * DAYS_PER_YEAR / 1000, co2["co2e_baseline"].sum() * DAYS_PER_YEAR / 1000],
        "avoided": [(en["baseline"] - en["followup"]).sum() * DAYS_PER_YEAR / 1000,
                    (co2["co2e_baseline"] - co2["co2e_followup"]).sum() * DAYS_PER_YEAR / 1000],
    }))
    if en.empty:
        ibc = pd.DataFrame({"country": pd.Series(dtype=str), "enterprises": pd.Series(dtype=int),
                            "energy_avoided_mwh_per_year": pd.Series(dtype=float),
                            "emissions_avoided_t_per_year": pd.Series(dtype=float)})
    else:
        e2 = en.assign(saved=(en["baseline"] - en["followup"]) * DAYS_PER_YEAR / 1000,
                       co2_saved=(en["co2e_baseline"] - en["co2e_followup"]) * DAYS_PER_YEAR / 1000)
        e2["co2_from"] = e2["enterprise_id"].where(e2["co2_saved"].notna())
        ibc = (e2.groupby("country", observed=True)
               .agg(enterprises=("enterprise_id", "nunique"), energy_avoided_mwh_per_year=("saved", "sum"),
                    emissions_avoided_t_per_year=("co2_saved", lambda v: v.sum(min_count=1)),
                    co2_enterprises=("co2_from", "nunique")).reset_index())
        ibc["country"] = ibc["country"].astype(str)
    if "co2_enterprises" not in ibc.columns:
        ibc["co2_enterprises"] = pd.Series(dtype=int)
    # emissions have their own contributors (a country's electricity without a grid factor has
    # none): a cell of fewer than 3 of them is hidden, and hidden cells are complemented, for
    # energy and for emissions alike, against the totals shown above
    impacts_by_country = complement(suppress(ibc), [])
    co2_hidden = (impacts_by_country["co2_enterprises"] < MIN_CELL) | impacts_by_country["suppressed"]
    emissions = complement(impacts_by_country[["co2_enterprises", "emissions_avoided_t_per_year"]]
                           .assign(suppressed=co2_hidden.to_numpy()), [], count_col="co2_enterprises")
    impacts_by_country["emissions_avoided_t_per_year"] = emissions["emissions_avoided_t_per_year"]
    impacts_by_country = impacts_by_country.drop(columns="co2_enterprises")

    # who takes part: names, country, sector, modules, completeness; never a figure
    counts = (s_all.assign(complete=s_all["has_baseline"] & s_all["has_followup"])
              .groupby("enterprise_id", observed=True).agg(indicators=("indicator", "size"),
                                                           complete=("complete", "sum")))
    participants = ents[["enterprise_id", "name", "country", "sector", "partner", "modules"]].copy()
    c = counts.reindex(participants["enterprise_id"])
    n_ind, n_ok = c["indicators"].to_numpy(), c["complete"].to_numpy()
    participants["data_completeness"] = np.where(
        np.isnan(n_ind), "no figures yet",
        pd.Series(np.nan_to_num(n_ok)).astype(int).astype(str).to_numpy() + " of "
        + pd.Series(np.nan_to_num(n_ind)).astype(int).astype(str).to_numpy() + " indicators with baseline and follow-up")
    with_data = int(counts.index.nunique())
    participants = participants.drop(columns="enterprise_id")
    total = len(participants)
    for col in ("country", "sector", "partner", "modules"):
        participants[col] = participants[col].head(listed).astype(str)
    participants = participants.head(listed).reset_index(drop=True)
    participants.attrs["total"] = total

    # data quality: which enterprise to follow up, and why (no figures shown)
    flagged = s_all[(s_all["flags"] != "").to_numpy()]
    if flagged.empty:
        quality = pd.DataFrame(columns=["enterprise", "country", "indicator", "issue"])
    else:
        f = flagged[["enterprise_id", "indicator", "flags"]].assign(flags=flagged["flags"].astype(str).str.split(","))
        f = f.explode("flags")
        names = ents.set_index("enterprise_id")
        quality = pd.DataFrame({
            "enterprise": f["enterprise_id"].map(names["name"]).to_numpy(),
            "country": f["enterprise_id"].map(names["country"]).astype(str).to_numpy(),
            "indicator": f["indicator"].astype(str).to_numpy(),
            "issue": f["flags"].map(FLAG_TEXT).fillna(f["flags"]).to_numpy(),
        }).sort_values(["issue", "enterprise", "indicator"]).reset_index(drop=True)
    issue_counts = quality["issue"].value_counts().to_dict() if len(quality) else {}
    total = len(quality)
    quality = quality.head(listed)
    quality.attrs.update(counts=issue_counts, total=total)

    cells = {}
    counted = both[both["counted"].to_numpy()]
    for table, frame, keys in [("summary", counted, ["indicator"]), ("by_country", counted, ["country", "indicator"]),
                               ("by_sector", counted, ["sector", "indicator"]),
                               ("over_time", counted.dropna(subset=["quarter"]), ["quarter", "indicator"]),
                               ("distribution", counted[counted["relative_change"].notna().to_numpy()], ["indicator"])]:
        cells.update(_cell_sums(table, frame, keys))
    impact_rows = [("energy avoided", en), ("emissions avoided", co2)]
    for figure, frame in impact_rows:
        cells.update(_cell_sums("impacts", frame.assign(figure=figure), ["figure"]))
    cells.update(_cell_sums("impacts_by_country", en, ["country"]))

    return ProgrammeOverview(
        enterprises=len(ents), enterprises_with_data=with_data, countries=int(ents["country"].nunique()),
        sectors=int(ents.loc[(ents["sector"] != "").to_numpy(), "sector"].nunique()), summary=summary,
        by_country=by_country, distribution=distribution, reference=data.reference, by_sector=by_sector,
        over_time=over_time, impacts=impacts, impacts_by_country=impacts_by_country, participants=participants,
        quality=quality, filters=filters, cells=cells)


def programme_overview(engine: Engine, user: CurrentUser, filters: Filters = Filters()) -> ProgrammeOverview:
    """Programme aggregates for officers and admins; cells under 3 enterprises are suppressed, and
    so are cells that differ by 1 or 2 enterprises from cells this user was shown (:func:`guard`)."""
    version = data_version(engine, user)
    return guard(build(load_data(engine, user), filters), user, version)


# --- differencing ---------------------------------------------------------------------------
#
# Two aggregates whose enterprises differ by one or two (a sector, then the same sector without
# one country) give those enterprises' figures away by subtraction, each cell being large
# enough on its own. guard() remembers, per user and data version, the cells it has shown, and
# hides a new cell whose enterprises differ from a shown one's by fewer than MIN_CELL. A cell is
# remembered by the power sums of its enterprise ids (count, sum of ids, of squares, of cubes):
# four integers, whatever its size, from which a difference of one or two ids can be recognised
# exactly (a set differs from another by {x} when the sums differ by x, x^2, x^3, and so on).
# It stops the direct attack, two cells one or two enterprises apart. It does not audit every
# linear combination of three or more shown cells (a total, minus a country's cell, minus
# another's, can still isolate a third country's enterprise across pages): that needs a query
# auditor over the span of everything shown, which this does not attempt.

_ID_LIMIT = 1 << 21  # cubes of ids below this fit in int64


def _cell_sums(table: str, frame: pd.DataFrame, keys: list[str]) -> dict:
    """{(table, key...): (n, sum id, sum id^2, sum id^3)} for the enterprises behind each cell."""
    if frame.empty:
        return {}
    ids = frame["enterprise_id"].to_numpy(dtype=np.int64)
    if ids.max(initial=0) >= _ID_LIMIT:  # pragma: no cover - exact big integers, slowly
        cube = [int(i) ** 3 for i in ids]
        hi, lo = np.array([c >> 32 for c in cube], dtype=object), np.array([c & 0xFFFFFFFF for c in cube], dtype=object)
    else:
        cube = ids * ids * ids
        hi, lo = cube >> 32, cube & 0xFFFFFFFF
    parts = pd.DataFrame({"n": 1, "s1": ids, "s2": ids * ids, "hi": hi, "lo": lo}, index=frame.index)
    sums = parts.groupby([frame[k] for k in keys], sort=False, observed=True).sum()  # keys as they are: no
    out = {}                                                                         # text per row
    for key, n, s1, s2, h, lo_ in zip(sums.index, *(sums[c].tolist() for c in ("n", "s1", "s2", "hi", "lo"))):
        key = key if isinstance(key, tuple) else (key,)
        out[(table,) + tuple(str(k) for k in key)] = (int(n), int(s1), int(s2), (int(h) << 32) + int(lo_))
    return out


def differ_by_one_or_two(a: tuple, b: tuple) -> bool:
    """True when the id sets behind power sums ``a`` and ``b`` differ by exactly one or two ids
    (added, removed, or one swapped for another). Never False for such sets; True otherwise
    only for rare sets that mimic one (which are then hidden too: the safe side)."""
    from math import isqrt

    d0, d1, d2, d3 = (x - y for x, y in zip(a, b))
    if d0 == d1 == d2 == d3 == 0 or abs(d0) > 2:
        return False
    if d0 < 0:  # the same question the other way round
        d0, d1, d2, d3 = -d0, -d1, -d2, -d3
    if d0 == 1:  # one id x added
        return d1 > 0 and d2 == d1 * d1 and d3 == d1 ** 3
    if d0 == 2:  # two ids x, y added: x + y = d1, x^2 + y^2 = d2
        twice_xy = d1 * d1 - d2
        if twice_xy <= 0 or twice_xy % 2:
            return False
        disc = d1 * d1 - 2 * twice_xy
        root = isqrt(disc) if disc >= 0 else -1
        if root < 0 or root * root != disc or (d1 + root) % 2:
            return False
        x, y = (d1 + root) // 2, (d1 - root) // 2
        return y > 0 and x ** 3 + y ** 3 == d3
    # d0 == 0: id x in place of id y: x - y = d1, x^2 - y^2 = d2
    if d1 == 0 or d2 % d1 or (d2 // d1 + d1) % 2:
        return False
    x, y = (d2 // d1 + d1) // 2, (d2 // d1 - d1) // 2
    return x > 0 and y > 0 and x ** 3 - y ** 3 == d3


class _Shown:
    """The cells one user has been shown for one data version, per figure (an indicator's
    change, energy avoided...): only the same figure over two sets can be subtracted."""

    def __init__(self, version):
        self.version = version
        self.sums: dict[tuple[str, int], set[tuple]] = {}  # (figure, enterprises) -> cells

    def too_close(self, figure: str, cell: tuple) -> bool:
        return any(differ_by_one_or_two(cell, other)
                   for n in range(cell[0] - 2, cell[0] + 3) for other in self.sums.get((figure, n), ()))

    def add(self, figure: str, cell: tuple) -> None:
        self.sums.setdefault((figure, cell[0]), set()).add(cell)


_shown: dict[str, _Shown] = {}
_shown_lock = threading.Lock()
_SHOWN_USERS = 1000


def forget_shown() -> None:
    """Forget what every user has been shown (tests; a restart does the same)."""
    with _shown_lock:
        _shown.clear()


#: the tables guard checks, in the order they are shown, with their key columns
GUARDED = [("summary", ["indicator"]), ("distribution", ["indicator"]), ("impacts", ["figure"]),
           ("by_country", ["country", "indicator"]), ("by_sector", ["sector", "indicator"]),
           ("over_time", ["followup_quarter", "indicator"]), ("impacts_by_country", ["country"])]


def guard(ov: ProgrammeOverview, user: CurrentUser, version) -> ProgrammeOverview:
    """``ov`` with every cell hidden that differs by one or two enterprises from a cell shown to
    ``user`` before (same data version) or shown above it; remembers what it lets through.
    Breakdowns are complemented again (:func:`complement`) after hiding."""
    with _shown_lock:
        shown = _shown.pop(user.username, None)
        if shown is None or shown.version != version:
            shown = _Shown(version)
        _shown[user.username] = shown  # most recent last
        while len(_shown) > _SHOWN_USERS:
            _shown.pop(next(iter(_shown)))
        tables, hidden = {}, 0
        for name, keys in GUARDED:
            df = getattr(ov, name)
            if df is None or df.empty or "suppressed" not in df.columns:
                continue
            df = df.copy()
            for i in np.flatnonzero(~df["suppressed"].to_numpy(dtype=bool)):
                row = df.iloc[i]
                cell = ov.cells.get((name,) + tuple(str(row[k]) for k in keys))
                if cell is None:
                    continue
                figure = str(row["indicator"]) if "indicator" in keys else str(row.get("figure", "energy avoided"))
                if shown.too_close(figure, cell):  # before, or above on this page
                    df.iloc[i, df.columns.get_loc("suppressed")] = True
                    hidden += 1
                else:
                    shown.add(figure, cell)
            if hidden:
                figures = [c for c in df.columns if c not in ("enterprises", "reported_mean_change")
                           and pd.api.types.is_float_dtype(df[c])]
                df.loc[df["suppressed"].to_numpy(dtype=bool), figures] = np.nan
                if name in ("by_country", "by_sector", "over_time"):
                    df = complement(df, ["indicator"])
                elif name == "impacts_by_country":
                    df = complement(df, [])
            tables[name] = df
    return replace(ov, hidden_as_too_close=hidden, **tables)


# --- export ---------------------------------------------------------------------------------

def export_tables(ov: ProgrammeOverview) -> dict[str, pd.DataFrame]:
    """The aggregate tables as exported: changes in percent, suppressed cells as "fewer than 3",
    text a spreadsheet would run as a formula (a sector called ``=HYPERLINK(...)``) made inert."""
    from tracker.io import neutralise

    def shown(df: pd.DataFrame, pct: list[str]) -> pd.DataFrame:
        hidden = df["suppressed"].to_numpy(dtype=bool) if "suppressed" in df.columns else np.zeros(len(df), bool)
        out = {}
        for col in df.columns:
            if col == "suppressed":
                continue
            values = df[col]
            is_figure = col in pct or pd.api.types.is_float_dtype(values)
            if not is_figure:
                out[col] = values.astype(object).map(neutralise).to_numpy()
                continue
            scale = 100 if col in pct else 1
            cells = [None if v is None or v != v else round(float(v) * scale, 2 if scale == 100 else 3)
                     for v in values]
            if col != "reported_mean_change":  # the programme's published figure is no enterprise's
                cells = [FEWER if h else c for h, c in zip(hidden, cells)]
            out[f"{col}_pct" if col in pct else col] = cells
        return pd.DataFrame(out, columns=list(out))

    change_cols = ["mean_change", "median_change", "pooled_change", "reported_mean_change"]
    return {
        "change per indicator": shown(ov.summary, change_cols),
        "by country": shown(ov.by_country, change_cols),
        "by sector": shown(ov.by_sector, change_cols),
        "over time": shown(ov.over_time, change_cols),
        "distribution": shown(ov.distribution, ["p05", "q1", "median", "q3", "p95", "mean"]),
        "energy and emissions": shown(ov.impacts, []),
        "energy by country": shown(ov.impacts_by_country, []),
    }


def export_csv(ov: ProgrammeOverview) -> bytes:
    """All aggregate tables in one CSV (a ``table`` column names each), filters stated first."""
    from tracker.io import neutralise

    parts = [pd.DataFrame({"table": ["filters"], "value": [neutralise(ov.filters.describe())]})]
    parts += [t.assign(table=name)[["table"] + list(t.columns)] for name, t in export_tables(ov).items()]
    return pd.concat(parts, ignore_index=True).to_csv(index=False).encode("utf-8")


def export_excel(ov: ProgrammeOverview) -> bytes:
    """The aggregate tables as an Excel workbook: a sheet per table, the filters on the first."""
    from tracker.io import neutralise

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        pd.DataFrame({"filters": [neutralise(ov.filters.describe())],
                      "rule": [f"cells from {FEWER} enterprises are suppressed"]}).to_excel(
            xl, sheet_name="filters", index=False)
        for name, t in export_tables(ov).items():
            t.to_excel(xl, sheet_name=name[:31], index=False)
    return buf.getvalue()
