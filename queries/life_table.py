"""Time to an event seen only at monthly censuses: the rate of return fitted by maximum
likelihood, with each return known only to lie between two censuses and late entry.

No database here: queries/survival.py counts the episodes; this module turns the counts into
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

The model: the rate of return h(t) at t months out is a combination of basis functions,
h(t) = sum_j theta_j phi_j(t), theta_j >= 0, with knots at 0, half a month, then every whole
month (returns are most frequent, and change fastest, in the first month):

- shape "linear" (the curves, medians and test): phi_j are "hat" functions, so h is a line
  between knots and constant after the last. A steep early fall in the rate of return is
  followed within each band, where a constant rate per band would overstate time out (by
  0.08 to 0.11 months at the median, simulated, when the rate falls from the first day out);
- shape "step" (the rate by band of time out): phi_j is 1 in band j and 0 elsewhere, a
  life table with a constant rate in each band (the last band open).

With H(t) = sum_j theta_j A_j(t), A_j(t) the integral of phi_j from 0 to t, the log-likelihood

    log L = sum_i [ H(entry_i) - H(lower_i)
                    + returned_i * log(1 - exp(-(H(upper_i) - H(lower_i)))) ]

counts a child followed from `entry` to `lower` (time at risk), a return as the chance of
returning between the two censuses, and a child still out by the time alone. It is concave in
theta (H is linear in theta and log(1 - exp(-x)) is concave), so Newton's method, damped when
a step fails and held to theta >= 0, finds the one maximum. A knot nobody is followed around
is dropped (the rate is assumed to change steadily across the gap); with nobody followed in
the first month no curve is given (`TooFew`). Episodes come counted (`Sample`): the same
numbers at any size.

- Still out at t: S(t) = exp(-H(t)); 95% band from the observed information (delta method on
  log H, the "exponential" form lifelines uses for Kaplan-Meier).
- Median: the first t with S(t) = 1/2 within the follow-up, with the times at which the band
  crosses 1/2 as its 95% interval (the Brookmeyer-Crowley construction).
- Rate by band ("step"): theta_j per child-month; the expected returns and child-months of
  each band (expectation over where in its interval each return fell) satisfy
  returns / child-months = theta_j at the maximum.
- Comparing groups (`score_test`): the score test of "the same rate in every group" against
  "rates in proportion, h(t) exp(b_g)", with the shared rate estimated: the log-rank test's
  construction (returns minus expected returns, with its variance) for returns known to lie
  between two censuses and for late entry (Finkelstein, Biometrics 1986, with this model as
  the baseline). Chi-squared with groups - 1 degrees of freedom.
Times are in months throughout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.stats import chi2, norm

Z95 = float(norm.ppf(0.975))
SHAPES = ("linear", "step")


class TooFew(ValueError):
    """Nobody is followed in the first month out: no curve can be estimated."""


def monthly_knots(horizon: float) -> np.ndarray:
    """Knots: 0, 0.5, then every whole month below the follow-up."""
    whole = np.arange(1.0, max(1.0, math.floor(horizon)) + 1.0)
    return np.concatenate([[0.0, 0.5], whole[whole < max(horizon, 1.0)]])


def integrals(x, knots, shape: str) -> np.ndarray:
    """A_j(x): the integral of each basis function from 0 to x (len(x) x len(knots))."""
    x = np.atleast_1d(np.asarray(x, float))[:, None]
    knots = np.asarray(knots, float)
    ends = np.append(knots[1:], np.inf)
    if shape == "step":
        return np.clip(np.minimum(x, ends) - knots, 0.0, None)
    before = np.append(-np.inf, knots[:-1])
    width = ends - knots
    with np.errstate(invalid="ignore"):  # the first has no rising part, the last no falling
        rise = np.where(
            np.isfinite(before),
            (np.clip(x, before, knots) - before) ** 2 / (2 * (knots - before)),
            0.0,
        )
        fall = np.where(
            np.isfinite(ends), (width**2 - (ends - np.clip(x, knots, ends)) ** 2) / (2 * width), 0.0
        )
    flat = np.zeros_like(rise)
    flat[:, -1] = np.clip(x[:, 0] - knots[-1], 0.0, None)  # the last: constant after its knot
    return rise + fall + flat


@dataclass(frozen=True)
class Sample:
    """Episodes as the model needs them, counted rather than listed: distinct first-census
    times (entry), distinct last-census times (seen: every episode), distinct return
    intervals (lower, upper], each with its count. Months."""

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

    def compact(self) -> Sample:
        """The same sample with each distinct time (and return interval) once, counts added:
        the fit's work then grows with the distinct days, not with the children."""

        def once(values, counts):
            unique, where = np.unique(values, return_inverse=True)
            return unique, np.bincount(where.ravel(), weights=counts, minlength=len(unique))

        entry, entry_n = once(self.entry, self.entry_n)
        seen, seen_n = once(self.seen, self.seen_n)
        pairs, where = (
            np.unique(np.column_stack([self.lower, self.upper]), axis=0, return_inverse=True)
            if len(self.lower)
            else (np.zeros((0, 2)), np.zeros(0, int))
        )
        returns_n = np.bincount(where.ravel(), weights=self.returns_n, minlength=len(pairs))
        return Sample(entry, entry_n, seen, seen_n, pairs[:, 0], pairs[:, 1], returns_n)

    @property
    def episodes(self) -> float:
        return float(self.seen_n.sum())

    @property
    def horizon(self) -> float:
        """The longest follow-up: the last time anyone was seen out."""
        return float(self.seen.max()) if len(self.seen) else 0.0

    def exposure(self, knots, shape: str) -> np.ndarray:
        """Time at risk while followed, [entry, last seen), weighted by each basis function
        (for "step": child-months in each band)."""
        seen = (self.seen_n[:, None] * integrals(self.seen, knots, shape)).sum(axis=0)
        entry = (self.entry_n[:, None] * integrals(self.entry, knots, shape)).sum(axis=0)
        return seen - entry


