"""Scores of generated text against references, and the statistics that judge between models.

Sentences are space-separated tokens: BLEU is sacrebleu with `tokenize="none"`, ROUGE splits
on spaces.  rouge-score and scipy.stats are imported lazily.  Why: docs/design.md#scores.
"""

from __future__ import annotations

import difflib

import numpy as np
from sacrebleu.metrics import BLEU

LENGTH_BUCKETS = (("<=10", 0, 10), ("11-20", 11, 20), ("21-30", 21, 30), ("all", 0, None))


class _Whitespace:
    """rouge-score tokenizer that keeps the corpus's tokens as they are."""

    def tokenize(self, text: str) -> list[str]:
        return text.split()


def sentence_bleu(hypothesis: str, reference: str, order: int = 4) -> float:
    """Sentence BLEU x 100 with effective order.

    N-gram orders longer than the sentence are left out, so short sentences do not all score 0."""
    bleu = BLEU(max_ngram_order=order, tokenize="none", effective_order=True)
    return bleu.sentence_score(hypothesis, [reference]).score


def bleu_statistics(hypotheses: list[str], references: list[str], order: int = 4) -> np.ndarray:
    """The sufficient statistics of corpus BLEU, one row per sentence.

    Hypothesis length,
    reference length, then the clipped n-gram matches and the hypothesis n-gram counts for
    n = 1..order (sacrebleu's); their sum over any set of sentences gives its corpus BLEU-n for
    every n <= order (bleu_from_statistics)."""
    bleu = BLEU(max_ngram_order=order, tokenize="none", effective_order=True)
    rows = []
    for hypothesis, reference in zip(hypotheses, references):
        score = bleu.sentence_score(hypothesis, [reference])
        rows.append([score.sys_len, score.ref_len, *score.counts, *score.totals])
    return np.array(rows, dtype=np.int64).reshape(-1, 2 + 2 * order)


def bleu_from_statistics(totals: np.ndarray, order: int = 4) -> float:
    """Corpus BLEU-n x 100 from summed bleu_statistics.

    (Papineni et al.: brevity penalty x geometric mean of the clipped
    n-gram precisions for n = 1..order) from summed bleu_statistics of any order >= n, without
    smoothing, as the authors score Table 1 (their bleu.py, compute_bleu(smooth=False)): an
    order with no match makes the score 0 (sacrebleu's smooth_method="none")."""
    sys_len, ref_len, counts = int(totals[0]), int(totals[1]), [int(v) for v in totals[2:]]
    kept = len(counts) // 2
    return BLEU.compute_bleu(counts[:order], counts[kept:kept + order], sys_len, ref_len, smooth_method="none",
                             max_ngram_order=order).score


def rouge_f1(hypotheses: list[str], references: list[str], n: int) -> np.ndarray:
    """ROUGE-n F1 x 100 of each sentence (n-gram overlap: 2PR / (P + R))."""
    from rouge_score import rouge_scorer  # slow to import: the module's docstring

    scorer = rouge_scorer.RougeScorer([f"rouge{n}"], tokenizer=_Whitespace())
    return 100 * np.array([scorer.score(ref, hyp)[f"rouge{n}"].fmeasure for hyp, ref in zip(hypotheses, references)])


def sentence_scores(hypotheses: list[str], references: list[str]) -> dict[str, np.ndarray]:
    """The per-sentence statistics that A2's scores are computed from.

    One row per sentence: `bleu`, the sufficient
    statistics of corpus BLEU up to 4-grams (bleu_statistics), and `rouge2`, `rouge4`, the
    ROUGE-n F1 x 100."""
    return dict(bleu=bleu_statistics(hypotheses, references, 4),
                rouge2=rouge_f1(hypotheses, references, 2), rouge4=rouge_f1(hypotheses, references, 4))


