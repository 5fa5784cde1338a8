"""The training histories of some cells in one long table (B1's models; A1's cells at the
largest C).  With held-out sentences' ELBOs as input (B1), also each run's relative fall of
its held-out ELBO after the early phase on bootstrap resamples of those sentences
(`bootstrap`), and their number per run (`held_out_sentences`)."""

import pandas as pd

from textvae.experiments.b1 import fall_replicates
from textvae.scripting import run
from textvae.tables import write_parquet, write_table


def main(smk):
    frames, noise = [], []
    for k, ((corpus, model), path) in enumerate(zip(smk.params.cells, smk.input.histories)):
        history = pd.read_parquet(path).drop(columns=["tokens_per_s"])  # timing, not a result
        if hasattr(smk.input, "held_out"):
            sentences = pd.read_parquet(smk.input.held_out[k])
            falls = fall_replicates(sentences, smk.params.replicates, smk.params.seed)
            noise.append(pd.DataFrame(dict(corpus=corpus, model=model, replicate=range(len(falls)), fall=falls)))
            history["held_out_sentences"] = sentences["sentence"].nunique()
        frames.append(history.assign(corpus=corpus, model=model))
    frame = pd.concat(frames, ignore_index=True)
    columns = ["corpus", "model"] + [c for c in frame.columns if c not in ("corpus", "model")]
    if noise:
        write_parquet(pd.concat(noise, ignore_index=True), smk.output.bootstrap)
    write_table(frame[columns], smk.output.parquet, smk.output.md, smk.params.title)
    print(f"{len(frame)} rows")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