_FIELDS = ("entry", "entry_n", "seen", "seen_n", "lower", "upper", "returns_n")


class _Returns:
    """The returns' intervals, each distinct (lower, upper] (and group) once with its count,
    and the integral of each basis function over each interval. An interval touches a few
    neighbouring basis functions only, so it is kept as `index` (n x k: which ones) and
    `width` (n x k: the integrals), k the most any interval touches; sums over intervals are
    bincounts (no matrix products: a shared machine's BLAS threads made them slow)."""

    def __init__(self, lower, upper, counts, knots, shape, groups=None):
        keys = [lower, upper] if groups is None else [lower, upper, groups]
        if len(lower):
            unique, inverse = np.unique(np.column_stack(keys), axis=0, return_inverse=True)
            counts = np.bincount(inverse.ravel(), weights=counts, minlength=len(unique))
        else:
            unique, counts = np.zeros((0, len(keys))), np.zeros(0)
        self.lower, self.upper = unique[:, 0].astype(float), unique[:, 1].astype(float)
        self.group = unique[:, 2].astype(int) if groups is not None else None
        self.count = np.asarray(counts, float)
        self.n_basis = len(knots)
        dense = integrals(self.upper, knots, shape) - integrals(self.lower, knots, shape)
        touched = dense > 0
        first = np.argmax(touched, axis=1)
        k = max(int(touched.sum(axis=1).max()) if len(dense) else 1, 1)
        self.index = np.minimum(first[:, None] + np.arange(k)[None, :], self.n_basis - 1)
        self.width = np.where(
            np.arange(k)[None, :] < touched.sum(axis=1)[:, None],
            np.take_along_axis(dense, self.index, axis=1),
            0.0,
        )

    def rate(self, theta) -> np.ndarray:
        """D: the rate accumulated inside each interval."""
        return (self.width * theta[self.index]).sum(axis=1)

    def basis_sum(self, per_interval, mask=None) -> np.ndarray:
        """sum over intervals of per_interval x width, by basis function (W' v)."""
        weights = per_interval[:, None] * self.width
        index = self.index
        if mask is not None:
            weights, index = weights[mask], index[mask]
        return np.bincount(index.ravel(), weights=weights.ravel(), minlength=self.n_basis)

    def touched(self) -> np.ndarray:
        """Basis functions some return's interval covers."""
        return self.basis_sum(np.ones(len(self.count))) > 0

    def information(self, d, mask=None) -> np.ndarray:
        """Minus the second derivative of sum count x log(1 - exp(-D)) in theta."""
        q = self.count * np.exp(-d) / np.expm1(-d) ** 2
        index, width = self.index, self.width
        if mask is not None:
            q, index, width = q[mask], index[mask], width[mask]
        n, k = self.n_basis, index.shape[1]
        info = np.zeros(n * n)
        for a in range(k):
            for b in range(k):
                pair = index[:, a] * n + index[:, b]
                info += np.bincount(pair, weights=q * width[:, a] * width[:, b], minlength=n * n)
        return info.reshape(n, n)


