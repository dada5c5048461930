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
from core.paths import PROJECT_ROOT
from figures.format import escape_plotly, short_month
from figures.labels import ORDINAL
from figures.protect import SUPPRESSED

COLOUR = get_af_colours("categorical")[0]  # the dashboard's single-series dark blue
SEQUENTIAL = get_af_colours("sequential")[::-1]
FONT = 13
GEOJSON = PROJECT_ROOT / "data" / "reference" / "kent_districts.geojson"
NO_DATA = "#F2F2F2"


def _layout(height: int, **extra) -> dict:
    return {
        "template": pio.templates["afcharts"],
        "height": height,
        "width": 720,
        "font": {"size": FONT},
        "margin": {"l": 10, "r": 30, "t": 10, "b": 10},
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
            320, xaxis={"type": "category"}, yaxis={"tickformat": ",d", "title": "Children"}
        )
    else:
        height = max(200, 26 * len(labels) + 60)
        layout = _layout(
            height,
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
        320,
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


def district_map(chart: pd.DataFrame) -> go.Figure:
    """Districts shaded by children out of school; suppressed districts drawn as 'no data'."""
    values = {
        r.category: (None if is_missing(r.children) else r.children)
        for r in chart.itertuples(index=False)
    }
    shown = [v for name, _ in _shapes() if (v := values.get(name)) is not None]
    low, high = (min(shown), max(shown)) if shown else (0, 1)
    squeeze = cos(radians(51.2))
    traces = []
    for name, rings in _shapes():
        value = values.get(name)
        text_colour = "#0B0C0C"
        if value is None:
            colour = NO_DATA
        else:
            share = 0.5 if high == low else (value - low) / (high - low)
            colour = sample_colorscale(
                [[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)], share
            )[0]
            if share > 0.55:  # dark fills take white labels (contrast)
                text_colour = "#FFFFFF"
        label = f"{escape_plotly(name)}: {SUPPRESSED if value is None else f'{int(value):,}'}"
        for lons, lats in rings:
            traces.append(
                go.Scatter(
                    x=[x * squeeze for x in lons],
                    y=lats,
                    fill="toself",
                    fillcolor=colour,
                    line={"color": "white", "width": 1},
                    mode="lines",
                    name=label,
                    hoverinfo="name",
                )
            )
        biggest = max(rings, key=lambda r: len(r[0]))
        traces.append(
            go.Scatter(
                x=[sum(biggest[0]) / len(biggest[0]) * squeeze],
                y=[sum(biggest[1]) / len(biggest[1])],
                mode="text",
                text=[label.replace(": ", "<br>")],
                textfont={"size": 10, "color": text_colour},
                hoverinfo="skip",
            )
        )
    layout = _layout(
        460,
        xaxis={"visible": False, "scaleanchor": "y", "scaleratio": 1},
        yaxis={"visible": False},
        plot_bgcolor="white",
    )
    return go.Figure(traces, layout)
