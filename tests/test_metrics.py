import math

import numpy as np
import pytest

from textvae import metrics


def samples_with_moments(mean, cov, n=400, seed=0):
    """Samples whose sample mean and (unbiased) covariance are exactly `mean` and `cov`."""
    x = np.random.default_rng(seed).standard_normal((n, len(mean)))
    x -= x.mean(axis=0)
    whiten = np.linalg.inv(np.linalg.cholesky(np.cov(x, rowvar=False)))
    return x @ whiten.T @ np.linalg.cholesky(cov).T + mean


def test_log_det_cov_of_known_covariance():
    cov = np.array([[4.0, 1.0], [1.0, 9.0]])
    z = samples_with_moments(np.zeros(2), cov)
    assert metrics.log_det_cov(z) == pytest.approx(math.log(35.0))


def test_mean_norm2():
    z = samples_with_moments(np.array([3.0, -4.0]), np.eye(2))
    assert metrics.mean_norm2(z) == pytest.approx(25.0)


def test_active_units_on_constructed_means():
    means = np.zeros((4, 3))
    means[:, 0] = [1, -1, 1, -1]  # variance 1: active
    means[:, 1] = [0.05, -0.05, 0.05, -0.05]  # variance 0.0025: inactive
    means[:, 2] = 7.0  # constant: inactive
    assert metrics.active_units(means, 0.01) == 1
    assert metrics.active_units(means, 0.001) == 2


def test_aggregate_posterior_kl():
    assert metrics.aggregate_posterior_kl(samples_with_moments(np.zeros(3), np.eye(3))) == pytest.approx(0.0, abs=1e-9)
    mean, cov = np.array([1.0, 2.0]), np.diag([0.5, 2.0])
    by_hand = 0.5 * (2.5 + 5.0 - 2 - math.log(1.0))
    assert metrics.aggregate_posterior_kl(samples_with_moments(mean, cov)) == pytest.approx(by_hand)
