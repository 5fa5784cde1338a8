"""C1's tables: each short run's evaluation and prior-sample quality, the ladder's curve over the
training seeds with the pick, and the pick per corpus (textvae.experiments.c1)."""

import pandas as pd

from textvae.experiments.c1 import curve_table, picks_table, runs_table
from textvae.scripting import run
from textvae.tables import write_parquet, write_table


def main(smk):
    summaries = pd.concat([pd.read_parquet(p) for p in smk.input.summaries], ignore_index=True)
    samples = pd.concat([pd.read_parquet(p) for p in smk.input.samples], ignore_index=True)
    runs = runs_table(summaries, samples)
    picks = picks_table(runs, smk.params.delta)
    write_parquet(runs, smk.output.runs)
    write_table(curve_table(runs, picks), smk.output.parquet, smk.output.md, smk.params.title, floatfmt=".3f")
    write_table(picks, smk.output.pick, smk.output.pick_md, smk.params.pick_title)
    for row in picks.itertuples():
        print(f"{row.corpus}: C = {row.pick:g} (seeds' picks {row.seed_picks}: [{row.lo:g}, {row.hi:g}], "
              f"{100 * row.coverage:.0f} % coverage of their median)")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
