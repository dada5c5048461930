"""Sign-in end to end as deployed: a real OIDC provider, the shipped nginx file in front of the
app, the app under the shipped systemd unit's environment, in chromium, as each role.

Started here, all on 127.0.0.1: `oidc-provider-mock` (a Flask OpenID Connect provider, on a
thread of this process); `streamlit run server.py` under deploy/audit_sockets.py (every DNS
lookup and connection it makes is logged) with the Environment= lines of
deploy/oos-dashboard.service (its closed HTTP proxy, its NO_PROXY naming the provider's host,
its Host allow-list naming the dashboard), a secrets file pointing `[auth]` at the provider and
a role file of its own; and nginx running deploy/nginx/oos-dashboard.conf with TLS (a
self-signed certificate made by tests/test_server_network.py's `start_proxy`). Chromium
resolves the dashboard's name to 127.0.0.1 (--host-resolver-rules) and may fetch nothing but
the dashboard and the provider.

For each account it clicks "Sign in", picks the account on the provider's page, comes back
through nginx to /oauth2callback, and checks what the navigation offers and what typing the
URL of every other page shows; accounts whose claims are wrong (an e-mail in capitals with a
space, an unverified e-mail) get nothing. The hostile findings this answers: behind nginx the
page still said "Sign in" after a good login (nginx rewrote Origin: "Origin mismatch"), and
under the unit the token exchange went to its closed proxy. Fixture database:
tests/data/p_cohort_2023_05/06.csv (real loads, not the demo): children P-0001..P-0010.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path

import pytest
import werkzeug.serving
from oidc_provider_mock import User, app

from tests.browser.conftest import CHROMIUM, VIEWPORT, build_fixture_db, free_port
from tests.test_server_network import (
    NAME,
    App,
    connections,
    outbound,
    start_proxy,
    stop_proxy,
    unit_environment,
)

ROLE_FILE = """
ask = "Ivy Governance (ig@council.example)"
[identity]
issuer = "{issuer}"
subject_claim = "sub"
[[grant]]
role = "safeguarding_lead"
accounts = ["lead@council.example"]
[[grant]]
role = "qa_officer"
groups = ["qa-group"]
[[grant]]
role = "caseworker"
subjects = ["cw-0003"]
sen_teams = ["SEN South"]
[[grant]]
role = "senior_leader"
accounts = ["sl@council.example"]
"""
VERIFIED = {"email_verified": True}
USERS = [
    # the provider's page lists each account by its subject (its permanent ID)
    User(
        sub="lead-0001",
        claims={"email": "lead@council.example", "name": "Lena Lead", **VERIFIED},
    ),
    User(
        sub="qa-0002",
        claims={"email": "qa@council.example", "name": "Quinn QA", "groups": ["qa-group"]},
    ),
    User(sub="cw-0003", claims={"email": "cw@council.example", "name": "Cass Worker"}),
    User(sub="sl-0004", claims={"email": "sl@council.example", "name": "Sam Senior", **VERIFIED}),
    User(sub="nobody-0005", claims={"email": "nobody@council.example", "name": "No Role"}),
    # claims sent wrong: each would have been the safeguarding lead before issue 16
    User(
        sub="spaced-0006",
        claims={"email": "LEAD@council.example ", "name": "Spaced Capitals", **VERIFIED},
    ),
    User(
        sub="unverified-0007",
        claims={"email": "lead@council.example", "name": "Not Verified", "email_verified": False},
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
    "lead-0001": set(PAGES),
    "qa-0002": set(PAGES) - {"audit"},
    "cw-0003": PUPIL,
    "sl-0004": set(PAGES) - PUPIL - {"audit", "action_plan"},
}
ACTOR = {  # what the page and the audit trail call each account
    "lead-0001": "lead@council.example",
    "qa-0002": "sub:qa-0002",  # its e-mail is not marked verified
    "cw-0003": "sub:cw-0003",
    "sl-0004": "sl@council.example",
}


def pages_to_visit(account: str) -> list[str]:
    """Every page the account may NOT open (the gate is what this test attacks), and its share
    of the pages it may open: each page is opened, in turn, by one of the accounts allowed it,
    so every page is opened by someone; the senior leader opens every page (no child ID on
    any). (Each account opening every page took ten minutes of a busy CI machine for no more
    coverage of the gate.)"""
    if account == "sl-0004":
        return list(PAGES)
    opened = []
    for i, path in enumerate(PAGES):
        allowed_to = [a for a in ALLOWED if path in ALLOWED[a]]
        if allowed_to[i % len(allowed_to)] == account or path not in ALLOWED[account]:
            opened.append(path)
    return opened


@pytest.fixture(scope="module")
def provider():
    """The OIDC provider on 127.0.0.1, on a thread of this process."""
    port = free_port()
    server = werkzeug.serving.make_server("127.0.0.1", port, app(user_claims=USERS), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", port
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, provider):
    """The app under the unit's environment behind the shipped nginx; yields what tests need."""
    issuer, provider_port = provider
    folder = tmp_path_factory.mktemp("signin")
    app_port, https_port = free_port(), free_port()
    base = f"https://{NAME}:{https_port}"
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{base}/oauth2callback"\n'
        'cookie_secret = "a-test-only-cookie-secret-0123456789"\n'
        'client_id = "dashboard-test"\n'
        'client_secret = "test-only-secret"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    roles = folder / "roles.toml"
    roles.write_text(ROLE_FILE.format(issuer=issuer), encoding="utf-8")
    store = folder / "app.sqlite"
    env = {
        **unit_environment(provider_host="127.0.0.1"),  # the provider is on 127.0.0.1 here
        "OOS_ROLES": str(roles),
        "OOS_APP_STORE": str(store),
        "OOS_SINGLE_USER": "",  # sign-in, not the single-user exception
    }
    server = App(
        folder,
        build_fixture_db(folder),
        env,
        port=app_port,
        args=("--secrets.files", str(secrets)),
    )
    try:
        proxy, _info = start_proxy(folder, app_port, https_port=https_port)
        try:
            yield {"base": base, "provider": issuer, "port": provider_port, "app": server,
                   "store": store}  # fmt: skip
        finally:
            stop_proxy(proxy)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def named_browser(playwright_driver):
    """Chromium that resolves the dashboard's name to 127.0.0.1 (and nothing else)."""
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            f"--host-resolver-rules=MAP {NAME} 127.0.0.1",
        ],
    )
    yield browser
    browser.close()


