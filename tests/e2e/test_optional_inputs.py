"""The optional inputs as a person enters them (issue 14 item 3, issue 11 item 6): the seal maker's manager enters
the renewable share of electricity, hazardous waste, the water's source and a material price on Enter figures,
saves, reads the value of material saved on the report and downloads the VSME workbook with the renewable split
and hazardous waste filled. A share over 100 % and a negative price are refused beside their line; an officer has
no entry form at all.

By hand: the form opens on April-June 2024 (91 days), the period after the case study's latest one. Electricity
16,500 kWh at 40 % renewable: 6.6 MWh renewable, 9.9 MWh not. Waste 500 kg sold and 20 kg of hazardous waste
incinerated: 0.52 t, of which 0.02 t hazardous and 0.5 t not (hazardous waste is part of the total, so never larger
than it). Water 80 m3 of groundwater. Material input 9,100 kg (100 kg a day) at 150 INR per kg against the baseline's
110 / 0.78 = 141.03 kg a day (110 kg of good rubber a day at 78 % yield, January-March 2023): (141.03 - 100) x 365 =
14,974 kg a year x 150 INR = 2,246,154 INR a year.
"""
import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import demo_database, idle, pick, serve, sign_in, table_rows

BASELINE_KG_PER_DAY = round(110 * 90 / 0.78, 6) / 90  # as the demo stores January-March 2023's material input
VALUE_SAVED = (BASELINE_KG_PER_DAY - 9100 / 91) * 365 * 150


@pytest.fixture(scope="module")
def inputs_url(tmp_path_factory):
    with serve(demo_database(tmp_path_factory.mktemp("inputs"))) as base:
        yield base


def _form(page):
    page.get_by_role("link", name="Enter figures").click()
    expect(page.get_by_role("heading", name=re.compile("^Enter figures"))).to_be_visible()
    form = page.get_by_test_id("stForm").first
    expect(form.get_by_role("textbox", name="Renewable share of electricity, % (optional)")).to_be_visible()
    idle(page)
    return form


def _save(page, form):
    form.get_by_role("button", name=re.compile("^Save for ")).click()


def test_a_wrong_share_or_price_is_refused_beside_its_line(inputs_url, page, tmp_path):
    sign_in(page, inputs_url, "demo-manager")
    form = _form(page)
    form.get_by_role("textbox", name="Electricity value").fill("16500")
    form.get_by_role("textbox", name="Renewable share of electricity, % (optional)").fill("140")
    form.get_by_role("textbox", name="Material input value").fill("9100")
    form.get_by_role("textbox", name="Material price per unit (optional)").fill("-150")
    form.get_by_role("textbox", name="Currency of the price (optional)").fill("INR")
    _save(page, form)
    expect(page.get_by_text("Nothing was saved. Correct the lines marked above and save again.")).to_be_visible()
    expect(form.get_by_text("the renewable share is over 100%")).to_be_visible()
    expect(form.get_by_text("the price is negative or not a finite number")).to_be_visible()
    idle(page)
    page.screenshot(path=str(tmp_path / "1-refused.png"), full_page=True)
    # what was typed stays, so the person corrects it
    expect(form.get_by_role("textbox", name="Renewable share of electricity, % (optional)")).to_have_value("140")
    expect(form.get_by_role("textbox", name="Material price per unit (optional)")).to_have_value("-150")
    expect(page.get_by_text(re.compile(r"^Saved for "))).to_have_count(0)


def test_manager_enters_the_optional_inputs_and_reads_them_back(inputs_url, page, tmp_path):
    page.context.add_init_script("delete window.showSaveFilePicker")  # a table's CSV as a download
    sign_in(page, inputs_url, "demo-manager")
    form = _form(page)
    expect(form.locator("input[type='date']").nth(0)).to_have_value("2024-04-01")
    form.get_by_role("textbox", name="Electricity value").fill("16,500")
    form.get_by_role("textbox", name="Renewable share of electricity, % (optional)").fill("40")
    pick(page, form, "Waste destination", "Sold")
    form.get_by_role("textbox", name="Waste value").fill("500")
    pick(page, form, "Hazardous waste (optional) destination", "Incinerated")
    form.get_by_role("textbox", name="Hazardous waste (optional) value").fill("20")
    form.get_by_role("textbox", name="Material input value").fill("9100")
    form.get_by_role("textbox", name="Material price per unit (optional)").fill("150")
    form.get_by_role("textbox", name="Currency of the price (optional)").fill("INR")
    pick(page, form, "Water source", "Groundwater")
    form.get_by_role("textbox", name="Water value").fill("80")
    page.screenshot(path=str(tmp_path / "2-form-filled.png"), full_page=True)
    _save(page, form)
    expect(page.get_by_text(re.compile(r"^Saved for .*: 5 new figures, 0 updated\.$"))).to_be_visible()
    idle(page)
    page.screenshot(path=str(tmp_path / "3-saved.png"), full_page=True)

    page.get_by_role("link", name="Enterprise report").click()
    heading = page.get_by_role("heading", name="Value of material saved")
    expect(heading).to_be_visible()
    idle(page)
    table = page.locator("xpath=//h3[contains(., 'Value of material saved')]"
                         "/following::*[@data-testid='stDataFrame'][1]")
    rows = table_rows(page, table, "material")
    row = rows["material input"]
    assert row["value saved a year"] == f"{VALUE_SAVED:,.0f} INR" == "2,246,154 INR"
    assert row["price"] == "150 INR per kg"
    assert row["saved a year"] == f"{(BASELINE_KG_PER_DAY - 100) * 365:,.0f} kg"  # 14,974 kg
    heading.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "4-report-value-saved.png"))

    button = page.get_by_role("button", name="Disclosures: VSME basic module and GRI (Excel)")
    button.scroll_into_view_if_needed()
    with page.expect_download() as download:
        button.click()
    wb = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    vsme = {r[1]: r for r in wb["VSME basic module"].iter_rows(min_row=2, values_only=True)}
    gri = {r[0]: r for r in wb["GRI"].iter_rows(min_row=2, values_only=True)}
    assert vsme["Total energy consumption"][4] == "2024-04-01 to 2024-06-30"
    assert vsme["Energy consumption from renewable sources"][2] == pytest.approx(6.6)  # 16.5 MWh x 40 %
    assert vsme["Energy consumption from non-renewable sources"][2] == pytest.approx(9.9)
    assert vsme["Total waste generated"][2] == pytest.approx(0.52)  # 500 kg + 20 kg hazardous
    assert vsme["Hazardous waste"][2] == pytest.approx(0.02)
    assert vsme["Non-hazardous waste"][2] == pytest.approx(0.5)
    assert gri["306-5(b)"][2] == pytest.approx(0.02)  # hazardous, incinerated: to disposal
    assert gri["303-3(a)(ii)"][2] == pytest.approx(80)  # groundwater
    assert gri["303-5"][2] == "not collected"  # discharge is not entered: never 0
    assert vsme["Gross scope 1 GHG emissions"][2] == "not collected"  # no fuel entered


def test_an_officer_has_no_entry_form(inputs_url, page, tmp_path):
    sign_in(page, inputs_url, "demo-officer")
    expect(page.get_by_role("link", name="Programme overview")).to_be_visible()
    expect(page.get_by_role("textbox", name="Password")).to_have_count(0)
    idle(page)
    expect(page.get_by_role("link", name="Enter figures")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "5-officer.png"))
