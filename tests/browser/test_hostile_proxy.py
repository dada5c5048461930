"""Every page through the deployment's nginx, in chromium, under its Content-Security-Policy.

The proxy's policy allows only the dashboard's own scripts, styles, images and connections and
no `unsafe-eval`; this checks the app still draws every page (charts included) under it with
no policy violation, over TLS with the test's self-signed certificate, and that nothing is
requested from anywhere else. The browser resolves the dashboard's name to 127.0.0.1 only.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM, VIEWPORT, build_fixture_db
from tests.test_server_network import NAME, App, start_proxy, stop_proxy, unit_environment

PAGES = {
    "": "Overview",
    "breakdowns": "Breakdowns",
    "crosstab": "Cross-tab",
    "trends": "Trends",
    "map": "District map",
    "explorer": "Cohort explorer",
    "data_quality": "Data quality",
}


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    folder = tmp_path_factory.mktemp("proxied")
    app = App(folder, build_fixture_db(folder), unit_environment())  # as the unit runs it
    try:
        process, info = start_proxy(folder, app.port)
        try:
            yield f"https://{NAME}:{info['https']}"
        finally:
            stop_proxy(process)
    finally:
        app.stop()


def test_every_page_draws_under_the_proxys_policy(proxied, playwright_driver):
    violations: list[str] = []
    outside: list[str] = []
    # the session's Playwright driver (tests/browser/conftest.py); a chromium of this test's
    # own, since the name must resolve to loopback
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            f"--host-resolver-rules=MAP {NAME} 127.0.0.1",  # no DNS: the name is loopback
        ],
    )
    try:
        # the certificate is the test's own, made minutes ago; TLS itself is checked with
        # verification in tests/test_server_network.py
        context = browser.new_context(viewport=VIEWPORT, ignore_https_errors=True)
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )

        def guard(route):
            url = route.request.url
            if url.startswith(proxied) or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                outside.append(url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text or "CSP violation" in message.text
                else None
            ),
        )
        for path, heading in PAGES.items():
            page.goto(f"{proxied}/{path}")
            page.get_by_role("heading", name=heading, level=1).wait_for()
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
            charts = page.locator('[class*="st-key-chart-"]')
            for i in range(charts.count()):
                if charts.nth(i).is_visible():
                    charts.nth(i).scroll_into_view_if_needed()
                    charts.nth(i).locator(".js-plotly-plot .main-svg").first.wait_for()
            assert page.locator('[data-testid="stException"]').count() == 0, path
    finally:
        browser.close()
    assert violations == []
    assert outside == []
