"""Kent's districts drawn from the project's GeoJSON alone: filled polygons on plain axes.

Plotly's `geo`, mapbox and `choropleth_map` charts fetch base maps or tiles from the internet,
which council networks block; this map needs nothing but `data/reference/kent_districts.geojson`
(CC BY 4.0, Martin Chorley's UK-GeoJSON; contains OS data © Crown copyright and database right
2014). Longitude is squeezed by cos(latitude) so Kent keeps its shape.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache

import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from data.paths import PROJECT_ROOT
from pages.common.charts import SEQUENTIAL_SCALE, style

GEOJSON = PROJECT_ROOT / "data" / "reference" / "kent_districts.geojson"
ATTRIBUTION = (
    "District boundaries: GeoJSON and TopoJSON UK Boundary Data by Martin Chorley, CC BY 4.0. "
    "Contains Ordnance Survey data © Crown copyright and database right 2014."
)
MID_LATITUDE = 51.2  # Kent's middle, for the aspect ratio
NO_DATA = "#F2F2F2"


@lru_cache(maxsize=1)
def district_shapes() -> tuple[tuple[str, tuple[tuple[list, list], ...]], ...]:
    """(district name, ((lons, lats) per outer ring, ...)) for each feature, read once."""
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    shapes = []
    for feature in features:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings = []
        for polygon in polygons:
            outer = polygon[0]  # the districts have no holes worth drawing at this scale
            rings.append(([p[0] for p in outer], [p[1] for p in outer]))
        shapes.append((feature["properties"]["name"], tuple(rings)))
    return tuple(shapes)


def _ring_area_centroid(lons, lats) -> tuple[float, float, float]:
    """(area, centroid x, centroid y) of a closed ring by the shoelace formula."""
    area = cx = cy = 0.0
    for i in range(len(lons) - 1):
        cross = lons[i] * lats[i + 1] - lons[i + 1] * lats[i]
        area += cross
        cx += (lons[i] + lons[i + 1]) * cross
        cy += (lats[i] + lats[i + 1]) * cross
    if area == 0:
        return 0.0, sum(lons) / len(lons), sum(lats) / len(lats)
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


def _label_point(rings) -> tuple[float, float]:
    """Where to write a district's name: the centroid of its largest polygon."""
    area, x, y = max(_ring_area_centroid(lons, lats) for lons, lats in rings)
    return x, y


def map_figure(
    values: dict[str, float],
    hover: dict[str, str],
    value_title: str,
    *,
    height: int = 520,
) -> go.Figure:
    """A filled-polygon map of the districts, shaded by `values` (district name -> number).

    `hover` holds each district's hover text (already escaped for plotly).
    """
    shown = [v for v in values.values() if v is not None]
    top = max(shown + [0])
    # The colour scale runs from the smallest district to the largest, so differences between
    # districts show; the colour bar states the range.
    low = min(shown) if shown and min(shown) < top else 0
    fig = go.Figure()
    label_x, label_y, label_text, label_colour = [], [], [], []
    for name, rings in district_shapes():
        value = values.get(name)
        if value is None:
            colour = NO_DATA
        else:
            position = (value - low) / (top - low) if top > low else 0.0
            colour = sample_colorscale(SEQUENTIAL_SCALE, position)[0]
        xs, ys = [], []
        for lons, lats in rings:
            xs += list(lons) + [None]
            ys += list(lats) + [None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                fillcolor=colour,
                line={"color": "white", "width": 1.2},
                mode="lines",
                name=name,
                text=hover.get(name, name),
                hoveron="fills",
                hoverinfo="text",
                showlegend=False,
            )
        )
        x, y = _label_point(rings)
        label_x.append(x)
        label_y.append(y)
        label_text.append(name)
        dark_fill = value is not None and top > low and (value - low) / (top - low) > 0.45
        label_colour.append("white" if dark_fill else "#0B0C0C")
    # District names: dark on light fills, white on dark ones.
    fig.add_trace(
        go.Scatter(
            x=label_x,
            y=label_y,
            mode="text",
            text=label_text,
            textfont={"size": 10, "color": label_colour},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    # An invisible trace carries the colour bar.
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={
                "colorscale": SEQUENTIAL_SCALE,
                "cmin": low,
                "cmax": top if top > low else low + 1,
                "color": [low],
                "showscale": True,
                "colorbar": {"title": {"text": value_title}, "thickness": 14},
            },
            hoverinfo="skip",
            showlegend=False,
        )
    )
    style(fig, height=height)
    fig.update_xaxes(visible=False, fixedrange=True)
    fig.update_yaxes(
        visible=False,
        fixedrange=True,
        scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(MID_LATITUDE)),
    )
    fig.update_layout(plot_bgcolor="white", hovermode="closest")
    return fig
