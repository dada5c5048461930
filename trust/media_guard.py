"""The guard in front of Streamlit's `/media/` route: pupil files only to their own session,
once, within minutes, never cached (the rules: trust/pupil_files.py).

An ASGI middleware, installed by server.py through Streamlit's own `st.App(middleware=...)`.
It touches only `/media/` requests: it asks Streamlit for the whole file (a Range header is
dropped, so a placeholder is never cut in two), holds the response's head until the first
bytes of its body show whether it is a pupil file's placeholder, and then either passes
Streamlit's response on (any other media: a chart image, an aggregate CSV) or answers itself:

- 200 with the real file: a download (a navigation, or a client that sends no Sec-Fetch-Mode)
  carrying the cookies of the session that made it, the first time, in time;
- 204 with no content: the page's own script checking the URL it was given (Streamlit's
  download button fetches it once before downloading it), with that session's cookies;
- 403: any other session, or no cookies at all; 410: already downloaded, expired or unknown.

Every `/media/` answer carries `Cache-Control: no-store`, so no browser or proxy keeps a copy.
"""

from __future__ import annotations

from starlette.requests import cookie_parser

from trust import pupil_files

NO_STORE = [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]
REFUSALS = {
    pupil_files.REFUSE_SESSION: (
        403,
        b"This file of children's rows belongs to another session. Download it again from the "
        b"dashboard.\n",
    ),
    pupil_files.REFUSE_GONE: (
        410,
        b"This file of children's rows has already been downloaded, or its few minutes are "
        b"up. Download it again from the dashboard.\n",
    ),
}


class PupilFileGuard:
    """ASGI middleware: see the module's docstring."""

    def __init__(self, app):
        self.app = app
        pupil_files.activate_guard()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/media/"):
            await self.app(scope, receive, send)
            return
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"range"]}
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        cookies = cookie_parser(headers.get("cookie", ""))
        download = (
            scope["method"] == "GET" and headers.get("sec-fetch-mode", "navigate") == "navigate"
        )
        held: dict = {}
        answered = False

        async def guarded_send(message):
            nonlocal answered
            if answered:
                return  # the rest of a placeholder's body: dropped
            if message["type"] == "http.response.start":
                held["start"] = message  # until the body shows what this response is
                return
            if message["type"] == "http.response.body" and "start" in held:
                start = held.pop("start")
                token = pupil_files.token_of(message.get("body", b""))
                if token is None:
                    await send({**start, "headers": _no_store(start["headers"])})
                    await send(message)
                    return
                answered = True
                outcome, content = pupil_files.claim(token, cookies, download)
                await _answer(send, start, outcome, content)
                return
            await send(message)

        await self.app(scope, receive, guarded_send)


def _no_store(headers) -> list:
    kept = [(k, v) for k, v in headers if k.lower() not in (b"cache-control", b"pragma")]
    return kept + NO_STORE


async def _answer(send, start: dict, outcome: str, content: bytes) -> None:
    if outcome == pupil_files.SERVE:
        # Streamlit's own type and file name (Content-Disposition), the real length
        headers = [
            (k, v)
            for k, v in _no_store(start["headers"])
            if k.lower() not in (b"content-length", b"content-range", b"accept-ranges")
        ]
        headers.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": content})
        return
    status, body = (204, b"") if outcome == pupil_files.CHECK_ONLY else REFUSALS[outcome]
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *NO_STORE,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
