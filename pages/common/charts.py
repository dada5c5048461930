"""Plotly figure builders: bars, lines, stacked areas, heat maps in the afcharts style.

Builders take the tidy frames the query layer returns and only draw: no counting happens here.
Category names that come from the data (SEN teams, councils) are escaped for plotly's
pseudo-HTML, so they show as typed.
"""

from __future__ import annotations

import afcharts.pio_template  # noqa: F401  (registers the "afcharts" plotly template)
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from afcharts.af_colours import get_af_colours

from figures.format import escape_plotly, fmt_int, fmt_pct
from figures.labels import (
    ORDINAL,
    SINGLE,
    category_label,
    colour_map,
    dimension_label,
)
from figures.protect import SUPPRESSED

FONT_SIZE = 14
# afcharts' sequential palette, light to dark, for heat maps and the district map.
SEQUENTIAL = get_af_colours("sequential")[::-1]
SEQUENTIAL_SCALE = [[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)]
TEMPLATE = pio.templates["afcharts"]


def axis(title: str | None = None, **settings) -> dict:
    """An axis at dashboard text sizes (the afcharts template's 18.6px text is for print)."""
    return {
        "tickfont": {"size": FONT_SIZE - 1},
        "title": {"text": title, "font": {"size": FONT_SIZE}},
        **settings,
    }


def layout(*, height: int = 380, legend: bool = False, **settings) -> dict:
    """The afcharts template with the dashboard's sizes, as one layout dict.

    Figures are built in one go from a dict (`go.Figure(data, layout)`) because plotly's
    update_* calls each validate and copy the template again: that alone took ~30 ms a chart.
    """
    base = {
        "template": TEMPLATE,
        "height": height,
        "font": {"size": FONT_SIZE},
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "hovermode": "closest",
        "showlegend": legend,
        "legend": {"font": {"size": FONT_SIZE}, "orientation": "h", "x": 0, "y": -0.15},
        "hoverlabel": {"font": {"size": FONT_SIZE}},
        "xaxis": axis(),
        "yaxis": axis(),
    }
    for key, value in settings.items():
        if key in ("xaxis", "yaxis"):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return base


def style(fig: go.Figure, *, height: int = 380, legend: bool = False) -> go.Figure:
    """Apply the afcharts template at dashboard sizes to a figure built elsewhere."""
    fig.update_layout(layout(height=height, legend=legend))
    return fig


def count_axis(largest) -> dict:
    """Axis settings for counts: thousands separators, and whole-number ticks when small
    (plotly would otherwise put ticks at 0.5 and print '1, 1, 2, 2')."""
    axis = {"tickformat": ",d", "rangemode": "tozero"}
    if largest is not None and largest == largest and largest < 10:
        axis.update(tick0=0, dtick=1)
    return axis


def _labels(dimension: str | None, values) -> list[str]:
    return [escape_plotly(category_label(dimension, v)) for v in values]