def pooled_scores(scores: dict[str, np.ndarray], rows) -> dict[str, float]:
    """BLEU-2/4 and ROUGE-2/4 x 100 of a set of sentences.

    BLEU-2/4 from the summed statistics (corpus) and ROUGE-2/4 as mean F1, of the
    sentences `rows` (indices, repeats allowed: a bootstrap resample) of sentence_scores."""
    rows = np.asarray(rows, dtype=int)
    if not len(rows):
        return dict(bleu2=float("nan"), bleu4=float("nan"), rouge2=float("nan"), rouge4=float("nan"))
    totals = scores["bleu"][rows].sum(0)
    return dict(bleu2=bleu_from_statistics(totals, 2), bleu4=bleu_from_statistics(totals, 4),
                rouge2=float(scores["rouge2"][rows].mean()), rouge4=float(scores["rouge4"][rows].mean()))


def bucket_scores(sources: list[str], scores: dict[str, np.ndarray]) -> list[dict]:
    """pooled_scores of reconstructions per source-length bucket.

    Buckets of <= 10, 11-20, 21-30 tokens and all, one dict per bucket with its sentence count;
    `scores` are the sentence_scores of the

    reconstructions against `sources`."""
    lengths = np.array([len(s.split()) for s in sources])
    rows = []
    for name, low, high in LENGTH_BUCKETS:
        keep = np.flatnonzero((lengths >= low) & (lengths <= (high if high is not None else np.inf)))
        rows.append(dict(bucket=name, n_sentences=len(keep), **pooled_scores(scores, keep)))
    return rows


def repeats_previous(sentences: list[str]) -> list[bool]:
    """For a path of decoded sentences: whether each equals the one before it (the first never)."""
    return [i > 0 and s == sentences[i - 1] for i, s in enumerate(sentences)]


def neighbour_similarity(sentences: list[str]) -> list[float]:
    """How alike each sentence of a path of decoded sentences is to the one before it.

    Where they differ, difflib's ratio 2M / T over their tokens (M tokens matched in order, T the two
    lengths summed; 1 for equal, 0 for nothing in common); NaN for the first and for a repeat."""
    return [float("nan") if i == 0 or s == sentences[i - 1] else
            difflib.SequenceMatcher(None, sentences[i - 1].split(), s.split(), autojunk=False).ratio()
            for i, s in enumerate(sentences)]


def pairwise_preference(scores_a: list[float], scores_b: list[float]) -> dict:
    """Which of two systems scores higher, sentence by sentence, by an exact binomial test.

    Ties dropped: wins of a,
    losses, ties, % wins among decided pairs and the exact two-sided binomial p-value of the
    wins under H0: P(a wins) = 1/2."""
    from scipy.stats import binomtest  # slow to import: the module's docstring

    a, b = np.asarray(scores_a), np.asarray(scores_b)
    wins, losses = int((a > b).sum()), int((a < b).sum())
    decided = wins + losses
    return dict(wins=wins, losses=losses, ties=len(a) - decided,
                pct_wins=100 * wins / decided if decided else float("nan"),
                p_value=binomtest(wins, decided, 0.5).pvalue if decided else float("nan"))


def self_bleu(sentences: list[str], sample: int, seed: int, order: int = 4) -> float:
    """The Self-BLEU-n x 100 of a set of sentences.

    Zhu et al. 2018: the mean sentence BLEU of each sentence against all
    the others as references, over a seeded sample of at most `sample` sentences (the cost grows
    with the square of it).  High values mean a corpus that repeats itself."""
    rng = np.random.default_rng(seed)
    pool = list(sentences) if len(sentences) <= sample else list(rng.choice(sentences, sample, replace=False))
    if len(pool) < 2:
        return float("nan")
    bleu = BLEU(max_ngram_order=order, tokenize="none", effective_order=True)
    return float(np.mean([bleu.sentence_score(s, pool[:i] + pool[i + 1:]).score for i, s in enumerate(pool)]))
