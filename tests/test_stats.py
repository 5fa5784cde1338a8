"""The statistics behind the verdicts, on cases worked out by hand (textvae.stats)."""

import math

import numpy as np
import pytest

from textvae import stats

T_2 = 4.302653  # t(0.975) with 2 degrees of freedom
Z = 1.959964  # the standard normal's 0.975 quantile


def test_paired_t_by_hand():
    """a = (1, 2, 3), b = (2, 4, 5): d = (1, 2, 2), mean 5/3, sd sqrt(1/3), se 1/3; the 95 %
    interval 5/3 +- 4.3027 / 3; against 0, t = 5 on 2 degrees of freedom: p = 0.03775."""
    e = stats.paired_t([1, 2, 3], [2, 4, 5], "training seeds")
    assert e.value == pytest.approx(5 / 3)
    assert e.test == "paired t over 3 training seeds (normal values assumed)"
    assert (e.unit, e.n_units) == ("training seeds", 3)
    assert e.interval == pytest.approx((5 / 3 - T_2 / 3, 5 / 3 + T_2 / 3), abs=1e-5)
    assert e.p_value(0.0) == pytest.approx(0.037750, abs=1e-5)
    assert stats.exceeds(e).holds is True and stats.exceeds(e, sign=-1).holds is False


def test_a_t_test_without_spread_is_the_exact_sign_flip():
    """Three seeds that agree exactly: no t statistic; the sign flip gives 2 / 2^3 = 0.25."""
    e = stats.t_mean([9.0, 9.0, 9.0], "training seeds")
    assert e.test.startswith("exact sign-flip (no spread for the t test) over 3 training seeds")
    assert e.p_value(0.0) == 0.25 and e.interval == (-np.inf, np.inf)
    assert stats.exceeds(e).holds is None


def test_welch_by_hand():
    """Means 0 and 1, sd 1, 3 runs each: se = sqrt(2/3), df = 4, t(0.975, 4) = 2.7764."""
    e = stats.welch([-1.0, 0.0, 1.0], [0.0, 1.0, 2.0], "training seeds")
    assert e.interval == pytest.approx((1 - 2.7764 * np.sqrt(2 / 3), 1 + 2.7764 * np.sqrt(2 / 3)), abs=1e-3)
    assert stats.exceeds(e).holds is None


def test_the_issues_a5_case_is_decided_by_pairing():
    """Three LM seeds, seed 3 about 1 nat above the others at both C: Welch's interval holds 0,
    the paired t over the seeds does not."""
    low, high = [29.0, 29.2, 30.2], [29.4, 29.6, 30.7]
    assert stats.exceeds(stats.welch(low, high, "LM seeds")).holds is None
    paired = stats.paired_t(low, high, "LM seeds")
    assert paired.value == pytest.approx(13 / 30) and stats.exceeds(paired).holds is True


def test_sign_test_is_mcnemars_exact_test():
    """9 wins, 25 losses: p = 2 P(X <= 9), X ~ Binomial(34, 1/2), = 0.00904."""
    e = stats.sign_test(9, 25, "prior z")
    by_hand = 2 * sum(math.comb(34, k) for k in range(10)) / 2 ** 34
    assert e.value == pytest.approx(9 / 34) and e.p_value(0.5) == pytest.approx(by_hand, rel=1e-9)
    assert by_hand == pytest.approx(0.00904, abs=1e-5)
    assert e.interval == pytest.approx((0.12882, 0.44362), abs=1e-5)  # Clopper-Pearson
    assert stats.exceeds(e, 0.5).holds is False
    # the interval is the set the test does not reject: p at its ends is 5 %
    assert e.p_value(e.lo) == pytest.approx(0.05, abs=1e-6) and e.p_value(e.hi) == pytest.approx(0.05, abs=1e-6)
    assert stats.exceeds(stats.sign_test(0, 0, "prior z"), 0.5).holds is None  # no decided pair


def test_wilson_at_the_ceiling():
    """320 of 320: the interval is [1 / (1 + z^2 / 320), 1], not the point [1, 1] a bootstrap
    gives; against 0.9 the score statistic is 0.1 / sqrt(0.09 / 320) = 5.963."""
    e = stats.wilson(320, 320, "minimal pairs")
    assert e.interval == pytest.approx((1 / (1 + Z ** 2 / 320), 1.0), abs=1e-6)
    assert e.p_value(0.9) == pytest.approx(math.erfc(5.9628 / math.sqrt(2)), rel=1e-3)
    assert e.p_value(e.lo) == pytest.approx(0.05, abs=1e-6)
    assert stats.exceeds(e, 0.9).holds is True


def test_no_p_value_is_zero():
    """137,000 of 137,000 pairs against 1/2: z = 185, p beyond a double, shown as P_FLOOR."""
    assert stats.wilson(137_000, 137_000, "minimal pairs").p_value(0.5) == stats.P_FLOOR
    assert stats.newcombe(10_000, 10_000, 0, 0, "minimal pairs").p_value(0.0) >= stats.P_FLOOR