def _chart_labels(data: pd.DataFrame, dimension: str | None, column: str = "category") -> list:
    """The labels the figures layer wrote (`label`), escaped for plotly."""
    if "label" in data:
        return [escape_plotly(v) for v in data["label"]]
    return _labels(dimension, data[column])


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
    labels = _chart_labels(data, dimension)
    colours = colour_map(dimension, categories)
    bar_colours = [colours.get(c, SINGLE) for c in categories]
    # Hidden counts (figures/protect.py) arrive as missing: no bar, labelled c.
    hidden = data["suppressed"].tolist() if "suppressed" in data else data[value].isna().tolist()
    values = [None if h else v for v, h in zip(data[value].tolist(), hidden, strict=True)]
    if percent and percent in data:
        hover = [
            "" if h else f"{lab}<br>{fmt_int(v)} {value_name.lower()} ({fmt_pct(p)})"
            for lab, v, p, h in zip(labels, values, data[percent], hidden, strict=True)
        ]
    else:
        hover = [
            f"{lab}<br>{fmt_int(v)} {value_name.lower()}"
            for lab, v in zip(labels, values, strict=True)
        ]
    text = [SUPPRESSED if h else fmt_int(v) for v, h in zip(values, hidden, strict=True)]
    hover = [
        f"{lab}<br>{SUPPRESSED}: a small number, hidden" if h else t
        for lab, t, h in zip(labels, hover, hidden, strict=True)
    ]
    values = [0 if h else v for v, h in zip(values, hidden, strict=True)]
    ordinal = dimension in ORDINAL
    bar = {
        "type": "bar",
        "x": labels if ordinal else values,
        "y": values if ordinal else labels,
        "orientation": "v" if ordinal else "h",
        "marker": {"color": bar_colours},
        "text": text,
        "textposition": "outside",
        "cliponaxis": False,
        "hovertext": hover,
        "hoverinfo": "text",
        "name": value_name,
    }
    counts = count_axis(max(values) if values else None)
    # Room beside (or above) the longest bar for its value: plotly does not widen the axis
    # for text outside a bar, so without it the largest values are cut at the chart's edge,
    # and most of all when the chart is laid out again narrower for print.
    margin = {"l": 10, "r": 10, "t": 10, "b": 10}
    if ordinal:
        margin["t"] = FONT_SIZE + 14
        settings = {
            "height": 380,
            "xaxis": axis(dimension_label(dimension), type="category"),
            "yaxis": axis(value_name, **counts),
        }
    else:
        margin["r"] = value_room(text)
        # First category at the top, as in the table.
        settings = {
            "height": max(300, 32 * len(labels) + 80),
            "yaxis": axis(None, type="category", autorange="reversed"),
            "xaxis": axis(value_name, **counts),
        }
    return go.Figure(data=[bar], layout=layout(margin=margin, **settings))


def value_room(texts) -> int:
    """Pixels for the longest value written beside a bar (digits at FONT_SIZE are about 0.6
    of its height wide), with a gap."""
    longest = max((len(str(t)) for t in texts), default=1)
    return int(longest * FONT_SIZE * 0.62) + 12


def time_axis(periods) -> list[pd.Timestamp]:
    """'2023-06' -> the 1st of the month, so plotly spaces months evenly on a date axis."""
    return [pd.Timestamp(f"{p}-01") for p in periods]


MAX_SERIES = 6  # more categories than this are drawn as small multiples


def _names(data: pd.DataFrame, dimension: str | None) -> dict[str, str]:
    """Category -> its label escaped for plotly (the figure's `label` column when given)."""
    labels = _chart_labels(data, dimension)
    return dict(zip(data["category"].astype(str), labels, strict=True))


def too_many_series(data: pd.DataFrame) -> bool:
    return data["category"].nunique() > MAX_SERIES


def _points(values: pd.Series) -> list:
    # A hidden count (figures/protect.py) arrives missing: no point is drawn.
    return [None if pd.isna(v) else v for v in values]


def trend_chart(
    data: pd.DataFrame, dimension: str | None, *, stacked: bool = False, height: int = 380
) -> go.Figure:
    """Children by period, one line (or stacked area) per category.

    With more than six categories, one small chart per category in a single colour instead:
    a dozen lines or bands in one chart cannot be told apart, whatever their colours.
    """
    if too_many_series(data):
        return small_multiples(data, dimension)
    traces = []
    categories = list(dict.fromkeys(str(c) for c in data["category"]))
    colours = colour_map(dimension, categories)
    single = len(set(colours.get(c, SINGLE) for c in categories)) <= 1 and len(categories) > 1
    dashes = ["solid", "dot", "dash", "longdash", "dashdot", "longdashdot"]
    keys = data["category"].astype(str)
    names = _names(data, dimension)
    for i, category in enumerate(categories):
        part = data[keys == category]
        label = names[category]
        line = {"color": colours.get(category, SINGLE), "width": 2.5}
        if single and not stacked:
            # Many categories in one colour: tell them apart by dash, and by the legend.
            line["dash"] = dashes[i % len(dashes)]
        trace = {
            "type": "scatter",
            "x": time_axis(part["period"]),
            "y": _points(part["children"]),
            "name": label,
            "mode": "lines" if stacked else "lines+markers",
            "line": line,
            "hovertemplate": f"{label}<br>%{{x|%B %Y}}: %{{y:,}} children<extra></extra>",
        }
        if stacked:
            trace["stackgroup"] = "one"
        traces.append(trace)
    if stacked:
        largest = data.groupby("period")["children"].sum().max() if not data.empty else None
    else:
        largest = data["children"].max() if not data.empty else None
    return go.Figure(
        data=traces,
        layout=layout(
            height=height,
            legend=len(categories) > 1,
            xaxis=axis(None, tickformat="%b %Y", dtick="M3" if len(data) > 12 else "M1"),
            yaxis=axis("Children", **count_axis(largest)),
        ),
    )


