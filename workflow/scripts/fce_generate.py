"""A5: decode one cell's synthetic corpora, one per decoding scheme and seed, each from the
corpus's prior draws of that seed (the same z for every model and scheme), through the API's
decode (as `textvae sample` decodes its draws)."""

import pandas as pd

import textvae
from textvae.device import select_device
from textvae.generation import read_prior
from textvae.scripting import cell_name, run
from textvae.tables import write_parquet


def main(smk):
    p = smk.params
    vae = textvae.load(smk.input.model, vocab=smk.input.vocab, device=select_device(), log=print)
    outputs = iter(smk.output)  # in the rule's order: scheme by scheme, seed by seed
    priors = {seed: read_prior(path, vae.device) for seed, path in zip(p.seeds, smk.input.priors)}
    for name, scheme in p.schemes.items():
        for seed in p.seeds:
            text = vae.decode(priors[seed], scheme, seed=seed, batch_size=p.batch_size)
            write_parquet(pd.DataFrame({"text": text}), next(outputs))
            print(f"{cell_name(smk)} {name} seed {seed}: {len(text)} sentences, "
                  f"{len({w for s in text for w in s.split()})} distinct words")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
