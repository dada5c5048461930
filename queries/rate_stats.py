"""Rates and over-representation ratios with 95% confidence intervals: pure arithmetic.

No database here: `queries/rates.py` counts, this module turns counts into rates and ratios so
that the sums can be checked by hand in tests.

- Rate: children out of school per 100 children with an EHC plan in the same group, with a
  Wilson score interval (good for small groups and for rates near 0).
- Over-representation ratio of a group: its share of the children out of school divided by
  its share of the children with a plan, (a/A) / (n/N); 1 means in proportion. It equals the
  group's rate over the overall rate. Its interval comes from the Katz (log) interval of the
  risk ratio of the group against everyone else with a plan, r = RR / (w RR + 1 - w) with
  w = n/N the group's share of plans (the caseload is a census, so w is known, not
  estimated): the ratio excludes 1 exactly when that risk ratio does. When any of the four
  cells of the 2x2 table (group or not, out of school or not) is 0, 0.5 is added to each of
  the four cells for the interval and the p-value (the textbook Haldane-Anscombe correction:
  the group's plans n become n + 1, everyone else's m + 1); the ratio itself is not changed.
- Many comparisons: each group's two-sided p-value (from the same log risk ratio), adjusted by
  the Holm-Bonferroni method across a family of tests that queries/rates.py chooses (every
  group of every breakdown the Rates page offers); a group is named as over- or
  under-represented when its 95% interval excludes 1, and the words say whether it still
  stands after the correction.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm

Z95 = float(norm.ppf(0.975))


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of the proportion k/n, as a pair of proportions (NaN when n=0)."""
    if n <= 0:
        return (math.nan, math.nan)
    p = min(k / n, 1.0)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def share_ratio(a: float, n: float, total_a: float, total_n: float) -> dict:
    """Over-representation of one group: ratio, 95% interval, p-value (see module notes).

    a: the group's children out of school; n: the group's children with a plan;
    total_a, total_n: the same for everyone in the breakdown.
    """
    out = {"ratio": math.nan, "ratio_low": math.nan, "ratio_high": math.nan, "p_value": math.nan}
    if n <= 0 or total_n <= 0 or total_a <= 0:
        return out
    out["ratio"] = (a / total_a) / (n / total_n)
    b, m = total_a - a, total_n - n  # everyone else
    if m <= 0 or a > n or b > m:
        # one group holds every plan, or more children out than plans (children missing from
        # the caseload): no comparison to make
        return out
    # cells: a out and n - a not (the group); b out and m - b not (everyone else)
    if min(a, n - a, b, m - b) > 0:
        a_, n_, b_, m_ = a, n, b, m
    else:  # 0.5 added to each of the four cells: each row total grows by 1
        a_, n_, b_, m_ = a + 0.5, n + 1.0, b + 0.5, m + 1.0
    rr = (a_ / n_) / (b_ / m_)
    variance = max(1 / a_ - 1 / n_ + 1 / b_ - 1 / m_, 0.0)
    se = math.sqrt(variance)
    w = n / total_n

    def to_ratio(risk_ratio: float) -> float:
        return risk_ratio / (w * risk_ratio + 1 - w)

    out["ratio_low"] = to_ratio(rr * math.exp(-Z95 * se))
    out["ratio_high"] = to_ratio(rr * math.exp(Z95 * se))
    out["p_value"] = float(2 * norm.sf(abs(math.log(rr)) / se)) if se > 0 else math.nan
    return out


def holm(p_values) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values (NaN stays NaN and is not counted as a test)."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    k = len(tested)
    order = tested[np.argsort(p[tested], kind="stable")]
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (k - rank) * p[index]))
        adjusted[index] = running
    return adjusted


__all__ = ["Z95", "holm", "share_ratio", "wilson"]
