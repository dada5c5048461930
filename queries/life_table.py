"""Time to an event seen only at monthly censuses: a life table fitted by maximum likelihood.

No database here: queries/survival.py builds the episodes; this module turns their times into
curves, medians, rates and a test, so that each formula can be checked by hand.

Why not Kaplan-Meier: a child's return is known only to lie between the last census at which
they were seen out (`lower`) and the next census (`upper`); dating it at the next census
overstated time out by about a month (issue 19), and dating it at the midpoint does not cure
it here, because of late entry: a child is followed only from the first census after they left
(`entry`), so in the first month the children followed are few and growing, and a return moved
half a month later is counted against a larger group than the one it happened in (in a
simulation with a constant return rate, the midpoint rule still put the median 0.25 months
late). lifelines' Turnbull estimator does not take late entry, and its parametric fitters with
interval censoring took 25 s for 2,500 episodes.

The model (a monthly life table): the rate of return h_j is constant within each band of time
out (half-months in the first month, where returns are most frequent and change fastest, then
whole months; the last band is open), and is fitted by maximum likelihood from every episode:

    log L = sum_i [ H(entry_i) - H(lower_i)
                    + returned_i * log(1 - exp(-(H(upper_i) - H(lower_i)))) ]

with H(t) = sum_j h_j * (time of band j before t). A child followed from `entry` to `lower`
adds that time at risk; a return adds the chance of returning between the two censuses; a
child still out adds only the time. The log-likelihood is concave in h (H is linear in h and
log(1 - exp(-x)) is concave), so Newton's method with h >= 0 finds the one maximum. Bands in
which nobody is followed are merged into the band before them (the rate is assumed constant
across the gap; the first band, into the one after); with nobody followed in the first month
no curve is given (`TooFew`).

- Still out at t: S(t) = exp(-H(t)); 95% band from the observed information (delta method on
  log H, the "exponential" form lifelines uses for Kaplan-Meier).
- Median: the first t with S(t) = 1/2 (within the follow-up), with the times at which the band
  crosses 1/2 as its 95% interval (the Brookmeyer-Crowley construction).
- Rate by band: h_j per child-month; the expected returns and child-months of each band
  (expectation over where in its interval each return fell) satisfy returns / child-months =
  h_j at the maximum.
- Comparing groups (`score_test`): the score test of "the same rates in every group" against
  "rates in proportion, h_j * exp(b_g)", with the shared rates estimated: the log-rank test's
  construction (observed minus expected returns, with its variance) for returns known to
  lie between two censuses and for late entry (Finkelstein, Biometrics 1986, with the
  baseline as this life table). Chi-squared with groups - 1 degrees of freedom.
Times are in months throughout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2, norm

Z95 = float(norm.ppf(0.975))


class TooFew(ValueError):
    """Nobody is followed in the first month out: no curve can be estimated."""


def monthly_edges(horizon: float) -> np.ndarray:
    """Band starts: 0, 0.5, then every whole month up to the follow-up (the last band open)."""
    whole = np.arange(1.0, max(1.0, math.floor(horizon)) + 1.0)
    return np.concatenate([[0.0, 0.5], whole[whole < max(horizon, 1.0)]])


def _ends(edges: np.ndarray) -> np.ndarray:
    return np.append(edges[1:], np.inf)


def _time_before(x: np.ndarray, weight: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """sum_i weight_i x (time of each band before x_i), for every band, by sorting."""
    order = np.argsort(x, kind="stable")
    x, weight = x[order], weight[order]
    count = np.concatenate([[0.0], np.cumsum(weight)])
    mass = np.concatenate([[0.0], np.cumsum(weight * x)])
    ends = _ends(edges)
    lo = np.searchsorted(x, edges, "right")
    hi = np.searchsorted(x, ends, "left")
    inside = (mass[hi] - mass[lo]) - (count[hi] - count[lo]) * edges
    whole = (count[-1] - count[hi]) * np.where(np.isfinite(ends), ends - edges, 0.0)
    return inside + whole


@dataclass(frozen=True)
class Sample:
    """Episodes as the life table needs them, counted rather than listed (the same numbers at
    any size): distinct first-census times (entry), distinct last-census times (seen: every
    episode), distinct return intervals (lower, upper], each with its count. Months."""

    entry: np.ndarray
    entry_n: np.ndarray
    seen: np.ndarray
    seen_n: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    returns_n: np.ndarray

    @classmethod
    def of(cls, entry, lower, upper) -> Sample:
        """From one value per episode; upper is inf for a child not known to have returned."""
        entry, lower, upper = (np.asarray(x, float) for x in (entry, lower, upper))
        returned = np.isfinite(upper)
        ones = np.ones(len(entry))
        return cls(entry, ones, lower, ones, lower[returned], upper[returned], ones[returned])

    @classmethod
    def combined(cls, samples) -> Sample:
        parts = list(samples)
        return cls(*(np.concatenate([getattr(p, name) for p in parts]) for name in _FIELDS))

    @property
    def episodes(self) -> float:
        return float(self.seen_n.sum())

    @property
    def horizon(self) -> float:
        """The longest follow-up: the last time anyone was seen out."""
        return float(self.seen.max()) if len(self.seen) else 0.0

    def exposure(self, edges) -> np.ndarray:
        """Child-months known to be out, followed, in each band: [entry, last seen)."""
        return _time_before(self.seen, self.seen_n, edges) - _time_before(
            self.entry, self.entry_n, edges
        )

    def at_risk(self, t: float) -> int:
        """Children followed and known to be out at t: first seen by t, last seen at or after
        it (last seen is never before first seen, so this is a difference of two counts)."""
        return int(round(self.entry_n[self.entry <= t].sum() - self.seen_n[self.seen < t].sum()))


_FIELDS = ("entry", "entry_n", "seen", "seen_n", "lower", "upper", "returns_n")


class _Returns:
    """The returns' intervals, each distinct (lower, upper] once with its count, and the bands
    each touches: index (n x k) and the time of each band inside the interval (n x k)."""

    def __init__(self, lower, upper, counts, edges, groups=None):
        keys = [lower, upper] if groups is None else [lower, upper, groups]
        if len(lower):
            unique, inverse = np.unique(np.column_stack(keys), axis=0, return_inverse=True)
            counts = np.bincount(inverse.ravel(), weights=counts, minlength=len(unique))
        else:
            unique, counts = np.zeros((0, len(keys))), np.zeros(0)
        self.lower, self.upper = unique[:, 0].astype(float), unique[:, 1].astype(float)
        self.group = unique[:, 2].astype(int) if groups is not None else None
        self.count = np.asarray(counts, float)
        first = np.searchsorted(edges, self.lower, "right") - 1
        last = np.searchsorted(edges, self.upper, "left") - 1
        k = int((last - first).max()) + 1 if len(first) else 1
        self.index = np.minimum(first[:, None] + np.arange(k)[None, :], len(edges) - 1)
        ends = _ends(edges)
        width = np.minimum(self.upper[:, None], ends[self.index]) - np.maximum(
            self.lower[:, None], edges[self.index]
        )
        inside = np.arange(k)[None, :] <= (last - first)[:, None]
        self.width = np.where(inside, np.clip(width, 0, None), 0.0)
        self.n_bands = len(edges)

    def rate(self, hazard) -> np.ndarray:
        """The rate accumulated inside each interval, D = sum_j h_j * width_j."""
        return (self.width * hazard[self.index]).sum(axis=1)

    def band_sum(self, per_interval, mask=None) -> np.ndarray:
        """sum over intervals (times their counts) of per_interval x width, by band."""
        weights = (self.count * per_interval)[:, None] * self.width
        index = self.index
        if mask is not None:
            weights, index = weights[mask], index[mask]
        return np.bincount(index.ravel(), weights=weights.ravel(), minlength=self.n_bands)

    def information(self, d) -> np.ndarray:
        """Minus the second derivative of sum log(1 - exp(-D)) in h."""
        q = self.count * np.exp(-d) / np.expm1(-d) ** 2
        n, k = self.n_bands, self.index.shape[1]
        info = np.zeros((n, n))
        for a in range(k):
            for b in range(k):
                flat = self.index[:, a] * n + self.index[:, b]
                weights = q * self.width[:, a] * self.width[:, b]
                info += np.bincount(flat, weights=weights, minlength=n * n).reshape(n, n)
        return info


@dataclass(frozen=True)
class Fit:
    """A fitted life table. Times in months; hazard per child-month in each band."""

    edges: np.ndarray
    hazard: np.ndarray
    cov: np.ndarray  # covariance of the hazards (0 rows/columns for bands fixed at 0)
    horizon: float  # the longest follow-up: the curve is not drawn beyond it
    returns: np.ndarray  # expected returns in each band
    child_months: np.ndarray  # expected child-months at risk in each band

    def _before(self, t) -> np.ndarray:
        t = np.atleast_1d(np.asarray(t, float))
        return np.clip(np.minimum(t[:, None], _ends(self.edges)) - self.edges, 0, None)

    def cumulative(self, t) -> np.ndarray:
        return self._before(t) @ self.hazard

    def still_out(self, t) -> np.ndarray:
        return np.exp(-self.cumulative(t))

    def band(self, t) -> tuple[np.ndarray, np.ndarray]:
        """95% pointwise interval of still_out(t): (lower, upper)."""
        a = self._before(t)
        h = a @ self.hazard
        se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", a, self.cov, a), 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            spread = np.where(h > 0, np.exp(Z95 * se / h), 1.0)
        return np.exp(-h * spread), np.exp(-h / spread)

    def median(self) -> float:
        """First time still_out reaches 1/2 within the follow-up; NaN when not reached."""
        target = math.log(2.0)
        at_start = self.cumulative(self.edges)
        ends = _ends(self.edges)
        for start, end, h, before in zip(self.edges, ends, self.hazard, at_start, strict=True):
            if h > 0 and before + h * (end - start) >= target:
                t = start + (target - before) / h
                return float(t) if t <= self.horizon else math.nan
        return math.nan

    def median_interval(self) -> tuple[float, float]:
        """95% interval of the median: where the band's two edges cross 1/2 (NaN: not within
        the follow-up)."""
        grid = np.linspace(0.0, self.horizon, max(2, int(self.horizon * 40) + 1))
        low, high = self.band(grid)
        return _first_at_or_below(grid, low), _first_at_or_below(grid, high)


def _first_at_or_below(grid, values, level=0.5) -> float:
    hit = np.flatnonzero(values <= level)
    return float(grid[hit[0]]) if len(hit) else math.nan


def _bands(sample: Sample, edges) -> np.ndarray:
    """The band starts to fit: `edges` up to the follow-up, each band nobody is followed in
    merged into the one before (TooFew when nobody is followed in the first month)."""
    horizon = sample.horizon
    edges = monthly_edges(horizon) if edges is None else np.asarray(edges, float)
    edges = edges[(edges == 0) | (edges < horizon)]
    known = sample.exposure(edges)
    if known[edges < 1.0].sum() <= 0:
        raise TooFew("nobody is followed in their first month out")
    while (known <= 0).any():
        j = int(np.flatnonzero(known <= 0)[0])
        edges = np.delete(edges, max(j, 1))  # band j joins the one before (the first: after)
        known = sample.exposure(edges)
    return edges


def _maximise(known, returns: _Returns, edges) -> np.ndarray:
    """Maximise -known.h + sum log(1 - exp(-D)) over h >= 0: projected Newton steps, and an
    EM step (h = expected returns / expected child-months, which never lowers the likelihood)
    whenever Newton's step cannot improve it (a nearly flat direction, in the thin tail)."""
    n = len(edges)
    free = returns.band_sum(np.ones(len(returns.count))) > 0
    h = np.where(free, returns.count.sum() / max(float(known.sum()), 1e-12), 0.0)

    def loglik(rates):
        with np.errstate(divide="ignore"):
            return -known @ rates + returns.count @ np.log(-np.expm1(-returns.rate(rates)))

    current = loglik(h)
    for _ in range(300):
        d = returns.rate(h)
        grad = -known + returns.band_sum(1 / np.expm1(d))
        # bands at zero that would go below it are held there (projected Newton)
        active = free & ~((h <= 1e-12) & (grad <= 0))
        if np.all(np.abs(grad[active]) <= 1e-8 * np.maximum(known[active], 1.0)):
            break
        info = returns.information(d)[np.ix_(active, active)]
        step = np.zeros(n)
        step[active] = np.linalg.lstsq(info, grad[active], rcond=None)[0]
        t, value = 1.0, -np.inf
        while t >= 1e-6:
            new = np.maximum(h + t * step, 0.0)
            value = loglik(new)
            if value > current:
                break
            t /= 2
        if value <= current:
            expected_returns, months = _expected(edges, h, returns)
            new = np.where(free, expected_returns / np.maximum(known + months, 1e-300), 0.0)
            value = loglik(new)
            if value <= current:
                break  # neither step improves the likelihood: at its maximum
        h, current = new, value
    return h


