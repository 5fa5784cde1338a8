"""Decoding sentences from latent codes, a whole batch per decoder step.

A decoder has `step(prefix, z, state) -> (logits, state)`: prefix (B, t) from <s>, logits
(B, V) = log p(x_t | x_<t, z) + c_row, state None or tensors batched on dimension 1.
Methods: greedy, topk, nucleus, sample, beam; a sentence ends at </s> or `max_len` tokens.
Why: docs/design.md#decoding.
"""

from __future__ import annotations

import torch

from .corpora import PAD, SPECIALS
from .settings import DECODING_METHODS

PAD_ID = SPECIALS.index(PAD)  # 0 in every vocabulary, as batching pads with it


class DecodingError(RuntimeError):
    """The decoder produced NaN probabilities; nothing it emitted is kept."""


def decode(decoder, z: torch.Tensor, bos: int, eos: int, *, method: str, max_len: int,
           k: int | None = None, p: float | None = None, beam_width: int = 1, crossing: str = "keep",
           seed: int = 0) -> list[list[int]]:
    """Token ids of one sentence per row of z (B, dz), without <s> and </s>."""
    if method not in DECODING_METHODS:
        raise ValueError(f"unknown decoding method {method!r}; expected one of {tuple(DECODING_METHODS)}")
    with torch.no_grad():
        if method == "beam":
            return _beam_search(decoder, z, bos, eos, max_len, beam_width)
        generator = torch.Generator(device=z.device).manual_seed(seed)
        return _sample(decoder, z, bos, eos, max_len, lambda lp: choose(lp, method, k, p, generator, crossing))


def decode_in_batches(decoder, z: torch.Tensor, bos: int, eos: int, batch_size: int,
                      **scheme) -> list[list[int]]:
    """`decode` over consecutive chunks of `batch_size` rows of z (seeded per chunk)."""
    seed = scheme.pop("seed", 0)
    out = []
    for start in range(0, z.size(0), batch_size):
        out += decode(decoder, z[start:start + batch_size], bos, eos, seed=seed + start, **scheme)
    return out


def choose(logits: torch.Tensor, method: str, k: int | None = None, p: float | None = None,
           generator: torch.Generator | None = None, crossing: str = "keep") -> torch.Tensor:
    """One token per row of logits (B, V) by `method` (greedy, topk, nucleus, sample)."""
    if method == "greedy":
        return logits.argmax(-1)
    if method == "sample":
        return _inverse_cdf(logits.softmax(-1), generator)
    if method == "topk":
        top, index = logits.topk(k, dim=-1)
        return index.gather(1, _inverse_cdf(top.softmax(-1), generator)[:, None]).squeeze(1)
    if method == "nucleus":
        return _nucleus_sample(logits.softmax(-1), p, generator, crossing == "keep")
    raise ValueError(f"unknown sampling method {method!r}")


def _nucleus_sample(probs: torch.Tensor, p: float, generator, keep_crossing: bool = True,
                    rounds: int = 8) -> torch.Tensor:
    """A sample from the nucleus, renormalised, by rejection (exact).

    i is in the nucleus iff sum_{j: p_j > p_i} p_j < p (without `keep_crossing`: that sum + p_i
    <= p, or i is the most probable).  Rows rejected `rounds` times sample their sorted nucleus.
    Why: docs/design.md#decoding."""
    chosen = torch.empty(len(probs), dtype=torch.long, device=probs.device)
    rows = torch.arange(len(probs), device=probs.device)
    for _ in range(rounds):
        draw = _inverse_cdf(probs, generator)
        p_draw = probs.gather(1, draw[:, None])
        above = torch.where(probs > p_draw, probs, 0.0).sum(-1)
        accept = above < p if keep_crossing else (above + p_draw.squeeze(1) <= p) | (above == 0)
        chosen[rows[accept]] = draw[accept]
        if accept.all():
            return chosen
        rows, probs = rows[~accept], probs[~accept]
    top, index = probs.sort(dim=-1, descending=True)
    outside = top.cumsum(-1) - top >= p if keep_crossing else top.cumsum(-1) > p
    outside[:, 0] = False
    top = top.masked_fill(outside, 0.0)
    chosen[rows] = index.gather(1, _inverse_cdf(top, generator)[:, None]).squeeze(1)
    return chosen


