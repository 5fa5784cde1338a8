"""The statistics behind the verdicts, on cases worked out by hand (textvae.stats)."""

import math

import numpy as np
import pytest

from textvae import bootstrap, stats

T_2 = 4.302653  # t(0.975) with 2 degrees of freedom
Z = 1.959964  # the standard normal's 0.975 quantile


def test_paired_t_by_hand():
    """a = (1, 2, 3), b = (2, 4, 5): d = (1, 2, 2), mean 5/3, sd sqrt(1/3), se 1/3; the 95 %
    interval 5/3 +- 4.3027 / 3; against 0, t = 5 on 2 degrees of freedom: p = 0.03775."""
    e = stats.paired_t([1, 2, 3], [2, 4, 5])
    assert e.value == pytest.approx(5 / 3) and e.test == "paired t over 3 seeds"
    assert e.interval == pytest.approx((5 / 3 - T_2 / 3, 5 / 3 + T_2 / 3), abs=1e-5)
    assert e.p_value(0.0) == pytest.approx(0.037750, abs=1e-5)
    assert stats.exceeds(e).holds is True and stats.exceeds(e, sign=-1).holds is False


def test_welch_by_hand():
    """Means 0 and 1, sd 1, 3 runs each: se = sqrt(2/3), df = 4, t(0.975, 4) = 2.7764."""
    e = stats.welch([-1.0, 0.0, 1.0], [0.0, 1.0, 2.0])
    assert e.interval == pytest.approx((1 - 2.7764 * np.sqrt(2 / 3), 1 + 2.7764 * np.sqrt(2 / 3)), abs=1e-3)
    assert stats.exceeds(e).holds is None


def test_the_issues_a5_case_is_decided_by_pairing():
    """Three LM seeds, seed 3 about 1 nat above the others at both C: Welch's interval holds 0,
    the paired t over the seeds does not."""
    low, high = [29.0, 29.2, 30.2], [29.4, 29.6, 30.7]
    assert stats.exceeds(stats.welch(low, high)).holds is None
    paired = stats.paired_t(low, high)
    assert paired.value == pytest.approx(13 / 30) and stats.exceeds(paired).holds is True


def test_sign_test_is_mcnemars_exact_test():
    """9 wins, 25 losses: p = 2 P(X <= 9), X ~ Binomial(34, 1/2), = 0.00904 (the issue's B4
    count of m = 2 against m = 1)."""
    e = stats.sign_test(9, 25)
    by_hand = 2 * sum(math.comb(34, k) for k in range(10)) / 2 ** 34
    assert e.value == pytest.approx(9 / 34) and e.p_value(0.5) == pytest.approx(by_hand, rel=1e-6)
    assert by_hand == pytest.approx(0.00904, abs=1e-5)
    assert e.interval == pytest.approx((0.12882, 0.44362), abs=1e-5)  # Clopper-Pearson
    assert stats.exceeds(e, 0.5).holds is False
    assert stats.exceeds(stats.sign_test(0, 0), 0.5).holds is None  # no decided pair


def test_wilson_at_the_ceiling():
    """320 of 320: the interval is [1 / (1 + z^2 / 320), 1], not the point [1, 1] a bootstrap
    gives; against 0.9 the score statistic is 0.1 / sqrt(0.09 / 320) = 5.963."""
    e = stats.wilson(320, 320)
    assert e.interval == pytest.approx((1 / (1 + Z ** 2 / 320), 1.0), abs=1e-6)
    assert e.p_value(0.9) == pytest.approx(math.erfc(5.9628 / math.sqrt(2)), rel=1e-3)
    assert stats.exceeds(e, 0.9).holds is True


def test_newcombe_paired_interval():
    """Newcombe's square-and-add interval of a paired difference: the table (59, 6, 16, 80) of
    Fagerland, Lydersen & Laake's chapter 8 gives -0.0621 (-0.1186 to -0.0046)."""
    e = stats.newcombe(59, 6, 16, 80)
    assert e.value == pytest.approx(-10 / 161)
    assert e.interval == pytest.approx((-0.1186, -0.0046), abs=1e-4)
    # all pairs concordant at the ceiling: an interval of width, not a point
    tied = stats.newcombe(320, 0, 0, 0)
    assert tied.value == 0 and tied.lo < -0.01 and tied.hi > 0.01 and not tied.noiseless


