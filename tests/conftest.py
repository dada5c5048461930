"""Shared test fixtures: paths to the hand-worked CSVs, fresh databases in tmp_path, and the
environment of a dashboard run under sign-in (`sign_in_env`)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def test_data() -> Path:
    return TEST_DATA


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database path that does not exist yet; loaders create it."""
    return tmp_path / "test.duckdb"


def query(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    """Read the database as an analyst would: a read-only connection, closed afterwards."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def view_link(at) -> str:
    """The sidebar's "Link to this view" as AppTest holds it: the text of its code box (an
    st.html element, pages/common/share.py), HTML entities read back."""
    import html
    import re

    boxes = [e.proto.body for e in at.sidebar.get("html") if "oos-view-link" in e.proto.body]
    assert len(boxes) == 1, boxes
    return html.unescape(re.search(r"<code>(.*?)</code>", boxes[0], re.S).group(1))


# --- who the tests are -----------------------------------------------------------------------
# The dashboard shows a database holding real loads only to a signed-in role, or to the single
# analyst named by OOS_SINGLE_USER. Tests that are not about sign-in run as that single analyst
# (a safeguarding lead, who sees every page), and read pupil-level rows directly as a
# safeguarding lead; tests of the gate itself (tests/test_trust_*.py) clear both.
SINGLE_USER_FOR_TESTS = "Test analyst (synthetic fixtures)"


@pytest.fixture(scope="session", autouse=True)
def _single_user_env():
    import os

    before = os.environ.get("OOS_SINGLE_USER")
    os.environ["OOS_SINGLE_USER"] = SINGLE_USER_FOR_TESTS
    yield
    if before is None:
        os.environ.pop("OOS_SINGLE_USER", None)
    else:
        os.environ["OOS_SINGLE_USER"] = before


@pytest.fixture(autouse=True)
def _pupil_viewer():
    from trust.roles import SAFEGUARDING_LEAD
    from trust.viewer import SINGLE_USER, Viewer, acting_as

    with acting_as(
        Viewer(SINGLE_USER_FOR_TESTS, SINGLE_USER_FOR_TESTS, SAFEGUARDING_LEAD, SINGLE_USER)
    ) as viewer:
        yield viewer


@pytest.fixture
def sign_in_env(monkeypatch, tmp_path):
    """The environment of a dashboard run under sign-in, as a function of the database and the
    role file's text: no single analyst, the role file and an app store (audit trail, actions)
    of the test's own. Returns the app store's path; its connections are closed afterwards.
    The run itself: tests/signed_in_app.py."""
    from appstore import audit

    def use(db: Path, role_file: str) -> Path:
        roles = tmp_path / "roles.toml"
        roles.write_text(role_file, encoding="utf-8")
        store = tmp_path / "app.sqlite"
        monkeypatch.setenv("OOS_DB", str(db))
        monkeypatch.setenv("OOS_ROLES", str(roles))
        monkeypatch.setenv("OOS_APP_STORE", str(store))
        monkeypatch.delenv("OOS_SINGLE_USER", raising=False)
        return store

    yield use
    audit.close_connections()
