"""The sidebar switch "Figures as published (small numbers protected)".

Roles that see aggregates only always see figures as published (a role fact: trust/roles.py);
the switch is drawn on and cannot be turned off for them. Other roles turn it on to preview
what a committee will see: the frame (dashboard.py) marks the viewer, and every figure of the
run is then made as published by the figures layer (figures/audience.py). The switch's value
is read before it is drawn, because the frame needs it before any figure is counted.
"""

from __future__ import annotations

import streamlit as st

from figures.protect import SMALL_MAX, SUPPRESSED

KEY = "suppress_small"  # the switch's session key (not in the URL)
LABEL = "Figures as published (small numbers protected)"


def asked() -> bool:
    """The switch's value in this run (the session holds it before the widget is drawn)."""
    return bool(st.session_state.get(KEY, False))


def sidebar_switch(viewer) -> None:
    """Draw the switch in the sidebar, under the filters."""
    if viewer is not None and viewer.always_published:
        st.sidebar.toggle(
            LABEL,
            value=True,
            disabled=True,
            key="_suppress_forced",
            help=f"Always on for your role: counts of 1 to {SMALL_MAX} are shown as "
            f"{SUPPRESSED}, and the rest as published (see About this figure).",
        )
        return
    st.sidebar.toggle(
        LABEL,
        key=KEY,
        help=f"See the pages of figures as a committee will: counts of 1 to {SMALL_MAX} shown "
        f"as {SUPPRESSED}, and the rest as published. Off: exact counts, for casework.",
    )