def test_newcombe_paired_interval():
    """Newcombe's square-and-add interval of a paired difference: the table (59, 6, 16, 80) of
    Fagerland, Lydersen & Laake's chapter 8 gives -0.0621 (-0.1186 to -0.0046)."""
    e = stats.newcombe(59, 6, 16, 80, "pairs")
    assert e.value == pytest.approx(-10 / 161)
    assert e.interval == pytest.approx((-0.1186, -0.0046), abs=1e-4)
    assert e.p_value(-0.0046) == pytest.approx(0.05, abs=2e-3)  # by inverting the interval
    tied = stats.newcombe(320, 0, 0, 0, "pairs")  # all pairs concordant at the ceiling
    assert tied.value == 0 and tied.lo < -0.01 and tied.hi > 0.01 and not tied.noiseless


def test_bootstrap_order_statistics_and_counting_p():
    """Replicates 0..99 (B = 100): m = ceil(0.05 x 101 / 2 - 1) - 1 = 1, the interval [r_(1), r_(98)]
    = [1, 98]; against 0.5, one replicate at or below: p = 2 (1 + 1) / 101 = 0.0396; against 1,
    two: p = 6 / 101 = 0.0594, and 1 is in the interval."""
    e = stats.bootstrap(np.arange(100.0)[::-1], 50.0, "test sentences", 1000)
    assert e.interval == (1.0, 98.0) and (e.unit, e.n_units) == ("test sentences", 1000)
    assert e.p_value(0.5) == pytest.approx(4 / 101) and e.p_value(1.0) == pytest.approx(6 / 101)
    assert e.test == "paired bootstrap over test sentences (100 replicates)"


def test_a_statistic_that_never_moves_is_decided_by_that_fact():
    """+9 active units on every one of 2,000 resamples: the strongest evidence the bootstrap
    gives, p = 2 / 2001, not "no noise"; the same value at both ends is undecided."""
    rise = stats.bootstrap(np.full(2000, 9.0), 9.0, "test sentences", 1000)
    decision = stats.exceeds(rise)
    assert decision.holds is True and decision.p == pytest.approx(2 / 2001)
    equal = stats.exceeds(stats.bootstrap(np.zeros(2000), 0.0, "test sentences", 1000))
    assert equal.holds is None and equal.p == 1.0 and equal.reason == "equal to the bound on every resample"


def test_sign_flip_by_hand():
    """d = (1, 2, 3, 4): of the 16 flips only the two of one sign reach |sum| 10: p = 2/16;
    d = (3, 1, -1, 2, 4, 5): |sum| 14 is reached by flipping nothing (14), the -1 alone (16) or the
    1 with the -1 (14), and by their negatives: p = 6 / 64."""
    e = stats.sign_flip([1.0, 2.0, 3.0, 4.0], "paths")
    assert e.p_value(0.0) == pytest.approx(2 / 16) and e.test == "exact sign-flip permutation test over 4 paths"
    f = stats.sign_flip([3.0, 1.0, -1.0, 2.0, 4.0, 5.0], "paths")
    assert f.p_value(0.0) == pytest.approx(6 / 64)
    assert stats.exceeds(f).holds is None
    assert e.lo <= 1.0 and np.isinf(stats.sign_flip([1.0, 2.0], "paths").lo)  # 2 paths cannot reject


def test_sign_flip_agrees_with_scipys_permutation_test():
    from scipy.stats import permutation_test

    d = np.random.default_rng(3).normal(0.6, 1.0, 10)
    exact = permutation_test((d,), np.mean, permutation_type="samples", n_resamples=np.inf).pvalue
    e = stats.sign_flip(d, "paths")
    assert e.p_value(0.0) == pytest.approx(exact)
    # the interval is the set the test does not reject
    assert e.p_value(e.lo - 1e-6) < stats.ALPHA <= e.p_value(e.lo + 1e-6)


def test_p_value_agrees_with_the_interval():
    """The interval excludes a bound exactly when p < ALPHA; for a t estimate p is the t test's."""
    from scipy.stats import t as student_t

    e = stats.t_mean([0.3, 0.5, 0.4, 0.9], "seeds")
    t = e.value / (np.std([0.3, 0.5, 0.4, 0.9], ddof=1) / 2)
    assert e.p_value(0.0) == pytest.approx(2 * student_t.sf(t, 3), rel=1e-6)
    for bound in (e.lo - 1e-3, e.lo + 1e-3, e.hi - 1e-3, e.hi + 1e-3):
        assert (e.p_value(bound) < stats.ALPHA) == (bound < e.lo or bound > e.hi)


def _t(mean, half):
    """A t estimate over 3 values with the given mean and 95 % half width."""
    sd = half / T_2 * math.sqrt(3)
    return stats.t_mean([mean - sd, mean, mean + sd], "seeds")


def test_within_and_exceeds():
    assert stats.within(_t(0.01, 0.03), 0.05).holds is True
    assert stats.within(_t(0.2, 0.05), 0.05).holds is False
    assert stats.within(_t(0.04, 0.03), 0.05).holds is None
    assert stats.exceeds(_t(0.95, 0.02), 0.9).holds is True
    assert stats.exceeds(_t(0.5, 0.02), 0.9).holds is False
    assert stats.exceeds(_t(0.91, 0.03), 0.9).holds is None
    assert stats.exceeds(_t(0.05, 0.02), 0.1, sign=-1).holds is True


