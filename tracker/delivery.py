"""How the programme is delivered, read side: the officers' Delivery tab, aggregates only.

:func:`read_delivery` reads the module records (with who delivered each) and the trainer accounts
with their path; :func:`build` is a pure function that, for the enterprises the overview's filters
select, assembles what metrics.delivery and metrics.aggregate_changes compute:

* ``pipeline``: trainers by the status of their path, per country and training provider;
* ``by_partner`` and ``by_trainer``: enterprises, those with module records, module records and
  distinct modules per implementation partner and per trainer (counts: who takes part is not a
  secret, the participants' list names them);
* ``attendance``: attendees by sex per module with the women's share and the share of records
  with two managers and two workers, hidden below 3 enterprises;
* ``out_of_order``: how many enterprises took another module before Workplace Cooperation (a
  count, never names), hidden when 1 or 2;
* ``results_by_partner`` and ``results_by_trainer``: the overview's change figures per partner and
  per trainer (the enterprises assigned to them; those without a trainer as one more row), hidden
  below 3 enterprises and complemented.

tracker.published guards every figure against differencing (:data:`GUARDED`) before an officer
sees it. Trainers are counted whatever the filters when no filter is set; with filters, the
trainers assigned to, or having delivered a module to, a selected enterprise.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

import metrics
from metrics import delivery as figures
from metrics.i18n import N_, _
from metrics.labels import module_label
from tracker.db import read_frame, session_scope
from tracker.disclosure import MIN_CELL, cell_sums, complement, element_keys, suppress
from tracker.overview import Filters, OverviewData, selected_ids

#: the group and figure names below are keys (the differencing guard remembers them): shown through :func:`label`
NO_PARTNER = N_("no partner recorded")
NO_PROVIDER = N_("no training provider recorded")
#: the results of enterprises no trainer supports (so that the trainers' cells cover the selection:
#: complementary suppression assumes the rows of a breakdown add up to the whole)
NO_TRAINER = N_("no trainer assigned")
#: what the out-of-order count is remembered as by the differencing guard
OUT_OF_ORDER = N_("modules out of order")
#: how a module's attendance figure is named (a key, as above)
ATTENDANCE_AT = "attendance at "


def label(value) -> str:
    """A group or figure name of the delivery tables in the run's language: the placeholders above, and
    'attendance at Quality Management'; any other value (a partner's or a trainer's name) as given."""
    value = "" if value is None else str(value)
    if value in (NO_PARTNER, NO_PROVIDER, NO_TRAINER, OUT_OF_ORDER):
        return _(value)
    if value.startswith(ATTENDANCE_AT):
        return _("attendance at {module}").format(module=module_label(value[len(ATTENDANCE_AT):]))
    return value
#: the delivery tables the differencing guard checks, with their key columns (tracker.disclosure.guard)
GUARDED = [("attendance", ["figure"]), ("out_of_order", ["figure"]),
           ("results_by_partner", ["partner", "indicator"]), ("results_by_trainer", ["trainer", "indicator"])]
COMPLEMENT_WITHIN = {"results_by_partner": ["indicator"], "results_by_trainer": ["indicator"]}
RESULT_COLUMNS = ["unit", "enterprises", "mean_change", "median_change", "pooled_change", "mean_points"]

TRAININGS_SQL = ("SELECT t.enterprise_id, t.module, t.start_date, t.managers_female, t.managers_male, "
                 "t.workers_female, t.workers_male, coalesce(u.username, '') AS trainer "
                 "FROM trainings t LEFT JOIN users u ON u.id = t.trainer_id")
TRAINERS_SQL = ("SELECT u.username AS trainer, coalesce(p.status, '') AS status, coalesce(p.country, '') AS country, "
                "coalesce(pa.name, '') AS provider FROM users u LEFT JOIN trainer_profiles p ON p.user_id = u.id "
                "LEFT JOIN partners pa ON pa.id = p.provider_id WHERE u.role = 'trainer' ORDER BY u.username")


@dataclass
class DeliveryData:
    """The records the Delivery tab is built from (per-enterprise rows: never handed to officers)."""

    trainings: pd.DataFrame  # enterprise_id, module, start_date, attendees by sex, trainer ('' unknown)
    trainers: pd.DataFrame  # trainer, status ('' without a profile), country, provider


@dataclass
class DeliveryOverview:
    """The Delivery tab's tables for officers; figures of suppressed rows are NaN ("fewer than 3")."""

    pipeline: pd.DataFrame
    by_partner: pd.DataFrame
    by_trainer: pd.DataFrame
    attendance: pd.DataFrame
    out_of_order: pd.DataFrame
    results_by_partner: pd.DataFrame
    results_by_trainer: pd.DataFrame
    filters: Filters = field(default_factory=Filters)
    #: (table, key...) -> power sums of the elements behind that cell (tracker.disclosure.guard)
    cells: dict = field(default_factory=dict, repr=False)
    hidden_as_too_close: int = 0


