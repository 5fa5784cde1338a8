"""B4: % of prior samples judged meaningful (and % typical, textvae.judges) per model and
length group (and all lengths), and every sample as an artifact: sample i of every model
decodes the same z, so the claims compare models sample by sample."""

import pandas as pd

from textvae.scripting import run
from textvae.tables import write_parquet, write_table


def main(smk):
    frame = pd.concat([pd.read_parquet(p) for p in smk.input], ignore_index=True)
    groups = pd.concat([frame, frame.assign(group="all")])
    table = (groups.groupby(["corpus", "model", "group", "judge"], sort=False)
             .agg(samples=("meaningful", "size"), meaningful=("meaningful", "sum"), typical=("typical", "sum"),
                  mean_length=("n_tokens", "mean"))
             .reset_index())
    table["pct_meaningful"] = 100 * table["meaningful"] / table["samples"]
    table["pct_typical"] = 100 * table["typical"] / table["samples"]
    table = table[["corpus", "model", "group", "samples", "meaningful", "pct_meaningful", "typical", "pct_typical",
                   "mean_length", "judge"]]
    write_parquet(frame, smk.output.sentences)
    shown = frame.groupby(["corpus", "model"], sort=False).head(smk.params.shown)
    write_table(table, smk.output.parquet, smk.output.md, smk.params.title,
                {f"The first {smk.params.shown} samples of each model": shown})
    print(table.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
