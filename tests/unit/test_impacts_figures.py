"""metrics.impacts: intensities, emissions and the grid factor's year, figures worked out by hand
from the IPCC 2006 factors in data/fuels.csv (NCV 43.0 GJ/t and 74,100 kg CO2/TJ for diesel)."""
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import metrics
from metrics import impacts
from metrics.frames import to_canonical

KWH_PER_L_DIESEL = 0.84 * 43.0 / 3.6  # kg/L x GJ/t -> kWh/L
#: kg CO2e per kWh of diesel: CO2 74,100 + CH4 3 x 28 + N2O 0.6 x 265 kg/TJ (IPCC 2006 Tables 1.4 and 2.3,
#: AR5 GWPs), kg/TJ -> kg/kWh
KG_PER_KWH_DIESEL = (74_100 + 3 * 28 + 0.6 * 265) * 3.6e-6


def r(indicator, value, unit, carrier="", phase="baseline", start="2024-01-01", end="2024-01-31", enterprise="A",
      country="IN"):
    return dict(enterprise=enterprise, country=country, sector="", period_start=start, period_end=end, phase=phase,
                indicator=indicator, carrier=carrier, value=value, unit=unit, note="")


def test_intensity_with_two_production_lines_in_one_period_sums_both():
    df = pd.DataFrame([r("energy", 1000, "kWh", "electricity"), r("energy", 500, "kWh", "natural_gas"),
                       r("production", 300, "piece", "line 1"), r("production", 200, "piece", "line 2")])
    out = metrics.intensity(df, "energy")
    assert out[["numerator", "denominator", "intensity", "unit"]].values.tolist() == [[1500.0, 500.0, 3.0,
                                                                                      "kWh per piece"]]


def test_intensity_per_period_sorted_and_only_where_both_are_known():
    df = pd.DataFrame([
        r("waste", 2, "t", "landfill", "follow-up", "2025-01-01", "2025-01-31"),
        r("production", 4, "t", "", "follow-up", "2025-01-01", "2025-01-31"),
        r("waste", 3, "t", "landfill"), r("production", 0, "t"),  # no production: no intensity
        r("waste", 1, "t", "sold", "follow-up", "2025-02-01", "2025-02-28"),  # no production in February
        r("production", 9, "t", "", "follow-up", "2025-03-01", "2025-03-31"),  # no waste in March
    ])
    out = metrics.intensity(df, "waste")
    assert list(out.columns) == ["enterprise", "phase", "period_start", "period_end", "numerator", "denominator",
                                 "intensity", "unit"]
    assert out[["phase", "period_start"]].values.tolist() == [["baseline", "2024-01-01"],
                                                              ["follow-up", "2025-01-01"]]
    assert np.isnan(out["intensity"].iloc[0]) and out["denominator"].iloc[0] == 0
    assert out["intensity"].iloc[1] == pytest.approx(2000 / 4000) and out["unit"].iloc[1] == "kg per kg"
    assert out.attrs["factor_set"] == metrics.FACTOR_SET_VERSION


def test_intensity_per_another_indicator_and_refusing_unknown_ones():
    df = pd.DataFrame([r("material_wasted", 22, "kg"), r("material_input", 100, "kg")])
    out = metrics.intensity(df, "material_wasted", per="material_input")
    assert out["intensity"].tolist() == [pytest.approx(0.22)] and out["unit"].tolist() == ["kg per kg"]
    with pytest.raises(ValueError, match="Unknown indicator 'happiness'"):
        metrics.intensity(df, "happiness")
    with pytest.raises(ValueError, match="Unknown indicator 'smiles'"):
        metrics.intensity(df, "energy", per="smiles")


