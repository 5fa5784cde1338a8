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

# logits a decoder pass of the IW-NLL may hold, by device: on a CPU, passes of more than a
# few samples run slower (benchmarks/RESULTS.md); on a GPU, K x B rows in few passes cut the
# sequential decoder steps K-fold (not measured: no GPU was lent)
PASS_LOGITS = {"cpu": 2 ** 22, "cuda": 2 ** 28}


@torch.no_grad()
def importance_weighted_nll(model, enc_in, lengths, dec_in, targets, samples: int,
                            mu=None, logvar=None, max_logits: int | None = None) -> torch.Tensor:
    """-log p(x) ~= -log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x), z_k = mu + eps_k sigma ~ q(z|x)
    (Burda et al. 2016), per sentence; an upper bound on -log p(x) that tightens as K grows.

    The noise eps is one (K, B, dz) tensor drawn first, so the result does not depend on how
    the K x B rows (sample-major) are split into decoder passes: each pass takes as many whole
    samples (B rows each) as keep its logits within `max_logits` values (vocabulary x decoder
    positions; at least one sample; None: PASS_LOGITS of the device)."""
    if mu is None:
        mu, logvar = model.encoder(enc_in, lengths)
    eps = torch.randn((samples, *mu.shape), device=mu.device, dtype=mu.dtype)
    z = mu + eps * torch.exp(0.5 * logvar)  # (K, B, dz)
    log_pz = -0.5 * (z.pow(2) + math.log(2 * math.pi)).sum(-1)
    log_qz = -0.5 * (eps.pow(2) + math.log(2 * math.pi) + logvar).sum(-1)
    limit = max_logits or PASS_LOGITS.get(mu.device.type, PASS_LOGITS["cpu"])
    per_pass = max(1, limit // (model.decoder.out.out_features * targets.numel()))
    rec = [model.reconstruction(z[first:first + per_pass].reshape(-1, z.size(-1)),
                                dec_in.repeat(min(per_pass, samples - first), 1),
                                targets.repeat(min(per_pass, samples - first), 1))
           for first in range(0, samples, per_pass)]
    log_w = torch.cat(rec).view(samples, -1) + log_pz - log_qz
    return -(torch.logsumexp(log_w, dim=0) - math.log(samples))


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


def sample_mean(values: np.ndarray, rows=slice(None)) -> float:
    """The mean of values[rows] over the entries that are not NaN: a per-sentence statistic
    that is computed on a sample of the sentences (NaN elsewhere), over the sentences `rows`
    (all, or a bootstrap resample) that are in the sample; NaN when none is."""
    picked = np.asarray(values, dtype=np.float64)[rows]
    picked = picked[~np.isnan(picked)]
    return float(picked.mean()) if len(picked) else float("nan")


def set_statistics(rec: np.ndarray, kl: np.ndarray, mu: np.ndarray, draws: list[np.ndarray],
                   au_threshold: float, iw: np.ndarray, mi_terms: np.ndarray, nll_true: np.ndarray | None = None,
                   rows=slice(None)) -> dict:
    """The statistics of the sentences `rows` (all, or a bootstrap resample) from per-sentence
    log p(x|z) `rec`, KL `kl`, posterior means `mu`, z draws, importance-weighted NLL `iw` and
    mutual-information terms `mi_terms` (these two NaN for the sentences outside their samples):
    distortion D = mean -log p(x|z), rate R = mean KL(q(z|x) || N(0, I)), ELBO = -(D + R);
    LogDetCov, ||mu||^2 and the aggregate-posterior KL of the z draws (one z ~ q(z|x) per
    sentence in each), averaged over the draws; active units of `mu`; the mean IW-NLL and MI
    over the rows in their samples (sample_mean) and R - MI; with the true -log p(x)
    `nll_true`, the entropy H (its mean), bound_gap = D + R - H and iw_gap = the mean of
    IW-NLL - (-log p(x)) over the rows in the IW sample."""
    stats = {"logdetcov": [], "mu_norm2": [], "aggregate_kl": []}
    for z in draws:
        z = z[rows]
        stats["logdetcov"].append(log_det_cov(z))
        stats["mu_norm2"].append(mean_norm2(z))
        stats["aggregate_kl"].append(aggregate_posterior_kl(z))
    distortion, rate = -float(np.mean(rec[rows])), float(np.mean(kl[rows]))
    mi = sample_mean(mi_terms, rows)
    out = dict(distortion=distortion, rate=rate, elbo=-(distortion + rate),
               **{k: float(np.mean(v)) for k, v in stats.items()},
               active_units=active_units(mu[rows], au_threshold), iw_nll=sample_mean(iw, rows),
               mi=mi, rate_minus_mi=rate - mi)
    if nll_true is not None:
        entropy = float(np.mean(nll_true[rows]))
        out.update(entropy=entropy, bound_gap=distortion + rate - entropy, iw_gap=sample_mean(iw - nll_true, rows))
    return out


def seeded_subset(n: int, size: int, seed: int) -> np.ndarray:
    """Whether each of n items is in a seeded sample of `size` of them (all when n <= size)."""
    chosen = np.ones(n, dtype=bool)
    if n > size:
        chosen[:] = False
        chosen[np.random.default_rng(seed).choice(n, size, replace=False)] = True
    return chosen


@torch.no_grad()
def evaluate(model, sentences: list[list[int]], bos: int, eos: int, *, iw_samples: int,
             repeats: int, au_threshold: float, seed: int, batch_size: int = 256,
             mi_posteriors: int = 10000, iw_sentences: int = 2000, replicates: int = 0,
             device=torch.device("cpu"), logp_true: np.ndarray | None = None) -> dict:
    """set_statistics of the test sentences with `repeats` z draws per sentence; the mutual
    information I(x; z) with q(z) the mixture of (a seeded sample of at most `mi_posteriors`
    of) the test posteriors, from the first draw, with its standard error (the sd of the
    per-sentence terms over sqrt(n)) and the number n of posteriors in the mixture (the
    estimate is at most log n); importance-weighted NLL with `iw_samples` samples on a seeded
    sample of `iw_sentences` test sentences (all when fewer; the same sentences in every cell
    of the split), with its standard error and the perplexity exp(sum NLL / tokens) of those
    sentences, tokens counting </s>.  With `logp_true` (the true log p(x) of each sentence)
    also H, the bound gaps and bound_ok: D + R >= H.  With `replicates` > 0, `bootstrap` holds
    set_statistics on that many resamples of the sentences (textvae.bootstrap, seeded by
    `seed`), one row each: MI and IW-NLL of a replicate over its sentences in their samples."""
    model.eval()
    in_iw = seeded_subset(len(sentences), iw_sentences, seed)
    torch.manual_seed(seed)
    rec, kl, iw, mus, logvars = [], [], [], [], []
    order = []
    for batch in length_batches([len(s) for s in sentences], batch_size, seed=None):
        enc_in, lens, dec_in, targets = collate([sentences[i] for i in batch], bos, eos, device)
        r, k, mu, logvar = model(enc_in, lens, dec_in, targets)
        for store, value in ((rec, r), (kl, k), (mus, mu), (logvars, logvar)):
            store.append(value.cpu())
        iw.append(batch_iw_nll(model, (enc_in, lens, dec_in, targets), mu, logvar, in_iw[batch], iw_samples))
        order.extend(batch)
    back = np.argsort(order)  # from batch order to sentence order: resamples pair across cells
    mu, logvar = torch.cat(mus).numpy()[back], torch.cat(logvars).numpy()[back]
    rec, kl = torch.cat(rec).numpy()[back].astype(np.float64), torch.cat(kl).numpy()[back].astype(np.float64)
    rng = np.random.default_rng(seed)
    draws = [mu + rng.standard_normal(mu.shape) * np.exp(0.5 * logvar) for _ in range(repeats)]
    some = np.sort(rng.choice(len(mu), mi_posteriors, replace=False)) if len(mu) > mi_posteriors else slice(None)
    terms = mutual_information_terms(mu[some].astype(np.float64), logvar[some].astype(np.float64),
                                     draws[0][some].astype(np.float64))
    mi_terms = np.full(len(mu), np.nan)
    mi_terms[some] = terms
    nll = np.concatenate(iw)[back]
    nll_true = None if logp_true is None else -np.asarray(logp_true, dtype=np.float64)
    tokens = np.array([len(s) + 1 for s in sentences])
    out = dict(n_sentences=len(sentences),
               **set_statistics(rec, kl, mu, draws, au_threshold, nll, mi_terms, nll_true),
               mi_se=float(terms.std(ddof=1) / np.sqrt(len(terms))), mi_posteriors=len(terms),
               iw_nll_se=float(nll[in_iw].std(ddof=1) / np.sqrt(in_iw.sum())), iw_sentences=int(in_iw.sum()),
               perplexity=float(np.exp(nll[in_iw].sum() / tokens[in_iw].sum())))
    if nll_true is not None:
        out["bound_ok"] = out["bound_gap"] >= 0
    if replicates:
        out["bootstrap"] = pd.DataFrame([set_statistics(rec, kl, mu, draws, au_threshold, nll, mi_terms, nll_true, rows)
                                         for rows in resamples(len(sentences), replicates, seed)])
    return out


def batch_iw_nll(model, tensors, mu, logvar, chosen: np.ndarray, samples: int) -> np.ndarray:
    """importance_weighted_nll of the rows of a collated batch `tensors` (enc_in, lengths,
    dec_in, targets) with posteriors mu, logvar where `chosen` is true, in float64, NaN for the
    others; the whole batch's tensors as they are when every row is chosen."""
    out = np.full(len(chosen), np.nan)
    if chosen.any():
        rows = slice(None) if chosen.all() else torch.as_tensor(np.flatnonzero(chosen), device=mu.device)
        picked = [t[rows] for t in (*tensors, mu, logvar)]
        out[chosen] = importance_weighted_nll(model, *picked[:4], samples, *picked[4:]).cpu().numpy()
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
