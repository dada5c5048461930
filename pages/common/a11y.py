"""The frame's accessibility and print rules: one stylesheet, static text only.

- Caption text: Streamlit's default caption grey is about 3.9:1 on white (WCAG 2.2 AA asks
  4.5:1 for text under 18pt); captions carry the census date and the population of every
  figure, so they are drawn in #505a5f (GOV.UK's secondary text colour, 7:1 on white).
- Keyboard: Streamlit 1.67 puts its own "Skip to main content" link first and the sidebar's
  filters next in tab order (the period picker is the third tab stop), so no skip link of
  ours is needed; tests/browser/test_accessibility.py keeps that true.
- The page's context line is a level-2 heading styled as a caption, so headings run h1 (the
  page), h2 (period and cohort), h3 (each figure) without a skipped level.
- Print (A4 portrait): no sidebar, top bar, toolbars, buttons or "About" expanders; the main
  area takes the page's full width; figures are not split across pages where it can be
  avoided. Each figure prints its chart and, under it, its table (pages/common/print_table.py;
  the on-screen grid is a canvas, so it carries no text on paper, and its tab is not shown).
- Charts laid out for the paper, not scaled: plotly draws a chart at its container's width
  in pixels, so a chart drawn for a 1366-pixel screen runs off a 186 mm column (its longest
  bars, their values, the end of its lines and its legend lost). PRINT_SCRIPT, a static
  script, lays every chart out again for the printed width when the browser is about to print
  (`beforeprint`, which chromium fires for a person's Ctrl+P and for print-to-PDF alike) and
  back afterwards: it adds `oos-printing` to the page, which sets the main column to the
  printed width on screen too (PRINT_WIDTH), and calls plotly's relayout with that width and
  any print layout the chart carries in `layout.meta.oos_print` (pages/common/charts.py:
  heat maps' and small multiples' labels for the narrower column). Without script (a policy
  that blocks it), the print rules still apply and charts are cut as before.

No value from the data or the session is ever written into this HTML or script.
"""

from __future__ import annotations

import streamlit as st

CAPTION_COLOUR = "#505a5f"
# The printed column: A4 (210 mm) less the @page margins (2 x 12 mm), in CSS pixels (96 a inch),
# rounded down.
PAGE_MARGIN_MM = 12
PRINT_WIDTH = int((210 - 2 * PAGE_MARGIN_MM) / 25.4 * 96)

# What paper does to the page: applied by `@media print`, and on screen while the browser
# prepares to print (`html.oos-printing`, set by PRINT_SCRIPT), so that charts can be laid out
# at the widths they will be printed at. Nested rules (chromium supports CSS nesting).
PRINT_RULES = """
  [data-testid="stSidebar"], [data-testid="stHeader"], header, [data-testid="stToolbar"],
  [data-testid="stDecoration"], .modebar-container, [data-testid="stElementToolbar"],
  [data-testid="stDownloadButton"], [data-testid="stExpander"],
  [data-testid="stSidebarCollapsedControl"], [data-testid="stBaseButton-headerNoPadding"] {
    display: none !important;
  }
  [data-testid="stAppViewContainer"], [data-testid="stMain"], section.main {
    margin: 0 !important; padding: 0 !important; width: 100% !important;
    max-width: 100% !important; left: 0 !important; overflow: visible !important;
  }
  [data-testid="stMainBlockContainer"] {
    padding: 0 !important; max-width: 100% !important; width: 100% !important;
  }
  /* a figure prints its chart and its table: no tabs, the chart's panel always shown, the
     canvas grid (no text on paper) left out */
  [class*="st-key-figure-"] {
    [data-testid="stTabs"] [role="tablist"], [data-testid="stDataFrame"],
    [data-testid="stDataFrameResizable"] {
      display: none !important;
    }
    [data-testid="stTabPanel"] { display: block !important; visibility: visible !important; }
    .oos-print-table { display: block; }
  }
  [data-testid="stVerticalBlockBorderWrapper"] { break-inside: avoid; }
"""

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
.oos-print-table {{ display: none; }}
.oos-print-table table {{
  border-collapse: collapse; width: 100%; margin: 0.5rem 0 0 0; font-size: 9pt;
  line-height: 1.3; color: #0b0c0c;
}}
.oos-print-table th, .oos-print-table td {{
  border-bottom: 1px solid #b1b4b6; padding: 2px 6px 2px 0; text-align: left;
  vertical-align: top;
}}
.oos-print-table th {{ font-weight: 700; }}
.oos-print-table .oos-num {{ text-align: right; }}
.oos-print-table thead {{ display: table-header-group; }}
.oos-print-table tr {{ break-inside: avoid; }}
html.oos-printing {{
{PRINT_RULES}
  [data-testid="stMain"], [data-testid="stMainBlockContainer"] {{
    width: {PRINT_WIDTH}px !important; max-width: {PRINT_WIDTH}px !important;
    flex: none !important;
  }}
}}
@media print {{
  @page {{ size: A4 portrait; margin: {PAGE_MARGIN_MM}mm; }}
  html {{
{PRINT_RULES}
  }}
}}
</style>
"""

# Lays charts out for paper when the browser is about to print, and back afterwards (see the
# module's docstring). The page's own layout object is never changed: plotly's relayout
# changes the layout it is given, and Streamlit keeps that object as its state (a changed
# width there makes Streamlit draw the chart again at the screen's width, mid-print), so each
# chart is laid out on a copy; a chart Streamlit draws again while printing is laid out
# again (plotly_afterplot), and afterwards each chart gets the page's own layout back.
# Static text: it reads only the page's own charts. Allowed by its hash in
# deploy/nginx/oos-dashboard.conf's Content-Security-Policy (a change needs a new hash there;
# tests/test_server_network.py checks it).
PRINT_SCRIPT = """
<script>
(() => {
  if (window.__oosPrintLayout) return;
  window.__oosPrintLayout = true;
  let printing = false;
  const own = new Map();
  const fit = (gd) => {
    const Plotly = window.Plotly;
    if (!Plotly || !gd.layout || gd.layout === gd.__oosLayout) return;
    const width = Math.floor(gd.parentElement.getBoundingClientRect().width);
    if (!(width > 0)) return;
    own.set(gd, gd.layout);
    gd.__oosLayout = JSON.parse(JSON.stringify(gd.layout));
    gd.layout = gd.__oosLayout;
    const meta = gd.layout.meta || {};
    Plotly.relayout(gd, Object.assign({}, meta.oos_print || {}, {width}));
  };
  window.addEventListener('beforeprint', () => {
    printing = true;
    document.documentElement.classList.add('oos-printing');
    document.querySelectorAll('.js-plotly-plot').forEach((gd) => {
      if (!gd.__oosWatched && gd.on) {
        gd.__oosWatched = true;
        gd.on('plotly_afterplot', () => { if (printing) fit(gd); });
      }
      fit(gd);
    });
  });
  window.addEventListener('afterprint', () => {
    printing = false;
    document.documentElement.classList.remove('oos-printing');
    own.forEach((layout, gd) => {
      gd.__oosLayout = undefined;
      if (window.Plotly) window.Plotly.react(gd, gd.data, layout);
    });
    own.clear();
  });
})();
</script>
"""


def apply() -> None:
    """The stylesheet and the print script, drawn by the frame before anything else."""
    st.html(STYLE)
    st.html(PRINT_SCRIPT, unsafe_allow_javascript=True)
