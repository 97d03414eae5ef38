"""Disclosures for buyers and banks (VSME basic module, GRI) as Excel, one row per datapoint: for one enterprise
(its managers, trainers, admins) and, aggregated over a selection, for officers (``tracker.published``).

Every figure is ``metrics.enterprise_datapoints`` / ``metrics.programme_datapoints``; this module loads, checks
access and writes the file. A datapoint not collected reads "not collected", never 0. A file is written in the
run's language (``metrics.i18n.current()``): sheet names, headers, the About sheet and the datapoints' words.
"""
from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

import metrics
from metrics.disclosures import COLUMNS, enterprise_datapoints, reporting_period
from metrics.i18n import N_, _
from tracker.access import require_enterprise
from tracker.auth import CurrentUser
from tracker.db import session_scope
from tracker.enterprises import enterprise_dict
from tracker.io import neutralise, sheet_name
from tracker.measurements import measurement_frame

#: what a datapoint not collected reads (in the file's language)
NOT_COLLECTED = N_("not collected")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: standard -> its sheet (in words)
SHEETS = {"VSME": N_("VSME basic module"), "GRI": "GRI"}


def enterprise_disclosures(engine: Engine, user: CurrentUser, enterprise_id: int) -> tuple[dict, pd.DataFrame]:
    """The enterprise (its record) and its datapoints (``metrics.enterprise_datapoints``), for a user who may read
    it."""
    require_enterprise(engine, user, enterprise_id)
    with session_scope(engine, readonly=True) as session:
        info = enterprise_dict(session, enterprise_id)
        df = measurement_frame(session, [enterprise_id])
    return info, enterprise_datapoints(df, metrics.FACTOR_SET_VERSION)


def per_enterprise(engine: Engine, ids) -> pd.DataFrame:
    """Every datapoint of each enterprise of ``ids`` with ``enterprise_id`` and ``days`` (its reporting period's);
    no access check: for tracker.published, which hands on aggregates only."""
    with session_scope(engine, readonly=True) as session:
        df = measurement_frame(session, [int(i) for i in ids])
    parts = []
    for eid, rows in df.groupby("enterprise_id", sort=True):
        period = reporting_period(rows)
        days = (period[1] - period[0]).days + 1
        parts.append(enterprise_datapoints(rows, metrics.FACTOR_SET_VERSION).assign(enterprise_id=int(eid),
                                                                                     days=days))
    if not parts:
        return pd.DataFrame(columns=[*COLUMNS, "enterprise_id", "days"])
    return pd.concat(parts, ignore_index=True)


def workbook(table: pd.DataFrame, about: dict[str, str]) -> bytes:
    """The datapoints as an Excel workbook in the run's language: an About sheet (``about``: what, whose, factor
    set, when; its keys marked with ``N_`` and translated here), then one sheet per standard, one row per datapoint;
    a missing value reads "not collected" (a hidden one, in a programme's file, "fewer than 3" when ``table`` has
    ``suppressed``)."""
    from metrics.formatting import fewer_than
    from tracker.disclosure import MIN_CELL

    buf = io.BytesIO()
    hidden = np.zeros(len(table), dtype=bool)
    if "suppressed" in table.columns:  # hidden: from 1 or 2 enterprises, or too close; from none: not collected
        hidden = table["suppressed"].to_numpy(dtype=bool) & (table["enterprises"].to_numpy(dtype=int) > 0)
    fewer, missing = fewer_than(MIN_CELL), _(NOT_COLLECTED)
    values = [fewer if h else (missing if pd.isna(v) else float(v))
              for v, h in zip(table["value"], hidden, strict=True)]
    standards = table["standard"].to_numpy()
    sheet = pd.DataFrame({_("Reference"): table["reference"], _("Datapoint"): table["datapoint"],
                          _("Value"): values, _("Unit"): table["unit"], _("Period"): table["period"],
                          _("Method note"): table["method"]})
    if "suppressed" in table.columns:
        sheet[_("Enterprises")] = table["enterprises"].astype(int).to_numpy()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        names = [sheet_name(_("About"))]
        pd.DataFrame({"": [_(k) for k in about], " ": [neutralise(v) for v in about.values()]}).to_excel(
            xl, sheet_name=names[0], index=False)
        for standard, words in SHEETS.items():
            names.append(sheet_name(_(words), names))
            sheet[(standards == standard)].to_excel(xl, sheet_name=names[-1], index=False)
    return buf.getvalue()


def programme_workbook(table: pd.DataFrame, filters_text: str, *, generated: dt.datetime | None = None) -> bytes:
    """A programme's aggregated datapoints (``published.programme_disclosures``) as Excel."""
    generated = generated or dt.datetime.now(dt.UTC)
    from metrics.formatting import fewer_than
    from tracker.disclosure import MIN_CELL

    about = {N_("Disclosures"): _("EFRAG VSME basic module (B3, B6, B7) and GRI 302, 303, 305, 306, aggregated"),
             N_("Selection"): filters_text, N_("Factor set"): metrics.FACTOR_SET_VERSION,
             N_("Generated (UTC)"): f"{generated:%Y-%m-%d %H:%M}",
             N_("Aggregation"): _("each enterprise's figure a year (x 365 / the days of its latest period), summed "
                                  "over the enterprises that collected it (Enterprises); figures per unit of "
                                  "production are not added up"),
             N_("Hidden"): _("a figure of fewer than {n} enterprises, or one that differs from a figure shown before "
                             "by one or two enterprises, reads '{hidden}'").format(n=MIN_CELL,
                                                                                   hidden=fewer_than(MIN_CELL))}
    return workbook(table, about)


def enterprise_workbook(engine: Engine, user: CurrentUser, enterprise_id: int, *,
                        generated: dt.datetime | None = None) -> bytes:
    """The enterprise's VSME and GRI datapoints as Excel, for a user who may read it."""
    info, table = enterprise_disclosures(engine, user, enterprise_id)
    generated = generated or dt.datetime.now(dt.UTC)
    about = {N_("Disclosures"): _("EFRAG VSME basic module (B3, B6, B7) and GRI 302, 303, 305, 306"),
             N_("Enterprise"): info["name"], N_("Reporting period"): table["period"].iloc[0],
             N_("Factor set"): metrics.FACTOR_SET_VERSION,
             N_("Synthetic"): _("yes: demo figures") if info.get("synthetic") else _("no"),
             N_("Generated (UTC)"): f"{generated:%Y-%m-%d %H:%M}",
             N_("Not collected"): _("a datapoint whose figures were not entered for the period; never 0")}
    return workbook(table, about)
