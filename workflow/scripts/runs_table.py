"""Every trained cell in one row, as `dvc exp show` lists experiments: its settings, its final
training and held-out terms, its test metrics where the cell was evaluated, training time,
device and the code commit it was trained with.  Compare two runs with pandas."""

from dataclasses import asdict

import pandas as pd
import torch

from textvae.cards import key_metrics
from textvae.scripting import run
from textvae.settings import saved_settings
from textvae.tables import write_table


def main(smk):
    summaries = {cell: pd.read_parquet(path).iloc[0] for cell, path in
                 zip(map(tuple, smk.params.evaluated), smk.input.summaries)}
    rows = []
    for (corpus, model), path, history in zip(smk.params.cells, smk.input.models, smk.input.histories):
        saved = torch.load(path, map_location="cpu", weights_only=True)
        last = pd.read_parquet(history).iloc[-1]
        row = dict(corpus=corpus, model=model, **dict(sorted(asdict(saved_settings(saved)).items())),
                   **key_metrics(last, summaries.get((corpus, model))), **saved.get("info", {}))
        rows.append(row)
    table = pd.DataFrame(rows)
    write_table(table, smk.output.parquet, smk.output.md, smk.params.title, floatfmt="g")
    print(f"{len(table)} cells, {table.shape[1]} columns")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
