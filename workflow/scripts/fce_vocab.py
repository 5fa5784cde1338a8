"""A5: the vocabulary every language model of a training corpus shares, the words common to
all its synthetic corpora (or to those of one scheme)."""

import pandas as pd

from textvae.corpora import build_vocab
from textvae.fce import common_vocabulary
from textvae.scripting import run
from textvae.tables import write_parquet


def main(smk):
    words = common_vocabulary([list(pd.read_parquet(path)["text"]) for path in smk.input])
    write_parquet(build_vocab([], None, extra=words), smk.output[0])
    print(f"{len(words)} words common to {len(smk.input)} synthetic corpora")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
