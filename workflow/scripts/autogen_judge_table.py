"""B4's judge checked: % of the real test sentences, and of them shuffled or with 1..3 words
swapped, that the judge passes, per corpus and length group (textvae.judges.pass_rates)."""

import pandas as pd

from textvae.judges import pass_rates
from textvae.scripting import run
from textvae.tables import write_table


def main(smk):
    table = pass_rates(pd.concat([pd.read_parquet(p) for p in smk.input], ignore_index=True))
    write_table(table, smk.output.parquet, smk.output.md, smk.params.title)
    print(table.to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
