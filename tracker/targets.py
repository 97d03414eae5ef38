"""Targets: per enterprise and indicator, a reduction by a date from the baseline (metrics.targets).

Managers and trainers (and admins) set them on the Profile page for the enterprises they may change; every
set, change and deletion is in the audit log. Progress is computed by ``metrics.target_progress`` from the
enterprise's rows of ``enterprise_summary`` (the figures the overview aggregates), so the report and the
overview read the same progress; the officers' share on track is in ``tracker.published``.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import metrics
from metrics import formatting
from metrics.i18n import _
from tracker import audit
from tracker.access import require_enterprise
from tracker.auth import CurrentUser
from tracker.db import read_frame, session_scope
from tracker.models import Measurement, Target

TARGET_COLUMNS = ["indicator", "basis", "reduction", "target_date", "set_by", "set_at"]
TARGETS_SQL = ("SELECT enterprise_id AS enterprise, indicator, basis, reduction, target_date, set_by, set_at "
               "FROM targets")
#: the summary rows of enterprises with a target, with the last day of each one's baseline (the path's start)
ROWS_SQL = ("SELECT s.enterprise_id AS enterprise, s.indicator, s.unit, s.baseline, s.followup, s.followup_end, "
            "b.start FROM enterprise_summary s JOIN (SELECT enterprise_id, max(period_end) AS start "
            "FROM measurements WHERE phase = 'baseline' AND enterprise_id IN (SELECT enterprise_id FROM targets) "
            "GROUP BY enterprise_id) b ON b.enterprise_id = s.enterprise_id "
            "WHERE s.enterprise_id IN (SELECT enterprise_id FROM targets)")


def _as_dict(t: Target) -> dict:
    return {"indicator": t.indicator, "basis": t.basis, "reduction": t.reduction, "target_date": t.target_date}


def list_targets(engine: Engine, user: CurrentUser, enterprise_id: int) -> pd.DataFrame:
    """The enterprise's targets (:data:`TARGET_COLUMNS`), for a user who may read it."""
    require_enterprise(engine, user, enterprise_id, reuse=True)
    with session_scope(engine, readonly=True) as session:
        df = read_frame(session, TARGETS_SQL, [enterprise_id], "enterprise", order="indicator")
    return df[TARGET_COLUMNS].reset_index(drop=True)


def set_target(engine: Engine, user: CurrentUser, enterprise_id: int, indicator: str, basis: str,
               reduction: float, target_date: dt.date) -> None:
    """Set (or replace) the enterprise's target for ``indicator``: ``reduction`` a fraction (0.3 for 30 %) of the
    absolute figure or of the figure per unit of production (``basis``) by ``target_date``. Managers, trainers
    and admins of the enterprise; ValueError with a plain message for a target that cannot be stored (a date on
    or before the end of the baseline among them); audited."""
    user = require_enterprise(engine, user, enterprise_id)
    metrics.check_target(indicator, basis, reduction, target_date)
    try:
        with session_scope(engine) as session:
            check_after_baseline(session, enterprise_id, target_date)
            t = session.scalars(select(Target).where(Target.enterprise_id == enterprise_id,
                                                     Target.indicator == indicator)).one_or_none()
            after = {"indicator": indicator, "basis": basis, "reduction": float(reduction),
                     "target_date": target_date}
            if t is None:
                t = Target(enterprise_id=enterprise_id, set_by=user.username, **after)
                session.add(t)
                session.flush()
                audit.record(session, user.username, "insert", "targets", t.id, None, after)
            else:
                before = _as_dict(t)
                for k, v in after.items():
                    setattr(t, k, v)
                t.set_by, t.set_at = user.username, dt.datetime.now(dt.UTC).replace(tzinfo=None)
                audit.record(session, user.username, "update", "targets", t.id, before, after)
    except IntegrityError:  # someone set the same target at the same moment (PostgreSQL)
        raise ValueError(_("Someone else set this target at the same moment: reload the page to see theirs.")) from None


def check_after_baseline(session: Session, enterprise_id: int, target_date: dt.date) -> None:
    """ValueError with a plain message when ``target_date`` is on or before the last day of the enterprise's
    baseline as the session sees it (a target's path starts there); no baseline yet is no objection."""
    start = session.execute(select(_baseline_end(enterprise_id))).scalar()
    if start is not None and target_date <= start:
        raise ValueError(_("The target date must come after the end of the baseline ({start}).").format(
            start=formatting.day(start)))


def _baseline_end(enterprise_id: int):
    """The last day of the enterprise's baseline (a scalar subquery; NULL without one)."""
    return (select(func.max(Measurement.period_end))
            .where(Measurement.enterprise_id == enterprise_id, Measurement.phase == "baseline").scalar_subquery())


def delete_target(engine: Engine, user: CurrentUser, enterprise_id: int, indicator: str) -> None:
    """Delete the enterprise's target for ``indicator`` (LookupError when there is none); audited."""
    user = require_enterprise(engine, user, enterprise_id)
    with session_scope(engine) as session:
        t = session.scalars(select(Target).where(Target.enterprise_id == enterprise_id,
                                                 Target.indicator == indicator)).one_or_none()
        if t is None:
            raise LookupError(_("This enterprise has no target for that indicator."))
        audit.record(session, user.username, "delete", "targets", t.id, _as_dict(t), None)
        session.delete(t)


def read_progress(engine: Engine, ids=None) -> pd.DataFrame:
    """``metrics.target_progress`` of every target (or those of the enterprises ``ids``), from the summary;
    no access check: for the services that check it (:func:`enterprise_progress`, tracker.published)."""
    with session_scope(engine, readonly=True) as session:
        targets = read_frame(session, TARGETS_SQL, ids, "enterprise")
        rows = read_frame(session, ROWS_SQL, ids, "enterprise")
    for frame in (targets, rows):
        frame["enterprise"] = frame["enterprise"].astype(np.int64)
    return metrics.target_progress(targets, rows)


def enterprise_progress(engine: Engine, user: CurrentUser, enterprise_id: int) -> pd.DataFrame:
    """The enterprise's targets, each with its progress where it has a baseline and a follow-up (the other
    columns of ``metrics.target_progress`` missing where not), for a user who may read it."""
    targets = list_targets(engine, user, enterprise_id)
    # no target (most enterprises): metrics.target_progress has nothing to compute, so the summary is not read
    progress = (read_progress(engine, [enterprise_id]) if len(targets)
                else metrics.target_progress(targets, targets)).drop(columns=["enterprise", "basis", "reduction",
                                                                             "target_date"])
    return targets.merge(progress, on="indicator", how="left")
