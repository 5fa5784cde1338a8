"""Scores checked against values worked out by hand."""

import math

import pytest
from sacrebleu.metrics import BLEU

from textvae.scores import (
    bleu_from_statistics,
    bleu_statistics,
    bucket_scores,
    pairwise_preference,
    pooled_scores,
    repeats_previous,
    sentence_bleu,
    sentence_scores,
)


def corpus_bleu(hypotheses, references, order):
    """BLEU-n of the sentences pooled by their statistics, as A2's tables compute it."""
    return pooled_scores(sentence_scores(hypotheses, references), range(len(hypotheses)))[f"bleu{order}"]


def mean_rouge(hypotheses, references, n):
    return pooled_scores(sentence_scores(hypotheses, references), range(len(hypotheses)))[f"rouge{n}"]


def test_corpus_bleu2_by_hand():
    # hyp "a b c d" vs ref "a b c e": unigrams 3/4, bigrams 2/3, same length: BP = 1
    assert corpus_bleu(["a b c d"], ["a b c e"], 2) == pytest.approx(100 * math.sqrt(3 / 4 * 2 / 3))
    assert corpus_bleu(["the cat sat"], ["the cat sat"], 4) == pytest.approx(0.0)  # no 4-gram
    assert corpus_bleu(["the cat sat on it"], ["the cat sat on it"], 4) == pytest.approx(100)


def test_tokens_are_kept_as_they_are():
    # unigrams 2/3, bigrams 1/2: BLEU-2 = 100 sqrt(1/3); sacrebleu's default tokenizer would
    # split "<unk>" into "< unk >" and score 5/7 and 4/6
    assert corpus_bleu(["<unk> x y"], ["<unk> x z"], 2) == pytest.approx(100 * math.sqrt(2 / 3 * 1 / 2))


def test_corpus_bleu_is_unsmoothed_as_the_authors_table():
    """The authors' compute_bleu(smooth=False): an n-gram order without a match gives 0 (the
    "exp" smoothing would count the 4-grams as 1/(2 x 2) and score 100 (1 1/2 1/3 1/4)^(1/4)),
    and the brevity penalty is exp(1 - ref/hyp) for a shorter hypothesis."""
    # hyp a b c d e, ref a b c e d: unigrams 5/5, bigrams 2/4, trigrams 1/3, 4-grams 0/2
    assert corpus_bleu(["a b c d e"], ["a b c e d"], 4) == pytest.approx(0.0)
    assert corpus_bleu(["a b c d e"], ["a b c e d"], 2) == pytest.approx(100 * math.sqrt(1 / 2))
    assert corpus_bleu(["a b c"], ["a b c d"], 2) == pytest.approx(100 * math.exp(1 - 4 / 3))


def test_sentence_bleu_uses_the_effective_order():
    # 3 tokens: orders 1..3 only; unigrams 2/3, bigrams 1/2, trigrams 0/1, smoothed to 1/2
    assert sentence_bleu("a b c", "a b c") == pytest.approx(100)
    assert sentence_bleu("a b d", "a b c") == pytest.approx(100 * (2 / 3 * 1 / 2 * 1 / 2) ** (1 / 3))


def test_rouge_f1_by_hand():
    # bigrams of hyp: ab bc cd; of ref: ab bc ce -> P = R = 2/3
    assert mean_rouge(["a b c d"], ["a b c e"], 2) == pytest.approx(100 * 2 / 3)
    # 4-grams: hyp has 1 (abcd), ref has 2 (abce, bcef): overlap 0
    assert mean_rouge(["a b c d", "w x y z"], ["a b c e f", "w x y z"], 4) == pytest.approx(50)


def test_bucket_scores_split_by_source_length():
    short, long = "a b c", " ".join(f"w{i}" for i in range(15))
    scores = sentence_scores([short, "nothing alike"], [short, long])
    rows = {r["bucket"]: r for r in bucket_scores([short, long], scores)}
    assert rows["<=10"]["n_sentences"] == 1 and rows["<=10"]["rouge2"] == pytest.approx(100)
    assert rows["11-20"]["n_sentences"] == 1 and rows["11-20"]["rouge2"] == 0
    assert rows["21-30"]["n_sentences"] == 0 and math.isnan(rows["21-30"]["bleu2"])
    assert rows["all"]["n_sentences"] == 2 and rows["all"]["rouge2"] == pytest.approx(50)


def test_repeats_previous():
    assert repeats_previous(["a", "a", "b", "a", "a", "a"]) == [False, True, False, False, True, True]


def test_pairwise_preference_and_exact_binomial_p():
    result = pairwise_preference([3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 2], [1] * 9 + [2, 2])
    assert (result["wins"], result["losses"], result["ties"]) == (9, 1, 1)
    assert result["pct_wins"] == pytest.approx(90)
    # P(X <= 1 or X >= 9), X ~ Bin(10, 1/2) = 2 * 11 / 1024
    assert result["p_value"] == pytest.approx(22 / 1024)
    assert math.isnan(pairwise_preference([1], [1])["p_value"])


def test_self_bleu_of_identical_and_of_disjoint_sentences():
    from textvae.scores import self_bleu

    assert self_bleu(["the cat sat on the mat"] * 5, sample=10, seed=1) == pytest.approx(100)
    disjoint = [" ".join(f"w{i}_{j}" for j in range(6)) for i in range(5)]
    assert self_bleu(disjoint, sample=10, seed=1) == pytest.approx(0)
    # a capped sample of 3 out of 5 identical sentences still scores 100
    assert self_bleu(["a b c d e"] * 5, sample=3, seed=1) == pytest.approx(100)


@pytest.mark.parametrize("order", [2, 4])
def test_corpus_bleu_from_summed_sentence_statistics(order):
    """A2's BLEU and its bootstrap: sacrebleu's corpus score of any subset from its sentences'
    sums, BLEU-2 from the same 4-gram statistics as BLEU-4."""
    hyps, refs = ["the cat sat", "a b c d", "x y z w v", "one two"], ["the cat sat", "a b c e", "x y z w q", "two one"]
    def sacrebleu(rows):
        bleu = BLEU(max_ngram_order=order, tokenize="none", smooth_method="none")
        return bleu.corpus_score([hyps[i] for i in rows], [[refs[i] for i in rows]]).score
    stats = bleu_statistics(hyps, refs, 4)
    assert bleu_from_statistics(stats.sum(0), order) == pytest.approx(sacrebleu(range(4)))
    rows = [1, 1, 2]  # a resample: sentence 1 twice, sentence 2 once
    assert bleu_from_statistics(stats[rows].sum(0), order) == pytest.approx(sacrebleu(rows))
    assert corpus_bleu([hyps[i] for i in rows], [refs[i] for i in rows], order) == pytest.approx(sacrebleu(rows))
