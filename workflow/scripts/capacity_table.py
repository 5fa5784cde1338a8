"""A2: posterior statistics and reconstruction quality by source-length bucket, per cell."""

import pandas as pd

from textvae.scores import bucket_scores
from textvae.scripting import run
from textvae.tables import write_table

STATS = ["distortion", "rate", "logdetcov", "mu_norm2", "active_units", "mi", "rate_minus_mi"]


def main(smk):
    rows = []
    for (corpus, model), summary, recon in zip(smk.params.cells, smk.input.summaries,
                                               smk.input.reconstructions):
        stats = pd.read_parquet(summary).iloc[0]
        frame = pd.read_parquet(recon)
        for scores in bucket_scores(list(frame["reference"]), list(frame["reconstruction"])):
            rows.append(dict(corpus=corpus, model=model, C=stats["C"],
                             **{k: stats[k] for k in STATS}, **scores))
    table = pd.DataFrame(rows).sort_values(["corpus", "C"], kind="stable")
    write_table(table, smk.output.parquet, smk.output.md, smk.params.title)
    print(table.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