def _knots(sample: Sample, knots, shape: str) -> np.ndarray:
    """The knots to fit: `knots` below the follow-up, each nobody is followed around dropped
    (TooFew when nobody is followed in the first month)."""
    horizon = sample.horizon
    knots = monthly_knots(horizon) if knots is None else np.asarray(knots, float)
    knots = knots[(knots == 0) | (knots < horizon)]
    if sample.exposure([0.0, 1.0], "step")[0] <= 0:  # child-months followed in month one
        raise TooFew("nobody is followed in their first month out")
    known = sample.exposure(knots, shape)
    while (known <= 0).any():
        j = int(np.flatnonzero(known <= 0)[0])
        knots = np.delete(knots, max(j, 1))  # the first knot (0) stays: drop the next one
        known = sample.exposure(knots, shape)
    return knots


def _maximise(known, returns: _Returns) -> np.ndarray:
    """Maximise -known.theta + sum count log(1 - exp(-W theta)) over theta >= 0: Newton steps
    on the parameters not held at 0, damped (Levenberg-Marquardt) when a step fails."""
    n = len(known)
    free = returns.touched()
    start = returns.count.sum() / max(float(known.sum()), 1e-12)
    theta = np.where(free, start, 0.0)

    def loglik(values):
        with np.errstate(divide="ignore"):
            d = returns.rate(values)
            return -np.dot(known, values) + np.dot(returns.count, np.log(-np.expm1(-d)))

    current, damping = loglik(theta), 0.0
    for _ in range(200):
        d = returns.rate(theta)
        grad = -known + returns.basis_sum(returns.count / np.expm1(d))
        # parameters at zero that would go below it are held there (projected Newton)
        active = free & ~((theta <= 1e-12) & (grad <= 0))
        if np.all(np.abs(grad[active]) <= 1e-8 * np.maximum(np.abs(known[active]), 1.0)):
            break
        info = returns.information(d)[np.ix_(active, active)]
        scale = np.diag(np.diag(info)) + 1e-12 * np.eye(int(active.sum()))
        for _ in range(40):
            step = np.zeros(n)
            step[active] = np.linalg.lstsq(info + damping * scale, grad[active], rcond=None)[0]
            new = np.maximum(theta + step, 0.0)
            value = loglik(new)
            if value > current:
                damping = damping / 10 if damping > 1e-9 else 0.0
                break
            damping = max(damping * 10, 1e-6)
        else:
            break  # no step improves the likelihood: at its maximum to machine precision
        theta, current = new, value
    return theta


@dataclass(frozen=True)
class Fit:
    """A fitted model. Times in months; theta per child-month."""

    knots: np.ndarray
    shape: str
    theta: np.ndarray
    cov: np.ndarray  # covariance of theta (0 rows/columns for parameters held at 0)
    horizon: float  # the longest follow-up: the curve is not drawn beyond it
    returns: np.ndarray | None  # "step": expected returns in each band
    child_months: np.ndarray | None  # "step": expected child-months at risk in each band

    def cumulative(self, t) -> np.ndarray:
        return integrals(t, self.knots, self.shape) @ self.theta

    def still_out(self, t) -> np.ndarray:
        return np.exp(-self.cumulative(t))

    def band(self, t) -> tuple[np.ndarray, np.ndarray]:
        """95% pointwise interval of still_out(t): (lower, upper)."""
        a = integrals(t, self.knots, self.shape)
        h = a @ self.theta
        se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", a, self.cov, a), 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            spread = np.where(h > 0, np.exp(Z95 * se / h), 1.0)
        return np.exp(-h * spread), np.exp(-h / spread)

    def median(self) -> float:
        """First time still_out reaches 1/2 within the follow-up; NaN when not reached."""
        target = math.log(2.0)
        if self.cumulative(self.horizon)[0] < target:
            return math.nan
        return float(brentq(lambda t: self.cumulative(t)[0] - target, 0.0, self.horizon,
                            xtol=1e-9))  # fmt: skip

    def median_interval(self) -> tuple[float, float]:
        """95% interval of the median: where the band's two edges cross 1/2 (NaN: not within
        the follow-up)."""
        grid = np.linspace(0.0, self.horizon, max(2, int(self.horizon * 40) + 1))
        low, high = self.band(grid)
        return _first_at_or_below(grid, low), _first_at_or_below(grid, high)


