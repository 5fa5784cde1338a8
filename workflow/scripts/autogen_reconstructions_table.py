"""B2: the reconstructions of the same test sentences by every model, side by side."""

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
    write_table(wide, smk.output.parquet, smk.output.md, smk.params.title)
    print(f"{len(wide)} sentences x {wide.shape[1] - 3} models")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
