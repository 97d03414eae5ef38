"""metrics.impacts: emissions (fuels, grid, biogenic memo), intensities, loss per good unit."""
import pandas as pd
import pytest

import metrics

#: by hand, kg per TJ (IPCC 2006 Vol. 2 Tables 1.4 and 2.3) with the AR5 GWPs (CH4 28, N2O 265)
DIESEL_CO2E_PER_TJ = 74_100 + 3 * 28 + 0.6 * 265          # 74,343
WOOD_CO2E_PER_TJ = 30 * 28 + 4 * 265                      # 1,900 (its CO2 is biogenic)
BIOGAS_CO2E_PER_TJ = 1 * 28 + 0.1 * 265                   # 54.5


def test_fuel_emissions_use_ipcc_factors():
    e = metrics.emissions(1000, "diesel")
    assert e.kg_co2e == pytest.approx(1000 * 3.6e-6 * DIESEL_CO2E_PER_TJ)
    assert e.scope == 1 and e.scope1_kg_co2e == e.kg_co2e and e.scope2_kg_co2e == 0
    assert e.kg_ch4 == pytest.approx(1000 * 3.6e-6 * 3) and e.kg_n2o == pytest.approx(1000 * 3.6e-6 * 0.6)
    assert e.biogenic_kg_co2 == 0 and e.factor_set == metrics.FACTOR_SET_VERSION and e.gwp == "AR5"


def test_biogenic_co2_is_a_memo_item():
    e = metrics.emissions(1000, "biomass")
    assert e.kg_co2e == pytest.approx(1000 * 3.6e-6 * WOOD_CO2E_PER_TJ)  # its CH4 and N2O count in scope 1
    assert e.biogenic_kg_co2 == pytest.approx(1000 * 3.6e-6 * 112_000)


@pytest.mark.parametrize("country,g", [("IN", 713), ("CN", 582), ("VN", 475), ("ID", 676), ("BO", 532),
                                       ("KG", 147), ("MU", 633), ("KE", 71)])
def test_grid_factors_match_the_documented_examples(country, g):
    kg, year, source = metrics.grid_factor(country, 2025)
    assert abs(kg * 1000 - g) < 1  # DOMAIN.md quotes whole grams
    assert 2020 <= year <= 2025 and "codecarbon" in source


def test_unknown_country_is_refused():
    with pytest.raises(ValueError, match="No grid emission factor"):
        metrics.grid_factor("XX")


def test_emissions_frame_and_intensity():
    df = metrics.to_canonical(pd.DataFrame([
        dict(enterprise="A", country="IN", sector="", period_start="2024-01-01", period_end="2024-01-31",
             phase="baseline", indicator=i, carrier=c, value=v, unit=u, note="")
        for i, c, v, u in [("energy", "electricity", 1, "MWh"), ("energy", "diesel", 100, "L"),
                           ("production", "", 500, "piece")]]))
    em = metrics.emissions_frame(df)
    assert em["kg_co2e"].sum() == pytest.approx(1000 * 0.713441 + 100 * 0.84 * 43 / 3.6 * 3.6e-6 * DIESEL_CO2E_PER_TJ,
                                             rel=1e-6)
    assert em["scope2_kg_co2e"].sum() == pytest.approx(1000 * 0.713441)
    assert em["scope"].tolist() == [2, 1]
    inten = metrics.intensity(df, "energy")
    assert inten["intensity"].iloc[0] == pytest.approx((1000 + 100 * 0.84 * 43 / 3.6) / 500)
    assert inten["unit"].iloc[0] == "kWh per piece"


def test_loss_per_good_refuses_impossible_yields():
    with pytest.raises(ValueError):
        metrics.loss_per_good(0)
    with pytest.raises(ValueError):
        metrics.loss_per_good(1.2)


def test_emissions_kg_co2e_from_a_figure_as_entered():
    e = metrics.emissions_kg_co2e(1000, "L", "diesel")
    assert e.kwh == pytest.approx(1000 * 0.84 * 43.0 / 3.6)
    assert e.kg_co2e == pytest.approx(e.kwh * DIESEL_CO2E_PER_TJ * 3.6e-6)
    assert e.factor_set == metrics.FACTOR_SET_VERSION and "IPCC" in e.factor_source
    grid = metrics.emissions_kg_co2e(10, "MWh", "electricity", "in", 2024)
    assert grid.kg_co2e == pytest.approx(10_000 * 0.713441) and "IN 2023" in grid.factor_source


def test_biogas_is_biogenic_and_electricity_needs_a_country():
    e = metrics.emissions_kg_co2e(100, "m3", "biogas")  # 100 Nm3 x 0.43 kg x 50.4 GJ/t = 2.1672 GJ
    assert e.kwh == pytest.approx(2167.2 / 3.6)
    assert e.biogenic_kg_co2 == pytest.approx(2167.2e-6 * 54_600)
    assert e.kg_co2e == pytest.approx(2167.2e-6 * BIOGAS_CO2E_PER_TJ)
    with pytest.raises(ValueError, match="country"):
        metrics.emissions_kg_co2e(1, "kWh", "electricity")
    with pytest.raises(ValueError, match="negative"):
        metrics.emissions_kg_co2e(-1, "kWh", "diesel")


def test_grid_table_columns_and_namibia_stays_a_code():
    table = metrics.grid_factors()
    assert list(table.columns) == ["iso2", "country_name", "year", "g_co2e_per_kwh", "source"]
    assert len(table) >= 200 and table["iso2"].str.fullmatch(r"[A-Z]{2}").all()
    assert "NA" in set(table["iso2"])  # Namibia, not a missing value
    assert table["source"].str.contains("codecarbon").all()


