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


def _label_point(rings) -> tuple[float, float]:
    """Where to write a district's name: the middle of its largest ring's bounding box."""
    lons, lats = max(rings, key=lambda ring: len(ring[0]))
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2


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
    top = max([v for v in values.values() if v is not None] + [0])
    fig = go.Figure()
    label_x, label_y, label_text, label_colour = [], [], [], []
    for name, rings in district_shapes():
        value = values.get(name)
        if value is None or top == 0:
            colour = NO_DATA if value is None else sample_colorscale(SEQUENTIAL_SCALE, 0.0)[0]
        else:
            colour = sample_colorscale(SEQUENTIAL_SCALE, value / top)[0]
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
        dark_fill = value is not None and top and value / top > 0.45
        label_colour.append("white" if dark_fill else "#0B0C0C")
    # District names: dark on light fills, white on dark ones.
    fig.add_trace(
        go.Scatter(
            x=label_x,
            y=label_y,
            mode="text",
            text=label_text,
            textfont={"size": 11, "color": label_colour},
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
                "cmin": 0,
                "cmax": top if top else 1,
                "color": [0],
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
