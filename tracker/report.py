"""One enterprise's report: its figures loaded, checked for access and assembled.

Every figure is computed by metrics (stages, changes, impacts); the database averages beside
them are the programme overview's figures for all enterprises, published only where they cannot
be solved for another enterprise's figure (``published.database_averages``).
"""
from __future__ import annotations

import copy
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

import metrics
from metrics import formatting, i18n
from metrics.i18n import _, ngettext
from tracker import published, targets
from tracker.access import require_enterprise
from tracker.activities import actions_frame
from tracker.auth import CurrentUser
from tracker.db import session_scope
from tracker.enterprises import enterprise_dict
from tracker.measurements import measurement_frame
from tracker.models import Measurement
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
    #: per period: yield from the mass balance, loss per good unit, waste diverted (metrics.report_materials)
    materials: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the diversion rate at baseline and latest follow-up and its change in points (metrics.diversion_change)
    diversion: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the value of material saved a year per priced material (metrics.material_savings) and per currency
    #: (metrics.savings_by_currency; never summed across currencies)
    savings: pd.DataFrame = field(default_factory=pd.DataFrame)
    savings_totals: pd.DataFrame = field(default_factory=pd.DataFrame)
    factors: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: where each compared figure comes from: one row per indicator and carrier (metrics.series_periods)
    periods: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: (start, end) of the latest follow-up period in which every compared figure was entered, or None
    common_period: tuple | None = None
    #: the changes with every follow-up figure from ``common_period`` (empty without one), and their periods
    common_changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    common_periods: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: how many stored figures were converted with each factor-set version ({'2026.1': 12, ...})
    factor_sets: dict = field(default_factory=dict)
    #: per unit of production beside the absolute change (metrics.report_normalised)
    normalised: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the months of the year compared and whether a year is extrapolated (metrics.comparability), and the
    #: changes on the follow-up's months of the baseline where the data hold them (metrics.on_same_months)
    comparable: pd.DataFrame = field(default_factory=pd.DataFrame)
    same_months_changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the enterprise's targets with their progress (tracker.targets.enterprise_progress)
    targets: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the regression baseline of energy on production (metrics.regression), or why there is none
    regression: metrics.RegressionBaseline | None = None

    def comparable_note(self) -> str:
        """Whether the follow-up covers the baseline's months of the year, in words (empty without changes)."""
        if self.comparable.empty:
            return ""
        c = self.comparable.iloc[0]
        note = (_("Same months of the year: baseline {baseline}, follow-up {followup}.") if c["same_months"] else
                _("Months of the year differ: baseline {baseline}, follow-up {followup}; the change includes the "
                  "season.")).format(baseline=c["baseline_months"], followup=c["followup_months"])
        if c["extrapolated"]:
            days = int(c["followup_days"])
            note += " " + ngettext("Figures a year are extrapolated from a follow-up of {n} day.",
                                   "Figures a year are extrapolated from a follow-up of {n} days.", days).format(n=days)
        if not self.same_months_changes.empty:
            note += " " + _("Below, the same comparison against the baseline's periods in the follow-up's months only.")
        return note

    def diversion_note(self) -> str:
        """The change of the share of waste diverted from disposal, in words (empty without one)."""
        if self.diversion.empty:
            return ""
        d = self.diversion.iloc[0]
        return _("Waste diverted from disposal (recycled, sold or composted, against landfilled, burnt without "
                 "recovery or other): {baseline} at baseline, {followup} in the latest follow-up ({points}).").format(
            baseline=formatting.percent(d["baseline"], signed=False),
            followup=formatting.percent(d["followup"], signed=False), points=formatting.points(d["points"]))

    def emissions_note(self) -> str:
        """What the emission figures are, by scope, and which factor sets stand behind them."""
        stored = ", ".join(ngettext("{set} ({n} figure)", "{set} ({n} figures)", n).format(
            set=v or _("unrecorded"), n=f"{n:,}") for v, n in sorted(self.factor_sets.items()))
        text = _("Emissions by scope (GHG Protocol): scope 1 is fuels burnt on site, CO2 (IPCC 2006 Vol. 2 Table 1.4) "
                 "plus CH4 and N2O (Table 2.3, manufacturing industries) in CO2e with the {gwp} GWPs; scope 2 is grid "
                 "electricity, location based (the country's average grid factor); the total is scope 1 + scope 2. "
                 "Biogenic CO2 (wood, biogas) is a memo item outside the totals; the CH4 and N2O of burning them count "
                 "in scope 1. A figure without a factor (a country whose grid figure is missing) leaves its scope and "
                 "the total of its period empty, never 0. Emission factors of factor set {factor_set}")
        text = text.format(gwp=metrics.gwp(self.factors.attrs.get("gwp") or None)["label"],
                           factor_set=metrics.FACTOR_SET_VERSION)
        if stored:
            text += _("; the stored figures were converted to kWh, kg and m3 with factor set {sets}").format(
                sets=stored)
        return text + "."

    @property
    def followups_differ(self) -> bool:
        """True when the latest follow-up figures compared come from more than one period."""
        return not self.periods.empty and metrics.followups_differ(self.periods)

    def periods_note(self) -> str:
        """Where the follow-up figures of the changes come from, in words (empty without changes)."""
        if self.changes.empty or self.periods.empty:
            return ""
        if not self.followups_differ:
            fu = self.periods.dropna(subset=["followup_from"]).iloc[0]
            period = formatting.span(fu["followup_from"], fu["followup_to"])
            return _("Every follow-up figure compared comes from one period: {period}.").format(period=period)
        note = _("The latest follow-up mixes periods: each figure is its own latest one (see each row's follow-up "
                 "period), compared as per-day rates.")
        if self.common_period is None:
            return note + " " + _("No follow-up period has every figure compared: to compare on one period, enter "
                                  "every figure for it (0 for a carrier no longer used).")
        common = formatting.span(*self.common_period)
        return note + " " + _("Below, the same comparison on one common follow-up period: {period}.").format(
            period=common)

    def common_title(self) -> str:
        """The heading of the comparison on the common follow-up period."""
        if self.common_period is None:
            return ""
        common = formatting.span(*self.common_period)
        return _("The same comparison on one common follow-up period, {period} (the latest in which every figure "
                 "compared was entered)").format(period=common)


