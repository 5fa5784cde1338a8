"""A6 (Prokhorov et al. Table 4): p1, p2, p1_bar, p2_bar per category and overall (all pairs
pooled) over the pairs the vocabulary tells apart, with pair counts, the pairs lost to the
vocabulary, ties, and how many pairs hold a word outside the model's vocabulary; and the
bootstrap replicates of p1 and p2 per category over its scored pairs (the same resamples in
every cell, whose pairs are the same)."""

import pandas as pd

from textvae.bootstrap import mean_replicates
from textvae.scripting import run
from textvae.syntax import CATEGORIES, pair_accuracies, pair_hits
from textvae.tables import write_parquet, write_table

KEYS = ["corpus", "model", "C", "category"]


def main(smk):
    rows, hits = [], []
    for path in smk.input:
        scores = pd.read_parquet(path)
        corpus, model, C = scores[["corpus", "model", "C"]].iloc[0]
        by_category = scores.groupby(pd.Categorical(scores["category"], categories=list(CATEGORIES)),
                                     observed=True)
        groups = list(by_category) + [("all", scores)]
        for category, part in groups:
            rows.append(dict(corpus=corpus, model=model, C=C, category=category,
                             **pair_accuracies(part), pairs_with_unk=int(part["has_unk"].sum())))
        scored = scores[~scores["lost"]]
        hits.append(pair_hits(scored)[["p1", "p2"]].assign(**scored[KEYS], pair=scored.index))
    table = pd.DataFrame(rows)
    noise = mean_replicates(pd.concat(hits, ignore_index=True), KEYS, "pair", ["p1", "p2"],
                            smk.params.replicates, smk.params.seed)
    write_parquet(noise, smk.output.bootstrap)
    write_table(table, smk.output.parquet, smk.output.md, smk.params.title)
    print(table.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
