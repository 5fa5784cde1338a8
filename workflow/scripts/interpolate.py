"""B5: decode the paths between the posterior means of pairs of test sentences (drawn with a
seed among the eligible ones, the same for every model) with one cell's VAE."""

import random

import pandas as pd
import torch

from textvae.generation import decode_paths, eligible, load_cell, posterior
from textvae.scripting import cell_name, run
from textvae.tables import write_parquet


def main(smk):
    p = smk.params
    model, _, vocab, device = load_cell(smk.input.model, smk.input.vocab)
    texts = list(pd.read_parquet(smk.input.test)["text"])
    pool = eligible(texts, vocab, p.min_len, p.max_len)
    if len(pool) < 2 * p.interpolations:
        raise ValueError(f"{smk.input.test}: {len(pool)} test sentences of {p.min_len}-{p.max_len} "
                         f"tokens without <unk>; {2 * p.interpolations} are needed")
    ends = random.Random(p.seed).sample(pool, 2 * p.interpolations)
    mu = posterior(model, [vocab.encode(texts[i].split()) for i in ends], vocab.bos, vocab.eos,
                   sample=False, device=device)
    with torch.no_grad():
        rows = decode_paths(model.decoder, mu[0::2], mu[1::2], p.steps, vocab, p.schemes,
                            p.batch_size, p.seed)
    corpus, model_id = smk.wildcards.corpus, smk.wildcards.model
    frame = pd.DataFrame(rows).assign(corpus=corpus, model=model_id)
    frame["start"] = [texts[ends[2 * path]] for path in frame["path"]]
    frame["end"] = [texts[ends[2 * path + 1]] for path in frame["path"]]
    write_parquet(frame, smk.output[0])
    print(f"{cell_name(smk)}: {int(frame['repeats_previous'].sum())} repeated neighbours in "
          f"{p.interpolations} interpolations")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
