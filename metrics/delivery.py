"""How the programme is delivered, in figures: trainers along their path, modules and attendance,
the order of modules. Pure pandas; the tracker reads the records and suppresses what is shown.

Definitions (METHODS.md, "Delivery"):

* the **pipeline** counts trainer accounts by the status of their path (``not recorded`` for an
  account without a profile), per group (country, training provider);
* a **module record** is one enterprise's participation in one module (start and end, attendees
  by sex); **attendance** sums the attendees of the records of a module; the **women's share** is
  women / all attendees; the **two-and-two share** is the share of records with at least two
  managers and at least two workers (the programme's recommendation);
* an enterprise took **another module before Workplace Cooperation** when a module other than
  Workplace Cooperation started before its first Workplace Cooperation record, or when it has
  module records but none of Workplace Cooperation.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.i18n import _

#: the steps of a trainer's path, in order; ``not recorded``: a trainer account without a profile
PIPELINE = ("not recorded", "candidate", "recommended", "certified")
FIRST_MODULE = "Workplace Cooperation"
ATTENDANCE = ["managers_female", "managers_male", "workers_female", "workers_male"]
#: the programme recommends at least this many managers and this many workers per module
RECOMMENDED_EACH = 2


def trainer_pipeline(trainers: pd.DataFrame, by: list[str] | str | None = None) -> pd.DataFrame:
    """Trainers per step of :data:`PIPELINE` (one column each, and ``trainers``, the total), per
    ``by`` group. ``trainers`` has one row per trainer and a ``status`` column ('' or missing:
    ``not recorded``)."""
    by = [by] if isinstance(by, str) else list(by or [])
    status = trainers["status"].fillna("").replace("", PIPELINE[0]) if len(trainers) else pd.Series(dtype=object)
    unknown = set(status) - set(PIPELINE)
    if unknown:
        raise ValueError(_("Unknown trainer status(es): {statuses}").format(statuses=", ".join(sorted(unknown))))
    frame = trainers[by].assign(status=pd.Categorical(status, categories=PIPELINE))
    if by:
        out = frame.groupby(by + ["status"], observed=False, sort=True).size().unstack("status", fill_value=0)
        out = out.reindex(columns=list(PIPELINE), fill_value=0)
        out = out[out.sum(axis=1) > 0].reset_index()
    else:
        counts = frame["status"].value_counts().reindex(list(PIPELINE), fill_value=0)
        out = pd.DataFrame([counts.to_numpy()], columns=list(PIPELINE))
    out.columns.name = None
    out[list(PIPELINE)] = out[list(PIPELINE)].astype(int)
    out["trainers"] = out[list(PIPELINE)].sum(axis=1).astype(int)
    return out


def attendance(records: pd.DataFrame, by: list[str] | str = "module") -> pd.DataFrame:
    """Per ``by`` group (the module): ``records``, ``enterprises`` (distinct ``enterprise_id``),
    the attendees by sex (:data:`ATTENDANCE`) summed, ``attendees``, ``women_share`` (women /
    attendees; NaN without attendees) and ``two_and_two_share`` (the share of records with at
    least two managers and at least two workers)."""
    by = [by] if isinstance(by, str) else list(by)
    cols = by + ["records", "enterprises", *ATTENDANCE, "attendees", "women_share", "two_and_two_share"]
    if records.empty:
        return pd.DataFrame({c: pd.Series(dtype=float if c.endswith("share") else object if c in by else int)
                             for c in cols})
    counts = records[ATTENDANCE].astype(int)
    managers = counts["managers_female"] + counts["managers_male"]
    workers = counts["workers_female"] + counts["workers_male"]
    frame = records[by + ["enterprise_id"]].assign(
        **{c: counts[c] for c in ATTENDANCE},
        both=((managers >= RECOMMENDED_EACH) & (workers >= RECOMMENDED_EACH)).astype(float))
    g = frame.groupby(by, sort=True, observed=True)
    out = g.agg(records=("enterprise_id", "size"), enterprises=("enterprise_id", "nunique"),
                **{c: (c, "sum") for c in ATTENDANCE}, two_and_two_share=("both", "mean")).reset_index()
    out["attendees"] = out[ATTENDANCE].sum(axis=1)
    women = out["managers_female"] + out["workers_female"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["women_share"] = (women / out["attendees"]).where(out["attendees"] > 0).astype(float)
    out["two_and_two_share"] = out["two_and_two_share"].astype(float)
    return out[cols]


def modules_out_of_order(records: pd.DataFrame) -> pd.DataFrame:
    """One row per enterprise that took another module before Workplace Cooperation (see the
    module docstring): ``enterprise_id``, ``first_module`` and ``first_start`` (its earliest
    record by start date, then module name), ``wc_start`` (its first Workplace Cooperation
    start; NaT when it has none). Records without a start date count as started last."""
    cols = ["enterprise_id", "first_module", "first_start", "wc_start"]
    if records.empty:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c.endswith("start") else object) for c in cols})
    frame = records[["enterprise_id", "module"]].assign(start=pd.to_datetime(records["start_date"]))
    frame = frame.sort_values(["enterprise_id", "start", "module"], na_position="last", kind="stable")
    first = frame.drop_duplicates("enterprise_id").set_index("enterprise_id")
    wc = frame[frame["module"] == FIRST_MODULE].groupby("enterprise_id")["start"].min()
    out = pd.DataFrame({"enterprise_id": first.index, "first_module": first["module"].to_numpy(),
                        "first_start": first["start"].to_numpy(), "wc_start": wc.reindex(first.index).to_numpy()})
    has_wc = out["enterprise_id"].isin(wc.index).to_numpy()
    before = frame.merge(wc.rename("wc"), left_on="enterprise_id", right_index=True, how="inner")
    early = before[(before["module"] != FIRST_MODULE) & (before["start"] < before["wc"])]["enterprise_id"].unique()
    keep = ~has_wc | out["enterprise_id"].isin(early).to_numpy()
    return out[keep].reset_index(drop=True)


def delivery_counts(enterprises: pd.DataFrame, records: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per value of ``by``, a column of both frames: ``enterprises`` (distinct ``enterprise_id`` of
    ``enterprises``: a partner's enterprises, a trainer's assigned ones), ``with_modules`` (distinct
    enterprises of ``records``: those with a module record, or those a trainer delivered to),
    ``modules`` (records) and ``module_kinds`` (distinct modules). ``records`` has
    ``enterprise_id``, ``module`` and ``by``."""
    ents = enterprises.groupby(by, sort=True, observed=True)["enterprise_id"].nunique().rename("enterprises")
    g = records.groupby(by, sort=True, observed=True)
    recs = pd.DataFrame({"with_modules": g["enterprise_id"].nunique(), "modules": g.size(),
                         "module_kinds": g["module"].nunique()})
    out = pd.concat([ents, recs], axis=1).fillna(0).astype(int).reset_index().rename(columns={"index": by})
    return out[[by, "enterprises", "with_modules", "modules", "module_kinds"]]
