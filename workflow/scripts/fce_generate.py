"""A5: decode one cell's synthetic corpora, one per decoding scheme and seed, each from the
corpus's prior draws of that seed (the same z for every model and scheme)."""

import pandas as pd
import torch

from textvae.decoding import decode_in_batches
from textvae.generation import load_cell, read_prior
from textvae.scripting import cell_name, run
from textvae.tables import write_parquet


def main(smk):
    p = smk.params
    model, _, vocab, device = load_cell(smk.input.model, smk.input.vocab)
    outputs = iter(smk.output)  # in the rule's order: scheme by scheme, seed by seed
    priors = {seed: read_prior(path, device) for seed, path in zip(p.seeds, smk.input.priors)}
    for name, scheme in p.schemes.items():
        for seed in p.seeds:
            with torch.no_grad():
                decoded = decode_in_batches(model.decoder, priors[seed], vocab.bos, vocab.eos,
                                            p.batch_size, seed=seed, **scheme)
            text = [" ".join(vocab.decode(s)) for s in decoded]
            write_parquet(pd.DataFrame({"text": text}), next(outputs))
            print(f"{cell_name(smk)} {name} seed {seed}: {len(text)} sentences, "
                  f"{len({w for s in text for w in s.split()})} distinct words")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
