"""One enterprise's report: its figures loaded, checked for access and assembled.

Every figure is computed by metrics (stages, changes, impacts); the database averages beside
them come from the precomputed ``enterprise_summary`` and are hidden below ``disclosure.MIN_CELL``
enterprises like the programme overview's.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import metrics
from tracker.access import require_enterprise
from tracker.activities import actions_frame
from tracker.auth import CurrentUser
from tracker.db import session_scope
from tracker.disclosure import suppress
from tracker.enterprises import enterprise_dict
from tracker.measurements import measurement_frame
from tracker.models import EnterpriseSummary
from tracker.overview import programme_reference

AVERAGE_COLUMNS = ["indicator", "enterprises", "mean_change", "median_change", "mean_points"]


@dataclass
class EnterpriseReport:
    """Everything the enterprise report page draws, computed from the database by metrics."""

    enterprise: dict
    measurements: pd.DataFrame
    stages: pd.DataFrame
    changes: pd.DataFrame
    actions: pd.DataFrame
    reference: pd.DataFrame
    database_averages: pd.DataFrame
    periods_differ: bool = False
    notes: list[str] = field(default_factory=list)
    impacts: pd.DataFrame = field(default_factory=pd.DataFrame)
    factors: pd.DataFrame = field(default_factory=pd.DataFrame)


def database_averages(session: Session) -> pd.DataFrame:
    """Per indicator over every enterprise with a baseline and a follow-up: enterprises, mean and
    median relative change, mean points (yield). The same figures as ``metrics.summarize`` over
    all measurements, read from the precomputed ``enterprise_summary`` (no measurement scanned)."""
    s = EnterpriseSummary
    rows = session.execute(select(s.indicator, s.relative_change, s.points)
                           .where(s.baseline.is_not(None), s.followup.is_not(None))).all()
    per = pd.DataFrame(rows, columns=["indicator", "relative_change", "points"])
    if per.empty:
        return pd.DataFrame(columns=AVERAGE_COLUMNS)
    out = (per.groupby("indicator", sort=True)
           .agg(enterprises=("relative_change", "size"), mean_change=("relative_change", "mean"),
                median_change=("relative_change", "median"), mean_points=("points", "mean")).reset_index())
    # the same rule as the programme overview: a manager must not read another enterprise's
    # change off an average of two
    return suppress(out).drop(columns="suppressed")


def enterprise_report(engine: Engine, user: CurrentUser, enterprise_id: int) -> EnterpriseReport:
    """The report for one enterprise: stages, changes, impacts, actions, and the reference averages."""
    require_enterprise(user, enterprise_id)
    with session_scope(engine, readonly=True) as session:
        info = enterprise_dict(session, enterprise_id)
        df = measurement_frame(session, [enterprise_id])
        actions = actions_frame(session, enterprise_id).drop(columns="id")
        averages = database_averages(session)
    stages = metrics.report_stages(df)
    impacts, factors = metrics.report_impacts(df, stages)
    return EnterpriseReport(enterprise=info, measurements=df, stages=stages,
                            changes=metrics.enterprise_changes(df) if not df.empty else pd.DataFrame(),
                            actions=actions, reference=programme_reference(), database_averages=averages,
                            periods_differ=metrics.periods_differ(df), impacts=impacts, factors=factors)
