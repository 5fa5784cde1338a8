"""A5: the vocabulary the language models of one decoding scheme share on a training corpus,
the words common to that scheme's synthetic corpora over every C and seed (Prokhorov et al.
Table 3's |V|, one per scheme)."""

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
