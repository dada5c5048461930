"""The gate, page by page (AppTest): each role reaches what the issue allows and no more.

Fixture: tests/data/p_cohort_2023_05/06.csv through the real loader (a database holding
"real" loads, not the synthetic demo). Teams in June 2023: SEN East P-0001..03, SEN South
P-0004 05 08, SEN West P-0006 07 09, and P-0010 whose team is the formula-like text.
The role file is written per test; sign-in is "configured" by an [auth] secrets section, and
`at.user` is the signed-in account: the ID token's claims, from the role file's issuer with a
verified e-mail unless a test says otherwise (`signed_in`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from appstore import audit
from data.load import load_cohort
from tests.conftest import view_link
from tests.signed_in_app import ISSUER, ROOT, TIMEOUT, signed_in_app

DATA = Path(__file__).resolve().parent / "data"
ROLE_FILE = f"""
ask = "Ivy Governance (ig@council.example)"
[identity]
issuer = "{ISSUER}"
[[grant]]
role = "safeguarding_lead"
accounts = ["lead@council.example"]
[[grant]]
role = "qa_officer"
groups = ["qa-group"]
[[grant]]
role = "caseworker"
accounts = ["cw@council.example"]
sen_teams = ["SEN South"]
[[grant]]
role = "senior_leader"
accounts = ["sl@council.example"]
"""
# page -> the heading it draws
ALL_PAGES = {
    "pages/overview.py": "Overview",
    "pages/today.py": "Today",
    "pages/priority.py": "Priority cases",
    "pages/breakdowns.py": "Breakdowns",
    "pages/crosstab.py": "Cross-tab",
    "pages/trends.py": "Trends",
    "pages/map.py": "District map",
    "pages/explorer.py": "Cohort explorer",
    "pages/chronology.py": "Case chronology",
    "pages/service.py": "Service view",
    "pages/data_quality.py": "Data quality",
    "pages/audit.py": "Audit trail",
    "pages/action_plan.py": "Action plan",
    "pages/rates.py": "Rates and over-representation",
    "pages/time_to_return.py": "Time to return to school",
    "pages/england.py": "England and similar councils",
}
PUPIL_PAGES = {"pages/today.py", "pages/priority.py", "pages/explorer.py", "pages/chronology.py"}
# the action plan can name children
NOT_FOR_LEADERS = {"pages/action_plan.py"}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("trust-pages") / "fixture.duckdb"
    load_cohort(DATA / "p_cohort_2023_05.csv", "2023-05", db)
    load_cohort(DATA / "p_cohort_2023_06.csv", "2023-06", db)
    return db


@pytest.fixture
def env(sign_in_env, db):
    return sign_in_env(db, ROLE_FILE)


def signed_in(user: dict) -> dict:
    """The claims of a sign-in: the role file's issuer, the e-mail as the permanent ID and
    marked verified, unless `user` gives its own."""
    claims = {"iss": ISSUER}
    if "email" in user:
        claims |= {"sub": user["email"], "email_verified": True}
    return claims | user


def run(user: dict | None, page: str | None = None, *, signin: bool = True, **query) -> AppTest:
    if signin:
        at = signed_in_app(None if user is None else signed_in(user), **query)
    else:  # no [auth] section: the demo or the single-user mode
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
        for key, value in query.items():
            at.query_params[key] = value
    at.run()
    if page:
        goto(at, page)
    assert not at.exception, [e.value for e in at.exception]
    return at


def goto(at: AppTest, page: str) -> None:
    """Open `page` as a typed URL would: by its URL path, whether or not the navigation
    offers it (AppTest.switch_page refuses pages the navigation does not hold, so for those
    the request carries the page's URL-path hash, as a browser's request does)."""
    try:
        at.switch_page(page)
    except ValueError:
        at._page_hash = calc_hash(Path(page).stem)
    at.run()


def text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption]
    parts += [m.value for m in at.title] + [m.value for m in at.subheader]
    parts += [m.body for m in at.warning] + [m.body for m in at.info]
    parts += [m.body for m in at.error] + [m.value for m in at.text]
    return "\n".join(str(p) for p in parts)


def shown_ids(at: AppTest) -> set[str]:
    found = set()
    for frame in at.dataframe:
        table = frame.value
        for column in ("Child ID", "child_id"):
            if column in table:
                found |= set(table[column].dropna().astype(str))
    return found


def is_page(heading: str, page_title: str) -> bool:
    # "Today: flags at 30 June 2023, ..." is the Today page
    return heading == page_title or heading.startswith(page_title + ":")


def title(at: AppTest) -> str:
    return at.title[0].value if at.title else ""


def records(store: Path) -> list[dict]:
    audit.close_connections()
    if not store.exists():
        return []
    con = sqlite3.connect(store)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("SELECT * FROM audit ORDER BY seq")]
    finally:
        con.close()


# --- without sign-in -------------------------------------------------------------------------


def test_real_database_without_sign_in_shows_nothing_and_says_how(env):
    for page in (None, "pages/explorer.py", "pages/breakdowns.py"):
        at = run(None, page, signin=False)
        assert title(at) == "Sign-in is not configured"
        assert "oauth2callback" in text(at) and "OOS_SINGLE_USER" in text(at)
        assert not at.dataframe and not at.metric and not at.get("plotly_chart")
        assert "P-00" not in text(at)
        assert not at.sidebar.selectbox and not at.sidebar.multiselect  # no filters either


def test_query_parameters_do_not_open_the_gate(env):
    at = run(None, "pages/explorer.py", signin=False, role="safeguarding_lead", demo="1",
             single_user="me", child="P-0001")  # fmt: skip
    assert title(at) == "Sign-in is not configured"
    assert not at.dataframe


def test_single_user_is_a_named_safeguarding_lead_audited_by_name(env, monkeypatch):
    monkeypatch.setenv("OOS_SINGLE_USER", "Ada Analyst")
    at = run(None, "pages/explorer.py", signin=False)
    assert title(at) == "Cohort explorer"
    assert "Single user: Ada Analyst" in text(at)
    assert "P-0001" in shown_ids(at)
    last = [r for r in records(env) if r["action"] == "view"][-1]
    assert (last["actor"], last["role"], last["page"]) == (
        "Ada Analyst",
        "safeguarding_lead",
        "Cohort explorer",
    )
    at = run(None, "pages/audit.py", signin=False)
    assert title(at) == "Audit trail"
    assert "Single user: Ada Analyst" in text(at)


# --- signed in -------------------------------------------------------------------------------


def test_signed_out_sees_only_the_sign_in_page(env):
    at = run(None, "pages/explorer.py")
    assert title(at) == "Sign in"
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.dataframe


def test_an_account_with_no_role_is_told_whom_to_ask(env):
    at = run({"email": "stranger@council.example", "name": "Sam Stranger"}, "pages/overview.py")
    assert title(at) == "No access yet"
    assert "Ivy Governance" in text(at)
    assert "Sign out" in [b.label for b in at.button]
    assert not at.dataframe and not at.metric


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ({"email": "lead@council.example"}, set(ALL_PAGES)),
        (
            {"email": "qa@council.example", "groups": ["qa-group"]},
            set(ALL_PAGES) - {"pages/audit.py"},
        ),
        ({"email": "cw@council.example"}, PUPIL_PAGES),
        (
            {"email": "sl@council.example"},
            set(ALL_PAGES) - PUPIL_PAGES - NOT_FOR_LEADERS - {"pages/audit.py"},
        ),
    ],
    ids=["safeguarding_lead", "qa_officer", "caseworker", "senior_leader"],
)
def test_each_role_reaches_its_pages_and_no_other(env, user, allowed):
    for page, page_title in ALL_PAGES.items():
        at = run(user, page)
        heading = title(at)
        assert any(b.label == "Sign out" for b in at.button), page  # sign-out on every page
        if page in allowed:
            assert is_page(heading, page_title), (page, heading)
        else:
            # typed URL of a page the role may not open: the role's first page instead
            assert not is_page(heading, page_title), (page, heading)
            assert any(is_page(heading, ALL_PAGES[p]) for p in allowed), (page, heading)
            if page in PUPIL_PAGES or page == "pages/audit.py":
                assert not shown_ids(at) or user["email"] == "cw@council.example"


def test_senior_leader_sees_no_child_anywhere(env):
    user = {"email": "sl@council.example"}
    for page in ALL_PAGES:
        at = run(user, page, child="P-0001")
        assert not shown_ids(at), page
        assert "P-00" not in text(at), page
    at = run(user, "pages/data_quality.py")
    assert title(at) == "Data quality"
    assert not any("Raw values" in f.value.columns for f in at.dataframe)


def test_caseworker_sees_own_team_only(env):
    user = {"email": "cw@council.example"}
    at = run(user, "pages/explorer.py")
    assert shown_ids(at) == {"P-0004", "P-0005", "P-0008"}  # SEN South, June 2023
    # a chronology of another team's child, by URL: refused, nothing of it shown
    at = run(user, "pages/chronology.py", child="P-0001")
    assert "not in your SEN teams" in text(at)
    assert "P-0001" not in shown_ids(at)
    at = run(user, "pages/chronology.py", child="P-0004")
    assert "29 days out · Dover · SEN team SEN South" in text(at)  # P-0004's facts
    assert "not in your SEN teams" not in text(at)


def test_qa_officer_has_no_audit_page_but_is_audited(env):
    user = {"email": "qa@council.example", "groups": ["qa-group"]}
    at = run(user, "pages/audit.py")
    assert title(at) != "Audit trail"
    run(user, "pages/chronology.py", child="P-0003")
    views = [r for r in records(env) if r["action"] == "view" and r["page"] == "Chronology"]
    assert any(r["child_ids"] == '["P-0003"]' and r["actor"] == "qa@council.example" for r in views)


# --- the synthetic demo database without sign-in ----------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from data.generate import build_demo_database

    db = tmp_path_factory.mktemp("trust-demo") / "demo.duckdb"
    build_demo_database(db, children=200, periods=3)
    return db


def test_demo_database_runs_without_sign_in_with_a_marker_and_role_switcher(sign_in_env, demo_db):
    sign_in_env(demo_db, '[demo]\ncaseworker_sen_teams = ["SEN North Kent"]\n')
    at = run(None, "pages/explorer.py", signin=False)
    assert title(at) == "Cohort explorer"
    assert "Demo: no sign-in" in text(at)
    switcher = at.sidebar.selectbox(key="role")
    assert switcher.value == "safeguarding_lead"
    # as a caseworker of SEN North Kent: only that team's children
    switcher.set_value("caseworker").run()
    goto(at, "pages/explorer.py")
    teams = set()
    for frame in at.dataframe:
        if "SEN team" in frame.value:
            teams |= set(frame.value["SEN team"])
    assert teams == {"SEN North Kent"}
    # as a senior leader: the explorer's URL gives another page, and no child
    at.sidebar.selectbox(key="role").set_value("senior_leader").run()
    goto(at, "pages/explorer.py")
    assert title(at) != "Cohort explorer"
    assert not shown_ids(at)
    assert "Demo: no sign-in" in text(at)
    # the link to this view carries the role tried, so it reopens as a senior leader
    link = view_link(at)  # (one box: view_link checks)
    assert "role=Senior+leader" in link, link
    audit.close_connections()


def test_a_demo_link_with_a_role_opens_as_that_role(monkeypatch, demo_db, tmp_path):
    monkeypatch.setenv("OOS_DB", str(demo_db))
    monkeypatch.setenv("OOS_ROLES", str(tmp_path / "no-roles.toml"))
    monkeypatch.setenv("OOS_APP_STORE", str(tmp_path / "app.sqlite"))
    monkeypatch.delenv("OOS_SINGLE_USER", raising=False)
    at = run(None, "pages/explorer.py", signin=False, role="Senior leader")
    assert at.sidebar.selectbox(key="role").value == "senior_leader"
    assert "Viewing as a senior leader" in text(at)
    assert title(at) != "Cohort explorer"
    assert not shown_ids(at)
    audit.close_connections()


@pytest.mark.parametrize("asked", ["caseworker", "Head teacher"])
def test_a_demo_link_with_a_role_that_is_not_one_says_so(sign_in_env, demo_db, asked):
    # the switcher cannot show an unknown role and drops it: the link's reader is told, and the
    # view is the first role's (a role's key, "caseworker", is not its label either)
    sign_in_env(demo_db, "")
    at = run(None, signin=False, role=asked)  # a link to the Overview
    assert at.sidebar.selectbox(key="role").value == "safeguarding_lead"
    notices = [w.value.replace("\\", "") for w in at.warning]
    assert [n for n in notices if f"asked for the role “{asked}”" in n] == [
        f"This link asked for the role “{asked}”, which is not one of the demo's roles "
        "(Safeguarding lead, QA officer, Caseworker, Senior leader); viewing as Safeguarding lead."
    ]


def test_a_role_in_the_url_is_ignored_when_sign_in_is_configured(env):
    # a signed-out visitor with ?role=Safeguarding+lead still sees only the sign-in page
    at = run(None, "pages/explorer.py", role="Safeguarding lead")
    assert title(at) == "Sign in"
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.dataframe
