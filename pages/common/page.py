"""What every page starts with: its title, the period and cohort it shows, and the empty case.

The frame (dashboard.py) stores a `FrameContext` in the session before running the page;
`page_header` draws the title and a context line (period, census date, when the data was
loaded, how many children match the filters, which filters are on) and stops the page with a
plain message when there is nothing to show, so no page ever draws an empty chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import streamlit as st

from figures.care import CARE_NOT_SUPPLIED
from figures.format import fmt_date, fmt_datetime
from figures.frame import Frame, frame
from figures.status import source_words
from figures.values import Note
from pages.common import state as page_state
from pages.common.markup import escape_md
from trust.viewer import current as current_viewer

CONTEXT_KEY = "_oos_frame_context"


def filter_summary() -> list[str]:
    """The filters the figures are counted on, in words (the figures layer's one description,
    the team restriction of a caseworker included)."""
    ctx = frame_context()
    return list(ctx.frame.filters) if ctx.frame is not None else []


def about_markdown(notes: tuple[Note, ...]) -> str:
    """The "About this figure" notes as Markdown: each heading bold, each text escaped."""
    return "\n\n".join(f"**{escape_md(n.heading)}:** {escape_md(n.text)}" for n in notes)


@dataclass
class FrameContext:
    """Shared by the frame with the page for one script run."""

    filter: object | None  # the CohortFilter the sidebar asked for; None: no period loaded
    periods: list[str] = field(default_factory=list)
    info: dict = field(default_factory=dict)
    frame: Frame | None = None  # the figures layer's frame: counts as the viewer may see them

    @property
    def period(self) -> str | None:
        return self.filter.period if self.filter is not None else None

    @property
    def period_name(self) -> str:
        return self.frame.period_name if self.frame is not None else "–"

    @property
    def census(self):
        return self.frame.census if self.frame is not None else None

    @property
    def as_at(self):
        return self.frame.as_at if self.frame is not None else None

    @property
    def care_supplied(self) -> bool:
        return self.frame.care_supplied if self.frame is not None else True

    @property
    def loaded_at(self):
        return self.frame.loaded_at if self.frame is not None else None

    @property
    def count(self):
        """Children matching the filters, as the viewer may see it (text `c` when protected)."""
        return self.frame.count if self.frame is not None else 0

    @property
    def source(self) -> str:
        if self.frame is not None:
            return self.frame.source
        return source_words(bool(self.info.get("synthetic")))


def build_context(status, cohort_filter) -> FrameContext:
    """The context of one run: the filter asked for and the frame the figures are counted in."""
    return FrameContext(
        filter=cohort_filter,
        periods=status.periods,
        info=status.info,
        frame=frame(cohort_filter, loaded_at=status.loaded_at.get(cohort_filter.period)),
    )


def frame_context() -> FrameContext:
    return st.session_state.get(CONTEXT_KEY) or FrameContext(filter=None)


def ensure_frame() -> None:
    """Make sure the page runs inside dashboard.py's frame (gate, sidebar, banner, context).

    Because the project keeps its pages in a folder named `pages/`, Streamlit 1.67 starts each
    server process (and each AppTest run) in its old "pages directory" mode: until the first
    `st.navigation` call switches that mode off, a request for /breakdowns runs
    pages/breakdowns.py on its own, without the frame. That happens to the first visitor of a
    fresh server who opens a shared link, and to anyone else whose run starts while the first
    visitor's run has not yet reached the navigation (the mode is one flag for the process,
    read when a run starts), so the flag alone cannot tell: the frame names the viewer on
    every run before it runs a page, so a page with no viewer did not come through the frame.
    Switching the mode off and rerunning sends the same request through dashboard.py, whose
    navigation then picks this page (same URL path, same page hash), with the URL's filters
    intact and the sign-in gate in front of it.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory or current_viewer() is None:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_header(
    title: str, intro: str = "", *, needs_period: bool = True, allow_empty: bool = False
) -> FrameContext:
    """Title, context line and the 'nothing to show' cases; returns the frame's context.

    Every page calls this first (it also makes sure the page runs inside the frame).
    """
    ensure_frame()
    ctx = frame_context()
    st.title(title, anchor=False)
    if intro:
        st.markdown(intro)
    if ctx.filter is None:
        if needs_period:
            st.info(
                "No cohort snapshot has been loaded yet, so there is nothing to show. Load an "
                "extract with `python -m data.load cohort FILE --period YYYY-MM`."
            )
            st.stop()
        return ctx
    fr = ctx.frame
    for problem in fr.problems:  # filters the figures could not follow (shown by the frame)
        page_state.notice(problem, this_run=True)
    loaded = fr.loaded_at
    # A level-2 heading styled as a caption (pages/common/a11y.py): headings then run h1, h2,
    # h3 with no level skipped. Every part is escaped; none is free text from an extract.
    who = "child" if fr.count == 1 else "children"
    teams = f" in your SEN teams ({', '.join(fr.teams)})" if fr.teams is not None else ""
    if fr.asked:
        whom = f" match the filters (of {fr.total_text}{teams})"
    else:
        whom = teams or " in the cohort"
    line = (
        f"<strong>{escape(ctx.period_name)}</strong> · census date {escape(fmt_date(fr.census))}"
        + (f" · data loaded {escape(fmt_datetime(loaded))}" if loaded else "")
        + f" · <strong>{escape(fr.count_text)}</strong> {who}{escape(whom)}"
    )
    st.html(f'<h2 class="oos-context">{line}</h2>')
    if fr.narrowed:
        st.caption("Filters: " + escape_md("; ".join(fr.filters)))
    if not fr.care_supplied:
        st.caption(f"{CARE_NOT_SUPPLIED}: care status and 'out of sight' are not shown.")
    if fr.empty and not allow_empty:
        if fr.cohort_empty:
            st.info(f"No children are recorded in the {ctx.period_name} snapshot.")
        else:
            st.info(
                f"No children match these filters in {ctx.period_name}. Widen or clear the "
                "filters in the sidebar."
            )
        st.stop()
    return ctx