def test_grid_factor_picks_the_latest_year_not_after_the_one_asked():
    kg, year, _ = metrics.grid_factor("IN", 1990)  # nothing that old: the earliest figure
    assert year == 2023 and kg == pytest.approx(0.713441)


def test_emissions_frame_is_one_factor_per_carrier_country_year_and_names_its_factor_set():
    places = [("IN", "electricity"), ("KE", "electricity"), ("IN", "biomass"), ("IN", "electricity")]
    df = pd.DataFrame([dict(enterprise=f"E{i}", country=c, sector="", period_start="2024-01-01",
                            period_end="2024-01-31", phase="baseline", indicator="energy", carrier=k, value=10,
                            unit="MWh", note="") for i, (c, k) in enumerate(places)])
    em = metrics.emissions_frame(df)
    assert em["kg_co2e"].tolist() == pytest.approx([10_000 * 0.713441, 10_000 * 0.070492,
                                                    10_000 * 3.6e-6 * WOOD_CO2E_PER_TJ, 10_000 * 0.713441])
    assert em["biogenic_kg_co2"].iloc[2] == pytest.approx(10_000 * 112_000 * 3.6e-6)
    assert em.attrs["factor_set"] == metrics.FACTOR_SET_VERSION


def test_intensity_keeps_production_units_apart():
    df = metrics.to_canonical(pd.DataFrame([
        dict(enterprise="A", country="IN", sector="", period_start="2024-01-01", period_end="2024-01-31",
             phase="baseline", indicator=i, carrier=c, value=v, unit=u, note="")
        for i, c, v, u in [("waste", "landfill", 1, "t"), ("waste", "sold", 500, "kg"),
                           ("production", "", 3, "t"), ("production", "", 100, "m2")]]))
    out = metrics.intensity(df, "waste").set_index("unit")["intensity"]
    assert out["kg per kg"] == pytest.approx(1500 / 3000) and out["kg per m2"] == pytest.approx(15.0)


def test_case_study_loss_per_good_unit():
    loss = metrics.loss_per_good([0.78, 0.88, 0.95])
    assert loss.round(3).tolist() == [0.282, 0.136, 0.053]
    assert loss[-1] / loss[0] - 1 == pytest.approx(-0.81, abs=0.005)
    assert metrics.loss_per_good(0.78) == pytest.approx(0.22 / 0.78)


def test_energy_kwh_reads_typed_numbers_and_refuses_what_is_not_one_finite_number():
    assert metrics.energy_kwh("4,300", "kWh", "electricity") == 4300.0
    for bad in (float("inf"), "1,5", [1, 2], float("nan"), None):
        with pytest.raises(ValueError):
            metrics.energy_kwh(bad, "kWh", "electricity")


def test_loss_per_good_takes_a_percentage_quantity_and_refuses_nan():
    assert metrics.loss_per_good(metrics.Q_(78, "percent")) == pytest.approx(0.282, abs=5e-4)
    with pytest.raises(ValueError):
        metrics.loss_per_good(float("nan"))


def test_loss_per_good_of_one_yield_is_a_plain_number():
    out = metrics.loss_per_good(0.8)  # (1 - 0.8) / 0.8 = 0.25
    assert type(out) is float and out == pytest.approx(0.25)


def test_emissions_frame_without_a_country_column_and_with_a_missing_indicator():
    rows = pd.DataFrame([dict(enterprise="E", sector="", period_start="2024-01-01", period_end="2024-01-31",
                              phase="baseline", indicator=ind, carrier="diesel", value=1000, unit="kWh", note="")
                         for ind in ["energy", None, "energy"]], index=[4, 8, 2])
    rows["indicator"] = rows["indicator"].astype("string")  # a missing indicator is <NA>, no energy
    canonical = metrics.to_canonical(rows.dropna(subset=["indicator"]))
    canonical = pd.concat([canonical, rows.iloc[[1]]])
    canonical.attrs = {}
    em = metrics.emissions_frame(canonical)  # diesel needs no country: IPCC's factors above
    assert em.index.tolist() == [4, 2]
    assert em["kg_co2e"].tolist() == pytest.approx([1000 * 3.6e-6 * DIESEL_CO2E_PER_TJ] * 2)
    assert em.attrs["factor_set"] == metrics.FACTOR_SET_VERSION
    with_none = canonical.iloc[:2].assign(country=[None, "IN"])
    diesel = 1000 * 3.6e-6 * DIESEL_CO2E_PER_TJ
    assert metrics.emissions_frame(with_none)["kg_co2e"].tolist() == pytest.approx([diesel] * 2)


def test_intensity_below_one_unit_of_production_for_the_enterprises_there_are_and_its_factor_set():
    rows = pd.DataFrame([dict(enterprise=e, country="IN", sector="", period_start="2024-01-01",
                              period_end="2024-01-31", phase="baseline", indicator=i, carrier=c, value=v, unit=u,
                              note="")
                         for e, i, c, v, u in [("A", "energy", "electricity", 10, "kWh"),
                                               ("A", "production", "", 0.5, "kg")]])
    df = metrics.to_canonical(rows)
    df["enterprise"] = pd.Categorical(df["enterprise"], categories=["A", "B"])  # B has no rows
    df.attrs = {}
    inten = metrics.intensity(df, "energy")
    # 10 kWh for half a kg: 20 kWh per kg; one row, for A
    assert inten["enterprise"].tolist() == ["A"] and inten["intensity"].tolist() == pytest.approx([20.0])
    assert inten.attrs["factor_set"] == metrics.FACTOR_SET_VERSION  # the factor set of the day without one given
    df.attrs["factor_set"] = "a factor set of the past"
    assert metrics.intensity(df, "energy").attrs["factor_set"] == "a factor set of the past"
