"""Evaluation of a trained VAE on a test split: the statistics that docs/experiments.md defines."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch

from .batching import collate, length_batches
from .bootstrap import resamples
from .metrics import (
    active_units,
    aggregate_posterior_kl,
    log_det_cov,
    mean_norm2,
    mutual_information,
    mutual_information_terms,
)


@torch.no_grad()
def importance_weighted_nll(model, enc_in, lengths, dec_in, targets, samples: int,
                            mu=None, logvar=None) -> torch.Tensor:
    """-log p(x) ~= -log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x), z_k ~ q(z|x) (Burda et al.
    2016), per sentence; an upper bound on -log p(x) that tightens as K grows."""
    if mu is None:
        mu, logvar = model.encoder(enc_in, lengths)
    std = torch.exp(0.5 * logvar)
    log_w = []
    for _ in range(samples):
        eps = torch.randn_like(mu)
        z = mu + eps * std
        log_pz = -0.5 * (z.pow(2) + math.log(2 * math.pi)).sum(-1)
        log_qz = -0.5 * (eps.pow(2) + math.log(2 * math.pi) + logvar).sum(-1)
        log_w.append(model.reconstruction(z, dec_in, targets) + log_pz - log_qz)
    return -(torch.logsumexp(torch.stack(log_w), dim=0) - math.log(samples))


@torch.no_grad()
def mean_terms(model, sentences: list[list[int]], bos: int, eos: int, *, seed: int,
               batch_size: int = 256, device=torch.device("cpu")) -> dict:
    """Over `sentences`, in eval mode with the noise of `seed` (the caller's random state and
    mode are left as they were): `reconstruction`, the mean log p(x|z) with one z ~ q(z|x);
    `kl`, the mean KL(q(z|x) || N(0, I)) = R; `mi`, I(x; z) with q(z) the mixture of these
    posteriors (metrics.mutual_information, one more z per sentence); `mu_norm2`,
    ||mean_x mu(x)||^2, the squared offset of the posterior means, whose 1/2 ||.||^2 nats of
    R tell the decoder nothing about x; and `active_units` of the posterior means
    (metrics.active_units, its default threshold).  A model without z gives 0 for the last
    three."""
    was_training = model.training
    model.eval()
    rec = kl = 0.0
    mus, logvars = [], []
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        for batch in length_batches([len(s) for s in sentences], batch_size, seed=None):
            enc_in, lens, dec_in, targets = collate([sentences[i] for i in batch], bos, eos, device)
            r, k, mu, logvar = model(enc_in, lens, dec_in, targets)
            rec, kl = rec + r.sum().item(), kl + k.sum().item()
            mus.append(mu.double().cpu())
            logvars.append(logvar.double().cpu())
        mu, logvar = torch.cat(mus), torch.cat(logvars)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
    model.train(was_training)
    mi = mutual_information(mu.numpy(), logvar.numpy(), z.numpy()) if mu.size(1) else 0.0
    return dict(reconstruction=rec / len(sentences), kl=kl / len(sentences), mi=mi,
                mu_norm2=float(mu.mean(0).pow(2).sum()), active_units=active_units(mu.numpy()) if mu.size(1) else 0)


def set_statistics(rec: np.ndarray, kl: np.ndarray, mu: np.ndarray, draws: list[np.ndarray],
                   au_threshold: float, iw: np.ndarray, nll_true: np.ndarray | None = None,
                   rows=slice(None)) -> dict:
    """The statistics of the sentences `rows` (all, or a bootstrap resample) from per-sentence
    log p(x|z) `rec`, KL `kl`, posterior means `mu`, z draws and importance-weighted NLL `iw`:
    distortion D = mean -log p(x|z), rate R = mean KL(q(z|x) || N(0, I)), ELBO = -(D + R);
    LogDetCov, ||mu||^2 and the aggregate-posterior KL of the z draws (one z ~ q(z|x) per
    sentence in each), averaged over the draws; active units of `mu`; the mean IW-NLL; with the
    true -log p(x) `nll_true`, the entropy H (its mean), bound_gap = D + R - H and
    iw_gap = IW-NLL - H."""
    stats = {"logdetcov": [], "mu_norm2": [], "aggregate_kl": []}
    for z in draws:
        z = z[rows]
        stats["logdetcov"].append(log_det_cov(z))
        stats["mu_norm2"].append(mean_norm2(z))
        stats["aggregate_kl"].append(aggregate_posterior_kl(z))
    distortion, rate = -float(np.mean(rec[rows])), float(np.mean(kl[rows]))
    out = dict(distortion=distortion, rate=rate, elbo=-(distortion + rate),
               **{k: float(np.mean(v)) for k, v in stats.items()},
               active_units=active_units(mu[rows], au_threshold), iw_nll=float(np.mean(iw[rows])))
    if nll_true is not None:
        entropy = float(np.mean(nll_true[rows]))
        out.update(entropy=entropy, bound_gap=distortion + rate - entropy, iw_gap=out["iw_nll"] - entropy)
    return out


@torch.no_grad()
def evaluate(model, sentences: list[list[int]], bos: int, eos: int, *, iw_samples: int,
             repeats: int, au_threshold: float, seed: int, batch_size: int = 256,
             mi_posteriors: int = 10000, replicates: int = 0, device=torch.device("cpu"),
             logp_true: np.ndarray | None = None) -> dict:
    """set_statistics of the test sentences with `repeats` z draws per sentence; the mutual
    information I(x; z) with q(z) the mixture of (a seeded sample of at most `mi_posteriors`
    of) the test posteriors, from the first draw, with its standard error (the sd of the
    per-sentence terms over sqrt(n)) and the number n of posteriors in the mixture (the
    estimate is at most log n), and R - MI, the rate spent off information (the KL of the
    aggregate posterior to the prior); importance-weighted NLL with `iw_samples` samples and
    perplexity exp(sum NLL / tokens), tokens counting </s>.  With `logp_true` (the true
    log p(x) of each sentence) also H, the bound gaps and bound_ok: D + R >= H.  With
    `replicates` > 0, `bootstrap` holds set_statistics on that many resamples of the sentences
    (textvae.bootstrap, seeded by `seed`), one row each."""
    model.eval()
    torch.manual_seed(seed)
    rec, kl, iw, mus, logvars = [], [], [], [], []
    order = []
    for batch in length_batches([len(s) for s in sentences], batch_size, seed=None):
        enc_in, lens, dec_in, targets = collate([sentences[i] for i in batch], bos, eos, device)
        r, k, mu, logvar = model(enc_in, lens, dec_in, targets)
        for store, value in ((rec, r), (kl, k), (mus, mu), (logvars, logvar)):
            store.append(value.cpu())
        iw.append(importance_weighted_nll(model, enc_in, lens, dec_in, targets, iw_samples,
                                          mu, logvar).cpu())
        order.extend(batch)
    back = np.argsort(order)  # from batch order to sentence order: resamples pair across cells
    mu, logvar = torch.cat(mus).numpy()[back], torch.cat(logvars).numpy()[back]
    rec, kl = torch.cat(rec).numpy()[back].astype(np.float64), torch.cat(kl).numpy()[back].astype(np.float64)
    rng = np.random.default_rng(seed)
    draws = [mu + rng.standard_normal(mu.shape) * np.exp(0.5 * logvar) for _ in range(repeats)]
    some = np.sort(rng.choice(len(mu), mi_posteriors, replace=False)) if len(mu) > mi_posteriors else slice(None)
    terms = mutual_information_terms(mu[some].astype(np.float64), logvar[some].astype(np.float64),
                                     draws[0][some].astype(np.float64))
    mi, mi_posteriors = float(terms.mean()), len(terms)
    nll = torch.cat(iw).numpy()[back].astype(np.float64)
    nll_true = None if logp_true is None else -np.asarray(logp_true, dtype=np.float64)
    n_tokens = sum(len(s) + 1 for s in sentences)
    out = dict(n_sentences=len(sentences), **set_statistics(rec, kl, mu, draws, au_threshold, nll, nll_true),
               mi=mi, mi_se=float(terms.std(ddof=1) / np.sqrt(mi_posteriors)), mi_posteriors=mi_posteriors,
               perplexity=float(np.exp(nll.sum() / n_tokens)))
    out["rate_minus_mi"] = out["rate"] - mi
    if nll_true is not None:
        out["bound_ok"] = out["bound_gap"] >= 0
    if replicates:
        out["bootstrap"] = pd.DataFrame([set_statistics(rec, kl, mu, draws, au_threshold, nll, nll_true, rows)
                                         for rows in resamples(len(sentences), replicates, seed)])
    return out


@torch.no_grad()
def log_likelihoods(model, sentences: list[list[int]], z: torch.Tensor, bos: int, eos: int, *,
                    batch_size: int = 256) -> np.ndarray:
    """log p(x_i | z_i) = sum over the tokens of x_i and </s> of log p(x_t | x_<t, z_i), per
    sentence in input order; z (N, dz) may have dz = 0, for a language model's log p(x_i)."""
    out = np.empty(len(sentences))
    for batch in length_batches([len(s) for s in sentences], batch_size, seed=None):
        _, _, dec_in, targets = collate([sentences[i] for i in batch], bos, eos, z.device)
        out[batch] = model.reconstruction(z[batch], dec_in, targets).cpu().numpy()
    return out
