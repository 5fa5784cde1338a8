"""A4: decode the homotopies between pairs of prior draws (rows 2i and 2i + 1 of the corpus's
draws) with one cell's VAE under each scheme."""

import pandas as pd
import torch

from textvae.generation import decode_paths, load_cell, read_prior
from textvae.scripting import run
from textvae.tables import write_parquet


def main(smk):
    p = smk.params
    model, settings, vocab, device = load_cell(smk.input.model, smk.input.vocab)
    z = read_prior(smk.input.prior, device)
    with torch.no_grad():
        rows = decode_paths(model.decoder, z[0::2], z[1::2], p.points + 2, vocab, p.schemes,
                            p.batch_size, p.seed)
    corpus, model_id = smk.wildcards.corpus, smk.wildcards.model
    frame = pd.DataFrame(rows).assign(corpus=corpus, model=model_id, C=settings.C)
    write_parquet(frame, smk.output[0])
    print(frame.groupby("scheme")["repeats_previous"].sum().to_string())


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
