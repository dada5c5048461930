"""The rate-of-return model (queries/life_table.py) against values worked out by hand, and
against an independent numerical maximum of the same likelihood.

With one band ("step" shape) and every return interval one month wide, the log-likelihood is
    log L(h) = -h E + d log(1 - exp(-h)),
E the child-months followed before the last census seen and d the returns, so the maximum is
at exp(h) = 1 + d / E: h = ln(1 + d / E), in closed form. The tests below choose their data so
that each band decouples like that.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import chi2

from queries import life_table as lt

INF = math.inf


def sample(rows):
    entry, lower, upper = zip(*rows, strict=True)
    return lt.Sample.of(entry, lower, upper)


# Four children (entry, last seen, returned by), months; two groups:
#   X1 (0, 2, 3) returned between 2 and 3;  X2 (1, 3, -) still out, followed from 1
#   Y1 (0, 0, 1) returned before the first month's census; Y2 (0.5, 1.5, 2.5) late entry
X = [(0.0, 2.0, 3.0), (1.0, 3.0, INF)]
Y = [(0.0, 0.0, 1.0), (0.5, 1.5, 2.5)]


def test_one_band_rate_by_hand():
    # E = (2 - 0) + (3 - 1) + (0 - 0) + (1.5 - 0.5) = 5, d = 3: h = ln(1 + 3/5) = ln 1.6
    fitted = lt.fit(sample(X + Y), knots=[0.0], shape="step")
    assert fitted.theta[0] == pytest.approx(math.log(1.6), abs=1e-9)  # 0.470004
    # variance: 1 / (d e^-h / (1 - e^-h)^2) = 1 / (3 x 0.625 / 0.375^2) = 1 / 13.3333 = 0.075
    assert fitted.cov[0, 0] == pytest.approx(0.075, abs=1e-9)
    # still out at t: exp(-h t); median ln 2 / h = 0.693147 / 0.470004 = 1.474770 months
    assert fitted.still_out([1.0])[0] == pytest.approx(0.625)
    assert fitted.median() == pytest.approx(1.474770, abs=1e-6)
    # expected child-months: E + d x [(1 - e^-h)/h - e^-h] / (1 - e^-h)
    #   = 5 + 3 x (0.797866 - 0.625) / 0.375 = 5 + 3 x 0.460976 = 6.382929
    assert fitted.returns[0] == pytest.approx(3.0)
    assert fitted.child_months[0] == pytest.approx(6.382929, abs=1e-5)
    assert fitted.returns[0] / fitted.child_months[0] == pytest.approx(fitted.theta[0])


def test_two_bands_and_the_median_by_hand():
    # bands [0, 3) and [3, inf); every return interval one month wide inside one band.
    # Band 0: followed 1 + 0.5 + 2 + 3 + 3 = 9.5 child-months, returns (1, 2] and (0.5, 1.5]:
    #   h0 = ln(1 + 2/9.5) = 0.191055. Band 1: followed (4 - 3) + (5 - 3) = 3, return (4, 5]:
    #   h1 = ln(1 + 1/3) = 0.287682.
    rows = [(0.0, 1.0, 2.0), (0.0, 0.5, 1.5), (0.0, 2.0, INF), (0.0, 4.0, 5.0), (0.0, 5.0, INF)]
    fitted = lt.fit(sample(rows), knots=[0.0, 3.0], shape="step")
    assert fitted.theta == pytest.approx([0.191055, 0.287682], abs=1e-6)
    # H(3) = 3 x 0.191055 = 0.573165 < ln 2, so the median is in band 1:
    # 3 + (0.693147 - 0.573165) / 0.287682 = 3.417066
    assert fitted.median() == pytest.approx(3.417066, abs=1e-5)
    # the curve is not drawn, nor the median read, beyond the longest follow-up (5 months)
    assert fitted.horizon == 5.0
    # one return in 7 child-months (1 + 2 + 2 + 2): h = ln(1 + 1/7) = 0.133531, and at the
    # longest follow-up, 2 months, S = exp(-0.267063) = 0.766 is still above 1/2: not reached
    few = [(0.0, 1.0, 2.0), (0.0, 2.0, INF), (0.0, 2.0, INF), (0.0, 2.0, INF)]
    assert math.isnan(lt.fit(sample(few), knots=[0.0, 3.0], shape="step").median())


def test_a_band_nobody_is_followed_in_joins_the_one_before():
    # followed in [0, 1) and [2, 3) only (the second child first seen at 2): the step
    # shape's band [1, 2) is merged into [0, 1); the linear shape keeps the knot at 1, whose
    # hat spans [0, 2] and so covers time someone was followed
    rows = [(0.0, 1.0, 1.5), (2.0, 3.0, INF)]
    step = lt.fit(sample(rows), knots=[0.0, 1.0, 2.0], shape="step")
    assert step.knots.tolist() == [0.0, 2.0]
    linear = lt.fit(sample(rows), knots=[0.0, 1.0, 2.0], shape="linear")
    assert linear.knots.tolist() == [0.0, 1.0, 2.0]


def test_nobody_followed_in_the_first_month_is_too_few():
    with pytest.raises(lt.TooFew):
        lt.fit(sample([(1.5, 3.0, 4.0), (2.0, 5.0, INF)]))


def test_score_test_with_late_entry_by_hand():
    # Shared rate (above): h = ln 1.6 = 0.470004; every return has D = h (width 1), and
    # f(D) = D / (e^D - 1) = 0.470004 / 0.6 = 0.783340.
    # Score of X: returns x f(D) - h x (X's child-months followed) = 0.783340 - 0.470004 x 4
    #   = -1.096676 (Y's is +1.096676: the two sum to 0, as observed - expected does).
    # Information, minus the second derivatives at b = 0:
    #   f'(D) = ((e^D - 1) - D e^D) / (e^D - 1)^2 = (0.6 - 0.752006) / 0.36 = -0.422240
    #   I_bb = h x 4 - 1 x D f'(D) = 1.880016 + 0.198452 = 2.078468
    #   I_bh = 4 - 1 x f'(D) x 1 = 4.422240
    #   I_hh = 3 x e^-D / (1 - e^-D)^2 = 3 x 0.625 / 0.140625 = 13.333333
    #   V = I_bb - I_bh^2 / I_hh = 2.078468 - 19.556207 / 13.333333 = 0.611752
    # Statistic U^2 / V = 1.202698 / 0.611752 = 1.965989; p = P(chi2(1) > 1.965989)
    # (one knot: the "linear" shape is then one constant rate too, so both shapes agree)
    test = lt.score_test({"X": sample(X), "Y": sample(Y)}, knots=[0.0], shape="step")
    linear = lt.score_test({"X": sample(X), "Y": sample(Y)}, knots=[0.0], shape="linear")
    assert linear["statistic"] == pytest.approx(test["statistic"])
    assert test["score"] == pytest.approx([-1.096676, 1.096676], abs=1e-5)
    assert test["statistic"] == pytest.approx(1.96598, abs=1e-4)
    assert test["df"] == 1
    assert test["p_value"] == pytest.approx(chi2.sf(1.965989, 1), abs=1e-5)  # 0.1609
    assert test["p_value"] == pytest.approx(0.1609, abs=1e-4)


def test_score_test_sees_a_real_difference_and_not_a_false_one():
    # 400 children per group followed from their start, seen monthly; group B returns at
    # twice A's rate (a return between censuses k and k+1 with probability 1 - e^-h per month)
    rng = np.random.default_rng(7)

    def group(rate):
        months = rng.geometric(-math.expm1(-rate), 400).astype(float)  # census of the return
        return lt.Sample.of(np.zeros(400), months - 1, months)

    a, b, a2 = group(0.2), group(0.4), group(0.2)
    assert lt.score_test({"A": a, "B": b})["p_value"] < 1e-6
    assert lt.score_test({"A": a, "A again": a2})["p_value"] > 0.05


def test_counted_and_listed_samples_give_the_same_fit():
    # the page passes counts (distinct times with how many episodes share them)
    listed = sample(X + Y + X)
    counted = lt.Sample(
        np.array([0.0, 1.0, 0.5]), np.array([3.0, 2.0, 1.0]),  # entries 0 (x3), 1 (x2), 0.5
        np.array([2.0, 3.0, 0.0, 1.5]), np.array([2.0, 2.0, 1.0, 1.0]),
        np.array([2.0, 0.0, 1.5]), np.array([3.0, 1.0, 2.5]), np.array([2.0, 1.0, 1.0]),
    )  # fmt: skip
    one, other = lt.fit(listed), lt.fit(counted)
    assert one.theta == pytest.approx(other.theta) and one.median() == pytest.approx(other.median())


def test_the_linear_shapes_integrals_by_hand():
    # knots 0, 1, 2: phi0 falls from 1 to 0 on [0, 1]; phi1 rises on [0, 1] and falls on
    # [1, 2]; phi2 rises on [1, 2] and stays 1. To 1.5: phi0 1/2; phi1 1/2 + (1 - (2.25 - 1)/2)
    # = 0.875; phi2 (0.5)^2 / 2 = 0.125. To 3: 1/2, 1, 1/2 + 1. They always add up to t.
    got = lt.integrals([1.5, 3.0], [0.0, 1.0, 2.0], "linear")
    assert got.ravel() == pytest.approx([0.5, 0.875, 0.125, 0.5, 1.0, 1.5])


def test_the_linear_fit_is_the_maximum_of_the_likelihood():
    # An independent computation: the log-likelihood written from its definition, with the
    # rate h(t) interpolated between the knots (constant after the last) and its integral
    # taken numerically, maximised by scipy; the module's Newton must find the same theta.
    from scipy.integrate import quad
    from scipy.optimize import minimize

    knots = [0.0, 1.0, 2.0]
    rows = [(0.0, 0.0, 1.0), (0.2, 0.2, 1.2), (0.5, 1.5, 2.5), (0.0, 2.0, INF), (0.7, 2.7, 3.7),
            (0.1, 3.1, INF), (0.4, 0.4, 1.4), (0.9, 1.9, 2.9), (0.3, 3.3, INF)]  # fmt: skip

    def cumulative(theta, t):
        return quad(lambda u: np.interp(u, knots, theta), 0.0, t, points=knots, limit=200)[0]

    def minus_loglik(theta):
        total = 0.0
        for entry, lower, upper in rows:
            total += cumulative(theta, entry) - cumulative(theta, lower)
            if upper < INF:
                total += math.log(-math.expm1(-(cumulative(theta, upper)
                                                - cumulative(theta, lower))))  # fmt: skip
        return -total

    best = minimize(minus_loglik, x0=[0.5, 0.5, 0.5], bounds=[(1e-9, None)] * 3,
                    method="L-BFGS-B", options={"ftol": 1e-13, "gtol": 1e-9})  # fmt: skip
    fitted = lt.fit(sample(rows), knots=knots, shape="linear")
    assert fitted.knots.tolist() == knots
    assert fitted.theta == pytest.approx(best.x, abs=2e-4)
