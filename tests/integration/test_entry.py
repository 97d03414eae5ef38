"""tracker.entry: form values to template rows, messages by field, the unusual-figure check.

Pure functions, tested with plain values: no Streamlit, no database.
"""
import datetime as dt

import pandas as pd
import pytest

import metrics
from tracker import entry

ENT = dict(name="Seal maker", country="IN", sector="Rubber")
JAN = (dt.date(2024, 1, 1), dt.date(2024, 1, 31))


def rows(entries, phase="baseline", period=JAN):
    return entry.form_rows(ENT, phase, period[0], period[1], entries)


def problems_of(r):
    return entry.problems_by_field(r, entry.parse_form(r))


def implausible(r, past):
    return entry.implausible(r, entry.parse_form(r), past)


def history(*figures):
    """Stored measurements as enterprise_info returns them: (indicator, carrier, value, unit, start, end)."""
    frame = pd.DataFrame([dict(enterprise=ENT["name"], country="IN", sector="Rubber", period_start=s, period_end=e,
                               phase="baseline", indicator=i, carrier=c, value=v, unit=u, note="")
                          for i, c, v, u, s, e in figures])
    return metrics.to_canonical(frame)


def test_empty_lines_are_skipped_and_fields_kept():
    r = rows({"energy_electricity": dict(value="1,200", unit="kWh"), "water": dict(value="  ", unit="m3"),
              "waste_1": dict(value="40", unit="kg", carrier="recycled"), "yield": dict(value=None, unit="%")})
    assert r["field"].tolist() == ["energy_electricity", "waste_1"]
    assert r["carrier"].tolist() == ["electricity", "recycled"]  # fixed carrier, chosen destination
    assert list(r.columns) == ["field"] + metrics.TEMPLATE_COLUMNS
    assert set(r["enterprise"]) == {"Seal maker"} and set(r["phase"]) == {"baseline"}
    assert r["period_start"].iloc[0] == JAN[0] and r["period_end"].iloc[0] == JAN[1]


def test_nothing_entered_gives_no_rows_and_no_problems():
    r = rows({})
    assert r.empty and list(r.columns) == ["field"] + metrics.TEMPLATE_COLUMNS
    assert problems_of(r) == {}
    assert implausible(r, history(("water", "", 30, "m3", *JAN))) == {}


def test_each_message_is_keyed_to_its_line():
    r = rows({"energy_electricity": dict(value="1,200", unit="kWh"),
              "energy_fuel_1": dict(value="5", unit="L", carrier="coal"),
              "yield": dict(value="120", unit="%"), "water": dict(value="-3", unit="m3"),
              "production": dict(value="many", unit="pieces")})
    problems = problems_of(r)
    assert set(problems) == {"energy_fuel_1", "yield", "water", "production"}  # electricity is fine
    assert "by mass or energy" in problems["energy_fuel_1"][0]
    assert problems["yield"] == ["yield is over 100%"]
    assert problems["water"] == ["value is negative"]
    assert "not a number" in problems["production"][0]


def test_a_period_ending_before_it_starts_is_reported_once_for_the_period():
    r = rows({"water": dict(value="3", unit="m3"), "production": dict(value="10", unit="pieces")},
             period=(dt.date(2024, 2, 1), dt.date(2024, 1, 31)))
    problems = problems_of(r)
    assert set(problems) == {"period"} and "before" in problems["period"][0]


@pytest.mark.parametrize("field", [f for f in entry.FIELDS])
def test_every_line_offers_units_of_its_dimension(field):
    units = entry.unit_choices(field)
    assert units and len(units) == len(set(units))
    if field.carrier:
        assert units == metrics.valid_units(field.indicator, field.carrier)
    if field.indicator == "energy" and not field.carrier:  # every fuel's units, checked on save
        for fuel in entry.FUELS:
            assert set(metrics.valid_units("energy", fuel)) <= set(units)


def test_mwh_typed_for_kwh_asks_did_you_mean():
    past = history(("energy", "electricity", 18_000, "kWh", *JAN))
    new = rows({"energy_electricity": dict(value="17,000", unit="MWh")}, phase="follow-up",
               period=(dt.date(2024, 4, 1), dt.date(2024, 4, 30)))
    warnings = implausible(new, past)
    assert list(warnings) == ["energy_electricity"]
    assert "Did you mean kWh instead of MWh?" in warnings["energy_electricity"]
    assert "times this enterprise's usual figure per day" in warnings["energy_electricity"]


def test_kwh_typed_for_mwh_is_flagged_too():
    past = history(("energy", "electricity", 18, "MWh", *JAN))
    new = rows({"energy_electricity": dict(value="17", unit="kWh")})
    warnings = implausible(new, past)
    assert "1/" in warnings["energy_electricity"] and "Did you mean MWh instead of kWh?" in warnings[
        "energy_electricity"]


