"""Pupil files (CSV and Excel of children's rows): only to the browser session that made them,
once, for a few minutes.

How Streamlit 1.67 serves a download button's file: a deferred download's callable runs when
the button is clicked (MediaFileManager.execute_deferred), its bytes go into the in-memory
media storage under an ID made from the content, and the browser is sent the URL
`/media/<id>.<ext>`. The `/media/` route serves any stored file to whoever asks, with no
cookie, until the session that made it ends, so a copied URL (browser history, a proxy log, a
shared screen) handed children's rows to anyone on the network.

So a pupil file's bytes never go into Streamlit's storage. The page's callable hands them to
this registry, bound to the session's cookies (Streamlit's XSRF token, and the sign-in cookie
when there is one) as the page saw them, and gives Streamlit a placeholder instead: a line
naming a random token, and no data. The guard in front of the app (trust/media_guard.py,
installed by server.py) recognises the placeholder in the `/media/` response and swaps in the
real file, only for a request carrying the same cookies, only the first time, and only within
`OOS_PUPIL_FILE_SECONDS` (default 120) of the click; every answer says `Cache-Control:
no-store`. A server started without the guard never gets a pupil file of a database holding
real loads (pages/common/pupil_export.py draws no button then).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

XSRF_COOKIE = "_streamlit_xsrf"
USER_COOKIE = "_streamlit_user"
MARKER = b"OOS-PUPIL-FILE "  # starts every placeholder; never the first bytes of a real file
TTL_ENV = "OOS_PUPIL_FILE_SECONDS"
DEFAULT_TTL, MIN_TTL, MAX_TTL = 120, 5, 900

# Served, refused, or answered with no content (a script's check of the URL, not a download).
SERVE, REFUSE_SESSION, REFUSE_GONE, CHECK_ONLY = "serve", "session", "gone", "check"

_guard = {"active": False}


@dataclass
class PupilFile:
    content: bytes
    binding: str  # a digest of the session's cookies
    expires: float  # time.monotonic()
    served: bool = False  # downloaded: the content is gone, the entry answers checks till expiry


_files: dict[str, PupilFile] = {}
_lock = threading.Lock()


def activate_guard() -> None:
    """Mark this process as served through the guard (server.py does this at start)."""
    _guard["active"] = True


def guard_active() -> bool:
    return _guard["active"]


def _xsrf_token(cookie: str | None) -> bytes | None:
    """The token inside Streamlit's XSRF cookie. Streamlit sets the cookie again with a new
    random mask on later requests, so the token, not the cookie's text, is compared."""
    if not cookie:
        return None
    from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

    token, _timestamp = decode_xsrf_token_string(cookie)
    return token or None


def binding(cookies: Mapping[str, str]) -> str | None:
    """A digest of what identifies a browser session in its cookies: Streamlit's XSRF token
    (every session of this server has one: XSRF protection is on) and the sign-in cookie if
    any. None when there is no XSRF token: such a session cannot be told from any other."""
    token = _xsrf_token(cookies.get(XSRF_COOKIE))
    if token is None:
        return None
    user = cookies.get(USER_COOKIE, "")
    return hashlib.sha256(token + b"\0" + user.encode("utf-8", "replace")).hexdigest()


def lifetime() -> int:
    """Seconds a pupil file waits for its download (OOS_PUPIL_FILE_SECONDS, within limits)."""
    try:
        seconds = int(os.environ.get(TTL_ENV, DEFAULT_TTL))
    except ValueError:
        seconds = DEFAULT_TTL
    return min(max(seconds, MIN_TTL), MAX_TTL)


def register(content: bytes, session_binding: str) -> bytes:
    """Keep a pupil file for the session `session_binding` names; the placeholder to give
    Streamlit in its place (a random token, unique per file, so never the same media ID)."""
    token = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _lock:
        _sweep(now)
        _files[token] = PupilFile(content, session_binding, now + lifetime())
    return (
        MARKER + token.encode("ascii") + b"\n"
        b"This placeholder stands for a file of children's rows. The dashboard's server hands "
        b"the file only to the session that asked for it, once, within minutes.\n"
    )


def token_of(body: bytes) -> str | None:
    """The token a placeholder names, or None if `body` is not a placeholder."""
    if not body.startswith(MARKER):
        return None
    return body[len(MARKER) :].split(b"\n", 1)[0].decode("ascii", "replace")


def claim(token: str, cookies: Mapping[str, str], download: bool) -> tuple[str, bytes]:
    """The decision for a request of the file `token` names: (outcome, content to send).

    A download (a navigation, or a client that says nothing) with the session's cookies gets
    the file, once; a script's request with those cookies (the page checking the URL it was
    given) gets no content and uses nothing up; everything else is refused."""
    now = time.monotonic()
    with _lock:
        _sweep(now)
        file = _files.get(token)
        if file is None:
            return REFUSE_GONE, b""
        if binding(cookies) != file.binding:
            return REFUSE_SESSION, b""
        if not download:
            return CHECK_ONLY, b""  # before or after the download: the two race
        if file.served:
            return REFUSE_GONE, b""
        content, file.content, file.served = file.content, b"", True  # once: bytes dropped
        return SERVE, content


def _sweep(now: float) -> None:
    """Forget files whose time is up (call with the lock held)."""
    for token in [t for t, f in _files.items() if f.expires <= now]:
        del _files[token]
