"""The Overview's briefing pack downloads and its overdue-actions notice.

The pack (briefing/) is built only when a button is clicked (Streamlit runs the callable on the
click), for the period and filters on screen, so opening the Overview costs nothing extra.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3

import streamlit as st

from briefing.build import default_name, pack_html, pack_pdf_bytes
from figures.actions import overdue
from pages.common.markup import escape_md
from trust.access import may_open
from trust.viewer import current as current_viewer

LOG = logging.getLogger(__name__)
PLAN_PAGE = "pages/action_plan.py"


def pack_buttons(ctx) -> None:
    """'Briefing pack (PDF)' and '(HTML)' for the period and filters on screen."""
    period, cohort_filter = ctx.period, ctx.filter
    name = default_name(period)

    def pdf() -> bytes:
        return pack_pdf_bytes(period, cohort_filter=cohort_filter)

    def html() -> bytes:
        return pack_html(period, cohort_filter=cohort_filter).encode("utf-8")

    left, right, _ = st.columns([2, 2, 3], vertical_alignment="center")
    with left:
        st.download_button(
            "Briefing pack (PDF)",
            data=pdf,
            file_name=f"{name}.pdf",
            mime="application/pdf",
            key="briefing-pack-pdf",
            on_click="ignore",
            type="primary",
            icon=":material/picture_as_pdf:",
            help="The month's figures for a committee: page 1 says what needs deciding (act "
            "now, out of sight, overdue actions, the largest movements, the council's "
            "thresholds crossed); then headlines, Appendix B breakdowns, trend, map, flags, the "
            "action plan and a glossary, with these filters. Takes about ten seconds to build.",
        )
    with right:
        st.download_button(
            "Briefing pack (HTML)",
            data=html,
            file_name=f"{name}.html",
            mime="text/html",
            key="briefing-pack-html",
            on_click="ignore",
            icon=":material/description:",
            help="The same pack as one web page that opens with no network.",
        )


def overdue_notice(today: dt.date | None = None) -> None:
    """A warning listing the action plan's overdue actions (nothing when none are), each as
    the viewer may read it (figures/actions.py: a title not marked safe is not published)."""
    try:
        late = overdue(today)
    except sqlite3.Error:  # the Overview still works when the app store cannot be read
        LOG.exception("the action plan could not be read")
        return
    if not late:
        return
    lines = [f"- {escape_md(a.title)} ({escape_md(a.owner)}, due {a.due})" for a in late[:5]]
    more = f"\n\n…and {len(late) - 5} more." if len(late) > 5 else ""
    st.warning(
        f"**{len(late)} overdue action{'s' if len(late) != 1 else ''} in the action plan**\n\n"
        + "\n".join(lines)
        + more,
        icon=":material/assignment_late:",
    )
    viewer = current_viewer()
    if may_open(viewer.role if viewer else None, PLAN_PAGE):  # a page the viewer may open
        st.page_link(PLAN_PAGE, label="Open the action plan", icon=":material/checklist:")
