"""How far A2's ROUGE (rouge-score: n-gram counts, clipped) is from the authors' rouge.py
(n-gram sets: each distinct n-gram counted once), on a finished run's A2 reconstructions:
the mean F1 x 100 of both per (corpus, model, source-length bucket), and their difference.

    python studies/rouge_sets.py results [--out rouge_sets.csv]

The two agree on every sentence without a repeated n-gram; they differ where a
reconstruction or its source repeats one (a decoder that loops: "the cat the cat").  The
set form is written here because no maintained library computes it; it is not used by the
pipeline, whose ROUGE is rouge-score's (docs/experiments.md, A2).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from textvae.scores import LENGTH_BUCKETS, rouge_f1


def ngram_set(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    """The distinct n-grams of a token list."""
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def rouge_f1_sets(hypothesis: str, reference: str, n: int) -> float:
    """The authors' ROUGE-n F1 x 100 of one sentence: P = |H & R| / |H|, R = |H & R| / |R| over
    the n-gram sets H and R (0 when a set is empty), F1 = 2PR / (P + R + 1e-8)."""
    hyp, ref = ngram_set(hypothesis.split(), n), ngram_set(reference.split(), n)
    overlap = len(hyp & ref)
    precision = overlap / len(hyp) if hyp else 0.0
    recall = overlap / len(ref) if ref else 0.0
    return 100 * 2 * precision * recall / (precision + recall + 1e-8)


def compare(frame: pd.DataFrame) -> list[dict]:
    """Per source-length bucket of one cell's reconstructions: mean ROUGE-2/4 F1 by counts and
    by sets, and counts minus sets."""
    hyps, refs = list(frame["reconstruction"]), list(frame["reference"])
    lengths = np.array([len(r.split()) for r in refs])
    rows = []
    for name, low, high in LENGTH_BUCKETS:
        keep = np.flatnonzero((lengths >= low) & (lengths <= (high if high is not None else np.inf)))
        row = dict(bucket=name, n_sentences=len(keep))
        for n in (2, 4):
            counts = rouge_f1([hyps[i] for i in keep], [refs[i] for i in keep], n)
            sets = np.array([rouge_f1_sets(hyps[i], refs[i], n) for i in keep])
            row.update({f"rouge{n}_counts": counts.mean() if len(keep) else np.nan,
                        f"rouge{n}_sets": sets.mean() if len(keep) else np.nan,
                        f"rouge{n}_sentences_differing": int((np.abs(counts - sets) > 1e-4).sum())})
            row[f"rouge{n}_difference"] = row[f"rouge{n}_counts"] - row[f"rouge{n}_sets"]
        rows.append(row)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    rows = []
    for path in sorted(args.results.glob("decode/*/*/reconstructions_A2.parquet")):
        frame = pd.read_parquet(path)
        rows += [dict(corpus=path.parts[-3], model=path.parts[-2], **row) for row in compare(frame)]
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 250, "display.precision", 3):
        print(table.to_string(index=False))
    for n in (2, 4):
        difference = table[f"rouge{n}_difference"].abs()
        print(f"rouge{n}_largest_abs_difference: {difference.max():.3f}")
        print(f"rouge{n}_mean_abs_difference: {difference.mean():.3f}")
    if args.out:
        table.to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