def _expected(edges, hazard, returns: _Returns):
    """Expected returns, and child-months at risk inside the returns' intervals, by band:
    the expectation over where in its interval each return fell, under `hazard`."""
    ends = _ends(edges)

    def cumulative(t):
        return np.clip(np.minimum(t[..., None], ends) - edges, 0, None) @ hazard

    s_low, s_up = np.exp(-cumulative(returns.lower)), np.exp(-cumulative(returns.upper))
    mass = np.maximum(s_low - s_up, 1e-300)
    start = np.maximum(returns.lower[:, None], edges[returns.index])
    s_start = np.exp(-cumulative(start))
    s_stop = np.exp(-cumulative(start + returns.width))
    h = hazard[returns.index]
    with np.errstate(divide="ignore", invalid="ignore"):
        area = np.where(h > 0, (s_start - s_stop) / h, returns.width * s_start)
    inside = returns.width > 0
    share = np.where(inside, (s_start - s_stop) / mass[:, None], 0.0)
    months = np.where(inside, (area - returns.width * s_up[:, None]) / mass[:, None], 0.0)
    n = len(edges)
    weights = returns.count[:, None]
    return (
        np.bincount(returns.index.ravel(), weights=(weights * share).ravel(), minlength=n),
        np.bincount(returns.index.ravel(), weights=(weights * months).ravel(), minlength=n),
    )


