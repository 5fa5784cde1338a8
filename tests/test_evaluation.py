"""Evaluation on models whose answers are known exactly."""

import math

import numpy as np
import pytest
import torch

from textvae import evaluation
from textvae.batching import collate
from textvae.bootstrap import resample_counts, resamples
from textvae.evaluation import (
    evaluate,
    importance_weighted_nll,
    log_likelihoods,
    mean_terms,
    seeded_subset,
    set_statistics,
    weighted_statistics,
)
from textvae.models import build_vae

SENTENCES = [[4, 5, 6], [7, 4], [5, 5, 5, 8], [6]]
BOS, EOS = 2, 3


def model_whose_posterior_is_the_prior_and_whose_decoder_ignores_z(z=3):
    """q(z|x) = N(0, I) = p(z) for every x (encoder's last layers zero) and p(x|z) = p(x) (the
    decoder's weights on z zero): every importance weight p(x|z) p(z) / q(z|x) is p(x)."""
    torch.manual_seed(0)
    model = build_vae("lstm", 10, emb=4, hidden=6, z=z).eval()
    with torch.no_grad():
        for layer in (model.encoder.to_mu, model.encoder.to_logvar):
            layer.weight.zero_()
            layer.bias.zero_()
        model.decoder.rnn.weight_ih_l0[:, 4:].zero_()  # the columns that read z
    return model


@pytest.mark.parametrize("samples", [1, 5, 50])
def test_importance_weighted_nll_is_exact_when_the_posterior_is_the_prior(samples):
    model = model_whose_posterior_is_the_prior_and_whose_decoder_ignores_z()
    enc_in, lengths, dec_in, targets = collate(SENTENCES, BOS, EOS, torch.device("cpu"))
    torch.manual_seed(1)
    iw = importance_weighted_nll(model, enc_in, lengths, dec_in, targets, samples)
    # log p(x) of the decoder alone, at any z
    exact = -log_likelihoods(model, SENTENCES, torch.full((4, 3), 7.0), BOS, EOS)
    np.testing.assert_allclose(iw.numpy(), exact, rtol=1e-5)


def test_evaluate_on_the_model_that_ignores_z():
    """R = 0, MI = 0 (every posterior is the same), IW-NLL = D, no active unit."""
    model = model_whose_posterior_is_the_prior_and_whose_decoder_ignores_z()
    stats = evaluate(model, SENTENCES, BOS, EOS, iw_samples=4, repeats=2, au_threshold=0.01, seed=1)
    assert stats["rate"] == pytest.approx(0.0, abs=1e-7)
    assert stats["mi"] == pytest.approx(0.0, abs=1e-6) and stats["rate_minus_mi"] == pytest.approx(0.0, abs=1e-6)
    assert stats["iw_nll"] == pytest.approx(stats["distortion"], rel=1e-5)
    assert stats["active_units"] == 0
    assert stats["mi_posteriors"] == 4 and stats["mi_se"] == pytest.approx(0.0, abs=1e-6)
    tokens = sum(len(s) + 1 for s in SENTENCES)
    assert stats["perplexity"] == pytest.approx(math.exp(4 * stats["iw_nll"] / tokens), rel=1e-5)


def test_set_statistics_of_a_resample_by_hand():
    """Sentences 0, 0, 1 of three: D = -(-2 - 2 - 4) / 3, R = (1 + 1 + 3) / 3, and the bounds
    by the true entropy H = (5 + 5 + 6) / 3; MI from the terms of the sentences in its sample."""
    rec, kl, iw, nll_true = np.array([-2.0, -4.0, -9.0]), np.array([1.0, 3.0, 0.0]), np.array([4.0, 6.0, 9.0]), \
        np.array([5.0, 6.0, 7.0])
    mi_terms = np.array([0.5, 2.0, 7.0])
    mu = np.array([[0.0, 1.0], [0.5, 1.0], [3.0, 1.0]])
    stats = set_statistics(rec, kl, mu, [mu], 0.01, iw, mi_terms, nll_true, rows=np.array([0, 0, 1]))
    assert stats["distortion"] == pytest.approx(8 / 3) and stats["rate"] == pytest.approx(5 / 3)
    assert stats["entropy"] == pytest.approx(16 / 3) and stats["bound_gap"] == pytest.approx(13 / 3 - 16 / 3)
    assert stats["iw_gap"] == pytest.approx(14 / 3 - 16 / 3)
    assert stats["mi"] == pytest.approx(3 / 3) and stats["rate_minus_mi"] == pytest.approx(5 / 3 - 1)
    # unit 0 varies (0, 0, 0.5: variance 1/12 over n - 1), unit 1 is constant
    assert stats["active_units"] == 1 and stats["mu_norm2"] == pytest.approx((1 / 6) ** 2 + 1)


