"""Pupil files only to the session that made them, once, for minutes, never cached: chromium
against a real `streamlit run server.py` (the guard in trust/media_guard.py).

The hostile finding: an explorer CSV of children's IDs was fetched from `/media/<id>.csv` with
no cookie by anyone holding the URL, as long as the session that made it was open. Here the
browser's own fetches of the file are intercepted (so the URL stays unused), and the URL is
then fetched as an outsider would: with no cookie, with another session's cookies, a second
time, and after its minutes are up. Fixture: tests/data/p_cohort_2023_05/06.csv, real loads;
the server runs as one named analyst (OOS_SINGLE_USER), so no provider is needed here (the
same through sign-in and nginx: tests/browser/test_signin.py).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import VIEWPORT, build_fixture_db, start_server, stop_server

# OOS_PUPIL_FILE_SECONDS for this server: short, so expiry can be waited for, and long enough
# for a busy machine to fetch the URL in time in the other tests
LIFETIME = 20


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pupil-files")
    process, base = start_server(
        build_fixture_db(folder),
        folder / "streamlit.log",
        env={"OOS_PUPIL_FILE_SECONDS": str(LIFETIME), "OOS_APP_STORE": str(folder / "a.sqlite")},
    )
    try:
        yield base
    finally:
        stop_server(process)


def open_explorer(browser, base: str, hold_media: bool = False):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    if hold_media:
        context.add_init_script(HOLD_MEDIA)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{base}/explorer")
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    page.get_by_role("button", name="Download CSV").first.wait_for()
    return context, page


def cookie_header(context) -> str:
    return "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())


def fetch(url: str, cookies: str = ""):
    """(status, headers (case-insensitive), body) of a plain GET, as a copied URL would be."""
    request = urllib.request.Request(url, headers={"Cookie": cookies} if cookies else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, refused.read()


# Playwright cannot hold a download's own request (the browser's download manager makes it),
# so the page is told not to make it: a script, added before the page loads, records the URL
# of any /media/ link the page clicks or fetches instead of following it.
HOLD_MEDIA = """
window.__heldMedia = [];
const click = HTMLElement.prototype.click;
HTMLElement.prototype.click = function () {
  if (this.href && this.href.includes('/media/')) { window.__heldMedia.push(this.href); return; }
  return click.call(this);
};
const fetchOriginal = window.fetch;
window.fetch = function (input, init) {
  const url = typeof input === 'string' ? input : input.url;
  if (url.includes('/media/')) {
    window.__heldMedia.push(url);
    return Promise.resolve(new Response(null, { status: 204 }));
  }
  return fetchOriginal.call(this, input, init);
};
"""


def unused_url(browser, base: str):
    """A session whose explorer download was clicked, and the file's URL, never fetched."""
    context, page = open_explorer(browser, base, hold_media=True)
    page.get_by_role("button", name="Download CSV").first.click()
    page.wait_for_function("window.__heldMedia.length > 0", timeout=60_000)
    urls = set(page.evaluate("window.__heldMedia"))
    assert len(urls) == 1, urls  # the page's check and its download: one URL
    return context, urls.pop()


def test_the_download_works_and_is_not_cached(browser, guarded):
    context, page = open_explorer(browser, guarded)
    try:
        responses = []
        page.on(
            "response",
            lambda r: responses.append(r) if urlparse(r.url).path.startswith("/media/") else None,
        )
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name="Download CSV").first.click()
        text = Path(info.value.path()).read_text(encoding="utf-8-sig")
        assert "P-0001" in text and "Child ID" in text
        page.wait_for_timeout(500)  # the page's own check of the URL arrives with the download
        assert responses and all(r.headers["cache-control"] == "no-store" for r in responses)
        # the page's check got no content; the file went only to the download
        assert {r.status for r in responses} <= {200, 204}
        assert all(r.status == 204 for r in responses if r.request.resource_type == "fetch")
    finally:
        context.close()


def test_the_url_is_refused_without_the_sessions_cookies_and_the_second_time(browser, guarded):
    other, _other_page = open_explorer(browser, guarded)  # another person's session
    context, url = unused_url(browser, guarded)
    try:
        for cookies in ("", cookie_header(other)):
            status, headers, body = fetch(url, cookies)
            assert status == 403, (cookies, status)
            assert b"P-00" not in body and headers["Cache-Control"] == "no-store"
        status, headers, body = fetch(url, cookie_header(context))  # the session that made it
        assert status == 200 and headers["Cache-Control"] == "no-store"
        assert b"P-0001" in body and b"OOS-PUPIL-FILE" not in body
        assert headers["Content-Disposition"].startswith("attachment; filename=")
        status, headers, body = fetch(url, cookie_header(context))  # once only
        assert status == 410 and b"P-00" not in body
    finally:
        context.close()
        other.close()


def test_an_expired_file_is_refused(browser, guarded):
    context, url = unused_url(browser, guarded)
    try:
        time.sleep(LIFETIME + 1)  # the file's lifetime itself is what is tested
        status, _headers, body = fetch(url, cookie_header(context))
        assert status == 410 and b"P-00" not in body
    finally:
        context.close()


def test_a_server_without_the_guard_offers_no_file_of_real_children(browser, tmp_path):
    process, base = start_server(
        build_fixture_db(tmp_path), tmp_path / "streamlit.log", script="dashboard.py"
    )
    try:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{base}/explorer")
        page.get_by_text("Download CSV: not offered").first.wait_for()
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        assert page.get_by_role("button", name="Download CSV").count() == 0
        context.close()
    finally:
        stop_server(process)
