"""Links reproduce the view: every page, every control, a copied link opened in a new browser.

One server for the module, on a small synthetic database (200 children, 14 months, with
casework) so that every control has something to do: more than one page of children, a
13-month trend window, case flags. For each page the test changes every control the page
offers (and a sidebar filter) the way a person would, reads "Link to this view" from the
sidebar, opens it in a fresh browser context (no cookies, no session) and checks that the
same view comes back: headings, captions, the chosen tab and each control's shown value.

Also: a link that asks for something the dashboard does not have says so in a notice, and
the copy button copies on a plain-http address (no clipboard API).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import VIEWPORT, Dashboard, start_server, stop_server

# Each control's shown state: its text, its inputs' values, and which options are on.
CONTROL_STATE = """el => [
  el.innerText,
  ...[...el.querySelectorAll('input')].map(i =>
      i.type + '=' + (i.type === 'checkbox' ? i.checked : i.value)),
  ...[...el.querySelectorAll('[aria-checked="true"], [aria-pressed="true"],'
      + ' [aria-current="page"], [kind$="Active"]')].map(e => 'on:' + e.innerText)
].join(' | ')"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_db) -> str:
    """Overrides the shared server for this module: a small synthetic demo database."""
    folder = tmp_path_factory.mktemp("browser-links")
    process, base = start_server(demo_db, folder / "streamlit.log")
    try:
        yield base
    finally:
        stop_server(process)


def view_of(page, keys: list[str]) -> dict:
    """What a person sees of the view: headings, captions, chosen tabs, each control's state."""
    main = page.locator('[data-testid="stMain"]')
    view = {
        "headings": main.locator("h1, h2, h3").all_inner_texts(),
        "captions": main.locator('[data-testid="stCaptionContainer"]').all_inner_texts(),
        "tabs": main.locator('[role="tab"][aria-selected="true"]').all_inner_texts(),
    }
    for key in keys:
        box = page.locator(f".st-key-{key}").first
        view[key] = box.evaluate(CONTROL_STATE)
    return view


def copied_link(dash: Dashboard) -> str:
    link = dash.page.locator(".st-key-view-link code")
    return link.inner_text().strip()


def open_sidebar_group(dash: Dashboard, title: str, key: str):
    page = dash.page
    widget = page.locator(f".st-key-{key}")
    if not widget.is_visible():
        page.get_by_text(title).click()
        widget.wait_for(state="visible")
        page.wait_for_timeout(400)  # the expander's opening animation
    return widget


def pick(dash: Dashboard, key: str, option: str) -> None:
    dash.choose(dash.page.locator(f".st-key-{key}"), option)
    dash.page.keyboard.press("Escape")


def click_text(dash: Dashboard, key: str, text: str) -> None:
    target = dash.page.locator(f".st-key-{key}").get_by_text(text, exact=True)
    button = target.locator("xpath=ancestor-or-self::button[1]")
    # (a pill or segment is a radio button: aria-checked once chosen)
    dash.rerun_after(target.click, again=lambda: button.get_attribute("aria-checked") != "true")


def show_table(dash: Dashboard, figure_key: str) -> None:
    tab = dash.page.locator(f".st-key-tab-{figure_key}").get_by_role("tab", name="Table")
    dash.select_tab(tab)


def next_page(dash: Dashboard, key: str) -> None:
    button = dash.page.locator(f".st-key-{key}").get_by_role("button", name="Page 2")
    dash.rerun_after(button.click, again=lambda: button.get_attribute("aria-current") != "page")


def move_window(dash: Dashboard) -> None:
    """Move the trend window's start one month later with the keyboard."""
    thumb = dash.page.locator(".st-key-periods").get_by_role("slider", name="Periods — start")
    thumb.focus()
    dash.rerun_after(lambda: thumb.press("ArrowRight"))


# page path -> (the steps that change each of its controls, the controls compared)
SCENARIOS = {
    # the Overview's year is the Trends page's figure (one definition of "the year")
    "": ([lambda d: show_table(d, "trend-all")], []),
    "breakdowns": (
        [
            lambda d: click_text(d, "dim", "District"),
            lambda d: click_text(d, "order", "Largest first"),
            lambda d: show_table(d, "breakdown-district"),
        ],
        ["dim", "order"],
    ),
    "crosstab": (
        [lambda d: pick(d, "rows", "District"), lambda d: pick(d, "cols", "Gender")],
        ["rows", "cols"],
    ),
    "trends": (
        [
            lambda d: pick(d, "trend_dim", "Placement status"),
            lambda d: click_text(d, "style", "Stacked areas"),
            move_window,
            lambda d: show_table(d, "trend-placement_status"),
        ],
        ["trend_dim", "style", "periods"],
    ),
    "map": ([lambda d: click_text(d, "shade", "Share of the cohort")], ["shade"]),
    "explorer": (
        [
            lambda d: pick(d, "sort", "Age"),
            lambda d: d.rerun_after(d.page.locator(".st-key-desc label").click),
            lambda d: pick(d, "rows_per_page", "25"),
            lambda d: next_page(d, "page"),
        ],
        ["sort", "desc", "rows_per_page", "page"],
    ),
    "chronology": ([], ["child"]),  # the child is picked in the test (first in the list)
    "service": (
        [
            lambda d: pick(d, "flag", "Annual review overdue"),
            lambda d: show_table(d, "service-district"),
        ],
        ["flag"],
    ),
    # (a tier runs to one page on this database; Priority's list covers page numbers)
    "today": ([lambda d: click_text(d, "today_tier", "Watch")], ["today_tier"]),
    "rates": (
        [
            lambda d: pick(d, "rate_dim", "Gender"),
            lambda d: click_text(d, "rate_trend", "each gender group"),
        ],
        ["rate_dim", "rate_trend"],
    ),
    "time_to_return": ([lambda d: pick(d, "surv_dim", "Gender")], ["surv_dim"]),
    "england": ([], []),
    "action_plan": ([], []),
    "glossary": ([], []),
    "accessibility": ([], []),
    "priority": ([lambda d: next_page(d, "priority_page")], ["priority_page"]),
    "data_quality": ([], []),
}
# The larger group, so that these lists still run to a second page.
FILTER_VALUE = {"priority": "Male"}