def test_a_statistic_on_a_sample_averages_the_resampled_sentences_in_the_sample():
    """IW-NLL and MI known for sentences 0 and 2 only (NaN for 1 and 3): a resample 0, 0, 1, 3
    averages 4, 4 and 1, 1 (sentence 0 twice); iw_gap against -log p(x) of the same sentences."""
    rec, kl = np.zeros(4), np.zeros(4)
    mu = np.arange(8.0).reshape(4, 2)
    iw, mi_terms = np.array([4.0, np.nan, 9.0, np.nan]), np.array([1.0, np.nan, 3.0, np.nan])
    nll_true = np.array([3.0, 5.0, 8.0, 9.0])
    stats = set_statistics(rec, kl, mu, [mu], 0.01, iw, mi_terms, nll_true, rows=np.array([0, 0, 1, 3]))
    assert stats["iw_nll"] == pytest.approx(4.0) and stats["mi"] == pytest.approx(1.0)
    assert stats["iw_gap"] == pytest.approx(1.0) and stats["entropy"] == pytest.approx(20 / 4)
    alone = set_statistics(rec, kl, mu, [mu], 0.01, iw, mi_terms, rows=np.array([1, 3]))
    assert np.isnan(alone["iw_nll"]) and np.isnan(alone["mi"])


def test_each_resample_as_counts_gives_the_statistics_of_its_rows():
    """weighted_statistics over the resamples of resample_counts equals the statistics of each
    resample's rows computed one at a time with numpy (np.cov, slogdet, var with ddof 1)."""
    rng = np.random.default_rng(3)
    n, d = 30, 3
    rec, kl, iw = -rng.gamma(5.0, size=n), rng.gamma(2.0, size=n), rng.gamma(9.0, size=n)
    iw[::4] = np.nan
    mu = rng.normal(size=(n, d)) * [1.0, 0.2, 0.05] + [2.0, 0.0, -1.0]
    draws = [mu + rng.normal(size=(n, d)) * 0.3 for _ in range(2)]
    counts = np.concatenate(list(resample_counts(n, 7, seed=5, max_entries=3 * n)))  # chunks of 3 resamples
    rows = resamples(n, 7, seed=5)
    assert np.array_equal(counts, [np.bincount(r, minlength=n) for r in rows])
    got = weighted_statistics(counts, rec, kl, mu, draws, 0.01, iw, np.zeros(n))
    for r, stats in zip(rows, got):
        logdets = [np.linalg.slogdet(np.cov(z[r], rowvar=False))[1] for z in draws]
        assert stats["logdetcov"] == pytest.approx(np.mean(logdets), rel=1e-9)
        assert stats["mu_norm2"] == pytest.approx(np.mean([np.sum(z[r].mean(0) ** 2) for z in draws]), rel=1e-9)
        kls = [0.5 * (np.trace(np.cov(z[r], rowvar=False)) + np.sum(z[r].mean(0) ** 2) - d - ld)
               for z, ld in zip(draws, logdets)]
        assert stats["aggregate_kl"] == pytest.approx(np.mean(kls), rel=1e-9)
        assert stats["active_units"] == int((mu[r].var(0, ddof=1) >= 0.01).sum())
        assert stats["distortion"] == pytest.approx(-rec[r].mean()) and stats["rate"] == pytest.approx(kl[r].mean())
        assert stats["iw_nll"] == pytest.approx(np.nanmean(iw[r]))


