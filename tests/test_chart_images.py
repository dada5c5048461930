"""Chart images say what they show: title and caption drawn in, a meaningful file name."""

from __future__ import annotations

import plotly.graph_objects as go

from briefing.images import figure_image, labelled
from pages.common.chart_images import camera_config, file_stem, label_for_screen

TITLE = r"Thanet has the most children out of school \(18\.2%\)"  # as pages escape it
CAPTION = (
    "Children out of school by district, October 2026. Children with an EHC plan out of school "
    "(no placement or provision unknown). Source: Synthetic demonstration data. Census date "
    "31 October 2026."
)


def bars() -> go.Figure:
    return go.Figure(go.Bar(x=["Thanet", "Swale"], y=[18, 12]), {"height": 300})


def test_the_title_and_caption_are_drawn_into_the_figure():
    fig = labelled(bars(), TITLE, CAPTION)
    # Markdown escapes are gone; the caption wraps onto lines under the bold title.
    assert fig.layout.title.text == "<b>Thanet has the most children out of school (18.2%)</b>"
    subtitle = fig.layout.title.subtitle.text
    assert "<br>" in subtitle
    assert subtitle.replace("<br>", " ") == CAPTION
    assert fig.layout.height > 300 and fig.layout.width == 1000


def test_the_screen_figure_is_labelled_in_place_and_the_camera_names_the_file():
    fig = bars()
    label_for_screen(fig, TITLE, CAPTION)
    assert "Thanet has the most" in fig.layout.title.text
    assert fig.layout.width is None  # the page decides the width on screen
    stem = file_stem("children_by_district_2026-10.csv")
    config = camera_config({"displaylogo": False}, fig, stem)
    assert config["toImageButtonOptions"]["filename"] == "children_by_district_2026-10"
    assert config["toImageButtonOptions"]["height"] == fig.layout.height
    assert config["displaylogo"] is False


def test_png_and_svg_carry_the_labels():
    fig = labelled(bars(), TITLE, CAPTION)
    svg = figure_image(fig, "svg").decode("utf-8")
    assert "Thanet has the most children out of school (18.2%)" in svg
    assert "Census date 31 October 2026" in svg.replace("\n", " ")
    assert "Source: Synthetic demonstration data" in svg
    png = figure_image(fig, "png", width=1000, height=fig.layout.height)
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")
    assert width == 1000