def wait(page) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


def heading(page) -> str:
    page.locator("h1").first.wait_for()
    wait(page)
    return page.locator("h1").first.inner_text().strip()


def signed_in(page, where) -> None:
    """The "Sign out" button is on the page; else the failure says which page showed what."""
    button_shown(page, "Sign out", where)


def button_shown(page, name: str, where) -> None:
    """The button `name` is on the page; else the failure says what the page showed."""
    try:
        page.get_by_role("button", name=name).first.wait_for(timeout=60_000)
    except Exception as error:  # noqa: BLE001 - re-raised with what the page showed
        raise AssertionError((where, page.url, page.locator("body").inner_text()[:1500])) from error


def sign_in(browser, deployment, account: str):
    base, provider = deployment["base"], deployment["provider"]
    # the certificate is the test's own, made minutes ago (TLS itself is checked with
    # verification in tests/test_server_network.py)
    context = browser.new_context(viewport=VIEWPORT, ignore_https_errors=True)
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
    page.set_default_timeout(60_000)
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
def test_each_role_signs_in_through_the_proxy_and_reaches_only_its_pages(
    named_browser, deployment, account
):
    base = deployment["base"]
    context, page = sign_in(named_browser, deployment, account)
    try:
        page.get_by_role("button", name="Sign out").wait_for()  # signed in, on every page
        assert ACTOR[account] in page.locator("body").inner_text()
        for cookie in context.cookies():
            # every cookie through the proxy: HTTPS only, this site only, and out of scripts'
            # reach but the XSRF token, which the page's script must read
            assert cookie["secure"] and cookie["sameSite"] == "Lax", cookie["name"]
            assert cookie["httpOnly"] == (cookie["name"] != "_streamlit_xsrf"), cookie["name"]
        for path in pages_to_visit(account):
            title = PAGES[path]
            page.goto(f"{base}/{path}")
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
            signed_in(page, (account, path, shown))
            if account == "sl-0004":
                assert not re.search(r"P-00\d\d", text), (path, "a child ID shown to a leader")
        if account == "sl-0004":
            # a typed chronology link with a child in it shows no chronology
            page.goto(f"{base}/chronology?child=P-0001")
            assert not heading(page).startswith("Case chronology")
            assert "P-0001" not in page.locator("body").inner_text()
        if account == "lead-0001":
            # the explorer's download through the proxy: made on the click, formula-safe,
            # audited as an export, and handed to this session (trust/media_guard.py)
            page.goto(f"{base}/explorer?placement=Provision+unknown")
            heading(page)
            # (a CI run once found no button here in 60 s: the failure now says what was shown)
            button_shown(page, "Download CSV", (account, "explorer"))
            with page.expect_download(timeout=60_000) as info:
                page.get_by_role("button", name="Download CSV").first.click()
            text = Path(info.value.path()).read_text(encoding="utf-8-sig")
            assert "'=1+1 <b>North</b>" in text  # P-0010's team, neutralised
            con = sqlite3.connect(deployment["store"])
            exports = con.execute(
                "SELECT actor, role, file_name, children FROM audit WHERE action = 'export'"
            ).fetchall()
            con.close()
            assert ("lead@council.example", "safeguarding_lead", "cohort_2023-06.csv", 4) in (
                exports
            )
        if account == "cw-0003":
            page.goto(f"{base}/chronology?child=P-0001&period=2023-06")
            heading(page)
            assert "not in your SEN teams" in page.locator("body").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("account", ["nobody-0005", "spaced-0006", "unverified-0007"])
