"""The pack's charts, in the dashboard's afcharts template and colours.

The pack may not import the screens, so its few chart kinds are drawn here from the same
template (`afcharts`) and palette as pages/common/charts.py. A suppressed count is not drawn:
its bar is left empty and labelled `c`, so no length gives it away.
"""

from __future__ import annotations

import json
from functools import lru_cache
from math import cos, radians

import afcharts.pio_template  # noqa: F401  (registers the "afcharts" plotly template)
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from afcharts.af_colours import get_af_colours
from plotly.colors import sample_colorscale

from core.dates import is_missing
from core.geometry import inner_point, text_colour
from core.paths import PROJECT_ROOT
from figures.format import escape_plotly, short_month
from figures.labels import ORDINAL
from figures.protect import SUPPRESSED

COLOUR = get_af_colours("categorical")[0]  # the dashboard's single-series dark blue
SEQUENTIAL = get_af_colours("sequential")[::-1]
FONT = 13
GEOJSON = PROJECT_ROOT / "data" / "reference" / "kent_districts.geojson"
NO_DATA = "#F2F2F2"


# Bottom margins that hold each chart's x axis (ticks and title) with no help from plotly's
# automargin, so the source line under them (with_source) never meets them: columns carry
# rotated category names ("Not recorded"), bars and trends one line of ticks and a title.
BOTTOM = {"columns": 125, "bars": 60, "trend": 60, "map": 10}


def _layout(height: int, bottom: int = BOTTOM["bars"], **extra) -> dict:
    return {
        "template": pio.templates["afcharts"],
        "height": height,
        "width": 720,
        "font": {"size": FONT},
        "margin": {"l": 10, "r": 50, "t": 10, "b": bottom},  # r: room for the last value label
        "showlegend": False,
        **extra,
    }


def _hidden(values) -> list[bool]:
    """A hidden count arrives missing (figures/protect.py): drawn as nothing, labelled c."""
    return [is_missing(v) for v in values]


def bar(chart: pd.DataFrame, dimension: str | None) -> go.Figure:
    """Children by category; ordered dimensions as columns, others as horizontal bars."""
    labels = [escape_plotly(v) for v in chart["label"]]
    hidden = _hidden(chart["children"])
    values = [0 if s else v for v, s in zip(chart["children"], hidden, strict=True)]
    text = [
        SUPPRESSED if s else f"{int(v):,}" for v, s in zip(chart["children"], hidden, strict=True)
    ]
    ordinal = dimension in ORDINAL
    trace = go.Bar(
        x=labels if ordinal else values,
        y=values if ordinal else labels,
        orientation="v" if ordinal else "h",
        marker_color=COLOUR,
        text=text,
        textposition="outside",
        cliponaxis=False,
    )
    if ordinal:
        layout = _layout(
            420,
            BOTTOM["columns"],
            xaxis={"type": "category"},
            yaxis={"tickformat": ",d", "title": "Children"},
        )
    else:
        height = max(250, 26 * len(labels) + 110)
        layout = _layout(
            height,
            BOTTOM["bars"],
            yaxis={"autorange": "reversed", "type": "category", "automargin": True},
            xaxis={"tickformat": ",d", "title": "Children"},
        )
    return go.Figure(trace, layout)


def trend(chart: pd.DataFrame) -> go.Figure:
    """Children out of school at each month's census date (suppressed months left out)."""
    shown = chart[~pd.Series(_hidden(chart["children"]), index=chart.index)]
    short = [short_month(p) for p in chart["period"]]
    trace = go.Scatter(
        x=[short_month(p) for p in shown["period"]],
        y=shown["children"],
        mode="lines+markers+text",
        text=[f"{int(v):,}" for v in shown["children"]],
        textposition="top center",
        line={"color": COLOUR, "width": 3},
    )
    layout = _layout(
        370,
        BOTTOM["trend"],
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": short},
        yaxis={"tickformat": ",d", "rangemode": "tozero", "title": "Children"},
    )
    return go.Figure(trace, layout)


@lru_cache(maxsize=1)
def _shapes() -> tuple:
    """(name, ((lons, lats), ...)) per district: outer rings, points rounded to ~100 m."""
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    shapes = []
    for feature in features:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings = []
        for polygon in polygons:
            points = []
            for lon, lat, *_ in polygon[0]:
                point = (round(lon, 3), round(lat, 3))
                if not points or points[-1] != point:
                    points.append(point)
            rings.append(([p[0] for p in points], [p[1] for p in points]))
        shapes.append((feature["properties"]["name"], tuple(rings)))
    return tuple(shapes)


MAP_WIDTH, MAP_HEIGHT = 720, 520
MAP_MARGIN = 10
MAP_FONT = 10
SQUEEZE = cos(radians(51.2))  # longitude squeezed so Kent keeps its shape
LINE = 12  # px: a label's line height at MAP_FONT


