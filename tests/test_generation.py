"""Latent codes, paths and the language model with no z, checked by hand."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from textvae.corpora import Vocab
from textvae.evaluation import log_likelihoods
from textvae.generation import eligible, interpolate, posterior, prior_draws
from textvae.models import build_vae
from textvae.objectives import training_loss


def test_interpolate_is_linear_with_both_ends():
    start, end = torch.tensor([[0.0, 2.0]]), torch.tensor([[3.0, -1.0]])
    path = interpolate(start, end, 4)
    assert path.shape == (1, 4, 2)
    assert torch.allclose(path[0], torch.tensor([[0.0, 2.0], [1.0, 1.0], [2.0, 0.0], [3.0, -1.0]]), atol=1e-6)


def test_eligible_filters_length_and_unknown_words():
    vocab = Vocab(["the", "cat", "sat", "on", "mat"])
    texts = ["the cat sat", "the cat sat on the mat", "the dog sat on the mat", "the <unk> sat on it", "cat"]
    assert eligible(texts, vocab, min_len=2, max_len=6) == [0, 1]
    assert eligible(texts, vocab, min_len=4, max_len=20) == [1]


def test_prior_draws_are_seeded():
    a, b = prior_draws(5, 3, seed=7), prior_draws(5, 3, seed=7)
    assert a.shape == (5, 3) and np.array_equal(a, b) and not np.array_equal(a, prior_draws(5, 3, seed=8))


def test_posterior_in_input_order():
    torch.manual_seed(0)
    vae = build_vae("gru", vocab_size=20, emb=6, hidden=8, z=3).eval()
    sentences = [[5, 6, 7, 8], [9], [10, 11]]
    mu = posterior(vae, sentences, 2, 3, sample=False, batch_size=2)
    for i, s in enumerate(sentences):  # one at a time, no padding
        alone, _ = vae.encoder(torch.tensor([s]), torch.tensor([len(s)]))
        assert torch.allclose(mu[i], alone[0], atol=1e-6)
    z1 = posterior(vae, sentences, 2, 3, sample=True, seed=1)
    assert torch.equal(z1, posterior(vae, sentences, 2, 3, sample=True, seed=1))
    assert not torch.allclose(z1, mu)


def test_a_vae_with_no_z_is_a_language_model():
    torch.manual_seed(0)
    lm = build_vae("lstm", vocab_size=12, emb=5, hidden=7, z=0).eval()
    assert lm.encoder is None
    dec_in, targets = torch.tensor([[2, 5, 6]]), torch.tensor([[5, 6, 3]])
    rec, kl, mu, _ = lm(torch.tensor([[5, 6]]), torch.tensor([2]), dec_in, targets)
    assert kl.item() == 0 and mu.shape == (1, 0)
    logp = F.log_softmax(lm.decoder.out(lm.decoder.features(dec_in, torch.zeros(1, 0))[0]), -1)
    by_hand = logp[0, 0, 5] + logp[0, 1, 6] + logp[0, 2, 3]
    assert rec.item() == pytest.approx(by_hand.item(), abs=1e-5)
    assert training_loss("lm", rec, kl).item() == pytest.approx(-by_hand.item(), abs=1e-5)
    ll = log_likelihoods(lm, [[5, 6], [7]], torch.zeros(2, 0), 2, 3, batch_size=1)
    assert ll[0] == pytest.approx(by_hand.item(), abs=1e-5) and ll[1] < 0 and math.isfinite(ll[1])
