"""Automatic judges of whether a sentence generated from the prior "makes sense" (B4).

`derivable` (built-in corpus: its grammar derives x), `acceptable` (real corpus: SLOR under the
reference LM at least the valid sentences' ACCEPTABLE quantile of its length group),
`typical` (-log p(x) in the test set's central TYPICAL share); `check_failure` tests a judge
on known answers.  Why: docs/design.md#judges.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# ACCEPTABLE 5 %: about 95 % of real sentences pass, clear of the check's REAL_PASS (at 10 % the
# check would be decided by the noise of the valid quantile)
ACCEPTABLE, TYPICAL = 0.05, 0.95
REAL_PASS, SHUFFLED_PASS = 0.90, 0.20  # the judge's own check: real sentences pass, shuffled ones do not
SWAPS = 3  # the check's swapped sentences: 1, 2, ... SWAPS words replaced
REAL, SHUFFLED = "real", "shuffled"


def length_groups(lengths, split_at: int) -> np.ndarray:
    """The length group of each sentence: '<=split_at' or '>split_at' tokens."""
    lengths = np.asarray(lengths)
    return np.where(lengths <= split_at, f"<={split_at}", f">{split_at}")


def derivable(sentences: list[list[str]], grammar) -> tuple[np.ndarray, np.ndarray]:
    """Whether the grammar derives each sentence, and its information -log p(x).

    -log p(x) is inf where the grammar does not derive the sentence."""
    information = -np.array([grammar.logprob(s) for s in sentences])
    return np.isfinite(information), information


def unigram_logprobs(train: list[list[int]], size: int, eos: int) -> np.ndarray:
    """log p_unigram(w) = log c(w) / N of each of the `size` token ids.

    c(w): w's count in the training sentences as the LM sees them (every unknown word as
    <unk>, one </s> a sentence), N: their sum; -inf for an id never seen."""
    counts = np.bincount(np.concatenate([*map(np.asarray, train), np.full(len(train), eos)]).astype(int),
                         minlength=size)
    with np.errstate(divide="ignore"):
        return np.log(counts / counts.sum())


def slor(logp, sentences: list[list[int]], unigram: np.ndarray, eos: int) -> np.ndarray:
    """SLOR of each sentence: (log p_LM(x) - log p_unigram(x)) / (|x| + 1).

    log p_LM(x) (`logp`) and log p_unigram(x) = sum_t log p_unigram(x_t) count the </s> that
    ends x, as its |x| + 1 tokens do."""
    unigram_logp = np.array([unigram[s].sum() for s in sentences]) + unigram[eos]
    return (np.asarray(logp, dtype=float) - unigram_logp) / np.array([len(s) + 1 for s in sentences])


def acceptable(scores, groups, valid_scores, valid_groups) -> tuple[np.ndarray, str]:
    """Whether each sentence is acceptable for its length, and the judge's description.

    Acceptable: its SLOR is at least the ACCEPTABLE quantile of the valid sentences' of its
    length group (a group no valid sentence falls in cannot pass)."""
    scores, groups = np.asarray(scores, dtype=float), np.asarray(groups)
    valid_scores, valid_groups = np.asarray(valid_scores, dtype=float), np.asarray(valid_groups)
    passes, limits = np.zeros(len(scores), dtype=bool), []
    for group in sorted(set(groups) & set(valid_groups)):
        limit = float(np.quantile(valid_scores[valid_groups == group], ACCEPTABLE))
        passes[groups == group] = scores[groups == group] >= limit
        limits.append(f"{group}: {limit:.2f}")
    return passes, (f"SLOR (log p_LM(x) - log p_unigram(x)) / (|x| + 1) under the reference LM at least the valid "
                    f"sentences' {100 * ACCEPTABLE:g} % quantile of the same length group ({', '.join(limits)})")


def typical(information, test_information) -> tuple[np.ndarray, str]:
    """Whether each sentence is typical.

    Typical: its -log p(x) lies within the central TYPICAL share of the test sentences', and
    the judge's description."""
    tail = 100 * (1 - TYPICAL) / 2
    low, high = np.percentile(test_information, [tail, 100 - tail])
    information = np.asarray(information, dtype=float)
    return ((information >= low) & (information <= high),
            f"-log p(x) within the test set's central {100 * TYPICAL:g} %: [{low:.2f}, {high:.2f}]")


def swapped(sentence: list[int], k: int, words: np.ndarray, p: np.ndarray, rng: np.random.Generator) -> list[int]:
    """The sentence with min(k, |x|) random positions replaced by words drawn from `words` with probabilities `p`.

    The positions are drawn without replacement."""
    out = np.array(sentence)
    positions = rng.choice(len(out), size=min(k, len(out)), replace=False)
    out[positions] = rng.choice(words, size=len(positions), p=p)
    return out.tolist()


def corrupted(sentences: list[list[int]], unigram: np.ndarray, specials, seed: int) -> dict[str, list[list[int]]]:
    """The judge's known answers: {kind: sentences}, real, shuffled and with 1..SWAPS words swapped.

    Shuffled: a random permutation of each sentence's words. Swapped: k of its positions get
    words drawn by their training frequency exp(unigram) among the ids not in `specials`.
    Seeded: the same seed, the same sentences."""
    rng = np.random.default_rng(seed)
    words = np.setdiff1d(np.flatnonzero(np.isfinite(unigram)), list(specials))
    p = np.exp(unigram[words]) / np.exp(unigram[words]).sum()
    kinds = {REAL: [list(s) for s in sentences], SHUFFLED: [rng.permutation(s).tolist() for s in sentences]}
    return kinds | {f"{k} swapped": [swapped(s, k, words, p, rng) for s in sentences] for k in range(1, SWAPS + 1)}


def pass_rates(checked: pd.DataFrame) -> pd.DataFrame:
    """How often the judge passes each kind of sentence, per corpus and length group (and `all`).

    `checked`: a row a sentence (corpus, kind, sentence, group, changed, passes, judge); an
    unchanged corrupted sentence is left out.  Columns: corpus, kind, group, n, passed,
    pct_passed, judge.  Why: docs/design.md#judges."""
    counted = checked[(checked["kind"] == REAL) | checked["changed"]]
    rows = pd.concat([counted, counted.assign(group="all")])
    table = (rows.groupby(["corpus", "kind", "group", "judge"], sort=False)
             .agg(n=("passes", "size"), passed=("passes", "sum")).reset_index())
    table["pct_passed"] = 100 * table["passed"] / table["n"]
    return table[["corpus", "kind", "group", "n", "passed", "pct_passed", "judge"]]


def check_failure(rates: pd.DataFrame, corpus: str, group: str) -> str:
    """Why the judge fails its own check on a corpus's length group ('' if it passes it).

    It fails where it passes fewer than REAL_PASS of the real test sentences or more than
    SHUFFLED_PASS of the shuffled ones, or where the check has no real sentence of the group."""
    mine = rates[(rates["corpus"] == corpus) & (rates["group"] == group)].set_index("kind")
    if REAL not in mine.index:
        return f"the judge's check has no real test sentence of length {group}"
    real, shuffled = mine.loc[REAL, "pct_passed"], mine["pct_passed"].get(SHUFFLED, np.nan)
    if real >= 100 * REAL_PASS and shuffled <= 100 * SHUFFLED_PASS:
        return ""
    return (f"the judge fails its check at length {group}: it passes {real:.1f} % of real test sentences (at least "
            f"{100 * REAL_PASS:g} % needed) and {shuffled:.1f} % of shuffled ones (at most {100 * SHUFFLED_PASS:g} %)")
