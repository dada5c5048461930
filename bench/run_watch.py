"""When a script run started by the page ends, read from the messages the server sends.

The benches first watched the app's `data-test-script-state` attribute for "running" and then
"notRunning". Under load that misses runs: with ten browsers on two cores, a run's "running"
and "not running" reach a busy page together, React draws the page once, and the attribute
never changes, although the run went through and its chart was redrawn (checked for every one
of 4 to 6 "lost" changes in 50: the server ran each with the new value, the page received its
`new_session` and `script_finished` messages and plotly redrew the chart). So a change looked
as if it had started no run.

Here the page's websocket messages are read instead: Playwright hands each received frame to
`on_frame`, which decodes Streamlit's ForwardMsg and keeps its kind, in order; an init script
(INIT) stamps each message with the page's own clock (`performance.now()`, the clock the
benches' ARM and plotly's redraw use), in the same order. So "the run this change started has
ended" is the first `script_finished` after the change, at the page's time.
"""

from __future__ import annotations

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

# Added to the browser context before the page loads: the page time of every message received
# on a websocket (Streamlit opens one, /_stcore/stream).
INIT = """(() => {
  const Native = window.WebSocket;
  window.__wsTimes = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => window.__wsTimes.push(performance.now()));
    }
  };
})()"""
FINISHED = "script_finished"


class RunWatch:
    """The kinds of the messages one page received, in order (attach before it loads)."""

    def __init__(self) -> None:
        self.kinds: list[str] = []

    def attach(self, page) -> None:
        page.on("websocket", lambda socket: socket.on("framereceived", self.on_frame))

    def on_frame(self, payload) -> None:
        kind = "other"
        if isinstance(payload, (bytes, bytearray)):
            try:
                kind = ForwardMsg.FromString(bytes(payload)).WhichOneof("type") or "other"
            except Exception:  # noqa: BLE001 - not a ForwardMsg: counted, never matched
                kind = "other"
        self.kinds.append(kind)

    def seen(self) -> int:
        return len(self.kinds)

    def first_since(self, index: int, kind: str) -> int | None:
        """The position of the first message of `kind` at or after `index`, or None."""
        for position in range(index, len(self.kinds)):
            if self.kinds[position] == kind:
                return position
        return None

    def finished_since(self, index: int) -> int | None:
        """The position of the first script_finished message at or after `index`, or None."""
        return self.first_since(index, FINISHED)


WS_TIMES = "() => window.__wsTimes"
HAS_TIME = "n => window.__wsTimes.length > n"
