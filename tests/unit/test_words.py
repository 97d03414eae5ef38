"""Words for people (metrics.labels) and numbers as people write them (metrics.parse_values)."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import metrics
from metrics import audit_words, labels


def indian(n: int) -> str:
    """``n`` grouped as in India: the last three digits, then pairs (1,20,000)."""
    digits = str(n)
    head, tail = digits[:-3], digits[-3:]
    pairs = []
    while len(head) > 2:
        head, pairs = head[:-2], [head[-2:], *pairs]
    return ",".join(([head] if head else []) + pairs + [tail])


def test_indian_grouping_by_hand():
    assert [indian(n) for n in (999, 1000, 120000, 1234567, 10000000)] == \
        ["999", "1,000", "1,20,000", "12,34,567", "1,00,00,000"]
    read = metrics.parse_values(pd.Series(["1,20,000", "12,34,567.5", "1,00,00,000", "-1,20,000"]))
    assert read.tolist() == [120000.0, 1234567.5, 10000000.0, -120000.0]


@pytest.mark.parametrize("text", ["1,2,000", "120,00", "1,20,00", "12,34", "1,5", "1,20,000,0"])
def test_badly_grouped_numbers_are_refused_not_guessed(text):
    assert np.isnan(metrics.parse_values(pd.Series([text])).iloc[0])


@given(st.integers(min_value=0, max_value=10**15), st.sampled_from(["", ".5", ".25", ".125"]),
       st.sampled_from(["indian", "western"]), st.booleans())
def test_grouped_numbers_round_trip(n, decimals, style, negative):
    grouped = indian(n) if style == "indian" else f"{n:,}"
    sign = "-" if negative else ""
    assert metrics.parse_values(pd.Series([sign + grouped + decimals])).iloc[0] == float(f"{sign}{n}{decimals}")


def test_display_names_for_indicators_carriers_units_and_columns():
    assert labels.indicator_label("material_wasted") == "Materials wasted"
    assert labels.carrier_label("natural_gas") == "Natural gas"
    assert labels.carrier_label("recycled") == "Recycled"
    assert labels.unit_words("short_ton") == "short ton" and labels.unit_words("dimensionless") == "fraction"
    assert labels.column_label("period_start") == "Period start"
    assert labels.column_label("factor_kg_per_kwh") == "Emission factor (kg CO2e per kWh)"
    assert labels.column_label("material_wasted per kg") == "Materials wasted, kg per kg produced"
    assert labels.column_label("energy per piece") == "Energy, kWh per piece produced"
    source = ("codecarbon 3.3.2 (MIT), data/private_infra/global_energy_mix.json: carbon_intensity (location-based "
              "average, gCO2e/kWh), built from Our World in Data electricity-mix figures; IN 2023")
    assert labels.source_label(source) == ("codecarbon 3.3.2 (MIT) (location-based average, gCO2e/kWh), built from "
                                           "Our World in Data electricity-mix figures; IN 2023")


def test_every_carrier_destination_and_indicator_has_words():
    for name in [*metrics.CARRIERS, *metrics.WASTE_DESTINATIONS, *metrics.INDICATORS]:
        word = labels.carrier_label(name) if name not in metrics.INDICATORS else labels.indicator_label(name)
        assert "_" not in word and word[0].isupper(), name


def test_people_table():
    df = pd.DataFrame({"period_start": pd.to_datetime(["2023-01-01", "2023-07-01"]),
                       "action_date": [dt.date(2023, 5, 15), dt.date(2023, 11, 10)],
                       "indicator": ["material_wasted", "energy"], "carrier": ["", "natural_gas"],
                       "investment": [None, 1500.0], "currency": [None, "INR"], "enterprises": [33.0, 4.0],
                       "indicators": ["yield,material_wasted,waste", None], "unit": ["short_ton", "kWh"],
                       "active": [True, False]})
    out = labels.people_table(df)
    assert list(out.columns) == ["Period start", "Date", "Indicator", "Carrier or destination", "Investment",
                                 "Currency", "Enterprises", "Indicators affected", "Unit", "Active"]
    assert out["Period start"].tolist() == ["2023-01-01", "2023-07-01"]
    assert out["Date"].tolist() == ["2023-05-15", "2023-11-10"]
    assert out["Indicator"].tolist() == ["Materials wasted", "Energy"]
    assert out["Carrier or destination"].tolist() == ["", "Natural gas"]
    assert out["Currency"].tolist() == ["", "INR"]
    assert out["Enterprises"].tolist() == [33, 4] and out["Enterprises"].dtype == "int64"
    assert out["Indicators affected"].tolist() == ["Yield, Materials wasted, Waste produced", ""]
    assert out["Unit"].tolist() == ["short ton", "kWh"] and out["Active"].tolist() == ["yes", "no"]
    assert np.isnan(out["Investment"].iloc[0]) and out["Investment"].iloc[1] == 1500.0  # a figure stays a number
    kept = labels.people_table(df[["period_start"]], dates_as_text=False)
    assert pd.api.types.is_datetime64_any_dtype(kept["Period start"])


def test_an_audit_record_in_words():
    stored = ('{"carrier": "natural_gas", "indicator": "material_wasted", "period_start": "2024-01-01 00:00:00", '
              '"unit": "short_ton", "value": 4300.0, "share": 0.25, "managers_female": 1, "inserted": 18}')
    assert audit_words.record_words(stored) == ("Carrier or destination: Natural gas · Indicator: Materials wasted · "
                                           "Period start: 2024-01-01 · Unit: short ton · Value: 4300 · Share: 0.25 · "
                                           "Managers (women): 1 · Inserted: 18")
    assert audit_words.record_words('{"enterprises": [], "role": "officer"}') == "Enterprises: – · Role: officer"
    assert audit_words.record_words("") == "" and audit_words.record_words(None) == ""
    assert audit_words.record_words("[1]") == "[1]"


def test_a_bulk_save_reads_in_words():
    stored = ('{"columns": ["enterprise_id", "indicator", "carrier", "value"], '
              '"figures": [[3, "material_input", null, 12.0], [3, "energy", "natural_gas", 4.5]]}')
    text = audit_words.record_words(stored)
    assert text.startswith("2 figures ("), text
    assert "material_input" not in text and "enterprise_id" not in text and "natural_gas" not in text, text
    assert "12;" in text and "12.0" not in text, text


def test_an_empty_optional_input_of_a_bulk_save_reads_as_a_dash():
    # json.dumps writes a float NaN as NaN (an optional input such as the renewable share, left empty)
    stored = ('{"columns": ["indicator", "value", "renewable_pct", "price", "currency"], '
              '"figures": [["energy", 12.0, NaN, NaN, null]], "note": NaN}')
    text = audit_words.record_words(stored)
    assert "nan" not in text.lower(), text
    assert text == ("Note: – · 1 figure (Indicator, Value, Renewable share of electricity (%), Price per unit, "
                    "Currency): Energy, 12, –, –, –"), text


def test_audit_tables_read_in_words():
    assert audit_words.table_label("trainer_profiles") == "trainer paths"
    assert audit_words.table_label("measurements") == "figures entered"
    assert audit_words.table_label("some_new_table") == "some new table" and audit_words.table_label(None) == ""


def test_missing_and_unknown_names_read_as_nothing_or_as_given():
    assert labels.indicator_label("steam_hours") == "steam_hours"  # unknown: as given
    assert labels.carrier_label(None) == "" and labels.carrier_label(float("nan")) == ""
    assert labels.carrier_label("own_wood_chips") == "own wood chips"
    assert labels.unit_words(None) == "" and labels.unit_words(float("nan")) == ""
    assert labels.unit_words("kWh per short_ton") == "kWh per short ton"
    assert labels.unit_words("short_ton per piece") == "short ton per piece"  # one piece
    assert labels.source_label(None) == "" and labels.source_label(float("nan")) == ""
    assert labels.source_label("IEA  2023,   table 4") == "IEA 2023, table 4"  # runs of spaces become one
    assert labels.column_label("material_wasted per short_ton") == "Materials wasted, kg per short ton produced"
    assert labels.column_label("some_new_column") == "Some new column"
    assert labels.column_label("pH") == "pH"  # no underscore: as given, not capitalised


def test_an_audit_record_s_lists_dates_and_plain_text():
    assert audit_words.record_words("   ") == ""
    assert audit_words.record_words("not json") == "not json"
    assert audit_words.record_words('{"indicators": ["energy", "material_wasted"], "note": null}') == \
        "Indicators affected: Energy, Materials wasted · Note: –"
    assert audit_words.record_words('{"indicators": "energy,waste", "unit_canonical": "short_ton"}') == \
        "Indicators affected: Energy, Waste produced · Unit (converted): short ton"
    assert audit_words.record_words('{"action_date": "2024-01-31T00:00:00", "description": "Replaced the boiler"}') == \
        "Date: 2024-01-31 · What was done: Replaced the boiler"
    # "columns" without a list of figures is no bulk save: each key in words
    assert audit_words.record_words('{"columns": ["value"], "figures": 3}') == "Columns: value · Figures: 3"


def test_a_bulk_save_with_other_keys_in_words():
    stored = ('{"enterprise": "Acme", "indicators": "energy,waste", "columns": ["indicator", "value", "unit"], '
              '"figures": [["material_input", 12.0, "short_ton"], ["energy", 4.5], "not a row"]}')
    # three rows stored (one is no list and is not shown); the short row shows the values it has
    assert audit_words.record_words(stored) == ("Enterprise: Acme · Indicators affected: Energy, Waste produced · "
                                           "3 figures (Indicator, Value, Unit): Material input, 12, short ton; "
                                           "Energy, 4.5")
    assert audit_words.record_words('{"columns": ["value"], "figures": []}') == "0 figures (Value)"


def test_people_table_missing_values_sources_and_figures():
    df = pd.DataFrame({"indicator": [None, pd.NA, "energy"], "carrier": [None, float("nan"), "diesel"],
                       "unit_canonical": [None, "short_ton", "kWh"],
                       "source": ["IEA  2023", None, "a, data/x/y.json: z"],
                       "factor_source": ["IEA  2023", None, "a, data/x/y.json: z"],
                       "note": [1.5, None, "x"], "investment": [1500.0, 200.0, 0.0],
                       "enterprises": [3.0, float("nan"), 4.0], "days": [2.5, 1.0, 3.0],
                       "value": pd.array([1, None, 3], dtype="Int64")},
                      index=[10, 11, 12])
    out = labels.people_table(df)
    assert out.index.tolist() == [10, 11, 12]
    assert out["Indicator"].tolist() == ["", "", "Energy"]
    assert out["Carrier or destination"].tolist() == ["", "", "Diesel"]
    assert out["Unit (converted)"].tolist() == ["", "short ton", "kWh"]
    assert out["Source"].tolist() == ["IEA 2023", "", "a"]
    assert out["Source of the factor"].tolist() == ["IEA 2023", "", "a"]
    assert out["Note"].tolist() == [1.5, "", "x"]  # a number in a text column is no missing value
    # figures stay numbers: a whole-valued amount is no count, a count with a gap or a fraction stays as it is
    assert out["Investment"].dtype == "float64"
    assert out["Enterprises"].dtype == "float64" and out["Days"].tolist() == [2.5, 1.0, 3.0]
    assert pd.api.types.is_integer_dtype(out["Value"]) and out["Value"].iloc[2] == 3
    assert len(labels.people_table(pd.DataFrame(index=[0, 1]))) == 2


def test_people_table_dates_with_a_time_missing_dates_and_one_row():
    df = pd.DataFrame({"at": pd.to_datetime(["2023-01-01 12:30", None]),
                       "period_start": pd.to_datetime(["2023-01-01", None]),
                       "period_end": pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns]")})
    out = labels.people_table(df)
    assert out["When (UTC)"].tolist() == ["2023-01-01 12:30", ""]
    assert out["Period start"].tolist() == ["2023-01-01", ""] and out["Period end"].tolist() == ["", ""]
    one = labels.people_table(pd.DataFrame({"action_date": [dt.date(2023, 5, 15)]}))
    assert one["Date"].tolist() == ["2023-05-15"]
    kept = labels.people_table(df[["period_start"]], dates_as_text=False)
    assert kept["Period start"].iloc[0] == pd.Timestamp(2023, 1, 1) and pd.isna(kept["Period start"].iloc[1])


def test_the_like_with_like_line_in_words():
    assert labels.comparable_text({}) == "" and labels.comparable_text({"compared": 0}) == ""
    assert labels.comparable_text({"compared": 1200, "like_with_like": 900, "extrapolated": 35}) == (
        "Like with like: 900 of 1,200 enterprises have a follow-up covering the same months of the year as their "
        "baseline (the others compare seasons too; Data quality lists them). 35 enterprises' energy avoided a year "
        "is extrapolated from a follow-up shorter than a year.")


def test_a_date_column_with_a_word_after_fifty_dates_keeps_the_dates_for_a_spreadsheet():
    # 50 dates and then 'unknown': read as a date column (its first 50 values are dates); the word is no date
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(50)]
    table = labels.people_table(pd.DataFrame({"visit_date": days + ["unknown"]}), dates_as_text=False)
    column = table.iloc[:, 0]
    assert column.iloc[0] == pd.Timestamp(2024, 1, 1) and column.iloc[49] == pd.Timestamp(2024, 2, 19)
    assert pd.isna(column.iloc[50])


def test_every_audit_action_stored_has_words():
    """Every action tracker/ writes to the audit log (a literal in an audit.record call, or a
    module's AUDIT_ACTION) is named in words: a new action without words fails here."""
    import ast
    import pathlib

    stored = set()
    for path in pathlib.Path(__file__).resolve().parents[2].joinpath("tracker").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("record", "record_many") \
                    and getattr(node.func.value, "id", "") == "audit" and len(node.args) >= 3:
                for part in ast.walk(node.args[2]):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str) and part.value:
                        stored.add(part.value)
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "AUDIT_ACTION" for t in node.targets):
                stored.add(node.value.value)
    stored.discard("logout-")  # f"logout-{reason}": the one reason given is app.py's "expired"
    stored.add("logout-expired")
    assert {"login", "insert", "offline visit", "visit merge", "deactivate"} <= stored  # the scan finds them
    missing = stored - set(audit_words.ACTION_LABELS)
    assert not missing, f"audit actions without words: {sorted(missing)}"
    assert audit_words.action_label("login-failed") == "sign-in refused"
    assert audit_words.action_label("something-new") == "something-new" and audit_words.action_label(None) == ""
    assert audit_words.record_words('{"role": "officer"}') == "Role: officer"
    assert audit_words.record_words('"es"') == "es"  # a language before and after, without its JSON quotes
    assert audit_words.record_words('{"columns": ["value"], "figures": [[2.5]]}') == "1 figure (Value): 2.5"
