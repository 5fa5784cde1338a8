"""The paper's own values beside one of the pipeline's tables, labelled with where they were
measured (the papers' corpora, not this run's)."""

from textvae import paper
from textvae.scripting import run
from textvae.tables import write_table


def main(smk):
    name = smk.params.table
    frame = paper.TABLES[name]()
    write_table(frame, smk.output.parquet, smk.output.md,
                f"The paper's values for `{name}`, measured on the paper's corpora: {paper.SOURCE[name]}")
    print(f"{len(frame)} rows from {paper.SOURCE[name]}")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
