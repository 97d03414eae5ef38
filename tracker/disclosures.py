"""Disclosures for buyers and banks (VSME basic module, GRI) as Excel, one row per datapoint: for one enterprise
(its managers, trainers, admins) and, aggregated over a selection, for officers (``tracker.published``).

Every figure is ``metrics.enterprise_datapoints`` / ``metrics.programme_datapoints``; this module loads, checks
access and writes the file. A datapoint not collected reads "not collected", never 0.
"""
from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

import metrics
from metrics.disclosures import COLUMNS, enterprise_datapoints, reporting_period
from tracker.access import require_enterprise
from tracker.auth import CurrentUser
from tracker.db import session_scope
from tracker.enterprises import enterprise_dict
from tracker.io import neutralise
from tracker.measurements import measurement_frame

NOT_COLLECTED = "not collected"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = {"VSME": "VSME basic module", "GRI": "GRI"}


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
    """The datapoints as an Excel workbook: an About sheet (``about``: what, whose, factor set, when), then one
    sheet per standard, one row per datapoint; a missing value reads "not collected" (a hidden one, in a
    programme's file, "fewer than 3" when ``table`` has ``suppressed``)."""
    from tracker.disclosure import FEWER

    buf = io.BytesIO()
    hidden = np.zeros(len(table), dtype=bool)
    if "suppressed" in table.columns:  # hidden: from 1 or 2 enterprises, or too close; from none: not collected
        hidden = table["suppressed"].to_numpy(dtype=bool) & (table["enterprises"].to_numpy(dtype=int) > 0)
    values = [FEWER if h else (NOT_COLLECTED if pd.isna(v) else float(v))
              for v, h in zip(table["value"], hidden, strict=True)]
    sheet = pd.DataFrame({"Standard": table["standard"], "Reference": table["reference"],
                          "Datapoint": table["datapoint"], "Value": values, "Unit": table["unit"],
                          "Period": table["period"], "Method note": table["method"]})
    if "suppressed" in table.columns:
        sheet["Enterprises"] = table["enterprises"].astype(int).to_numpy()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        pd.DataFrame({"": list(about), " ": [neutralise(v) for v in about.values()]}).to_excel(
            xl, sheet_name="About", index=False)
        for standard, name in SHEETS.items():
            part = sheet[(sheet["Standard"] == standard).to_numpy()].drop(columns="Standard")
            part.to_excel(xl, sheet_name=name, index=False)
    return buf.getvalue()


def programme_workbook(table: pd.DataFrame, filters_text: str, *, generated: dt.datetime | None = None) -> bytes:
    """A programme's aggregated datapoints (``published.programme_disclosures``) as Excel."""
    generated = generated or dt.datetime.now(dt.UTC)
    about = {"Disclosures": "EFRAG VSME basic module (B3, B6, B7) and GRI 302, 303, 305, 306, aggregated",
             "Selection": filters_text, "Factor set": metrics.FACTOR_SET_VERSION,
             "Generated (UTC)": f"{generated:%Y-%m-%d %H:%M}",
             "Aggregation": "each enterprise's figure a year (x 365 / the days of its latest period), summed over "
                            "the enterprises that collected it (Enterprises); figures per unit of production are not "
                            "added up",
             "Hidden": "a figure of fewer than 3 enterprises, or one that differs from a figure shown before by "
                       "one or two enterprises, reads 'fewer than 3'"}
    return workbook(table, about)


def enterprise_workbook(engine: Engine, user: CurrentUser, enterprise_id: int, *,
                        generated: dt.datetime | None = None) -> bytes:
    """The enterprise's VSME and GRI datapoints as Excel, for a user who may read it."""
    info, table = enterprise_disclosures(engine, user, enterprise_id)
    generated = generated or dt.datetime.now(dt.UTC)
    about = {"Disclosures": "EFRAG VSME basic module (B3, B6, B7) and GRI 302, 303, 305, 306",
             "Enterprise": info["name"], "Reporting period": table["period"].iloc[0],
             "Factor set": metrics.FACTOR_SET_VERSION,
             "Synthetic": "yes: demo figures" if info.get("synthetic") else "no",
             "Generated (UTC)": f"{generated:%Y-%m-%d %H:%M}",
             "Not collected": "a datapoint whose figures were not entered for the period; never 0"}
    return workbook(table, about)
