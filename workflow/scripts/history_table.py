"""The training histories of some cells in one long table (B1's models; A1's cells at the
largest C)."""

import pandas as pd

from textvae.scripting import run
from textvae.tables import write_table


def main(smk):
    frames = []
    for (corpus, model), path in zip(smk.params.cells, smk.input):
        history = pd.read_parquet(path).drop(columns=["tokens_per_s"])  # timing, not a result
        frames.append(history.assign(corpus=corpus, model=model))
    frame = pd.concat(frames, ignore_index=True)
    columns = ["corpus", "model"] + [c for c in frame.columns if c not in ("corpus", "model")]
    write_table(frame[columns], smk.output.parquet, smk.output.md, smk.params.title)
    print(f"{len(frame)} rows")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
