"""Evaluation of a trained VAE on a test split: the statistics that docs/experiments.md defines."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch

from .batching import collate, length_batches
from .bootstrap import resample_counts
from .metrics import (
    active_units,
    log_det,
    mutual_information,
    mutual_information_terms,
    prior_kl,
)

# logits a decoder pass of the IW-NLL may hold, by device: on a CPU, passes of more than a
# few samples run slower; on an H200, passes of 2^28 ran 1.14x one pass per sample
# (benchmarks/RESULTS.md)
PASS_LOGITS = {"cpu": 2 ** 22, "cuda": 2 ** 28}


@torch.no_grad()
def importance_weighted_nll(model, enc_in, lengths, dec_in, targets, samples: int,
                            mu=None, logvar=None, max_logits: int | None = None) -> torch.Tensor:
    """The importance-weighted estimate of -log p(x) per sentence (Burda et al. 2016).

    -log p(x) ~= -log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x), z_k = mu + eps_k sigma ~ q(z|x);
    decoder passes hold at most `max_logits` logits (None: PASS_LOGITS of the device), and the
    result does not depend on them.  Why: docs/design.md#evaluation."""
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
    """The mean reconstruction, KL, MI, offset and active units over sentences.

    Keys: reconstruction (mean log p(x|z)), kl (mean KL = R), mi (I(x; z)), mu_norm2
    (||mean_x mu(x)||^2), active_units, elbos (per sentence, in input order); 0 for the MI,
    offset and units without z.  Eval mode, noise of `seed`; the caller's state is restored.
    Definitions: docs/design.md#evaluation."""
    was_training = model.training
    model.eval()
    rec = kl = 0.0
    mus, logvars, elbos, order = [], [], [], []
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        for batch in length_batches([len(s) for s in sentences], batch_size, seed=None):
            enc_in, lens, dec_in, targets = collate([sentences[i] for i in batch], bos, eos, device)
            r, k, mu, logvar = model(enc_in, lens, dec_in, targets)
            rec, kl = rec + r.sum().item(), kl + k.sum().item()
            mus.append(mu.double().cpu())
            logvars.append(logvar.double().cpu())
            elbos.append((r.double() - k.double()).cpu())
            order.extend(batch)
        mu, logvar = torch.cat(mus), torch.cat(logvars)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
    model.train(was_training)
    mi = mutual_information(mu.numpy(), logvar.numpy(), z.numpy()) if mu.size(1) else 0.0
    return dict(reconstruction=rec / len(sentences), kl=kl / len(sentences), mi=mi,
                mu_norm2=float(mu.mean(0).pow(2).sum()), active_units=active_units(mu.numpy()) if mu.size(1) else 0,
                elbos=torch.cat(elbos).numpy()[np.argsort(order)])


