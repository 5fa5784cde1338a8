"""Write beside a cell's model.pt what it needs to be used alone (textvae.cards): the corpus
vocabulary and card.json, with how the corpus's text was prepared, its longest training
sentence, the run's decoding and evaluation settings and the cell's key metrics."""

import pandas as pd

from textvae.cards import card, card_json, key_metrics
from textvae.corpora import preparation
from textvae.scripting import cell_name, run
from textvae.tables import write_parquet, write_text


def main(smk):
    write_parquet(pd.read_parquet(smk.input.vocab), smk.output.vocab)
    longest = int(pd.read_parquet(smk.input.train, columns=["n_tokens"])["n_tokens"].max())
    summary = pd.read_parquet(smk.input.summary).iloc[0] if hasattr(smk.input, "summary") else None
    metrics = key_metrics(pd.read_parquet(smk.input.history).iloc[-1], summary)
    found = card(smk.wildcards.corpus, smk.wildcards.model, preparation(smk.params.corpus), longest,
                 smk.params.decoding, smk.params.evaluation, metrics)
    write_text(card_json(found), smk.output.card)
    print(f"{cell_name(smk)}: card with {len(metrics)} metrics and the vocabulary written beside model.pt")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
