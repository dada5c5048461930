"""Care status "not supplied": what a page shows instead of zeros.

A period loaded from the SEN2 return without the Standard Safeguarding Dataset has no care
status (queries/period_dates.py says which): every child would read None and nobody "out of
sight". A page that would show care status or out of sight for such a period shows the notice
below instead, and a headline count shows `NOT_SUPPLIED` instead of 0.
"""

from __future__ import annotations

import streamlit as st

from queries.period_dates import (
    CARE_NOT_SUPPLIED,
    CARE_NOT_SUPPLIED_DETAIL,
    care_status_supplied,
)

NOT_SUPPLIED = "Not supplied"


def notice(periods: tuple[str, ...] = ()) -> None:
    which = f" ({', '.join(periods)})" if periods else ""
    st.info(f"{CARE_NOT_SUPPLIED}{which}. {CARE_NOT_SUPPLIED_DETAIL}")


def stop_if_care_shown(dimensions, *periods: str) -> None:
    """Stop the page with the notice when it would break `periods` down by care status and
    any of them has no care status."""
    if "care_status" in dimensions and not care_status_supplied(*periods):
        notice()
        st.stop()


__all__ = ["NOT_SUPPLIED", "notice", "stop_if_care_shown"]
