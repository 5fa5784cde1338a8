"""B3: an automatic judge in place of the human survey.  For each pair (a, b) and each test
sentence, the reconstruction with the higher sentence BLEU against the input wins; ties are
dropped; % wins of a and the exact two-sided binomial p-value.  Where B2 trains several seeds,
one row per seed: each seed's run of a meets the same seed's run of b."""

import pandas as pd

from textvae.model_ids import split_seed
from textvae.scores import pairwise_preference, sentence_bleu
from textvae.scripting import run
from textvae.tables import write_table


def main(smk):
    frame = pd.concat([pd.read_parquet(p) for p in smk.input], ignore_index=True)
    frame["bleu"] = [sentence_bleu(h, s) for h, s in zip(frame["reconstruction"], frame["reference"])]
    rows = []
    for corpus, per_corpus in frame.groupby("corpus", sort=False):
        bleu = per_corpus.pivot(index="test_index", columns="model", values="bleu")
        runs = {}  # model -> {its run's seed suffix ("" without one): the run's column}
        for model in bleu.columns:
            base, seed = split_seed(model)
            runs.setdefault(base, {})[seed] = model
        for a, b in smk.params.pairs:
            for seed in sorted(runs[a]):
                scores_a, scores_b = bleu[runs[a][seed]], bleu[runs[b][seed]]
                rows.append(dict(corpus=corpus, model=runs[a][seed], versus=runs[b][seed], sentences=len(bleu),
                                 mean_bleu=scores_a.mean(), mean_bleu_versus=scores_b.mean(),
                                 **pairwise_preference(scores_a, scores_b)))
    table = pd.DataFrame(rows)
    write_table(table, smk.output.parquet, smk.output.md, smk.params.title)
    print(table.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
