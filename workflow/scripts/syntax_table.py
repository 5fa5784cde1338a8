"""A6 (Prokhorov et al. Table 4): p1, p2, p1_bar, p2_bar per category and overall (all pairs
pooled) over the pairs the vocabulary tells apart, with pair counts, the pairs lost to the
vocabulary, ties, how many pairs hold a word outside the model's vocabulary, and the counts
the claims' intervals come from (hits per share and the paired 2x2 tables, textvae.syntax:
an interval of a share from its counts, without replicates over up to 137k pairs)."""

import pandas as pd

from textvae.scripting import run
from textvae.syntax import CATEGORIES, pair_accuracies
from textvae.tables import write_table


def main(smk):
    rows = []
    for path in smk.input:
        scores = pd.read_parquet(path)
        corpus, model, C = scores[["corpus", "model", "C"]].iloc[0]
        by_category = scores.groupby(pd.Categorical(scores["category"], categories=list(CATEGORIES)),
                                     observed=True)
        for category, part in list(by_category) + [("all", scores)]:
            rows.append(dict(corpus=corpus, model=model, C=C, category=category,
                             **pair_accuracies(part), pairs_with_unk=int(part["has_unk"].sum())))
    table = pd.DataFrame(rows)
    write_table(table, smk.output.parquet, smk.output.md, smk.params.title)
    print(table.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