def _inverse_cdf(weights: torch.Tensor, generator) -> torch.Tensor:
    """One column index per row drawn with probability proportional to weights (B, n).

    It is the first index whose cumulative weight exceeds u ~ U(0, total)."""
    cumulative = weights.cumsum(-1)
    u = torch.rand(len(weights), 1, generator=generator, device=weights.device) * cumulative[:, -1:]
    return torch.searchsorted(cumulative, u, right=True).clamp_(max=weights.size(-1) - 1).squeeze(1)


def _step(decoder, prefix, z, state, bos: int, t: int):
    """The decoder's logits with <pad> and <s> ruled out, and its new state."""
    logits, state = decoder.step(prefix, z, state)
    if torch.isnan(logits).any():
        raise DecodingError(f"the decoder produced NaN probabilities at step {t} for "
                            f"{int(torch.isnan(logits).any(-1).sum())} of {len(logits)} "
                            "sentences; is the model diverged (NaN weights)?")
    logits[:, [PAD_ID, bos]] = -torch.inf
    return logits, state


def _select(state, index: torch.Tensor):
    """The rows `index` of a decoder state (batch on dimension 1)."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(_select(s, index) for s in state)
    return state.index_select(1, index)


def _trim(rows: torch.Tensor, eos: int) -> list[list[int]]:
    """(B, T) token ids -> lists cut before the first </s> or <pad>."""
    out = []
    for row in rows.tolist():
        for end, token in enumerate(row):
            if token in (eos, PAD_ID):
                row = row[:end]
                break
        out.append(row)
    return out


def _sample(decoder, z, bos, eos, max_len, pick) -> list[list[int]]:
    """Token by token for the whole batch; finished sentences leave the batch."""
    tokens = torch.full((z.size(0), max_len), PAD_ID, dtype=torch.long, device=z.device)
    rows = torch.arange(z.size(0), device=z.device)
    prefix = torch.full((z.size(0), 1), bos, dtype=torch.long, device=z.device)
    state = None
    for t in range(max_len):
        logits, state = _step(decoder, prefix, z, state, bos, t)
        chosen = pick(logits)
        tokens[rows, t] = chosen
        alive = (chosen != eos).nonzero().squeeze(1)
        if len(alive) == 0:
            break
        rows, z, state = rows[alive], z[alive], _select(state, alive)
        prefix = torch.cat([prefix[alive], chosen[alive, None]], dim=1)
    return _trim(tokens, eos)


def _beam_search(decoder, z, bos, eos, max_len, width) -> list[list[int]]:
    """Beam search for all rows of z at once: (B * width) prefixes per step."""
    n, device = z.size(0), z.device
    scores = torch.full((n, width), -torch.inf, device=device)
    scores[:, 0] = 0.0  # one live prefix, <s>, to begin with
    finished = torch.zeros(n, width, dtype=torch.bool, device=device)
    seqs = torch.zeros(n, width, 0, dtype=torch.long, device=device)
    prefix = torch.full((n * width, 1), bos, dtype=torch.long, device=device)
    z = z.repeat_interleave(width, dim=0)
    state = None
    for t in range(max_len):
        logits, state = _step(decoder, prefix, z, state, bos, t)
        vocab = logits.size(-1)
        log_probs = logits.log_softmax(-1).view(n, width, vocab)
        # a finished sequence continues with <pad> at no cost, so it keeps its score
        done = torch.full((vocab,), -torch.inf, device=device)
        done[PAD_ID] = 0.0
        log_probs = torch.where(finished[..., None], done, log_probs)
        scores, flat = (scores[..., None] + log_probs).view(n, -1).topk(width, dim=-1)
        origin, chosen = flat // vocab, flat % vocab
        seqs = torch.cat([seqs.gather(1, origin[..., None].expand(-1, -1, t)), chosen[..., None]], -1)
        # a prefix ends at </s>; an impossible one (score -inf, fewer tokens than beams) too
        finished = finished.gather(1, origin) | (chosen == eos) | scores.isneginf()
        if finished.all():
            break
        index = (origin + width * torch.arange(n, device=device)[:, None]).view(-1)
        state = _select(state, index)
        prefix = torch.cat([prefix[index], chosen.view(-1, 1)], dim=1)
    best = scores.argmax(-1)
    return _trim(seqs[torch.arange(n, device=device), best], eos)
