"""Training objectives, written as losses to minimise (the negative of the papers' objectives).

Notation, per sentence x: rec = E_q[log p(x|z)] estimated with one z ~ q(z|x);
kl = KL(q(z|x) || N(0, I)).  Means are over the sentences of a batch.
"""

from __future__ import annotations

import math

import torch

from .settings import ANNEAL_SCHEDULES, OBJECTIVES


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, diag(exp(logvar))) || N(0, I)) = 1/2 sum_d (mu_d^2 + exp(logvar_d) - 1 - logvar_d)."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(-1)


def elbo(rec: torch.Tensor, kl: torch.Tensor) -> torch.Tensor:
    """ELBO = E_q[log p(x|z)] - KL(q(z|x) || p(z)), per sentence (a lower bound on log p(x))."""
    return rec - kl


def beta_vae_loss(rec, kl, beta: float = 1.0) -> torch.Tensor:
    """-mean(rec) + beta * mean(kl); beta = 1 is the negative ELBO (the standard VAE)."""
    return -rec.mean() + beta * kl.mean()


def beta_c_loss(rec, kl, C: float, beta: float = 1.0) -> torch.Tensor:
    """beta_C-VAE (Prokhorov et al. 2019, Eq. 2): -mean(rec) + beta * |mean(kl) - C|."""
    return -rec.mean() + beta * (kl.mean() - C).abs()


def free_bits_loss(rec, kl, C: float) -> torch.Tensor:
    """Free-bits style variant: -mean(rec) + max(C, mean(kl)); no pressure below C nats."""
    return -rec.mean() + torch.clamp(kl.mean(), min=C)


def autogen_loss(rec, kl, m: float) -> torch.Tensor:
    """AutoGen (Mansbridge et al. 2018, Eq. 11): -(1 + m) * mean(rec) + mean(kl)."""
    return -(1.0 + m) * rec.mean() + kl.mean()


def linear_ramp(step: int, steps: int, target: float) -> float:
    """target * min(1, step / steps); `steps` <= 0 gives the target from the start."""
    return target if steps <= 0 else target * min(1.0, step / steps)


def kl_weight(schedule: str | None, step: int, steps: int) -> float:
    """KL annealing weight (Bowman et al. 2016) from 0 to 1 over `steps`.

    linear: min(1, step/steps); sigmoid: 1 / (1 + exp(-10 (step/steps - 1/2))); None: 1."""
    if schedule is None or steps <= 0:
        return 1.0
    if schedule == "linear":
        return min(1.0, step / steps)
    if schedule == "sigmoid":
        return 1.0 / (1.0 + math.exp(-10.0 * (step / steps - 0.5)))
    raise ValueError(f"unknown anneal schedule {schedule!r}; expected one of {ANNEAL_SCHEDULES}")


def training_loss(objective: str, rec, kl, *, C: float = 0.0, beta: float = 1.0, m: float = 0.0,
                  weight: float = 1.0) -> torch.Tensor:
    """The training loss of `objective` with its current target rate C and KL weight `weight`.

    The annealing weight multiplies the KL term of the vae, beta and autogen losses."""

    if objective in ("vae", "lm"):  # a language model has no z: kl = 0
        return beta_vae_loss(rec, kl, weight)
    if objective == "beta":
        return beta_vae_loss(rec, kl, beta * weight)
    if objective == "betac":
        return beta_c_loss(rec, kl, C, beta)
    if objective == "freebits":
        return free_bits_loss(rec, kl, C)
    if objective == "autogen":
        return autogen_loss(rec, weight * kl, m)
    raise ValueError(f"unknown objective {objective!r}; expected one of {OBJECTIVES}")


def kl_share(rec: float, kl: float, m: float = 0.0) -> float:
    """The KL term as % of the whole AutoGen objective (Mansbridge et al., Fig. 2 left).

    100 * KL / ((1 + m) * (-rec) + KL)."""
    return 100.0 * kl / ((1.0 + m) * (-rec) + kl)
