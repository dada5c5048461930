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

from pages.common import state as page_state
from pages.common.exports import csv_bytes

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


def plain_text(markdown: str) -> str:
    """A title as a screen reader should read it: Markdown escapes removed ('\\(37\\.3%\\)'
    -> '(37.3%)'). The chart's name is an attribute, not Markdown, so nothing is rendered."""
    return re.sub(r"\\(.)", r"\1", str(markdown))


def safe_file_name(name: str) -> str:
    """A download file name made only of letters, digits, dashes, dots and underscores."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")
    return name if name.endswith(".csv") else f"{name}.csv"


def column_config_for(table: pd.DataFrame) -> dict:
    """Counts with thousands separators and percentages to one decimal place in table views."""
    config = {}
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
) -> None:
    """Lay out one figure: title, caption, chart and table tabs, CSV download, About note.

    `title`, `caption` and `about` are the page's own words; anything in them that came from
    the data must already be escaped (`escape_md`). The CSV holds the table exactly.
    `note` is a line shown under the chart (a map's attribution, for instance).
    """
    key = key or safe_file_name(csv_name)
    with st.container(border=True):
        st.subheader(title, anchor=False)
        st.caption(caption)
        if fig is None or table.empty:
            st.info("No children to show for this figure with the filters chosen.")
            return
        # Bound to the URL (key "tab-<figure>"), so a link to the table opens on the table.
        chart_tab, table_tab = st.tabs(
            page_state.TAB_LABELS, key=page_state.tab_key(key), bind=page_state.BIND
        )
        with chart_tab:
            st.plotly_chart(
                fig, theme=None, config=PLOTLY_CONFIG, key=f"chart-{key}", alt=plain_text(title)
            )
            if note:
                st.caption(note)
        with table_tab:
            show_table(table, key=f"table-{key}")
        left, right = st.columns([1, 3], vertical_alignment="center")
        with left:
            st.download_button(
                "Download CSV",
                data=csv_bytes(rounded_percentages(table)),
                file_name=safe_file_name(csv_name),
                mime="text/csv",
                key=f"csv-{key}",
                on_click="ignore",
                icon=":material/download:",
            )
        with right:
            with st.expander("About this figure"):
                st.markdown(about)
