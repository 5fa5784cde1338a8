"""B4: % of the kept prior samples (those that pass paper B's filter) judged meaningful (and %
typical, textvae.judges) per model and length group (and all lengths), with the z each model
drew and the samples it kept (a model that kept none has one row, group `all`, of 0 samples);
and every sample as an artifact: sample i of every model decodes the same z, so the claims
compare models sample by sample over the z whose samples both keep."""

import pandas as pd

from textvae.scripting import run
from textvae.tables import write_parquet, write_table


def main(smk):
    frame = pd.concat([pd.read_parquet(p) for p in smk.input], ignore_index=True)
    counts = frame.groupby(["corpus", "model"], sort=False).agg(drawn=("kept", "size"), kept=("kept", "sum"),
                                                                 judge=("judge", "first"))
    shown = frame[frame["kept"]]
    groups = pd.concat([shown, shown.assign(group="all")])
    table = (groups.groupby(["corpus", "model", "group", "judge"], sort=False)
             .agg(samples=("meaningful", "size"), meaningful=("meaningful", "sum"), typical=("typical", "sum"),
                  mean_length=("n_tokens", "mean"))
             .reset_index())
    table["pct_meaningful"] = 100 * table["meaningful"] / table["samples"]
    table["pct_typical"] = 100 * table["typical"] / table["samples"]
    none_kept = counts[counts["kept"] == 0].reset_index().assign(group="all", samples=0, meaningful=0, typical=0)
    table = pd.concat([table.join(counts[["drawn", "kept"]], on=["corpus", "model"]), none_kept], ignore_index=True)
    table = table[["corpus", "model", "drawn", "kept", "group", "samples", "meaningful", "pct_meaningful", "typical",
                   "pct_typical", "mean_length", "judge"]]
    write_parquet(frame, smk.output.sentences)
    first = shown.groupby(["corpus", "model"], sort=False).head(smk.params.shown)
    write_table(table, smk.output.parquet, smk.output.md, smk.params.title,
                {f"The first {smk.params.shown} kept samples of each model": first})
    print(table.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
