"""Today: the children who need action now, most severe first, each with its reasons in words.

The first page a QA officer opens. The flags come from the `case_flags` view at the period's
census date; the reasons are written by `queries.casework.reasons` (tested), not here.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from pages.common.format import fmt_int
from pages.common.page import page_header
from pages.common.pupil_export import pupil_download
from queries.casework import (
    FLAG_LABELS,
    flags_available,
    flags_by_period,
    reason_text,
    setting,
    today_list,
)
from queries.casework import settings as flag_settings

PAGE_SIZE = 50
EXPORT_LIMIT = 1000  # the largest page the choke point hands out in one go

ctx = page_header(
    "Today",
    "Children who need action now, most severe first. **Out of sight** children lead the list: "
    "their provision is unknown and they are looked after, on a child protection plan or a "
    "child in need. Then come the children with the most flags, then the longest without "
    "provision.",
)
if not flags_available():
    st.info(
        "This database was published before case flags existed. Load the next extract (or the "
        "casework log) again to add them."
    )
    st.stop()

f = ctx.filter
values = flag_settings()
stall_days = int(setting(values, "flags.stall_days"))
counts = flags_by_period(f)
summary = counts.iloc[0] if not counts.empty else pd.Series(dtype="int64")


def count(name: str) -> int:
    return int(summary.get(name, 0) or 0)


needing = count("needs_action")
columns = st.columns(4)
shown = [
    ("needs_action", "Need action", "Children with at least one flag, or out of sight."),
    ("out_of_sight", "Out of sight", FLAG_LABELS["out_of_sight"]),
    (
        "s19_due",
        "Section 19 provision due",
        f"No provision for {int(setting(values, 'flags.s19_days'))} days or more.",
    ),
    ("stalled", "No recent action", f"No casework event in the last {stall_days} days."),
    ("repeated_offer", "Offered again after refusing", FLAG_LABELS["repeated_offer"]),
    (
        "consultation_chain",
        "Long consultation chains",
        f"{int(setting(values, 'flags.consultation_chain'))} or more consultations since "
        "leaving school.",
    ),
    ("annual_review_overdue", "Annual review overdue", FLAG_LABELS["annual_review_overdue"]),
    ("import_review_due", "Imported plan review due", FLAG_LABELS["import_review_due"]),
]
for i, (name, label, help_text) in enumerate(shown):
    columns[i % 4].metric(label, fmt_int(count(name)), help=help_text, border=True)

if needing == 0:
    st.success(f"No child in the filtered cohort needs action at {ctx.period_name}.")
    st.stop()


def chronology_link(child_id: str) -> str:
    """The chronology page for this child and period (a relative link: same server)."""
    return "chronology?" + urlencode({"child": child_id, "period": f.period})


def list_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Today's rows as shown: reasons in words, then the facts behind them."""
    return pd.DataFrame(
        {
            "Child ID": rows["child_id"],
            "Chronology": [chronology_link(c) for c in rows["child_id"]],
            "Why": [reason_text(r) for _, r in rows.iterrows()],
            "Flags": rows["flags_raised"],
            "Days without provision": rows["days_without_provision"],
            "Terms without provision": rows["terms_without_provision"],
            "Last action": rows["last_event_date"],
            "District": rows["district"],
            "SEN team": rows["sen_team"],
            "Placement status": rows["placement_status"],
        }
    )


pages = max(1, math.ceil(needing / PAGE_SIZE))
slot = st.container()
page = min(max(1, st.pagination(pages, key="today_page", bind="query-params")), pages)
rows = today_list(f, page, PAGE_SIZE)
first = (page - 1) * PAGE_SIZE + 1
with slot:
    st.subheader(f"{fmt_int(needing)} children need action", anchor=False)
    st.caption(
        f"Children {first:,} to {first + len(rows) - 1:,} of {needing:,}, most severe first. "
        f"Flags at the census date of {ctx.period_name}; casework after that date is not "
        "counted. Open a child's chronology for the whole story."
    )
    st.dataframe(
        list_table(rows),
        hide_index=True,
        column_config={
            "Chronology": st.column_config.LinkColumn("Chronology", display_text="Open"),
            "Why": st.column_config.TextColumn("Why", width="large"),
            "Days without provision": st.column_config.NumberColumn(format="localized"),
            "Last action": st.column_config.DateColumn(format="D MMM YYYY"),
        },
        key="today-table",
    )


def export() -> pd.DataFrame:
    # Runs only when the button is clicked; the list goes through the pupil-level choke point
    # (audited as an export of the file, see pages/common/pupil_export.py).
    frames = [
        today_list(f, n, EXPORT_LIMIT) for n in range(1, math.ceil(needing / EXPORT_LIMIT) + 1)
    ]
    return list_table(pd.concat(frames, ignore_index=True)).drop(columns=["Chronology"])


pupil_download("Download the whole list (CSV)", export, f"today_{f.period}.csv", key="today-csv")
with st.expander("How the flags are worked out"):
    for name, (value, reason) in values.items():
        if name.startswith("flags."):
            st.markdown(f"**{name.removeprefix('flags.').replace('_', ' ')}: {value:g}**")
            st.caption(reason)
    st.caption(
        "Severity order: out of sight first, then the number of flags raised, then days "
        "without provision (longest first; unknown last). The same definitions are in the "
        "database's case_flags view for analysts."
    )
