"""A4 and B5: the decoded paths of every cell with the repeated-neighbour flag and the
similarity of each differing neighbour (textvae.scores); per corpus, model and scheme the
number of repeated neighbours and the mean similarity of the differing ones; and the same per
path (`_paths`: the same paths in every model of a corpus, which the claims' exact tests pair)."""

import pandas as pd

from textvae.scores import neighbour_similarity
from textvae.scripting import run
from textvae.tables import write_parquet, write_table


def per_path(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per path: its repeated neighbours, its differing neighbours (`changes`), the sum of their
    similarities and its mean `neighbour_similarity` (NaN where every neighbour repeats)."""
    paths = (frame.assign(changed=frame["similarity"].notna())
             .groupby(keys + ["path"], sort=False)
             .agg(repeats=("repeats_previous", "sum"), changes=("changed", "sum"),
                  similarity=("similarity", "sum"))
             .reset_index())
    return paths.assign(neighbour_similarity=paths["similarity"] / paths["changes"].where(paths["changes"] > 0))


def main(smk):
    frame = pd.concat([pd.read_parquet(p) for p in smk.input], ignore_index=True)
    first = ["corpus", "model"] + [c for c in ("C",) if c in frame]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    keys = first + ["scheme"]
    frame["similarity"] = (frame.sort_values("point").groupby(keys + ["path"], sort=False)["sentence"]
                           .transform(lambda path: neighbour_similarity(list(path))))
    paths = per_path(frame, keys)
    counts = (frame.groupby(keys, sort=False)
              .agg(sentences=("sentence", "size"), distinct=("sentence", "nunique"),
                   neighbours=("point", lambda p: int((p > 0).sum())))
              .reset_index()
              .merge(paths.groupby(keys, sort=False)[["repeats", "changes", "similarity"]].sum().reset_index(),
                     on=keys))
    counts["pct_repeats"] = 100 * counts["repeats"] / counts["neighbours"]
    counts["neighbour_similarity"] = counts.pop("similarity") / counts["changes"]
    write_parquet(paths, smk.output.paths)
    write_parquet(frame, smk.output.parquet)
    write_table(counts, smk.output.counts, smk.output.md, smk.params.title,
                {"Decoded sentences (repeats_previous: equal to the sentence one point before; similarity: "
                 "to it, where they differ)": frame})
    print(counts.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
