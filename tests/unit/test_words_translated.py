"""The words of metrics (labels, validation reasons, messages) come from the catalogue of the run's language.

A pseudo-language made from the extraction (every translation is the English between ⟦ ⟧) shows
which words reach a person translated; the canonical keys and stored values stay English.
"""
import json

import pandas as pd
import pytest

import metrics
from metrics import audit_words, i18n, labels
from metrics.frames import REPEAT, is_repeat, repeat_reason


def test_labels_read_in_the_run_language(pseudo):
    assert labels.indicator_label("material_wasted") == "⟦Materials wasted⟧"
    assert labels.indicator_label("energy_per_production") == "⟦Energy per unit of production⟧"
    assert labels.carrier_label("natural_gas") == "⟦Natural gas⟧"  # the fuel table's own name
    assert labels.carrier_label("hazardous_landfill") == "⟦Hazardous, landfill⟧"
    assert labels.carrier_label("groundwater") == "⟦Groundwater⟧"
    assert labels.unit_words("short_ton") == "⟦short ton⟧"
    assert labels.unit_words("kWh") == "kWh"  # a symbol is no word
    assert labels.unit_words("kWh per piece") == "⟦{unit} per {per}⟧".replace("{unit}", "kWh").replace(
        "{per}", "⟦piece⟧")
    assert labels.column_label("period_start") == "⟦Period start⟧"
    assert labels.column_label("material_wasted per kg") == "⟦⟦Materials wasted⟧, kg per kg produced⟧"
    assert audit_words.table_label("trainer_profiles") == "⟦trainer paths⟧"
    assert audit_words.action_label("login-failed") == "⟦sign-in refused⟧"
    assert audit_words.record_words(json.dumps({"provider_id": 4})) == "⟦Training provider⟧: 4"
    assert audit_words.record_words(json.dumps({"role": "officer"})) == "⟦Role⟧: ⟦officer⟧"
    assert labels.basis_label("per_production") == "⟦per unit of production⟧"
    assert labels.status_label("on track") == "⟦on track⟧"
    assert labels.trainer_status_label("certified") == "⟦certified⟧"
    assert labels.figure_meaning("avoided").startswith("⟦sum over enterprises")
    table = labels.people_table(pd.DataFrame({"indicator": ["water"], "synthetic": [True]}))
    assert list(table.columns) == ["⟦Indicator⟧", "⟦Synthetic⟧"]
    assert table.iloc[0].tolist() == ["⟦Water⟧", "⟦yes⟧"]
    words = audit_words.record_words(json.dumps({"columns": ["value"], "figures": [[1.0], [2.0]]}))
    assert words == "⟦2 figures (⟦Value⟧)⟧: 1; 2"


def test_the_keys_and_the_english_stay(pseudo):
    # the dictionaries keep their canonical keys and English values; only what is shown is translated
    assert labels.INDICATOR_LABELS["material_wasted"] == "Materials wasted"
    assert labels.COLUMN_LABELS["period_start"] == "Period start"
    assert metrics.INDICATORS["energy"].label == "Energy"
    i18n.use("en")
    assert labels.indicator_label("material_wasted") == "Materials wasted"
    assert labels.unit_words("kWh per piece") == "kWh per piece"


def test_every_fuel_of_the_table_is_extracted():
    table = metrics.indicators.fuels()
    assert set(table["label"]) <= set(labels.FUEL_LABELS), set(table["label"]) - set(labels.FUEL_LABELS)


def _template(**overrides):
    row = dict(enterprise="A", country="KE", sector="x", period_start="2024-01-01", period_end="2024-03-31",
               phase="baseline", indicator="energy", carrier="electricity", value="10", unit="kWh", note="")
    row.update(overrides)
    return row


def test_a_validation_reason_is_translated_and_still_placed_right(pseudo):
    df = pd.DataFrame([_template(carrier="unobtainium"), _template(unit="zorkmid"), _template(value="-1"),
                       _template(phase="later")])
    problems = metrics.parse(df).problems
    by_row = {(p.row, p.column): p.reason for p in problems.itertuples()}
    # the carrier's problem is the carrier's, told apart by its kind and not by its words
    assert by_row[(2, "carrier")].startswith("⟦Unknown energy carrier 'unobtainium'")
    assert by_row[(3, "unit")] == ("⟦⟦Unknown unit 'zorkmid'.⟧ ⟦Energy⟧ is measured in ⟦⟦⟦energy⟧ or ⟦mass⟧⟧ or "
                                   "⟦volume⟧⟧ (for example kWh, MWh, GJ).⟧")
    assert by_row[(4, "value")] == "⟦value is negative⟧"
    assert by_row[(5, "phase")] == "⟦phase must be 'baseline' or 'follow-up'⟧"
    # the column names stay the template's
    assert set(problems["column"]) == {"carrier", "unit", "value", "phase"}


def test_a_repeated_row_is_recognised_in_any_language(pseudo):
    df = pd.DataFrame([_template(), _template()])
    reason = metrics.parse(df).problems.iloc[0]["reason"]
    assert reason == "⟦the same enterprise, period, phase, indicator and carrier as line 2: give one figure (their " \
                     "sum) per line⟧"
    assert is_repeat(reason) and is_repeat(repeat_reason(17)) and not is_repeat("⟦value is negative⟧")
    i18n.use("en")
    assert is_repeat(REPEAT.format(line=3)) and not is_repeat(reason)


def test_the_english_reasons_are_unchanged():
    df = pd.DataFrame([_template(carrier="unobtainium"), _template(unit="zorkmid")])
    reasons = metrics.parse(df).problems["reason"].tolist()
    assert reasons == ["Unknown energy carrier 'unobtainium'; expected one of " + ", ".join(metrics.CARRIERS) + ".",
                       "Unknown unit 'zorkmid'. Energy is measured in energy or mass or volume (for example kWh, MWh, "
                       "GJ)."]


def test_messages_of_metrics_are_translated(pseudo):
    with pytest.raises(ValueError, match="^⟦The reduction must be above 0 % and below 100 %.⟧$"):
        metrics.check_target("energy", "absolute", 1.5, pd.Timestamp("2030-01-01").date())
    with pytest.raises(ValueError, match="⟦Unknown indicator 'heat'"):
        metrics.indicators.get("heat")
    with pytest.raises(metrics.UnitError, match="^⟦Cannot convert 'kWh' \\(⟦energy⟧\\) to 'kg' \\(⟦mass⟧\\).⟧$"):
        metrics.convert(1, "kWh", "kg")
