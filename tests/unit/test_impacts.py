"""metrics.impacts: emissions (fuels, grid, biogenic memo), intensities, loss per good unit."""
import pandas as pd
import pytest

import metrics


def test_fuel_emissions_use_ipcc_factors():
    e = metrics.emissions(1000, "diesel")
    assert e.kg_co2e == pytest.approx(1000 * 3.6e-6 * 74_100)
    assert e.biogenic_kg_co2 == 0 and e.factor_set == metrics.FACTOR_SET_VERSION


def test_biogenic_co2_is_a_memo_item():
    e = metrics.emissions(1000, "biomass")
    assert e.kg_co2e == 0
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
    assert em["kg_co2e"].sum() == pytest.approx(1000 * 0.713441 + 100 * 0.84 * 43 / 3.6 * 3.6e-6 * 74_100, rel=1e-6)
    inten = metrics.intensity(df, "energy")
    assert inten["intensity"].iloc[0] == pytest.approx((1000 + 100 * 0.84 * 43 / 3.6) / 500)
    assert inten["unit"].iloc[0] == "kWh per piece"


def test_loss_per_good_refuses_impossible_yields():
    with pytest.raises(ValueError):
        metrics.loss_per_good(0)
    with pytest.raises(ValueError):
        metrics.loss_per_good(1.2)
