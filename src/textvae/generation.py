"""What the experiments decode: latent codes, paths between them, and their test sentences.

The latent codes come from the posterior or the prior; a path is between two codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from .batching import collate, length_batches
from .corpora import Vocab
from .decoding import decode_in_batches
from .scores import repeats_previous


def read_prior(path, device) -> torch.Tensor:
    """The prior draws written by the prior_draws rule, one z a row."""
    return torch.tensor(pd.read_parquet(path).to_numpy(), device=device)


def eligible(texts: list[str], vocab: Vocab, min_len: int, max_len: int) -> list[int]:
    """The indices of the sentences eligible for Mansbridge et al.'s tables.

    Indices of the sentences of min_len..max_len tokens with no word outside the vocabulary
    (and no <unk> marker): the filter of Mansbridge et al.'s tables."""
    keep = []
    for i, text in enumerate(texts):
        tokens = text.split()
        if min_len <= len(tokens) <= max_len and vocab.unk not in vocab.encode(tokens):
            keep.append(i)
    return keep


@torch.no_grad()
def posterior_batches(model, sentences: list[list[int]], bos: int, eos: int, batch_size: int = 256,
                      device=torch.device("cpu")):
    """(indices, mu, logvar) of q(z|x) for each length batch of the sentences, in batch order."""
    for batch in length_batches([len(s) for s in sentences], batch_size, seed=None):
        enc_in, lens, _, _ = collate([sentences[i] for i in batch], bos, eos, device)
        yield (batch, *model.encoder(enc_in, lens))


def in_input_order(order: list[int], parts: list[torch.Tensor]) -> torch.Tensor:
    """The rows of the batches `parts`, whose rows are the sentences `order`, in input order."""
    return torch.cat(parts)[torch.argsort(torch.tensor(order, device=parts[0].device))]


@torch.no_grad()
def posterior(model, sentences: list[list[int]], bos: int, eos: int, *, sample: bool,
              seed: int = 0, batch_size: int = 256, device=torch.device("cpu")) -> torch.Tensor:
    """One z per sentence, the posterior mean or a posterior draw.

    In input order: the posterior mean mu(x), or with `sample`
    z = mu + sigma * eps, eps ~ N(0, I) drawn with `seed`, batch by batch in batch order."""
    generator = torch.Generator().manual_seed(seed)
    order, codes = [], []
    for batch, mu, logvar in posterior_batches(model, sentences, bos, eos, batch_size, device):
        if sample:
            eps = torch.randn(mu.shape, generator=generator).to(device)
            mu = mu + eps * torch.exp(0.5 * logvar)
        order += batch
        codes.append(mu)
    return in_input_order(order, codes)


def prior_draws(n: int, dim: int, seed: int) -> np.ndarray:
    """n codes z ~ N(0, I) of size dim, the same for every model that reads them."""
    return np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)


def interpolate(start: torch.Tensor, end: torch.Tensor, n_points: int) -> torch.Tensor:
    """Evenly spaced points on the straight lines between two sets of codes.

    (paths, dz) ends -> (paths, n_points, dz): z(t) = (1 - t) start + t end at evenly spaced
    t = 0, 1/(n_points - 1), ..., 1."""
    t = torch.linspace(0.0, 1.0, n_points, device=start.device)[None, :, None]
    return (1 - t) * start[:, None] + t * end[:, None]


def decode_paths(decoder, start: torch.Tensor, end: torch.Tensor, n_points: int, vocab: Vocab,
                 schemes: dict, batch_size: int, seed: int) -> list[dict]:
    """The sentences decoded at every point of the paths between two sets of codes.

    From `start` to `end`, under each named scheme: rows
    (scheme, path, point, t, sentence, repeats_previous), the flag marking a sentence equal to
    the one at the point before."""
    points = interpolate(start, end, n_points)
    flat = points.reshape(-1, points.size(-1))
    rows = []
    for name, scheme in schemes.items():
        decoded = decode_in_batches(decoder, flat, vocab.bos, vocab.eos, batch_size, seed=seed, **scheme)
        for path in range(points.size(0)):
            sentences = [" ".join(vocab.decode(s)) for s in decoded[path * n_points:(path + 1) * n_points]]
            for point, (sentence, repeat) in enumerate(zip(sentences, repeats_previous(sentences))):
                rows.append(dict(scheme=name, path=path, point=point, t=point / (n_points - 1),
                                 sentence=sentence, repeats_previous=repeat))
    return rows
