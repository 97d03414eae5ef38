"""metrics.parse: a template table read once into canonical rows and problems; the report's figures."""
import datetime as dt
from unittest import mock

import numpy as np
import pandas as pd
import pytest

import metrics


def rows(*overrides):
    base = dict(enterprise=" A ", country="IN", sector="Textiles", period_start="2024-01-01",
                period_end="2024-01-31", phase="Baseline", indicator="Energy", carrier="Electricity",
                value=1.2, unit="MWh", note=None)
    return pd.DataFrame([dict(base, **o) for o in overrides])


def test_parsed_rows_are_canonical_and_agree_with_to_canonical():
    df = rows({}, dict(value="4,300", unit="kWh", period_start="2024-02-01", period_end="2024-02-29"),
              dict(carrier="diesel", value=350, unit="L"),
              dict(indicator="yield", carrier="", value=78, unit="%", period_start="01/02/2024",
                   period_end="29/02/2024", phase="follow up"))
    parsed = metrics.parse(df)
    assert parsed.ok and parsed.problems.empty
    out = parsed.rows
    assert list(out.columns) == metrics.TEMPLATE_COLUMNS + ["value_canonical", "unit_canonical"]
    assert out["value_canonical"].tolist() == pytest.approx(metrics.to_canonical(df)["value_canonical"].tolist())
    assert out["unit_canonical"].tolist() == ["kWh", "kWh", "kWh", "dimensionless"]
    assert out["value"].tolist() == [1.2, 4300.0, 350.0, 78.0]
    assert set(out["enterprise"]) == {"A"} and out["indicator"].tolist()[-1] == "yield"
    assert out["carrier"].tolist() == ["electricity", "electricity", "diesel", ""]
    assert out["phase"].tolist() == ["baseline", "baseline", "baseline", "follow-up"]
    # dates once, in the order the file shows (29/02: day first), as dates
    assert pd.api.types.is_datetime64_any_dtype(out["period_start"])
    assert out["period_start"].iloc[-1] == pd.Timestamp(2024, 2, 1)
    assert out["note"].isna().all()  # no note given stays None: an update keeps the stored note
    assert out.attrs["factor_set"] == metrics.FACTOR_SET_VERSION


def test_a_table_with_a_problem_has_its_problems_and_no_rows():
    df = rows({}, dict(value="-3", carrier="diesel"), dict(indicator="waste", carrier="landfill", unit="kWh"))
    parsed = metrics.parse(df)
    assert not parsed.ok and parsed.rows.empty
    assert {(p.row, p.column) for p in parsed.problems.itertuples()} == {(3, "value"), (4, "unit")}
    pd.testing.assert_frame_equal(parsed.problems, metrics.validate(df))


def test_parse_looks_up_one_factor_per_distinct_key_for_checks_and_values():
    df = pd.concat([rows({}, dict(unit="kWh", phase="follow-up"), dict(indicator="yield", carrier="", value=90,
                                                                         unit="%"))] * 300, ignore_index=True)
    df["enterprise"] = [f"E{i // 3}" for i in range(len(df))]
    with mock.patch.object(metrics.frames, "canonical_factor", wraps=metrics.frames.canonical_factor) as factor:
        assert metrics.parse(df).ok
    assert factor.call_count == 3


def test_missing_optional_columns_are_empty():
    df = rows({}).drop(columns=["country", "sector", "carrier", "note"]).assign(indicator="water", unit="m3")
    out = metrics.parse(df).rows
    assert out[["country", "sector", "carrier"]].iloc[0].tolist() == ["", "", ""]
    assert out["note"].iloc[0] is None


def canonical(*figures):
    """(phase, start, end, indicator, carrier, value, unit) -> canonical rows of enterprise A."""
    df = pd.DataFrame([dict(enterprise="A", country="IN", sector="S", period_start=s, period_end=e, phase=p,
                            indicator=i, carrier=c, value=v, unit=u, note="") for p, s, e, i, c, v, u in figures])
    return metrics.parse(df).rows


JAN, JUL, JAN25 = ("2024-01-01", "2024-01-31"), ("2024-07-01", "2024-07-31"), ("2025-01-01", "2025-03-31")


def test_report_stages_label_periods_in_time_order_with_yield_and_waste_share():
    df = canonical(("follow-up", *JUL, "yield", "", 90, "%"), ("baseline", *JAN, "yield", "", 78, "%"),
                   ("follow-up", *JAN25, "material_input", "", 100, "kg"),
                   ("follow-up", *JAN25, "material_wasted", "", 4, "kg"))
    stages = metrics.report_stages(df)
    assert stages["stage"].tolist() == ["Baseline", "Follow-up 1", "Follow-up 2"]
    assert stages["yield_pct"].tolist()[:2] == pytest.approx([78, 90]) and np.isnan(stages["yield_pct"].iloc[2])
    # material wasted / input where both are known, else 100 - yield
    assert stages["waste_share_pct"].tolist() == pytest.approx([22, 10, 4])
    assert metrics.report_stages(df.iloc[:0]).empty


