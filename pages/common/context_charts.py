"""Figures of the context pages: rates with intervals, over-representation ratios, survival
curves, the hazard of return and published comparisons. They only draw; the numbers come from
queries/rates.py, queries/survival.py and queries/published.py.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from figures.format import escape_plotly, fmt_int
from figures.labels import CATEGORICAL, SINGLE, category_label, dimension_label
from pages.common.charts import axis, layout, time_axis

DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]


def _labels(dimension, values) -> list[str]:
    return [escape_plotly(category_label(dimension, v)) for v in values]


def _band_colour(hex_colour: str, alpha: float = 0.18) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def rate_chart(frame: pd.DataFrame, dimension: str, overall: float | None) -> go.Figure:
    """Rate per 100 children with a plan by category, with 95% intervals and the overall rate."""
    # hidden (suppressed) counts arrive as missing: no bar for them
    data = frame[(frame["children_with_plan"].fillna(0) > 0) & frame["rate_per_100"].notna()]
    labels = _labels(dimension, data["category"])
    hover = [
        f"{lab}<br>{r:.1f} per 100 plans (95% interval {lo:.1f} to {hi:.1f})<br>"
        f"{fmt_int(a)} out of school of {fmt_int(n)} with a plan"
        for lab, r, lo, hi, a, n in zip(
            labels, data["rate_per_100"], data["rate_low"], data["rate_high"],
            data["children_out"], data["children_with_plan"], strict=True,
        )
    ]  # fmt: skip
    bar = {
        "type": "bar",
        "y": labels,
        "x": data["rate_per_100"].round(2).tolist(),
        "orientation": "h",
        "marker": {"color": SINGLE},
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": (data["rate_high"] - data["rate_per_100"]).round(3).tolist(),
            "arrayminus": (data["rate_per_100"] - data["rate_low"]).round(3).tolist(),
            "color": "#0B0C0C",
            "thickness": 1.2,
        },
        "hovertext": hover,
        "hoverinfo": "text",
        "name": "Rate per 100 plans",
    }
    shapes = []
    if overall is not None:
        shapes.append(
            {"type": "line", "x0": overall, "x1": overall, "yref": "paper", "y0": 0, "y1": 1,
             "line": {"color": CATEGORICAL[3], "dash": "dash", "width": 2}}
        )  # fmt: skip
    return go.Figure(
        data=[bar],
        layout=layout(
            height=max(300, 30 * len(labels) + 90),
            margin={"l": 10, "r": 10, "t": 30, "b": 10},
            yaxis=axis(None, type="category", autorange="reversed"),
            xaxis=axis("Out of school per 100 children with a plan", rangemode="tozero"),
            shapes=shapes,
            annotations=[]
            if overall is None
            else [
                {
                    "x": overall,
                    "y": 1.0,
                    "yref": "paper",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "text": f"All: {overall:.1f}",
                    "font": {"color": "#0B0C0C"},
                }
            ],  # fmt: skip
        ),
    )


def ratio_chart(frame: pd.DataFrame, dimension: str) -> go.Figure:
    """Over-representation ratio by category: a dot with its 95% interval, a line at 1.

    Groups whose interval excludes 1 are drawn as filled diamonds, the others as open circles,
    so the finding does not rest on colour alone.
    """
    data = frame[frame["ratio"].fillna(0) > 0]
    labels = _labels(dimension, data["category"])
    excludes = data["excludes_one"].tolist()
    # a group drawn but not tested (Not recorded): an open square, so that it reads neither as
    # a finding (filled diamond) nor as in proportion (open circle)
    tested = data["tested"].tolist() if "tested" in data else [True] * len(data)
    hover = [
        f"{lab}<br>ratio {r:.2f} (95% interval {lo:.2f} to {hi:.2f})"
        f"<br>{so:.1f}% of children out, {sp:.1f}% of plans"
        + ("" if t else "<br>not tested: a gap in the records, not a group")
        for lab, r, lo, hi, so, sp, t in zip(
            labels, data["ratio"], data["ratio_low"], data["ratio_high"],
            data["share_out"], data["share_plans"], tested, strict=True,
        )
    ]  # fmt: skip
    lows = data["ratio_low"].fillna(data["ratio"])
    highs = data["ratio_high"].fillna(data["ratio"])
    dots = {
        "type": "scatter",
        "mode": "markers",
        "y": labels,
        "x": data["ratio"].round(3).tolist(),
        "marker": {
            "symbol": [
                "square-open" if not t else "diamond" if e else "circle-open"
                for e, t in zip(excludes, tested, strict=True)
            ],
            "size": 11,
            "color": [
                "#505A5F" if not t else CATEGORICAL[2] if e else SINGLE
                for e, t in zip(excludes, tested, strict=True)
            ],
            "line": {"width": 2},
        },
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": (highs - data["ratio"]).round(4).tolist(),
            "arrayminus": (data["ratio"] - lows).round(4).tolist(),
            "color": "#505A5F",
        },
        "hovertext": hover,
        "hoverinfo": "text",
        "name": "Ratio",
    }
    return go.Figure(
        data=[dots],
        layout=layout(
            height=max(300, 30 * len(labels) + 90),
            yaxis=axis(None, type="category", autorange="reversed"),
            xaxis=axis("Share of children out ÷ share of plans (log scale; 1 = in proportion)",
                       type="log"),
            shapes=[
                {"type": "line", "x0": 1, "x1": 1, "yref": "paper", "y0": 0, "y1": 1,
                 "line": {"color": "#0B0C0C", "width": 1.5}}
            ],
        ),
    )  # fmt: skip


def rate_trend_chart(frame: pd.DataFrame, dimension: str | None) -> go.Figure:
    """Rate per 100 plans by period, a line per category (the whole cohort: with its band)."""
    traces = []
    keys = frame["category"].astype(str)
    categories = list(dict.fromkeys(keys))
    for i, category in enumerate(categories):
        part = frame[keys == category]
        colour = CATEGORICAL[i % len(CATEGORICAL)]
        label = escape_plotly(category_label(dimension, category)) if dimension else "All"
        x = time_axis(part["period"])
        if len(categories) == 1:
            traces.append(
                {"type": "scatter", "x": x + x[::-1],
                 "y": part["rate_high"].tolist() + part["rate_low"].tolist()[::-1],
                 "fill": "toself", "fillcolor": _band_colour(colour), "line": {"width": 0},
                 "hoverinfo": "skip", "name": "95% interval", "showlegend": True}
            )  # fmt: skip
        traces.append(
            {
                "type": "scatter",
                "x": x,
                "y": part["rate_per_100"].round(2).tolist(),
                "mode": "lines+markers",
                "name": label,
                "connectgaps": False,
                "line": {"color": colour, "width": 2.5, "dash": DASHES[i % len(DASHES)]},
                "hovertemplate": f"{label}<br>%{{x|%B %Y}}: %{{y:.1f}} per 100 plans"
                "<extra></extra>",
            }
        )
    return go.Figure(
        data=traces,
        layout=layout(
            height=380,
            legend=True,
            xaxis=axis(None, tickformat="%b %Y"),
            yaxis=axis("Per 100 children with a plan", rangemode="tozero"),
        ),
    )


def survival_chart(curves: pd.DataFrame, groups: list[str], dimension: str | None) -> go.Figure:
    """Curves of the share still out of school by months since going out, with 95% bands."""
    traces = []
    for i, group in enumerate(groups):
        part = curves[curves["group"] == group]
        colour = CATEGORICAL[i % len(CATEGORICAL)]
        label = escape_plotly(category_label(dimension, group)) if dimension else "All children"
        x = part["months"].tolist()
        traces.append(
            {"type": "scatter", "x": x + x[::-1],
             "y": (100 * part["upper"]).tolist() + (100 * part["lower"]).tolist()[::-1],
             "fill": "toself", "fillcolor": _band_colour(colour, 0.15),
             "line": {"width": 0, "shape": "linear"}, "hoverinfo": "skip", "showlegend": False,
             "name": f"{label} 95% band"}
        )  # fmt: skip
        traces.append(
            {
                "type": "scatter",
                "x": x,
                "y": (100 * part["still_out"]).round(2).tolist(),
                "mode": "lines",
                "line": {"shape": "linear", "color": colour, "width": 2.5,
                         "dash": DASHES[i % len(DASHES)]},
                "name": label,
                "hovertemplate": f"{label}<br>%{{x:.1f}} months: %{{y:.1f}}% still out"
                "<extra></extra>",
            }
        )  # fmt: skip
    return go.Figure(
        data=traces,
        layout=layout(
            height=420,
            legend=True,
            xaxis=axis("Months since last in education", rangemode="tozero"),
            yaxis=axis("Still out of school (%)", range=[0, 101]),
        ),
    )


def hazard_chart(hazard: pd.DataFrame) -> go.Figure:
    """Monthly chance of returning, by time already out, with 95% intervals."""
    labels = hazard["band"].tolist()
    bar = {
        "type": "bar",
        "x": labels,
        "y": (100 * hazard["monthly_return"]).round(2).tolist(),
        "marker": {"color": SINGLE},
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": (100 * (hazard["high"] - hazard["monthly_return"])).round(3).tolist(),
            "arrayminus": (100 * (hazard["monthly_return"] - hazard["low"])).round(3).tolist(),
            "color": "#0B0C0C",
        },
        "hovertemplate": "Out %{x}<br>%{y:.1f}% return within a month<extra></extra>",
        "name": "Monthly chance of return",
    }
    return go.Figure(
        data=[bar],
        layout=layout(
            height=360,
            xaxis=axis("Time already out of school", type="category"),
            yaxis=axis("Return within the next month (%)", rangemode="tozero"),
        ),
    )


def comparison_trend_chart(frame: pd.DataFrame, value: str, areas: list[str]) -> go.Figure:
    """A published measure by January of each year, one line per area, 2023 change marked."""
    traces = []
    for i, area in enumerate(areas):
        part = frame[frame["area"] == area].sort_values("year")
        traces.append(
            {
                "type": "scatter",
                "x": part["year"].tolist(),
                "y": part[value].round(2).tolist(),
                "mode": "lines+markers",
                "name": escape_plotly(area),
                "line": {"color": CATEGORICAL[i % len(CATEGORICAL)], "width": 2.5,
                         "dash": DASHES[i % len(DASHES)]},
                "hovertemplate": escape_plotly(area)
                + "<br>January %{x}: %{y:.1f}<extra></extra>",
            }
        )  # fmt: skip
    return go.Figure(
        data=traces,
        layout=layout(
            height=400,
            legend=True,
            xaxis=axis("January of each year", dtick=1),
            yaxis=axis("Per 1,000 EHC plans", rangemode="tozero"),
            shapes=[
                {"type": "line", "x0": 2022.5, "x1": 2022.5, "yref": "paper", "y0": 0, "y1": 1,
                 "line": {"color": "#505A5F", "dash": "dot", "width": 1.5}}
            ],
            annotations=[
                {"x": 2022.5, "y": 1.04, "yref": "paper", "showarrow": False,
                 "text": "2023: collection changed to person-level returns"}
            ],
        ),
    )  # fmt: skip


def comparison_bar_chart(
    frame: pd.DataFrame, value: str, label_column: str, highlight: str, axis_title: str
) -> go.Figure:
    """A published measure by area, largest first, the council highlighted (colour and bold)."""
    data = frame.sort_values(value, ascending=False)
    names = data[label_column].tolist()
    labels = [f"<b>{escape_plotly(n)}</b>" if n == highlight else escape_plotly(n) for n in names]
    bar = {
        "type": "bar",
        "y": labels,
        "x": data[value].round(2).tolist(),
        "orientation": "h",
        "marker": {"color": [CATEGORICAL[3] if n == highlight else SINGLE for n in names]},
        "text": [f"{v:.1f}" if not math.isnan(v) else "" for v in data[value]],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{y}: %{x:.1f}<extra></extra>",
        "name": axis_title,
    }
    return go.Figure(
        data=[bar],
        layout=layout(
            height=max(300, 30 * len(names) + 90),
            yaxis=axis(None, type="category", autorange="reversed"),
            xaxis=axis(axis_title, rangemode="tozero"),
        ),
    )  # fmt: skip


__all__ = [
    "comparison_bar_chart",
    "comparison_trend_chart",
    "dimension_label",
    "hazard_chart",
    "rate_chart",
    "rate_trend_chart",
    "ratio_chart",
    "survival_chart",
]
