"""B4's judge of a corpus, ready to apply (textvae.judges says what it judges).

On a built-in corpus its grammar; on a real corpus the reference language model's SLOR,
thresholded per length group on the valid sentences that pass paper B's filter, with the
unigram of the training split."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import torch

from .api import load
from .corpora import Vocab
from .english import english_grammar
from .evaluation import log_likelihoods
from .generation import eligible
from .judges import acceptable, derivable, length_groups, slor, unigram_logprobs

# a judge: sentences (token ids) -> (whether each makes sense, its information -log p(x), the judge's description)
Judge = Callable[[list[list[int]]], tuple[np.ndarray, np.ndarray, str]]


def split_ids(path, vocab: Vocab, min_len: int | None = None, max_len: int | None = None) -> list[list[int]]:
    """A split's sentences as token ids; with min_len and max_len, those that pass paper B's filter."""
    texts = list(pd.read_parquet(path)["text"])
    if min_len is not None:
        texts = [texts[i] for i in eligible(texts, vocab, min_len, max_len)]
    return [vocab.encode(t.split()) for t in texts]


def lm_logp(lm, sentences: list[list[int]], vocab: Vocab, device) -> np.ndarray:
    """log p(x) of each sentence under a language model (its </s> included)."""
    no_z = torch.zeros(len(sentences), 0, device=device)
    return log_likelihoods(lm, sentences, no_z, vocab.bos, vocab.eos)


def grammar_judge(grammar, vocab: Vocab) -> Judge:
    """The built-in corpus's judge: its grammar derives the sentence (textvae.judges.derivable)."""
    def judge(sentences):
        passes, information = derivable([vocab.decode(s) for s in sentences], grammar)
        return passes, information, "derivable by the corpus's grammar"
    return judge


def lm_judge(lm, vocab: Vocab, train: list[list[int]], valid: list[list[int]], split_at: int, device) -> Judge:
    """A real corpus's judge: SLOR under the reference LM at least the valid sentences' low quantile.

    textvae.judges.acceptable."""
    unigram = unigram_logprobs(train, len(vocab), vocab.eos)

    def scored(sentences):
        logp = lm_logp(lm, sentences, vocab, device)
        return slor(logp, sentences, unigram, vocab.eos), length_groups([len(s) for s in sentences], split_at), logp

    valid_slor, valid_groups, _ = scored(valid)

    def judge(sentences):
        score, groups, logp = scored(sentences)
        passes, description = acceptable(score, groups, valid_slor, valid_groups)
        return passes, -logp, description
    return judge


def corpus_judge(inputs, params, vocab: Vocab, device) -> Judge:
    """B4's judge of the job's corpus.

    Its grammar (params.grammar), else the reference LM (inputs.lm, by textvae.load with the corpus
    vocabulary inputs.vocab) with the training split's unigram (inputs.train) and the thresholds of
    the valid split (inputs.valid) after paper B's filter (params.min_len, params.max_len), per
    length group (params.split_at)."""
    if params.grammar is not None:
        return grammar_judge(english_grammar(params.grammar), vocab)
    lm = load(inputs.lm, vocab=inputs.vocab, device=device, log=print).model
    return lm_judge(lm, vocab, split_ids(inputs.train, vocab),
                    split_ids(inputs.valid, vocab, params.min_len, params.max_len), params.split_at, device)
