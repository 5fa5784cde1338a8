import math

import numpy as np
import pytest

from textvae import metrics
from textvae.evaluation import set_statistics


def samples_with_moments(mean, cov, n=400, seed=0):
    """Samples whose sample mean and (unbiased) covariance are exactly `mean` and `cov`."""
    x = np.random.default_rng(seed).standard_normal((n, len(mean)))
    x -= x.mean(axis=0)
    whiten = np.linalg.inv(np.linalg.cholesky(np.cov(x, rowvar=False)))
    return x @ whiten.T @ np.linalg.cholesky(cov).T + mean


def moments(z):
    """The sample mean and unbiased covariance of the rows of z."""
    return z.mean(axis=0), np.cov(z, rowvar=False)


def test_log_det_cov_of_known_covariance():
    cov = np.array([[4.0, 1.0], [1.0, 9.0]])
    z = samples_with_moments(np.zeros(2), cov)
    assert metrics.log_det(moments(z)[1]) == pytest.approx(math.log(35.0))
    assert metrics.log_det(np.zeros((2, 2))) == -np.inf


def test_mean_norm2():
    """||mean z||^2 as evaluation computes it for every z draw."""
    z = samples_with_moments(np.array([3.0, -4.0]), np.eye(2))
    zeros = np.zeros(len(z))
    stats = set_statistics(zeros, zeros, z, [z], 0.01, zeros, zeros)
    assert stats["mu_norm2"] == pytest.approx(25.0)


def test_active_units_on_constructed_means():
    means = np.zeros((4, 3))
    means[:, 0] = [1, -1, 1, -1]  # variance 1: active
    means[:, 1] = [0.05, -0.05, 0.05, -0.05]  # variance 0.0025: inactive
    means[:, 2] = 7.0  # constant: inactive
    assert metrics.active_units(means, 0.01) == 1
    assert metrics.active_units(means, 0.001) == 2


def test_active_units_count_as_the_authors_calc_au():
    """Variance over n - 1 and the threshold itself active: means 0 and 0.5 have squares 0.125
    about their mean, variance 0.125 over n - 1 = 1 (0.0625 over n)."""
    means = np.array([[0.0], [0.5]])
    assert metrics.active_units(means, 0.125) == 1
    assert metrics.active_units(means, 0.13) == 0


def test_aggregate_posterior_kl():
    assert metrics.prior_kl(*moments(samples_with_moments(np.zeros(3), np.eye(3)))) == pytest.approx(0.0, abs=1e-9)
    mean, cov = np.array([1.0, 2.0]), np.diag([0.5, 2.0])
    by_hand = 0.5 * (2.5 + 5.0 - 2 - math.log(1.0))
    assert metrics.prior_kl(*moments(samples_with_moments(mean, cov))) == pytest.approx(by_hand)


def test_mutual_information_is_zero_when_every_posterior_is_the_same():
    rng = np.random.default_rng(0)
    mu, logvar = np.tile([0.3, -1.0], (50, 1)), np.tile([0.2, -0.5], (50, 1))
    z = mu + rng.standard_normal(mu.shape) * np.exp(0.5 * logvar)
    assert metrics.mutual_information(mu, logvar, z) == pytest.approx(0.0, abs=1e-12)


def test_mutual_information_is_log_n_for_posteriors_far_apart():
    """n narrow posteriors 100 standard deviations apart: z tells x exactly, I = log n."""
    n = 40
    mu = np.stack([100.0 * np.arange(n), np.zeros(n)], axis=1)
    logvar = np.zeros((n, 2))
    z = mu + np.random.default_rng(1).standard_normal(mu.shape)
    assert metrics.mutual_information(mu, logvar, z, chunk=7) == pytest.approx(math.log(n), abs=1e-9)


def test_mutual_information_terms_are_at_most_log_n_and_average_to_it():
    rng = np.random.default_rng(3)
    mu, logvar = rng.standard_normal((30, 2)), np.full((30, 2), -1.0)
    z = mu + rng.standard_normal(mu.shape) * np.exp(-0.5)
    terms = metrics.mutual_information_terms(mu, logvar, z, chunk=7)
    assert terms.shape == (30,) and (terms <= math.log(30) + 1e-12).all()
    assert terms.mean() == pytest.approx(metrics.mutual_information(mu, logvar, z))


def test_mutual_information_of_a_gaussian_channel():
    """x ~ N(0, a^2 I), q(z|x) = N(x, s^2 I): I(x; z) = d/2 log(1 + a^2/s^2) (closed form);
    here d = 2, a = 2, s = 1: log 5 = 1.609."""
    rng = np.random.default_rng(2)
    n, d, a, s = 6000, 2, 2.0, 1.0
    mu = a * rng.standard_normal((n, d))
    logvar = np.full((n, d), 2 * math.log(s))
    z = mu + s * rng.standard_normal((n, d))
    assert metrics.mutual_information(mu, logvar, z) == pytest.approx(d / 2 * math.log(1 + a ** 2 / s ** 2), abs=0.05)


def test_log_normal_density_by_hand():
    z, mu = np.array([[1.0, 2.0]]), np.array([[0.0, 0.0], [1.0, 1.0]])
    logvar = np.array([[0.0, 0.0], [math.log(4.0), 0.0]])
    first = -0.5 * (2 * math.log(2 * math.pi) + 1.0 + 4.0)
    second = -0.5 * (2 * math.log(2 * math.pi) + math.log(4.0) + 0.0 + 1.0)
    np.testing.assert_allclose(metrics._log_normal_density(z, mu, logvar), [[first, second]])