# Characters of a small multiple's title that fit its panel at 1280 px (13 px text, about
# 7 px a character), by number of columns.
TITLE_CHARS = {2: 48, 3: 32, 4: 24}
# The same in the printed A4 column (about 670 px for the chart).
PRINT_TITLE_CHARS = {2: 40, 3: 26, 4: 19}
# Characters of a heat map's row label per line on paper (longer labels wrap).
PRINT_ROW_LABEL_CHARS = 24


def fit_title(label: str, limit: int) -> str:
    """'Speech, language and communication needs' -> 'Speech, language and co…' (limit 24);
    plotly's escaped entities (&amp;) are kept whole."""
    plain = label.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    if len(plain) <= limit:
        return label
    cut = plain[: limit - 1].rstrip() + "…"
    return cut.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def small_multiples(data: pd.DataFrame, dimension: str | None, columns: int = 4) -> go.Figure:
    """One small line chart per category, sharing the y scale, in a grid."""
    categories = list(dict.fromkeys(str(c) for c in data["category"]))
    rows = -(-len(categories) // columns)
    gap_x, gap_y = 0.04, 0.12 / max(rows, 1) * 2
    width = (1 - gap_x * (columns - 1)) / columns
    height = (1 - gap_y * (rows - 1)) / rows
    largest = data["children"].max()
    keys = data["category"].astype(str)
    names = _names(data, dimension)
    traces, axes, titles = [], {}, []
    for i, category in enumerate(categories):
        row, column = divmod(i, columns)
        n = "" if i == 0 else str(i + 1)
        part = data[keys == category]
        label = names[category]
        traces.append(
            {
                "type": "scatter",
                "x": time_axis(part["period"]),
                "y": _points(part["children"]),
                "xaxis": f"x{n}",
                "yaxis": f"y{n}",
                "mode": "lines",
                "line": {"color": SINGLE, "width": 2},
                "name": label,
                "hovertemplate": f"{label}<br>%{{x|%B %Y}}: %{{y:,}} children<extra></extra>",
            }
        )
        x0 = column * (width + gap_x)
        top = 1 - row * (height + gap_y)
        axes[f"xaxis{n}"] = axis(
            None,
            domain=[max(0.0, round(x0, 6)), min(1.0, round(x0 + width, 6))],
            anchor=f"y{n}",
            tickformat="%b %y",
            nticks=3,
            showticklabels=row == rows - 1 or i + columns >= len(categories),
        )
        axes[f"yaxis{n}"] = axis(
            None,
            domain=[max(0.0, round(top - height, 6)), min(1.0, round(top, 6))],
            anchor=f"x{n}",
            range=[0, largest * 1.1 if largest else 1],
            tickformat=",d",
            nticks=3,
            showticklabels=column == 0,
        )
        titles.append(
            {
                # cut to the panel's width so neighbouring titles never run into each other;
                # the full name is in the hover label and the table
                "text": fit_title(label, TITLE_CHARS[columns] if columns in TITLE_CHARS else 20),
                "x": x0,
                "y": top,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": FONT_SIZE - 1},
            }
        )
    settings = {"annotations": titles, "margin": {"l": 10, "r": 10, "t": 30, "b": 10}}
    figure_layout = layout(height=max(300, 170 * rows), **settings)
    figure_layout.update(axes)
    # on paper (pages/common/a11y.py) the grid keeps its columns in a narrower column: titles
    # cut shorter, so neighbours never run into each other
    limit = PRINT_TITLE_CHARS.get(columns, 16)
    figure_layout["meta"] = {
        "oos_print": {
            f"annotations[{i}].text": fit_title(escape_plotly(category_label(dimension, c)), limit)
            for i, c in enumerate(categories)
        }
    }
    return go.Figure(data=traces, layout=figure_layout)


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


def heatmap(data: pd.DataFrame, rows: str, cols: str, hidden=None) -> go.Figure:
    """A cross-tab as a heat map with the count written in each cell.

    `data` is long (row_category, col_category, children; the figures layer adds row_label
    and col_label). A hidden cell (children missing) is left unshaded and written as c, so its
    colour never gives the count away; true zeros are shaded as 0. `hidden` (a mask of the
    pivot's shape) hides cells too, for callers with exact data."""
    table = pivot(data, rows, cols)
    z = table.values.astype(object)
    if hidden is not None:
        mask = hidden.reindex(index=table.index, columns=table.columns, fill_value=False)
        z[mask.to_numpy(dtype=bool)] = None
    row_labels = [escape_plotly(r) for r in table.index]
    # Column headings sit side by side: wrap them so long names do not overlap.
    col_labels = [wrap(escape_plotly(c), 10) for c in table.columns]
    heat = {
        "type": "heatmap",
        "z": z.tolist(),
        "x": col_labels,
        "y": row_labels,
        "colorscale": SEQUENTIAL_SCALE,
        "text": [[SUPPRESSED if v is None else fmt_int(v) for v in row] for row in z],
        "texttemplate": "%{text}",
        "customdata": [[escape_plotly(c) for c in table.columns] for _ in table.index],
        "hovertemplate": "%{y}<br>%{customdata}<br>%{z:,} children<extra></extra>",
        "colorbar": {"title": {"text": "Children"}},
        "xgap": 2,
        "ygap": 2,
    }
    header_lines = max(label.count("<br>") + 1 for label in col_labels)
    figure_layout = layout(
        height=max(320, 34 * len(row_labels) + 110 + 18 * header_lines),
        yaxis=axis(dimension_label(rows), autorange="reversed", type="category"),
        xaxis=axis(
            dimension_label(cols),
            type="category",
            side="top",
            tickangle=0,
            tickfont={"size": FONT_SIZE - 3},
        ),
    )
    # On paper (pages/common/a11y.py) the chart is laid out again in the A4 column: long row
    # labels wrap so the cells keep most of the width, headings and the colour bar are
    # smaller, and the column dimension's name (in the caption and the printed table's
    # headings) gives way to the headings.
    figure_layout["meta"] = {
        "oos_print": {
            "yaxis.tickmode": "array",
            "yaxis.tickvals": row_labels,
            "yaxis.ticktext": [wrap(r, PRINT_ROW_LABEL_CHARS) for r in row_labels],
            "yaxis.tickfont.size": FONT_SIZE - 3,
            "yaxis.title.text": "",
            # column headings upright, one line each: side by side they would overlap
            "xaxis.tickmode": "array",
            "xaxis.tickvals": col_labels,
            "xaxis.ticktext": [escape_plotly(c) for c in table.columns],
            "xaxis.tickangle": -90,
            "xaxis.tickfont.size": FONT_SIZE - 4,
            "xaxis.title.text": "",
        }
    }
    heat["colorbar"]["thickness"] = 14
    return go.Figure(data=[heat], layout=figure_layout)


def pivot(data: pd.DataFrame, rows: str, cols: str) -> pd.DataFrame:
    """The long cross-tab as a wide table of counts in natural order, labelled; a hidden count
    (missing) stays None, a cell absent from `data` is 0."""
    row = (
        data["row_label"]
        if "row_label" in data
        else data["row_category"].map(lambda v: category_label(rows, v))
    )
    col = (
        data["col_label"]
        if "col_label" in data
        else data["col_category"].map(lambda v: category_label(cols, v))
    )
    cells = {
        (r, c): None if pd.isna(v) else int(v)
        for r, c, v in zip(row, col, data["children"], strict=True)
    }
    row_order, col_order = list(dict.fromkeys(row)), list(dict.fromkeys(col))
    return pd.DataFrame(
        [[cells.get((r, c), 0) for c in col_order] for r in row_order],
        index=row_order,
        columns=col_order,
        dtype=object,
    )
