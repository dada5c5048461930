"""A stand-in for figures/disclosure.py until the disclosure helper's module is on main.

The same names as the design's interface (SUPPRESSED, SMALL_MAX, MEDIAN_MIN_GROUP,
ABOUT_SAFE), over the DfE rule the dashboard used so far (queries/suppression.py: 1 to 5
shown as `c`, a second cell hidden where a total would give the first away), for counts whose
query does not yet return cell keys. figures/protect.py imports from here; when every count
query returns its cell keys it imports figures/disclosure.py's instead and this file goes.
(The filter rule, figures/disclosure.py's filter_problems and safe_filter, is in use already.)
"""

from __future__ import annotations

from queries.suppression import SUPPRESSED, THRESHOLD, suppress_long, suppress_matrix

__all__ = ["SUPPRESSED", "suppress_long", "suppress_matrix"]

SMALL_MAX = THRESHOLD
MEDIAN_MIN_GROUP = 10
ABOUT_SAFE = (
    f"counts of 1 to {SMALL_MAX} are shown as {SUPPRESSED}, and where a total would let a "
    "hidden count be worked out, a second count in the same table is hidden too (the DfE's "
    "rule for children in need statistics). True zeros are shown. Percentages, rates and "
    "changes of hidden counts are not shown, and the chart draws no bar or point for them."
)
