"""B3: an automatic judge in place of the human survey.  For each pair (a, b) and each test
sentence, the reconstruction with the higher sentence BLEU against the input wins; ties are
dropped; % wins of a and the exact two-sided binomial p-value."""

import pandas as pd

from textvae.scores import pairwise_preference, sentence_bleu
from textvae.scripting import run
from textvae.tables import write_table


def main(smk):
    frame = pd.concat([pd.read_parquet(p) for p in smk.input], ignore_index=True)
    frame["bleu"] = [sentence_bleu(h, s) for h, s in zip(frame["reconstruction"], frame["reference"])]
    rows = []
    for corpus, per_corpus in frame.groupby("corpus", sort=False):
        bleu = per_corpus.pivot(index="test_index", columns="model", values="bleu")
        for a, b in smk.params.pairs:
            rows.append(dict(corpus=corpus, model=a, versus=b, sentences=len(bleu),
                             mean_bleu=bleu[a].mean(), mean_bleu_versus=bleu[b].mean(),
                             **pairwise_preference(bleu[a], bleu[b])))
    table = pd.DataFrame(rows)
    write_table(table, smk.output.parquet, smk.output.md, smk.params.title)
    print(table.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
