"""B4: % of prior samples judged meaningful per model and length group (and all lengths),
every sample as an artifact, and the bootstrap replicates of the share judged meaningful over
the samples (sample i of every model decodes the same z: paired)."""

import pandas as pd

from textvae.bootstrap import mean_replicates
from textvae.scripting import run
from textvae.tables import write_parquet, write_table


def main(smk):
    frame = pd.concat([pd.read_parquet(p) for p in smk.input], ignore_index=True)
    groups = pd.concat([frame, frame.assign(group="all")])
    table = (groups.groupby(["corpus", "model", "group", "judge"], sort=False)
             .agg(samples=("meaningful", "size"), meaningful=("meaningful", "sum"),
                  mean_length=("n_tokens", "mean"))
             .reset_index())
    table["pct_meaningful"] = 100 * table["meaningful"] / table["samples"]
    table = table[["corpus", "model", "group", "samples", "meaningful", "pct_meaningful",
                   "mean_length", "judge"]]
    write_parquet(frame, smk.output.sentences)
    noise = mean_replicates(frame.assign(pct_meaningful=100 * frame["meaningful"].astype(float)),
                            ["corpus", "model"], "sample", ["pct_meaningful"], smk.params.replicates, smk.params.seed)
    write_parquet(noise, smk.output.bootstrap)
    shown = frame.groupby(["corpus", "model"], sort=False).head(smk.params.shown)
    write_table(table, smk.output.parquet, smk.output.md, smk.params.title,
                {f"The first {smk.params.shown} samples of each model": shown})
    print(table.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