def fit(sample: Sample, edges=None) -> Fit:
    """Fit the life table to `sample` (Sample.of(entry, lower, upper) from one value per
    episode, in months). `edges`: band starts (default monthly_edges). Raises TooFew."""
    edges = _bands(sample, edges)
    known = sample.exposure(edges)
    returns = _Returns(sample.lower, sample.upper, sample.returns_n, edges)
    hazard = _maximise(known, returns, edges)
    n = len(edges)
    cov = np.zeros((n, n))
    kept = hazard > 0
    if kept.any():
        info = returns.information(returns.rate(hazard))[np.ix_(kept, kept)]
        cov[np.ix_(kept, kept)] = np.linalg.pinv(info)
    expected_returns, months = _expected(edges, hazard, returns)
    return Fit(edges, hazard, cov, sample.horizon, expected_returns, known + months)


def score_test(samples: dict, edges=None) -> dict:
    """Score test of equal return rates across the groups of `samples` ({group: Sample}; see
    the module notes). {statistic, df, p_value, groups, score}: score U_g is the group's
    returns, each weighted by f(D) = D / (exp(D) - 1) (1 for a return known to the day), minus
    the rate accumulated while its children were followed, under the shared rates; the
    statistic is U' V^-1 U over all groups but the last (V: U's variance with the shared rates
    estimated), chi-squared with groups - 1 degrees of freedom."""
    names = list(samples)
    parts = [samples[k] for k in names]
    pooled = Sample.combined(parts)
    edges = _bands(pooled, edges)
    known = pooled.exposure(edges)
    codes = np.concatenate([np.full(len(p.lower), k) for k, p in enumerate(parts)])
    returns = _Returns(pooled.lower, pooled.upper, pooled.returns_n, edges, codes)
    hazard = _maximise(known, returns, edges)
    d = returns.rate(hazard)
    f, f_prime = _f(d)
    g = len(names)
    followed = np.array([p.exposure(edges) for p in parts])
    accumulated = followed @ hazard
    in_group = [returns.group == k for k in range(g)]
    score = np.array([returns.count[m] @ f[m] for m in in_group]) - accumulated
    # minus the second derivatives at b = 0 and the fitted rates (see the module notes)
    info_bb = np.diag([accumulated[k] - returns.count[m] @ (d * f_prime)[m]
                       for k, m in enumerate(in_group)])  # fmt: skip
    info_bh = np.array([followed[k] - returns.band_sum(f_prime, m) for k, m in enumerate(in_group)])
    kept = hazard > 0
    info_hh = returns.information(d)[np.ix_(kept, kept)]
    v = info_bb - info_bh[:, kept] @ np.linalg.pinv(info_hh) @ info_bh[:, kept].T
    u = score[: g - 1]
    statistic = float(u @ np.linalg.pinv(v[: g - 1, : g - 1]) @ u) if g > 1 else math.nan
    return {
        "statistic": statistic,
        "df": g - 1,
        "p_value": float(chi2.sf(statistic, g - 1)) if g > 1 else math.nan,
        "groups": names,
        "score": score,
    }


def _f(d):
    """f(D) = D / (exp(D) - 1) and its derivative (limits 1 and -1/2 at D = 0)."""
    f = np.ones_like(d)
    f_prime = np.full_like(d, -0.5)
    big = d > 1e-8
    em1 = np.expm1(d[big])
    f[big] = d[big] / em1
    f_prime[big] = (em1 - d[big] * np.exp(d[big])) / em1**2
    return f, f_prime


__all__ = ["Fit", "Sample", "TooFew", "fit", "monthly_edges", "score_test"]
