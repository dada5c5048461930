"""What the pages listing children (Today, Priority cases) share: the line saying which rows are
shown, a panel showing the chosen child's reasons in full, and the whole list's CSV and Excel
downloads (audited and formula-safe, pages/common/pupil_export.py). The rows, their links and
their page numbers come from the figures layer (figures/lists.py)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import streamlit as st

from figures.lists import Paging
from pages.common.markup import escape_md
from pages.common.pupil_export import pupil_download


def list_caption(paging: Paging) -> str:
    """'Children 51 to 100 of 356' (the numbers the figures layer worked out)."""
    if paging.total == 0:
        return "No children"
    return f"Children {paging.first:,} to {paging.last:,} of {paging.total:,}"


def download_buttons(
    what: str, table: Callable[[], pd.DataFrame], file_stem: str, sheet: str, key: str
) -> None:
    """'Download <what> (CSV)' and '(Excel)' side by side. `table` runs only on a click (the
    whole list is fetched then, not on every run of the page)."""
    left, right = st.columns(2)
    # Through the audited export (pages/common/pupil_export.py): recorded with the file name,
    # made on the click, and not offered at all to roles that may not take children's rows.
    pupil_download(f"Download {what} (CSV)", table, f"{file_stem}.csv", key=f"{key}-csv",
                   container=left)  # fmt: skip
    pupil_download(f"Download {what} (Excel)", table, f"{file_stem}.xlsx", key=f"{key}-xlsx",
                   container=right, sheet=sheet)  # fmt: skip


def detail_panel(table: pd.DataFrame, selection, label: str) -> None:
    """The chosen row's reasons (its "Why", one per line, as plain text that wraps) and a link
    to the child's chronology (the row's own Chronology link, with what it carries); the first
    row until one is picked (nothing for an empty list). `label` names the column shown beside
    the child's ID ("Tier", "Priorities met")."""
    if table.empty:
        return
    chosen = list(getattr(selection, "selection", {}).get("rows", [])) if selection else []
    chosen = [i for i in chosen if 0 <= i < len(table)]
    row = table.iloc[chosen[0]] if chosen else table.iloc[0]
    with st.container(border=True):
        st.markdown(
            f"**{escape_md(row['Child ID'])}** · {escape_md(label)}: {escape_md(row[label])}"
            + ("" if chosen else " · the first child listed; pick a row to see another")
        )
        for reason in str(row["Why"]).split("; "):
            st.text(f"• {reason}")
        st.page_link(
            "pages/chronology.py",
            label=f"Open the chronology of {row['Child ID']}",
            # the row's link less its period: the sidebar's bound period goes with the page
            # (named twice, a Back to the list would carry it twice)
            query_params={
                k: v for k, v in parse_qsl(urlsplit(str(row["Chronology"])).query) if k != "period"
            },
            icon=":material/timeline:",
        )
