"""One enterprise's report: its figures loaded, checked for access and assembled.

Every figure is computed by metrics (stages, changes, impacts); the database averages beside
them are the programme overview's figures for all enterprises, published only where they cannot
be solved for another enterprise's figure (``published.database_averages``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

import metrics
from tracker import published
from tracker.access import require_enterprise
from tracker.activities import actions_frame
from tracker.auth import CurrentUser
from tracker.db import session_scope
from tracker.enterprises import enterprise_dict
from tracker.measurements import measurement_frame
from tracker.overview import programme_reference


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


def enterprise_report(engine: Engine, user: CurrentUser, enterprise_id: int) -> EnterpriseReport:
    """The report for one enterprise: stages, changes, impacts, actions, and the reference averages."""
    user = require_enterprise(engine, user, enterprise_id)
    with session_scope(engine, readonly=True) as session:
        info = enterprise_dict(session, enterprise_id)
        df = measurement_frame(session, [enterprise_id])
        actions = actions_frame(session, enterprise_id).drop(columns="id")
    averages = published.database_averages(engine, user, enterprise_id)
    stages = metrics.report_stages(df)
    impacts, factors = metrics.report_impacts(df, stages)
    return EnterpriseReport(enterprise=info, measurements=df, stages=stages,
                            changes=metrics.enterprise_changes(df) if not df.empty else pd.DataFrame(),
                            actions=actions, reference=programme_reference(), database_averages=averages,
                            periods_differ=metrics.periods_differ(df), impacts=impacts, factors=factors)
