"""Each test behind the verdicts at the sample sizes the pipeline gives it: its rejection rate
at 5 % under a null built to be true is at most 6 %, and its power at a stated effect at least
80 %.  Continuous data are simulated (SETS data sets, seeded); the tests on counts are
computed exactly over every outcome, which is what infinitely many simulations would give."""

import numpy as np
import pytest
from scipy.stats import binom

from textvae import stats
from textvae.bootstrap import resample_counts

SETS = 2000
SIZE, POWER = 0.06, 0.80


def rejection_rate(p_values) -> float:
    return float(np.mean(np.asarray(p_values) < stats.ALPHA))


@pytest.mark.parametrize("effect, bound", [(0.0, SIZE), (0.1, POWER)])
def test_the_paired_bootstrap_over_the_defaults_test_sentences(effect, bound):
    """1,000 test sentences, 2,000 replicates (the default run's evaluation): per-sentence
    differences between two cells N(effect, 1); power stated at 0.1 sd of those differences."""
    n, replicates = 1000, 2000
    data = np.random.default_rng(1).normal(effect, 1.0, size=(n, SETS))
    counts = np.concatenate(list(resample_counts(n, replicates, seed=1)))
    means = counts @ data / n  # (replicates, SETS): the same resamples for every data set, as in a run
    p = [stats.bootstrap(means[:, k], data[:, k].mean(), "test sentences", n).p_value(0.0) for k in range(SETS)]
    rate = rejection_rate(p)
    assert rate <= bound if effect == 0 else rate >= bound


@pytest.mark.parametrize("effect, bound", [(0.0, SIZE), (1.2, POWER)])
def test_the_exact_sign_flip_over_ten_paths(effect, bound):
    """10 paths (A4 and B5): per-path differences N(effect, 1); power stated at 1.2 sd."""
    data = np.random.default_rng(2).normal(effect, 1.0, size=(SETS, 10))
    rate = rejection_rate([stats.sign_flip(d, "paths").p_value(0.0) for d in data])
    assert rate <= bound if effect == 0 else rate >= bound


@pytest.mark.parametrize("effect, bound", [(0.0, SIZE), (4.0, POWER)])
def test_the_paired_t_over_three_seeds(effect, bound):
    """3 training or LM seeds: per-seed differences N(effect, 1); three seeds detect 80 % of
    effects only from about 3.5 sd of the seed-to-seed differences on (stated: 4 sd)."""
    data = np.random.default_rng(3).normal(effect, 1.0, size=(SETS, 3))
    rate = rejection_rate([stats.paired_t(np.zeros(3), d, "seeds").p_value(0.0) for d in data])
    assert rate <= bound if effect == 0 else rate >= bound


def _exact_rate(test, n: int, truth: float) -> float:
    """P(reject) over every outcome k of Binomial(n, truth), each tested by test(k)."""
    k = np.arange(n + 1)
    return float(sum(binom.pmf(j, n, truth) for j in k if test(int(j)) < stats.ALPHA))


@pytest.mark.parametrize("n, near, knows", [(40, 0.995, 0.75), (80, 0.99, 0.7), (160, 0.97, 0.7), (320, 0.97, 0.7)])
def test_wilsons_score_test_at_the_a6_category_sizes(n, near, knows):
    """A6's categories score 40-320 pairs: p1 against NEAR_ONE (0.9) and KNOWS (0.5); the power
    stated at the p1 where it reaches 80 % (with 40 pairs, "near one" shows only for p1 ~ 1)."""
    for null, alternative in ((0.9, near), (0.5, knows)):
        def test(k, null=null):
            return stats.wilson(k, n, "minimal pairs").p_value(null)
        assert _exact_rate(test, n, null) <= SIZE
        assert _exact_rate(test, n, alternative) >= POWER


@pytest.mark.parametrize("n", [20, 35, 60])
def test_the_exact_sign_test_at_the_b4_discordant_counts(n):
    """B4's McNemar tests see 20-60 discordant z of 200: power stated at a 75 % share."""
    def test(k):
        return stats.sign_test(k, n - k, "prior z").p_value(0.5)
    assert _exact_rate(test, n, 0.5) <= stats.ALPHA
    assert _exact_rate(test, 60, 0.75) >= POWER if n == 60 else True


@pytest.mark.parametrize("shift, bound", [(0.0, SIZE), (0.08, POWER)])
def test_newcombes_paired_interval_at_320_pairs(shift, bound):
    """320 pairs with p1 = p2 = 0.75 and 20 % of them discordant (A6's p1 against p2 at small C);
    power stated at p1 - p2 = 0.08."""
    p = np.array([0.65, 0.10 + shift / 2, 0.10 - shift / 2, 0.15])  # both, only a, only b, neither
    tables = np.random.default_rng(4).multinomial(320, p, size=SETS)
    rate = rejection_rate([stats.newcombe(*map(int, t), "minimal pairs").p_value(0.0) for t in tables])
    assert rate <= bound if shift == 0 else rate >= bound
