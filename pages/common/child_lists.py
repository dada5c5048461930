"""What the pages listing children (Today, Priority cases) share: the link to a child's
chronology, a panel showing the chosen child's reasons in full, the whole list fetched page by
page through the pupil-level choke point, and its CSV and Excel downloads (audited and
formula-safe, pages/common/pupil_export.py)."""

from __future__ import annotations

import math
from collections.abc import Callable
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from pages.common.markup import escape_md
from pages.common.pupil_export import pupil_download

EXPORT_LIMIT = 1000  # the largest page the choke point hands out in one go


def chronology_link(child_id: str, period: str) -> str:
    """The chronology page for this child and period (a relative link: same server)."""
    return "chronology?" + urlencode({"child": child_id, "period": period})


def whole_list(fetch_page: Callable[[int, int], pd.DataFrame], rows: int) -> pd.DataFrame:
    """Every row of a paged list of `rows` rows: fetch_page(page, size) for each page."""
    pages = max(1, math.ceil(rows / EXPORT_LIMIT))
    return pd.concat([fetch_page(n, EXPORT_LIMIT) for n in range(1, pages + 1)], ignore_index=True)


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


def detail_panel(table: pd.DataFrame, selection, period: str, label: str) -> None:
    """The chosen row's reasons (its "Why", one per line, as plain text that wraps) and a link
    to the child's chronology; the first row until one is picked. `label` names the column
    shown beside the child's ID ("Tier", "Priorities met")."""
    chosen = list(getattr(selection, "selection", {}).get("rows", [])) if selection else []
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
            query_params={"child": row["Child ID"], "period": period},
            icon=":material/timeline:",
        )
