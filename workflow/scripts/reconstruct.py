"""Reconstruct test sentences with one cell's VAE: encode, take z (the posterior mean or a
sample of q(z|x)), decode with the experiment's scheme.  A2: every test sentence, greedy from
the mean; B2: the first N eligible sentences, beam search from a sample.  `reference` is the
source as the model sees it, words outside its vocabulary as <unk> (the authors' code scores
reconstructions against `test.unk.txt`): a word the model cannot produce is no error of it."""

import pandas as pd
import torch

from textvae.decoding import decode_in_batches
from textvae.generation import eligible, load_cell, posterior
from textvae.scripting import cell_name, run
from textvae.tables import write_parquet


def main(smk):
    p = smk.params
    model, _, vocab, device = load_cell(smk.input.model, smk.input.vocab)
    texts = list(pd.read_parquet(smk.input.test)["text"])
    rows = range(len(texts)) if p.select is None else eligible(texts, vocab, p.select["min_len"],
                                                              p.select["max_len"])[:p.select["n"]]
    if not rows:
        raise ValueError(f"{smk.input.test}: no test sentence passes the filter {p.select}")
    sources = [texts[i] for i in rows]
    z = posterior(model, [vocab.encode(s.split()) for s in sources], vocab.bos, vocab.eos,
                  sample=p.z == "sample", seed=p.seed, device=device)
    with torch.no_grad():
        decoded = decode_in_batches(model.decoder, z, vocab.bos, vocab.eos, p.batch_size,
                                    seed=p.seed, **p.scheme)
    corpus, model_id = smk.wildcards.corpus, smk.wildcards.model
    frame = pd.DataFrame({"corpus": corpus, "model": model_id, "test_index": list(rows),
                          "source": sources, "n_tokens": [len(s.split()) for s in sources],
                          "reference": [" ".join(vocab.as_seen(s.split())) for s in sources],
                          "reconstruction": [" ".join(vocab.decode(s)) for s in decoded]})
    write_parquet(frame, smk.output[0])
    exact = (frame["reference"] == frame["reconstruction"]).mean()
    print(f"{cell_name(smk)}: {len(frame)} sentences reconstructed, {100 * exact:.1f} % exactly")


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
