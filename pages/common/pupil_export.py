"""Downloads of pupil-level rows: audited, formula-safe, generated only when clicked.

`pupil_download` draws a download button whose file is made on the click (Streamlit's deferred
download), not on every run, so no file of children's rows sits at a media URL until someone
asks for it. The viewer is captured when the page is drawn (the click runs in another thread)
and marked as exporting: every pupil-level read made for the file is recorded by the choke
point (queries/pupil.py) as an export naming the file, never served from the cache.
Text cells that a spreadsheet would run as formulas are neutralised (pages/common/exports.py).

The file itself goes only to the browser session that clicked, once, within minutes
(trust/pupil_files.py, served through the guard that server.py installs). A server started
without the guard offers no file of a database holding real loads: the button is replaced by
a note saying how to start it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd
import streamlit as st

from pages.common.exports import ExportInfo, csv_bytes, excel_bytes, export_info
from queries.pupil import record_export
from trust import pupil_files
from trust.viewer import acting_as, current

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def pupil_download(
    label: str,
    rows: Callable[[], pd.DataFrame],
    file_name: str,
    *,
    key: str,
    container=None,
    icon: str = ":material/download:",
    rows_in_hand: bool = False,
    child_ids: list[str] | None = None,
    sheet: str = "Children",
    info: ExportInfo | None = None,
) -> None:
    """A download button for pupil-level `rows()` as CSV or Excel (by `file_name`'s suffix).

    `rows_in_hand`: `rows()` returns rows the page already read (a chronology's log), so no
    pupil-level query runs on the click; the export is then recorded here, naming `child_ids`
    (or the table's Child ID column). `info` (default: the view on screen) is written into the
    file: period, filters, source, marking (pages/common/exports.py)."""
    viewer = current()
    if viewer is None or not viewer.sees_pupils:
        return  # no button at all for roles that may not take children's rows away
    kind = file_name.rsplit(".", 1)[-1]
    exporting = replace(viewer, export_file=file_name)
    # read now, while the page is drawn: the click runs outside the page's script
    title = label.removeprefix("Download ").split(" (")[0]
    info = info or export_info(title[:1].upper() + title[1:], pupil_level=True)

    # Who may fetch the file: the session's cookies as the page sees them now (a request
    # with no HTTP behind it, as under AppTest, has none and can fetch nothing anyway).
    served_over_http = bool(st.context.headers)
    session = pupil_files.binding(st.context.cookies) if served_over_http else None
    guarded = served_over_http and pupil_files.guard_active()
    if served_over_http and not (guarded and session) and not info.synthetic:
        (container or st).caption(
            f"{label}: not offered. Files of children's rows are handed out only by the "
            "dashboard's own server (`streamlit run server.py`), with Streamlit's XSRF "
            "protection on (README, *Deployment*)."
        )
        return

    def make() -> bytes:
        with acting_as(exporting):
            table = rows()
            if rows_in_hand:
                record_export(table, file_name, exporting, child_ids)
        data = (
            excel_bytes(table, sheet=sheet, info=info)
            if kind == "xlsx"
            else csv_bytes(table, info=info)
        )
        # through the guard: Streamlit stores and serves a placeholder, never the rows
        return pupil_files.register(data, session) if guarded and session else data

    (container or st).download_button(
        label,
        data=make,
        file_name=file_name,
        mime=MIME.get(kind, "application/octet-stream"),
        key=key,
        on_click="ignore",
        icon=icon,
    )