def test_bootstrap_percentiles_and_a_statistic_that_cannot_move():
    assert stats.bootstrap(np.arange(101), 50.0, "x").interval == pytest.approx((2.5, 97.5))
    flat = stats.bootstrap(np.ones(2000), 1.0, "test sentences")
    assert flat.noiseless and flat.interval == (1.0, 1.0)
    decision = stats.exceeds(flat)
    assert decision.holds is None and decision.reason.startswith("no noise estimate")
    assert bootstrap.interval(np.arange(101)) == pytest.approx((2.5, 97.5))


def test_p_value_agrees_with_the_interval():
    """The interval excludes a bound exactly when p < ALPHA; for a t estimate p is the t test's."""
    e = stats.t_mean([0.3, 0.5, 0.4, 0.9], "t")
    t = e.value / (np.std([0.3, 0.5, 0.4, 0.9], ddof=1) / 2)
    from scipy.stats import t as student_t
    assert e.p_value(0.0) == pytest.approx(2 * student_t.sf(t, 3), rel=1e-6)
    for bound in (e.lo - 1e-3, e.lo + 1e-3, e.hi - 1e-3, e.hi + 1e-3):
        assert (e.p_value(bound) < stats.ALPHA) == (bound < e.lo or bound > e.hi)


def _t(mean, half):
    """A t estimate over 3 values with the given mean and 95 % half width."""
    sd = half / T_2 * math.sqrt(3)
    return stats.t_mean([mean - sd, mean, mean + sd], "t")


def test_within_and_exceeds():
    assert stats.within(_t(0.01, 0.03), 0.05).holds is True
    assert stats.within(_t(0.2, 0.05), 0.05).holds is False
    assert stats.within(_t(0.04, 0.03), 0.05).holds is None
    assert stats.exceeds(_t(0.95, 0.02), 0.9).holds is True
    assert stats.exceeds(_t(0.5, 0.02), 0.9).holds is False
    assert stats.exceeds(_t(0.91, 0.03), 0.9).holds is None
    assert stats.exceeds(_t(0.05, 0.02), 0.1, sign=-1).holds is True


def test_trend_over_every_step():
    down = [_t(-1.0, 0.2), _t(-1.0, 0.2)]
    assert stats.trend(_t(-2.0, 0.3), down, -1).holds is True
    # a step against beyond its Bonferroni level (3 comparisons): fails
    bump = stats.trend(_t(-2.0, 0.3), [_t(1.0, 0.2), _t(-3.0, 0.2)], -1)
    assert bump.holds is False and bump.p == pytest.approx(3 * _t(1.0, 0.2).p_value(0.0))
    # the ends against at 95 % but not at the Bonferroni level: undecided
    assert stats.trend(_t(0.35, 0.3), [_t(0.2, 0.5), _t(0.15, 0.5)], -1).holds is None
    assert stats.trend(_t(0.0, 0.3), down, -1).holds is None
    assert stats.trend(None, down, -1).holds is None


def test_every_and_all_exceed():
    inside = [(3.2, _t(3.2, 0.1), 2.0, 4.0), (15.5, _t(15.5, 0.1), 14.0, 16.0)]
    assert stats.every(inside).holds is True
    assert stats.every(inside + [(16.3, _t(16.3, 0.1), 14.0, 16.0)]).holds is False
    assert stats.every(inside + [(16.3, _t(16.3, 1.0), 14.0, 16.0)]).holds is None
    assert stats.all_exceed([_t(0.7, 0.1), _t(0.8, 0.1)], 0.5).holds is True
    assert stats.all_exceed([_t(0.7, 0.1), _t(0.3, 0.1)], 0.5).holds is False
    assert stats.all_exceed([_t(0.7, 0.1), _t(0.55, 0.1)], 0.5).holds is None


def test_benjamini_hochberg_by_hand():
    """p = (0.01, 0.04, 0.03, 0.5): sorted 0.01, 0.03, 0.04, 0.5, times 4/rank = 0.04, 0.06,
    0.0533, 0.5, then the running minimum from the top: 0.04, 0.0533, 0.0533, 0.5."""
    adjusted = stats.false_discovery([0.01, 0.04, 0.03, np.nan, 0.5])
    assert adjusted[[0, 1, 2, 4]] == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])
    assert np.isnan(adjusted[3])


def test_t_half_width():
    assert stats.t_half_width(1.0, 3) == pytest.approx(T_2 / math.sqrt(3))
    assert np.isnan(stats.t_half_width(1.0, 1))
