"""The table ``enterprise_summary``, write side: what the programme overview aggregates.

One row per enterprise, indicator and canonical unit: baseline and follow-up per-day rates,
relative change, points, energy emissions and data-quality flags. :func:`refresh` recomputes the
rows of the enterprises a write touched, inside the writer's transaction, so the summary is
never behind the measurements; :func:`rebuild` does the same for every enterprise in bulk.

Definitions follow ``metrics.enterprise_changes`` (METHODS.md).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

import metrics
from metrics.i18n import N_
from tracker.db import ROW_GROUP, bulk_insert, delete_ids, read_frame, session_scope
from tracker.models import EnterpriseSummary

#: follow-up / baseline beyond these is listed as an implausible jump (a unit slip, a typo)
JUMP_HIGH, JUMP_LOW = 10.0, 0.1
#: periods whose lengths differ by more than this factor are listed
PERIOD_RATIO = 3.0
#: what each data-quality flag means, as the overview lists it
#: (English, marked for extraction: shown through _)
FLAG_TEXT = {
    "no_followup": N_("baseline but no follow-up"),
    "no_baseline": N_("follow-up but no baseline"),
    "jump": N_("implausible jump (follow-up over 10x or under 0.1x the baseline)"),
    "periods_differ": N_("baseline and follow-up periods of very different length (over 3x)"),
    "no_emission_factor": N_("no emission factor for a carrier or the country"),
    "zero_baseline": N_("baseline of 0: no relative change, so left out of the programme's figures"),
    "months_differ": N_("follow-up months of the year differ from the baseline's (season not compared like with "
                        "like)"),
    "extrapolated": N_("energy avoided a year extrapolated from a follow-up shorter than a year"),
}
SUMMARY_COLUMNS = [c.name for c in EnterpriseSummary.__table__.columns]
MEASUREMENT_SQL = ("SELECT m.enterprise_id, e.country, m.period_start, m.period_end, m.phase, m.indicator, "
                   "m.carrier, m.value_canonical, m.unit_canonical FROM measurements m "
                   "JOIN enterprises e ON e.id = m.enterprise_id")
MEASUREMENT_COLUMNS = ["enterprise_id", "country", "period_start", "period_end", "phase", "indicator", "carrier",
                       "value_canonical", "unit_canonical"]


#: figures that explain others and are no result (degree days): the summary keeps no row of them
DRIVERS = [name for name, ind in metrics.INDICATORS.items() if ind.kind == "driver"]

#: enterprises recomputed at a time, so that a bulk import or a rebuild holds a bounded piece
REFRESH_BATCH = 10_000


def refresh(session, enterprise_ids, *, complete: pd.DataFrame | None = None) -> int:
    """Recompute the summary rows of ``enterprise_ids`` (None: every enterprise) inside the
    caller's transaction (a Session or a Connection); returns the number of rows written.

    ``complete`` may hold *all* the measurements of some of these enterprises (those that had
    none stored before a bulk import), with the columns ``MEASUREMENT_COLUMNS``; they are not
    read back from the database. Enterprises are recomputed :data:`REFRESH_BATCH` at a time, their
    rows inserted :data:`~tracker.db.ROW_GROUP` or more at a time (so that DuckDB writes them to
    the file before the commit instead of holding them in memory).
    """
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if enterprise_ids is None:
        delete_ids(session, "enterprise_summary", "enterprise_id", None)
        ids = sorted(read_frame(session, "SELECT DISTINCT enterprise_id FROM measurements")["enterprise_id"].tolist())
    else:
        ids = sorted({int(i) for i in enterprise_ids})
        if ids:
            delete_ids(session, "enterprise_summary", "enterprise_id", ids)
    if complete is not None and len(complete):
        if not complete["enterprise_id"].is_monotonic_increasing:  # a file lists each enterprise's rows together
            complete = complete.sort_values("enterprise_id", kind="stable")  # a copy: not when sorted already
        held = complete["enterprise_id"].to_numpy()
    written, pending = 0, []  # summary rows computed and not yet inserted
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = ids[start:start + REFRESH_BATCH]
        parts, batch_rest = [], batch
        if complete is not None and len(complete):
            lo, hi = np.searchsorted(held, batch[0], side="left"), np.searchsorted(held, batch[-1], side="right")
            if hi > lo:
                parts.append(complete.iloc[lo:hi][MEASUREMENT_COLUMNS])
                batch_rest = sorted(set(batch) - set(np.unique(held[lo:hi]).tolist()))
        if batch_rest:
            parts.append(read_frame(session, MEASUREMENT_SQL, batch_rest, "enterprise_id"))
        m = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
        pending.append(compute_summary(m, now))
        del m, parts
        if sum(map(len, pending)) >= ROW_GROUP:
            written += _insert(session, pending)
    return written + _insert(session, pending)


def _insert(session, pending: list[pd.DataFrame]) -> int:
    """Insert the summary rows ``pending`` in one statement (and empty the list); returns their number."""
    parts = [p for p in pending if len(p)]
    pending.clear()
    if not parts:
        return 0
    rows = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    bulk_insert(session, "enterprise_summary", rows)
    return len(rows)


def rebuild(engine: Engine) -> int:
    """Recompute the whole summary table (after a restore or a bulk load); returns its rows."""
    with session_scope(engine) as session:
        return refresh(session, None)


EMISSION_RATE_COLUMNS = ["co2e_baseline", "co2e_followup", "scope1_baseline", "scope1_followup",
                         "scope2_baseline", "scope2_followup"]


def _emission_rates(m: pd.DataFrame) -> pd.DataFrame:
    """Per enterprise: kg CO2e per day at baseline and latest follow-up, in total and by scope
    (scope 1 fuels, scope 2 electricity; biogenic CO2 excluded), with the per-day definitions of
    metrics.enterprise_changes; NaN where a factor is missing."""
    energy = m[m["indicator"].eq("energy").to_numpy()]
    out = pd.DataFrame(columns=["enterprise", *EMISSION_RATE_COLUMNS, "no_factor"])
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
    ok = carriers.map(fuel_ok).astype(bool).to_numpy() & ~(
        carriers.eq("electricity").to_numpy() & ~metrics.grid_factor_known(energy["country"].astype(str)))
    missing = set(energy.loc[~ok, "enterprise"])
    usable = energy[ok & ~energy["enterprise"].isin(missing).to_numpy()]
    gone = pd.DataFrame({"enterprise": sorted(missing), **{c: np.nan for c in EMISSION_RATE_COLUMNS},
                         "no_factor": True})
    if usable.empty:
        return gone
    em = metrics.emissions_frame(usable)
    cols = ["enterprise", "period_start", "period_end", "phase", "carrier"]
    # each energy row once per scope (0 in the other), so both scopes have the phases energy has
    scoped = pd.concat([em[cols].assign(indicator=name, value_canonical=em[col].to_numpy(dtype=float),
                                        unit_canonical="kg CO2e")
                        for name, col in (("scope1", "scope1_kg_co2e"), ("scope2", "scope2_kg_co2e"))],
                       ignore_index=True)
    ch = metrics.enterprise_changes(scoped)
    wide = ch.pivot(index="enterprise", columns="indicator", values=["baseline", "followup"])
    out = pd.DataFrame({"enterprise": wide.index.to_numpy()})
    for scope in ("scope1", "scope2"):
        for phase in ("baseline", "followup"):
            # no enterprise with both phases of energy: no column, and no row either
            out[f"{scope}_{phase}"] = (wide[(phase, scope)].to_numpy(dtype=float) if (phase, scope) in wide.columns
                                       else np.full(len(out), np.nan))
    out["co2e_baseline"] = out["scope1_baseline"] + out["scope2_baseline"]
    out["co2e_followup"] = out["scope1_followup"] + out["scope2_followup"]
    out["no_factor"] = False
    out = out[["enterprise", *EMISSION_RATE_COLUMNS, "no_factor"]]
    return pd.concat([out, gone], ignore_index=True) if missing else out


def compute_summary(m: pd.DataFrame, now: dt.datetime | None = None) -> pd.DataFrame:
    """The summary rows for measurements ``m`` (columns enterprise_id, country, period_start,
    period_end, phase, indicator, carrier, value_canonical, unit_canonical): pure, no database."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if m.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    m = m.rename(columns={"enterprise_id": "enterprise"})
    m["carrier"] = m["carrier"].fillna("").astype(str)
    m["unit_canonical"] = m["unit_canonical"].fillna("").astype(str)
    for col in ("period_start", "period_end"):  # dates as PostgreSQL returns them; datetime64 is kept
        m[col] = pd.to_datetime(m[col])
    regression = metrics.regression_rows(m)
    # degree days explain energy use in the regression only: no row, no flag of their own
    m = m[~m["indicator"].isin(DRIVERS).to_numpy()]
    if m.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    keys = ["enterprise", "indicator", "unit_canonical"]
    present = (m.assign(has_baseline=m["phase"].eq("baseline"), has_followup=m["phase"].eq("follow-up"))
               .groupby(keys, sort=False, observed=True)[["has_baseline", "has_followup"]].any().reset_index())
    changes = metrics.enterprise_changes(m)
    ch = changes.rename(columns={"unit": "unit_canonical"})
    ch = ch[["enterprise", "indicator", "unit_canonical", "baseline", "followup", "relative_change", "points",
             "baseline_days", "followup_days", "followup_end"]]
    out = present.merge(ch, on=keys, how="left")
    em = _emission_rates(m)
    if not em.empty:
        em = em.assign(indicator="energy")
        out = out.merge(em, on=["enterprise", "indicator"], how="left")
    else:
        out = out.assign(**{c: np.nan for c in EMISSION_RATE_COLUMNS}, no_factor=False)
    # an enterprise's energy in several units (never, with canonical kWh) gets its emissions once
    out.loc[out["unit_canonical"].ne("kWh"), EMISSION_RATE_COLUMNS] = np.nan
    comparable = metrics.comparability(m).set_index("enterprise")
    # .eq(True): an enterprise missing from the comparison (NaN) is neither, without a bool fill of floats
    out = out.assign(months_differ=out["enterprise"].map(~comparable["same_months"]).eq(True)
                     & out["has_baseline"] & out["has_followup"],
                     extrapolated=out["enterprise"].map(comparable["extrapolated"]).eq(True)
                     & out["indicator"].eq("energy") & out["has_baseline"] & out["has_followup"])
    rows = _summary_rows(out, now)
    parts = [rows, _normalised_rows(changes, out, now), _regression_rows(regression, now)]
    return pd.concat([p for p in parts if len(p)], ignore_index=True)


