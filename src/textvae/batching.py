"""Batches of sentences of similar length, so that padding wastes little compute."""

from __future__ import annotations

import random

import torch


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


def collate(sentences: list[list[int]], bos: int, eos: int, device=None):
    """Token id lists -> (enc_in, lengths, dec_in, targets), padded with 0 on the right, on
    `device`.

    enc_in = x; dec_in = <bos> x; targets = x <eos>.  To a GPU they go from page-locked memory
    without waiting for the copy (non-blocking), so that a training step does not stop the
    host until the GPU has caught up."""
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
