"""The Delivery tab in a real browser: an admin records a trainer's Training of Trainers and
certification on the Trainers page, and the officer sees the trainers' pipeline change."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import demo_database, idle, pick, serve, sign_in

CN = "synthetic-trainer-cn"
CHINA_ROW = "China · China Enterprise Confederation (synthetic)"
#: the drawn pipeline chart's traces: step name -> {row: trainers}
READ_PIPELINE = """els => {
  const el = els.find(e => e.data && e.data.some(t => t.name === 'certified'));
  if (!el) return null;
  const out = {};
  for (const t of el.data) {
    if (t.type !== 'bar') continue;
    const ys = Array.from(t.y), xs = Array.from(t.x);
    out[t.name] = Object.fromEntries(ys.map((y, i) => [y, xs[i]]));
  }
  return out;
}"""


@pytest.fixture(scope="module")
def delivery_url(tmp_path_factory):
    """A server of its own: this test changes a trainer's path."""
    with serve(demo_database(tmp_path_factory.mktemp("delivery"))) as base:
        yield base


def _pipeline(page, base, shot):
    """Sign in as the officer, open the Delivery tab and read the drawn pipeline chart."""
    sign_in(page, base, "demo-officer")
    page.get_by_role("link", name="Programme overview").click()
    expect(page.get_by_role("heading", name="Programme overview")).to_be_visible()
    page.get_by_role("tab", name="Delivery").click()
    expect(page.get_by_role("heading", name="Trainers along their path")).to_be_visible()
    idle(page)
    chart = page.locator(".js-plotly-plot").filter(has_text="Trainers by step")
    expect(chart).to_have_count(1)
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(shot), full_page=True)
    drawn = page.locator(".js-plotly-plot").evaluate_all(READ_PIPELINE)
    for n, where in enumerate((page.get_by_role("heading", name="Attendance per module"),
                               page.get_by_text("The change figures of the Results tab"))):
        where.scroll_into_view_if_needed()
        page.screenshot(path=str(shot.with_name(f"{shot.stem}-{n + 1}.png")))
    page.get_by_role("button", name="Sign out").click()
    return drawn


def _date(form, label: str):
    return form.locator("[data-testid='stDateInput']").filter(has_text=label).locator("input")


def test_an_admin_certifies_a_trainer_and_the_officer_sees_the_pipeline_change(delivery_url, page, tmp_path):
    before = _pipeline(page, delivery_url, tmp_path / "1-pipeline-before.png")
    # the demo (README): certified in India, recommended in Viet Nam, candidates in Kenya, Indonesia, China
    assert sum(before["certified"].values()) == 1 and sum(before["candidate"].values()) == 3
    assert before["candidate"][CHINA_ROW] == 1 and before["certified"].get(CHINA_ROW, 0) == 0

    sign_in(page, delivery_url, "demo-admin")
    page.get_by_role("link", name="Trainers", exact=True).click()
    expect(page.get_by_role("heading", name="Trainers", exact=True)).to_be_visible()
    idle(page)
    pick(page, page, "Trainer", CN)
    idle(page)  # the previous trainer's form stays on the page, stale, until the run ends
    form = page.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name=f"Save path of {CN}"))
    expect(_date(form, "ToT (Training of Trainers) date")).to_have_value("2024-05-20")
    _date(form, "ToT (Training of Trainers) date").fill("2024-02-12")
    pick(page, form, "Status", "certified")
    form.get_by_role("textbox", name="Recommended by (Expert Trainer)").fill("L. Wei, Expert Trainer")
    _date(form, "Recommended on").fill("2024-09-02")
    _date(form, "Certified on").fill("2024-11-15")
    form.get_by_role("button", name=f"Save path of {CN}").click()
    expect(page.get_by_text(f"Path of {CN} saved.")).to_be_visible()
    idle(page)
    expect(_date(form, "ToT (Training of Trainers) date")).to_have_value("2024-02-12")
    expect(_date(form, "Certified on")).to_have_value("2024-11-15")
    page.screenshot(path=str(tmp_path / "2-admin-certified.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()

    after = _pipeline(page, delivery_url, tmp_path / "3-pipeline-after.png")
    assert after["certified"][CHINA_ROW] == 1 and after["candidate"].get(CHINA_ROW, 0) == 0
    assert sum(after["certified"].values()) == 2 and sum(after["candidate"].values()) == 2
    # nothing else moved
    for step in ("recommended", "not recorded"):
        assert sum(after[step].values()) == sum(before[step].values())
