"""Draw one figure from its table, as PNG and PDF."""

import pandas as pd

from textvae import figures
from textvae.scripting import run


def main(smk):
    draw = getattr(figures, smk.params.kind)
    figures.save(draw(pd.read_parquet(smk.input[0])), smk.output.png, smk.output.pdf)


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
