"""Every page's own words reach the browser in the session's language (issue 12): a server whose catalogue
is the pseudo-language (every translation the English between ⟦ ⟧, tools/i18n.py pseudo) and a French
browser; an administrator signs in and clicks through every page of the sidebar. The sidebar's page titles
and groups, the sign-out button and 'Signed in as', and on each page every heading, widget label, button,
tab and expander read bracketed, but the records' own names (and the file uploader's 'Upload', which
Streamlit's frontend writes itself); a screenshot per page is saved."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, browser_in, idle

#: the administrator's navigation, as the catalogue names its pages, and how each page's title begins
PAGES = {"Programme overview": "⟦Programme overview⟧", "Trainers": "⟦Trainers⟧",
         "Enterprise report": "Mechanical seals maker", "Enter figures": "⟦Enter figures: ",
         "Improvement actions": "⟦Improvement actions: ", "Profile and modules": "⟦Profile: ",
         "Users": "⟦Users and enterprises⟧", "Partners": "⟦Implementation partners⟧", "Clusters": "⟦Clusters⟧",
         "Delivery workbook": "⟦Delivery workbook⟧", "Offline visit": "⟦Offline visit⟧", "Audit log": "⟦Audit log⟧",
         "My account": "⟦My account⟧"}
GROUPS = ["Programme", "Enterprises", "Administration", "Account"]
#: what a page shows as typed or stored: the enterprise picked first (the report's title), a figure or code
DATA = re.compile(r"^(Mechanical seals maker.*|[\W\d_]*)$")
#: the interface's words on a page: headings, widget labels, buttons, tabs, expanders (the dataframes' own
#: toolbar buttons have no text)
WORDS = ("main h1, main h2, main h3, main [data-testid='stWidgetLabel'], main button:visible, "
         "main [data-baseweb='tab'], main [data-testid='stExpander'] summary")


#: Streamlit's own words, which its frontend writes in English whatever the page's language (the file
#: uploader's button; its "Drag and drop file here" is not a label and is not read here)
STREAMLIT = {"Upload"}
#: the name of a Material icon, which the browser reads as text beside the words
ICON = re.compile(r"^[a-z_]+$")


def _words(locator) -> list[str]:
    """The text of each element, without the icons' names."""
    texts = locator.evaluate_all("els => els.map(e => e.innerText)")
    return [t for t in ("\n".join(line for line in text.split("\n") if line.strip() and not ICON.match(line.strip()))
                        .strip() for text in texts) if t]


def _bare(page) -> list[str]:
    return sorted({t for t in _words(page.locator(WORDS)) if "⟦" not in t and not DATA.match(t) and t not in STREAMLIT})


def test_every_page_speaks_the_session_language_in_the_browser(browser, tmp_path, pseudo_app):
    base = pseudo_app
    with browser_in(browser, "fr-FR") as page:
        page.goto(base)
        expect(page.get_by_role("heading", name="⟦SCORE4Climate tracker⟧")).to_be_visible()
        page.get_by_role("textbox", name="⟦User name⟧").fill("demo-admin")
        page.get_by_role("textbox", name="⟦Password⟧").fill(PASSWORD)
        page.get_by_role("button", name="⟦Sign in⟧").click()
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_role("button", name="⟦Sign out⟧")).to_be_visible()
        idle(page)
        expect(sidebar.get_by_text(re.compile(r"^⟦Signed in as demo-admin \(⟦admin⟧\)⟧$"))).to_be_visible()
        links = _words(sidebar.locator("[data-testid='stSidebarNav'] a"))
        assert links == [f"⟦{p}⟧" for p in PAGES], links
        groups = _words(sidebar.locator("[data-testid='stNavSectionHeader']"))
        assert groups == [f"⟦{g}⟧" for g in GROUPS], groups
        found = {}
        for i, (name, title) in enumerate(PAGES.items()):
            sidebar.get_by_role("link", name=f"⟦{name}⟧", exact=True).click()
            expect(page.locator("main h1").first).to_have_text(re.compile("^" + re.escape(title)))
            idle(page)
            page.screenshot(path=tmp_path / f"{i:02d}-{name.lower().replace(' ', '-')}.png", full_page=True)
            if bare := _bare(page):
                found[name] = bare
        assert found == {}, found

