"""Draw the codes z ~ N(0, I) that every model of a corpus decodes (A4's path ends, A5's
synthetic corpora, B4's samples), so that the models are compared on the same z.  With no
number given, as many as the corpus's test set has sentences."""

import pandas as pd

from textvae.generation import prior_draws
from textvae.scripting import run
from textvae.tables import write_parquet


def main(smk):
    p = smk.params
    n = p.n if p.n is not None else len(pd.read_parquet(smk.input.test))
    z = prior_draws(n, p.dim, p.seed)
    write_parquet(pd.DataFrame(z, columns=[f"z{i}" for i in range(p.dim)]), smk.output[0])
    print(f"{n} draws of z in {p.dim} dimensions, seed {p.seed}")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