def read_delivery(engine: Engine) -> DeliveryData:
    """Read the module records and the trainers' paths (no role check: for tracker.published)."""
    with session_scope(engine, readonly=True) as session:
        trainings = read_frame(session, TRAININGS_SQL)
        trainers = read_frame(session, TRAINERS_SQL)
    trainings["enterprise_id"] = trainings["enterprise_id"].astype(np.int64)
    for col in figures.ATTENDANCE:
        trainings[col] = trainings[col].fillna(0).astype(int)
    trainings["trainer"] = trainings["trainer"].fillna("").astype(str)
    return DeliveryData(trainings=trainings, trainers=trainers.fillna(""))


def build(data: OverviewData, delivery: DeliveryData, filters: Filters = Filters()) -> DeliveryOverview:
    """Every table of the Delivery tab for the enterprises ``filters`` select (pure function)."""
    ids = selected_ids(data, filters)
    ents = data.enterprises[data.enterprises["enterprise_id"].isin(ids)][["enterprise_id", "partner"]]
    ents = ents.assign(partner=ents["partner"].astype(str).replace("", NO_PARTNER))
    records = delivery.trainings[delivery.trainings["enterprise_id"].isin(ids).to_numpy()]
    records = records.join(ents.set_index("enterprise_id")["partner"], on="enterprise_id")
    mem = data.memberships
    assigned = mem[(mem["kind"] == "trainer").to_numpy() & mem["enterprise_id"].isin(ids).to_numpy()]
    assigned = pd.DataFrame({"enterprise_id": assigned["enterprise_id"].to_numpy(),
                             "trainer": assigned["value"].astype(str).to_numpy()})
    delivered = records[records["trainer"] != ""]
    cells: dict = {}
    return DeliveryOverview(
        pipeline=_pipeline(delivery.trainers, filters, set(assigned["trainer"]) | set(delivered["trainer"])),
        by_partner=figures.delivery_counts(ents, records, "partner"),
        by_trainer=figures.delivery_counts(assigned, delivered, "trainer"),
        attendance=_attendance(records, cells), out_of_order=_out_of_order(records, cells),
        results_by_partner=_results(data, ids, ents, "partner", cells),
        results_by_trainer=_results(data, ids, pd.concat([assigned, pd.DataFrame(
            {"enterprise_id": np.setdiff1d(ids, assigned["enterprise_id"].to_numpy()), "trainer": NO_TRAINER})]),
            "trainer", cells), filters=filters, cells=cells)


def _pipeline(trainers: pd.DataFrame, filters: Filters, linked: set[str]) -> pd.DataFrame:
    """Trainers by status per country and provider: every trainer without filters, else those
    linked to a selected enterprise."""
    if filters != Filters():
        trainers = trainers[trainers["trainer"].isin(linked).to_numpy()]
    trainers = trainers.assign(provider=trainers["provider"].replace("", NO_PROVIDER))
    return figures.trainer_pipeline(trainers, ["country", "provider"])


