"""Automatic judges of whether a sentence generated from the prior "makes sense".

For B4, in place of Mansbridge et al.'s survey, whose Tables 3-4 split the answers at 10 tokens.


- On a built-in corpus, `derivable`: the corpus's own grammar derives the sentence (its exact
  probability is above 0). Exact, and what the survey asked of a language the grammar defines.
- On a real corpus, `fluent`: the reference language model (trained on the corpus) gives the
  sentence a per-token NLL no higher than the FLUENT quantile of the real test sentences of the
  same length group. It sees fluency as the corpus's LM knows it, not meaning: a fluent
  sentence that says nothing sensible passes, and text the LM finds likely (short, generic,
  frequent words) passes easily.
- Beside them, as its own column, `typical`: the sentence's information -log p(x) lies within
  the central TYPICAL share of the test sentences'. It fails an improbable sentence and also a
  short generic one the language finds too likely, so it is not the survey's question.
"""

from __future__ import annotations

import numpy as np

FLUENT, TYPICAL = 0.95, 0.95


def length_groups(lengths, split_at: int) -> np.ndarray:
    """The length group of each sentence: '<=split_at' or '>split_at' tokens."""
    lengths = np.asarray(lengths)
    return np.where(lengths <= split_at, f"<={split_at}", f">{split_at}")


def derivable(sentences: list[list[str]], grammar) -> tuple[np.ndarray, np.ndarray]:
    """Whether the grammar derives each sentence, and its information -log p(x).

    -log p(x) is inf where the grammar does not derive the sentence."""
    information = -np.array([grammar.logprob(s) for s in sentences])
    return np.isfinite(information), information


def fluent(nll_per_token, groups, test_nll_per_token, test_groups) -> tuple[np.ndarray, str]:
    """Whether each sentence is fluent for its length.

    Fluent: its per-token NLL is at most the FLUENT quantile of the test
    sentences' of its length group, and the judge's description (the quantile per group)."""
    nll, groups = np.asarray(nll_per_token, dtype=float), np.asarray(groups)
    test_nll, test_groups = np.asarray(test_nll_per_token, dtype=float), np.asarray(test_groups)
    passes, limits = np.zeros(len(nll), dtype=bool), []
    for group in sorted(set(groups)):
        reference = test_nll[test_groups == group]
        if not len(reference):
            continue  # no test sentence of this length: no sample of it can be judged fluent
        limit = float(np.quantile(reference, FLUENT))
        passes[groups == group] = nll[groups == group] <= limit
        limits.append(f"{group}: {limit:.2f}")
    return passes, (f"per-token NLL under the reference LM at most the test sentences' {100 * FLUENT:g} % "
                    f"quantile of the same length group ({', '.join(limits)})")


def typical(information, test_information) -> tuple[np.ndarray, str]:
    """Whether each sentence is typical.

    Typical: its -log p(x) lies within the central TYPICAL share of the test sentences', and
    the judge's description."""
    tail = 100 * (1 - TYPICAL) / 2
    low, high = np.percentile(test_information, [tail, 100 - tail])
    information = np.asarray(information, dtype=float)
    return ((information >= low) & (information <= high),
            f"-log p(x) within the test set's central {100 * TYPICAL:g} %: [{low:.2f}, {high:.2f}]")
