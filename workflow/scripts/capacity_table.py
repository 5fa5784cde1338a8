"""A2: posterior statistics and reconstruction quality by source-length bucket, per cell; and
their bootstrap replicates over the test sentences (all lengths): the evaluation's for the
posterior statistics, BLEU and ROUGE from the same sentence scores on the same resamples in
every cell."""

import pandas as pd

from textvae.bootstrap import resamples
from textvae.scores import bucket_scores, pooled_scores, sentence_scores
from textvae.scripting import run
from textvae.tables import write_parquet, write_table

STATS = ["z", "distortion", "rate", "logdetcov", "mu_norm2", "active_units", "mi", "rate_minus_mi"]


def main(smk):
    rows, noise = [], []
    for (corpus, model), summary, recon, boot in zip(smk.params.cells, smk.input.summaries,
                                                     smk.input.reconstructions, smk.input.bootstrap):
        stats = pd.read_parquet(summary).iloc[0]
        frame = pd.read_parquet(recon)
        references = list(frame["reference"])
        scores = sentence_scores(list(frame["reconstruction"]), references)
        for bucket in bucket_scores(references, scores):
            rows.append(dict(corpus=corpus, model=model, C=stats["C"],
                             **{k: stats[k] for k in STATS}, **bucket))
        draws = resamples(len(references), smk.params.replicates, smk.params.seed)
        replicates = pd.DataFrame([dict(replicate=r, **pooled_scores(scores, rows_r))
                                   for r, rows_r in enumerate(draws)])
        noise.append(pd.read_parquet(boot).merge(replicates, on="replicate"))
    table = pd.DataFrame(rows).sort_values(["corpus", "C"], kind="stable")
    write_parquet(pd.concat(noise, ignore_index=True), smk.output.bootstrap)
    write_table(table, smk.output.parquet, smk.output.md, smk.params.title)
    print(table.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