def weighted_mean(weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The weighted mean of x for each row of weights, ignoring NaN.

    Per row w of `weights` (R, n), sum_i w_i x_i / sum_i w_i over the i where x_i is not NaN
    (a statistic computed on a sample of the sentences); NaN where no weighted x_i is known."""
    known = ~np.isnan(values)
    total = weights @ known.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (weights @ np.where(known, values, 0.0)) / total, np.nan)


def weighted_moments(weights: np.ndarray, x: np.ndarray, full: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The weighted mean and covariance of x for each row of weights.

    Per row w of `weights` (R, n), N = sum w: m = sum_i w_i x_i / N over the rows of x (n, d),
    unbiased covariance sum_i w_i (x_i - m)(x_i - m)^T / (N - 1) (full=False: the variances,
    (R, d)).  Why: docs/design.md#evaluation."""
    size = weights.sum(1)
    centre = x.mean(0)
    x = x - centre
    mean = weights @ x / size[:, None]
    d = x.shape[1]
    j, k = np.triu_indices(d) if full else (np.arange(d), np.arange(d))
    second = np.zeros((len(weights), len(j)))
    step = max(1, 2 ** 22 // max(len(j), 1))
    for first in range(0, len(x), step):
        part = x[first:first + step]
        second += weights[:, first:first + step] @ (part[:, j] * part[:, k])
    second = (second - size[:, None] * mean[:, j] * mean[:, k]) / (size - 1)[:, None]
    if not full:
        return mean + centre, second
    cov = np.zeros((len(weights), d, d))
    cov[:, j, k] = second
    cov[:, k, j] = second
    return mean + centre, cov


def weighted_statistics(weights: np.ndarray, rec: np.ndarray, kl: np.ndarray, mu: np.ndarray,
                        draws: list[np.ndarray], au_threshold: float, iw: np.ndarray, mi_terms: np.ndarray,
                        nll_true: np.ndarray | None = None) -> list[dict]:
    """The evaluation statistics, a dict per resample (row of sentence counts in `weights`).

    D = mean -log p(x|z), R = mean KL, ELBO = -(D+R); per z draw (mean m, covariance S):
    log det S, m.m, 1/2 (tr S + m.m - d - log det S); active units; IW-NLL, MI; with
    `nll_true`: H, D+R-H, iw_gap.  Definitions: docs/design.md#evaluation."""
    size = weights.sum(1)
    distortion, rate = -(weights @ rec) / size, (weights @ kl) / size
    logdet, norm2, agg = [], [], []
    for z in draws:
        mean, cov = weighted_moments(weights, np.asarray(z, dtype=np.float64))
        logdet.append(log_det(cov))
        norm2.append((mean ** 2).sum(1))
        agg.append(prior_kl(mean, cov))
    _, variances = weighted_moments(weights, np.asarray(mu, dtype=np.float64), full=False)
    units = (variances >= au_threshold).sum(1)
    mi, iw_nll = weighted_mean(weights, mi_terms), weighted_mean(weights, iw)
    columns = dict(distortion=distortion, rate=rate, elbo=-(distortion + rate), logdetcov=np.mean(logdet, 0),
                   mu_norm2=np.mean(norm2, 0), aggregate_kl=np.mean(agg, 0), active_units=units,
                   iw_nll=iw_nll, mi=mi, rate_minus_mi=rate - mi)
    if nll_true is not None:
        entropy = (weights @ nll_true) / size
        columns.update(entropy=entropy, bound_gap=distortion + rate - entropy,
                       iw_gap=weighted_mean(weights, iw - nll_true))
    return [{k: (int(v[r]) if k == "active_units" else float(v[r])) for k, v in columns.items()}
            for r in range(len(weights))]


def set_statistics(rec: np.ndarray, kl: np.ndarray, mu: np.ndarray, draws: list[np.ndarray],
                   au_threshold: float, iw: np.ndarray, mi_terms: np.ndarray, nll_true: np.ndarray | None = None,
                   rows: np.ndarray | None = None) -> dict:
    """weighted_statistics of the sentences `rows` (indices, repeats allowed; None: all)."""
    weights = np.ones(len(rec)) if rows is None else np.bincount(rows, minlength=len(rec)).astype(np.float64)
    return weighted_statistics(weights[None], rec, kl, mu, draws, au_threshold, iw, mi_terms, nll_true)[0]


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
    """A model's evaluation on the test sentences, with bootstrap replicates when asked.

    set_statistics with `repeats` z draws a sentence; MI (at most `mi_posteriors` posteriors)
    and IW-NLL (`iw_samples` samples, `iw_sentences` seeded sentences) with standard errors,
    and perplexity; with `logp_true`, H and bound_ok (D + R >= H);
    `bootstrap`: `replicates` resampled rows.  Definitions: docs/design.md#evaluation."""
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
        out["bootstrap"] = pd.DataFrame([row for weights in resample_counts(len(sentences), replicates, seed)
                                         for row in weighted_statistics(weights, rec, kl, mu, draws, au_threshold,
                                                                        nll, mi_terms, nll_true)])
    return out


def batch_iw_nll(model, tensors, mu, logvar, chosen: np.ndarray, samples: int) -> np.ndarray:
    """The importance-weighted NLL of the chosen rows of a batch.

    importance_weighted_nll of the rows of a collated batch `tensors` (enc_in, lengths,
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
    """log p(x_i | z_i) per sentence.


    log p(x_i | z_i) = sum over the tokens of x_i and </s> of log p(x_t | x_<t, z_i), per
    sentence in input order; z (N, dz) may have dz = 0, for a language model's log p(x_i)."""
    out = np.empty(len(sentences))
    for batch in length_batches([len(s) for s in sentences], batch_size, seed=None):
        _, _, dec_in, targets = collate([sentences[i] for i in batch], bos, eos, z.device)
        out[batch] = model.reconstruction(z[batch], dec_in, targets).cpu().numpy()
    return out
