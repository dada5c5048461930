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

from pages.common.format import (
    census_date,
    escape_md,
    fmt_date,
    fmt_datetime,
    fmt_int,
    period_label,
)
from trust.viewer import current as current_viewer

CONTEXT_KEY = "_oos_frame_context"


def filter_summary() -> list[str]:
    """The sidebar's filters in words, from the one description of the filters (state.py)."""
    from pages.common import state as page_state

    return page_state.describe(st.session_state)


@dataclass
class FrameContext:
    """Shared by the frame with the page for one script run."""

    filter: object | None  # CohortFilter, or None when no period is loaded
    periods: list[str] = field(default_factory=list)
    info: dict = field(default_factory=dict)
    count: int = 0  # children matching the filters in the period
    total: int = 0  # children in the period before filtering
    loaded_at: object = None  # when the period's snapshot was loaded
    # the date the period's case flags are worked out at (a SEN2 return inside the month),
    # and whether its care status was supplied (queries/period_dates.py)
    as_at: object = None
    care_supplied: bool = True

    @property
    def period(self) -> str | None:
        return self.filter.period if self.filter is not None else None

    @property
    def period_name(self) -> str:
        return period_label(self.period)

    @property
    def census(self):
        return census_date(self.period) if self.period else None

    @property
    def filtered(self) -> bool:
        return bool(self.filter.describe()) if self.filter is not None else False

    @property
    def population(self) -> str:
        """Who a figure counts, for captions: the cohort, narrowed by the filters when set."""
        base = "Children with an EHC plan out of school (no placement or provision unknown)"
        return f"{base}, filtered" if self.filtered else base

    @property
    def source(self) -> str:
        if self.info.get("synthetic"):
            return "Synthetic demonstration data"
        return "Case-management system extract"

    def caption(self, measure: str, when: str | None = None) -> str:
        """'Children out of school by district, June 2023. <population>. Source: …. Census…'.

        `when` replaces the period's name for figures that span periods ('June 2022 to June
        2023'); the census date is then each period's last day.
        """
        census = (
            "Census date: the last day of each month"
            if when
            else f"Census date {fmt_date(self.census)}"
        )
        return escape_md(
            f"{measure}, {when or self.period_name}. {self.population}. "
            f"Source: {self.source}. {census}."
        )

    def about(self, counted: str, caveats: str = "") -> str:
        """The 'About this figure' note: what is counted, which extract, census date, caveats."""
        loaded = self.loaded_at
        parts = [
            f"**What is counted:** {counted}",
            f"**Extract:** {self.source.lower()}, reporting period {self.period_name}"
            + (f", loaded {fmt_datetime(loaded)}" if loaded else "")
            + ".",
            f"**Census date:** {fmt_date(self.census)}. Ages, year groups and days out of "
            "school are worked out at this date.",
        ]
        if self.filtered:
            parts.append("**Filters:** " + escape_md("; ".join(filter_summary())) + ".")
        if caveats:
            parts.append(f"**Caveats:** {caveats}")
        return "\n\n".join(parts)


def build_context(status, cohort_filter) -> FrameContext:
    """The context of one run: the filter, the cohort's size, when the period was loaded."""
    from queries.pupil import cohort_count

    context = FrameContext(filter=cohort_filter, periods=status.periods, info=status.info)
    context.count = cohort_count(cohort_filter)
    context.total = (
        cohort_count(type(cohort_filter)(period=cohort_filter.period))
        if context.filtered
        else context.count
    )
    context.loaded_at = status.loaded_at.get(cohort_filter.period)
    from queries.period_dates import period_dates

    dates = period_dates(cohort_filter.period)
    context.as_at = dates.as_at_date if dates else context.census
    context.care_supplied = dates.care_status_supplied if dates else True
    return context


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


def _count(n: int) -> str:
    # The cohort's size is a count like any other: 1 to 5 reads c when small numbers are hidden.
    from pages.common.smallnumbers import count_text

    shown = count_text(n)
    return shown if isinstance(shown, str) else fmt_int(shown)


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
    loaded = ctx.loaded_at
    # A level-2 heading styled as a caption (pages/common/a11y.py): headings then run h1, h2,
    # h3 with no level skipped. Every part is escaped; none is free text from an extract.
    who = "child" if ctx.count == 1 and _count(1) != "c" else "children"
    line = (
        f"<strong>{escape(ctx.period_name)}</strong> · census date {escape(fmt_date(ctx.census))}"
        + (f" · data loaded {escape(fmt_datetime(loaded))}" if loaded else "")
        + f" · <strong>{escape(_count(ctx.count))}</strong> {who}"
        + (
            f" match the filters (of {escape(_count(ctx.total))})"
            if ctx.filtered
            else " in the cohort"
        )
    )
    st.html(f'<h2 class="oos-context">{line}</h2>')
    if ctx.filtered:
        st.caption("Filters: " + escape_md("; ".join(filter_summary())))
    if not ctx.care_supplied:
        from queries.period_dates import CARE_NOT_SUPPLIED

        st.caption(f"{CARE_NOT_SUPPLIED}: care status and 'out of sight' are not shown.")
    if ctx.count == 0 and not allow_empty:
        if ctx.total == 0:
            st.info(f"No children are recorded in the {ctx.period_name} snapshot.")
        else:
            st.info(
                f"No children match these filters in {ctx.period_name}. Widen or clear the "
                "filters in the sidebar."
            )
        st.stop()
    return ctx