def test_bonferroni():
    e = _t(1.0, 0.5)
    three = stats.bonferroni(e, 3)
    assert three.p_value(0.0) == pytest.approx(3 * e.p_value(0.0))
    assert three.interval == pytest.approx(e.bounds(stats.ALPHA / 3))


def test_trend_shows_the_comparison_that_decided():
    down = [("a -> b", _t(-1.0, 0.2)), ("b -> c", _t(-1.0, 0.2))]
    holds = stats.trend([("a -> c", _t(-2.0, 0.3)), *down], -1)
    assert holds.holds is True and holds.comparison == "a -> c" and holds.estimate.value == pytest.approx(-2.0)
    # a step against beyond its Bonferroni level (3 comparisons): fails, and the row is that step's
    bump = stats.trend([("a -> c", _t(-2.0, 0.3)), ("a -> b", _t(1.0, 0.2)), ("b -> c", _t(-3.0, 0.2))], -1)
    assert bump.holds is False and bump.comparison == "a -> b"
    assert bump.p == pytest.approx(3 * _t(1.0, 0.2).p_value(0.0)) and bump.estimate.value == pytest.approx(1.0)
    assert "Bonferroni over 3" in bump.estimate.test and bump.estimate.lo > 0
    # the ends against at 95 % but not at the Bonferroni level: undecided
    against = stats.trend([("a -> c", _t(0.35, 0.3)), ("a -> b", _t(0.2, 0.5)), ("b -> c", _t(0.15, 0.5))], -1)
    assert against.holds is None and "within the noise of 3 comparisons" in against.reason
    assert stats.trend([("a -> c", _t(0.0, 0.3)), *down], -1).holds is None


def test_every_is_an_intersection_union_test():
    inside = [("r1", _t(3.2, 0.1), 2.0, 4.0), ("r2", _t(15.5, 0.3), 14.0, 16.0)]
    both = stats.every(inside)
    assert both.holds is True and both.p == pytest.approx(max(_t(15.5, 0.3).p_value(16.0), _t(15.5, 0.3).p_value(14.0),
                                                             _t(3.2, 0.1).p_value(2.0), _t(3.2, 0.1).p_value(4.0)))
    assert both.comparison == "r2"  # the weakest part
    out = stats.every(inside + [("r3", _t(16.3, 0.1), 14.0, 16.0)])
    assert out.holds is False and out.comparison == "r3" and out.p == pytest.approx(3 * _t(16.3, 0.1).p_value(16.0))
    unsure = stats.every(inside + [("r3", _t(16.3, 1.0), 14.0, 16.0)])
    assert unsure.holds is None and unsure.reason.startswith("r3: ") and np.isfinite(unsure.p)


def test_partial_conjunction_by_hand():
    """p = (0.001, 0.002, 0.01, 0.2, 0.5): at least 3 of 5 false: (5 - 3 + 1) p_(3) = 0.03."""
    assert stats.partial_conjunction([0.2, 0.001, 0.5, 0.01, 0.002], 3) == pytest.approx(0.03)
    assert stats.partial_conjunction([0.2, 0.001], 1) == pytest.approx(0.002)  # Bonferroni's minimum
    assert stats.partial_conjunction([0.2, 0.001], 2) == pytest.approx(0.2)  # the largest: intersection-union


def test_at_least_a_share_of_the_categories():
    def decided(holds, p):
        return stats.Decision(holds, p)
    five = [decided(True, 1e-4)] * 4 + [decided(None, 0.3)]
    held = stats.at_least(five, 0.8, "categories")  # u = 4: (5 - 4 + 1) x 1e-4
    assert held.holds is True and held.p == pytest.approx(2e-4) and held.estimate.value == pytest.approx(0.8)
    failing = stats.at_least([decided(False, 1e-4)] * 2 + [decided(True, 1e-4)] * 3, 0.8, "categories")
    assert failing.holds is False and failing.p == pytest.approx(4e-4)  # 2 of 5 fail: at least 2 needed, 4 x p_(2)
    assert stats.at_least([decided(True, 1e-4)] * 3 + [decided(None, 0.3)] * 2, 0.8, "categories").holds is None


def test_benjamini_hochberg_by_hand():
    """p = (0.01, 0.04, 0.03, 0.5): sorted 0.01, 0.03, 0.04, 0.5, times 4/rank = 0.04, 0.06,
    0.0533, 0.5, then the running minimum from the top: 0.04, 0.0533, 0.0533, 0.5."""
    adjusted = stats.false_discovery([0.01, 0.04, 0.03, np.nan, 0.5])
    assert adjusted[[0, 1, 2, 4]] == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])
    assert np.isnan(adjusted[3])


def test_t_half_width():
    assert stats.t_half_width(1.0, 3) == pytest.approx(T_2 / math.sqrt(3))
    assert np.isnan(stats.t_half_width(1.0, 1))
