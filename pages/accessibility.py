"""Accessibility statement: what was tested, how, the known limits, and how to report a problem.

Static text (the public sector accessibility regulations ask every council web service for one).
The figures quoted are checked by tests/browser/test_accessibility.py, which runs axe-core on
every page.
"""

from __future__ import annotations

import streamlit as st

from pages.common.page import ensure_frame

ensure_frame()
st.title("Accessibility statement", anchor=False)
st.markdown(
    "This dashboard is for council staff who work with children with an EHC plan who are out "
    "of school. We want as many people as possible to be able to use it: to change colours "
    "and text size, zoom in up to 400% without losing content, get from the start of each "
    "page to the filters with the keyboard, and read every chart as a table with a screen "
    "reader."
)
st.header("How accessible this dashboard is", anchor=False)
st.markdown(
    "The dashboard aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level "
    "AA, the standard for public sector websites in the UK.\n\n"
    "- Every chart has a title that states its finding, a caption saying what is counted and "
    "when, a **Table** tab with the same numbers, and a CSV download.\n"
    "- Colour is never the only signal: bars carry their numbers, lines their labels, and the "
    "map's table lists every district.\n"
    "- With the keyboard, a **Skip to main content** link comes first, then the filters.\n"
    "- Each page has its own title in the browser tab, and headings run in order.\n"
    "- Printing a page leaves out the sidebar and buttons and fits the charts to A4."
)
st.header("What was tested, and how", anchor=False)
st.markdown(
    "Every page is checked automatically in the Chromium browser with **axe-core 4** (Deque "
    "Systems) against WCAG 2.0, 2.1 and 2.2 A and AA rules, each time the software changes; a "
    "serious or critical problem stops a release. The checks run on the synthetic "
    "demonstration data. Keyboard order, the skip link, page titles and the print layout are "
    "tested in the same browser."
)
st.header("Known limits", anchor=False)
st.markdown(
    "- Automated checks find about a third of accessibility problems. The dashboard has not "
    "yet been tested by disabled users or with every screen reader (NVDA, JAWS, VoiceOver).\n"
    "- Charts are drawn as images: a screen reader hears each chart's title and should use "
    "the **Table** tab for the numbers. Hover labels need a mouse.\n"
    "- The district map shows shape and shading; its table gives the same figures.\n"
    "- Tables of children can be wide: on a narrow screen they scroll sideways.\n"
    "- Some controls come from the Streamlit framework and their spoken names are not all "
    "ours to change."
)
st.header("Reporting a problem", anchor=False)
st.markdown(
    "If you cannot use part of this dashboard, or find a problem not listed here, tell the "
    "SEND information team through the council's IT service desk (say **Children out of "
    "school dashboard** and the page). We aim to reply within 5 working days. If you are not "
    "happy with the reply, contact the Equality Advisory and Support Service (EASS)."
)
st.caption("Statement prepared 30 November 2026. It will be reviewed when the dashboard changes.")