def test_an_account_with_no_role_or_wrong_claims_sees_whom_to_ask_and_nothing_else(
    named_browser, deployment, account
):
    base = deployment["base"]
    context, page = sign_in(named_browser, deployment, account)
    try:
        assert heading(page) == "No access yet"
        text = page.locator("body").inner_text()
        assert "Ivy Governance" in text and f"quoting your account ID: {account}" in text
        for path in ("explorer", "breakdowns", "audit"):
            page.goto(f"{base}/{path}")
            assert heading(page) == "No access yet"
            assert not re.search(r"P-00\d\d", page.locator("body").inner_text())
        page.goto(base)  # (a typed unknown page leaves a "page not found" dialog open)
        assert heading(page) == "No access yet"
        page.get_by_role("button", name="Sign out").click()
        # the provider's end-session page (RP-initiated logout), then back to the dashboard
        page.wait_for_url(re.compile(re.escape(deployment["provider"]) + r"/oauth2/end_session.*"))
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(re.compile(re.escape(base) + r"/.*"))
        page.get_by_role("button", name="Sign in").wait_for()
        assert heading(page) == "Sign in"
    finally:
        context.close()


def test_only_the_provider_was_contacted_and_no_origin_was_refused(named_browser, deployment):
    """The app's own connections over every sign-in of this module (and one more here): the
    provider's port only (discovery, keys, token exchange: straight to it, as NO_PROXY says),
    never the unit's closed proxy, no name looked up; and Streamlit never dropped a sign-in for
    its origin."""
    context, page = sign_in(named_browser, deployment, "lead-0001")
    page.get_by_role("button", name="Sign out").wait_for()
    context.close()
    records = deployment["app"].records()
    assert outbound(records) == []
    assert connections(records) == {("127.0.0.1", deployment["port"])}
    log = deployment["app"].output.read_text()
    assert "Origin mismatch" not in log and "token exchange failed" not in log
