"""Chart images from the dashboard: PNG and SVG buttons and plotly's camera, each labelled and
named after the figure (not newplot.png)."""

from __future__ import annotations

from pathlib import Path

NAME = "children_by_placement_status_2023-06"
# Thanet, June 2023 (tests/data/p_cohort_2023_06.csv): P-0001 no placement; P-0002, P-0003
# provision unknown, so the finding title names provision unknown.
VIEW = "breakdowns?district=Thanet&dim=Placement+status"


def _download(page, click) -> tuple[str, bytes]:
    with page.expect_download(timeout=60_000) as info:
        click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_png_and_svg_buttons_give_labelled_images(dash):
    page = dash.open(VIEW)
    title = page.locator("h3").first.inner_text()
    name, png = _download(page, lambda: page.get_by_role("button", name="PNG").first.click())
    assert name == f"{NAME}.png" and png.startswith(b"\x89PNG")
    name, svg = _download(page, lambda: page.get_by_role("button", name="SVG").first.click())
    text = svg.decode("utf-8")
    assert name == f"{NAME}.svg"
    assert title in text  # the finding title as on the page
    assert "Census date 30 June 2023" in text and "Source:" in text
    assert dash.outside == []


def test_the_camera_button_saves_the_labelled_chart_under_its_name(dash):
    page = dash.open(VIEW)
    chart = page.locator('[class*="st-key-chart-"] .js-plotly-plot').first
    chart.scroll_into_view_if_needed()
    chart.hover()
    camera = chart.locator('.modebar-btn[data-title="Download plot as a PNG"]')
    name, png = _download(page, lambda: camera.click())
    assert name == f"{NAME}.png" and png.startswith(b"\x89PNG")
    # The figure the camera saves is the one drawn: its title and caption are in the chart.
    drawn = chart.locator(".g-gtitle").text_content()
    assert page.locator("h3").first.inner_text() in drawn
    assert "Census date 30 June 2023" in drawn