def enterprise_report(engine: Engine, user: CurrentUser, enterprise_id: int) -> EnterpriseReport:
    """The report for one enterprise: stages, changes, impacts, actions, and the reference averages."""
    user = require_enterprise(engine, user, enterprise_id, reuse=True)
    with session_scope(engine, readonly=True) as session:
        info = enterprise_dict(session, enterprise_id)
        df = measurement_frame(session, [enterprise_id])
        actions = actions_frame(session, enterprise_id).drop(columns="id")
        factor_sets = dict(session.execute(
            select(Measurement.factor_set, func.count()).where(Measurement.enterprise_id == enterprise_id)
            .group_by(Measurement.factor_set)).all())
    averages = published.database_averages(engine, user, enterprise_id)
    progress = targets.enterprise_progress(engine, user, enterprise_id)
    f = figures(enterprise_id, df)
    return EnterpriseReport(enterprise=info, measurements=df, actions=actions, reference=programme_reference(),
                            database_averages=averages, factor_sets=factor_sets, targets=progress, **f)


#: how many enterprises' figures this process keeps (a few hundred kB each)
FIGURES_KEPT = 64
# (enterprise id, fingerprint of its stored figures as read, language, factor set) -> the figures
_FIGURES: OrderedDict = OrderedDict()
_figures_lock = threading.Lock()


def fingerprint(df: pd.DataFrame) -> str:
    """A digest of a frame's columns, types and every value: frames read from the database that differ
    in anything (a figure, its unit, a period, the enterprise's country or name) differ here."""
    h = hashlib.sha256(repr([(str(c), str(t)) for c, t in df.dtypes.items()]).encode())
    h.update(len(df).to_bytes(8, "little"))
    if len(df):
        h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


def figures(enterprise_id: int, df: pd.DataFrame) -> dict:
    """The report's figures (stages, changes, impacts, materials, savings, regression ...) of the stored
    figures ``df`` of ``enterprise_id``, each computed by metrics. Kept in this process under a fingerprint of
    ``df`` as just read (with the language and the factor set): the page run again (a button, the report opened
    again) computes nothing while the stored figures are those they were computed from, and a save in any
    process changes what the next read fingerprints. Callers get copies."""
    key = (int(enterprise_id), fingerprint(df), i18n.current(), metrics.FACTOR_SET_VERSION)
    with _figures_lock:
        kept = _FIGURES.get(key)
        if kept is not None:
            _FIGURES.move_to_end(key)
    if kept is None:
        kept = _compute(df)
        with _figures_lock:
            _FIGURES[key] = kept
            while len(_FIGURES) > FIGURES_KEPT:
                _FIGURES.popitem(last=False)
    return {name: value.copy() if isinstance(value, pd.DataFrame) else copy.deepcopy(value)
            for name, value in kept.items()}


def forget_figures() -> None:
    """Drop the figures kept in this process."""
    with _figures_lock:
        _FIGURES.clear()


def _compute(df: pd.DataFrame) -> dict:
    """The report's figures of one enterprise's stored figures, each from metrics."""
    stages = metrics.report_stages(df)
    impacts, factors = metrics.report_impacts(df, stages)
    per_period = metrics.diversion(df)  # waste diverted per period: the materials table's and the change's
    materials = metrics.report_materials(df, stages, per_period)
    diversion = metrics.diversion_change(df, per_period) if not df.empty else pd.DataFrame()
    savings = metrics.material_savings(df) if not df.empty else pd.DataFrame()
    savings_totals = metrics.savings_by_currency(savings) if len(savings) else pd.DataFrame()
    # the series rows (read by the periods and the common one), periods and changes: enterprise_changes once
    rows, periods, changes = metrics.compared(df) if not df.empty else (pd.DataFrame(),) * 3
    normalised = metrics.report_normalised(changes) if not changes.empty else pd.DataFrame()
    comparable = metrics.comparability(df) if not changes.empty else pd.DataFrame()
    same = metrics.on_same_months(df, comparable) if not changes.empty else pd.DataFrame()
    same_months_changes = metrics.compared(same).changes if len(same) else pd.DataFrame()
    regression = metrics.regression_baseline(df) if not changes.empty else None
    common = metrics.common_followup(df, rows) if not df.empty else pd.DataFrame()
    common_period = None
    common_changes = common_periods = pd.DataFrame()
    if len(common):
        common_period = (common["period_start"].iloc[0], common["period_end"].iloc[0])
        on_common = metrics.on_common_period(df, common)
        _rows, common_periods, common_changes = metrics.compared(on_common)
    return dict(stages=stages, changes=changes, periods_differ=metrics.periods_differ(df), impacts=impacts,
                factors=factors, periods=periods, common_period=common_period, common_changes=common_changes,
                common_periods=common_periods, normalised=normalised, materials=materials, diversion=diversion,
                savings=savings, savings_totals=savings_totals, comparable=comparable,
                same_months_changes=same_months_changes, regression=regression)
