"""Chart images that say what they show: PNG and SVG downloads, and plotly's camera button.

Every chart on the dashboard carries its finding title at the top and its caption (what is
counted, the period, the census date, the source) at the bottom, drawn into the figure itself,
so that an image saved with plotly's camera button, or with the PNG and SVG buttons, is never
unlabelled when pasted into slides; the file is named after the figure, not `newplot.png`.

PNG and SVG are drawn on the server by kaleido (briefing/images.py: Debian's chromium, no
network, one session for the whole server) only when a button is clicked: the buttons take a
callable, which Streamlit runs on the click, so drawing a page costs nothing extra.
"""

from __future__ import annotations

import streamlit as st

from briefing.images import FORMATS, IMAGE_WIDTH, figure_image, labelled


def file_stem(csv_name: str) -> str:
    """'children_by_need_2026-10.csv' -> 'children_by_need_2026-10'."""
    return csv_name[:-4] if csv_name.lower().endswith(".csv") else csv_name


def label_for_screen(fig, title: str, caption: str):
    """Draw title and caption into the figure shown on the page (in place: no copy).

    On paper the figure block's own title and caption are printed right above the chart, so
    the print layout (`layout.meta.oos_print`, applied by pages/common/a11y.py's script)
    leaves them out of the chart and gives their room back to it."""
    height = fig.layout.height
    top = fig.layout.margin.t if fig.layout.margin is not None else None
    labelled(fig, title, caption, width=None, copy=False)
    meta = dict(fig.layout.meta or {})
    meta["oos_print"] = {
        **meta.get("oos_print", {}),
        "title.text": "",
        "title.subtitle.text": "",
        "margin.t": 10 if top is None else top,
        "height": height or 380,
    }
    fig.layout["meta"] = meta
    return fig


def camera_config(base: dict, fig, stem: str) -> dict:
    """The plotly config with the camera button saving `<stem>.png` at the labelled size."""
    return {
        **base,
        "toImageButtonOptions": {
            "format": "png",
            "filename": stem,
            "width": IMAGE_WIDTH,
            "height": int(fig.layout.height or 450),
            "scale": 2,
        },
    }


def _render(fig, fmt: str):
    def make() -> bytes:
        # Runs on the click, in its own thread; the labelled figure is fixed at IMAGE_WIDTH.
        scale = 2 if fmt == "png" else 1
        return figure_image(fig, fmt, width=IMAGE_WIDTH, height=fig.layout.height, scale=scale)

    return make


def image_buttons(fig, stem: str, key: str, *, only: str | None = None) -> None:
    """'PNG' and 'SVG' download buttons (or `only` one) for the (already labelled) figure."""
    for fmt in [only] if only else list(FORMATS):
        st.download_button(
            fmt.upper(),
            data=_render(fig, fmt),
            file_name=f"{stem}.{fmt}",
            mime=FORMATS[fmt],
            key=f"{fmt}-{key}",
            on_click="ignore",
            icon=":material/image:",
            help=f"The chart as a {fmt.upper()} image, with its title, census date and source.",
        )
