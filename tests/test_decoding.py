"""Decoding on a tiny decoder whose next-token distributions are set by hand."""

import itertools
import math

import pytest
import torch

from textvae.decoding import DecodingError, _nucleus_sample, choose, decode
from textvae.models import build_vae

PAD, UNK, BOS, EOS, A, B, C = range(7)
V = 7


class TableDecoder:
    """p(x_t | x_<t, z) = TABLES[z][x_{t-1}]: a bigram model per value of z (B, 1)."""

    def __init__(self, tables):
        self.log_tables = torch.log(torch.tensor(tables, dtype=torch.float))
        self.calls = 0

    def step(self, prefix, z, state):
        self.calls += 1
        return self.log_tables[z[:, 0].long(), prefix[:, -1]], state


def dist(**probs):
    """A distribution over the 7 tokens from named probabilities (a, b, c, eos)."""
    row = [0.0] * V
    for name, value in probs.items():
        row[{"a": A, "b": B, "c": C, "eos": EOS, "unk": UNK}[name]] = value
    return row


# z = 0: greedy takes a (0.5) then a or eos; the best sentence is "b" (0.4 * 0.9 = 0.36)
GARDEN = [dist(a=0.25, b=0.25, eos=0.5)] * V
GARDEN[BOS] = dist(a=0.5, b=0.4, c=0.1)
GARDEN[A] = dist(a=0.35, b=0.25, c=0.1, eos=0.3)
GARDEN[B] = dist(a=0.05, b=0.05, eos=0.9)
GARDEN[C] = dist(c=0.6, eos=0.4)
# z = 1: a flat-ish distribution for the sampling tests
SPREAD = [dist(a=0.5, b=0.3, c=0.15, eos=0.05)] * V
TOY = TableDecoder([GARDEN, SPREAD])


def z_of(*values):
    return torch.tensor(values, dtype=torch.float)[:, None]


def logp(tables, z, tokens):
    """log p(tokens | z) under the bigram tables, from <s>."""
    prev, total = BOS, 0.0
    for token in tokens:
        total += math.log(tables[z][prev][token]) if tables[z][prev][token] > 0 else -math.inf
        prev = token
    return total


def test_greedy_takes_the_argmax_at_every_step():
    # bos -> a (0.5); a -> a (0.35) ... until max_len
    out = decode(TOY, z_of(0), BOS, EOS, method="greedy", max_len=4)
    assert out == [[A, A, A, A]]
    # for z = 1 every step's argmax is a
    assert decode(TOY, z_of(1), BOS, EOS, method="greedy", max_len=3) == [[A, A, A]]


def test_greedy_stops_at_eos_and_each_row_uses_its_own_z():
    tables = [[dist(b=0.6, eos=0.4)] * V, [dist(b=0.4, eos=0.6)] * V]
    out = decode(TableDecoder(tables), z_of(0, 1, 0), BOS, EOS, method="greedy", max_len=3)
    assert out == [[B, B, B], [], [B, B, B]]


def test_topk_never_samples_outside_the_k_best():
    logits = torch.log(torch.tensor([SPREAD[BOS]] * 4000)) + 3.0  # any constant
    gen = torch.Generator().manual_seed(0)
    picked = choose(logits, "topk", k=2, generator=gen)
    assert set(picked.tolist()) == {A, B}
    share_a = (picked == A).float().mean().item()
    assert abs(share_a - 0.5 / 0.8) < 0.03  # renormalised over the two best


def test_nucleus_samples_only_from_the_smallest_set_reaching_p():
    probs = torch.tensor([SPREAD[BOS]] * 4000)  # a .5, b .3, c .15, eos .05
    for p, allowed in [(0.4, {A}), (0.75, {A, B}), (0.85, {A, B, C}), (0.99, {A, B, C, EOS})]:
        gen = torch.Generator().manual_seed(1)
        picked = choose(torch.log(probs), "nucleus", p=p, generator=gen)
        assert set(picked.tolist()) == allowed, p
        # by rejection and, for rows rejected too often, from the sorted nucleus: the same law
        sorted_path = _nucleus_sample(probs, p, torch.Generator().manual_seed(1), rounds=0)
        assert set(sorted_path.tolist()) == allowed, p
        for token in allowed:  # renormalised within the nucleus
            share = probs[0, token] / probs[0, list(allowed)].sum()
            assert abs((picked == token).float().mean() - share) < 0.03
            assert abs((sorted_path == token).float().mean() - share) < 0.03


