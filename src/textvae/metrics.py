"""Posterior statistics of paper A (docs/experiments.md), on arrays of latent samples or posterior means."""

from __future__ import annotations

import numpy as np


def log_det(cov: np.ndarray) -> np.ndarray:
    """log det S of covariances S (..., d, d); -inf where S is not positive definite."""
    sign, value = np.linalg.slogdet(cov)
    return np.where(sign > 0, value, -np.inf)


def prior_kl(mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """KL(N(m, S) || N(0, I)) of Gaussians with means m and covariances S.

    KL = 1/2 (tr S + m.m - d - log det S) of means (..., d) and
    covariances (..., d, d); inf where S is singular."""
    trace = np.trace(cov, axis1=-2, axis2=-1)
    return 0.5 * (trace + (mean ** 2).sum(-1) - mean.shape[-1] - log_det(cov))


def active_units(means: np.ndarray, threshold: float = 0.01) -> int:
    """The active units of the posterior means (Burda et al. 2016).

    Dimensions d with Var_x(E_q[z_d | x]) >= threshold,
    the variance taken over the n sentences x with ddof = 1 (sum of squares over n - 1), as the
    authors' experiment_table_1.py (calc_au) computes it."""
    return int(np.sum(means.var(axis=0, ddof=1) >= threshold))


def _log_normal_density(z: np.ndarray, mu: np.ndarray, logvar: np.ndarray) -> np.ndarray:
    """The log density of each row of z under each diagonal Gaussian.

    log N(z_i; mu_j, diag(exp(logvar_j))) for every row i of z and j of mu, as an (n, m)
    array, through matrix products: -1/2 sum_d [log 2 pi + logvar_jd + (z_id - mu_jd)^2 / var_jd]."""
    inv = np.exp(-logvar)
    const = logvar.sum(1) + (mu ** 2 * inv).sum(1) + mu.shape[1] * np.log(2 * np.pi)
    return -0.5 * ((z ** 2) @ inv.T - 2 * z @ (mu * inv).T + const)


def mutual_information_terms(mu: np.ndarray, logvar: np.ndarray, z: np.ndarray, chunk: int = 1000) -> np.ndarray:
    """The per-sentence terms of the mutual information I(x; z).

    With q(z) = 1/n sum_j q(z|x_j) and one z_i ~ q(z|x_i) a row: t_i = log q(z_i|x_i) -
    log q(z_i), log q(z_i) = logsumexp_j log q(z_i|x_j) - log n; t_i <= log n.
    Why: docs/design.md#metrics."""
    n = len(mu)
    own = np.empty(n)
    mixture = np.empty(n)
    for start in range(0, n, chunk):
        rows = slice(start, start + chunk)
        log_q = _log_normal_density(z[rows], mu, logvar)
        own[rows] = log_q[np.arange(log_q.shape[0]), np.arange(n)[rows]]
        peak = log_q.max(axis=1)
        mixture[rows] = peak + np.log(np.exp(log_q - peak[:, None]).sum(axis=1)) - np.log(n)
    return own - mixture


def mutual_information(mu: np.ndarray, logvar: np.ndarray, z: np.ndarray, chunk: int = 1000) -> float:
    """The mutual information I(x; z) of the posteriors given.

    MI = 1/n sum_i t_i over mutual_information_terms.  The rate splits as
    R = MI + KL(q(z) || p(z)); the estimate is at most log n."""
    return float(np.mean(mutual_information_terms(mu, logvar, z, chunk)))
