"""A6: the minimal pairs every model is tested on, from the built-in grammar or from the
Marvin & Linzen pickles in a folder."""

from textvae.scripting import run
from textvae.syntax import BUILTIN_PER_SUBCASE, builtin_pairs, load_marvin_linzen
from textvae.tables import write_parquet


def main(smk):
    p = smk.params
    if p.source == "builtin":
        pairs = builtin_pairs(p.per_subcase or BUILTIN_PER_SUBCASE, p.seed)
    else:
        pairs = load_marvin_linzen(p.source, p.per_subcase, p.seed)
    write_parquet(pairs, smk.output[0])
    print(pairs.groupby("category", sort=False).size().to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
