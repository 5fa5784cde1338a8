"""B2: the reconstructions of the same test sentences by every model, side by side: the first N
that pass paper B's filter (min_len-max_len tokens, no <unk>), with how many test sentences were
read to find them (`drawn`) and how many passed (`kept`)."""

import pandas as pd

from textvae.scripting import run
from textvae.tables import write_table


def main(smk):
    frame = pd.concat([pd.read_parquet(p) for p in smk.input], ignore_index=True)
    wide = (frame.pivot(index=["corpus", "test_index", "source"], columns="model",
                        values="reconstruction")
            .reindex(columns=list(dict.fromkeys(frame["model"])))
            .reset_index())
    wide.columns.name = None
    per_corpus = wide.groupby("corpus")["test_index"]
    wide.insert(1, "drawn", per_corpus.transform("max") + 1)
    wide.insert(2, "kept", per_corpus.transform("size"))
    write_table(wide, smk.output.parquet, smk.output.md, smk.params.title)
    print(f"{len(wide)} sentences x {wide.shape[1] - 3} models")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