def _attendance(records: pd.DataFrame, cells: dict) -> pd.DataFrame:
    """metrics.delivery.attendance per module, hidden below MIN_CELL enterprises; the elements of
    each module's cell are its enterprises with their records of it (attendees and dates)."""
    table = figures.attendance(records, "module")
    table = table.astype({c: float for c in figures.ATTENDANCE + ["attendees"]})
    table["figure"] = ATTENDANCE_AT + table["module"].astype(str)
    keyed = records.assign(indicator=records["module"], start_date=records["start_date"].astype(str))
    keyed = keyed.assign(element=element_keys(keyed, ["enterprise_id", "indicator", "start_date",
                                                      *figures.ATTENDANCE]),
                         figure=ATTENDANCE_AT + keyed["module"].astype(str))
    # one element per enterprise and module (its records together), as the table counts enterprises
    cells.update(cell_sums("attendance", keyed.drop_duplicates(["enterprise_id", "indicator"]), ["figure"]))
    return suppress(table)


def _out_of_order(records: pd.DataFrame, cells: dict) -> pd.DataFrame:
    """How many enterprises took another module before Workplace Cooperation (of those with
    module records): hidden when 1 or 2, as the cell is then those enterprises."""
    late = figures.modules_out_of_order(records)
    n = len(late)
    if n:
        keyed = pd.DataFrame({"enterprise_id": late["enterprise_id"].to_numpy(), "indicator": OUT_OF_ORDER})
        cells.update(cell_sums("out_of_order", keyed.assign(element=element_keys(keyed), figure=OUT_OF_ORDER),
                               ["figure"]))
    hidden = 0 < n < MIN_CELL
    return pd.DataFrame({"figure": [OUT_OF_ORDER], "with_modules": [int(records["enterprise_id"].nunique())],
                         "out_of_order": [np.nan if hidden else float(n)], "suppressed": [hidden]})


#: the columns of the rows that count that :func:`_results` reads (metrics.aggregate_changes, cell_sums)
_RESULT_INPUTS = ("enterprise", "enterprise_id", "indicator", "unit", "units", "relative_change", "points", "better",
                  "b_pool", "f_pool", "element")


def _results(data: OverviewData, ids: np.ndarray, groups: pd.DataFrame, by: str, cells: dict) -> pd.DataFrame:
    """metrics.aggregate_changes per ``by`` group (an enterprise may sit in several: its
    trainers), hidden below MIN_CELL enterprises and complemented within each indicator."""
    # the columns the aggregates and the power sums read (the emissions and quarters of every row not copied)
    counted = data.counted[[c for c in _RESULT_INPUTS if c in data.counted.columns]]
    keep = counted["enterprise_id"].isin(ids).to_numpy()
    keys = pd.Index(groups["enterprise_id"].to_numpy(np.int64))
    if keys.is_unique:  # one group per enterprise (its partner): the inner join as positions, rows not copied
        at = keys.get_indexer(counted["enterprise_id"].to_numpy(np.int64))
        keep = keep & (at >= 0)
        both = counted if keep.all() else counted[keep]
        both = both.assign(**{by: pd.Categorical(groups[by].to_numpy()).take(at[keep])})  # a code per row
    else:  # an enterprise in several groups (its trainers): a row per group
        both = (counted if keep.all() else counted[keep]).merge(groups[["enterprise_id", by]], on="enterprise_id",
                                                                 how="inner")
    cells.update(cell_sums(f"results_by_{by}", both, [by, "indicator"]))
    out = metrics.aggregate_changes(both, [by])[[by, "indicator"] + RESULT_COLUMNS]
    for col in (by, "indicator"):
        out[col] = out[col].astype(str)
    return complement(suppress(out), ["indicator"])
