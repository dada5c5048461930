"""Start loading the chart library while the page's first run is still on the server.

Streamlit loads plotly (its PlotlyChart chunk, 4.7 MB of JavaScript in Streamlit 1.67) only
when the first chart of a page arrives, so on a first visit the browser fetches, compiles and
runs it after the server has worked out that chart: about 1.5 to 2 seconds after the script's
run on the 2-core machine (README, "Speed in chromium"). The frame draws one empty, hidden
chart first thing, before the page runs: its element arrives within the run's first
messages, so the browser loads the library while the server works on the page, and the
page's own charts are drawn as soon as they arrive.

Why a hidden chart and not a script: the browser runs an `st.html` script only once the run
has ended (measured in chromium: the preload script ran seconds after the first chart), and
the library's file name carries a hash that changes with every Streamlit release, which a
`<link rel="modulepreload">` or the proxy's Link header would have to follow. The hidden
chart is Streamlit's own element, loading its own code, on every version. It is drawn on the
session's first run only (a first visit is the only time the library is not yet loaded), and
only for a browser (a request with a User-Agent: streamlit.testing's AppTest has none, and
loads no code): on later runs it is gone, so pages and the print layout see only the page's
own charts. tests/browser/test_preload.py checks it in chromium.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

KEY = "oos-chart-preload"
# Static CSS: the empty chart takes no room and is never read out.
STYLE = f"<style>.st-key-{KEY} {{ display: none !important; }}</style>"
EMPTY = go.Figure(layout={"width": 10, "height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}})


def apply() -> None:
    """The frame, before the page, on a session's first run: the hidden empty chart."""
    if st.session_state.get(KEY) or not st.context.headers.get("User-Agent"):
        return
    st.session_state[KEY] = True
    st.html(STYLE)
    with st.container(key=KEY):
        st.plotly_chart(
            EMPTY, config={"staticPlot": True, "displayModeBar": False}, key=f"{KEY}-chart"
        )
