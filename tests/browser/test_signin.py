"""Sign-in through a real OIDC provider, in a real browser, as each role.

The test starts `oidc-provider-mock` (a Flask OpenID Connect provider) on 127.0.0.1 and a
`streamlit run dashboard.py` whose secrets file points `[auth]` at it, with a role file of its
own. For each account it clicks "Sign in", picks the account on the provider's page, comes
back through /oauth2callback, and then checks what the navigation offers and what typing the
URL of every other page shows. Fixture database: tests/data/p_cohort_2023_05/06.csv (real
loads, not the demo): children P-0001..P-0010.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import werkzeug.serving
from oidc_provider_mock import User, app

from tests.browser.conftest import (
    ROOT,
    STARTUP_SECONDS,
    VIEWPORT,
    build_fixture_db,
    free_port,
    stop_server,
)

ROLE_FILE = """
ask = "Ivy Governance (ig@council.example)"
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
USERS = [
    User(sub="lead@council.example", claims={"email": "lead@council.example", "name": "Lena Lead"}),
    User(
        sub="qa@council.example",
        claims={"email": "qa@council.example", "name": "Quinn QA", "groups": ["qa-group"]},
    ),
    User(sub="cw@council.example", claims={"email": "cw@council.example", "name": "Cass Worker"}),
    User(sub="sl@council.example", claims={"email": "sl@council.example", "name": "Sam Senior"}),
    User(
        sub="nobody@council.example", claims={"email": "nobody@council.example", "name": "No Role"}
    ),
]
# URL path -> the page's heading (start of it)
PAGES = {
    "": "Overview",
    "today": "Today",
    "priority": "Priority cases",
    "breakdowns": "Breakdowns",
    "crosstab": "Cross-tab",
    "trends": "Trends",
    "map": "District map",
    "explorer": "Cohort explorer",
    "chronology": "Case chronology",
    "service": "Service view",
    "data_quality": "Data quality",
    "audit": "Audit trail",
    "action_plan": "Action plan",
    "rates": "Rates and over-representation",
    "time_to_return": "Time to return to school",
    "england": "England and similar councils",
}
PUPIL = {"today", "priority", "explorer", "chronology"}
ALLOWED = {
    "lead@council.example": set(PAGES),
    "qa@council.example": set(PAGES) - {"audit"},
    "cw@council.example": PUPIL,
    "sl@council.example": set(PAGES) - PUPIL - {"audit", "action_plan"},
}


STORES: list[Path] = []  # the server's audit store (set by signed_server)


