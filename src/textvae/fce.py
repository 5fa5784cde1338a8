"""Forward cross entropy (Prokhorov et al. 2019, Table 3) and statistics of the generated corpora.

The language models of one decoding scheme share a vocabulary, the words common to its
synthetic corpora over every C and seed (`common_vocabulary`); other words become <unk>.
Why: docs/design.md#fce.
"""

from __future__ import annotations

from .scores import self_bleu


def common_vocabulary(corpora: list[list[str]]) -> list[str]:
    """The words that occur in every corpus (sentences of space-separated tokens), sorted."""
    common = None
    for sentences in corpora:
        words = {w for s in sentences for w in s.split()}
        common = words if common is None else common & words
    return sorted(common or ())


def pct_unknown(sentences: list[str], vocabulary: set[str]) -> float:
    """% of the tokens of `sentences` (space-separated) outside `vocabulary`."""
    tokens = [w for s in sentences for w in s.split()]
    return 100 * sum(w not in vocabulary for w in tokens) / max(len(tokens), 1)


def corpus_stats(sentences: list[str], vocabulary: set[str], self_bleu_sample: int,
                 seed: int) -> dict:
    """A corpus's types, out-of-vocabulary share, mean length and self-BLEU-4.

    types (distinct words of the corpus), % of its tokens outside `vocabulary`, mean length
    in tokens, and self-BLEU-4 on a sample of `self_bleu_sample` sentences."""
    tokens = [w for s in sentences for w in s.split()]
    return dict(sentences=len(sentences), types=len(set(tokens)), pct_unk=pct_unknown(sentences, vocabulary),
                mean_length=len(tokens) / max(len(sentences), 1),
                self_bleu4=self_bleu(sentences, self_bleu_sample, seed))
