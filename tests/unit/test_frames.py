"""metrics.validate and metrics.to_canonical on template tables."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

import metrics


def rows(*overrides):
    base = dict(enterprise="A", country="IN", sector="Textiles", period_start="2024-01-01",
                period_end="2024-01-31", phase="baseline", indicator="energy", carrier="electricity",
                value=1.2, unit="MWh", note="")
    return pd.DataFrame([dict(base, **o) for o in overrides])


def test_to_canonical_mixed_units():
    df = rows({}, dict(value="4,300", unit="kWh"), dict(carrier="diesel", value=350, unit="L"),
              dict(indicator="waste", carrier="landfill", value=2, unit="t"),
              dict(indicator="water", carrier="", value=1500, unit="L"),
              dict(indicator="yield", carrier="", value=78, unit="%"),
              dict(indicator="production", carrier="", value=12, unit="pcs"))
    out = metrics.to_canonical(df)
    assert out["value_canonical"].tolist() == pytest.approx([1200, 4300, 350 * 0.84 * 43 / 3.6, 2000, 1.5, 0.78, 12])
    assert out["unit_canonical"].tolist() == ["kWh", "kWh", "kWh", "kg", "m3", "dimensionless", "piece"]
    assert out.attrs["factor_set"] == metrics.FACTOR_SET_VERSION


def test_to_canonical_looks_up_one_factor_per_distinct_unit(monkeypatch):
    calls = []
    real = metrics.frames.canonical_factor

    def counting(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(metrics.frames, "canonical_factor", counting)
    df = pd.concat([rows({}, dict(unit="kWh"))] * 500, ignore_index=True)
    metrics.to_canonical(df)
    assert len(calls) == 2


def test_validate_names_every_bad_row_and_column():
    df = rows({},
              dict(indicator="happiness"),
              dict(value="abc"),
              dict(value=-5),
              dict(unit="kg"),
              dict(indicator="yield", carrier="", value=120, unit="%"),
              dict(period_end="2023-12-01"),
              dict(enterprise=""),
              dict(period_start=None),
              dict(phase="during"),
              dict(carrier="", unit="kWh"))
    problems = metrics.validate(df)
    got = {(p.row, p.column) for p in problems.itertuples()}
    assert got == {(3, "indicator"), (4, "value"), (5, "value"), (6, "unit"), (7, "value"), (8, "period_end"),
                   (9, "enterprise"), (10, "period_start"), (11, "phase"), (12, "carrier"),
                   # rows 4-6 are also a second figure for line 2's enterprise, period, indicator and carrier
                   (4, "carrier"), (5, "carrier"), (6, "carrier")}
    reasons = dict(((p.row, p.column), p.reason) for p in problems.itertuples())
    assert "negative" in reasons[(5, "value")]
    assert "over 100%" in reasons[(7, "value")]
    assert "before" in reasons[(8, "period_end")]
    assert "mass" in reasons[(6, "unit")] or "energy" in reasons[(6, "unit")]


def test_validate_missing_columns():
    problems = metrics.validate(pd.DataFrame({"enterprise": ["A"]}))
    assert set(problems["column"]) >= {"value", "unit", "indicator"}


def test_validate_accepts_a_good_table_and_date_objects():
    df = rows({}, dict(period_start=dt.date(2024, 2, 1), period_end=dt.date(2024, 2, 29), phase="Follow-up"))
    assert metrics.validate(df).empty


def test_parse_values_understands_thousands_separators():
    s = pd.Series(["4,300", "1 200", "1.5e3", "", "x", 7])
    assert metrics.parse_values(s).tolist()[:3] == [4300.0, 1200.0, 1500.0]
    assert np.isnan(metrics.parse_values(s).iloc[3]) and np.isnan(metrics.parse_values(s).iloc[4])


def test_decimal_commas_are_refused_not_read_as_thousands():
    values = pd.Series(["1,5", "12,34", "4.300,5", "1,2,3", "4,300", "1,234,567.5", "4 300", "-4,300"])
    parsed = metrics.parse_values(values)
    assert parsed.iloc[:4].isna().all()
    assert parsed.iloc[4:].tolist() == [4300.0, 1234567.5, 4300.0, -4300.0]
    problems = metrics.validate(rows(dict(value="1,5"), dict(value="n/a", carrier="diesel", unit="L")))
    assert problems["reason"].str.contains("use a point for decimals").tolist() == [True, False]


def test_day_and_month_are_read_in_one_order_per_table_and_never_guessed():
    # was: "01/06/2024" month-first beside "30/06/2024" day-first, a June period of 177 days
    start, end = metrics.period_dates(pd.DataFrame({"period_start": ["01/06/2024"], "period_end": ["30/06/2024"]}))
    assert (start.iloc[0], end.iloc[0]) == (pd.Timestamp("2024-06-01"), pd.Timestamp("2024-06-30"))
    start, end = metrics.period_dates(pd.DataFrame({"period_start": ["06/01/2024"], "period_end": ["06/30/2024"]}))
    assert (start.iloc[0], end.iloc[0]) == (pd.Timestamp("2024-06-01"), pd.Timestamp("2024-06-30"))
    problems = metrics.validate(rows(dict(period_start="01/06/2024", period_end="05/06/2024")))
    assert set(problems["column"]) == {"period_start", "period_end"}
    assert problems["reason"].str.contains("YYYY-MM-DD").all() and problems["reason"].str.contains("apart").all()
    assert metrics.parse_dates(pd.Series(["2024/06/30", "30 Jun 2024", "1/2/24"])).tolist()[:2] == \
        [pd.Timestamp("2024-06-30")] * 2
    assert metrics.parse_dates(pd.Series(["1/2/24"])).isna().all()


def test_names_with_stray_spaces_are_one_enterprise():
    out = metrics.to_canonical(rows(dict(enterprise="A "), dict(enterprise=" A")))
    assert out["enterprise"].tolist() == ["A", "A"]