@pytest.fixture(scope="module")
def provider():
    """The OIDC provider on 127.0.0.1, on a thread of this process."""
    port = free_port()
    server = werkzeug.serving.make_server("127.0.0.1", port, app(user_claims=USERS), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory, provider):
    folder = tmp_path_factory.mktemp("signin")
    db = build_fixture_db(folder)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{base}/oauth2callback"\n'
        'cookie_secret = "a-test-only-cookie-secret-0123456789"\n'
        'client_id = "dashboard-test"\n'
        'client_secret = "test-only-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    roles = folder / "roles.toml"
    roles.write_text(ROLE_FILE, encoding="utf-8")
    store = folder / "app.sqlite"
    STORES.append(store)
    env = {**os.environ, "OOS_DB": str(db), "OOS_ROLES": str(roles), "OOS_APP_STORE": str(store)}
    env.pop("OOS_SINGLE_USER", None)  # sign-in, not the single-user exception
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--secrets.files", str(secrets),
    ]  # fmt: skip
    log = open(folder / "streamlit.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        stop_server(process)
        raise RuntimeError("streamlit did not start")
    try:
        yield base
    finally:
        stop_server(process)
        log.close()


def wait(page) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


def heading(page) -> str:
    page.locator("h1").first.wait_for()
    wait(page)
    return page.locator("h1").first.inner_text().strip()


def sign_in(browser, base: str, provider: str, account: str):
    context = browser.new_context(viewport=VIEWPORT)
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith((base, provider, "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(base)
    assert heading(page) == "Sign in"
    assert "P-00" not in page.content()
    assert outside == [], outside  # the dashboard fetches nothing from the internet
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(provider) + r"/oauth2/authorize.*"))
    page.get_by_role("button", name=account).click()  # the provider's predefined account
    page.wait_for_url(re.compile(re.escape(base) + r"/.*"))
    page.locator("h1").first.wait_for()
    wait(page)
    # (the mock provider's own page asks a CDN for its stylesheet: blocked, and not ours)
    return context, page


@pytest.mark.parametrize("account", list(ALLOWED))
def test_each_role_signs_in_and_reaches_only_its_pages(browser, signed_server, provider, account):
    context, page = sign_in(browser, signed_server, provider, account)
    try:
        page.get_by_role("button", name="Sign out").wait_for()  # drawn on every page
        body = page.locator("body").inner_text()
        assert account in body  # "Signed in as <name> (<email>) · <role>"
        for path, title in PAGES.items():
            page.goto(f"{signed_server}/{path}")
            shown = heading(page)
            text = page.locator("body").inner_text()
            if path in ALLOWED[account]:
                assert shown.startswith(title), (account, path, shown)
            else:
                # typed URL of a forbidden page: the role's own first page, none of that one,
                # and a notice saying so
                assert not shown.startswith(title), (account, path, shown)
                if path:  # (the bare address is no request for a page)
                    assert "which your role cannot open" in text, (account, path)
            page.get_by_role("button", name="Sign out").wait_for()
            if account == "sl@council.example":
                assert not re.search(r"P-00\d\d", text), (path, "a child ID shown to a leader")
        if account == "sl@council.example":
            # a typed chronology link with a child in it shows no chronology
            page.goto(f"{signed_server}/chronology?child=P-0001")
            assert not heading(page).startswith("Case chronology")
            assert "P-0001" not in page.locator("body").inner_text()
        if account == "lead@council.example":
            # the explorer's download: made on the click, formula-safe, audited as an export
            page.goto(f"{signed_server}/explorer?placement=Provision+unknown")
            heading(page)
            with page.expect_download(timeout=60_000) as info:
                page.get_by_role("button", name="Download CSV").first.click()
            text = Path(info.value.path()).read_text(encoding="utf-8-sig")
            assert "'=1+1 <b>North</b>" in text  # P-0010's team, neutralised
            con = sqlite3.connect(STORES[-1])
            exports = con.execute(
                "SELECT actor, role, file_name, children FROM audit WHERE action = 'export'"
            ).fetchall()
            con.close()
            assert ("lead@council.example", "safeguarding_lead", "cohort_2023-06.csv", 4) in exports
        if account == "cw@council.example":
            page.goto(f"{signed_server}/chronology?child=P-0001&period=2023-06")
            heading(page)
            assert "not in your SEN teams" in page.locator("body").inner_text()
    finally:
        context.close()


def test_an_account_with_no_role_sees_whom_to_ask_and_nothing_else(
    browser, signed_server, provider
):
    context, page = sign_in(browser, signed_server, provider, "nobody@council.example")
    try:
        assert heading(page) == "No access yet"
        assert "Ivy Governance" in page.locator("body").inner_text()
        for path in ("explorer", "breakdowns", "audit"):
            page.goto(f"{signed_server}/{path}")
            assert heading(page) == "No access yet"
            assert not re.search(r"P-00\d\d", page.locator("body").inner_text())
        page.goto(signed_server)  # (a typed unknown page leaves a "page not found" dialog open)
        assert heading(page) == "No access yet"
        page.get_by_role("button", name="Sign out").click()
        # the provider's end-session page (RP-initiated logout), then back to the dashboard
        page.wait_for_url(re.compile(re.escape(provider) + r"/oauth2/end_session.*"))
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(re.compile(re.escape(signed_server) + r"/.*"))
        page.get_by_role("button", name="Sign in").wait_for()
        assert heading(page) == "Sign in"
    finally:
        context.close()