def test_emissions_of_diesel_by_hand():
    e = metrics.emissions(1000, "diesel")
    assert e.kg_co2e == pytest.approx(1000 * KG_PER_KWH_DIESEL) and e.biogenic_kg_co2 == 0.0
    assert e.factor_kg_per_kwh == pytest.approx(KG_PER_KWH_DIESEL) and e.kwh == 1000.0
    assert "IPCC" in e.factor_source and e.factor_set == metrics.FACTOR_SET_VERSION
    zero = metrics.emissions(0, "diesel")
    assert zero.kg_co2e == 0 and zero.kwh == 0.0


@pytest.mark.parametrize("kwh,message", [(None, "The energy is not a number."),
                                         (float("nan"), "The energy is not a number."),
                                         (-1, r"Energy cannot be negative \(got -1 kWh\).")])
def test_emissions_refuse_what_is_not_an_amount_of_energy(kwh, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        metrics.emissions(kwh, "diesel")


def test_energy_kwh_messages_and_zero():
    assert metrics.energy_kwh(0, "L", "diesel") == 0.0
    assert metrics.energy_kwh("1 200", "L", "diesel") == pytest.approx(1200 * KWH_PER_L_DIESEL)
    with pytest.raises(ValueError, match=r"^Energy amounts cannot be negative \(got -2.5 L\)\.$"):
        metrics.energy_kwh(-2.5, "L", "diesel")
    with pytest.raises(ValueError, match=r"^The amount must be one number, not \[1, 2\]\.$"):
        metrics.energy_kwh([1, 2], "kWh", "electricity")
    with pytest.raises(ValueError, match=r"^The amount is not a finite number \(inf\)\.$"):
        metrics.energy_kwh(float("inf"), "kWh", "electricity")
    with pytest.raises(ValueError, match=r"^The amount is not a finite number \('1,5'\)\.$"):
        metrics.energy_kwh("1,5", "kWh", "electricity")


GRID = pd.DataFrame({"iso2": ["IN", "IN", "IN", "KE"], "country_name": ["India", "India", "India", "Kenya"],
                     "year": [2019, 2021, 2023, 2022], "g_co2e_per_kwh": [700.0, 710.0, 720.0, 80.0],
                     "source": ["test table"] * 4})


@pytest.fixture
def grid(monkeypatch):
    """A grid table with several years for one country (the shipped one has one year each)."""
    monkeypatch.setattr(impacts, "grid_factors", lambda: GRID)


@pytest.mark.parametrize("year,expected", [(2023, (0.720, 2023)), (2022, (0.710, 2021)), (2021, (0.710, 2021)),
                                           (2030, (0.720, 2023)), (None, (0.720, 2023))])
def test_grid_factor_for_a_year_is_the_latest_not_after_it(grid, year, expected):
    kg, got_year, source = metrics.grid_factor(" in ", year)
    assert (kg, got_year) == (pytest.approx(expected[0]), expected[1]) and source == "test table"


def test_grid_factor_for_a_year_before_the_table_is_the_earliest_not_the_latest(grid):
    """Regression: with nothing at or before the year asked, the latest figure (2023) was taken;
    METHODS.md and the docstring say the earliest (2019)."""
    kg, year, _ = metrics.grid_factor("IN", 2018)
    assert (kg, year) == (pytest.approx(0.700), 2019)


def test_grid_factor_unknown_country_message():
    with pytest.raises(ValueError, match=r"^No grid emission factor for country 'XX' \(ISO 3166 alpha-2 expected\)\.$"):
        metrics.grid_factor("XX")


def test_electricity_emissions_use_the_year_asked_for(grid):
    e = metrics.emissions(1000, "electricity", "in", 2022)
    assert e.kg_co2e == pytest.approx(1000 * 0.710) and e.factor_source == "test table; IN 2021"
    assert metrics.emissions_kg_co2e(1, "MWh", "electricity", "IN", 2019).kg_co2e == pytest.approx(700.0)
    with pytest.raises(ValueError, match=r"^Electricity emissions need the country"):
        metrics.emissions(1, "electricity")


def test_emissions_frame_takes_each_rows_year_or_the_year_given(grid):
    df = pd.DataFrame([r("energy", 1, "MWh", "electricity", end="2021-12-31", start="2021-12-01"),
                       r("energy", 1, "MWh", "electricity", end="2023-01-31", start="2023-01-01"),
                       r("energy", 100, "L", "diesel", end="2023-01-31", start="2023-01-01"),
                       r("energy", 1, "MWh", "electricity", enterprise="B", country="KE"),
                       r("waste", 5, "kg", "landfill")])
    em = metrics.emissions_frame(df)
    assert len(em) == 4 and (em["indicator"] == "energy").all()
    assert em["kg_co2e"].tolist() == pytest.approx([710.0, 720.0, 100 * KWH_PER_L_DIESEL * KG_PER_KWH_DIESEL, 80.0])
    assert em["factor_kg_per_kwh"].tolist() == pytest.approx([0.710, 0.720, KG_PER_KWH_DIESEL, 0.080])
    assert em["factor_source"].tolist()[:2] == ["test table; IN 2021", "test table; IN 2023"]
    assert em["biogenic_kg_co2"].tolist() == [0.0] * 4
    fixed = metrics.emissions_frame(df, year=2019)
    assert fixed["kg_co2e"].tolist()[:2] == pytest.approx([700.0, 700.0])
    assert fixed["kg_co2e"].iloc[3] == pytest.approx(80.0)  # Kenya has nothing before 2022: its earliest


def test_emissions_frame_biogenic_memo_and_no_energy():
    df = pd.DataFrame([r("energy", 1, "t", "biomass"), r("energy", 1, "t", "coal")])
    em = metrics.emissions_frame(df)
    biomass_kwh, coal_kwh = 15.6 / 3.6 * 1000, 25.8 / 3.6 * 1000  # GJ/t -> kWh per tonne
    assert em["kg_co2e"].tolist() == pytest.approx([biomass_kwh * (30 * 28 + 4 * 265) * 3.6e-6,
                                                    coal_kwh * (94_600 + 10 * 28 + 1.5 * 265) * 3.6e-6])
    assert em["biogenic_kg_co2"].tolist() == pytest.approx([biomass_kwh * 112_000 * 3.6e-6, 0.0])
    none = metrics.emissions_frame(pd.DataFrame([r("waste", 5, "kg", "landfill")]))
    assert none.empty and {"kg_co2e", "biogenic_kg_co2", "factor_kg_per_kwh", "factor_source"} <= set(none.columns)
    assert none.attrs["factor_set"] == metrics.FACTOR_SET_VERSION


def test_emissions_frame_without_a_country_column_for_fuels():
    df = pd.DataFrame([r("energy", 10, "L", "diesel")]).drop(columns="country")
    assert metrics.emissions_frame(df)["kg_co2e"].tolist() == pytest.approx([10 * KWH_PER_L_DIESEL * KG_PER_KWH_DIESEL])


def test_loss_per_good_unit_case_study_and_edges():
    assert metrics.loss_per_good(1.0) == 0.0 and isinstance(metrics.loss_per_good(0.78), float)
    assert metrics.loss_per_good(metrics.Q_(95, "percent")) == pytest.approx(0.05 / 0.95)
    out = metrics.loss_per_good(np.array([0.78, 0.88, 0.95]))
    assert isinstance(out, np.ndarray) and out.round(3).tolist() == [0.282, 0.136, 0.053]
    # yields read from PostgreSQL NUMERIC columns arrive as Decimal: the losses are floats all the same
    from_db = metrics.loss_per_good([Decimal("0.78"), Decimal("0.95")])
    assert from_db.dtype == np.float64 and from_db.tolist() == pytest.approx([0.22 / 0.78, 0.05 / 0.95])
    for bad in (-0.5, 0.0, 1.0001, [0.9, 1.5], float("nan")):
        with pytest.raises(ValueError, match=r"^yield must be above 0 and at most 1 \(100%\)\.$"):
            metrics.loss_per_good(bad)


def test_a_grid_figure_under_1_g_a_kwh_is_still_a_figure(monkeypatch):
    table = pd.DataFrame({"iso2": ["IS", "CF", "XK"], "country_name": ["Iceland", "Central African Republic", "X"],
                          "year": [2023] * 3, "g_co2e_per_kwh": [0.5, 0.0, np.nan], "source": ["test table"] * 3})
    monkeypatch.setattr(impacts, "grid_factors", lambda: table)
    assert metrics.grid_factor_known(["is", "CF", "XK", "ZZ"]).tolist() == [True, False, False, False]


def test_intensities_of_two_indicators_over_two_production_lines_and_two_units_by_hand():
    """metrics.intensities: per indicator, enterprise, period and unit of production, the production of
    one unit summed over its lines (300 + 200 pieces = 500, never their mean 250), kept apart from the
    production in kg (2 t = 2,000 kg); rows sorted by indicator, then period, then unit of production."""
    df = pd.DataFrame([
        r("energy", 1000, "kWh", "electricity"), r("energy", 0.5, "MWh", "natural_gas"),  # 1,500 kWh
        r("waste", 30, "kg", "landfill"),
        r("water", 7, "m3"),  # not asked for
        r("production", 300, "piece", "line 1"), r("production", 200, "piece", "line 2"),
        r("production", 2, "t", "line 3"),
        # a follow-up month with exactly 1 piece made: an intensity, not "no production"
        r("energy", 80, "kWh", "electricity", "follow-up", "2025-01-01", "2025-01-31"),
        r("production", 1, "piece", "", "follow-up", "2025-01-01", "2025-01-31"),
        # another enterprise with waste and no production at all: no row
        r("waste", 5, "kg", "landfill", enterprise="B"),
    ])
    out = impacts.intensities(df, ["waste", "energy"])
    assert list(out.columns) == ["indicator", "enterprise", "phase", "period_start", "period_end", "numerator",
                                 "denominator", "intensity", "unit"]
    got = out[["indicator", "enterprise", "phase", "numerator", "denominator", "unit"]].values.tolist()
    assert got == [
        ["energy", "A", "baseline", 1500.0, 2000.0, "kWh per kg"],
        ["energy", "A", "baseline", 1500.0, 500.0, "kWh per piece"],
        ["energy", "A", "follow-up", 80.0, 1.0, "kWh per piece"],
        ["waste", "A", "baseline", 30.0, 2000.0, "kg per kg"],
        ["waste", "A", "baseline", 30.0, 500.0, "kg per piece"],
    ]
    assert out["intensity"].tolist() == pytest.approx([1500 / 2000, 1500 / 500, 80.0, 30 / 2000, 30 / 500])
    canonical = to_canonical(df)  # a frame already in canonical units keeps the factor set it names
    canonical.attrs["factor_set"] = "an older set"
    again = impacts.intensities(canonical, ["waste", "energy"])
    assert again.attrs["factor_set"] == "an older set"
    assert again["denominator"].tolist() == out["denominator"].tolist()


def test_intensities_of_a_fraction_of_a_unit_and_of_none():
    """A production under 1 of its unit (0.5 t = 500 kg) is a production; 0 is none (NaN, not inf)."""
    df = pd.DataFrame([r("waste", 10, "kg", "landfill"), r("production", 0.5, "t"),
                       r("waste", 4, "kg", "landfill", "follow-up", "2025-01-01", "2025-01-31"),
                       r("production", 0, "t", "", "follow-up", "2025-01-01", "2025-01-31")])
    out = impacts.intensities(df, ["waste"])
    assert out["denominator"].tolist() == [500.0, 0.0]
    assert out["intensity"].iloc[0] == pytest.approx(10 / 500) and np.isnan(out["intensity"].iloc[1])
    with pytest.raises(ValueError, match="Unknown indicator 'happiness'"):
        impacts.intensities(df, ["waste", "happiness"])
    assert impacts.intensities(df, ["waste"]).attrs["factor_set"] == metrics.FACTOR_SET_VERSION
