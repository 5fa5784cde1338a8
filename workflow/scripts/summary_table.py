"""Gather the evaluation rows of an experiment's cells into one table, and their bootstrap
replicates into its `_bootstrap` companion."""

import pandas as pd

from textvae.scripting import run
from textvae.tables import write_parquet, write_table


def main(smk):
    frame = pd.concat([pd.read_parquet(p) for p in smk.input.summaries], ignore_index=True)
    frame = frame.reindex(columns=smk.params.columns)
    frame = frame.sort_values([c for c in ("corpus", "arch", "C", "model") if c in frame]).reset_index(drop=True)
    write_parquet(pd.concat([pd.read_parquet(p) for p in smk.input.bootstrap], ignore_index=True),
                  smk.output.bootstrap)
    write_table(frame, smk.output.parquet, smk.output.md, smk.params.title)
    print(f"{len(frame)} rows")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