def test_usual_figures_and_other_carriers_pass():
    past = history(("energy", "electricity", 18_000, "kWh", *JAN), ("water", "", 40, "m3", *JAN))
    new = rows({"energy_electricity": dict(value="9", unit="MWh"),  # half the usual: fine
                "energy_fuel_1": dict(value="5000", unit="L", carrier="diesel"),  # no diesel history
                "water": dict(value="45000", unit="L")})  # 45 m3 in litres: fine
    assert implausible(new, past) == {}


def test_the_check_compares_per_day_rates():
    past = history(("water", "", 3, "m3", dt.date(2024, 1, 1), dt.date(2024, 1, 1)))  # one day
    year = rows({"water": dict(value="1000", unit="m3")}, period=(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
    assert implausible(year, past) == {}  # 2.7 m3 a day over a year is usual
    day = rows({"water": dict(value="1000", unit="m3")}, period=(dt.date(2024, 2, 1), dt.date(2024, 2, 1)))
    assert "water" in implausible(day, past)


def test_a_jump_without_a_unit_explaining_it_gives_no_unit_hint():
    past = history(("water", "", 1, "m3", *JAN))
    new = rows({"water": dict(value="5000", unit="m3")})  # 5000x: no water unit is 5000x m3
    text = implausible(new, past)["water"]
    assert "5,000 times" in text and "Did you mean" not in text


def test_yield_is_never_flagged_as_a_jump():
    past = history(("yield", "", 0.1, "%", *JAN))  # 0.1% stored (a slip), 90% now: 900x, not checked
    new = rows({"yield": dict(value="90", unit="%")})
    assert implausible(new, past) == {}


def test_two_lines_for_the_same_fuel_are_refused_not_merged_away():
    # regression: "Fuel: diesel 300 L" and "Another fuel: diesel 50 L" stored 50 L only
    r = rows({"energy_fuel_1": dict(value="300", unit="L", carrier="diesel"),
              "energy_fuel_2": dict(value="50", unit="L", carrier="diesel"),
              "waste_1": dict(value="300", unit="kg", carrier="sold"),
              "waste_2": dict(value="200", unit="kg", carrier="sold")})
    problems = problems_of(r)
    assert set(problems) == {"energy_fuel_2", "waste_2"}
    assert problems["energy_fuel_2"] == ["Diesel is on the line 'Fuel' already: enter their sum there, once."]


def test_a_yield_fraction_typed_with_percent_asks_for_confirmation():
    # regression: 0.955 with the unit % was stored as a yield of 1%
    flagged = implausible(rows({"yield": dict(value="0.955", unit="%")}), pd.DataFrame())
    assert "Did you mean 95.5 %" in flagged["yield"]
    # advice offers only what the form offers: its yield line lists the unit % alone
    assert entry.unit_choices(next(f for f in entry.FIELDS if f.key == "yield")) == ["%"]
    assert "fraction" not in flagged["yield"]
    assert implausible(rows({"yield": dict(value="95.5", unit="%")}), pd.DataFrame()) == {}
    assert implausible(rows({"yield": dict(value="0.955", unit="fraction")}), pd.DataFrame()) == {}


def test_the_form_offers_the_unit_the_enterprise_used_last():
    field = next(f for f in entry.FIELDS if f.key == "production")
    h = history(("production", "", 500, "kg", "2024-01-01", "2024-01-31"),
                ("energy", "electricity", 2, "MWh", "2024-01-01", "2024-01-31"))
    assert entry.usual_unit(field, h) == "kg"
    assert entry.usual_unit(next(f for f in entry.FIELDS if f.key == "energy_electricity"), h) == "MWh"
    assert entry.usual_unit(next(f for f in entry.FIELDS if f.key == "water"), h) is None


def test_every_line_s_usual_unit_in_one_pass():
    # the page asks for every line at once (entry.usual_units): each line's unit of its latest period,
    # whatever order the history comes in
    h = history(("production", "", 500, "kg", "2024-04-01", "2024-04-30"),
                ("production", "", 9000, "piece", "2024-01-01", "2024-01-31"),
                ("energy", "electricity", 2, "MWh", "2024-01-01", "2024-01-31"),
                ("energy", "electricity", 2000, "kWh", "2023-12-01", "2023-12-31"),
                ("waste", "landfill", 3, "t", "2024-02-01", "2024-02-29"),
                ("energy", "diesel", 30, "L", "2024-04-01", "2024-04-30"))
    units = entry.usual_units(h)
    assert (units["production"], units["energy_electricity"], units["waste_1"], units["waste_2"]) == (
        "kg", "MWh", "t", "t")
    assert units["energy_fuel_1"] is None and units["water"] is None  # fuels: chosen per line; water: none yet
    assert units == {f.key: entry.usual_unit(f, h) for f in entry.FIELDS}
    assert entry.usual_units(h.iloc[0:0]) == {f.key: None for f in entry.FIELDS}


def test_production_in_another_kind_of_unit_is_flagged():
    # regression: kg after pieces was saved silently and shown as "energy per piece"
    h = history(("production", "", 200_000, "piece", "2024-01-01", "2024-03-31"))
    flagged = implausible(rows({"production": dict(value="230000", unit="kg")}), h)
    assert "entered in piece so far" in flagged["production"]
    assert implausible(rows({"production": dict(value="210000", unit="pcs")}), h) == {}


def _history(*periods):
    """Stored figures of the given (phase, start, end) periods, one figure each."""
    return pd.DataFrame([dict(phase=p, period_start=pd.Timestamp(s), period_end=pd.Timestamp(e))
                         for p, s, e in periods])


def test_with_nothing_stored_the_form_offers_a_baseline_over_the_last_complete_quarter():
    d = entry.period_defaults(pd.DataFrame(columns=["phase", "period_start", "period_end"]), dt.date(2026, 11, 30))
    assert d == entry.PeriodDefaults("baseline", dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    d = entry.period_defaults(pd.DataFrame(columns=["phase", "period_start", "period_end"]), dt.date(2026, 2, 10))
    assert d == entry.PeriodDefaults("baseline", dt.date(2025, 10, 1), dt.date(2025, 12, 31))


def test_once_a_baseline_is_stored_the_form_offers_the_follow_up_after_the_last_period():
    # regression: the form offered baseline, Q1 of this year, and a save there turned 78 -> 95 into 87 -> 95.6
    h = _history(("baseline", "2023-01-01", "2023-03-31"), ("follow-up", "2024-01-01", "2024-03-31"))
    assert entry.period_defaults(h, dt.date(2026, 11, 30)) == entry.PeriodDefaults(
        "follow-up", dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    six_months = _history(("baseline", "2023-01-01", "2023-06-30"))
    assert entry.period_defaults(six_months, dt.date(2026, 1, 1)) == entry.PeriodDefaults(
        "follow-up", dt.date(2023, 7, 1), dt.date(2023, 12, 31))
    february = _history(("baseline", "2024-02-01", "2024-02-29"))  # a leap month: March follows, whole
    assert entry.period_defaults(february, dt.date(2026, 1, 1)).end == dt.date(2024, 3, 31)
    ten_days = _history(("baseline", "2024-05-03", "2024-05-12"))  # not whole months: the same number of days
    assert entry.period_defaults(ten_days, dt.date(2026, 1, 1)) == entry.PeriodDefaults(
        "follow-up", dt.date(2024, 5, 13), dt.date(2024, 5, 22))
    only_follow_up = _history(("follow-up", "2024-01-01", "2024-03-31"))
    assert entry.period_defaults(only_follow_up, dt.date(2026, 1, 1)).phase == "baseline"


def test_a_baseline_after_a_follow_up_or_a_follow_up_before_the_baseline_is_flagged():
    h = _history(("baseline", "2023-01-01", "2023-03-31"), ("follow-up", "2023-07-01", "2023-09-30"))
    assert entry.sequence_warning("baseline", dt.date(2023, 1, 1), dt.date(2023, 3, 31), h) is None
    assert entry.sequence_warning("follow-up", dt.date(2024, 1, 1), dt.date(2024, 3, 31), h) is None
    late = entry.sequence_warning("baseline", dt.date(2026, 1, 1), dt.date(2026, 3, 31), h)
    assert late.startswith("This baseline is dated after follow-up figures") and "2023-07-01 to 2023-09-30" in late
    early = entry.sequence_warning("follow-up", dt.date(2023, 2, 1), dt.date(2023, 2, 28), h)
    assert early.startswith("This follow-up is dated before the end of the baseline") and "2023-01-01" in early
    # the day after the baseline ends is a follow-up in order; the day it ends is not
    assert entry.sequence_warning("follow-up", dt.date(2023, 4, 1), dt.date(2023, 4, 30), h) is None
    assert entry.sequence_warning("follow-up", dt.date(2023, 3, 31), dt.date(2023, 4, 30), h) is not None


def test_check_form_reads_and_checks_in_one_call():
    """The page's one call per press of Save: problems stop the plausibility check, a clean form
    with a period before the baseline is flagged, an empty form says so."""
    stored = history(("energy", "electricity", 9000, "kWh", dt.date(2024, 1, 1), dt.date(2024, 3, 31)))
    bad = entry.check_form(ENT, "follow-up", dt.date(2024, 4, 1), dt.date(2024, 6, 30),
                           {"energy_electricity": {"value": "ten", "unit": "kWh"}}, stored)
    assert list(bad.problems) == ["energy_electricity"] and bad.warnings == {}
    early = entry.check_form(ENT, "follow-up", dt.date(2023, 4, 1), dt.date(2023, 6, 30),
                             {"energy_electricity": {"value": "8000", "unit": "kWh"}}, stored)
    assert early.problems == {} and "period" in early.warnings and len(early.parsed.rows) == 1
    assert entry.check_form(ENT, "baseline", dt.date(2024, 1, 1), dt.date(2024, 3, 31), {}, stored).empty