def test_seeded_subset():
    assert seeded_subset(5, 10, seed=1).all()
    chosen = seeded_subset(100, 30, seed=4)
    assert chosen.sum() == 30 and np.array_equal(chosen, seeded_subset(100, 30, seed=4))
    assert not np.array_equal(chosen, seeded_subset(100, 30, seed=5))


def test_batched_importance_samples_give_the_sequential_value():
    """The same seed draws the same K x B noise, so K passes of B rows (one sample each), passes
    of 3 samples (the last of 1) and one pass of K x B rows give the same IW-NLL to float
    tolerance."""
    model = trained_like_model()
    tensors = collate(SENTENCES, BOS, EOS, torch.device("cpu"))
    one_sample = model.decoder.out.out_features * tensors[3].numel()
    values = []
    for max_logits in (one_sample, 3 * one_sample, 10 ** 9):
        torch.manual_seed(5)
        values.append(importance_weighted_nll(model, *tensors, 7, max_logits=max_logits))
    for batched in values[1:]:
        torch.testing.assert_close(batched, values[0], rtol=1e-5, atol=1e-5)
    torch.manual_seed(6)
    assert not torch.allclose(importance_weighted_nll(model, *tensors, 7), values[0])


def trained_like_model():
    """A VAE whose posterior and decoder both depend on x and z (random weights, scaled up)."""
    torch.manual_seed(3)
    model = build_vae("gru", 10, emb=4, hidden=6, z=3).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(3.0)
    return model


def test_the_identity_replicate_is_the_summary(monkeypatch):
    """A bootstrap replicate that resamples every sentence once gives the summary's MI (over the
    mixture's posteriors) and IW-NLL (over the IW sample), also when both are subsets."""
    model = trained_like_model()
    sentences = SENTENCES * 3
    monkeypatch.setattr(evaluation, "resample_counts", lambda n, replicates, seed: [np.ones((1, n))])
    stats = evaluate(model, sentences, BOS, EOS, iw_samples=3, repeats=2, au_threshold=0.01, seed=1,
                     mi_posteriors=5, iw_sentences=7, replicates=1)
    replicate = stats["bootstrap"].iloc[0]
    assert stats["mi_posteriors"] == 5 and stats["iw_sentences"] == 7
    for key in ("mi", "iw_nll", "rate_minus_mi", "distortion", "rate", "active_units", "logdetcov",
                "aggregate_kl", "mu_norm2"):
        assert replicate[key] == pytest.approx(stats[key], rel=1e-12), key
    assert stats["mi"] != 0 and stats["iw_nll_se"] > 0


def test_evaluate_gives_bootstrap_replicates_around_its_statistics():
    model = model_whose_posterior_is_the_prior_and_whose_decoder_ignores_z()
    stats = evaluate(model, SENTENCES, BOS, EOS, iw_samples=2, repeats=2, au_threshold=0.01, seed=1, replicates=40)
    replicates = stats["bootstrap"]
    assert len(replicates) == 40 and {"distortion", "rate", "logdetcov", "iw_nll"} <= set(replicates)
    # each replicate's D is a mean of 4 of the per-sentence values: inside their range
    per_sentence = -log_likelihoods(model, SENTENCES, torch.zeros(4, 3), BOS, EOS)
    assert replicates["distortion"].between(per_sentence.min() - 1e-4, per_sentence.max() + 1e-4).all()
    assert replicates["distortion"].std() > 0 and replicates["rate"].abs().max() < 1e-6


def test_held_out_terms_see_an_offset_that_carries_no_information():
    """Every posterior N((1, 2, 0), I): R = 1/2 (1 + 4) = 2.5 nats, all of it the offset
    ||mean mu||^2 / 2, and MI = 0; the model is left in training mode."""
    model = model_whose_posterior_is_the_prior_and_whose_decoder_ignores_z().train()
    with torch.no_grad():
        model.encoder.to_mu.bias.copy_(torch.tensor([1.0, 2.0, 0.0]))
    terms = mean_terms(model, SENTENCES, BOS, EOS, seed=1)
    assert terms["kl"] == pytest.approx(2.5) and terms["mu_norm2"] == pytest.approx(5.0)
    assert terms["mi"] == pytest.approx(0.0, abs=1e-9) and model.training
