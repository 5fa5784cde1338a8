"""How an epoch's sentences are grouped into batches, and a batch's padded tensors.

By similar length, so that padding wastes little compute, or at random as the authors' code does."""

from __future__ import annotations

import random

import torch

from .settings import BATCHES


def length_batches(lengths: list[int], batch_size: int, seed: int | None) -> list[list[int]]:
    """Index lists of at most `batch_size` sentences of similar length.

    Sentences are sorted by length (ties in a seeded random order), cut into consecutive
    batches, and the batch order is shuffled with `seed`; seed None keeps sorted order."""
    order = list(range(len(lengths)))
    if seed is not None:
        rng = random.Random(seed)
        rng.shuffle(order)
    order.sort(key=lambda i: lengths[i])  # stable: the shuffle breaks ties
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if seed is not None:
        rng.shuffle(batches)
    return batches


def random_batches(n: int, batch_size: int, seed: int) -> list[list[int]]:
    """A seeded shuffle of the sentences, cut into batches.

    Index lists of at most `batch_size` of the n sentences: a seeded shuffle cut into
    consecutive batches (the authors' tf.data shuffle + batch); collate pads each to its
    longest sentence."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def epoch_batches(lengths: list[int], batch_size: int, composition: str, seed: int) -> list[list[int]]:
    """One epoch's batches under the settings' `batches`.

    `bucketed`, length_batches; `random`,
    random_batches.  The beta_C term |mean_batch KL - C| holds each batch's mean KL to C: over
    random batches that is the mean over all lengths, over bucketed ones the mean of each
    length bucket."""
    if composition == "bucketed":
        return length_batches(lengths, batch_size, seed)
    if composition == "random":
        return random_batches(len(lengths), batch_size, seed)
    raise ValueError(f"unknown batches {composition!r}; expected one of {BATCHES}")


def collate(sentences: list[list[int]], bos: int, eos: int, device=None):
    """Token id lists padded into the encoder, decoder and target tensors.

    -> (enc_in, lengths, dec_in, targets), padded with 0 on the right, on `device` (copied
    non-blocking from page-locked memory): enc_in = x; dec_in = <bos> x; targets = x <eos>.
    Why: docs/design.md#batching."""
    lengths = torch.tensor([len(s) for s in sentences])
    width = max(len(s) for s in sentences) + 1
    rows = len(sentences)
    # one flat copy of all tokens, scattered to their (row, position) in each padded tensor
    flat = torch.tensor([t for s in sentences for t in s], dtype=torch.long)
    row = torch.repeat_interleave(torch.arange(rows), lengths)
    pos = torch.arange(len(flat)) - torch.repeat_interleave(lengths.cumsum(0) - lengths, lengths)
    enc_in = torch.zeros(rows, width - 1, dtype=torch.long)
    dec_in = torch.zeros(rows, width, dtype=torch.long)
    targets = torch.zeros(rows, width, dtype=torch.long)
    enc_in[row, pos] = flat
    dec_in[:, 0] = bos
    dec_in[row, pos + 1] = flat
    targets[row, pos] = flat
    targets[torch.arange(rows), lengths] = eos
    tensors = (enc_in, lengths, dec_in, targets)
    if device is not None and torch.device(device).type == "cuda":
        return tuple(t.pin_memory().to(device, non_blocking=True) for t in tensors)
    return tuple(t.to(device) for t in tensors)
