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

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from core.geometry import label_point
from core.paths import PROJECT_ROOT
from pages.common.charts import SEQUENTIAL_SCALE, layout

GEOJSON = PROJECT_ROOT / "data" / "reference" / "kent_districts.geojson"
ATTRIBUTION = (
    "District boundaries: GeoJSON and TopoJSON UK Boundary Data by Martin Chorley, CC BY 4.0. "
    "Contains Ordnance Survey data © Crown copyright and database right 2014."
)
MID_LATITUDE = 51.2  # Kent's middle, for the aspect ratio
NO_DATA = "#F2F2F2"
# Outlines are simplified to this tolerance in degrees (about 50 m, well under a pixel at the
# map's size): the file's 30,000 points become a few thousand, which keeps a redraw fast.
SIMPLIFY_DEGREES = 0.0005


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker line simplification (iterative), keeping the first and last points."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, worst_at = 0.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            if length == 0:
                distance = math.hypot(x - x1, y - y1)
            else:
                distance = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / length
            if distance > worst:
                worst, worst_at = distance, i
        if worst_at is not None and worst > tolerance:
            keep[worst_at] = True
            stack += [(first, worst_at), (worst_at, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


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
            # The outer ring only: the districts have no holes worth drawing at this scale.
            outer = simplify([(p[0], p[1]) for p in polygon[0]], SIMPLIFY_DEGREES)
            rings.append(([p[0] for p in outer], [p[1] for p in outer]))
        shapes.append((feature["properties"]["name"], tuple(rings)))
    return tuple(shapes)


@lru_cache(maxsize=16)  # twelve districts
def _outline(name: str) -> tuple[np.ndarray, np.ndarray]:
    """A district's rings as x and y arrays, NaN between rings (plotly starts a new polygon).

    numpy arrays pass plotly's validation in one step and travel as compact typed arrays.
    """
    rings = dict(district_shapes())[name]
    xs = np.concatenate([np.append(np.asarray(lons, dtype=float), np.nan) for lons, _ in rings])
    ys = np.concatenate([np.append(np.asarray(lats, dtype=float), np.nan) for _, lats in rings])
    xs.flags.writeable = ys.flags.writeable = False  # cached: shared by every figure
    return xs, ys


def nice_step(rough: float) -> int:
    """The smallest tick step of 1, 2, 5, 10, 20, 50... that is at least `rough`."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= rough:
                return step * factor
        step *= 10


def _colour_bar(title: str, low: float, top: float, percent: bool) -> dict:
    """Colour bar ticks: whole numbers for counts (no '2.5 children'), % for shares."""
    bar = {"title": {"text": title}, "thickness": 14}
    if percent:
        bar.update(ticksuffix="%", tickformat=".1f")
    else:
        bar.update(tick0=0, dtick=nice_step((top - low) / 5), tickformat=",d")
    return bar


def map_figure(
    values: dict[str, float],
    hover: dict[str, str],
    value_title: str,
    *,
    percent: bool = False,
    height: int = 520,
) -> go.Figure:
    """A filled-polygon map of the districts, shaded by `values` (district name -> number).

    `hover` holds each district's hover text (already escaped for plotly).
    """
    # Only the twelve districts drawn set the scale: "Out of county" and "Not recorded" (a
    # handful of children, in the table) would otherwise push every district into the dark
    # half of the scale, where they look alike.
    drawn = {name for name, _ in district_shapes()}
    shown = [v for name, v in values.items() if v is not None and name in drawn]
    top = max(shown + [0])
    # The colour scale runs from the smallest district to the largest, so differences between
    # districts show; the colour bar states the range.
    low = min(shown) if shown and min(shown) < top else 0
    traces = []
    label_x, label_y, label_text, label_colour = [], [], [], []
    for name, rings in district_shapes():
        value = values.get(name)
        if value is None:
            colour = NO_DATA
        else:
            position = (value - low) / (top - low) if top > low else 0.0
            colour = sample_colorscale(SEQUENTIAL_SCALE, position)[0]
        xs, ys = _outline(name)
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "fill": "toself",
                "fillcolor": colour,
                "line": {"color": "white", "width": 1.2},
                "mode": "lines",
                "name": name,
                "text": hover.get(name, name),
                "hoveron": "fills",
                "hoverinfo": "text",
                "showlegend": False,
            }
        )
        x, y = label_point(rings)
        label_x.append(x)
        label_y.append(y)
        label_text.append(name)
        dark_fill = value is not None and top > low and (value - low) / (top - low) > 0.45
        label_colour.append("white" if dark_fill else "#0B0C0C")
    # District names: dark on light fills, white on dark ones.
    traces.append(
        {
            "type": "scatter",
            "x": label_x,
            "y": label_y,
            "mode": "text",
            "text": label_text,
            "textfont": {"size": 10, "color": label_colour},
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    # An invisible trace carries the colour bar.
    traces.append(
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "marker": {
                "colorscale": SEQUENTIAL_SCALE,
                "cmin": low,
                "cmax": top if top > low else low + 1,
                "color": [low],
                "showscale": True,
                "colorbar": _colour_bar(value_title, low, top, percent),
            },
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    return go.Figure(
        data=traces,
        layout=layout(
            height=height,
            plot_bgcolor="white",
            xaxis={"visible": False, "fixedrange": True},
            yaxis={
                "visible": False,
                "fixedrange": True,
                "scaleanchor": "x",
                "scaleratio": 1 / math.cos(math.radians(MID_LATITUDE)),
            },
        ),
    )
