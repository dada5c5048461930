"""The district map's colour scale covers the twelve districts only (issue 9 item 4)."""

from __future__ import annotations

from plotly.colors import sample_colorscale

from pages.common.charts import SEQUENTIAL_SCALE
from pages.common.district_map import district_shapes, map_figure


def test_off_map_categories_do_not_stretch_the_colour_scale():
    names = [name for name, _ in district_shapes()]
    # twelve districts with 95 to 150 children (5 apart), plus 15 not recorded, 49 out of county
    values = {name: 95.0 + 5 * i for i, name in enumerate(names)}
    values.update({"Not recorded": 15.0, "Out of county": 49.0})
    fig = map_figure(values, {}, "Children")
    fills = {t.name: t.fillcolor for t in fig.data if t.fill == "toself"}
    lightest, darkest = sample_colorscale(SEQUENTIAL_SCALE, [0.0, 1.0])
    assert fills[names[0]] == lightest  # 95, the smallest district, not 15
    assert fills[names[-1]] == darkest  # 150
    # the district half-way (120 of 95..150: 25/55) sits under the middle, not in the dark half
    middle = sample_colorscale(SEQUENTIAL_SCALE, 25 / 55)[0]
    assert fills[names[5]] == middle


def test_small_multiple_titles_fit_their_panels():
    import pandas as pd

    from pages.common.charts import fit_title, small_multiples

    assert fit_title("Speech, language and communication needs", 24) == "Speech, language and co…"
    assert fit_title("Short", 24) == "Short"
    codes = ["ASD", "SLCN", "SPLD", "PMLD", "SEMH", "HI", "VI", "NSA"]
    data = pd.DataFrame(
        {
            "period": ["2026-09", "2026-10"] * len(codes),
            "category": [c for c in codes for _ in range(2)],
            "children": [1, 2] * len(codes),
        }
    )
    fig = small_multiples(data, "primary_need")
    titles = [a.text for a in fig.layout.annotations]
    assert len(titles) == 8
    assert all(len(t) <= 24 for t in titles), titles
    # four panels a row, each (1 - 3 gaps of 0.04) / 4 = 0.22 wide: titles start at 0, 0.26,
    # 0.52, 0.78 and are at most 24 characters (about 170 px of a 1000 px chart's 220 px panel)
    assert sorted({round(a.x, 2) for a in fig.layout.annotations}) == [0.0, 0.26, 0.52, 0.78]
