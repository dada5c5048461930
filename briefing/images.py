"""Plotly figures to PNG or SVG offline, and figures labelled for use outside the dashboard.

kaleido 1.5 drives Debian's chromium (found by choreographer) with no network. Starting that
browser takes about 2 s, so one kaleido server is started on first use and kept for the life of
the process (stopped at exit); a lock makes the dashboard's session threads take turns on it.

`labelled` copies a figure and draws its finding title, caption and source line into it, so a
chart pasted into slides is never unlabelled: the dashboard's image downloads and plotly's
camera button both use it.
"""

from __future__ import annotations

import atexit
import re
import textwrap
import threading

import kaleido
import plotly.graph_objects as go

_LOCK = threading.Lock()
_STARTED = False
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
IMAGE_WIDTH = 1000  # px: readable on a slide, and the caption wraps at this width
CAPTION_CHARS = 130  # characters per caption line at IMAGE_WIDTH
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
    with _LOCK:
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
    width: int = IMAGE_WIDTH,
    marking: str | None = None,
) -> go.Figure:
    """A copy of `fig` with the title above and the caption (what, when, source) below."""
    out = go.Figure(fig)
    lines = textwrap.wrap(plain(caption), CAPTION_CHARS) or [""]
    if marking:
        lines.append(plain(marking))
    height = (fig.layout.height or 380) + 70 + 18 * len(lines)
    margin = fig.layout.margin
    out.update_layout(
        title={
            "text": f"<b>{plain(title)}</b>",
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 12, "l": 10},
            "font": {"size": 18},
        },
        margin={
            "t": 60,
            "b": (margin.b or 10) + 18 * len(lines) + 30,
            "l": margin.l,
            "r": margin.r,
        },
        width=width,
        height=height,
    )
    out.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="container",
        x=0,
        y=0,
        xanchor="left",
        yanchor="bottom",
        align="left",
        showarrow=False,
        font={"size": 12, "color": "#3D3D3D"},
        yshift=8,
    )
    return out
