"""Reconstruct test sentences with one cell's VAE through the API (textvae.load, as the
`textvae reconstruct` command): encode, take z (the posterior mean or a sample of q(z|x)),
decode with the experiment's scheme.  A2: every test sentence, greedy from the mean; B2: the
first N eligible sentences, beam search from a sample.  `reference` is the source as the model
sees it, words outside its vocabulary as <unk> (the authors' code scores reconstructions
against `test.unk.txt`): a word the model cannot produce is no error of it."""

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
    rows = range(len(texts)) if p.select is None else eligible(texts, vae.vocab, p.select["min_len"],
                                                              p.select["max_len"])[:p.select["n"]]
    if not rows:
        raise ValueError(f"{smk.input.test}: no test sentence passes the filter {p.select}")
    sources = [texts[i] for i in rows]
    decoded = vae.reconstruct(sources, p.scheme, z=p.z, seed=p.seed, batch_size=p.batch_size, prepared=True)
    corpus, model_id = smk.wildcards.corpus, smk.wildcards.model
    frame = pd.DataFrame({"corpus": corpus, "model": model_id, "test_index": list(rows),
                          "source": sources, "n_tokens": [len(s.split()) for s in sources],
                          "reference": decoded["tokens"], "reconstruction": decoded["reconstruction"]})
    write_parquet(frame, smk.output[0])
    exact = (frame["reference"] == frame["reconstruction"]).mean()
    print(f"{cell_name(smk)}: {len(frame)} sentences reconstructed, {100 * exact:.1f} % exactly")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
