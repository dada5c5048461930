"""The Time to return page (AppTest) on the hand-worked episodes of tests/test_survival.py:
the data-problems note with its counts and the download of the children concerned, the test's
episode count, and small numbers hidden in the note when the switch is on."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_survival import db as survival_db  # noqa: F401  (the fixture, reused)

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 90


def page(monkeypatch, db: Path, hide_small: bool = False, **query) -> AppTest:
    monkeypatch.setenv("OOS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    if hide_small:
        at.session_state["suppress_small"] = True
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/time_to_return.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


@pytest.fixture
def db(survival_db):  # noqa: F811
    return survival_db


def test_the_page_counts_and_explains_the_episodes_it_cannot_time(monkeypatch, db):
    at = page(monkeypatch, db, surv_dim="Gender")
    words = text(at)
    # F's second episode, J and K (tests/test_survival.py): counted, named, not dropped
    assert "**Data problems and recent changes.** 3 episodes cannot be timed" in words
    assert "1 children seen out of school last month are not in this month's data" in words
    # the test between the groups names the episodes of the curves: 3 girls' and 9 boys'
    assert "the 12 episodes of the curves above" in words
    # a role that may see pupils (the tests' safeguarding lead) gets the list of them
    labels = [b.label for b in at.get("download_button")]
    assert "Download the episodes that cannot be timed (CSV)" in labels
    # the table says how many were not seen this month
    table = at.dataframe[0].value
    assert "of which not seen this month" in table.columns


def test_small_numbers_are_hidden_in_the_note_too(monkeypatch, db):
    at = page(monkeypatch, db, hide_small=True)
    words = text(at)
    assert "c episodes cannot be timed" in words
    assert "3 episodes cannot be timed" not in words and "1 with" not in words
