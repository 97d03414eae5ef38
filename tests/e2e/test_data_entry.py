"""A manager enters figures, sees the report change, uploads a bad file, downloads the report."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def _set_date(page, index: int, value: str) -> None:
    box = page.locator("[data-testid='stForm'] input[type='date']").nth(index)
    box.fill(value)
    box.press("Tab")


def _save_period(page, phase: str, start: str, end: str, kwh: str) -> None:
    page.get_by_role("link", name="Enter figures").click()  # a fresh page: no message from an earlier save
    expect(page.get_by_role("heading", name=re.compile("^Enter figures"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Saved for "))).to_have_count(0)
    form = page.locator("[data-testid='stForm']").first
    phase_box = form.get_by_role("combobox", name=re.compile("Phase"))
    if phase_box.input_value() != phase:
        phase_box.click()
        page.keyboard.type(phase)
        page.keyboard.press("Enter")
    expect(phase_box).to_have_value(phase)
    _set_date(page, 0, start)
    _set_date(page, 1, end)
    form.get_by_role("textbox", name="Electricity value").fill(kwh)
    form.get_by_role("button", name=re.compile("^Save for ")).click()
    if phase == "baseline":  # dated after the stored follow-ups: flagged, saved once confirmed
        expect(page.get_by_text(re.compile("This baseline is dated after follow-up figures"))).to_be_visible()
        form.get_by_text("I have checked the figures and dates flagged above; save them anyway").click()
        form.get_by_role("button", name=re.compile("^Save for ")).click()
    expect(page.get_by_text(re.compile(r"^Saved for .*: \d+ new figures?, \d+ updated"))).to_be_visible()


def test_enter_figures_report_changes_upload_and_download(page, app_url, tmp_path):
    sign_in(page, app_url, "demo-manager")
    expect(page.get_by_role("heading", name="Mechanical seals maker (case study, India)")).to_be_visible()
    chart = page.locator(".js-plotly-plot").nth(1)  # this enterprise beside the reported averages
    expect(chart.locator("text", has_text="-9%").first).to_be_attached()  # energy before

    _save_period(page, "baseline", "2025-01-01", "2025-01-31", "6200")
    _save_period(page, "follow-up", "2026-01-01", "2026-01-31", "3100")

    page.get_by_role("link", name="Enterprise report").click()
    chart = page.locator(".js-plotly-plot").nth(1)
    # 100 kWh/day against (18,400 + 6,200) / 121 days
    expect(chart.locator("text", has_text="-51%").first).to_be_attached()

    page.get_by_role("link", name="Enter figures").click()
    bad = tmp_path / "figures.csv"
    bad.write_text("enterprise,country,sector,period_start,period_end,phase,indicator,carrier,value,unit,note\n"
                   '"Mechanical seals maker (case study, India)",IN,R,2026-02-01,2026-02-28,follow-up,water,,5,m3,\n'
                   '"Mechanical seals maker (case study, India)",IN,R,2026-02-01,2026-02-28,follow-up,yield,,120,%,\n')
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
    page.get_by_role("button", name="Import file").click()
    expect(page.get_by_text("figures.csv was refused; nothing was stored.", exact=False)).to_be_visible()
    expect(page.get_by_text("line 3, column value: yield is over 100%")).to_be_visible()

    page.get_by_role("link", name="Enterprise report").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Report (HTML, works offline and prints)").click()
    saved = tmp_path / "report.html"
    download.value.save_as(saved)
    text = saved.read_text()
    assert "Mechanical seals maker" in text and "Plotly.newPlot" in text