def test_report_impacts_per_stage_with_intensities_per_production_unit():
    df = canonical(("baseline", *JAN, "energy", "electricity", 1000, "kWh"),
                   ("baseline", *JAN, "production", "", 500, "pcs"),
                   ("follow-up", *JUL, "energy", "electricity", 800, "kWh"),
                   ("follow-up", *JUL, "production", "", 400, "kg"))
    impacts, factors = metrics.report_impacts(df, metrics.report_stages(df))
    by = impacts.set_index("stage")
    assert by.loc["Baseline", "energy_kwh"] == pytest.approx(1000)
    assert by.loc["Baseline", "energy per piece"] == pytest.approx(2.0)
    assert by.loc["Follow-up 1", "energy per kg"] == pytest.approx(2.0)
    assert np.isnan(by.loc["Baseline", "energy per kg"])
    assert by.loc["Baseline", "kg_co2e"] > 0 and factors["carrier"].tolist() == ["electricity"]
    assert factors.attrs["factor_set"] == metrics.FACTOR_SET_VERSION


def test_periods_differ_when_their_lengths_do():
    same = canonical(("baseline", *JAN, "water", "", 1, "m3"), ("follow-up", *JUL, "water", "", 1, "m3"))
    assert not metrics.periods_differ(same)
    assert metrics.periods_differ(canonical(("baseline", *JAN, "water", "", 1, "m3"),
                                            ("follow-up", *JAN25, "water", "", 1, "m3")))
    assert not metrics.periods_differ(same.iloc[:0])
    assert dt.date(2024, 1, 31) == same["period_end"].iloc[0].date()


def test_a_table_without_notes_has_no_notes_on_its_own_rows():
    df = pd.DataFrame([dict(enterprise=e, country="IN", sector="S", period_start="2024-01-01",
                            period_end="2024-01-31", phase="baseline", indicator="water", carrier="", value=5,
                            unit="m3") for e in ("A", "B")], index=[5, 6])
    parsed = metrics.parse(df)
    assert parsed.ok and parsed.rows.index.tolist() == [5, 6] and parsed.rows["note"].tolist() == [None, None]


def test_missing_country_and_sector_are_empty_on_every_row_of_a_piece():
    """A piece of a file (index 5 and 6, no row 0) without country and sector columns: both are
    empty text on each row, not only on a row numbered 0."""
    df = pd.DataFrame([dict(enterprise=e, period_start="2024-01-01", period_end="2024-01-31", phase="baseline",
                            indicator="water", value=5, unit="m3") for e in ("A", "B")], index=[5, 6])
    out = metrics.parse(df).rows
    assert out.index.tolist() == [5, 6]
    assert out["country"].tolist() == ["", ""] and out["sector"].tolist() == ["", ""]


def test_a_refused_table_has_no_rows_and_the_canonical_columns():
    parsed = metrics.parse(rows(dict(value=-1)))
    assert not parsed.ok and parsed.rows.empty
    assert list(parsed.rows.columns) == metrics.TEMPLATE_COLUMNS + ["value_canonical", "unit_canonical"]


# --- degree days: an optional figure per period, heating or cooling -------------------------------------------

def test_degree_days_are_read_heating_or_cooling_in_celsius_or_fahrenheit_days():
    parsed = metrics.parse(rows(dict(indicator="degree_days", carrier="Heating", value=310, unit="degree_day"),
                                dict(indicator="degree_days", carrier="cooling", value=90, unit="degF_day")))
    assert parsed.ok, parsed.problems
    # a degree Fahrenheit day is 5/9 of a kelvin (Celsius) day: 90 x 5 / 9 = 50
    assert parsed.rows["value_canonical"].tolist() == pytest.approx([310, 50])
    assert parsed.rows["unit_canonical"].tolist() == ["degree_day", "degree_day"]
    assert parsed.rows["carrier"].tolist() == ["heating", "cooling"]


@pytest.mark.parametrize(("override", "column", "words"), [
    (dict(carrier=""), "carrier", "degree days need the carrier heating or cooling"),
    (dict(carrier="solar"), "carrier", "degree days need the carrier heating or cooling"),
    (dict(value=-5), "value", "value is negative"),
    (dict(unit="kWh"), "unit", "'kWh' is a unit of energy, but degree days is measured in degree days"),
    # January: 3,500 degree days over 31 days is 41,210 a year, over the 40,000 that no weather reaches
    (dict(value=3500), "value", "over the limit of 4e+04 degree_day a year"),
])
def test_degree_days_refused(override, column, words):
    parsed = metrics.parse(rows(dict(dict(indicator="degree_days", carrier="heating", value=300, unit="degree_day"),
                                     **override)))
    assert not parsed.ok
    assert words in " ".join(parsed.problems.loc[parsed.problems["column"].eq(column), "reason"])


def test_degree_days_are_no_result_of_their_own():
    # entered in both phases, they explain energy use (metrics.regression) but have no change of their own
    df = rows({}, dict(phase="follow-up", period_start="2025-01-01", period_end="2025-01-31", value=1.0),
              dict(indicator="degree_days", carrier="heating", value=300, unit="degree_day"),
              dict(indicator="degree_days", carrier="heating", value=200, unit="degree_day", phase="follow-up",
                   period_start="2025-01-01", period_end="2025-01-31"))
    changes = metrics.enterprise_changes(metrics.parse(df).rows)
    assert changes["indicator"].tolist() == ["energy"]
    assert changes["relative_change"].iloc[0] == pytest.approx(1.0 / 1.2 - 1)
