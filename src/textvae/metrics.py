"""Posterior statistics of SPEC (paper A), on arrays of latent samples or posterior means."""

from __future__ import annotations

import numpy as np


def sample_covariance(samples: np.ndarray) -> np.ndarray:
    """Unbiased covariance of the rows of `samples` (n, d)."""
    return np.cov(samples, rowvar=False, ddof=1).reshape(samples.shape[1], samples.shape[1])


def log_det_cov(samples: np.ndarray) -> float:
    """log det Cov[z] of z samples (n, d) of the aggregated posterior q(z)."""
    sign, logdet = np.linalg.slogdet(sample_covariance(samples))
    return float(logdet) if sign > 0 else -np.inf


def mean_norm2(samples: np.ndarray) -> float:
    """||mu||^2, the squared norm of the mean of the z samples."""
    return float(np.sum(samples.mean(axis=0) ** 2))


def active_units(means: np.ndarray, threshold: float = 0.01) -> int:
    """Active units (Burda et al. 2016): dimensions d with Var_x(E_q[z_d | x]) > threshold,
    the variance taken over the sentences x (ddof = 0)."""
    return int(np.sum(means.var(axis=0) > threshold))


def aggregate_posterior_kl(samples: np.ndarray) -> float:
    """KL(N(m, S) || N(0, I)) = 1/2 (tr S + m.m - d - log det S), with m and S the mean and
    covariance of the z samples of q(z)."""
    m, cov = samples.mean(axis=0), sample_covariance(samples)
    sign, logdet = np.linalg.slogdet(cov)
    if sign <= 0:
        return np.inf
    return float(0.5 * (np.trace(cov) + m @ m - samples.shape[1] - logdet))
