"""The audit log in words: its actions, its tables and its records' before and after as people
read them, in the run's language (metrics.i18n).

The codes stay as stored ('login-failed', 'trainer_profiles', JSON); only what a page shows is
translated. A code this module does not know is shown as stored, never dropped.
"""
from __future__ import annotations

import json
import re

from metrics.i18n import N_, _, ngettext
from metrics.labels import carrier_label, column_label, indicator_label, role_label, unit_words

#: what was done, by the code tracker/ stores in ``audit_log.action``
ACTION_LABELS = {"insert": N_("added"), "update": N_("changed"), "delete": N_("deleted"), "save": N_("saved"),
                 "merge": N_("merged"), "activate": N_("account activated"),
                 "deactivate": N_("account deactivated"), "password": N_("password changed"),
                 "password-reset": N_("password reset"), "language": N_("language changed"),
                 "login": N_("signed in"), "login-failed": N_("sign-in refused"),
                 "login-sso": N_("signed in with single sign-on"),
                 "login-sso-refused": N_("single sign-on refused"), "logout": N_("signed out"),
                 "logout-expired": N_("signed out after inactivity"),
                 "visit export": N_("offline visit packed"), "visit open": N_("offline visit opened"),
                 "visit merge": N_("offline visit merged"), "offline visit": N_("changed by an offline visit")}

#: the audit log's tables as people call them
TABLE_LABELS = {"trainings": N_("modules attended"), "actions": N_("improvement actions"), "users": N_("accounts"),
                "user_enterprises": N_("accounts' enterprises"), "trainer_profiles": N_("trainer paths"),
                "audit_log": N_("audit log"), "enterprise_summary": N_("enterprise summary"),
                "shown_cells": N_("figures shown"), "sign_in_failures": N_("sign-in failures"),
                "partners": N_("implementation partners"), "enterprises": N_("enterprises"),
                "measurements": N_("figures entered"), "targets": N_("targets"), "statements": N_("statements"),
                "clusters": N_("clusters"), "visit_merges": N_("offline visits"), "settings": N_("settings")}


#: what the records' keys name where no table column does (metrics.labels.column_label names the rest)
RECORD_KEYS = {"date": N_("Date"), "status": N_("Status"), "type": N_("Type"), "region": N_("Region"),
               "trainer": N_("Trainer"), "provider_id": N_("Training provider"), "enterprise_id": N_("Enterprise id"),
               "inserted": N_("Inserted"), "updated": N_("Updated"), "criteria": N_("Selection criteria"),
               "selected_on": N_("Selected on"), "tot_date": N_("Training of Trainers on")}


def action_label(code) -> str:
    """An audit action as people read it: 'sign-in refused' for ``login-failed``; unknown codes as stored."""
    code = "" if code is None else str(code)
    return _(ACTION_LABELS[code]) if code in ACTION_LABELS else code


def table_label(name) -> str:
    """A stored table as people call it: 'trainer paths' for ``trainer_profiles``."""
    name = "" if name is None else str(name)
    return _(TABLE_LABELS[name]) if name in TABLE_LABELS else name.replace("_", " ")


def record_words(text) -> str:
    """An audit record's before or after (JSON, as stored) as people read it: 'Indicator: Materials
    wasted · Period start: 2024-01-01 · Value: 12'. Text that is no JSON object is given back as is."""
    if text is None or text != text or not str(text).strip():
        return ""
    try:
        record = json.loads(text)
    except ValueError:
        return str(text)
    if isinstance(record, str):  # a value stored alone ('"es"', an account's language before and after)
        return record
    if not isinstance(record, dict):
        return str(text)

    def value(key, v):
        if isinstance(v, list):
            return ", ".join(value(key, x) for x in v) or "–"
        if v is None or (isinstance(v, float) and v != v):  # NaN: a bulk save's optional input left empty
            return "–"
        if key in ("indicator", "indicators"):
            return ", ".join(indicator_label(i.strip()) for i in str(v).split(","))
        if key == "carrier":
            return carrier_label(v)
        if key == "role":
            return role_label(v)
        if key in ("unit", "unit_canonical"):
            return unit_words(v)
        if isinstance(v, float) and v.is_integer():
            return f"{v:.0f}"  # 12, not 12.0
        text = str(v)
        return text[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00:00", text) else text

    def name(k):
        words = _(RECORD_KEYS[k]) if k in RECORD_KEYS else column_label(k)
        return words[:1].upper() + words[1:]

    columns = record.get("columns")
    if isinstance(columns, list) and isinstance(record.get("figures"), list):
        # a bulk save: column names, then rows of figures in that order
        rows = record["figures"]
        head = " · ".join(f"{name(k)}: {value(k, v)}" for k, v in record.items() if k not in ("columns", "figures"))
        figures = "; ".join(", ".join(value(c, v) for c, v in zip(columns, row, strict=False)) for row in rows
                            if isinstance(row, list))
        what = ngettext("{n} figure ({columns})", "{n} figures ({columns})", len(rows)).format(
            n=f"{len(rows):,}", columns=", ".join(column_label(c) for c in columns))
        return " · ".join(p for p in (head, what + (f": {figures}" if figures else "")) if p)
    return " · ".join(f"{name(k)}: {value(k, v)}" for k, v in record.items())
