"""A4: decode the homotopies between pairs of prior draws (rows 2i and 2i + 1 of the corpus's
draws) with one cell's VAE under each scheme, through the API's paths (as `textvae
interpolate` decodes its path)."""

import textvae
from textvae.device import select_device
from textvae.generation import read_prior
from textvae.scripting import run
from textvae.tables import write_parquet


def main(smk):
    p = smk.params
    vae = textvae.load(smk.input.model, vocab=smk.input.vocab, device=select_device(), log=print)
    z = read_prior(smk.input.prior, vae.device)
    frame = vae.paths(z[0::2], z[1::2], p.points + 2, p.schemes, seed=p.seed, batch_size=p.batch_size)
    frame = frame.assign(corpus=smk.wildcards.corpus, model=smk.wildcards.model, C=vae.settings.C)
    write_parquet(frame, smk.output[0])
    print(frame.groupby("scheme")["repeats_previous"].sum().to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
