"""The frame's accessibility and print rules: one stylesheet, static text only.

- Caption text: Streamlit's default caption grey is about 3.9:1 on white (WCAG 2.2 AA asks
  4.5:1 for text under 18pt); captions carry the census date and the population of every
  figure, so they are drawn in #505a5f (GOV.UK's secondary text colour, 7:1 on white).
- Keyboard: Streamlit 1.67 puts its own "Skip to main content" link first and the sidebar's
  filters next in tab order (the period picker is the third tab stop), so no skip link of
  ours is needed; tests/browser/test_accessibility.py keeps that true.
- The page's context line is a level-2 heading styled as a caption, so headings run h1 (the
  page), h2 (period and cohort), h3 (each figure) without a skipped level.
- Print (A4): no sidebar, top bar, toolbars, buttons or tabs' "About" expanders; the main
  area takes the page's full width and charts shrink to fit it (plotly's SVG scales with
  its container), figures are not split across pages where it can be avoided.

No value from the data or the session is ever written into this HTML.
"""

from __future__ import annotations

import streamlit as st

CAPTION_COLOUR = "#505a5f"

STYLE = f"""
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stMetricDeltaDescription"], [data-testid="stWidgetLabel"] small,
[data-testid="stSliderTickBarMin"], [data-testid="stSliderTickBarMax"] {{
  color: {CAPTION_COLOUR} !important;
  opacity: 1 !important;
}}
h2.oos-context {{
  font-size: 0.875rem; font-weight: 400; line-height: 1.6; color: {CAPTION_COLOUR};
  padding: 0; margin: 0 0 0.5rem 0;
}}
h2.oos-context strong {{ font-weight: 700; }}
@media print {{
  @page {{ size: A4; margin: 12mm; }}
  [data-testid="stSidebar"], [data-testid="stHeader"], header, [data-testid="stToolbar"],
  [data-testid="stDecoration"], .modebar-container, [data-testid="stElementToolbar"],
  [data-testid="stDownloadButton"], [data-testid="stExpander"],
  [data-testid="stSidebarCollapsedControl"], [data-testid="stBaseButton-headerNoPadding"] {{
    display: none !important;
  }}
  [data-testid="stAppViewContainer"], [data-testid="stMain"], section.main {{
    margin: 0 !important; padding: 0 !important; width: 100% !important;
    max-width: 100% !important; left: 0 !important; overflow: visible !important;
  }}
  [data-testid="stMainBlockContainer"] {{
    padding: 0 !important; max-width: 100% !important; width: 100% !important;
  }}
  .js-plotly-plot, .js-plotly-plot .plot-container, .js-plotly-plot .svg-container,
  .js-plotly-plot svg.main-svg {{
    max-width: 100% !important;
  }}
  [data-testid="stVerticalBlockBorderWrapper"] {{ break-inside: avoid; }}
}}
</style>
"""


def apply() -> None:
    """The stylesheet, drawn by the frame before anything else."""
    st.html(STYLE)