def _regression_rows(regression: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    """One row per enterprise with a valid regression baseline (``metrics.regression_rows``): expected and actual
    energy a day over its follow-up as baseline and follow-up, the savings' 95 % half-width a day in
    ``savings_uncertainty``; no emissions, no flag."""
    if regression.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = regression["followup"] / regression["baseline"] - 1
    out = regression.assign(indicator=metrics.REGRESSION_ROW, unit_canonical="kWh", has_baseline=True,
                            has_followup=True, relative_change=relative, points=np.nan, no_factor=False,
                            **{c: np.nan for c in EMISSION_RATE_COLUMNS})
    rows = _summary_rows(out, now)
    rows["flags"] = ""
    rows["savings_uncertainty"] = regression["savings_uncertainty"].astype(float).to_numpy()
    return rows


def _normalised_rows(changes: pd.DataFrame, out: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    """The per-unit-of-production rows (``metrics.normalised_changes``): the production-adjusted
    baseline and the follow-up in the indicator's unit per day; energy's emissions adjusted alike
    (baseline emissions x follow-up production / baseline production). No data-quality flag: the
    indicator's own row carries it."""
    norm = metrics.normalised_changes(changes)
    if norm.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    energy = out[out["indicator"].eq("energy").to_numpy() & out["unit_canonical"].eq("kWh").to_numpy()]
    # each scope and the total alike: the baseline x follow-up production / baseline production
    adjusted = metrics.adjusted_emissions(norm, energy.set_index("enterprise")[EMISSION_RATE_COLUMNS])
    norm = norm.assign(unit_canonical=norm["unit"], has_baseline=True, has_followup=True, no_factor=False,
                       **adjusted)
    rows = _summary_rows(norm, now)
    rows["flags"] = ""
    return rows


def _summary_rows(out: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    """The table's columns from the merged changes, with the data-quality flags."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = out["followup"] / out["baseline"]
        periods = out["followup_days"] / out["baseline_days"]
    flags = {
        "no_followup": out["has_baseline"] & ~out["has_followup"],
        "no_baseline": ~out["has_baseline"] & out["has_followup"],
        "jump": (out["baseline"] > 0) & ((ratio > JUMP_HIGH) | (ratio < JUMP_LOW)),
        "periods_differ": (periods > PERIOD_RATIO) | (periods < 1 / PERIOD_RATIO),
        "no_emission_factor": out["no_factor"].eq(True),
        "zero_baseline": out["baseline"].eq(0) & out["followup"].notna(),
        "months_differ": out.get("months_differ", pd.Series(False, index=out.index)),
        "extrapolated": out.get("extrapolated", pd.Series(False, index=out.index)),
    }
    # the flags of each row as bits, each distinct set of them written out once
    bits = np.zeros(len(out), dtype=np.int64)
    for i, mask in enumerate(flags.values()):
        bits |= mask.fillna(False).astype(bool).to_numpy(dtype=bool).astype(np.int64) << i
    codes, sets = pd.factorize(bits)
    texts = pd.array([",".join(name for i, name in enumerate(flags) if int(s) >> i & 1) for s in sets], dtype=str)
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
        **{c: out[c].astype(float) for c in EMISSION_RATE_COLUMNS},
        "factor_set": metrics.FACTOR_SET_VERSION,
        "savings_uncertainty": np.nan,
        "flags": texts.take(codes),
        "updated_at": now,
    })