def wrap_name(name: str, width: int = 11) -> list[str]:
    """A district's name in lines of at most `width` characters where its words allow
    ('Tonbridge', 'and Malling'): a narrow label overlaps its neighbours less."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


@lru_cache(maxsize=16)
def _label_at(name: str) -> tuple[float, float]:
    """(x, y) of a district's label in the map's squeezed coordinates: the point of its largest
    polygon farthest from its edges, so the label sits on its own fill."""
    rings = dict(_shapes())[name]
    lons, lats = max(rings, key=lambda r: len(r[0]))
    x, y = inner_point([v * SQUEEZE for v in lons], lats)
    return x, y


def map_scale(shapes=None) -> tuple[tuple[float, float], tuple[float, float], float]:
    """(x range, y range, pixels per unit) of the pack's map: ranges fixed from the shapes, so
    where a label lands in pixels is known (and tested: no two labels overlap)."""
    shapes = shapes or _shapes()
    xs = [x * SQUEEZE for _, rings in shapes for lons, _ in rings for x in lons]
    ys = [y for _, rings in shapes for _, lats in rings for y in lats]
    pad_x, pad_y = 0.02 * (max(xs) - min(xs)), 0.02 * (max(ys) - min(ys))
    x_range = (min(xs) - pad_x, max(xs) + pad_x)
    y_range = (min(ys) - pad_y, max(ys) + pad_y)
    inner_w, inner_h = MAP_WIDTH - 2 * MAP_MARGIN, MAP_HEIGHT - 2 * MAP_MARGIN
    scale = min(inner_w / (x_range[1] - x_range[0]), inner_h / (y_range[1] - y_range[0]))
    return x_range, y_range, scale


def district_map(chart: pd.DataFrame) -> go.Figure:
    """Districts shaded by children out of school; suppressed districts drawn as 'no data'.
    Each label sits at its district's area centroid, its name wrapped, dark or white text
    whichever contrasts more with the fill (core/geometry.py)."""
    values = {
        r.category: (None if is_missing(r.children) else r.children)
        for r in chart.itertuples(index=False)
    }
    shown = [v for name, _ in _shapes() if (v := values.get(name)) is not None]
    low, high = (min(shown), max(shown)) if shown else (0, 1)
    traces = []
    for name, rings in _shapes():
        value = values.get(name)
        if value is None:
            colour = NO_DATA
        else:
            share = 0.5 if high == low else (value - low) / (high - low)
            colour = sample_colorscale(
                [[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)], share
            )[0]
        count = SUPPRESSED if value is None else f"{int(value):,}"
        for lons, lats in rings:
            traces.append(
                go.Scatter(
                    x=[x * SQUEEZE for x in lons],
                    y=lats,
                    fill="toself",
                    fillcolor=colour,
                    line={"color": "white", "width": 1},
                    mode="lines",
                    name=f"{escape_plotly(name)}: {count}",
                    hoverinfo="name",
                )
            )
        x, y = _label_at(name)
        traces.append(
            go.Scatter(
                x=[x],
                y=[y],
                mode="text",
                text=["<br>".join([*(escape_plotly(w) for w in wrap_name(name)), count])],
                textfont={"size": MAP_FONT, "color": text_colour(colour)},
                hoverinfo="skip",
            )
        )
    x_range, y_range, _ = map_scale()
    layout = _layout(
        MAP_HEIGHT,
        width=MAP_WIDTH,
        margin={"l": MAP_MARGIN, "r": MAP_MARGIN, "t": MAP_MARGIN, "b": MAP_MARGIN},
        xaxis={"visible": False, "range": list(x_range), "scaleanchor": "y", "scaleratio": 1},
        yaxis={"visible": False, "range": list(y_range)},
        plot_bgcolor="white",
    )
    return go.Figure(traces, layout)


def with_source(fig: go.Figure, source: str) -> go.Figure:
    """A copy of `fig` with its source line written under the plot (in the title's place,
    anchored to the bottom of the image: the pack prints the title above the chart)."""
    out = go.Figure(fig)
    margin = out.layout.margin.to_plotly_json() if out.layout.margin is not None else {}
    extra = 28  # the line itself: the charts' bottom margins (BOTTOM) already hold their axes
    out.layout["title"] = {
        "text": escape_plotly(source),
        "font": {"size": 11, "color": "#3D3D3D"},
        "x": 0,
        "xanchor": "left",
        "xref": "container",
        "y": 0,
        "yanchor": "bottom",
        "yref": "container",
        "pad": {"l": 10, "b": 6},
    }
    out.layout["margin"] = {**margin, "b": margin.get("b", 10) + extra}
    out.layout["height"] = (out.layout.height or 320) + extra
    return out
