"""The pupil-file guard's rules, request by request, in front of a stand-in for Streamlit's
`/media/` route (the same guard against the real server and chromium:
tests/browser/test_pupil_files.py)."""

from __future__ import annotations

import asyncio
import binascii
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from trust import media_guard, pupil_files

CSV = b"Child ID,Team\nP-0001,SEN East\n"


def xsrf_cookie(token: bytes) -> str:
    """Streamlit's XSRF cookie for `token`, masked with a fresh random mask (as it re-sets it)."""
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(token))
    return f"2|{binascii.hexlify(mask).decode()}|{binascii.hexlify(masked).decode()}|1796587728"


TOKEN = b"0123456789abcdef"
SESSION = {"_streamlit_xsrf": xsrf_cookie(TOKEN), "_streamlit_user": "signed-lena"}


def cookie_header(cookies: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


class Media:
    """Streamlit's /media/ route as the guard sees it: one stored body, and what it was asked."""

    def __init__(self, body: bytes):
        self.body, self.requests = body, []

    async def __call__(self, scope, receive, send):
        self.requests.append(scope)
        headers = [
            (b"content-type", b"text/csv"),
            (b"content-disposition", b'attachment; filename="cohort_2023-06.csv"'),
            (b"content-length", str(len(self.body)).encode()),
            (b"accept-ranges", b"bytes"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


def request(app, path="/media/abc.csv", cookies=None, method="GET", mode=None, extra=()):
    headers = [(b"host", b"127.0.0.1")] + list(extra)
    if cookies is not None:
        headers.append((b"cookie", cookie_header(cookies).encode()))
    if mode is not None:
        headers.append((b"sec-fetch-mode", mode.encode()))
    scope = {"type": "http", "method": method, "path": path, "headers": headers}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    # in a thread of its own: in the whole suite the browser tests' Playwright keeps an event
    # loop running in the main thread, where asyncio.run refuses to start another
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, media_guard.PupilFileGuard(app)(scope, receive, send)).result()
    start, body = sent[0], b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


@pytest.fixture
def placeholder():
    return pupil_files.register(CSV, pupil_files.binding(SESSION))


def test_only_the_session_that_made_the_file_gets_it_and_only_once(placeholder):
    media = Media(placeholder)
    assert b"P-0001" not in placeholder  # Streamlit only ever holds this
    for cookies in (None, {}, {"_streamlit_xsrf": xsrf_cookie(b"another-session!")},
                    {**SESSION, "_streamlit_user": "signed-someone-else"},
                    {"_streamlit_user": "signed-lena"}):  # fmt: skip
        status, headers, body = request(media, cookies=cookies)
        assert (status, body.startswith(b"This file of children's rows belongs")) == (403, True)
        assert headers["cache-control"] == "no-store"
    # the same session, its XSRF cookie re-set by Streamlit with another mask: the file, once
    same = {**SESSION, "_streamlit_xsrf": xsrf_cookie(TOKEN)}
    status, headers, body = request(media, cookies=same)
    assert (status, body) == (200, CSV)
    assert headers["content-length"] == str(len(CSV))
    assert headers["content-disposition"] == 'attachment; filename="cohort_2023-06.csv"'
    assert headers["cache-control"] == "no-store" and "accept-ranges" not in headers
    status, headers, body = request(media, cookies=same)
    assert status == 410 and b"P-0001" not in body and headers["cache-control"] == "no-store"


def test_the_pages_own_check_of_the_url_gets_no_content_and_uses_nothing_up(placeholder):
    media = Media(placeholder)
    for mode, method in (("cors", "GET"), ("no-cors", "GET"), ("navigate", "HEAD")):
        assert request(media, cookies=SESSION, mode=mode, method=method)[:3:2] == (204, b"")
    assert request(media, cookies={}, mode="cors")[0] == 403  # no cookies: not even that
    assert request(media, cookies=SESSION, mode="navigate")[2] == CSV
    assert request(media, cookies=SESSION, mode="cors")[0] == 204  # after it, as it races


def test_an_expired_file_is_gone(placeholder, monkeypatch):
    now = pupil_files.time.monotonic()
    monkeypatch.setattr(pupil_files.time, "monotonic", lambda: now + pupil_files.DEFAULT_TTL + 1)
    assert request(Media(placeholder), cookies=SESSION)[0] == 410


def test_the_lifetime_is_minutes_at_most(monkeypatch):
    for value, seconds in (("30", 30), ("1", 5), ("100000", 900), ("x", 120)):
        monkeypatch.setenv("OOS_PUPIL_FILE_SECONDS", value)
        assert pupil_files.lifetime() == seconds


def test_other_media_pass_through_uncached_and_ranges_are_dropped(placeholder):
    chart = Media(b"\x89PNG a chart image")
    status, headers, body = request(chart, cookies=None)
    assert (status, body, headers["cache-control"]) == (200, b"\x89PNG a chart image", "no-store")
    # a Range request never reaches Streamlit: a placeholder is never cut in two
    media = Media(placeholder)
    status, _headers, body = request(media, cookies=SESSION, extra=[(b"range", b"bytes=0-9")])
    assert (status, body) == (200, CSV)
    assert all(k != b"range" for k, _ in media.requests[0]["headers"])


def test_pages_other_than_media_are_untouched():
    page = Media(b"<html>")
    status, headers, body = request(page, path="/explorer")
    assert (status, body) == (200, b"<html>") and "cache-control" not in headers


def test_a_session_without_an_xsrf_token_cannot_be_bound():
    assert pupil_files.binding({}) is None
    assert pupil_files.binding({"_streamlit_user": "signed-lena"}) is None
    assert pupil_files.binding({"_streamlit_xsrf": "not a token"}) is None
