"""The FCE experiment's vocabulary and corpus statistics, by hand."""

import pytest

from textvae.corpora import Vocab
from textvae.fce import common_vocabulary, corpus_stats


def test_common_vocabulary_and_the_unknown_mapping():
    corpora = [["the cat sat", "a dog ran"], ["the dog sat"], ["the dog sat down", "cat"]]
    words = common_vocabulary(corpora)
    assert words == ["dog", "sat", "the"]
    vocab = Vocab(words)
    # every synthetic corpus and the real test set map the other words to <unk>
    assert vocab.decode(vocab.encode("the cat sat down".split())) == ["the", "<unk>", "sat", "<unk>"]


def test_corpus_stats_by_hand():
    stats = corpus_stats(["the cat sat", "the cat sat", "a dog"], {"the", "cat", "sat"},
                         self_bleu_sample=10, seed=1)
    assert (stats["sentences"], stats["types"]) == (3, 5)
    assert stats["pct_unk"] == pytest.approx(100 * 2 / 8) and stats["mean_length"] == pytest.approx(8 / 3)
    # sentence 0 and 1 find themselves among the references (BLEU 100), "a dog" nothing but a
    # unigram-free match: (100 + 100 + 0) / 3
    assert stats["self_bleu4"] == pytest.approx(200 / 3)