@pytest.mark.parametrize("path", list(SCENARIOS))
def test_every_control_goes_into_the_link(dash, browser, path):
    steps, keys = SCENARIOS[path]
    page = dash.open(path)
    # a sidebar choice on every page: the link must carry the filters too
    gender = FILTER_VALUE.get(path, "Female")
    open_sidebar_group(dash, "Age, year group, gender", "gender")
    pick(dash, "gender", gender)
    if path == "chronology":
        picker = page.get_by_role("combobox", name="Child (pseudonymous ID)")
        picker.click()
        first = page.get_by_role("option").first
        first.wait_for()
        dash.rerun_after(first.click)
    for step in steps:
        step(dash)
    dash.wait(settled=True)
    before = view_of(page, keys)
    link = copied_link(dash)
    assert link.startswith(f"{dash.base}/{path}?period=")
    assert f"gender={gender}" in link

    context = browser.new_context(viewport=VIEWPORT)  # a colleague's browser: no session
    try:
        other = Dashboard(context.new_page(), dash.base, dash.outside)
        other.visit(link, settled=True)
        after = view_of(other.page, keys)
        assert after == before, repr((before, after))
        assert copied_link(other) == link  # and the link it shows is the same link
    finally:
        context.close()
    assert dash.outside == []


def notices(page) -> list[str]:
    return [
        text.replace("link_off", "").strip()
        for text in page.locator('[data-testid="stAlert"]').all_inner_texts()
        if "link" in text
    ]


def test_bad_links_say_what_they_asked_for(dash):
    page = dash.open(
        "breakdowns?period=2099-01&district=Nowhere&dim=Bogus&days_from=300&days_to=10"
    )
    said = notices(page)
    latest = copied_link(dash).split("period=")[1][:7]
    year, month = latest.split("-")
    months = "January February March April May June July August September October November December"
    shown = f"{months.split()[int(month) - 1]} {year}"
    assert f"This link asked for January 2099, which is not loaded; showing {shown}." in said
    assert (
        "This link asked for district “Nowhere”, which is not one of the choices here; it is "
        "left out." in said
    )
    assert (
        "“Days out from” (300) is above “Days out to” (10), so no child can match: swap them in "
        "the sidebar." in said
    )
    # the page stopped early (no child matches) and still shows the link, without the bad values
    assert "Nowhere" not in copied_link(dash) and "2099" not in copied_link(dash)

    page = dash.open("breakdowns?dim=Bogus")
    assert (
        "This link asked for break down by “Bogus”, which is not one of the choices here; "
        "showing Primary need." in notices(page)
    )
    page = dash.open("nosuchpage")
    assert page.locator("h1").first.inner_text() == "Overview"
    assert (
        "This link asked for a page called “nosuchpage”, which does not exist; showing Overview."
        in notices(page)
    )
    page = dash.open("explorer?page=99")
    assert any(n.startswith("This link asked for page 99, but there are ") for n in notices(page))
    # a good link says nothing
    page = dash.open("breakdowns?dim=Gender")
    assert notices(page) == []
    assert dash.outside == []


def test_copy_button_copies_on_plain_http(browser, server):
    """No clipboard API (as on http://council-server/): the fallback copies and selects."""
    context = browser.new_context(viewport=VIEWPORT)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    # What a plain-http origin looks like to the page: not a secure context.
    context.add_init_script("Object.defineProperty(window, 'isSecureContext', {value: false})")
    try:
        dash = Dashboard(context.new_page(), server, [])
        page = dash.open("map?shade=Share+of+the+cohort")
        link = copied_link(dash)
        box = page.locator(".st-key-view-link")
        box.hover()
        box.get_by_role("button").first.click()
        assert page.evaluate("() => window.getSelection().toString().trim()") == link
        assert page.evaluate("() => navigator.clipboard.readText()").strip() == link
    finally:
        context.close()