def _first_at_or_below(grid, values, level=0.5) -> float:
    hit = np.flatnonzero(values <= level)
    return float(grid[hit[0]]) if len(hit) else math.nan


def _expected(knots, theta, returns: _Returns):
    """ "step" only: expected returns, and child-months at risk inside the returns' intervals,
    by band: the expectation over where in its interval each return fell."""
    ends = np.append(knots[1:], np.inf)
    at_knot = integrals(knots, knots, "step") @ theta  # H at each band's start

    def cumulative(t, j):  # H(t) for t inside band j
        return at_knot[j] + theta[j] * (t - knots[j])

    s_low = np.exp(-integrals(returns.lower, knots, "step") @ theta)
    s_up = np.exp(-integrals(returns.upper, knots, "step") @ theta)
    mass = np.maximum(s_low - s_up, 1e-300)[:, None]
    band = np.arange(len(knots))[None, :]
    start = np.clip(returns.lower[:, None], knots, ends)
    stop = np.clip(returns.upper[:, None], knots, ends)
    s_start = np.exp(-cumulative(start, band))
    s_stop = np.exp(-cumulative(stop, band))
    width = stop - start
    with np.errstate(divide="ignore", invalid="ignore"):
        area = np.where(theta > 0, (s_start - s_stop) / theta, width * s_start)
    inside = width > 0
    share = np.where(inside, (s_start - s_stop) / mass, 0.0)
    months = np.where(inside, (area - width * s_up[:, None]) / mass, 0.0)
    return returns.count @ share, returns.count @ months


def fit(sample: Sample, knots=None, shape: str = "linear") -> Fit:
    """Fit the model to `sample` (Sample.of(entry, lower, upper) from one value per episode,
    in months). `knots` default monthly_knots; `shape` "linear" or "step". Raises TooFew."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {SHAPES}")
    sample = sample.compact()
    knots = _knots(sample, knots, shape)
    known = sample.exposure(knots, shape)
    returns = _Returns(sample.lower, sample.upper, sample.returns_n, knots, shape)
    theta = _maximise(known, returns)
    n = len(knots)
    cov = np.zeros((n, n))
    kept = theta > 0
    if kept.any():
        info = returns.information(returns.rate(theta))[np.ix_(kept, kept)]
        cov[np.ix_(kept, kept)] = np.linalg.pinv(info)
    expected_returns = child_months = None
    if shape == "step":
        expected_returns, months = _expected(knots, theta, returns)
        child_months = known + months
    return Fit(knots, shape, theta, cov, sample.horizon, expected_returns, child_months)


def score_test(samples: dict, knots=None, shape: str = "linear") -> dict:
    """Score test of equal return rates across the groups of `samples` ({group: Sample}; see
    the module notes). {statistic, df, p_value, groups, score}: score U_g is the group's
    returns, each weighted by f(D) = D / (exp(D) - 1) (1 for a return known to the day), minus
    the rate accumulated while its children were followed, under the shared rate; the
    statistic is U' V^-1 U over all groups but the last (V: U's variance with the shared rate
    estimated), chi-squared with groups - 1 degrees of freedom."""
    names = list(samples)
    parts = [samples[k].compact() for k in names]
    pooled = Sample.combined(parts)
    knots = _knots(pooled, knots, shape)
    known = pooled.exposure(knots, shape)
    codes = np.concatenate([np.full(len(p.lower), k) for k, p in enumerate(parts)])
    returns = _Returns(pooled.lower, pooled.upper, pooled.returns_n, knots, shape, codes)
    theta = _maximise(known, returns)
    d = returns.rate(theta)
    f, f_prime = _f(d)
    g = len(names)
    followed = np.array([p.exposure(knots, shape) for p in parts])
    accumulated = followed @ theta
    in_group = [returns.group == k for k in range(g)]
    counted = returns.count
    score = np.array([np.dot(counted[m], f[m]) for m in in_group]) - accumulated
    # minus the second derivatives at b = 0 and the fitted rate (see the module notes)
    info_bb = np.diag([accumulated[k] - np.dot(counted[m], (d * f_prime)[m])
                       for k, m in enumerate(in_group)])  # fmt: skip
    info_bh = np.array([followed[k] - returns.basis_sum(counted * f_prime, m)
                        for k, m in enumerate(in_group)])  # fmt: skip
    kept = theta > 0
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


__all__ = ["SHAPES", "Fit", "Sample", "TooFew", "fit", "integrals", "monthly_knots", "score_test"]
