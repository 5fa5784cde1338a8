"""B5: decode the paths between pairs of test sentences (drawn with a seed among the eligible
ones, the same for every model) with one cell's VAE through the API (textvae.load, as the
`textvae interpolate` command): the ends are z ~ q(z|x) of the two sentences, as Mansbridge et
al.'s Table 5 ("x1 and x2 ... provide z_i ~ q(z|x_i)"), drawn with the experiment's seed, or
their posterior means (the experiment's `z`)."""

import random

import pandas as pd

import textvae
from textvae.device import select_device
from textvae.generation import eligible
from textvae.scripting import cell_name, run
from textvae.tables import write_parquet


def main(smk):
    p = smk.params
    vae = textvae.load(smk.input.model, vocab=smk.input.vocab, device=select_device(), log=print)
    texts = list(pd.read_parquet(smk.input.test)["text"])
    pool = eligible(texts, vae.vocab, p.min_len, p.max_len)
    if len(pool) < 2 * p.interpolations:
        raise ValueError(f"{smk.input.test}: {len(pool)} test sentences of {p.min_len}-{p.max_len} "
                         f"tokens without <unk>; {2 * p.interpolations} are needed")
    ends = random.Random(p.seed).sample(pool, 2 * p.interpolations)
    [(name, scheme)] = p.schemes.items()
    frame = vae.interpolate([texts[i] for i in ends[0::2]], [texts[i] for i in ends[1::2]], p.steps, scheme,
                            z=p.z, seed=p.seed, batch_size=p.batch_size, prepared=True)
    frame = frame.assign(scheme=name, corpus=smk.wildcards.corpus, model=smk.wildcards.model)
    write_parquet(frame, smk.output[0])
    print(f"{cell_name(smk)}: {int(frame['repeats_previous'].sum())} repeated neighbours in "
          f"{p.interpolations} interpolations (path ends: {p.z} of q(z|x))")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
