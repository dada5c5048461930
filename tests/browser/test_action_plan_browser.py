"""The action plan in chromium: opening an action through the form, and two people editing the
same action at once (the second save, made from a replaced version, is refused)."""

from __future__ import annotations

from tests.browser.conftest import VIEWPORT, Dashboard
from tests.conftest import SINGLE_USER_FOR_TESTS

TITLE = "Browser test: review every import"


def _open_action(dash: Dashboard) -> None:
    page = dash.open("action_plan")
    expander = page.locator('[data-testid="stExpander"]').filter(has_text="Open a new action")
    if expander.locator("details").get_attribute("open") is None:  # open while the plan is empty
        expander.locator("summary").click()
    form = expander.locator('[data-testid="stForm"]')
    form.get_by_role("textbox", name="Action").fill(TITLE)
    form.get_by_role("textbox", name="Owner").fill("QA officer")
    form.get_by_role("spinbutton", name="day, Due date").click()
    page.keyboard.type("31012030")
    page.keyboard.press("Escape")
    # the date picker's calendar must be gone before anything else is clicked: left open, it
    # can lie over the form's buttons (bounded wait; a click on the title closes it too)
    if page.locator('[data-baseweb="calendar"]').count():
        page.locator("h1").first.click()
    page.wait_for_function(
        "() => !document.querySelector('[data-baseweb=\"calendar\"]')", timeout=10_000
    )
    dash.rerun_after(page.get_by_role("button", name="Open the action").click)
    dash.wait()


def _editing(dash: Dashboard) -> None:
    """The 'Change an action' picker shows this test's action (the plan's first and only one,
    on the session's fixture server)."""
    assert dash.page.get_by_role("combobox", name="Action").input_value().endswith(TITLE)


def _save_note(dash: Dashboard, note: str) -> str:
    page = dash.page
    notes = page.get_by_role("textbox", name="Notes").last
    notes.fill(note)
    notes.press("Tab")  # leave the box, so the note is committed before the form is sent
    dash.rerun_after(page.get_by_role("button", name="Save a new version").click)
    dash.wait()
    return page.inner_text("body")


def test_two_people_editing_one_action(dash, browser, server, outside_requests):
    _open_action(dash)
    _editing(dash)  # the first person starts an edit
    other_context = browser.new_context(viewport=VIEWPORT)
    try:
        other = Dashboard(other_context.new_page(), server, outside_requests)
        other.open("action_plan")
        _editing(other)  # a second person starts an edit of the same version
        # The second person saves first: accepted as version 2.
        assert "Saved as version 2" in _save_note(other, "second person's note")
        # The first person saves from version 1: refused, saying who saved since.
        body = _save_note(dash, "first person's note")
        assert "Saved as version 3" not in body  # never merged over the second person's save
        # Changes are recorded against the signed-in viewer (here the single test analyst). The
        # page says so on the save ("not saved ... (version 2) ... changed by") or, when its
        # rerun has already seen the newer version, before it ("version 2 was saved by").
        refused = (
            "Your changes were not saved" in body
            and "(version 2)" in body
            and f"changed by {SINGLE_USER_FOR_TESTS} at" in body
        )
        warned = (
            f"You are editing version 1; version 2 was saved by {SINGLE_USER_FOR_TESTS}" in body
        )
        assert refused or warned, body
    finally:
        other_context.close()
    assert dash.outside == []