def test_nucleus_without_the_crossing_token_as_the_authors_table_3():
    """crossing: drop keeps the most probable tokens that hold at most p, and the first always:
    a .5, b .3, c .15, eos .05 gives {a} at p = 0.75 (b would reach 0.8), {a, b} at 0.85."""
    probs = torch.tensor([SPREAD[BOS]] * 2000)
    for p, allowed in [(0.4, {A}), (0.75, {A}), (0.8, {A, B}), (0.85, {A, B}), (0.99, {A, B, C})]:
        picked = choose(torch.log(probs), "nucleus", p=p, generator=torch.Generator().manual_seed(1), crossing="drop")
        assert set(picked.tolist()) == allowed, p
        sorted_path = _nucleus_sample(probs, p, torch.Generator().manual_seed(1), keep_crossing=False, rounds=0)
        assert set(sorted_path.tolist()) == allowed, p


def test_sampling_follows_the_distribution():
    picked = choose(torch.log(torch.tensor([SPREAD[BOS]] * 8000)), "sample",
                    generator=torch.Generator().manual_seed(2))
    for token, share in ((A, 0.5), (B, 0.3), (C, 0.15), (EOS, 0.05)):
        assert abs((picked == token).float().mean() - share) < 0.02


def test_sampling_is_seeded_and_respects_max_len_and_eos():
    z = z_of(*[1] * 300)
    first = decode(TOY, z, BOS, EOS, method="topk", k=3, max_len=6, seed=5)
    assert first == decode(TOY, z, BOS, EOS, method="topk", k=3, max_len=6, seed=5)
    assert first != decode(TOY, z, BOS, EOS, method="topk", k=3, max_len=6, seed=6)
    assert all(len(s) <= 6 and EOS not in s and set(s) <= {A, B, C} for s in first)
    assert any(len(s) == 6 for s in first)


def brute_force_best(tables, z, max_len):
    """The highest-scoring sequence among all ending in </s> within max_len tokens and all
    of exactly max_len tokens, by enumeration."""
    best, best_score = None, -math.inf
    for n in range(max_len + 1):
        for seq in itertools.product([UNK, A, B, C, EOS], repeat=n):
            if EOS in seq:
                continue
            score = logp(tables, z, seq + (EOS,) if n < max_len else seq)
            if score > best_score:
                best, best_score = list(seq), score
    return best


def test_beam_search_finds_what_brute_force_finds():
    tables = [GARDEN, SPREAD]
    for z in (0, 1):
        expected = brute_force_best(tables, z, max_len=4)
        assert decode(TOY, z_of(z), BOS, EOS, method="beam", beam_width=5 ** 4, max_len=4) == [expected]
    # greedy misses the best sentence "b"; a beam of two finds it
    assert brute_force_best(tables, 0, 4) == [B]
    assert decode(TOY, z_of(0), BOS, EOS, method="greedy", max_len=4) != [[B]]
    assert decode(TOY, z_of(0, 1), BOS, EOS, method="beam", beam_width=2, max_len=4)[0] == [B]


def test_nan_probabilities_fail_with_a_clear_message():
    class Broken(TableDecoder):
        def step(self, prefix, z, state):
            out, state = super().step(prefix, z, state)
            return out.masked_fill(torch.ones_like(out, dtype=torch.bool), float("nan")), state

    broken = Broken([GARDEN])
    for method in ("greedy", "nucleus", "beam"):
        with pytest.raises(DecodingError, match="NaN probabilities at step 0"):
            decode(broken, z_of(0), BOS, EOS, method=method, p=0.9, max_len=3)


@pytest.mark.parametrize("arch, eos_bias", [("lstm", 0.5), ("gru", 1.5), ("cnn", 0.5)])
def test_a_batch_decodes_as_its_sentences_one_at_a_time(arch, eos_bias):
    torch.manual_seed(0)
    vae = build_vae(arch, vocab_size=30, emb=8, hidden=16, z=4, cnn_channels=16, cnn_inner=8,
                    cnn_width=3, cnn_blocks=2).eval()
    with torch.no_grad():  # peaked distributions and sentences of different lengths
        vae.decoder.out.weight.mul_(4)
        vae.decoder.out.bias[EOS] += eos_bias
    z = torch.randn(12, 4) * 3
    for method in ("greedy", "beam"):
        batch = decode(vae.decoder, z, BOS, EOS, method=method, beam_width=3, max_len=15)
        alone = [decode(vae.decoder, z[i:i + 1], BOS, EOS, method=method, beam_width=3, max_len=15)[0]
                 for i in range(len(z))]
        assert batch == alone
        assert len({len(s) for s in batch}) > 1


def test_the_cnn_step_sees_the_whole_receptive_field():
    torch.manual_seed(0)
    vae = build_vae("cnn", vocab_size=30, emb=8, hidden=16, z=4, cnn_channels=16, cnn_inner=8,
                    cnn_width=3, cnn_blocks=2).eval()
    prefix = torch.randint(4, 30, (2, 9))
    z = torch.randn(2, 4)
    full = vae.decoder.out(vae.decoder.features(prefix, z)[0][:, -1])
    step, _ = vae.decoder.step(prefix, z)
    assert torch.allclose(full, step, atol=1e-5)
