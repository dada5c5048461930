"""Printing, without a browser: the table printed under each chart (pages/common/print_table.py)
and the print layouts charts carry (pages/common/charts.py, chart_images.py) for
pages/common/a11y.py's print script. tests/browser/test_print.py prints every page in chromium.
"""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from pages.common import charts
from pages.common.chart_images import label_for_screen
from pages.common.print_table import LINE_CHARS, cell_text, column_parts, print_table_html


def test_values_as_the_grid_writes_them():
    assert cell_text(1234) == "1,234"
    assert cell_text(12.34, percent=True) == "12.3%"
    assert cell_text(0.0, percent=True) == "0.0%"
    assert cell_text(9.333333) == "9.333"
    assert cell_text(2.5) == "2.5"
    assert cell_text(3.0) == "3"
    assert cell_text(-10) == "-10"
    assert cell_text(None) == ""
    assert cell_text(float("nan")) == ""
    assert cell_text("c") == "c"
    assert cell_text(pd.Timestamp("2026-10-31")) == "2026-10-31"


def test_every_cell_is_escaped_once():
    hostile = "<img src=x onerror=alert(1)> & **bold**"
    table = pd.DataFrame({"<b>Team</b>": [hostile], "Children": [7]})
    out = print_table_html(table)
    assert "<img" not in out and "<b>" not in out
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; **bold**" in out
    assert "&lt;b&gt;Team&lt;/b&gt;" in out
    assert "&amp;amp;" not in out  # not twice


def test_a_narrow_table_prints_whole_with_numbers_right_aligned():
    table = pd.DataFrame(
        {"District": ["Dover", "Swale"], "Children": [1200, 3], "Percent": [99.75, 0.25]}
    )
    out = print_table_html(table)
    assert out.count("<table>") == 1
    assert '<th>District</th><th class="oos-num">Children</th>' in out
    assert '<td>Dover</td><td class="oos-num">1,200</td><td class="oos-num">99.8%</td>' in out


def test_a_wide_table_prints_in_parts_of_whole_columns_repeating_its_labels():
    # a trend's table: a label column and thirteen months of four-digit counts. A column needs
    # its longest value or heading word, + 2: the label 'Previously looked after' 23 + 2 = 25;
    # the months by their month word (values like '1,000' are 5): October 9, November 10,
    # December 10, January 9, February 10, March 7 (the value), April 7, May 7, June 7, July 7,
    # August 8, September 11, October 9. The line holds 96, so 96 - 25 = 71 for months.
    months = ["October 2025", "November 2025", "December 2025", "January 2026", "February 2026",
              "March 2026", "April 2026", "May 2026", "June 2026", "July 2026", "August 2026",
              "September 2026", "October 2026"]  # fmt: skip
    table = pd.DataFrame({"Category": ["Looked after (CLA)", "Previously looked after"]})
    for i, month in enumerate(months):
        table[month] = [1000 + i, 2000 + i]
    parts = column_parts(table)
    assert len(parts) > 1
    # every part starts with the label column; together they hold every column once, in order
    assert all(part[0] == "Category" for part in parts)
    assert [c for part in parts for c in part[1:]] == months
    # October to May: 9 + 10 + 10 + 9 + 10 + 7 + 7 + 7 = 69 <= 71, June would make 76;
    # June to October: 7 + 7 + 8 + 11 + 9 = 42
    assert [len(p) - 1 for p in parts] == [8, 5]
    assert LINE_CHARS == 96
    out = print_table_html(table)
    assert out.count("<table>") == 2
    assert out.count("<td>Previously looked after</td>") == 2


def _apply(fig: go.Figure, changes: dict) -> go.Figure:
    """Apply a relayout dict the way plotly.js would, through plotly's own validators: a key
    that is not a layout property raises."""
    out = go.Figure(fig)
    for key, value in changes.items():
        target = out.layout
        parts = key.split(".")
        for part in parts[:-1]:
            match = re.fullmatch(r"(\w+)\[(\d+)\]", part)
            target = target[match.group(1)][int(match.group(2))] if match else target[part]
        target[parts[-1]] = value
    return out


def test_print_layouts_are_valid_plotly_layout_changes():
    data = pd.DataFrame(
        {
            "row_category": ["ASD", "ASD", "SEMH", "SEMH"],
            "col_category": ["Dover", "Swale", "Dover", "Swale"],
            "children": [4, 5, 6, 7],
        }
    )
    heat = charts.heatmap(data, "primary_need", "district")
    printed = _apply(heat, heat.layout.meta["oos_print"])
    assert printed.layout.xaxis.tickangle == -90
    # row labels wrapped for the narrower column, the categories themselves unchanged
    assert list(printed.layout.yaxis.tickvals) == list(heat.data[0].y)
    limit = charts.PRINT_ROW_LABEL_CHARS
    assert all(
        len(line) <= limit for t in printed.layout.yaxis.ticktext for line in t.split("<br>")
    )

    periods = [f"2026-{m:02d}" for m in range(1, 4)]
    needs = ["ASD", "SEMH", "SLCN", "MLD", "SLD", "PMLD", "HI"]  # 7 > 6: small multiples
    trend = pd.DataFrame(
        [(p, n, 10) for p in periods for n in needs], columns=["period", "category", "children"]
    )
    grid = charts.trend_chart(trend, "primary_need")
    changes = grid.layout.meta["oos_print"]
    printed = _apply(grid, changes)
    texts = [a.text for a in printed.layout.annotations]
    assert len(texts) == len(needs)
    assert all(len(t) <= charts.PRINT_TITLE_CHARS[4] for t in texts)

    # a labelled chart leaves its title and caption to the printed page, and gets its height
    # and top margin back
    bars = charts.bar_chart(
        pd.DataFrame({"category": ["ASD", "SEMH"], "children": [3, 4], "percent": [40, 60]}),
        "primary_need",
    )
    height = bars.layout.height
    label_for_screen(bars, "ASD is second", "Children out of school, October 2026.")
    assert bars.layout.height > height
    printed = _apply(bars, bars.layout.meta["oos_print"])
    assert printed.layout.title.text == "" and printed.layout.height == height
    assert printed.layout.margin.t == 10


@pytest.mark.parametrize("values, room", [(["7"], 20), (["1,234"], 55), (["c", "12"], 29)])
def test_room_for_the_longest_value_beside_a_bar(values, room):
    # digits about 0.62 of the 14 px text wide, plus a 12 px gap: 1 character 8 + 12 = 20;
    # five characters 43 + 12 = 55; two 17 + 12 = 29
    assert charts.value_room(values) == room
