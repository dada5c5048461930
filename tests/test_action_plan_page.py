"""The action plan page and the Overview's overdue notice, through AppTest on a fixture DB."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from appstore import actions
from appstore.connection import store_path
from data.load import load_cohort

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "fixture.duckdb"
    load_cohort(DATA / "p_cohort_2023_05.csv", "2023-05", path)
    load_cohort(DATA / "p_cohort_2023_06.csv", "2023-06", path)
    return path


def run(monkeypatch, db: Path, page: str | None = "pages/action_plan.py") -> AppTest:
    monkeypatch.setenv("OOS_DB", str(db))
    monkeypatch.delenv("OOS_APP_STORE", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_plan_shows_each_measure_when_opened_and_now(monkeypatch, db):
    store = store_path(db)
    # Opened when May 2023 was the latest month, watching children with no placement.
    link = "http://dash/explorer?period=2023-06&placement=No+placement"
    actions.create(
        {"title": "Place every child", "owner": "Area lead", "due_date": "2099-01-31",
         "measure_kind": "view", "measure": link},
        user="ann",
        opened=actions.Opened("2023-05", 99.0, "99 children"),
        store=store,
    )  # fmt: skip
    at = run(monkeypatch, db)
    table = at.dataframe[0].value
    assert table["Action"].tolist() == ["Place every child"]
    assert table["Measure when opened"].iloc[0] == "99 children (May 2023)"
    # Now: June 2023's children with no placement in p_cohort_2023_06.csv: P-0001, P-0004,
    # P-0005, P-0006, P-0008, P-0009 (the row with no child ID is quarantined by the loader).
    assert table["Measure now"].iloc[0] == "6 children (June 2023)"
    assert table["Status"].iloc[0] == "not started"  # due in 2099: not overdue


def test_an_edit_started_before_someone_elses_save_is_marked_stale(monkeypatch, db):
    # (AppTest cannot click a form's button on a page reached by switch_page: the frame's
    # first-run rerun uses up the click. The refusal itself is tested in test_actions.py.)
    store = store_path(db)
    base = {"title": "Audit plans", "owner": "QA", "due_date": "2030-01-01"}
    action_id = actions.create(base, user="ann", store=store)
    at = run(monkeypatch, db)  # this person's edit starts from version 1
    assert at.text_input(key=f"edit-{action_id}-1-owner").value == "QA"
    actions.save(action_id, 1, {**base, "owner": "QA team"}, user="bob", store=store)
    at.run()
    notes = [i.value for i in at.info]
    assert any("editing version 1; version 2 was saved by bob" in n for n in notes), notes
    # The form still shows the version the edit started from, not bob's.
    assert at.text_input(key=f"edit-{action_id}-1-owner").value == "QA"


def test_overdue_actions_show_on_the_overview(monkeypatch, db):
    store = store_path(db)
    actions.create({"title": "Late one", "owner": "Ann", "due_date": "2020-01-01"}, store=store)
    actions.create({"title": "Not yet", "owner": "Ann", "due_date": "2099-01-01"}, store=store)
    at = run(monkeypatch, db, page=None)
    warnings = [w.value for w in at.warning]
    assert any("1 overdue action in the action plan" in w and "Late one" in w for w in warnings)
    assert not any("Not yet" in w for w in warnings)
    assert [link for link in at.get("page_link") if "action plan" in str(link.proto.label)]
    # The one-click pack sits on the Overview (built only when clicked).
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Briefing pack (PDF)" in labels and "Briefing pack (HTML)" in labels


def test_a_senior_leader_sees_overdue_actions_but_no_link_to_the_plan(sign_in_env, db):
    # The plan page can name children, so it is not a senior leader's page (trust/access.py);
    # the Overview still lists what is overdue and offers the pack. A title is free text that
    # can name a child: a senior leader reads it only when its author marked it safe.
    from tests.test_trust_pages import ROLE_FILE
    from tests.test_trust_pages import run as run_signed_in

    store = sign_in_env(db, ROLE_FILE)
    actions.create(
        {"title": "Chase placement for KC100001", "owner": "Ann", "due_date": "2020-01-01"},
        store=store,
    )
    actions.create(
        {"title": "Review the tuition contract", "owner": "Bo", "due_date": "2020-02-01",
         "title_safe": True},
        store=store,
    )  # fmt: skip
    at = run_signed_in({"email": "sl@council.example"})
    notice = next(w.value for w in at.warning if "overdue action" in w.value)
    assert "KC100001" not in notice and "Chase placement" not in notice
    assert "Action 1 \\(title not for publication\\)" in notice  # escaped Markdown
    assert "Review the tuition contract" in notice  # marked safe by its author
    assert not [link for link in at.get("page_link") if "action plan" in str(link.proto.label)]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Briefing pack (PDF)" in labels


def test_the_form_asks_whether_a_title_is_safe_to_publish(monkeypatch, db):
    # the plan page shows pupil-level text to roles that may read it: every title, marked or
    # not; the form asks the author whether the title may be published, unticked by default
    store = store_path(db)
    actions.create(
        {"title": "Chase placement for P-0004", "owner": "Area lead", "due_date": "2099-01-31"},
        store=store,
    )
    at = run(monkeypatch, db)
    assert "Chase placement for P-0004" in at.dataframe[0].value["Action"].tolist()
    box = at.checkbox(key="new-safe")
    assert box.value is False and "safe to publish" in box.label
