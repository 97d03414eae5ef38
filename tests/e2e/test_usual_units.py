"""The entry form offers first the unit an enterprise used last (entry.usual_units), line by line."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import idle, pick, sign_in


def _form(page):
    page.get_by_role("link", name="Enter figures").click()
    expect(page.get_by_role("heading", name=re.compile("^Enter figures"))).to_be_visible()
    idle(page)
    return page.locator("[data-testid='stForm']").first


def test_the_form_starts_each_line_at_the_unit_used_last(page, app_url, tmp_path):
    # the case study (tracker/demo.py) stores its good output in kg; the synthetic enterprises count pieces
    sign_in(page, app_url, "demo-trainer")
    expect(page.get_by_role("heading", name="Hand over")).to_be_visible(timeout=60_000)
    idle(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    pick(page, sidebar, "Enterprise", "Mechanical seals maker (case study, India)")
    idle(page)
    form = _form(page)
    expect(form.get_by_role("combobox", name="Production unit")).to_have_value("kg")
    form.get_by_role("combobox", name="Production unit").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "case-study.png"), full_page=True)
    box = sidebar.get_by_role("combobox", name="Enterprise")
    box.click()
    others = [o for o in page.get_by_role("option").all_inner_texts() if "case study" not in o]
    page.keyboard.press("Escape")
    pick(page, sidebar, "Enterprise", others[0])
    idle(page)
    form = page.locator("[data-testid='stForm']").first
    expect(form.get_by_role("combobox", name="Production unit")).to_have_value("pieces")
    form.get_by_role("combobox", name="Production unit").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "synthetic.png"), full_page=True)
