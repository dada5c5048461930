"""Plotly figures to PNG or SVG offline, and figures labelled for use outside the dashboard.

kaleido 1.5 drives Debian's chromium (found by choreographer) with no network. Starting that
browser takes about 2 s, so one kaleido server is started on first use and kept for the life of
the process (stopped at exit); a lock makes the dashboard's session threads take turns on it.

`labelled` draws a figure's finding title, and its caption and source line under it, into it, so a
chart pasted into slides is never unlabelled: the dashboard's image downloads and plotly's
camera button both use it.
"""

from __future__ import annotations

import atexit
import logging
import re
import textwrap
import threading

import kaleido
import plotly.graph_objects as go

LOG = logging.getLogger(__name__)
_LOCK = threading.Lock()
_STARTED = False
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
IMAGE_WIDTH = 1000  # px: readable on a slide, and the caption wraps at this width
CAPTION_CHARS = 120  # characters per caption line at IMAGE_WIDTH
_MD_ESCAPE = re.compile(r"\\(.)")


def _start() -> None:
    global _STARTED
    if not _STARTED:
        kaleido.start_sync_server(silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _STARTED = True


def figure_image(fig: go.Figure, fmt: str = "svg", *, width=None, height=None, scale=1) -> bytes:
    """The figure as PNG or SVG bytes, drawn by the process's one kaleido session."""
    if fmt not in FORMATS:
        raise ValueError(f"image format must be one of {sorted(FORMATS)}, not {fmt!r}")
    opts = {"format": fmt, "scale": scale}
    if width:
        opts["width"] = int(width)
    if height:
        opts["height"] = int(height)
    global _STARTED
    with _LOCK:
        _start()
        try:
            return kaleido.calc_fig_sync(fig, opts=opts)
        except Exception:  # noqa: BLE001 - a browser that died: start a fresh one, once
            LOG.warning("kaleido failed; restarting its browser and trying once more")
            kaleido.stop_sync_server(silence_warnings=True)
            _STARTED = False
            _start()
            return kaleido.calc_fig_sync(fig, opts=opts)


def plain(text: str) -> str:
    """Page text (Markdown-escaped) as plotly's pseudo-HTML shows it literally."""
    text = _MD_ESCAPE.sub(r"\1", str(text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def labelled(
    fig: go.Figure,
    title: str,
    caption: str,
    *,
    width: int | None = IMAGE_WIDTH,
    marking: str | None = None,
    copy: bool = True,
) -> go.Figure:
    """`fig` (a copy, unless copy=False) with the title and, under it, the caption.

    `width=None` leaves the width to the page (the dashboard's responsive charts); the
    caption is wrapped for IMAGE_WIDTH, the width the camera button exports at.
    """
    out = go.Figure(fig) if copy else fig
    lines = textwrap.wrap(plain(caption), CAPTION_CHARS) or [""]
    if marking:
        lines.append(plain(marking))
    # The caption goes in the title's subtitle: plotly places it, whatever the axes need below.
    # Whole properties are assigned as plain dicts: plotly's update_layout re-validates the
    # template on every call (~10-40 ms a chart), which every page would pay on every run.
    layout = out.layout
    height = (layout.height or 380) + 50 + 17 * len(lines)
    margin = layout.margin.to_plotly_json() if layout.margin is not None else {}
    layout["title"] = {
        "text": f"<b>{plain(title)}</b>",
        "subtitle": {"text": "<br>".join(lines), "font": {"size": 12, "color": "#3D3D3D"}},
        "x": 0,
        "xanchor": "left",
        "xref": "container",
        "y": 1,
        "yanchor": "top",
        "yref": "container",
        "pad": {"t": 10, "l": 10},
        "font": {"size": 16},
    }
    layout["margin"] = {**margin, "t": 50 + 17 * len(lines)}
    layout["height"] = height
    if width:
        layout["width"] = width
    return out
