"""A4 and B5: the decoded paths of every cell with the repeated-neighbour flag, the number of
repeated neighbours per corpus, model and scheme, and its bootstrap replicates over the paths
(the same paths in every model of a corpus: paired)."""

import pandas as pd

from textvae.bootstrap import mean_replicates
from textvae.scripting import run
from textvae.tables import write_parquet, write_table


def main(smk):
    frame = pd.concat([pd.read_parquet(p) for p in smk.input], ignore_index=True)
    first = ["corpus", "model"] + [c for c in ("C",) if c in frame]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    keys = first + ["scheme"]
    counts = (frame.groupby(keys, sort=False)
              .agg(sentences=("sentence", "size"), distinct=("sentence", "nunique"),
                   neighbours=("point", lambda p: int((p > 0).sum())),
                   repeats=("repeats_previous", "sum"))
              .reset_index())
    counts["pct_repeats"] = 100 * counts["repeats"] / counts["neighbours"]
    per_path = frame.groupby(keys + ["path"], sort=False)["repeats_previous"].sum().rename("repeats").reset_index()
    noise = mean_replicates(per_path, keys, "path", ["repeats"], smk.params.replicates, smk.params.seed)
    paths = per_path.groupby(keys, sort=False).size().rename("paths").reset_index()
    noise = noise.merge(paths, on=keys)
    noise["repeats"] *= noise.pop("paths")  # the count over as many paths as the cell has
    write_parquet(noise, smk.output.bootstrap)
    write_parquet(frame, smk.output.parquet)
    write_table(counts, smk.output.counts, smk.output.md, smk.params.title,
                {"Decoded sentences (repeats_previous: equal to the sentence one point before)": frame})
    print(counts.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
