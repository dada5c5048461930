"""One figure block: active title, caption, chart, table view, CSV download, "About" note.

Every chart on the dashboard goes through `show_figure`, so each has the same parts in the same
places (the DfE dashboards' pattern): the title states the finding, the caption says what was
counted and when, the chart and a table of the same numbers sit in tabs, the CSV holds exactly
the table's numbers, and "About this figure" explains what is counted and the caveats.
"""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from figures.values import Figure
from pages.common import state as page_state
from pages.common.chart_images import camera_config, file_stem, image_buttons, label_for_screen
from pages.common.exports import csv_bytes, export_info
from pages.common.markup import escape_md, escape_text
from pages.common.page import about_markdown
from pages.common.print_table import print_table_html
from pages.common.pupil_export import pupil_download

# Buttons that make no sense for bar charts of counts; the PNG export stays.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "zoomIn2d", "zoomOut2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def rounded_percentages(table: pd.DataFrame) -> pd.DataFrame:
    """Percentages to one decimal place, as the table shows them (counts stay whole)."""
    out = table.copy()
    for column in out.columns:
        lowered = str(column).lower()
        if pd.api.types.is_float_dtype(out[column]) and (
            "percent" in lowered or "share" in lowered
        ):
            out[column] = out[column].round(1)
    return out


def safe_file_name(name: str) -> str:
    """A download file name made only of letters, digits, dashes, dots and underscores."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")
    return name if name.endswith(".csv") else f"{name}.csv"


def column_config_for(table: pd.DataFrame) -> dict:
    """Counts with thousands separators and percentages to one decimal place in table views;
    a first column of names (the row headings) pinned, so that a table wider than the page
    (a cross-tab's many columns) scrolls under its headings: the column headings stay on top
    and the row headings on the left."""
    config = {}
    if len(table.columns) and not pd.api.types.is_numeric_dtype(table[table.columns[0]]):
        config[table.columns[0]] = st.column_config.Column(table.columns[0], pinned=True)
    for column in table.columns:
        lowered = str(column).lower()
        if not pd.api.types.is_numeric_dtype(table[column]):
            continue
        if "percent" in lowered or lowered.endswith("%") or "share" in lowered:
            config[column] = st.column_config.NumberColumn(column, format="%.1f%%")
        else:
            config[column] = st.column_config.NumberColumn(column, format="localized")
    return config


def show_table(table: pd.DataFrame, *, height: int | str = "auto", key: str | None = None):
    """A read-only table with people-friendly number formats and no index column."""
    st.dataframe(
        table,
        hide_index=True,
        column_config=column_config_for(table),
        height=height,
        key=key,
    )


def show_figure(
    title: str,
    caption: str,
    about: str,
    fig: go.Figure | None,
    table: pd.DataFrame,
    csv_name: str,
    *,
    key: str | None = None,
    note: str | None = None,
    pupil_ids: list[str] | None = None,
    published: bool = False,
) -> None:
    """Lay out one figure: title, caption, chart and table tabs, CSV download, About note.

    `title` is plain text (an active title from figures/words.py names categories from
    the data, a team or a council): it is escaped HERE, once, so a name holding Markdown, HTML
    or a link shows as typed and makes the browser fetch nothing. Callers pass it unescaped.
    `caption` and `about` are Markdown the page built (FrameContext.caption and .about escape
    what came from the data). The CSV holds the table exactly.
    `note` is a line shown under the chart (a map's attribution, for instance).
    `pupil_ids`: the figure shows these children's own rows (a chronology), so its CSV is an
    audited pupil-level download made on click (pages/common/pupil_export.py).
    """
    key = key or safe_file_name(csv_name)
    # keyed, so that the print rules (pages/common/a11y.py) find the figure's parts
    with st.container(border=True, key=f"figure-{key}"):
        st.subheader(escape_text(title), anchor=False)
        st.caption(caption)
        if fig is None or table.empty:
            st.info("No children to show for this figure with the filters chosen.")
            return
        # Bound to the URL (key "tab-<figure>"), so a link to the table opens on the table.
        chart_tab, table_tab = st.tabs(
            page_state.TAB_LABELS, key=page_state.tab_key(key), bind=page_state.BIND
        )
        # Title and caption drawn into the chart, so a saved image says what it shows.
        stem = file_stem(safe_file_name(csv_name))
        label_for_screen(fig, title, caption)
        with chart_tab:
            st.plotly_chart(
                fig,
                theme=None,
                config=camera_config(PLOTLY_CONFIG, fig, stem),
                key=f"chart-{key}",
                # the title is plain text: a screen reader reads it as is, no Markdown escapes
                alt=title,
            )
            if note:
                st.caption(note)
        with table_tab:
            show_table(table, key=f"table-{key}")
        # the same table for paper, printed under the chart (hidden on screen)
        st.html(print_table_html(table))
        # "Download CSV" with its icon needs about 150 px: a sixth of a 1280-px screen's main
        # column cut it to "Downloa..."
        left, png, svg, right = st.columns([3, 2, 2, 5], vertical_alignment="center")
        with png:
            image_buttons(fig, stem, key, only="png")
        with svg:
            image_buttons(fig, stem, key, only="svg")
        with left:
            if pupil_ids is not None:
                pupil_download(
                    "Download CSV",
                    lambda: rounded_percentages(table),
                    safe_file_name(csv_name),
                    key=f"csv-{key}",
                    rows_in_hand=True,
                    child_ids=pupil_ids,
                    info=export_info(title, pupil_level=True),
                )
            else:
                st.download_button(
                    "Download CSV",
                    # the file says what it holds: title, period, filters, source, when made
                    data=csv_bytes(
                        rounded_percentages(table), info=export_info(title, published=published)
                    ),
                    file_name=safe_file_name(csv_name),
                    mime="text/csv",
                    key=f"csv-{key}",
                    on_click="ignore",
                    icon=":material/download:",
                )
        with right:
            with st.expander("About this figure"):
                st.markdown(about)


def show(figure: Figure, chart: go.Figure | None, *, pupil_ids: list[str] | None = None) -> None:
    """Lay out a figure from the figures layer: its title, caption, chart (drawn by the page
    from `figure.chart`), table, downloads and "About this figure", escaped here, once."""
    table = figure.table.frame()
    show_figure(
        figure.title,
        escape_md(figure.caption),
        about_markdown(figure.about),
        None if figure.chart.empty and figure.table.empty else chart,
        table,
        figure.file_name,
        key=figure.key,
        note=escape_md(figure.note) if figure.note else None,
        pupil_ids=pupil_ids,
        published=figure.protected,
    )
