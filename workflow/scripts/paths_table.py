"""A4 and B5: the decoded paths of every cell with the repeated-neighbour flag, and the number
of repeated neighbours per corpus, model and scheme."""

import pandas as pd

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
    write_parquet(frame, smk.output.parquet)
    write_table(counts, smk.output.counts, smk.output.md, smk.params.title,
                {"Decoded sentences (repeats_previous: equal to the sentence one point before)": frame})
    print(counts.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
