"""Plotly figure builders: bars, lines, stacked areas, heat maps in the afcharts style.

Builders take the tidy frames the query layer returns and only draw: no counting happens here.
Category names that come from the data (SEN teams, councils) are escaped for plotly's
pseudo-HTML, so they show as typed.
"""

from __future__ import annotations

import afcharts.pio_template  # noqa: F401  (registers the "afcharts" plotly template)
import pandas as pd
import plotly.graph_objects as go
from afcharts.af_colours import get_af_colours

from pages.common.categories import (
    ORDINAL,
    SINGLE,
    category_label,
    colour_map,
    dimension_label,
)
from pages.common.format import escape_plotly, fmt_int, fmt_pct

FONT_SIZE = 14
# afcharts' sequential palette, light to dark, for heat maps and the district map.
SEQUENTIAL = get_af_colours("sequential")[::-1]
SEQUENTIAL_SCALE = [[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)]


def style(fig: go.Figure, *, height: int = 380, legend: bool = False) -> go.Figure:
    """Apply the afcharts template at dashboard sizes (the template's 18.6px text is for print)."""
    fig.update_layout(
        template="afcharts",
        height=height,
        font={"size": FONT_SIZE},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        hovermode="closest",
        showlegend=legend,
        legend={"font": {"size": FONT_SIZE}, "orientation": "h", "x": 0, "y": -0.15},
        hoverlabel={"font": {"size": FONT_SIZE}},
    )
    fig.update_xaxes(tickfont={"size": FONT_SIZE - 1}, title_font={"size": FONT_SIZE})
    fig.update_yaxes(tickfont={"size": FONT_SIZE - 1}, title_font={"size": FONT_SIZE})
    return fig


def _labels(dimension: str | None, values) -> list[str]:
    return [escape_plotly(category_label(dimension, v)) for v in values]


def bar_chart(
    data: pd.DataFrame,
    dimension: str,
    *,
    value: str = "children",
    percent: str | None = "percent",
    value_name: str = "Children",
) -> go.Figure:
    """Counts by category: columns for ordered dimensions, horizontal bars for the others."""
    categories = [str(c) for c in data["category"]]
    labels = _labels(dimension, data["category"])
    colours = colour_map(dimension, categories)
    bar_colours = [colours.get(c, SINGLE) for c in categories]
    values = data[value].tolist()
    if percent and percent in data:
        hover = [
            f"{lab}<br>{fmt_int(v)} {value_name.lower()} ({fmt_pct(p)})"
            for lab, v, p in zip(labels, values, data[percent], strict=True)
        ]
    else:
        hover = [
            f"{lab}<br>{fmt_int(v)} {value_name.lower()}"
            for lab, v in zip(labels, values, strict=True)
        ]
    text = [fmt_int(v) for v in values]
    ordinal = dimension in ORDINAL
    bar = go.Bar(
        x=labels if ordinal else values,
        y=values if ordinal else labels,
        orientation="v" if ordinal else "h",
        marker={"color": bar_colours},
        text=text,
        textposition="outside",
        cliponaxis=False,
        hovertext=hover,
        hoverinfo="text",
        name=value_name,
    )
    fig = go.Figure(bar)
    style(fig, height=max(300, 32 * len(labels) + 80) if not ordinal else 380)
    if ordinal:
        fig.update_xaxes(type="category", title=dimension_label(dimension))
        fig.update_yaxes(title=value_name, rangemode="tozero", tickformat=",d")
    else:
        # First category at the top, as in the table.
        fig.update_yaxes(type="category", autorange="reversed", title=None)
        fig.update_xaxes(title=value_name, rangemode="tozero", tickformat=",d")
    return fig


def time_axis(periods) -> list[pd.Timestamp]:
    """'2023-06' -> the 1st of the month, so plotly spaces months evenly on a date axis."""
    return [pd.Timestamp(f"{p}-01") for p in periods]


def trend_chart(
    data: pd.DataFrame, dimension: str | None, *, stacked: bool = False, height: int = 380
) -> go.Figure:
    """Children by period, one line (or stacked area) per category."""
    fig = go.Figure()
    categories = list(dict.fromkeys(str(c) for c in data["category"]))
    colours = colour_map(dimension, categories)
    single = len(set(colours.get(c, SINGLE) for c in categories)) <= 1 and len(categories) > 1
    dashes = ["solid", "dot", "dash", "longdash", "dashdot", "longdashdot"]
    for i, category in enumerate(categories):
        part = data[data["category"].astype(str) == category]
        label = escape_plotly(category_label(dimension, category))
        colour = colours.get(category, SINGLE)
        line = {"color": colour, "width": 2.5}
        if single and not stacked:
            # Many categories in one colour: tell them apart by dash, and by the legend.
            line["dash"] = dashes[i % len(dashes)]
        fig.add_trace(
            go.Scatter(
                x=time_axis(part["period"]),
                y=part["children"],
                name=label,
                mode="lines" if stacked else "lines+markers",
                line=line,
                stackgroup="one" if stacked else None,
                hovertemplate=f"{label}<br>%{{x|%B %Y}}: %{{y:,}} children<extra></extra>",
            )
        )
    style(fig, height=height, legend=len(categories) > 1)
    fig.update_xaxes(tickformat="%b %Y", title=None, dtick="M3" if len(data) > 12 else "M1")
    fig.update_yaxes(title="Children", rangemode="tozero", tickformat=",d")
    return fig


def wrap(label: str, width: int = 14) -> str:
    """Break a label into lines of about `width` characters (plotly's <br>) at spaces."""
    lines, line = [], ""
    for word in str(label).split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


def heatmap(data: pd.DataFrame, rows: str, cols: str) -> go.Figure:
    """A cross-tab as a heat map with the count written in each cell."""
    table = pivot(data, rows, cols)
    z = table.values
    row_labels = [escape_plotly(r) for r in table.index]
    # Column headings sit side by side: wrap them so long names do not overlap.
    col_labels = [wrap(escape_plotly(c)) for c in table.columns]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=col_labels,
            y=row_labels,
            colorscale=SEQUENTIAL_SCALE,
            text=[[fmt_int(v) for v in row] for row in z],
            texttemplate="%{text}",
            customdata=[[escape_plotly(c) for c in table.columns] for _ in table.index],
            hovertemplate="%{y}<br>%{customdata}<br>%{z:,} children<extra></extra>",
            colorbar={"title": {"text": "Children"}},
            xgap=2,
            ygap=2,
        )
    )
    header_lines = max(label.count("<br>") + 1 for label in col_labels)
    style(fig, height=max(320, 34 * len(row_labels) + 110 + 18 * header_lines))
    fig.update_yaxes(autorange="reversed", type="category", title=dimension_label(rows))
    fig.update_xaxes(type="category", side="top", title=dimension_label(cols), tickangle=0)
    return fig


def pivot(data: pd.DataFrame, rows: str, cols: str) -> pd.DataFrame:
    """The long cross-tab as a wide table of counts in natural order, with labels."""
    frame = data.assign(
        row=[category_label(rows, v) for v in data["row_category"]],
        col=[category_label(cols, v) for v in data["col_category"]],
    )
    row_order = list(dict.fromkeys(frame["row"]))
    col_order = list(dict.fromkeys(frame["col"]))
    wide = frame.pivot_table(
        index="row", columns="col", values="children", aggfunc="sum", fill_value=0, sort=False
    )
    return wide.reindex(index=row_order, columns=col_order, fill_value=0).astype(int)
