"""What the pages listing children (Today, Priority cases) share: the link to a child's
chronology, the whole list fetched page by page through the pupil-level choke point, and its
CSV and Excel downloads (audited and formula-safe, pages/common/pupil_export.py)."""

from __future__ import annotations

import math
from collections.abc import Callable
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

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
