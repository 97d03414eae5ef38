"""What tracker/ shows a person (messages, table headings, chart words, country names) comes in the run's language.

A pseudo-language made from the extraction (tools/i18n.py pseudo: every translation is the English
between ⟦ ⟧) shows which words reach a person translated; what is stored or compared stays as it was.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

import metrics
from metrics import i18n
from tracker import access, auth, charts, countries, db, delivery, delivery_charts, entry, errors, tables
from tracker.db import session_scope


def _changes():
    return pd.DataFrame({"indicator": ["energy"], "shown_baseline": [120.0], "shown_followup": [95.0],
                         "shown_unit": ["kWh per day"], "relative_change": [95 / 120 - 1], "points": [None],
                         "absolute_change": [-25.0], "improved": [True]})


def test_a_report_table_is_headed_and_filled_in_the_run_language(pseudo):
    table = tables.changes_table(_changes())
    assert list(table.columns) == ["⟦indicator⟧", "⟦baseline⟧", "⟦latest follow-up⟧", "⟦unit⟧", "⟦relative change⟧",
                                   "⟦percentage points⟧", "⟦absolute change⟧", "⟦improved⟧"]
    row = table.iloc[0]
    assert row["⟦indicator⟧"] == "⟦Energy⟧" and row["⟦improved⟧"] == "⟦yes⟧"
    assert row["⟦unit⟧"] == "⟦{unit} per {per}⟧".replace("{unit}", "kWh").replace("{per}", "⟦day⟧")
    # the figure itself is metrics.formatting's, in the locale's separators: -20.8 % by hand (95 / 120 - 1)
    assert row["⟦relative change⟧"].replace("\xa0", "").replace(",", ".") == "-20.8%"


def test_the_english_report_table_is_unchanged():
    table = tables.changes_table(_changes())
    assert list(table.columns) == ["indicator", "baseline", "latest follow-up", "unit", "relative change",
                                   "percentage points", "absolute change", "improved"]
    assert table.iloc[0]["unit"] == "kWh per day" and table.iloc[0]["improved"] == "yes"


def test_chart_words_are_translated_and_hover_placeholders_kept(pseudo):
    table = pd.DataFrame({"indicator": ["energy"] * 2, "country": ["KE", "IN"], "enterprises": [5, 2],
                          "mean_change": [-0.2, -0.1], "median_change": [-0.15, -0.1], "suppressed": [False, True]})
    fig = charts.breakdown_chart(table, "country", "energy", pd.DataFrame(columns=["indicator"]), "Energy by country")
    assert isinstance(fig, go.Figure)
    bar, median = fig.data
    assert bar.name == "⟦mean (each enterprise counts once)⟧" and median.name == "⟦median⟧"
    # plotly's own placeholders survive the translation
    assert bar.hovertemplate == "⟦%{y}: mean %{x:+.1f}%, %{customdata} enterprises⟧<extra></extra>"
    ticks = list(fig.layout.yaxis.ticktext)
    assert any("⟦n = 2: hidden (" in t for t in ticks), ticks
    stage = charts.stage_chart(pd.DataFrame({"period_start": [pd.Timestamp("2024-01-01")],
                                             "period_end": [pd.Timestamp("2024-03-31")], "stage": ["Baseline"],
                                             "waste_share_pct": [10.0], "yield_pct": [90.0]}),
                               pd.DataFrame(columns=["action_date", "description"]))
    assert "⟦Yield and waste share by stage⟧" in stage.layout.title.text
    assert stage.layout.xaxis.title.text == "⟦end of period⟧"
    nothing = charts.breakdown_chart(table.iloc[:0], "country", "energy", pd.DataFrame(), "⟦Energy⟧")
    assert nothing == "⟦⟦Energy⟧: no enterprise has a baseline and a follow-up in this selection.⟧"
    pipeline = pd.DataFrame({"country": ["KE"], "provider": ["ILO"], "not recorded": [1], "candidate": [0],
                             "recommended": [0], "certified": [2], "trainers": [3]})
    fig = delivery_charts.pipeline_chart(pipeline)
    assert [t.name for t in fig.data[:4]] == ["⟦not recorded⟧", "⟦candidate⟧", "⟦recommended⟧", "⟦certified⟧"]
    assert fig.layout.title.text == "⟦Trainers by step of their path⟧"


def test_a_refusal_names_its_rows_in_the_run_language(pseudo):
    problems = metrics.parse(pd.DataFrame([dict(enterprise="A", period_start="2024-01-01", period_end="2024-01-31",
                                                phase="baseline", indicator="energy", carrier="electricity",
                                                value="-1", unit="kWh")])).problems
    message = str(errors.RejectedInput(problems))
    assert message == "⟦1 problem; nothing was stored:⟧\n⟦row 2, column value: ⟦value is negative⟧⟧"


def test_a_repeated_form_line_is_said_once_in_any_language(pseudo):
    jan = (dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    r = entry.form_rows(dict(name="Seal maker", country="IN", sector="Rubber"), "baseline", *jan,
                        {"energy_fuel_1": dict(value="300", unit="L", carrier="diesel"),
                         "energy_fuel_2": dict(value="50", unit="L", carrier="diesel")})
    problems = entry.problems_by_field(r, entry.parse_form(r))
    # the parse's own reason for the repeated row (in the run's language) is left out: the form says it its way
    assert problems == {"energy_fuel_2": ["⟦{carrier} is on the line '{line}' already: enter their sum there, once.⟧"
                                          .replace("{carrier}", "⟦Diesel⟧").replace("{line}", "⟦Fuel⟧")]}


def test_a_refused_role_is_told_in_the_run_language(duckdb_url, pseudo):
    engine = db.open_database(duckdb_url)
    try:
        with session_scope(engine) as s:
            auth.upsert_user(s, "otto", "correct horse", "officer")
        user = auth.authenticate(engine, "otto", "correct horse")
        with pytest.raises(errors.AccessDenied) as refused:
            access.require_role(engine, user, "admin", "trainer")
        assert str(refused.value) == "⟦This needs the role ⟦⟦admin⟧ or ⟦trainer⟧⟧.⟧"
        with pytest.raises(auth.SignInError, match=r"^⟦Unknown user name or wrong password.⟧$"):
            auth.authenticate(engine, "otto", "wrong horse")
    finally:
        engine.dispose()


def test_country_names_follow_the_run_locale():
    assert countries.country_name("DE") == "Germany"
    i18n.use("es_BO")
    try:
        assert countries.country_name("DE") == "Alemania" and countries.country_label("de") == "Alemania (DE)"
        assert countries.country_name("XX") == "XX"
        # what people type is read in any of the languages, whatever the run's
        assert countries.country_code("Germany") == countries.country_code("Alemania") == "DE"
    finally:
        i18n.use("en")


def test_delivery_keys_stay_and_read_in_words(pseudo):
    assert delivery.NO_TRAINER == "no trainer assigned"  # the key the differencing guard remembers
    assert delivery.label(delivery.NO_TRAINER) == "⟦no trainer assigned⟧"
    assert delivery.label("attendance at Quality Management") == "⟦attendance at ⟦Quality Management⟧⟧"
    assert delivery.label("Ms Trainer") == "Ms Trainer"


def test_every_stored_value_people_pick_has_its_words():
    from metrics import labels
    from metrics.delivery import PIPELINE
    from tracker import activities, enterprises, models

    assert set(labels.PHASE_LABELS) == set(models.PHASES) == set(metrics.PHASES)
    assert set(labels.SIZE_LABELS) == set(enterprises.SIZES)
    assert set(labels.PARTNER_TYPE_LABELS) == set(models.PARTNER_TYPES)
    assert set(labels.CRITERION_LABELS) == set(models.CLUSTER_CRITERIA)
    assert [labels.CRITERION_LABELS[k] for k in models.CLUSTER_CRITERIA] == list(models.CLUSTER_CRITERIA.values())
    assert set(labels.MODULE_LABELS) == set(activities.MODULES)
    assert set(labels.ROLE_LABELS) == set(models.ROLES)
    assert set(labels.TRAINER_STATUS_LABELS) == set(PIPELINE) >= set(models.TRAINER_STATUSES)
    # in English the words are the stored values themselves (but the criteria, stored by key)
    assert all(labels.size_label(s) == s for s in enterprises.SIZES)
    assert labels.criterion_label("growth") == "growth potential" and labels.size_label("") == ""
